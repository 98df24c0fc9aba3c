"""The only Streamlit-aware part of the package: connection, caching, sidebar, widgets."""

from pmo_data.escaping import md
from pmo_data.ui.context import clear_caches, get_store, is_demo, run, shared, store_version
from pmo_data.ui.sidebar import current_filters, current_viewer, sidebar
from pmo_data.ui.widgets import (
    Kpi,
    chart,
    demo_banner,
    download_csv,
    download_excel,
    figure,
    kpi_row,
    lazy_expander,
    lazy_sections,
    lazy_tabs,
    page_header,
    require_data,
    small_sample_note,
)

__all__ = [
    "Kpi",
    "chart",
    "clear_caches",
    "current_filters",
    "current_viewer",
    "demo_banner",
    "download_csv",
    "download_excel",
    "figure",
    "get_store",
    "is_demo",
    "kpi_row",
    "lazy_expander",
    "lazy_sections",
    "lazy_tabs",
    "md",
    "page_header",
    "require_data",
    "run",
    "shared",
    "sidebar",
    "small_sample_note",
    "store_version",
]
