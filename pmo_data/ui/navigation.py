"""The pages of the app, declared once as data: the router builds `st.navigation` from it,
and tests and benchmarks iterate over it, so a new page is covered everywhere by adding one
line here."""

from __future__ import annotations

# section -> [(page name (file views/<name>.py, URL /<name>), title, material icon)]
SECTIONS: dict[str, list[tuple[str, str, str]]] = {
    "Overview": [("overview", "Overview", "dashboard")],
    "Portfolio & value": [
        ("portfolio", "Portfolio", "view_timeline"),
        ("prioritisation", "Prioritisation", "sort"),
        ("savings", "Savings & benefits", "savings"),
    ],
    "Customers & feedback": [
        ("customers", "Customers", "groups"),
        ("feedback", "Feedback", "reviews"),
    ],
    "PMO services": [
        ("services", "Services", "menu_book"),
        ("maturity", "Maturity journey", "stairs"),
    ],
    "Data": [("data", "Data", "database")],
}
PAGE_NAMES: list[str] = [name for pages in SECTIONS.values() for name, _, _ in pages]
DEFAULT_PAGE = "overview"
# Pages only for those who may change the access table (admins, PMO analysts; local mode:
# the PMO analyst and executive views), added to the Data section.
ADMIN_PAGES: list[tuple[str, str, str]] = [("access", "Access", "admin_panel_settings")]


def page_path(name: str) -> str:
    """The script of page `name`, for `st.page_link` / `st.switch_page` (never written by hand)."""
    known = PAGE_NAMES + [n for n, _, _ in ADMIN_PAGES]
    if name not in known:
        raise KeyError(f"no page {name!r}; pages: {', '.join(known)}")
    return f"views/{name}.py"


def navigation(admin: bool = False):
    """`st.navigation` over SECTIONS (Streamlit imported here: this is the UI layer).

    The menu itself is drawn by `menu()` as plain links: Streamlit's own sectioned sidebar
    menu puts its items outside a proper list, which screen readers announce wrongly (axe
    rules `list` and `listitem`, serious)."""
    import streamlit as st

    sections = {k: list(v) for k, v in SECTIONS.items()}
    if admin:
        sections["Data"] += ADMIN_PAGES
    pages = {
        section: [
            st.Page(
                page_path(name),
                title=title,
                icon=f":material/{icon}:",
                default=name == DEFAULT_PAGE,
            )
            for name, title, icon in pages
        ]
        for section, pages in sections.items()
    }
    pg = st.navigation(pages, position="hidden")
    menu(pages)
    return pg


def menu(pages: dict) -> None:
    """The page menu at the top of the sidebar: a small heading per section, a link per page
    (keyboard reachable, the current page highlighted)."""
    import streamlit as st

    from pmo_data.escaping import md

    with st.sidebar.container(key="page_menu"):
        for section, items in pages.items():
            st.caption(f"**{md(section)}**")
            for page in items:
                st.page_link(page)
