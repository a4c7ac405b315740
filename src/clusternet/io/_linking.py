"""Linking an ecosystem's organisations to the participants of another source (CORDIS), for review."""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._shared import country_codes, is_missing
from ..errors import OptionalDependencyError, OptionError, SchemaError
from ..model import Ecosystem
from ._names import name_key

__all__ = ["LINK_COLUMNS", "LINK_METHODS", "link_organisations"]

#: The ways :func:`link_organisations` finds a participant, strongest first: the same PIC (the
#: EU Participant Identification Code), the same VAT number, the same normalised name (or the
#: participant's short name) in the same country, a similar name in the same country.
LINK_METHODS: tuple[str, ...] = ("pic", "vat", "name", "fuzzy")

#: The columns of the table :func:`link_organisations` returns.
LINK_COLUMNS: list[str] = [
    "organisation_id",
    "name",
    "country",
    "participant_id",
    "participant_name",
    "participant_country",
    "method",
    "matched",
    "score",
    "linked",
]

# One block of the similarity matrix holds at most this many cells (float32: 4 bytes each).
_BLOCK_CELLS = 4_000_000


def link_organisations(
    ecosystem: Ecosystem,
    participants: Ecosystem | pd.DataFrame,
    *,
    methods: Iterable[str] = LINK_METHODS,
    cutoff: float = 80.0,
    accept: float = 90.0,
    candidates: int = 3,
) -> pd.DataFrame:
    """Link an ecosystem's organisations (cluster members) to participants of another source,
    every candidate scored and listed for review.

    Each organisation is looked up by the first method of ``methods`` that finds anything:

    1. ``pic``: the same PIC, when the organisation has one (an extra ``pic`` column);
    2. ``vat``: the same VAT number, when both have one (``vat`` columns), compared without
       spaces and punctuation and with the organisation's country as prefix when it has none
       (``0123.456.789`` in BE is ``BE0123456789``);
    3. ``name``: the same normalised name in the same country, against the participant's
       name or, where it has one, its ``short_name`` (CORDIS's legal short name: ``UGent``,
       ``KU Leuven``);
    4. ``fuzzy``: the names most similar to the organisation's in its country, by
       rapidfuzz's ``token_sort_ratio`` (0-100) on the normalised names, at least ``cutoff``.

    Parameters
    ----------
    ecosystem : Ecosystem
        The organisations to link; ``name`` and ``country`` are used, and ``pic`` and ``vat``
        where the organisations table has those (extra) columns.
    participants : Ecosystem or DataFrame
        Who to link them to: an Ecosystem (its organisations table, e.g. from
        :func:`~clusternet.read_cordis`) or a DataFrame with ``organisation_id`` and any of
        ``name``, ``short_name``, ``country``, ``pic``, ``vat``. A participant's PIC is its
        ``pic`` column or, without one, its ``organisation_id``: :func:`~clusternet.read_cordis`
        keys organisations by PIC.
    methods : iterable of str, default all of :data:`LINK_METHODS`
        The methods to try, from ``pic``, ``vat``, ``name``, ``fuzzy``, always in that order.
        ``fuzzy`` needs the optional package rapidfuzz (``pip install clusternet[linking]``).
    cutoff : float, default 80
        The least similarity (0-100) at which a fuzzy candidate is listed for review.
    accept : float, default 90
        The least similarity at which the best fuzzy candidate is ``linked``; the others are
        listed with ``linked`` false, for review.
    candidates : int, default 3
        How many fuzzy candidates at most are listed per organisation.

    Returns
    -------
    pandas.DataFrame
        One row per candidate pair, columns :data:`LINK_COLUMNS`: the organisation
        (``organisation_id, name, country``), the participant (``participant_id,
        participant_name, participant_country``), ``method`` (one of :data:`LINK_METHODS`, or
        ``unmatched`` for an organisation nothing was found for, listed once with the
        participant columns empty), ``matched`` (what was equal or similar: ``pic``, ``vat``,
        ``name``, ``short_name``), ``score`` (100 for an equal PIC, VAT or name, else the
        similarity) and ``linked`` (the pairs a measure should use: every exact match, as one
        organisation may have several PICs, and the best fuzzy candidate from ``accept`` up,
        ties included). Organisations in the order of the ecosystem's organisations table,
        each one's candidates best first. ``attrs`` records the methods, ``cutoff``,
        ``accept``, the number of participants and how many have no name.

    Raises
    ------
    OptionError
        For an unknown method, a ``cutoff``, ``accept`` or ``candidates`` out of range, or an
        ``ecosystem`` or ``participants`` of another type.
    OptionalDependencyError
        When ``fuzzy`` is asked for and rapidfuzz is not installed.
    SchemaError
        When ``participants`` has no ``organisation_id`` column.

    Warns
    -----
    UserWarning
        When some participants have no name (most of the compact H2020 file: names come from
        ``read_cordis(..., names=...)``): they can be linked by id only.

    Notes
    -----
    Names are compared as :func:`~clusternet.io.name_key` writes them with ``legal_forms=True``
    (``Acme N.V.`` and ``ACME NV`` are both ``acme``), and with accents left out
    (``Universität`` is ``universitat``): linking proposes candidates for review, where an
    accent is more often a spelling than another organisation. Countries are compared upper
    case, ``GB`` as ``UK`` and ``GR`` as ``EL`` (as CORDIS writes them). An organisation
    without a country is compared with participants of every country. Participants are
    blocked by country, so the fuzzy step compares each organisation with its country's
    participants only (1,000 members against Belgium's 1,507 H2020 participants take well
    under a second).

    References
    ----------
    .. [1] M. Bachmann, RapidFuzz, https://github.com/rapidfuzz/RapidFuzz (``fuzz.token_sort_ratio``:
       the normalised Indel similarity of the names with their words sorted).

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem.from_tables({"organisations": pd.DataFrame({
    ...     "organisation_id": ["m1", "m2", "m3"],
    ...     "name": ["Universiteit Gent", "Acme N.V.", "Nowhere Ltd"], "country": "BE"})})
    >>> cordis = pd.DataFrame({"organisation_id": ["999986096", "911", "912"],
    ...                        "name": ["UNIVERSITEIT GENT", "ACME NV", "ACMEE SYSTEMS"],
    ...                        "country": "BE"})
    >>> links = cn.link_organisations(eco, cordis)
    >>> links[["organisation_id", "participant_id", "method", "score", "linked"]]
      organisation_id participant_id     method  score  linked
    0              m1      999986096       name  100.0    True
    1              m2            911       name  100.0    True
    2              m3           <NA>  unmatched    NaN   False
    """
    if not isinstance(ecosystem, Ecosystem):
        raise OptionError(
            f"ecosystem must be an Ecosystem (cn.Ecosystem.from_tables, read_ecosystem), not {type(ecosystem).__name__}"
        )
    wanted = _check_options(methods, cutoff, accept, candidates)
    organisations = _side(ecosystem.organisations, "organisations")
    others = _participants(participants)
    unnamed = int((others["key"] == "").sum())
    if unnamed and ({"name", "fuzzy"} & set(wanted)):
        warnings.warn(
            f"{unnamed:,} of {len(others):,} participants have no name and can be linked by PIC or VAT "
            "only; read CORDIS with names=... (the files with legal names) to name more",
            UserWarning,
            stacklevel=2,
        )
    found: list[pd.DataFrame] = []
    open_rows = np.arange(len(organisations))
    for method in wanted:
        if not len(open_rows):
            break
        if method in ("pic", "vat"):
            pairs = _equal(organisations.iloc[open_rows], others, method, method)
        elif method == "name":
            pairs = pd.concat(
                [
                    _equal(organisations.iloc[open_rows], others, "key", "name", country=True),
                    _equal(organisations.iloc[open_rows], others, "short_key", "short_name", country=True),
                ]
            )
            pairs = pairs.drop_duplicates(["row", "participant"])  # a name equal to the short name too
        else:
            pairs = _fuzzy(organisations.iloc[open_rows], others, cutoff, accept, candidates)
        if len(pairs):
            pairs = pairs.assign(method=method)
            found.append(pairs)
            open_rows = np.setdiff1d(open_rows, pairs["row"].to_numpy())
    table = _assemble(organisations, others, found, open_rows)
    table.attrs = {
        "methods": list(wanted),
        "cutoff": float(cutoff),
        "accept": float(accept),
        "candidates": int(candidates),
        "participants": len(others),
        "participants_without_name": unnamed,
        "scorer": "rapidfuzz.fuzz.token_sort_ratio",
    }
    return table


