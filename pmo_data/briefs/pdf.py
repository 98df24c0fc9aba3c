"""The brief as a PDF (reportlab), page for page the same as the PowerPoint: same boxes, same
table fitting, the same chart PNGs.

Text from the data is escaped before it reaches reportlab's paragraph parser, so "<b>" or
"&amp;" in a comment prints as typed. The font is Liberation Sans (metric-compatible with Arial,
which the PowerPoint names), else DejaVu Sans, else reportlab's own Vera: a PDF always builds.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from pmo_data.briefs import layout as L
from pmo_data.briefs import style as S
from pmo_data.briefs.content import Brief, Chart, Slide, Table, Text, Tile

FONT, BOLD = "BriefSans", "BriefSans-Bold"
_FONTS = [
    (
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("Vera.ttf", "VeraBd.ttf"),  # shipped inside reportlab
]
PT = 72


def _register() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for regular, bold in _FONTS:
        if regular.startswith("/") and not (Path(regular).exists() and Path(bold).exists()):
            continue
        pdfmetrics.registerFont(TTFont(FONT, regular))
        pdfmetrics.registerFont(TTFont(BOLD, bold))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD)
        return


class _Page:
    """Drawing in the layout's inches with the origin top-left."""

    def __init__(self, canvas: Canvas):
        self.c = canvas

    def rect(self, box: L.Box, fill: str, radius: float = 0) -> None:
        self.c.setFillColor(HexColor(fill))
        x, y, w, h = box.x * PT, (L.HEIGHT - box.y - box.h) * PT, box.w * PT, box.h * PT
        if radius:
            self.c.roundRect(x, y, w, h, radius * PT, stroke=0, fill=1)
        else:
            self.c.rect(x, y, w, h, stroke=0, fill=1)

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, width: float) -> None:
        self.c.setStrokeColor(HexColor(colour))
        self.c.setLineWidth(width)
        self.c.line(x1 * PT, (L.HEIGHT - y1) * PT, x2 * PT, (L.HEIGHT - y2) * PT)

    def text(
        self,
        box: L.Box,
        parts,
        size: float,
        align=TA_LEFT,
        valign: str = "top",
        space_after: float = 0,
    ) -> float:
        """Draw a paragraph made of (text, colour, bold) parts; returns its height (inches)."""
        if isinstance(parts, str):
            parts = [(parts, S.INK, False)]
        markup = "".join(
            f'<font color="{colour}"{" name=" + chr(34) + BOLD + chr(34) if bold else ""}>'
            f"{escape(text)}</font>"
            for text, colour, bold in parts
        )
        style = ParagraphStyle(
            "p", fontName=FONT, fontSize=size, leading=size * L.LINE, alignment=align
        )
        p = Paragraph(markup, style)
        _, h = p.wrap(box.w * PT, box.h * PT + 1000)
        y = box.y
        if valign == "middle":
            y = box.y + (box.h - h / PT) / 2
        p.drawOn(self.c, box.x * PT, (L.HEIGHT - y) * PT - h)
        return h / PT + space_after

    def image(self, box: L.Box, png: bytes) -> None:
        self.c.drawImage(
            ImageReader(io.BytesIO(png)),
            box.x * PT,
            (L.HEIGHT - box.y - box.h) * PT,
            box.w * PT,
            box.h * PT,
        )


def _cover(pg: _Page, brief: Brief) -> None:
    pg.rect(L.Box(0, 0, L.WIDTH, 4.3), brief.colour)
    pg.text(L.Box(0.8, 0.9, 11.5, 0.5), [(brief.organisation, "#ffffff", False)], 20)
    pg.text(L.Box(0.8, 1.6, 11.5, 1.2), [(brief.title, "#ffffff", True)], 44)
    pg.text(L.Box(0.8, 2.9, 11.5, 0.6), [(brief.audience, "#ffffff", False)], 22)
    pg.text(L.Box(0.8, 4.7, 11.7, 0.5), [(brief.period, S.INK, True)], 18)
    pg.text(L.Box(0.8, 5.3, 11.7, 0.4), [(brief.version, S.MUTED, False)], 13)
    pg.text(
        L.Box(0.8, 5.75, 11.7, 0.4),
        [
            (
                f"Prepared {brief.generated:%-d %B %Y at %H:%M}. Amounts in {brief.currency}.",
                S.MUTED,
                False,
            )
        ],
        13,
    )
    if brief.stale:
        pg.text(L.Box(0.8, 6.25, 11.7, 0.4), [(S.OLD_DATA, S.WARN, True)], 13)


