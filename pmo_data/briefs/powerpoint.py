"""The brief as a PowerPoint file (python-pptx): native text and tables, charts as pictures.

Every string goes into a text run as it is (PowerPoint has no formulas and a run holds no
markup), so a comment such as "=HYPERLINK(...)" or "<b>" shows as those characters.
"""

from __future__ import annotations

import io

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from pmo_data.briefs import layout as L
from pmo_data.briefs import style as S
from pmo_data.briefs.content import Brief, Chart, Slide, Table, Text, Tile

FONT = "Arial"


def _rgb(colour: str) -> RGBColor:
    return RGBColor(*S.rgb(colour))


def _box(slide, box: L.Box):
    tb = slide.shapes.add_textbox(Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
    tf = tb.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
    return tf


def _run(paragraph, text: str, size: float, colour: str = S.INK, bold: bool = False):
    r = paragraph.add_run()
    r.text = text
    f = r.font
    f.name, f.size, f.bold = FONT, Pt(size), bold
    f.color.rgb = _rgb(colour)
    return r


def _text(
    slide,
    box: L.Box,
    text: str,
    size: float,
    colour: str = S.INK,
    bold: bool = False,
    align=PP_ALIGN.LEFT,
    anchor=MSO_ANCHOR.TOP,
):
    tf = _box(slide, box)
    tf.vertical_anchor = anchor
    p = tf.paragraphs[0]
    p.alignment = align
    _run(p, text, size, colour, bold)
    return tf


def _rect(slide, box: L.Box, fill: str, shape=MSO_SHAPE.RECTANGLE):
    r = slide.shapes.add_shape(shape, Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
    r.fill.solid()
    r.fill.fore_color.rgb = _rgb(fill)
    r.line.fill.background()
    style = r._element.find(qn("p:style"))  # the theme's style adds a shadow in some viewers
    if style is not None:
        r._element.remove(style)
    return r


def _cover(prs, brief: Brief) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _rect(slide, L.Box(0, 0, L.WIDTH, 4.3), brief.colour)
    _text(slide, L.Box(0.8, 0.9, 11.5, 0.5), brief.organisation, 20, "#ffffff")
    _text(slide, L.Box(0.8, 1.6, 11.5, 1.2), brief.title, 44, "#ffffff", bold=True)
    _text(slide, L.Box(0.8, 2.9, 11.5, 0.6), brief.audience, 22, "#ffffff")
    _text(slide, L.Box(0.8, 4.7, 11.7, 0.5), brief.period, 18, S.INK, bold=True)
    _text(slide, L.Box(0.8, 5.3, 11.7, 0.4), brief.version, 13, S.MUTED)
    _text(
        slide,
        L.Box(0.8, 5.75, 11.7, 0.4),
        f"Prepared {brief.generated:%-d %B %Y at %H:%M}. Amounts in {brief.currency}.",
        13,
        S.MUTED,
    )
    if brief.stale:
        _text(slide, L.Box(0.8, 6.25, 11.7, 0.4), S.OLD_DATA, 13, S.WARN, bold=True)


def _header(slide, s: Slide, brief: Brief) -> None:
    _rect(slide, L.Box(0, 0, L.WIDTH, 0.1), brief.colour)
    title_size = L.fits_lines(s.title, L.WIDTH - 2 * L.MARGIN, L.TITLE_PT, 1, bold=True)
    _text(
        slide,
        L.Box(L.MARGIN, L.TITLE_TOP, L.WIDTH - 2 * L.MARGIN, L.TITLE_H),
        s.title,
        title_size,
        brief.colour,
        bold=True,
        anchor=MSO_ANCHOR.MIDDLE,
    )
    if s.lead:
        size = L.fits_lines(s.lead, L.WIDTH - 2 * L.MARGIN, L.LEAD_PT, 2)
        _text(slide, L.Box(L.MARGIN, L.LEAD_TOP, L.WIDTH - 2 * L.MARGIN, L.LEAD_H), s.lead, size)


def _footer(slide, brief: Brief, n: int, total: int, s: Slide) -> None:
    w = L.WIDTH - 2 * L.MARGIN
    if note := L.note_fit(s):
        box, size, text = note
        _text(slide, box, text, size, S.MUTED)
    line = slide.shapes.add_connector(
        1,
        Inches(L.MARGIN),
        Inches(L.FOOTER_TOP - 0.03),
        Inches(L.WIDTH - L.MARGIN),
        Inches(L.FOOTER_TOP - 0.03),
    )
    line.line.color.rgb = _rgb(S.RULE)
    line.line.width = Pt(0.75)
    _text(
        slide,
        L.Box(L.MARGIN, L.FOOTER_TOP, w * 0.8, 0.25),
        f"{brief.organisation} · {brief.title} · {brief.audience} · {brief.period}",
        L.FOOTER_PT,
        S.MUTED,
    )
    _text(
        slide,
        L.Box(L.MARGIN + w * 0.8, L.FOOTER_TOP, w * 0.2, 0.25),
        f"{n} / {total}",
        L.FOOTER_PT,
        S.MUTED,
        align=PP_ALIGN.RIGHT,
    )


def _tile(slide, t: Tile, box: L.Box, style: S.Style) -> None:
    _rect(slide, box, style.tint, MSO_SHAPE.ROUNDED_RECTANGLE).adjustments[0] = 0.08
    inner = L.Box(box.x + 0.14, box.y + 0.1, box.w - 0.28, box.h - 0.18)
    tf = _box(slide, inner)
    _run(tf.paragraphs[0], t.label, L.TILE_LABEL_PT, S.MUTED)
    p = tf.add_paragraph()
    size = L.fits_lines(t.value, inner.w, L.TILE_VALUE_PT, 1, bold=True)
    _run(p, t.value, size, S.INK, bold=True)
    if not (t.delta or t.note):
        return
    size, note = L.tile_note(t.delta, t.note, inner.w)
    p = tf.add_paragraph()
    if t.delta:
        colour = S.NEUTRAL if t.good is None else (S.GOOD if t.good else S.BAD)
        _run(p, t.delta + ("  " if note else ""), size, colour, bold=True)
    if note:
        _run(p, note, size, S.MUTED)


def _bullets(paragraph) -> None:
    pPr = paragraph._p.get_or_add_pPr()
    pPr.set("marL", str(Emu(Inches(0.22))))
    pPr.set("indent", str(-Emu(Inches(0.2))))
    etree.SubElement(pPr, qn("a:buChar")).set("char", "•")


def _text_block(slide, b: Text, box: L.Box, style: S.Style) -> None:
    size = L.text_size(b, box)
    tf = _box(slide, box)
    first = True
    if b.heading:
        _run(tf.paragraphs[0], b.heading, size + 2, style.colour, bold=True)
        tf.paragraphs[0].space_after = Pt(size * 0.5)
        first = False
    for line in b.lines:
        p = tf.paragraphs[0] if first else tf.add_paragraph()
        first = False
        p.space_after = Pt(size * 0.45)
        if b.bullets:
            _bullets(p)
        _run(p, line, size)


def _table(slide, t: Table, box: L.Box, style: S.Style) -> None:
    if t.heading:
        _text(
            slide,
            L.Box(box.x, box.y, box.w, L.HEADING_H),
            t.heading,
            L.HEADING_PT,
            style.colour,
            bold=True,
        )
        box = L.under_heading(box)
    if not t.rows:
        _text_block(slide, Text((t.empty,)), box, style)
        return
    fit = L.fit_table(t, box)
    shown = t.rows[: len(fit.row_heights) - 1]
    frame = slide.shapes.add_table(
        len(shown) + 1,
        len(t.columns),
        Inches(box.x),
        Inches(box.y),
        Inches(box.w),
        Inches(fit.height),
    )
    table = frame.table
    table.first_row, table.horz_banding = True, False
    for i, w in enumerate(fit.col_widths):
        table.columns[i].width = Inches(w)
    for i, h in enumerate(fit.row_heights):
        table.rows[i].height = Inches(h)
    for r, row in enumerate([t.columns, *shown]):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = Inches(L.CELL_PAD)
            cell.margin_top = cell.margin_bottom = Inches(L.ROW_PAD)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE if r == 0 else MSO_ANCHOR.TOP
            fill, ink, bold = ("#ffffff" if r % 2 else S.ZEBRA), S.INK, False
            if r == 0:
                fill, ink, bold = style.colour, "#ffffff", True
            elif c == t.rag and value in S.RAG_CELL:
                (fill, ink), bold = S.RAG_CELL[value], True
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(fill)
            tf = cell.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT if t.numeric[c] else PP_ALIGN.LEFT
            _run(p, value, fit.size, ink, bold)
    below = box.y + fit.height + 0.06
    extra = [t.caption] if t.caption else []
    if fit.dropped:
        extra.append(f"… and {fit.dropped:,} more rows on the page in the dashboard.")
    if extra:
        _text(
            slide, L.Box(box.x, below, box.w, L.CAPTION_H), " ".join(extra), L.CAPTION_PT, S.MUTED
        )


def _chart(slide, b: Chart, box: L.Box, png: bytes | None, missing: str) -> None:
    pic = L.chart_box(b, box)
    if png:
        slide.shapes.add_picture(
            io.BytesIO(png), Inches(pic.x), Inches(pic.y), Inches(pic.w), Inches(pic.h)
        )
    else:
        _rect(slide, pic, S.ZEBRA)
        _text(
            slide,
            L.Box(pic.x + 0.3, pic.y + pic.h / 2 - 0.4, pic.w - 0.6, 0.8),
            f"Chart not drawn: {missing}",
            11,
            S.MUTED,
            align=PP_ALIGN.CENTER,
        )
    if b.caption:
        _text(
            slide,
            L.Box(box.x, pic.y + pic.h + 0.06, box.w, box.h - pic.h - 0.06),
            b.caption,
            L.CAPTION_PT,
            S.MUTED,
        )


def write(brief: Brief, images: dict[int, bytes], missing: str = "") -> bytes:
    """The .pptx bytes; `images` maps id(chart) to its PNG (absent: the box says `missing`)."""
    style = S.Style(brief.organisation, brief.colour)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(L.WIDTH), Inches(L.HEIGHT)
    prs.core_properties.title = f"{brief.title}: {brief.audience}"
    prs.core_properties.author = brief.organisation
    _cover(prs, brief)
    total = len(brief.slides) + 1
    for n, s in enumerate(brief.slides, start=2):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        _header(slide, s, brief)
        for t, box in zip(s.tiles, L.tile_boxes(s), strict=True):
            _tile(slide, t, box, style)
        for b, box in zip(s.blocks, L.block_boxes(s), strict=True):
            if isinstance(b, Table):
                _table(slide, b, box, style)
            elif isinstance(b, Text):
                _text_block(slide, b, box, style)
            else:
                _chart(slide, b, box, images.get(id(b)), missing)
        _footer(slide, brief, n, total, s)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
