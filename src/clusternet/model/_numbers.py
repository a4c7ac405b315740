"""Numbers and dates written as text: the convention of a column inferred from all its values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import OptionError

__all__ = ["parse_number_column", "check_number_format", "NumberColumn", "DECIMAL_MARKS", "THOUSANDS_SEPARATORS"]

#: The decimal marks ``decimal=`` accepts.
DECIMAL_MARKS = (".", ",")
#: The thousands separators ``thousands=`` accepts ("" for none; " " stands for every space,
#: no-break and narrow no-break included, "'" for both apostrophes).
THOUSANDS_SEPARATORS = (",", ".", " ", "'", "’", "")

# Spaces a spreadsheet or a locale puts between digit groups: space, no-break space (French
# Excel), narrow no-break space (CLDR's French format since 2018), thin space.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "’": "'"})
_SYMBOLS = "€$£¥₹₽₩₺₪₴฿"
# A symbol and its code are one currency ("€ 5" beside "EUR 7"); "$" and "¥" stay themselves.
_SYMBOL_CODES = {"€": "EUR", "£": "GBP", "₹": "INR", "₽": "RUB", "₩": "KRW", "₺": "TRY", "₪": "ILS",
                 "₴": "UAH", "฿": "THB"}
# Codes only, never a scale ("kEUR", "MEUR" would be a factor of 1,000 off).
_CODES = ("EUR", "USD", "GBP", "CHF", "JPY", "CNY", "SEK", "NOK", "DKK", "ISK", "PLN", "CZK", "HUF", "RON",
          "BGN", "HRK", "RSD", "TRY", "RUB", "UAH", "CAD", "AUD", "NZD", "INR", "BRL", "ZAR", "KRW", "SGD",
          "HKD", "MXN", "ILS")
_CURRENCY_START = re.compile(rf"^(?:[{_SYMBOLS}]|(?:{'|'.join(_CODES)})(?![A-Za-z]))\s*", re.IGNORECASE)
_CURRENCY_END = re.compile(rf"\s*(?:[{_SYMBOLS}]|(?<![A-Za-z])(?:{'|'.join(_CODES)}))$", re.IGNORECASE)
_BODY = re.compile(r"[0-9.,' ]*[0-9][0-9.,' ]*")
_DIGITS = re.compile(r"[0-9]+")
# What Python's float reads and no convention changes: exponents, infinities.
_FLOAT_ONLY = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+|inf|infinity)", re.IGNORECASE)
_PLAIN_INTEGER = r"[+-]?[0-9]+"
_COMMA_EXPONENT = re.compile(r"[+-]?[0-9]*,[0-9]+[eE][+-]?[0-9]+")
_NAMES = {".": "decimal point", ",": "decimal comma"}


def check_number_format(
    decimal: str | None, thousands: str | None
) -> tuple[str | None, tuple[set[str], set[str]]]:
    """Check a stated number format; return the decimal mark it implies and the group separators.

    Parameters
    ----------
    decimal : {".", ","} or None
        The decimal mark, None to infer it.
    thousands : {",", ".", " ", "'", "’", ""} or None
        The only thousands separator accepted ("" for none), None for any that fits.

    Returns
    -------
    decimal : str or None
        ``decimal``, or the mark ``thousands`` implies (``","`` implies ``"."`` and back).
    groups : tuple of two sets
        The group separators a value may use when read with a decimal point, and with a comma.

    Raises
    ------
    OptionError
        When a mark is not one of those accepted, or both are the same.

    Examples
    --------
    >>> from clusternet.model._numbers import check_number_format
    >>> check_number_format(None, ".")[0]
    ','
    >>> check_number_format(",", ",")
    Traceback (most recent call last):
    ...
    clusternet.errors.OptionError: decimal and thousands cannot both be ','
    """
    if decimal is not None and decimal not in DECIMAL_MARKS:
        raise OptionError(f"decimal must be one of {', '.join(map(repr, DECIMAL_MARKS))}, not {decimal!r}")
    if thousands is not None and thousands not in THOUSANDS_SEPARATORS:
        raise OptionError(f"thousands must be one of {', '.join(map(repr, THOUSANDS_SEPARATORS))}, "
                          f"not {thousands!r}")
    if decimal is not None and decimal == thousands:
        raise OptionError(f"decimal and thousands cannot both be {decimal!r}")
    if thousands is None:
        return decimal, ({",", " ", "'"}, {".", " ", "'"})
    if decimal is None and thousands in DECIMAL_MARKS:
        decimal = "." if thousands == "," else ","
    allowed = {thousands.translate(_SPACES)} - {""}
    return decimal, (allowed - {"."}, allowed - {","})


@dataclass
class NumberColumn:
    """The numbers of a column of text, what was noticed, and what could not be read.

    ``values`` and ``reasons`` have the index of the texts given; ``notes`` are
    ``(action, cells)`` pairs, ``cells`` a boolean Series saying which texts the note is about.
    """

    values: pd.Series
    reasons: pd.Series
    notes: list[tuple[str, pd.Series]] = field(default_factory=list)
    decimal: str | None = None


def parse_number_column(
    texts: pd.Series,
    *,
    column: str,
    decimal: str | None = None,
    thousands: str | None = None,
) -> NumberColumn:
    """Read a column of numbers written as text, inferring its convention from all its values.

    A value only one convention reads (``1,234.5``, ``1.234,5``, ``12,5``, ``1,234,567``)
    settles the column. A column whose only values with a separator have one ``,`` or ``.``
    followed by three digits (``1,250``, ``1.000``) reads that separator as a thousands
    separator, with a note. Values that no single convention reads together are reported.

    Parameters
    ----------
    texts : Series of str
        The cells as text, NA where empty (missing-value words such as ``NA`` are the caller's).
    column : str
        The column's name, for the notes and reasons.
    decimal : {".", ","}, optional
        The decimal mark, when the caller knows it; then nothing is inferred.
    thousands : {",", ".", " ", "'", "’", ""}, optional
        The only thousands separator accepted ("" for none). Without ``decimal``, ``","`` implies
        a decimal point and ``"."`` a decimal comma.

    Returns
    -------
    NumberColumn
        ``values`` (float, NaN where empty or unreadable), ``reasons`` (why a value could not
        be read, None where it was read or is empty), ``notes`` and the decimal mark used.

    Raises
    ------
    OptionError
        When ``decimal`` or ``thousands`` is not one of the accepted marks, or both are the same.

    Examples
    --------
    >>> import pandas as pd
    >>> from clusternet.model._numbers import parse_number_column
    >>> parse_number_column(pd.Series(["1.250.000,50", "€ 12,5", "(3,00)"]), column="budget").values.tolist()
    [1250000.5, 12.5, -3.0]
    >>> read = parse_number_column(pd.Series(["250,000", "1,250"]), column="budget")
    >>> read.values.tolist()
    [250000.0, 1250.0]
    >>> print(read.notes[0][0])  # doctest: +NORMALIZE_WHITESPACE
    budget: every value with a separator, such as '250,000', has one ',' followed by three digits,
    which reads either way (250000 or 250); read with ',' as a thousands separator (250000).
    State decimal=',' if it is a decimal mark
    >>> parse_number_column(pd.Series(["1,250"]), column="budget", decimal=",").values.tolist()
    [1.25]
    """
    decimal, groups = check_number_format(decimal, thousands)
    texts = pd.Series(texts, dtype="str") if not isinstance(texts, pd.Series) else texts.astype("str")
    values = np.full(len(texts), np.nan)
    reasons = np.full(len(texts), None, dtype=object)
    notes: list[tuple[str, pd.Series]] = []
    present = texts.notna().to_numpy(dtype=bool)
    plain = present & texts.str.fullmatch(_PLAIN_INTEGER).fillna(False).to_numpy(dtype=bool)
    values[plain] = texts[plain].astype("float64").to_numpy(dtype=float)
    # Each value read both ways: a point reading and a comma reading, NaN where it has none.
    point = np.full(len(texts), np.nan)
    comma = np.full(len(texts), np.nan)
    rest = np.flatnonzero(_read_common_forms(texts, present & ~plain, point, comma, groups))
    currencies = np.full(len(texts), None, dtype=object)
    for position, text in zip(rest, texts.iloc[rest].tolist(), strict=True):
        if _FLOAT_ONLY.fullmatch(text):
            point[position] = comma[position] = float(text)
            continue
        if _COMMA_EXPONENT.fullmatch(text):  # "1,5E-05" from a continental Excel
            comma[position] = float(text.replace(",", "."))
            continue
        split = _split(text)
        if split is None:
            continue
        sign, body, currencies[position] = split
        point[position] = sign * _value(body, ".", groups[0])
        comma[position] = sign * _value(body, ",", groups[1])
    point[plain] = comma[plain] = values[plain]
    readable_point, readable_comma = ~np.isnan(point), ~np.isnan(comma)
    unreadable = present & ~readable_point & ~readable_comma
    index = texts.index
    if decimal is not None:
        chosen = point if decimal == "." else comma
        values = chosen
        stated = f"decimal={decimal!r}" + ("" if thousands is None else f", thousands={thousands!r}")
        reasons[present & np.isnan(chosen) & ~unreadable] = f"not a number with {stated}"
        reasons[unreadable] = "not a number"
    else:
        only_point = readable_point & ~readable_comma
        only_comma = readable_comma & ~readable_point
        differ = readable_point & readable_comma & (point != comma)
        texts_list = texts.tolist()
        if only_point.any() and only_comma.any():
            decimal = "." if only_point.sum() > only_comma.sum() else ","
            values = point if decimal == "." else comma
            wrong = only_comma if decimal == "." else only_point
            if only_point.sum() == only_comma.sum():
                wrong = only_point | only_comma
            example_point = texts_list[int(np.flatnonzero(only_point)[0])]
            example_comma = texts_list[int(np.flatnonzero(only_comma)[0])]
            reasons[wrong] = (f"{column}: values written with a decimal point ({example_point!r}) and with a "
                              f"decimal comma ({example_comma!r}) in one column; no single convention reads "
                              "both: correct the values or state decimal= and thousands=")
        elif only_point.any() or only_comma.any():
            decimal = "." if only_point.any() else ","
            values = point if decimal == "." else comma
            if differ.any():
                settled = texts_list[int(np.flatnonzero(only_point if decimal == "." else only_comma)[0])]
                example = texts_list[int(np.flatnonzero(differ)[0])]
                notes.append((f"{column}: read with a {_NAMES[decimal]}, as {settled!r} shows, so values "
                              f"such as {example!r} read {_show(values[np.flatnonzero(differ)[0]])}; state "
                              "decimal= if that is wrong", pd.Series(differ, index=index)))
        elif differ.any():
            marks = {_ambiguous_mark(texts_list[i]) for i in np.flatnonzero(differ)}
            example = texts_list[int(np.flatnonzero(differ)[0])]
            if len(marks) == 1:
                mark = marks.pop()
                decimal = "," if mark == "." else "."
                values = point if decimal == "." else comma
                other = comma if decimal == "." else point
                first = int(np.flatnonzero(differ)[0])
                notes.append((f"{column}: every value with a separator, such as {example!r}, has one {mark!r} "
                              f"followed by three digits, which reads either way ({_show(values[first])} or "
                              f"{_show(other[first])}); read with {mark!r} as a thousands separator "
                              f"({_show(values[first])}). State decimal={mark!r} if it is a decimal mark",
                              pd.Series(differ, index=index)))
            else:
                values = point
                other = next(texts_list[i] for i in np.flatnonzero(differ)
                             if _ambiguous_mark(texts_list[i]) != _ambiguous_mark(example))
                reasons[differ] = (f"{column}: {example!r} and {other!r} each read two ways (one separator "
                                   "followed by three digits), one with '.' and one with ',', so no single "
                                   "convention reads the column: state decimal= and thousands=")
        else:
            values = point
        reasons[unreadable] = "not a number"
    values = np.where(pd.isna(reasons), values, np.nan)
    found = {_SYMBOL_CODES.get(code, code.upper()) for code, reason in zip(currencies, reasons, strict=True) if code and reason is None}
    if len(found) > 1:
        carrying = np.array([code is not None for code in currencies], dtype=bool)
        reasons[carrying & pd.isna(reasons)] = (f"{column}: several currencies in one column "
                                                f"({', '.join(sorted(found))}): amounts cannot be compared")
        values[carrying] = np.nan
    elif found:
        carrying = pd.Series([code is not None for code in currencies], index=index)
        notes.append((f"{column}: currency {found.pop()} written beside the numbers, left out", carrying))
    return NumberColumn(pd.Series(values, index=index, dtype="float64"),
                        pd.Series(reasons, index=index, dtype=object), notes, decimal)


# The forms most cells take, read by string kernels rather than one by one (200,000 distinct
# amounts: 7.5 s in Python): pattern, then how the point and the comma reading get their digits
# (characters to drop, the character that is the decimal mark; None where that reading has none).
_ONE_GROUP = r"[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}"
_COMMON_FORMS = (
    (r"[+-]?[0-9]*\.[0-9]+|[+-]?[0-9]+\.", ("", "."), (".", None)),
    (r"[+-]?[0-9]*,[0-9]+", (",", None), ("", ",")),
    (r"[+-]?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]*)?", (",", "."), None),
    (r"[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]*)?", None, (".", ",")),
)


def _read_common_forms(texts: pd.Series, pending: np.ndarray, point: np.ndarray, comma: np.ndarray,
                       groups: tuple[set[str], set[str]]) -> np.ndarray:
    """Fill in both readings of the texts in a common form; return which texts are left."""
    pending = pending.copy()
    for pattern, point_form, comma_form in _COMMON_FORMS:
        positions = np.flatnonzero(pending)
        if not len(positions):
            break
        chosen = texts.iloc[positions]
        hit = chosen.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        if not hit.any():
            continue
        found, positions = chosen[hit], positions[hit]
        one_group = found.str.fullmatch(_ONE_GROUP).fillna(False).to_numpy(dtype=bool)
        for target, form, allowed in ((point, point_form, groups[0]), (comma, comma_form, groups[1])):
            if form is None:
                continue
            drop, mark = form
            usable = np.ones(len(found), dtype=bool) if not drop else (drop in allowed) & (
                one_group if mark is None else np.ones(len(found), dtype=bool))
            if not usable.any():
                continue
            digits = found[usable]
            if drop:
                digits = digits.str.replace(drop, "", regex=False)
            if mark == ",":
                digits = digits.str.replace(",", ".", regex=False)
            target[positions[usable]] = digits.astype("float64").to_numpy(dtype=float)
        pending[positions] = False
    return pending


def _split(text: str) -> tuple[float, str, str | None] | None:
    """A value's sign, digits with their separators, and currency; None when it is none of those."""
    text = text.translate(_SPACES).strip()
    sign = 1.0
    if text.startswith("(") and text.endswith(")"):  # accounting: (1,234.50) is negative
        sign, text = -1.0, text[1:-1].strip()
    currency = None
    signed = sign < 0
    for _ in range(2):  # "-€1,234.50" and "€-1,234.50" both
        if text[:1] in ("-", "+", "\u2212"):
            if signed:  # "(-5)", "--5"
                return None
            signed, sign, text = True, (1.0 if text[0] == "+" else -1.0), text[1:].strip()
        found = _CURRENCY_START.match(text)
        if found and currency is None:
            currency, text = found.group().strip(), text[found.end():]
    found = _CURRENCY_END.search(text)
    if found and currency is None:
        currency, text = found.group().strip(), text[:found.start()]
    text = text.strip()
    if not _BODY.fullmatch(text):
        return None
    return sign, text, currency


def _value(body: str, decimal: str, groups: set[str]) -> float:
    """The number ``body`` writes with this decimal mark and these group separators; NaN if none."""
    whole, mark, fraction = body.partition(decimal)
    if decimal in fraction or (mark and not fraction and not whole):
        return np.nan
    if fraction and not _DIGITS.fullmatch(fraction):
        return np.nan
    if not whole:
        return float("0." + fraction) if fraction else np.nan
    if not _DIGITS.fullmatch(whole):
        separators = set(re.sub("[0-9]", "", whole))
        if len(separators) != 1 or not separators <= groups:
            return np.nan
        parts = whole.split(separators.pop())
        if (not 1 <= len(parts[0]) <= 3 or parts[0].startswith("0") or not _DIGITS.fullmatch(parts[0])
                or any(len(part) != 3 or not _DIGITS.fullmatch(part) for part in parts[1:])):
            return np.nan
        whole = "".join(parts)
    return float(f"{whole}.{fraction or 0}")


def _ambiguous_mark(text: str) -> str:
    return "," if "," in text else "."


def _show(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
# Each form: its pattern (groups year, then the two other parts) and how a note names it.
_DATE_FORMS = (
    (re.compile(rf"(?P<year>[0-9]{{4}})-(?P<a>[0-9]{{1,2}})-(?P<b>[0-9]{{1,2}}){_TIME}"), "YYYY-MM-DD", True),
    (re.compile(rf"(?P<year>[0-9]{{4}})/(?P<a>[0-9]{{1,2}})/(?P<b>[0-9]{{1,2}}){_TIME}"), "YYYY/MM/DD", True),
    (re.compile(rf"(?P<a>[0-9]{{1,2}})/(?P<b>[0-9]{{1,2}})/(?P<year>[0-9]{{4}}){_TIME}"),
     "DD/MM/YYYY or MM/DD/YYYY", False),
    (re.compile(rf"(?P<a>[0-9]{{1,2}})\.(?P<b>[0-9]{{1,2}})\.(?P<year>[0-9]{{4}}){_TIME}"), "DD.MM.YYYY", False),
    (re.compile(rf"(?P<a>[0-9]{{1,2}})-(?P<b>[0-9]{{1,2}})-(?P<year>[0-9]{{4}}){_TIME}"), "DD-MM-YYYY", False),
)
_TWO_DIGIT_YEAR = re.compile(r"[0-9]{1,2}([./-])[0-9]{1,2}\1[0-9]{2}")


def _years_of_dates(texts: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The year of each text written as a date (NaN where it is none), the form it was read in,
    and a reason for dates whose year cannot be known (a two-digit year)."""
    years = np.full(len(texts), np.nan)
    forms = np.full(len(texts), None, dtype=object)
    reasons = np.full(len(texts), None, dtype=object)
    for position, text in enumerate(texts.tolist()):
        if not isinstance(text, str) or not text[:1].isdigit() or len(text) < 6:
            continue
        for pattern, form, year_first in _DATE_FORMS:
            found = pattern.fullmatch(text)
            if found is None:
                continue
            a, b = int(found["a"]), int(found["b"])
            # the year is all we keep, so day and month may come in either order; each must fit
            fits = 1 <= a <= 12 and 1 <= b <= 31 if year_first else 1 <= min(a, b) <= 12 and max(a, b) <= 31
            if fits:
                years[position], forms[position] = float(found["year"]), form
            break
        else:
            if _TWO_DIGIT_YEAR.fullmatch(text):
                reasons[position] = (f"a date with a two-digit year ({text!r}): its century is unknown; "
                                     "write the year in four digits")
    return years, forms, reasons
