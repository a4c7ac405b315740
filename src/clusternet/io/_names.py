"""Organisation ids made from names, for partner lists that carry no organisation id."""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterable

import pandas as pd

__all__ = ["LEGAL_FORMS", "name_key", "name_variants"]

#: Legal-form suffixes that ``legal_forms=True`` leaves out of an id made from a name, written as
#: :func:`name_key` reads them (case folded, dots dropped, other punctuation a space), so
#: ``"S.A."`` is ``"sa"`` and ``"GmbH & Co. KG"`` is ``"gmbh co kg"``. Only a suffix is dropped,
#: and never the whole name: ``"AB"`` alone stays ``"ab"``.
LEGAL_FORMS: tuple[str, ...] = (
    # Belgium, the Netherlands, Luxembourg
    "nv", "bv", "bvba", "cvba", "cv", "vzw", "asbl", "sprl", "srl", "sa", "scrl", "vof", "comm v",
    # Germany, Austria, Switzerland
    "gmbh", "ag", "kg", "ohg", "ug", "ev", "gmbh co kg", "se", "kgaa",
    # France, Italy, Spain, Portugal
    "sas", "sasu", "sarl", "eurl", "spa", "sl", "slu", "lda", "scarl",
    # UK, Ireland, US
    "ltd", "limited", "plc", "llp", "inc", "llc", "corp", "co",
    # Nordics, Central and Eastern Europe
    "oy", "oyj", "ab", "as", "asa", "aps", "a s", "sp z o o", "s r o", "kft", "zrt", "doo", "ad",
)

# Invisible in a spreadsheet, yet they make two spellings differ: zero-width spaces and joiners,
# word joiners and byte-order marks pasted from web pages. NFKC keeps them, so they go first.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Dots and apostrophes join what they separate ("N.V." is "nv", "O'Neill" is "oneill"); every
# other punctuation or symbol separates words ("Dupont-Smith" is "dupont smith").
_JOINING = ".'\u2019`"

# ASCII names (most of CORDIS's) take a shortcut with the same result: NFKC leaves ASCII as it
# is, case folding is lower(), and one translate() does the per-character loop's work.
_ASCII_DROPPED = {character for character in map(chr, range(128))
                  if unicodedata.category(character)[0] in "PS" or unicodedata.category(character) == "Cc"}
_ASCII_TABLE = str.maketrans({character: ("" if character in _JOINING else " ") for character in _ASCII_DROPPED})

_CHARACTER_NAMES = {
    "\u200b": "zero-width space", "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner",
    "\u2060": "word joiner", "\ufeff": "byte-order mark", "\u00ad": "soft hyphen",
}


def name_key(name: str, *, legal_forms: bool | Iterable[str] = False) -> tuple[str, list[str]]:
    """The normalised form of an organisation name that an id is made from.

    Parameters
    ----------
    name : str
        A name as written in the source.
    legal_forms : bool or iterable of str, default False
        Leave a trailing legal form out of the key: ``True`` for :data:`LEGAL_FORMS`, or the
        suffixes to drop, written as this function writes them (``"sa"``, ``"gmbh co kg"``).

    Returns
    -------
    key : str
        The name in Unicode NFKC, case folded, every run of whitespace (no-break and other
        Unicode spaces included) one space, punctuation and symbols left out as described in
        the Notes; empty when nothing is left.
    stripped : list of str
        The characters (and a legal form, as ``"legal form 'nv'"``) that the key leaves out, in
        the order met, each once: what a note reports.

    Notes
    -----
    Dots and apostrophes are dropped (``N.V.`` is ``nv``); every other punctuation or symbol
    character (Unicode categories P and S) becomes a space (``Dupont-Smith`` is ``dupont
    smith``); zero-width spaces, joiners, soft hyphens and byte-order marks are dropped. Letters
    keep their accents: ``Universität`` and ``Universitat`` stay apart, as they may be
    different organisations.

    Examples
    --------
    >>> from clusternet.io import name_key
    >>> name_key("Acme\\u00a0N.V.")
    ('acme nv', ['.'])
    >>> name_key("ACME  NV", legal_forms=True)
    ('acme', ["legal form 'nv'"])
    >>> name_key("\\uff21cme\\u200b Labs")  # a full-width A, a zero-width space
    ('acme labs', ['zero-width space'])
    """
    stripped: list[str] = []

    def strip(label: str) -> None:
        if label not in stripped:
            stripped.append(label)

    text = str(name)
    if text.isascii():
        text = text.lower()
        for character in sorted(_ASCII_DROPPED.intersection(text), key=text.index):  # in the order met
            strip(_label(character))
        words = text.translate(_ASCII_TABLE).split()
    else:
        words = _words(text, strip)
    if legal_forms:
        forms = LEGAL_FORMS if legal_forms is True else tuple(legal_forms)
        for length, suffixes in _suffixes(forms):  # longest first
            if len(words) > length and tuple(words[-length:]) in suffixes:
                strip(f"legal form {' '.join(words[-length:])!r}")
                words = words[:-length]
                break
    return " ".join(words), stripped