def _check_options(methods, cutoff, accept, candidates) -> list[str]:
    if isinstance(methods, str):
        methods = [methods]
    methods = list(methods)
    unknown = [method for method in methods if method not in LINK_METHODS]
    if unknown or not methods:
        raise OptionError(
            f"methods={methods!r}: each must be one of {', '.join(map(repr, LINK_METHODS))}"
            + ("" if methods else ", and at least one is needed")
        )
    for label, value in (("cutoff", cutoff), ("accept", accept)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise OptionError(f"{label}={value!r} must be a similarity from 0 to 100")
    if accept < cutoff:
        raise OptionError(f"accept={accept!r} is below cutoff={cutoff!r}: a linked candidate must be listed")
    if isinstance(candidates, bool) or not isinstance(candidates, int | np.integer) or candidates < 1:
        raise OptionError(f"candidates={candidates!r} must be a whole number from 1")
    if "fuzzy" in methods:
        _rapidfuzz()
    return [method for method in LINK_METHODS if method in methods]


def _rapidfuzz():
    try:
        from rapidfuzz import fuzz, process
    except ImportError as err:
        raise OptionalDependencyError(
            "methods with 'fuzzy' need the package rapidfuzz: pip install clusternet[linking] "
            "(or leave 'fuzzy' out of methods)"
        ) from err
    return fuzz, process


def _side(table: pd.DataFrame, label: str) -> pd.DataFrame:
    """The fields compared, one row per organisation, in the table's order."""
    if "organisation_id" not in table.columns:
        raise SchemaError(
            [
                {
                    "table": label,
                    "file": None,
                    "row": None,
                    "column": "organisation_id",
                    "value": None,
                    "reason": "participants need an organisation_id column",
                }
            ]
        )
    raw = {
        column: _texts(table[column])
        if column in table.columns
        else pd.Series([None] * len(table), dtype=object)
        for column in ("name", "country", "pic", "vat", "short_name")
    }
    countries = country_codes(raw["country"])
    # name_key reads a name character by character: once per distinct spelling, not per row
    spellings = pd.concat([raw["name"], raw["short_name"]]).dropna().unique()
    keys = pd.Series({spelling: _name(spelling) for spelling in spellings}, dtype=object)
    vat = _codes(raw["vat"])
    without_prefix = vat.str.match(r"[0-9]") & (countries != "")
    side = pd.DataFrame(
        {
            "organisation_id": table["organisation_id"].astype("str").to_numpy(),
            "name": raw["name"].to_numpy(),
            "country": raw["country"].to_numpy(),
            "short_name": raw["short_name"].to_numpy(),
            "country_key": countries.to_numpy(dtype=object),
            "key": raw["name"].map(keys).fillna("").to_numpy(dtype=object),
            "short_key": raw["short_name"].map(keys).fillna("").to_numpy(dtype=object),
            "pic": _codes(raw["pic"]).to_numpy(dtype=object),
            "vat": vat.where(~without_prefix, countries + vat).to_numpy(dtype=object),
        }
    )
    return side


def _participants(participants) -> pd.DataFrame:
    if isinstance(participants, Ecosystem):
        table = participants.organisations
    elif isinstance(participants, pd.DataFrame):
        table = participants
    else:
        raise OptionError(
            f"participants must be an Ecosystem or a DataFrame, not {type(participants).__name__}"
        )
    if "organisation_id" in table.columns:  # participant order never decides a tie
        table = table.sort_values("organisation_id", key=lambda ids: ids.astype("str"), kind="stable")
    side = _side(table, "participants")
    if "pic" not in table.columns:
        side["pic"] = _codes(side["organisation_id"]).to_numpy(dtype=object)
    return side


def _texts(values: pd.Series) -> pd.Series:
    """A column as Python strings, missing values None (numbers as written: PIC 999986096)."""
    values = pd.Series(values.to_numpy(dtype=object))
    missing = values.map(is_missing).astype(bool)
    return values.where(missing, values.astype("str")).where(~missing, None)


def _name(value: str | None) -> str:
    if value is None:
        return ""
    key = name_key(value, legal_forms=True)[0]
    if key.isascii():
        return key
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def _codes(values: pd.Series) -> pd.Series:
    """Ids compared without case, spaces and punctuation (``BE 0123.456.789`` is ``BE0123456789``)."""
    return values.fillna("").astype("str").str.upper().str.replace(r"[\W_]", "", regex=True).astype(object)


def _equal(
    organisations: pd.DataFrame, others: pd.DataFrame, column: str, matched: str, *, country: bool = False
) -> pd.DataFrame:
    """Pairs whose values are equal and not empty (and, for names, whose countries agree): the
    organisation's ``column`` (its name's key for ``short_key``) against the participant's."""
    own = "key" if column == "short_key" else column
    left = organisations.assign(row=organisations.index)[lambda frame: frame[own] != ""]
    right = others.assign(participant=np.arange(len(others)))[lambda frame: frame[column] != ""]
    pairs = (
        left[["row", own, "country_key"]]
        .rename(columns={own: "value"})
        .merge(
            right[["participant", column, "country_key"]].rename(columns={column: "value"}),
            on="value",
            suffixes=("", "_participant"),
        )
    )
    if country:
        pairs = pairs[
            (pairs["country_key"] == "") | (pairs["country_key"] == pairs["country_key_participant"])
        ]
    return pd.DataFrame(
        {
            "row": pairs["row"].to_numpy(),
            "participant": pairs["participant"].to_numpy(),
            "matched": matched,
            "score": 100.0,
            "linked": True,
        }
    )


def _fuzzy(organisations: pd.DataFrame, others: pd.DataFrame, cutoff, accept, candidates) -> pd.DataFrame:
    """The most similar names in the organisation's country, blocked by country and chunked."""
    fuzz, process = _rapidfuzz()
    queries = organisations[organisations["key"] != ""]
    named = others.assign(participant=np.arange(len(others)))[lambda frame: frame["key"] != ""]
    found = []
    for country, block in queries.groupby("country_key", sort=True):
        choices = named if country == "" else named[named["country_key"] == country]
        if not len(choices):
            continue
        step = max(1, _BLOCK_CELLS // len(choices))
        for start in range(0, len(block), step):
            chunk = block.iloc[start : start + step]
            scores = process.cdist(
                chunk["key"].tolist(),
                choices["key"].tolist(),
                scorer=fuzz.token_sort_ratio,
                score_cutoff=cutoff,
                dtype=np.float32,
            )
            keep = min(candidates, scores.shape[1])
            # best first; equal scores by participant order, so the result never depends on chance
            order = np.argsort(-scores, axis=1, kind="stable")[:, :keep]
            best = np.take_along_axis(scores, order, axis=1)
            rows, ranks = np.nonzero(best >= cutoff)
            if not len(rows):
                continue
            score = best[rows, ranks].astype(float)
            top = best[rows, 0].astype(float)
            found.append(
                pd.DataFrame(
                    {
                        "row": chunk.index.to_numpy()[rows],
                        "participant": choices["participant"].to_numpy()[order[rows, ranks]],
                        "matched": "name",
                        "score": score,
                        "linked": (score == top) & (score >= accept),
                    }
                )
            )
    columns = ["row", "participant", "matched", "score", "linked"]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=columns)


def _assemble(organisations, others, found, open_rows) -> pd.DataFrame:
    rank = {method: position for position, method in enumerate(LINK_METHODS)}
    pairs = (
        pd.concat(found, ignore_index=True)
        if found
        else pd.DataFrame(columns=["row", "participant", "matched", "score", "linked", "method"])
    )
    unmatched = pd.DataFrame(
        {
            "row": open_rows,
            "participant": -1,
            "matched": None,
            "score": np.nan,
            "linked": False,
            "method": "unmatched",
        }
    )
    pairs = pd.concat([pairs, unmatched], ignore_index=True) if len(pairs) else unmatched
    pairs = pairs.astype({"row": "int64", "participant": "int64", "score": "float64", "linked": "bool"})
    pairs["method_rank"] = pairs["method"].map(rank).fillna(len(rank))
    pairs = pairs.sort_values(
        ["row", "method_rank", "score", "participant"], ascending=[True, True, False, True], kind="stable"
    )
    me = organisations.iloc[pairs["row"].to_numpy()]
    has = pairs["participant"].to_numpy() >= 0
    them = others.iloc[np.where(has, pairs["participant"].to_numpy(), 0)] if len(others) else None

    def theirs(column):
        if them is None:
            return pd.array([pd.NA] * len(pairs), dtype="string")
        return pd.array(np.where(has, them[column].to_numpy(dtype=object), None), dtype="string")

    table = pd.DataFrame(
        {
            "organisation_id": me["organisation_id"].to_numpy(),
            "name": pd.array(me["name"].to_numpy(dtype=object), dtype="string"),
            "country": pd.array(me["country"].to_numpy(dtype=object), dtype="string"),
            "participant_id": theirs("organisation_id"),
            "participant_name": theirs("name"),
            "participant_country": theirs("country"),
            "method": pairs["method"].to_numpy(),
            "matched": pd.array(pairs["matched"].to_numpy(dtype=object), dtype="string"),
            "score": pairs["score"].to_numpy(),
            "linked": pairs["linked"].to_numpy(),
        }
    )
    return table.reset_index(drop=True)
