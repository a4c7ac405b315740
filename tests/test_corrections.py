"""correction= on the tables that carry many p-values: period_change and rich_club.

The oracle is Holm's step-down and Benjamini-Hochberg's step-up written out here by hand
(sorted p-values, (m - i) or m / i multipliers, monotone and clipped at 1), on the p-values the
table reports; missing p-values are no test.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import clusternet as cn
from clusternet._shared import adjust_p_values


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p, kind="stable")
    m = len(p)
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def _benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p, kind="stable")
    m = len(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    stepped = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


ORACLES = {"holm": _holm, "fdr_bh": _benjamini_hochberg}


@pytest.mark.parametrize("correction", ["holm", "fdr_bh"])
def test_adjust_p_values_by_hand_and_missing_values_are_no_test(correction):
    p = np.array([0.01, np.nan, 0.04, 0.03, 0.5, np.nan, 0.001])
    adjusted = adjust_p_values(p, correction)
    tested = ~np.isnan(p)
    np.testing.assert_allclose(adjusted[tested], ORACLES[correction](p[tested]), rtol=1e-12)
    assert np.isnan(adjusted[~tested]).all()


@pytest.mark.parametrize("correction", ["holm"])  # fdr_bh: the same call, checked on adjust_p_values above
def test_period_change_adjusts_its_p_values(correction):
    eco = cn.datasets.synthetic_ecosystem(scale=0.3, seed=1)
    table = cn.period_change(eco, 2018, 2019, samples=19, seed=0, correction=correction)
    p = table["p_value"].to_numpy(dtype=float)
    tested = ~np.isnan(p)
    np.testing.assert_allclose(
        table["p_adjusted"].to_numpy()[tested], ORACLES[correction](p[tested]), rtol=1e-12
    )
    assert table.attrs["correction"] == correction
    plain = cn.period_change(eco, 2018, 2019, samples=19, seed=0)
    np.testing.assert_array_equal(plain["p_adjusted"], plain["p_value"])
    assert list(plain.columns) == cn.CHANGE_COLUMNS


def test_rich_club_adjusts_its_p_values():
    G = nx.relabel_nodes(nx.circulant_graph(60, [1, 2]), lambda i: f"p{i}")
    G.add_edges_from(nx.complete_graph(6).edges)
    G.add_edges_from((hub, f"p{8 * hub + i}") for hub in range(6) for i in range(8))
    club = cn.rich_club(G, samples=9, seed=0, correction="holm")
    np.testing.assert_allclose(club["p_adjusted"], _holm(club["p_value"].to_numpy()), rtol=1e-12)
    plain = cn.rich_club(G, samples=9, seed=0)
    np.testing.assert_array_equal(plain["p_adjusted"], plain["p_value"])
    assert cn.rich_club(G, normalized=False)["p_adjusted"].isna().all()


@pytest.mark.parametrize("call", ["period_change", "rich_club"])
def test_an_unknown_correction_is_refused(call):
    with pytest.raises(cn.OptionError, match="correction='bonferonni' is not one of"):
        if call == "rich_club":
            cn.rich_club(nx.path_graph(5), correction="bonferonni")
        else:
            cn.period_change(cn.datasets.synthetic_ecosystem(scale=0.1), 2018, 2019, correction="bonferonni")


def test_niche_mapping_states_its_population_and_corrects_over_every_pair():
    # The chosen pair's p_adjusted is Holm's over all SPC-IBN pairs (by hand, on overlap's p-values),
    # not over the IBNs' best alone, and the population is overlap's.
    eco = cn.datasets.synthetic_ecosystem(scale=0.3, seed=1)
    table = cn.niche_mapping(eco, measure="p_value", population=50_000, correction="holm")
    pairs = cn.overlap(eco, between=("SPC", "IBN"), population=50_000)
    pairs = pairs.assign(holm=_holm(pairs["p_value"].to_numpy()))
    chosen = table.dropna(subset=["spc"])
    assert len(chosen) > 0
    for ibn, row in chosen.iterrows():
        pair = pairs[(pairs["source"] == row["spc"]) & (pairs["target"] == ibn)].iloc[0]
        assert row["p_value"] == pair["p_value"]
        assert row["p_adjusted"] == pytest.approx(pair["holm"], rel=1e-12)
    assert (table["population"] == 50_000).all()
    assert table.attrs["population"] == pairs.attrs["population"] == "50,000 organisations, as given"
    assert table.attrs["correction"] == "holm"
