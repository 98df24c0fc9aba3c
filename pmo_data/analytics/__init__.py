"""The models behind the pages, grouped by domain. No Streamlit."""
