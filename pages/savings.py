"""Savings page (being built: see the open issue)."""

import streamlit as st

from pmo_data import ui

ui.page_header("Savings", "This page is being built.")
st.info("Coming soon.")
