"""PMO Value Hub entrypoint: page config, sign-in, shared sidebar, navigation. Nothing else.

Run with `streamlit run dashboard.py`. The store is PMO_DB (default data/pmo.duckdb); a brand
new store is filled with demo data on first start (set PMO_NO_DEMO=1 to start empty). With
`[auth]` in `.streamlit/secrets.toml` nothing but a sign-in page shows until someone signs in.
"""

import streamlit as st

from pmo_data.store.access import may
from pmo_data.ui import demo_banner, get_store, sidebar, store_version
from pmo_data.ui.navigation import navigation
from pmo_data.ui.sidebar import view_banners

st.set_page_config(
    page_title="PMO Value Hub",
    page_icon=":material/hub:",
    layout="wide",
    initial_sidebar_state="expanded",
)

store = get_store()
viewer, filters = sidebar()
pg = navigation(admin=may(viewer, "access"))
with st.sidebar:
    version = store_version()
    info = store.version_info(version) if version else None
    if info:
        when = info["created_at"].strftime("%d %b %Y %H:%M")
        st.caption(
            f":material/history: Store version **{version}** · {info['action']} · {when}  \n"
            f"Currency {store.currency}"
            + ("" if viewer.signed_in else " · local mode: one local user, switch views freely")
        )
    else:
        st.caption(":material/inbox: The store is empty: upload data on the Data page.")
view_banners(viewer)
demo_banner()
pg.run()
