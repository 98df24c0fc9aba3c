"""Shared by the tests that compare two import plans (in a child, part by part, whole)."""

from __future__ import annotations

import pandas as pd


def plain(frame: pd.DataFrame, reset_index: bool = False) -> pd.DataFrame:
    """Text as Python objects: a plan checked part by part (`ingest.streamed`) holds the text
    columns that were objects (`extra`, `_file`, `_sheet`, the issues') as mapped Arrow text."""
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object or isinstance(out[c].dtype, pd.StringDtype):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out.reset_index(drop=True) if reset_index else out


def thin_slices(monkeypatch) -> list:
    """Workbooks read in slices of ~30 KB (a dozen or more a sheet); returns the list that
    records the sheet of every slice read (`xlsx_parts.Workbook.slice_book`)."""
    from pmo_data.ingest import xlsx_parts

    monkeypatch.setattr(xlsx_parts, "SLICE_BYTES", 30_000)
    books: list = []
    slice_book = xlsx_parts.Workbook.slice_book

    def counted(self, *a):
        books.append(self.name)
        return slice_book(self, *a)

    monkeypatch.setattr(xlsx_parts.Workbook, "slice_book", counted)
    return books
