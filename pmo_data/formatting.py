"""Readable numbers: currency, thousands separators, compact millions, percentages.

One place so every page, export and caption writes money the same way.
"""

from __future__ import annotations

import math

SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def money(x, currency: str = "GBP", *, compact: bool = True, decimals: int | None = None) -> str:
    """£4.0M, £850k, £1,234 (compact) or £1,234,567 (full); '–' when missing."""
    if _missing(x):
        return "–"
    sym = SYMBOLS.get(currency, currency + " ")
    sign = "-" if x < 0 else ""
    v = abs(float(x))
    if compact and v >= 1e9:
        return f"{sign}{sym}{v / 1e9:.{1 if decimals is None else decimals}f}bn"
    if compact and v >= 1e6:
        return f"{sign}{sym}{v / 1e6:.{1 if decimals is None else decimals}f}M"
    if compact and v >= 1e4:
        return f"{sign}{sym}{v / 1e3:.{0 if decimals is None else decimals}f}k"
    return f"{sign}{sym}{v:,.{0 if decimals is None else decimals}f}"


def number(x, decimals: int = 0) -> str:
    """1,234 or 12.5 with thousands separators; '–' when missing."""
    if _missing(x):
        return "–"
    return f"{x:,.{decimals}f}"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 line', '6 lines', '1,204 lines': a count with its noun, never 'line(s)'."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def percent(x, decimals: int = 0, *, fraction: bool = True) -> str:
    """A share as '42%': x is a fraction (0.42) unless fraction=False (42)."""
    if _missing(x):
        return "–"
    return f"{(x * 100 if fraction else x):.{decimals}f}%"


def signed(x, decimals: int = 0) -> str:
    """+3 / -2 for deltas."""
    if _missing(x):
        return "–"
    return f"{x:+,.{decimals}f}"


def money_format(currency: str = "GBP") -> str:
    """A d3 format string for plotly axes/hover (e.g. '£,.0f')."""
    return SYMBOLS.get(currency, "") + ",.0f"