def _header(pg: _Page, s: Slide, brief: Brief) -> None:
    pg.rect(L.Box(0, 0, L.WIDTH, 0.1), brief.colour)
    w = L.WIDTH - 2 * L.MARGIN
    size = L.fits_lines(s.title, w, L.TITLE_PT, 1, bold=True)
    pg.text(
        L.Box(L.MARGIN, L.TITLE_TOP, w, L.TITLE_H),
        [(s.title, brief.colour, True)],
        size,
        valign="middle",
    )
    if s.lead:
        pg.text(
            L.Box(L.MARGIN, L.LEAD_TOP, w, L.LEAD_H), s.lead, L.fits_lines(s.lead, w, L.LEAD_PT, 2)
        )


def _footer(pg: _Page, brief: Brief, n: int, total: int, s: Slide) -> None:
    w = L.WIDTH - 2 * L.MARGIN
    if note := L.note_fit(s):
        box, size, text = note
        pg.text(box, [(text, S.MUTED, False)], size)
    pg.line(L.MARGIN, L.FOOTER_TOP - 0.03, L.WIDTH - L.MARGIN, L.FOOTER_TOP - 0.03, S.RULE, 0.75)
    pg.text(
        L.Box(L.MARGIN, L.FOOTER_TOP, w * 0.8, 0.25),
        [
            (
                f"{brief.organisation} · {brief.title} · {brief.audience} · {brief.period}",
                S.MUTED,
                False,
            )
        ],
        L.FOOTER_PT,
    )
    pg.text(
        L.Box(L.MARGIN + w * 0.8, L.FOOTER_TOP, w * 0.2, 0.25),
        [(f"{n} / {total}", S.MUTED, False)],
        L.FOOTER_PT,
        align=TA_RIGHT,
    )


def _tile(pg: _Page, t: Tile, box: L.Box, style: S.Style) -> None:
    pg.rect(box, style.tint, radius=0.08)
    inner = L.Box(box.x + 0.14, box.y + 0.1, box.w - 0.28, box.h - 0.18)
    y = inner.y
    y += pg.text(L.Box(inner.x, y, inner.w, 0.3), [(t.label, S.MUTED, False)], L.TILE_LABEL_PT)
    size = L.fits_lines(t.value, inner.w, L.TILE_VALUE_PT, 1, bold=True)
    y += pg.text(L.Box(inner.x, y, inner.w, 0.45), [(t.value, S.INK, True)], size)
    if not (t.delta or t.note):
        return
    size, note = L.tile_note(t.delta, t.note, inner.w)
    parts = []
    if t.delta:
        colour = S.NEUTRAL if t.good is None else (S.GOOD if t.good else S.BAD)
        parts.append((t.delta + ("  " if note else ""), colour, True))
    if note:
        parts.append((note, S.MUTED, False))
    pg.text(L.Box(inner.x, y, inner.w, 0.4), parts, size)


def _text_block(pg: _Page, b: Text, box: L.Box, style: S.Style) -> None:
    size = L.text_size(b, box)
    y = box.y
    if b.heading:
        y += pg.text(
            L.Box(box.x, y, box.w, 0.5),
            [(b.heading, style.colour, True)],
            size + 2,
            space_after=size * 0.5 / PT,
        )
    for line in b.lines:
        if b.bullets:
            pg.text(L.Box(box.x + 0.02, y, 0.2, 0.4), "•", size)
            y += pg.text(
                L.Box(box.x + 0.22, y, box.w - 0.22, box.h),
                line,
                size,
                space_after=size * 0.45 / PT,
            )
        else:
            y += pg.text(L.Box(box.x, y, box.w, box.h), line, size, space_after=size * 0.45 / PT)


