"""Customers page (being built: see the open issue)."""

import streamlit as st

from pmo_data import ui

ui.page_header("Customers", "This page is being built.")
st.info("Coming soon.")
