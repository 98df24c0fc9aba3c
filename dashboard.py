"""PMO Value Hub entrypoint: page config, sign-in, shared sidebar, navigation. Nothing else.

Run with `streamlit run dashboard.py`. The store is PMO_DB (default data/pmo.duckdb); a brand
new store is filled with demo data on first start (set PMO_NO_DEMO=1 to start empty). With
`[auth]` in `.streamlit/secrets.toml` nothing but a sign-in page shows until someone signs in.
"""

import streamlit as st

from pmo_data.escaping import md
from pmo_data.store.access import may
from pmo_data.ui import demo_banner, sidebar
from pmo_data.ui.context import begin_run, store_failures
from pmo_data.ui.freshness import sidebar_ages, stale_banner
from pmo_data.ui.navigation import navigation
from pmo_data.ui.sidebar import view_banners

st.set_page_config(
    page_title="PMO Value Hub",
    page_icon=":material/hub:",
    layout="wide",
    initial_sidebar_state="expanded",
)

store = begin_run()  # catch up with imports made elsewhere; this run reads one version
viewer, filters = sidebar()
pg = navigation(admin=may(viewer, "access"))
with st.sidebar:
    version = store.current_version()
    info = store.version_info(version) if version else None
    if info:
        st.caption(
            f":material/history: Store version **{version:d}** · {md(info['action'])} · "
            f"{info['created_at']:%d %b %Y %H:%M}  \n"
            f"Currency {md(store.currency)} · {md(store.kind_label)}"
            + ("" if viewer.signed_in else " · local mode: one local user, switch views freely")
        )
    else:
        st.caption(":material/inbox: The store is empty: upload data on the Data page.")
    sidebar_ages()
view_banners(viewer)
demo_banner()
with store_failures():
    stale_banner(pg.url_path)
    pg.run()