def _label(character: str) -> str:
    """How ``stripped`` names a character left out: itself, or its code point for a control."""
    return f"U+{ord(character):04X}" if unicodedata.category(character) in ("Cc", "Cf") else character


@functools.lru_cache(maxsize=16)
def _suffixes(forms: tuple[str, ...]) -> list[tuple[int, frozenset[tuple[str, ...]]]]:
    """The legal forms as sets of word tuples by length, longest first (once per set of forms)."""
    words = {tuple(form.split()) for form in forms if form.split()}
    return [(length, frozenset(suffix for suffix in words if len(suffix) == length))
            for length in sorted({len(suffix) for suffix in words}, reverse=True)]


def _words(text: str, strip) -> list[str]:
    """The words of a name, character by character (any text; ASCII has a shortcut above)."""
    for character in _INVISIBLE:
        if character in text:
            strip(_CHARACTER_NAMES[character])
            text = text.replace(character, "")
    text = unicodedata.normalize("NFKC", text).casefold()
    characters = []
    for character in text:
        if character in _JOINING:
            strip(character)
        elif unicodedata.category(character)[0] in "PS":
            strip(character)
            characters.append(" ")
        elif unicodedata.category(character) in ("Cc", "Cf"):
            strip(f"U+{ord(character):04X}")
            characters.append(" ")
        else:
            characters.append(character)
    return "".join(characters).split()


def name_variants(ecosystem) -> pd.DataFrame:
    """The spellings behind each organisation id that :func:`~clusternet.read_participations` made
    from names, for review.

    Parameters
    ----------
    ecosystem : Ecosystem
        An ecosystem read by :func:`~clusternet.read_participations` without organisation ids.

    Returns
    -------
    pandas.DataFrame
        One row per organisation and spelling: ``organisation_id, name`` (the name kept),
        ``spelling`` (as written in the source), ``rows`` (how many source rows wrote it),
        ``merged`` (true when the organisation has more than one spelling). In the order of the
        organisations table, each organisation's spellings by rows (most first), then in Unicode
        order. Empty when the ids came from the source.

    Notes
    -----
    The spellings are kept in the organisations table's extra column ``name_variants`` (JSON,
    spelling to row count), so they travel with the ecosystem through pickles and
    ``replace()``.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> flat = pd.DataFrame({"project": ["P1", "P2", "P2"],
    ...                      "name": ["Acme N.V.", "ACME NV", "Beta"], "country": "BE"})
    >>> cn.name_variants(cn.read_participations(flat))[["organisation_id", "spelling", "rows"]]
      organisation_id   spelling  rows
    0    acme nv (BE)    ACME NV     1
    1    acme nv (BE)  Acme N.V.     1
    2       beta (BE)       Beta     1
    """
    organisations = ecosystem.organisations
    columns = ["organisation_id", "name", "spelling", "rows", "merged"]
    if "name_variants" not in organisations.columns:
        return pd.DataFrame(columns=columns)
    rows = []
    for organisation, name, variants in organisations[["organisation_id", "name", "name_variants"]].itertuples(
            index=False):
        spellings = json.loads(variants) if isinstance(variants, str) else {}
        for spelling, count in spellings.items():
            rows.append((organisation, name, spelling, int(count), len(spellings) > 1))
    return pd.DataFrame(rows, columns=columns).astype({"rows": "int64", "merged": "bool"})
