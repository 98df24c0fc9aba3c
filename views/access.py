"""Access: who may see which view (admins, PMO analysts; local mode: PMO analyst and executive
views). Add, change or remove rows, import a sheet, download; every change is versioned and in
the audit log."""

import streamlit as st

from pmo_data import ui
from pmo_data.store.access import may
from pmo_data.ui.sections import access as sec

viewer = ui.current_viewer()
ui.page_header(
    "Access",
    "Who sees which view: each row gives an email a stakeholder group and, for sponsors, "
    "project managers, account leads and service owners, their name as it appears in the "
    "data. Nobody sees more than their rows grant.",
)
if not may(viewer, "access"):
    st.info("Only admins and PMO analysts maintain the access table.", icon=":material/lock:")
    st.stop()
if not viewer.signed_in:
    st.info(
        "Local mode: sign-in is not configured, so this table is not enforced yet. It decides "
        "what everyone sees once `[auth]` is set in `.streamlit/secrets.toml` (see the README).",
        icon=":material/info:",
    )
sec.flash()
sec.table_section()
sec.add_section(viewer)
sec.edit_section(viewer)
sec.import_section(viewer)
sec.download_section()
sec.history_section()
