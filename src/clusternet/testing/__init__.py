"""Hypothesis strategies that generate valid clusternet data, for property-based tests.

Every strategy is keyword-only, checks its arguments before drawing anything (the error names
the bad argument), and builds valid data directly: ids are unique and every reference points at
a row that exists, so no example is ever filtered away. Each generated ecosystem is one that
:class:`clusternet.Ecosystem` validation accepts unchanged (``tests/test_strategies.py`` checks
this); the strategies assemble it without running the validation again, and build each table
as one DataFrame from plain lists, which keeps an example of ``ecosystems()`` at about 10 ms
of CPU (validating it would cost several times that).

Requires Hypothesis (the ``test`` extra).

Examples
--------
A property test of your own: the Newman weights of an organisation never exceed the number
of projects it shares.

>>> from hypothesis import given, settings
>>> import clusternet as cn
>>> from clusternet import testing
>>> @settings(max_examples=20, deadline=None)
... @given(testing.ecosystems(max_organisations=6, max_projects=4, with_clusters=False))
... def test_newman_at_most_shared(eco):
...     edges = cn.organisation_edges(eco, weight="newman")
...     assert (edges["weight"] <= edges["shared"] + 1e-12).all()
>>> test_newman_at_most_shared()
"""

from ._strategies import ID_ALPHABET, activities, ecosystems, memberships, participations

__all__ = ["ID_ALPHABET", "activities", "ecosystems", "memberships", "participations"]
