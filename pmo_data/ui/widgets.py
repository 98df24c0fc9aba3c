"""Shared widgets: page header, KPI cards, chart with caption, downloads, empty states."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

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


def kpi_row(kpis: Iterable[Kpi], per_row: int = 4) -> None:
    kpis = list(kpis)
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


def chart(fig, caption: str, key: str | None = None) -> None:
    """Every chart carries a one-line caption saying what it shows and how it is computed."""
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})
    st.caption(caption)


def excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A styled workbook (bold frozen header, sensible widths) from named frames."""
    from openpyxl.styles import Font, PatternFill

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            sheet = name[:31]
            out = df.copy()
            for c in out.columns:
                if isinstance(out[c].dtype, pd.DatetimeTZDtype):
                    out[c] = out[c].dt.tz_localize(None)
            out.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True, color="FFFFFF")
                cell.fill = PatternFill("solid", fgColor="1F6FEB")
            for i, c in enumerate(out.columns, start=1):
                width = min(
                    60,
                    max(
                        10,
                        len(str(c)) + 2,
                        int(out[c].astype("string").fillna("").str.len().quantile(0.9)) + 2
                        if len(out)
                        else 10,
                    ),
                )
                ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    return buf.getvalue()


def download_excel(
    label: str, sheets: dict[str, pd.DataFrame], file_name: str, key: str | None = None
) -> None:
    """The workbook is built only when the user clicks (a callable), so a large table does not
    cost an Excel export on every rerun."""
    st.download_button(
        label,
        data=lambda: excel_bytes(sheets),
        file_name=file_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=key,
    )


def require_data(*entities: str) -> None:
    """Stop the page with a friendly note when the entities it needs are empty."""
    counts = get_store().counts()
    missing = [e for e in entities if not counts.get(e)]
    if missing:
        st.info(
            f"There is no {', '.join(missing)} data yet. Upload your exports (or the template, "
            "filled in) on the **Data** page to see this view.",
            icon=":material/upload_file:",
        )
        st.page_link(page_path("data"), label="Go to the Data page", icon=":material/upload:")
        st.stop()


def small_sample_note(n: int, threshold: int = SMALL_N) -> None:
    if 0 < n < threshold:
        st.warning(
            f"Only {n} responses in this view: treat the rates as indicative.",
            icon=":material/warning:",
        )
