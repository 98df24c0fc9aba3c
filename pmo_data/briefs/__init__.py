"""Board packs and role briefs: the dashboard's story as a PowerPoint or a PDF.

    content = packs.build(store, viewer, filters)      # the same models the pages call
    data = briefs.document(content, "pptx")            # charts drawn once, then written

`content` (what a brief says), `slides` (one function per slide, from the analytics models),
`packs` (which slides per stakeholder group), `layout` (where things sit, shared by both
writers), `images` (plotly figures to PNG through kaleido and Chromium), `powerpoint` and
`pdf` (the writers), `style` (organisation name and colour).
"""

from __future__ import annotations

from dataclasses import dataclass

from pmo_data.briefs import images, layout, packs, pdf, powerpoint
from pmo_data.briefs.content import Brief, Chart
from pmo_data.briefs.style import Style
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters
from pmo_data.store.versions import Store

FORMATS = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}


@dataclass
class Rendered:
    """A brief's chart images by id(chart), or why there are none."""

    images: dict[int, bytes]
    missing: str = ""


def charts_of(brief: Brief) -> list[tuple[Chart, layout.Box]]:
    """Every chart in the brief with the box its picture fills."""
    out = []
    for s in brief.slides:
        for b, box in zip(s.blocks, layout.block_boxes(s), strict=True):
            if isinstance(b, Chart):
                out.append((b, layout.chart_box(b, box)))
    return out


def render(brief: Brief) -> Rendered:
    """Draw every chart at its box's size in one browser session (or say why not)."""
    return render_all([brief])[0]


def render_all(contents: list[Brief]) -> list[Rendered]:
    """`render` for several briefs with one browser (a monthly run of every group's brief)."""
    todo = [(i, c, box) for i, b in enumerate(contents) for c, box in charts_of(b)]
    try:
        pngs = images.render([(c.figure, *layout.chart_pixels(box)) for _, c, box in todo])
    except images.ChartsUnavailable as exc:
        return [Rendered({}, str(exc)) for _ in contents]
    out = [Rendered({}) for _ in contents]
    for (i, c, _), png in zip(todo, pngs, strict=True):
        out[i].images[id(c)] = png
    return out


def write(brief: Brief, fmt: str, rendered: Rendered | None = None) -> bytes:
    """The brief as `fmt` ("pptx" or "pdf") bytes; charts drawn now unless `rendered` is given."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown brief format {fmt!r}; one of {sorted(FORMATS)}")
    rendered = rendered or render(brief)
    writer = powerpoint if fmt == "pptx" else pdf
    return writer.write(brief, rendered.images, rendered.missing)


def document(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    fmt: str = "pptx",
    style: Style | None = None,
) -> bytes:
    """Build and write the viewer's brief in one call (the Overview's download button)."""
    return write(packs.build(store, viewer, filters, style=style), fmt)


__all__ = ["FORMATS", "Brief", "Rendered", "charts_of", "document", "render", "render_all", "write"]
