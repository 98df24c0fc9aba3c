"""Maturity page (being built: see the open issue)."""

import streamlit as st

from pmo_data import ui

ui.page_header("Maturity", "This page is being built.")
st.info("Coming soon.")
