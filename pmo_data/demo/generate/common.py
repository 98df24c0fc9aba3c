"""Shared by every entity generator: the demo's today and span, the day unit, and the
helpers for exact proportions, distinct names, ids, dates, customer windows and cells."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

TODAY = date(2026, 11, 1)
YEARS = 3
DAY = np.timedelta64(1, "D")


def _exact(rng, n: int, values, p) -> np.ndarray:
    """n values in proportions p as exact as rounding allows, shuffled."""
    counts = np.floor(np.asarray(p) * n).astype(int)
    counts[np.argsort(-(np.asarray(p) * n - counts))[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.asarray(values, dtype=object), counts))


def _unique(names: pd.Series, qualifier: pd.Series, sep: str = " ({})") -> pd.Series:
    """Names made distinct: repeats get a qualifier, then a number if they still collide."""
    names = names.astype(object)
    k = names.groupby(names).cumcount()
    out = names.where(k == 0, names + np.array([sep.format(q) for q in qualifier], dtype=object))
    while out.duplicated().any():
        k = out.groupby(out).cumcount()
        out = out.where(k == 0, out + " " + (k + 1).astype(str))
    return out


def _window_hits(rows_c, rows_t, ev_c, ev_from, ev_to) -> np.ndarray:
    """Per row: is there an event of the same customer with ev_from <= date <= ev_to?"""
    rows = pd.DataFrame({"c": rows_c, "t": rows_t, "i": np.arange(len(rows_c))})
    ev = pd.DataFrame({"c": ev_c, "a": ev_from, "b": ev_to})
    m = rows.merge(ev, on="c")
    hit = np.zeros(len(rows_c), dtype=bool)
    hit[m.loc[(m["t"] >= m["a"]) & (m["t"] <= m["b"]), "i"].to_numpy()] = True
    return hit


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    """P-0001 ... with at least `width` digits, more when n needs them (so ids sort as text)."""
    width = max(width, len(str(n)))
    return np.array([f"{prefix}-{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _dt(values) -> pd.Series:
    """Day dates as datetime64 (what the store and the importer produce)."""
    return pd.Series(np.asarray(values, dtype="datetime64[D]").astype("datetime64[s]"))


def _cells(s: pd.Series) -> list:
    """A column as Python cell values: dates as date, whole numbers as int, blanks as None."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return [None if pd.isna(v) else v.date() for v in s]
    if pd.api.types.is_float_dtype(s):
        whole = s.dropna()
        if (whole == np.round(whole)).all():
            return [None if v != v else int(v) for v in s.tolist()]
        return [None if v != v else v for v in s.tolist()]
    return [None if v is None or (isinstance(v, float) and v != v) else v for v in s.tolist()]
