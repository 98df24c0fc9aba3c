"""PMO Value Hub entrypoint: page config, shared sidebar, navigation. Nothing else.

Run with `streamlit run dashboard.py`. The store is PMO_DB (default data/pmo.duckdb); a brand
new store is filled with demo data on first start (set PMO_NO_DEMO=1 to start empty).
"""

import streamlit as st

from pmo_data.ui import demo_banner, get_store, sidebar, store_version

st.set_page_config(
    page_title="PMO Value Hub",
    page_icon=":material/hub:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = {
    "Overview": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    ],
    "Portfolio & value": [
        st.Page("pages/portfolio.py", title="Portfolio", icon=":material/view_timeline:"),
        st.Page("pages/prioritisation.py", title="Prioritisation", icon=":material/sort:"),
        st.Page("pages/savings.py", title="Savings & benefits", icon=":material/savings:"),
    ],
    "Customers & feedback": [
        st.Page("pages/customers.py", title="Customers", icon=":material/groups:"),
        st.Page("pages/feedback.py", title="Feedback", icon=":material/reviews:"),
    ],
    "PMO services": [
        st.Page("pages/services.py", title="Services", icon=":material/menu_book:"),
        st.Page("pages/maturity.py", title="Maturity journey", icon=":material/stairs:"),
    ],
    "Data": [
        st.Page("pages/data.py", title="Data", icon=":material/database:"),
    ],
}

pg = st.navigation(PAGES)
store = get_store()
viewer, filters = sidebar()
with st.sidebar:
    version = store_version()
    info = store.version_info(version) if version else None
    if info:
        when = info["created_at"].strftime("%d %b %Y %H:%M")
        st.caption(
            f":material/history: Store version **{version}** · {info['action']} · {when}  \n"
            f"Currency {store.currency} · {viewer.identity} (local mode: switch views freely)"
        )
    else:
        st.caption(":material/inbox: The store is empty: upload data on the Data page.")
demo_banner()
pg.run()
