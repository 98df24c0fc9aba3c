"""Where everything sits on a 16:9 page, in inches, shared by the PowerPoint and PDF writers.

Both writers place the same boxes, render charts at the same size and fit tables with the same
arithmetic (text measured with Helvetica metrics, which Arial and Liberation Sans share), so a
slide looks the same in both files and nothing runs off the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from pmo_data.briefs.content import Chart, Slide, Table, Text

WIDTH, HEIGHT = 13.333, 7.5  # inches, PowerPoint's 16:9
MARGIN = 0.5
TITLE_TOP, TITLE_H = 0.3, 0.6
LEAD_TOP, LEAD_H = 0.9, 0.62
TILES_H, GAP = 1.12, 0.2
BODY_BOTTOM = 6.85
FOOTER_TOP = 7.12
CAPTION_H = 0.42
TITLE_PT, LEAD_PT, NOTE_PT, CAPTION_PT, FOOTER_PT = 24, 13, 8.5, 9, 8
TILE_LABEL_PT, TILE_VALUE_PT, TILE_NOTE_PT = 10, 22, 8.5
TABLE_SIZES = (14, 13, 12, 11, 10, 9, 8)
CELL_PAD = 0.06  # inches left/right inside a cell
ROW_PAD = 0.07  # inches top+bottom inside a row
LINE = 1.18  # line height as a multiple of the font size
DPI = 96  # chart pixels per inch (rendered at scale 2)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of one line of text at `size` points."""
    return stringWidth(text, "Helvetica-Bold" if bold else "Helvetica", size) / 72


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` inches (long words are cut where they overflow)."""
    lines: list[str] = []
    for para in str(text).split("\n"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if text_width(trial, size, bold) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
            while text_width(line, size, bold) > width and len(line) > 1:
                cut = max(1, int(len(line) * width / text_width(line, size, bold)))
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


def lines_needed(text: str, width: float, size: float, bold: bool = False) -> int:
    return len(wrap(text, width, size, bold))


def tiles_box(slide: Slide) -> Box | None:
    return (
        Box(MARGIN, LEAD_TOP + LEAD_H + 0.08, WIDTH - 2 * MARGIN, TILES_H) if slide.tiles else None
    )


def tile_boxes(slide: Slide) -> list[Box]:
    box = tiles_box(slide)
    if box is None:
        return []
    n = len(slide.tiles)
    gap = 0.15
    w = (box.w - gap * (n - 1)) / n
    return [Box(box.x + i * (w + gap), box.y, w, box.h) for i in range(n)]


def note_fit(slide: Slide) -> tuple[Box, float, str] | None:
    """The footnote's box, size and text (clipped to four lines), above the footer."""
    if not slide.note:
        return None
    w = WIDTH - 2 * MARGIN
    size = fits_lines(slide.note, w, NOTE_PT, 3, smallest=7.5)
    text = clip(slide.note, w, size, 4)
    h = lines_needed(text, w, size) * size * LINE / 72
    return Box(MARGIN, FOOTER_TOP - 0.1 - h, w, h + 0.02), size, text


def body_box(slide: Slide) -> Box:
    top = LEAD_TOP + LEAD_H + 0.12
    if slide.tiles:
        top += TILES_H + 0.15
    note = note_fit(slide)
    bottom = min(BODY_BOTTOM, note[0].y - 0.12) if note else FOOTER_TOP - 0.2
    return Box(MARGIN, top, WIDTH - 2 * MARGIN, bottom - top)


def block_boxes(slide: Slide) -> list[Box]:
    body = body_box(slide)
    if len(slide.blocks) <= 1:
        return [body] * len(slide.blocks)
    left = (body.w - GAP) * slide.split
    return [
        Box(body.x, body.y, left, body.h),
        Box(body.x + left + GAP, body.y, body.w - left - GAP, body.h),
    ]


HEADING_PT, HEADING_H = 14, 0.42


def under_heading(box: Box) -> Box:
    """What is left of a block's box below its heading."""
    return Box(box.x, box.y + HEADING_H, box.w, box.h - HEADING_H)


STRETCH = 1.3  # a chart may grow to this multiple of the height its page gives it, no more


def chart_box(block: Chart, box: Box) -> Box:
    """The picture's box: the block less its caption line(s), and no taller than the figure's
    own height allows (one bar on a whole slide would be a slab of colour)."""
    h = box.h
    if block.caption:
        h -= min(3, lines_needed(block.caption, box.w, CAPTION_PT)) * CAPTION_PT * LINE / 72 + 0.08
    designed = block.figure.layout.height
    if designed:
        h = min(h, designed * STRETCH / DPI)
    return Box(box.x, box.y, box.w, h)


def chart_pixels(box: Box) -> tuple[int, int]:
    return max(200, round(box.w * DPI)), max(150, round(box.h * DPI))


@dataclass(frozen=True)
class TableFit:
    """How a table fits its box: font size, column widths (inches), row heights (inches)
    including the header's, and how many data rows were left out for lack of room."""

    size: float
    col_widths: tuple[float, ...]
    row_heights: tuple[float, ...]
    dropped: int

    @property
    def height(self) -> float:
        return sum(self.row_heights)


def _row_height(cells, widths, size, bold=False) -> float:
    n = max(
        lines_needed(c, max(w - 2 * CELL_PAD, 0.2), size, bold)
        for c, w in zip(cells, widths, strict=True)
    )
    return n * size * LINE / 72 + ROW_PAD * 2


def _widths(table: Table, width: float, size: float) -> tuple[float, ...]:
    """Column widths: the table's shares, widened where a header word or a number would not
    fit on one line (numbers and dates never wrap), taken from columns with room to spare."""
    total = sum(table.widths)
    share = [width * w / total for w in table.widths]
    need = []
    for c, head in enumerate(table.columns):
        cells = [r[c] for r in table.rows]
        words = [text_width(w, size, True) for w in head.split()] or [0.0]
        if table.numeric[c]:
            words += [text_width(x, size) for x in cells]
        else:
            words += [min(1.4, text_width(w, size)) for x in cells for w in x.split()]
        need.append(max(words) + 2 * CELL_PAD + 0.02)
    deficit = sum(max(0.0, n - w) for n, w in zip(need, share, strict=True))
    if deficit <= 0:
        return tuple(share)
    slack = [max(0.0, w - n) for n, w in zip(need, share, strict=True)]
    if sum(slack) <= deficit:  # not enough room anywhere: shares of what each needs
        return tuple(width * n / sum(need) for n in need)
    k = deficit / sum(slack)
    return tuple(n if n > w else w - k * sl for n, w, sl in zip(need, share, slack, strict=True))


def fit_table(table: Table, box: Box) -> TableFit:
    """The largest font size at which every row fits the box; at the smallest size, as many
    rows as fit (the caller says how many were left out)."""
    avail = box.h - (CAPTION_H if table.caption else 0)
    for size in TABLE_SIZES:
        widths = _widths(table, box.w, size)
        heights = [_row_height(table.columns, widths, size, bold=True)]
        heights += [_row_height(r, widths, size) for r in table.rows]
        if sum(heights) <= avail:
            return TableFit(size, widths, tuple(heights), 0)
    keep, used = [heights[0]], heights[0]
    for h in heights[1:]:
        if used + h > avail - 0.3:  # leave room for the "n more" line
            break
        keep.append(h)
        used += h
    return TableFit(TABLE_SIZES[-1], widths, tuple(keep), len(heights) - len(keep))


def text_size(block: Text, box: Box, sizes=(16, 14, 13, 12, 11, 10, 9)) -> float:
    """The largest size at which the paragraphs (and heading) fit the box."""
    for size in sizes:
        width = box.w - (0.3 if block.bullets else 0)
        lines = sum(lines_needed(x, width, size) for x in block.lines)
        height = lines * size * LINE / 72 + len(block.lines) * size * 0.45 / 72
        if block.heading:
            height += (size + 2) * LINE / 72 + 0.1
        if height <= box.h:
            return size
    return sizes[-1]


def fits_lines(
    text: str, width: float, size: float, max_lines: int, smallest: float = 8, bold: bool = False
) -> float:
    """The largest size not above `size` (nor below `smallest`) at which `text` takes at most
    `max_lines` lines."""
    while size > smallest and lines_needed(text, width, size, bold) > max_lines:
        size -= 0.5
    return size


def clip(text: str, width: float, size: float, max_lines: int, bold: bool = False) -> str:
    """`text` cut with an ellipsis so that it takes at most `max_lines` lines."""
    lines = wrap(text, width, size, bold)
    if len(lines) <= max_lines:
        return text
    kept = " ".join(lines[:max_lines])
    while kept and lines_needed(kept + "…", width, size, bold) > max_lines:
        kept = kept[:-1]
    return kept.rstrip(" ,;:") + "…"


def tile_note(delta: str | None, note: str, width: float) -> tuple[float, str]:
    """Size and (clipped) note for a tile's last line(s): the delta, then the note."""
    prefix = f"{delta}  " if delta else ""
    full = prefix + note
    size = fits_lines(full, width, TILE_NOTE_PT, 2, smallest=7.5)
    return size, clip(full, width, size, 2)[len(prefix) :] if note else ""
