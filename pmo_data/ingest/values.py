"""Cell parsers: raw spreadsheet cells -> typed values, with every unreadable cell reported.

Vectorised: typed columns (float, datetime) pass straight through; text columns are parsed
with pandas string methods, and Python only loops over the *distinct* values that fail the
fast paths, so a clean million-row column parses in well under a second.
Placeholders (NA, TBC, '-', Freedom-of-Information exemptions) become null with a warning;
values that cannot be read become null with an error that says what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_data.ingest import arrow_text

PLACEHOLDERS = {
    "na",
    "n/a",
    "n.a.",
    "#n/a",
    "-",
    "--",
    "—",
    "tbc",
    "tbd",
    "tba",
    "none",
    "null",
    "nil",
    "?",
    "inf",
    "-inf",
    "unknown",
    "not known",
    "not applicable",
}
SPREADSHEET_ERRORS = {"#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "#n/a"}
_FOI = re.compile(r"exempt|\bfoi\b|freedom of information|redacted|withheld", re.I)
_CURRENCY = {"£": "GBP", "$": "USD", "€": "EUR"}
_SUFFIX = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "bn": 1e9,
    "b": 1e9,
    "billion": 1e9,
}


@dataclass
class Problem:
    """One cell that needed attention."""

    index: object
    value: object
    severity: str  # "error": value unusable -> null; "warning": null/adjusted, row fine
    message: str
    rule: str = ""  # "range": a number read but outside the scale (a survey's N/A code)


@dataclass
class Parsed:
    values: pd.Series
    problems: list[Problem]


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped strings (missing stays missing), without touching typed columns'
    values; kept as Arrow strings (no Python object per cell)."""
    return series.astype("string").str.strip().where(series.notna(), None)


def _each_distinct(texts: pd.Series, fn) -> pd.Series:
    """fn(text) for every non-missing cell, called once per distinct text (a column of a
    million dates holds a few thousand): per-cell Python work on the distinct values only."""
    uniq = pd.unique(texts.dropna())
    return texts.map(dict(zip(uniq, map(fn, uniq), strict=True)))


def is_placeholder(series: pd.Series) -> pd.Series:
    """True where the cell says 'no value' (NA, TBC, '-', FOI exemption text, Inf...)."""
    if not _is_textual(series):
        return pd.Series(False, index=series.index)
    words = PLACEHOLDERS | SPREADSHEET_ERRORS

    def says_none(text: str) -> bool:
        low = text.lower()
        return low in words or _FOI.search(low) is not None

    return _each_distinct(_text(series), says_none).fillna(False).astype(bool)


