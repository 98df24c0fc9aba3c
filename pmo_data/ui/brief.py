"""The Overview's "Download brief": the current view as a PowerPoint or a PDF.

The brief is built only when a button is clicked (Streamlit runs the callable then, outside
the page's run), for the same viewer and filters as the page, so it names nothing the page
may not show. The content and chart images of the last few views are kept, keyed by the store
version, so the PDF after the PowerPoint (or a second click) costs only the writing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date

import streamlit as st

from pmo_data import briefs
from pmo_data.briefs import packs
from pmo_data.escaping import md
from pmo_data.formatting import number
from pmo_data.store.access import Viewer
from pmo_data.store.scope import Filters
from pmo_data.ui.context import get_store

KEEP = 4  # views whose content and images are kept
_DONE: OrderedDict[tuple, tuple] = OrderedDict()
_LOCK = threading.Lock()
LABELS = {"pptx": "PowerPoint", "pdf": "PDF"}


def _content(store, viewer: Viewer, filters: Filters) -> tuple:
    key = (store.path, store.current_version(), store.generation, viewer, filters, date.today())
    with _LOCK:
        if key in _DONE:
            _DONE.move_to_end(key)
            return _DONE[key]
    brief = packs.build(store, viewer, filters)
    done = (brief, briefs.render(brief))
    with _LOCK:
        _DONE[key] = done
        while len(_DONE) > KEEP:
            _DONE.popitem(last=False)
    return done


def _file(store, viewer: Viewer, filters: Filters, fmt: str) -> bytes:
    brief, rendered = _content(store, viewer, filters)
    return briefs.write(brief, fmt, rendered)


def download_brief(viewer: Viewer, filters: Filters) -> None:
    """A popover with the two downloads for this view."""
    store = get_store()
    version = store.current_version()
    stem = f"pmo-{'board-pack' if viewer.group == 'executive' else 'brief'}-{viewer.group}"
    if viewer.person:
        stem += "-" + "".join(c if c.isalnum() else "-" for c in viewer.person.lower())
    stem += f"-v{version}-{date.today():%Y-%m-%d}"
    with st.popover("Download brief", icon=":material/slideshow:"):
        st.caption(
            f"{'The board pack' if viewer.group == 'executive' else 'A brief'} for this view "
            f"({md(viewer.label)}, with its filters) at store version {number(version)}: the "
            "numbers, charts and lists of the pages, as slides. Built when you click: allow "
            "half a minute."
        )
        for fmt, label in LABELS.items():
            st.download_button(
                label,
                data=lambda fmt=fmt: _file(store, viewer, filters, fmt),
                file_name=f"{stem}.{fmt}",
                mime=briefs.FORMATS[fmt],
                icon=":material/download:",
                key=f"ov_brief_{fmt}",
                on_click="ignore",
            )
