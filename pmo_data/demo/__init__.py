"""Deterministic demo data at the reference scale."""