def _is_textual(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def _placeholder_problems(series: pd.Series, mask: pd.Series) -> list[Problem]:
    out = []
    for idx, v in series[mask].items():
        text = str(v).strip()
        if _FOI.search(text):
            msg = "withheld under a Freedom-of-Information exemption; left blank"
        elif text.lower() in SPREADSHEET_ERRORS:
            msg = f"'{text}' is a spreadsheet error value; left blank — fix the formula"
        else:
            msg = f"'{text}' is a placeholder; left blank"
        out.append(Problem(idx, v, "warning", msg))
    return out


def _flags_as_text(series: pd.Series) -> pd.Series:
    """TRUE/FALSE cells as the text 'TRUE'/'FALSE', so a number or date parser reports them
    instead of reading them as 1 and 0."""
    if pd.api.types.is_bool_dtype(series.dtype):
        words = series.astype("object").map({True: "TRUE", False: "FALSE"}, na_action="ignore")
        return words.where(series.notna(), None)
    if series.dtype == object:
        flags = series.map(lambda v: isinstance(v, (bool, np.bool_)), na_action="ignore")
        flags = flags.fillna(False).astype(bool)
        if flags.any():
            series = series.copy()
            series[flags] = series[flags].map(lambda v: "TRUE" if v else "FALSE")
    return series


def _blank(series: pd.Series) -> pd.Series:
    if _is_textual(series):
        return series.isna() | (_text(series).fillna("") == "")
    return series.isna()


def _failures(raw: pd.Series, ok: pd.Series, skip: pd.Series, message) -> list[Problem]:
    """Errors for cells that are neither blank, placeholder, nor parsed (one message per value)."""
    bad = ~ok & ~skip
    if not bad.any():
        return []
    cache: dict = {}
    out = []
    for idx, v in raw[bad].items():
        key = str(v)
        if key not in cache:
            cache[key] = message(v)
        out.append(Problem(idx, v, "error", cache[key]))
    return out


# -- text -------------------------------------------------------------------------------------
def fold(text: object) -> str:
    """Text as compared: casefolded, punctuation to spaces, collapsed; unlike
    `schema.normalise_header` it keeps accents and every script ("Type de demande", "Épopée",
    "タイムスタンプ"), so localised exports are recognised as written."""
    s = str(text or "").replace("\u00a0", " ").casefold()
    s = re.sub(r"[\W_]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def repair_mojibake(text: str) -> str:
    """'Ã©' -> 'é', 'â€™' -> '’' (double-encoded UTF-8); clean text is left alone."""
    if not isinstance(text, str) or not re.search("Ã.|Â.|â€", text):
        return text
    for enc in ("cp1252", "latin-1"):
        try:
            return text.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def parse_text(series: pd.Series) -> Parsed:
    """Strings, stripped; line breaks to spaces; 12.0 -> '12'; empty -> null."""
    if pd.api.types.is_float_dtype(series.dtype):
        whole = series.notna() & (series % 1 == 0)
        out = series.astype("object").where(series.notna(), None)
        out[whole] = series[whole].astype("int64").astype(str)
        out[~whole & series.notna()] = series[~whole & series.notna()].astype(str)
        return Parsed(out.astype("object"), [])
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return Parsed(series.dt.strftime("%Y-%m-%d").astype("object"), [])
    if series.dtype == object:  # mixed cells: whole floats print as integers ("12.0" -> "12")
        series = series.map(
            lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v),
            na_action="ignore",
        )
    arr = pa.array(series.astype("string").array)  # Arrow compute: ~0.1 s per 1M cells
    if arrow_text.maybe_untidy(arr):  # the regex only where the bytes say it may match
        messy = pc.match_substring_regex(arr, r"[\t\n\r\v\f]|\s\s")
        if pc.any(messy).as_py():
            arr = pc.if_else(messy, pc.replace_substring_regex(arr, r"\s+", " "), arr)
    # Clean text (the usual case) keeps its Arrow buffers: the sheet's and the table's column
    # then share one copy of the text instead of holding two.
    trimmed = pc.utf8_trim_whitespace(arr)
    if not pc.all(pc.equal(trimmed, arr)).as_py():
        arr = trimmed
    del trimmed
    if pc.any(pc.equal(arr, "")).as_py():
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
    out = pd.Series(pd.arrays.ArrowStringArray(arr), index=series.index, copy=False)
    return Parsed(out, [])


# -- numbers ----------------------------------------------------------------------------------
def unit_multiplier(header: str) -> tuple[float, str | None]:
    """'(£m)', '(GBP m)', 'GBP millions', '£k', '£000s', '($bn)' -> (multiplier, currency)."""
    h = str(header or "")
    cur = next((code for sym, code in _CURRENCY.items() if sym in h), None)
    m = re.search(r"\b(GBP|USD|EUR)\b", h, re.I)
    cur = cur or (m.group(1).upper() if m else None)
    low = h.lower()
    if re.search(r"[£$€]\s*bn\b|\bbn\b|billions?", low):
        return 1e9, cur
    if re.search(r"[£$€]\s*m\b|\(\s*(gbp|usd|eur)?\s*m\s*\)|\bmillions?\b|\bmn\b", low):
        return 1e6, cur
    if re.search(
        r"[£$€]\s*k\b|[£$€]\s*000s?|\bthousands?\b|\(\s*(gbp|usd|eur)?\s*k\s*\)|'000", low
    ):
        return 1e3, cur
    return 1.0, cur


_NUM = re.compile(
    r"^(?P<neg1>-|\()?\s*(?:[£$€]|gbp|usd|eur)?\s*(?P<neg2>-)?\s*(?P<num>\d[\d.,' \u00a0]*)"
    r"\s*(?P<suf>k|m|mn|bn|b|thousand|million|billion)?\s*(?:[£$€]|gbp|usd|eur)?\s*"
    r"(?P<pct>%)?\s*\)?$",
    re.I,
)


def _number_text(text: str) -> float | None:
    """One number written any common way; None when it is not a number.

    Separators: '1,200.50' and '1.200,50' and '1 200,50' and "1'200.50". A single separator
    followed by exactly three digits is a thousands separator ('1,200' = 1200, '1.200' = 1200);
    otherwise it is the decimal mark ('1,5' = 1.5, '12.75' = 12.75).
    """
    m = _NUM.match(text.strip().lower().replace("\u2212", "-"))
    if not m:
        return None
    num = re.sub(r"[ '\u00a0]", "", m.group("num"))
    if "," in num and "." in num:
        dec = "," if num.rfind(",") > num.rfind(".") else "."
        num = num.replace("." if dec == "," else ",", "").replace(",", ".")
    elif num.count(",") + num.count(".") >= 1:
        sep = "," if "," in num else "."
        parts = num.split(sep)
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3):
            num = num.replace(sep, "")
        else:
            num = num.replace(",", ".")
    try:
        value = float(num)
    except ValueError:
        return None
    if m.group("suf"):
        value *= _SUFFIX[m.group("suf").lower()]
    if m.group("neg1") or m.group("neg2"):
        value = -value
    return value


