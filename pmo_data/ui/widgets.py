"""Shared widgets: page header, KPI cards, chart with caption, downloads, empty states."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from pmo_data import exports
from pmo_data.charts.margins import fit_margins
from pmo_data.escaping import escape_figure, md
from pmo_data.measures import SMALL_N
from pmo_data.ui.context import get_store, is_demo
from pmo_data.ui.navigation import page_path


@dataclass(frozen=True)
class Kpi:
    """One KPI card: a label, a formatted value, an optional delta and a help line."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    delta_color: str = "normal"  # "normal": up is good; "inverse": up is bad; "off"


def page_header(title: str, caption: str) -> None:
    """Title plus a one-line explanation of what the page answers."""
    st.title(title)
    st.caption(caption)


def demo_banner() -> None:
    """Say plainly when the numbers are the bundled demo data, and how to replace them."""
    if is_demo():
        st.info(
            "You are looking at **demo data**: a fictional PMO with 750 projects and 600 "
            "customers. Upload your own exports on the **Data** page to replace it.",
            icon=":material/science:",
        )


def kpi_row(kpis: Iterable[Kpi], per_row: int | None = None) -> None:
    """Metric cards, at most four a row (five or six go three a row) so that labels such as
    "Budget aligned to strategy" and values such as "£156.1M" fit a card at 1280 px."""
    kpis = list(kpis)
    per_row = per_row or (len(kpis) if len(kpis) <= 4 else 3)
    for start in range(0, len(kpis), per_row):
        cols = st.columns(per_row)
        for col, k in zip(cols, kpis[start : start + per_row], strict=False):
            col.metric(
                k.label, k.value, k.delta, help=k.help, delta_color=k.delta_color, border=True
            )


def money_column(label: str):
    """A table column of whole amounts in the store's currency (£1,234,567)."""
    from pmo_data.formatting import SYMBOLS

    return st.column_config.NumberColumn(
        label, format=f"{SYMBOLS.get(get_store().currency, '')}%,.0f"
    )


_BUILDERS: dict[str, Callable] = {}


@st.cache_resource(show_spinner=False, max_entries=512)
def _built(name: str, args: tuple, kwargs: tuple):
    fig = escape_figure(fit_margins(_BUILDERS[name](*args, **dict(kwargs))))
    fig._pmo_escaped = True  # chart() must not escape it twice
    return fig


def figure(builder: Callable, *args: Any, **kwargs: Any):
    """`builder(*args, **kwargs)` (a `pmo_data.charts` function: data in, figure out, nothing
    else read), built once per distinct input and shared by every rerun and session.

    Building a Plotly figure validates every property in Python: on a warm page that was
    about half of the server's time. The figure is escaped here, once; callers must not
    change it (it is shared)."""
    name = f"{builder.__module__}.{builder.__qualname__}"
    _BUILDERS[name] = builder
    try:
        return _built(name, args, tuple(sorted(kwargs.items())))
    except st.errors.UnhashableParamError:  # an input Streamlit cannot hash: build it each time
        return builder(*args, **kwargs)


def lazy_tabs(labels: list[str], key: str) -> list:
    """Tabs whose hidden content is not computed: the page runs (and the browser draws) only
    the open tab; a click on another reruns the page with that one open. Use as
    `for tab in lazy_tabs(...): with tab: if tab.open: ...`."""
    return st.tabs(labels, key=key, on_change="rerun")


def lazy_expander(label: str, key: str, draw: Callable[[], object]) -> None:
    """An expander whose content is computed and drawn only while it is open (opening it
    reruns the page)."""
    box = st.expander(label, key=key, on_change="rerun")
    with box:
        if box.open:
            draw()


def lazy_sections(
    key: str, sections: dict[str, Callable[[], object]], *, closed: bool = False
) -> None:
    """A tab per section ({label: draw}); only the open tab's `draw()` runs.

    `closed`: a row of choices with none chosen, so the page opens without drawing any of
    them (for the closer looks under a page's main content: in the browser each chart is most
    of what a page switch costs). The chosen label sits in `st.session_state[key]`, as a
    tab's does. A widget inside a section takes `**kept(its key)` (`pmo_data.ui.kept`): only
    the open section is drawn, and Streamlit forgets the value of a widget it does not draw."""
    if closed:
        chosen = st.pills(
            "Open a closer look", list(sections), key=key, label_visibility="collapsed"
        )
        if chosen in sections:
            sections[chosen]()
        return
    for tab, draw in zip(lazy_tabs(list(sections), key), sections.values(), strict=True):
        with tab:
            if tab.open:
                draw()


def chart(fig, caption: str, key: str | None = None) -> None:
    """Every chart carries a one-line caption saying what it shows and how it is computed.

    Data text in the figure is escaped first (unless `figure()` did): Plotly would draw
    `<a href>` in a label as a link."""
    if not getattr(fig, "_pmo_escaped", False):
        fig = escape_figure(fit_margins(fig))
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})
    st.caption(caption)


def download_excel(
    label: str, sheets: dict[str, pd.DataFrame], file_name: str, key: str | None = None
) -> None:
    """The workbook (formula-safe, `pmo_data.exports`) is built only when the user clicks (a
    callable), so a large table does not cost an Excel export on every rerun."""
    st.download_button(
        label,
        data=lambda: exports.excel_bytes(sheets),
        file_name=file_name,
        mime=exports.XLSX_MIME,
        icon=":material/download:",
        key=key,
        on_click="ignore",  # a download needs no rerun (a rerun drops pending exports)
    )


def download_csv(label: str, df: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A formula-safe CSV of one table, built on click."""
    st.download_button(
        label,
        data=lambda: exports.csv_bytes(df),
        file_name=file_name,
        mime=exports.CSV_MIME,
        icon=":material/download:",
        key=key,
        on_click="ignore",  # a download needs no rerun (a rerun drops pending exports)
    )


def require_data(*entities: str) -> None:
    """Stop the page with a friendly note when the entities it needs are empty."""
    counts = get_store().counts()
    missing = [e for e in entities if not counts.get(e)]
    if missing:
        st.info(
            f"There is no {md(', '.join(missing))} data yet. Upload your exports (or the template, "
            "filled in) on the **Data** page to see this view.",
            icon=":material/upload_file:",
        )
        st.page_link(page_path("data"), label="Go to the Data page", icon=":material/upload:")
        st.stop()


def small_sample_note(n: int, threshold: int = SMALL_N) -> None:
    if 0 < n < threshold:
        st.warning(
            f"Only {n:,} responses in this view: treat the rates as indicative.",
            icon=":material/warning:",
        )
