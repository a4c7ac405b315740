"""Every error clusternet raises survives pickle and deepcopy with its data, also from a worker process."""

from __future__ import annotations

import concurrent.futures
import copy
import functools
import multiprocessing
import pickle
from collections.abc import Callable

import pandas as pd
import pytest

import clusternet as cn
import clusternet.errors

# An organisations table with four problems: an empty id, a repeated id, an unknown kind and a
# cell holding a list; the index labels are what the failure cases must report as rows.
BAD_ORGANISATIONS = pd.DataFrame(
    {"organisation_id": ["a", None, "a", "b"], "kind": ["company", "spaceship", "company", ["x", "y"]]},
    index=[10, 11, 12, 13],
)


def _raised(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except cn.ClusternetError as error:
        return error
    raise AssertionError(f"{call} raised nothing")


def _schema_error_from_validation() -> cn.SchemaError:
    return _raised(lambda: cn.read_ecosystem({"organisations": BAD_ORGANISATIONS}))


def _schema_error_with_many_cases() -> cn.SchemaError:
    # more cases than the message shows, and every kind of value a case may hold
    values = [None, float("nan"), 7, 2.5, "x" * 100, ("a", "b"), pd.Timestamp("2019-01-01")] * 2
    return cn.SchemaError([
        {"table": "projects", "file": "p.csv", "row": row, "column": "year", "value": value, "reason": "not a number"}
        for row, value in enumerate(values, start=2)
    ] + [{"table": "clusters", "reason": "missing table: memberships refers to clusters"}])


EXAMPLES = [
    pytest.param(lambda: cn.ClusternetError("something clusternet could not do"), id="ClusternetError"),
    pytest.param(_schema_error_from_validation, id="SchemaError-from-validation"),
    pytest.param(_schema_error_with_many_cases, id="SchemaError-many-cases"),
    pytest.param(lambda: cn.SchemaError([]), id="SchemaError-no-cases"),
    pytest.param(lambda: _raised(lambda: cn.Ecosystem().table("budgets")), id="MissingTableError"),
    pytest.param(lambda: clusternet.errors.OptionalDependencyError(
        "reading Excel files needs openpyxl: pip install 'clusternet[excel]'", name="openpyxl"),
        id="OptionalDependencyError"),
    pytest.param(lambda: cn.OptionError("via must be one of memberships, projects, intercluster; got 'x'"),
                 id="OptionError"),
    pytest.param(lambda: cn.IdCollisionError("'x' names both an organisation and a project"),
                 id="IdCollisionError"),
    pytest.param(lambda: clusternet.errors.MissingAttributeError("3 organisations have no 'sector': a, b, c"),
                 id="MissingAttributeError"),
    pytest.param(lambda: cn.InvalidGraphError("weights must be positive; edge ('a', 'b') has -1"),
                 id="InvalidGraphError"),
    pytest.param(lambda: clusternet.errors.ExportError("cannot write a MultiGraph as GEXF"), id="ExportError"),
    pytest.param(lambda: clusternet.errors.StyleError("no node attribute 'colour'"), id="StyleError"),
    pytest.param(lambda: clusternet.errors.ConvergenceWarning("no convergence in 100 iterations"),
                 id="ConvergenceWarning"),
]

ROUND_TRIPS = [
    pytest.param(lambda error: pickle.loads(pickle.dumps(error)), id="pickle"),
    pytest.param(lambda error: pickle.loads(pickle.dumps(error, protocol=0)), id="pickle-protocol-0"),
    pytest.param(copy.deepcopy, id="deepcopy"),
    pytest.param(copy.copy, id="copy"),
]


def _exception_classes() -> set[type]:
    found = (getattr(clusternet.errors, name) for name in clusternet.errors.__all__)
    return {item for item in found if isinstance(item, type) and issubclass(item, BaseException)}


def assert_same_error(clone: BaseException, error: BaseException) -> None:
    assert type(clone) is type(error)
    assert str(clone) == str(error)
    assert clone.args == error.args
    assert vars(clone).keys() == vars(error).keys()
    for name, value in vars(error).items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(getattr(clone, name), value)
        else:
            assert getattr(clone, name) == value, name
    if isinstance(error, ImportError):
        assert (clone.msg, clone.name, clone.path) == (error.msg, error.name, error.path)


def test_every_error_class_has_an_example():
    # A new error class joins the round trips below, or this fails.
    made = {type(param.values[0]()) for param in EXAMPLES}
    assert made == _exception_classes(), sorted(cls.__name__ for cls in made ^ _exception_classes())


@pytest.mark.parametrize("make", EXAMPLES)
@pytest.mark.parametrize("round_trip", ROUND_TRIPS)
def test_an_error_survives_pickle_and_copy(make, round_trip):
    error = make()
    assert_same_error(round_trip(error), error)


def test_a_deep_copy_of_a_schema_error_owns_its_failure_cases():
    error = _schema_error_from_validation()
    clone = copy.deepcopy(error)
    clone.failure_cases.loc[0, "reason"] = "changed"
    assert error.failure_cases.loc[0, "reason"] != "changed"


def test_schema_error_pickle_keeps_the_cases_as_validation_found_them():
    error = pickle.loads(pickle.dumps(_schema_error_from_validation()))
    cases = error.failure_cases
    assert list(cases.columns) == clusternet.errors.FAILURE_COLUMNS
    assert sorted(zip(cases["row"], cases["column"], strict=True)) == [
        (11, "kind"), (11, "organisation_id"), (12, "organisation_id"), (13, "kind")]
    assert cases.loc[cases["row"] == 13, "value"].tolist() == [["x", "y"]]
    assert "4 problems in the input tables" in str(error)


@pytest.fixture(scope="module")
def worker():
    # spawn, not fork: the child shares nothing with the parent, so everything it sends back
    # (the error above all) has to go through pickle, as on macOS and Windows.
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def _write_bad_folder(folder):
    (folder / "organisations.csv").write_text("organisation_id,kind\na,company\n,spaceship\na,company\n",
                                              encoding="utf-8")
    return folder


SOURCES = [
    pytest.param(lambda tmp_path: {"organisations": BAD_ORGANISATIONS}, id="dataframe"),
    pytest.param(_write_bad_folder, id="csv-folder"),
]


@pytest.mark.parametrize("source", SOURCES)
def test_a_schema_error_raised_in_a_worker_arrives_whole(worker, tmp_path, source):
    read = functools.partial(cn.read_ecosystem, source(tmp_path))
    expected = _raised(read)
    with pytest.raises(cn.SchemaError) as info:
        worker.submit(read).result(timeout=120)
    assert_same_error(info.value, expected)
    assert len(info.value.failure_cases) >= 3