def parse_numbers(series: pd.Series, *, kind: str = "number", multiplier: float = 1.0) -> Parsed:
    """Floats from numbers, money and percent text. Percent columns come back on 0-100.

    A percent column whose numeric cells are all between 0 and 1 is read as fractions (x100).
    """
    series = _flags_as_text(series)
    if pd.api.types.is_numeric_dtype(series.dtype):
        out = series.astype("float64") * multiplier
        problems = []
        inf = np.isinf(out)
        if inf.any():
            problems = [
                Problem(i, v, "warning", "infinite value (a division by zero?); left blank")
                for i, v in series[inf].items()
            ]
            out = out.where(~inf)
        if kind == "percent" and out.notna().any() and out.dropna().between(0, 1).all():
            out = out * 100
        return Parsed(out, problems)
    placeholder = is_placeholder(series)
    blank = _blank(series)
    numeric = pd.to_numeric(series, errors="coerce").astype("float64")
    needs = numeric.isna() & ~blank & ~placeholder
    if needs.any():  # common shapes first, vectorised: '£1,234.56', '1234', '-12'
        simple = series[needs].astype("string").str.strip()
        simple = simple.str.replace(r"^(-?)\s*[£$€]\s*", r"\1", regex=True)
        simple = simple.where(simple.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?|-?\d+\.\d+"))
        numeric.loc[needs] = (
            pd.to_numeric(simple.str.replace(",", ""), errors="coerce").astype("float64").to_numpy()
        )
        needs = numeric.isna() & ~blank & ~placeholder
    if needs.any():
        texts = series[needs].astype(str)
        parsed = {t: _number_text(t) for t in pd.unique(texts)}
        numeric.loc[needs] = texts.map(parsed).astype("float64")
    pct_cells = _text(series).str.endswith("%", na=False)
    ok = numeric.notna()
    problems = _placeholder_problems(series, placeholder & ~blank)
    what = {"money": "an amount like 1,200 or £1.2m", "percent": "a percentage like 85%"}
    problems += _failures(
        series, ok, blank | placeholder, lambda v: f"'{v}' is not {what.get(kind, 'a number')}"
    )
    out = numeric.astype("float64")
    if kind == "percent":
        plain = ok & ~pct_cells
        if plain.any() and out[plain].between(0, 1).all() and not pct_cells.any():
            out[plain] = out[plain] * 100
    else:
        out = out * multiplier
    return Parsed(out, problems)


def _range(series, p: Parsed, lo, hi) -> Parsed:
    v = p.values
    out = v.notna() & (
        ((v < lo) if lo is not None else False) | ((v > hi) if hi is not None else False)
    )
    if out.any():
        p.problems += [
            Problem(
                i,
                series[i],
                "error",
                f"{v[i]:g} is outside the allowed range {lo:g}-{hi:g}",
                "range",
            )
            for i in v[out].index
        ]
        p = Parsed(v.where(~out), p.problems)
    return p


_LEADING = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:[-–:/)]|\s|$)")


