"""A pytest plugin for scripts/mutate: under mutmut, run each mutant's fastest tests first.

mutmut runs, for every mutant, only the tests that called the mutated function (it recorded
them, with their durations, in its first clean run) and stops at the first failure (``-x``),
but in the order pytest collects them. Most mutants are killed by any of their tests, so the
cheapest one first makes a killed mutant cost its fastest test instead of whatever test file
happens to come first. Test files stay together (module-scoped fixtures are built once), in
the order of their fastest test, and inside a file the tests go by their recorded duration.
Outside mutmut, or before its durations exist, the plugin changes nothing.
"""

from __future__ import annotations


def pytest_collection_modifyitems(session, config, items) -> None:
    try:
        from mutmut.state import state

        durations = state().duration_by_test
    except Exception:  # not under mutmut: keep pytest's order
        return
    if not durations:
        return
    unknown = max(durations.values(), default=0.0) + 1.0

    def duration(item) -> float:
        return durations.get(item.nodeid, unknown)

    fastest: dict[str, float] = {}
    for item in items:
        fastest[item.location[0]] = min(fastest.get(item.location[0], unknown), duration(item))
    items.sort(key=lambda item: (fastest[item.location[0]], item.location[0], duration(item)))
