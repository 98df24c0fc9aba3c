"""PMO Value Hub: the domain package (importable and testable without Streamlit)."""

__version__ = "0.1.0"