def parse_scale(series: pd.Series, *, lo: float, hi: float) -> Parsed:
    """Ratings such as 4, '4', '4 - Agree', '4/5'; outside lo-hi is an error."""
    series = _flags_as_text(series)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return _range(series, Parsed(series.astype("float64"), []), lo, hi)
    placeholder = is_placeholder(series)
    blank = _blank(series)
    numeric = pd.to_numeric(series, errors="coerce")
    needs = numeric.isna() & ~blank & ~placeholder
    if needs.any():
        texts = series[needs].astype(str)

        def lead(t: str):
            m = _LEADING.match(t)
            return float(m.group(1).replace(",", ".")) if m else np.nan

        numeric.loc[needs] = texts.map({t: lead(t) for t in pd.unique(texts)}).astype(float)
    problems = _placeholder_problems(series, placeholder & ~blank)
    problems += _failures(
        series,
        numeric.notna(),
        blank | placeholder,
        lambda v: f"'{v}' is not a rating from {lo:g} to {hi:g}",
    )
    return _range(series, Parsed(numeric.astype("float64"), problems), lo, hi)


def detect_nps_scale(values: pd.Series) -> str:
    """'1-10' when a recommend question clearly has no 0 (n >= 30, min 1), else '0-10'."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    return nps_scale_from(len(v), v.min() if len(v) else None, v.max() if len(v) else None)


def nps_scale_from(count: int, lowest, highest) -> str:
    """`detect_nps_scale`'s rule from a column's answers counted, lowest and highest (a check
    made part by part keeps only these)."""
    if count == 0:
        return "unknown"
    if count >= 30 and lowest == 1 and highest <= 10:
        return "1-10"
    return "0-10"


# -- RAG --------------------------------------------------------------------------------------
_RAG_WORDS = {
    "r": "Red",
    "red": "Red",
    "a": "Amber",
    "amber": "Amber",
    "yellow": "Amber",
    "orange": "Amber",
    "g": "Green",
    "green": "Green",
    "🔴": "Red",
    "🟠": "Amber",
    "🟡": "Amber",
    "🟢": "Green",
}


def _rag_one(text: str) -> str | None:
    t = text.strip().lower()
    t = re.sub(r"^(rag|status|rating)\s*[:\-]\s*", "", t)
    if t in _RAG_WORDS:
        return _RAG_WORDS[t]
    parts = [p for p in re.split(r"\s*[/\-–]\s*|\s+", t) if p]
    colours = [_RAG_WORDS[p] for p in parts if p in _RAG_WORDS]
    if not colours:
        m = re.match(r"^(red|amber|green|yellow)\b", t)
        return _RAG_WORDS[m.group(1)] if m else None
    # Five-point scales lean to the worse colour: Amber/Red -> Red, Amber/Green -> Amber.
    order = ["Green", "Amber", "Red"]
    if len(set(colours)) > 1:
        worst = max(colours, key=order.index)
        return "Red" if worst == "Red" else "Amber"
    return colours[0]


def parse_rag(series: pd.Series) -> Parsed:
    """Red/Amber/Green from R/A/G, colour words, emoji and five-point scales (worse colour)."""
    placeholder = is_placeholder(series)
    blank = _blank(series)
    texts = _text(series)
    todo = ~blank & ~placeholder
    mapping = {t: _rag_one(t) for t in pd.unique(texts[todo].dropna())}
    out = texts.where(todo).map(mapping).astype("object")
    problems = _placeholder_problems(series, placeholder & ~blank)
    problems += _failures(
        series,
        out.notna(),
        blank | placeholder,
        lambda v: f"'{v}' is not a RAG status; expected Red, Amber or Green",
    )
    return Parsed(out.where(out.notna(), None), problems)


# -- dates ------------------------------------------------------------------------------------
_SLASH = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T](.*))?$")
# An ISO date-time with a zone ('2014-10-11T04:38:57.88Z', '...+02:00', '... -0800', '... UTC'):
# the zone is dropped and the local wall time kept (the day the respondent saw).
_ZONED = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?)\s*"
    r"(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$",
    re.I,
)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
YEARS = (1900, 2100)
_SERIALS = (1, 73415)  # Excel serials of 1900-01-01 .. 2100-12-31


def _excel_serial(v: pd.Series) -> pd.Series:
    ok = v.between(*_SERIALS)
    return (_EXCEL_EPOCH + pd.to_timedelta(v.where(ok), unit="D")).where(ok)


def _slash_order(texts: pd.Series) -> bool | None:
    """Day-first (True) or month-first (False) from the evidence in a column, or None."""
    m = texts.str.extract(_SLASH).dropna(subset=[0, 1])
    if m.empty:
        return None
    a, b = m[0].astype(int), m[1].astype(int)
    day_first, month_first = (a > 12).sum(), (b > 12).sum()
    if day_first > month_first:
        return True
    if month_first > day_first:
        return False
    return None


def _naive(v) -> datetime | None:
    """A datetime without its zone (wall time kept), or None for anything else."""
    if isinstance(v, pd.Timestamp):
        v = None if pd.isna(v) else v.to_pydatetime()
    if not isinstance(v, datetime):
        return None
    return v.replace(tzinfo=None) if v.tzinfo is not None else v


def _one_date(text: str, dayfirst: bool) -> datetime | None:
    m = _SLASH.match(text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = y + 2000 if y < 100 and y < 70 else (y + 1900 if y < 100 else y)
        d, mo = (a, b) if dayfirst else (b, a)
        try:
            base = datetime(y, mo, d)
        except ValueError:
            return None
        if m.group(4):
            t = _naive(pd.to_datetime(m.group(4), errors="coerce", format="mixed"))
            if t is not None:
                base = base.replace(hour=t.hour, minute=t.minute, second=t.second)
        return base
    try:
        t = pd.to_datetime(text, errors="coerce", dayfirst=dayfirst, format="mixed")
    except (ValueError, TypeError, OverflowError):  # pandas raises on some exotic strings
        return None
    return _naive(t)


def _iso(texts: pd.Series) -> pd.Series:
    """ISO 8601 text -> naive timestamps (zones dropped, wall time kept); NaT elsewhere."""
    texts = _each_distinct(texts, lambda t: _ZONED.sub(r"\1", t))
    try:
        out = pd.to_datetime(texts, errors="coerce", format="ISO8601")
    except (ValueError, TypeError, OverflowError):  # zones we did not strip: one by one
        out = pd.Series([_iso_one(t) for t in texts], index=texts.index, dtype="object")
        out = pd.to_datetime(out.where(out.notna(), None), errors="coerce")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    return out


def _iso_one(text: str) -> datetime | None:
    try:
        return _naive(pd.to_datetime(text, errors="coerce", format="ISO8601"))
    except (ValueError, TypeError, OverflowError):
        return None


def _place(out: pd.Series, index, stamps: list, bad_year: list) -> None:
    """Put datetimes into `out` at `index`; years outside YEARS go to `bad_year` instead."""
    good_i, good_v = [], []
    for i, v in zip(index, stamps, strict=True):
        if v is None:
            continue
        if YEARS[0] <= v.year <= YEARS[1]:
            good_i.append(i), good_v.append(v)
        else:
            bad_year.append(i)
    if good_i:
        out[good_i] = pd.to_datetime(good_v).as_unit("ns")


def parse_dates(series: pd.Series, *, dayfirst: bool | None = None) -> Parsed:
    """Dates from Excel serials, date objects, ISO and day/month-first text (with times).

    For 'a/b/yyyy' text the order is decided per column from the evidence (a first part over
    12 proves day-first); with no evidence it is day-first (UK) and each genuinely ambiguous
    cell gets a warning. Zones are dropped, keeping the local wall time. Impossible dates and
    years outside 1900-2100 are errors.
    """
    series = _flags_as_text(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        out = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) else series
        yr = out.dt.year
        bad = out.notna() & ((yr < YEARS[0]) | (yr > YEARS[1]))
        problems = [
            Problem(i, series[i], "error", f"'{series[i]}': year outside 1900-2100")
            for i in out[bad].index
        ]
        return Parsed(out.where(~bad).astype("datetime64[ns]"), problems)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        out = _excel_serial(series.astype("float64"))
        problems = _failures(
            series,
            out.notna(),
            series.isna(),
            lambda v: f"{v} is not a date (Excel serial out of range)",
        )
        return Parsed(out.astype("datetime64[ns]"), problems)
    placeholder = is_placeholder(series)
    blank = _blank(series)
    todo = ~blank & ~placeholder
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    bad_year: list = []
    # Objects that already are dates, then numbers (serials), then text.
    is_dt = pd.Series(False, index=series.index)
    if series.dtype == object:
        is_dt = series.map(lambda v: isinstance(v, (datetime, date)), na_action="ignore")
        is_dt = is_dt.fillna(False).astype(bool)
    if is_dt.any():
        objs = series[is_dt]
        stamps = [
            _naive(v) if isinstance(v, datetime) else datetime(v.year, v.month, v.day) for v in objs
        ]
        _place(out, objs.index, stamps, bad_year)
    nums = pd.to_numeric(series.where(todo & ~is_dt), errors="coerce")
    if nums.notna().any():
        serial = _excel_serial(nums[nums.notna()])
        out[serial.index] = serial
    texts = _text(series).where(todo & ~is_dt & nums.isna())
    problems: list[Problem] = []
    if texts.notna().any():
        rest = texts.dropna().astype(str)
        iso = _iso(rest)
        in_range = iso.notna() & iso.dt.year.between(*YEARS)
        out[iso[in_range].index] = iso[in_range]
        bad_year += list(iso[iso.notna() & ~in_range].index)
        rest = rest[iso.isna()]
        if len(rest):
            order = dayfirst if dayfirst is not None else _slash_order(rest)
            first = True if order is None else order
            parsed = {t: _one_date(t, first) for t in pd.unique(rest)}
            vals = rest.map(parsed)
            good = vals.notna()
            _place(out, vals[good].index, list(vals[good]), bad_year)
            if order is None:
                out_of_range = set(bad_year)
                for idx, t in rest[good].items():
                    m = _SLASH.match(t)
                    if (
                        m
                        and idx not in out_of_range
                        and int(m.group(1)) <= 12
                        and int(m.group(2)) <= 12
                        and m.group(1) != m.group(2)
                    ):
                        d = parsed[t]
                        problems.append(
                            Problem(
                                idx,
                                series[idx],
                                "warning",
                                f"ambiguous date '{t}' read as {d:%-d %B %Y} (day-first); write "
                                "dates as YYYY-MM-DD to be sure",
                            )
                        )
    if bad_year:
        problems += [
            Problem(i, series[i], "error", f"'{series[i]}': year outside 1900-2100")
            for i in bad_year
        ]
    found = out.notna()
    found.loc[bad_year] = True
    problems += _placeholder_problems(series, placeholder & ~blank)
    problems += _failures(
        series,
        found,
        blank | placeholder,
        lambda v: f"'{v}' is not a date we can read; use YYYY-MM-DD",
    )
    return Parsed(out, problems)
