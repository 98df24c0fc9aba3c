"""Data: upload the monthly exports, review the mapping and issues, import, history."""

import streamlit as st

from pmo_data import ui
from pmo_data.store.access import may
from pmo_data.ui.sections.audit import audit_section
from pmo_data.ui.sections.data_history import history_section, template_section
from pmo_data.ui.sections.data_upload import upload_section

viewer = ui.current_viewer()

ui.page_header(
    "Data",
    "Upload exports, check them, import them as a new version; compare and roll back versions.",
)
if flash := st.session_state.pop("data_flash", None):  # markdown, its data already escaped
    st.success(flash, icon=":material/check_circle:")

store = ui.get_store()
if store.is_empty() and may(viewer, "import"):
    st.info(
        "**The store is empty.** Start by downloading the import template below, or upload "
        "your own exports as they are: the importer recognises projects, customers, feedback, "
        "services, actions and savings by their headers.",
        icon=":material/waving_hand:",
    )

if may(viewer, "import"):
    upload_section()
else:
    st.info(
        "Importing, rolling back and clearing are for PMO analysts and admins"
        + ("." if viewer.signed_in else " (local mode: the PMO analyst or executive view).")
        + " Below: when the data changed, and what changed in your rows.",
        icon=":material/lock:",
    )
st.divider()
history_section(viewer)
st.divider()
template_section(viewer)
if may(viewer, "import"):
    st.divider()
    audit_section()
