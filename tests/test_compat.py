"""What clusternet 0.1 users wrote keeps working: pickles, the strategies module, the flat namespace."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd

import clusternet as cn

DATA = Path(__file__).parent / "data"


def test_a_pickle_written_by_clusternet_0_1_loads():
    # tests/data/ecosystem-0.1.pickle was written by clusternet at commit 6eb08ff (the flat 0.1
    # layout, run from a git worktree of that commit): it names clusternet.ecosystem._restore.
    raw = (DATA / "ecosystem-0.1.pickle").read_bytes()
    assert b"clusternet.ecosystem" in raw
    eco = pickle.loads(raw)
    assert isinstance(eco, cn.Ecosystem)
    assert eco.organisations["name"].tolist() == ["A NV", "B BV", "C"]
    edges = cn.organisation_edges(eco)
    assert list(zip(edges["source"], edges["target"], strict=True)) == [("a", "b")]
    # and a new pickle of it round-trips through today's path
    again = pickle.loads(pickle.dumps(eco))
    pd.testing.assert_frame_equal(again.participations, eco.participations)


def test_the_strategies_module_is_the_testing_package():
    from clusternet import strategies, testing

    assert strategies.ecosystems is testing.ecosystems