def _table(pg: _Page, t: Table, box: L.Box, style: S.Style) -> None:
    if t.heading:
        pg.text(
            L.Box(box.x, box.y, box.w, L.HEADING_H), [(t.heading, style.colour, True)], L.HEADING_PT
        )
        box = L.under_heading(box)
    if not t.rows:
        _text_block(pg, Text((t.empty,)), box, style)
        return
    fit = L.fit_table(t, box)
    shown = t.rows[: len(fit.row_heights) - 1]
    y = box.y
    for r, (row, h) in enumerate(zip([t.columns, *shown], fit.row_heights, strict=True)):
        x = box.x
        for c, (value, w) in enumerate(zip(row, fit.col_widths, strict=True)):
            fill, ink, bold = ("#ffffff" if r % 2 else S.ZEBRA), S.INK, False
            if r == 0:
                fill, ink, bold = style.colour, "#ffffff", True
            elif c == t.rag and value in S.RAG_CELL:
                (fill, ink), bold = S.RAG_CELL[value], True
            pg.rect(L.Box(x, y, w, h), fill)
            inner = L.Box(x + L.CELL_PAD, y + L.ROW_PAD, w - 2 * L.CELL_PAD, h - 2 * L.ROW_PAD)
            pg.text(
                inner,
                [(value, ink, bold)],
                fit.size,
                align=TA_RIGHT if t.numeric[c] else TA_LEFT,
                valign="middle" if r == 0 else "top",
            )
            x += w
        pg.line(box.x, y + h, box.x + box.w, y + h, "#ffffff", 0.75)
        y += h
    extra = [t.caption] if t.caption else []
    if fit.dropped:
        extra.append(f"… and {fit.dropped:,} more rows on the page in the dashboard.")
    if extra:
        pg.text(
            L.Box(box.x, y + 0.06, box.w, L.CAPTION_H),
            [(" ".join(extra), S.MUTED, False)],
            L.CAPTION_PT,
        )


def _chart(pg: _Page, b: Chart, box: L.Box, png: bytes | None, missing: str) -> None:
    pic = L.chart_box(b, box)
    if png:
        pg.image(pic, png)
    else:
        pg.rect(pic, S.ZEBRA)
        pg.text(
            L.Box(pic.x + 0.3, pic.y, pic.w - 0.6, pic.h),
            [(f"Chart not drawn: {missing}", S.MUTED, False)],
            11,
            align=TA_CENTER,
            valign="middle",
        )
    if b.caption:
        pg.text(
            L.Box(box.x, pic.y + pic.h + 0.06, box.w, box.h - pic.h),
            [(b.caption, S.MUTED, False)],
            L.CAPTION_PT,
        )


def write(brief: Brief, images: dict[int, bytes], missing: str = "") -> bytes:
    """The PDF bytes; `images` maps id(chart) to its PNG (absent: the box says `missing`)."""
    _register()
    style = S.Style(brief.organisation, brief.colour)
    out = io.BytesIO()
    c = Canvas(out, pagesize=(L.WIDTH * PT, L.HEIGHT * PT), pageCompression=1)
    c.setTitle(f"{brief.title}: {brief.audience}")
    c.setAuthor(brief.organisation)
    c.setSubject(brief.period)
    pg = _Page(c)
    _cover(pg, brief)
    c.showPage()
    total = len(brief.slides) + 1
    for n, s in enumerate(brief.slides, start=2):
        _header(pg, s, brief)
        for t, box in zip(s.tiles, L.tile_boxes(s), strict=True):
            _tile(pg, t, box, style)
        for b, box in zip(s.blocks, L.block_boxes(s), strict=True):
            if isinstance(b, Table):
                _table(pg, b, box, style)
            elif isinstance(b, Text):
                _text_block(pg, b, box, style)
            else:
                _chart(pg, b, box, images.get(id(b)), missing)
        _footer(pg, brief, n, total, s)
        c.showPage()
    c.save()
    return out.getvalue()
