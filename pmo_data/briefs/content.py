"""The content of a brief, independent of its file format: slides of tiles, tables, charts and
text, every number already formatted as the pages format it.

A brief is built once (`packs.build`) and written twice at most (`powerpoint.write`,
`pdf.write`) from the same content and the same layout, so the PowerPoint and the PDF say the
same thing. Text that comes from the data (names, comments, reasons) stays plain text here:
the writers put it in text runs and escaped paragraphs, never in markup or formulas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import plotly.graph_objects as go

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(value) -> str:
    """Any value as one line of displayable text: control characters (which neither PowerPoint
    XML nor PDF can hold) become spaces; None and NaN become the pages' dash."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return _CONTROL.sub(" ", str(value))


@dataclass(frozen=True)
class Tile:
    """One headline number: `value` as the page shows it, its change since the previous import
    and whether that change is good (True), bad (False) or neither (None)."""

    label: str
    value: str
    delta: str | None = None
    good: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class Table:
    """A native table: header and rows of text; `numeric` right-aligns a column; `rag` names
    the column whose Red/Amber/Green text colours its cell; `widths` are relative."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    widths: tuple[float, ...] = ()
    rag: int | None = None
    caption: str = ""
    empty: str = "Nothing to list in this view."
    heading: str = ""

    def __post_init__(self) -> None:
        n = len(self.columns)
        object.__setattr__(self, "rows", tuple(tuple(plain(c) for c in r) for r in self.rows))
        object.__setattr__(self, "columns", tuple(plain(c) for c in self.columns))
        if not self.numeric:
            object.__setattr__(self, "numeric", (False,) * n)
        if not self.widths:
            object.__setattr__(self, "widths", (1.0,) * n)
        if any(len(r) != n for r in self.rows) or len(self.numeric) != n or len(self.widths) != n:
            raise ValueError("every row, `numeric` and `widths` need one entry per column")


@dataclass(eq=False)
class Chart:
    """A plotly figure from `pmo_data.charts` (the page's own figure) and its caption."""

    figure: go.Figure
    caption: str = ""


@dataclass(frozen=True)
class Text:
    """Paragraphs, or bullet points when `bullets` is set; `heading` is optional."""

    lines: tuple[str, ...]
    bullets: bool = False
    heading: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(plain(x) for x in self.lines))


Block = Table | Chart | Text


@dataclass
class Slide:
    """A title, a one-line lead (the takeaway), up to six tiles, then one or two blocks side by
    side (`split` is the left block's share of the width) and a footnote on method."""

    title: str
    lead: str = ""
    tiles: list[Tile] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    split: float = 0.5
    note: str = ""

    def __post_init__(self) -> None:
        if len(self.blocks) > 2 or len(self.tiles) > 6:
            raise ValueError("a slide holds at most six tiles and two blocks")
        self.lead, self.note = plain(self.lead) if self.lead else "", plain(self.note or "")


@dataclass
class Brief:
    """A whole pack: the cover's facts and the slides after it."""

    title: str
    audience: str  # the viewer's label, e.g. "Customer account lead: Priya Shah"
    organisation: str
    colour: str  # "#rrggbb"
    period: str
    version: str
    generated: datetime
    currency: str
    slides: list[Slide] = field(default_factory=list)
    empty: bool = False  # True when the store (or the view) holds no data to report
    stale: tuple[str, ...] = ()  # one sentence per entity whose data is older than its window

    def all_text(self) -> list[str]:
        """Every string the brief shows (for checks of what a brief names)."""
        out = [self.title, self.audience, self.organisation, self.period, self.version]
        out += list(self.stale)
        for s in self.slides:
            out += [s.title, s.lead, s.note]
            for t in s.tiles:
                out += [t.label, t.value, t.delta or "", t.note]
            for b in s.blocks:
                if isinstance(b, Table):
                    out += [b.heading, *b.columns, *(c for r in b.rows for c in r), b.caption]
                elif isinstance(b, Text):
                    out += [b.heading, *b.lines]
                else:
                    out.append(b.caption)
        return [x for x in out if x]
