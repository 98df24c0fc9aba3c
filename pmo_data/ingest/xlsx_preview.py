"""An openpyxl read-only workbook whose shared strings are read only as far as the preview asks.

Why: files saved by Excel (and most tools) keep each distinct text once, in xl/sharedStrings.xml,
and openpyxl parses that whole table when a workbook opens, in Python: 3.8 s for a sheet of
200,000 distinct comments, ten times fastexcel's read of the whole sheet, before the first
preview row. The preview reads ~50 rows, whose texts are the table's first entries (writers
number strings as they first meet them); here the table is parsed up to the highest entry
asked for, with openpyxl's own rules for each entry, so every value is the one it would give.
"""

from __future__ import annotations

import io


class LazyStrings:
    """openpyxl's shared-string list, parsed entry by entry as indices are asked for."""

    def __init__(self, archive, path: str):
        from openpyxl.xml.functions import iterparse

        self._src = archive.open(path)
        self._events = iterparse(self._src)
        self._items: list[str] = []
        self._done = False

    def _more(self) -> bool:
        from openpyxl.cell.text import Text
        from openpyxl.xml.constants import SHEET_MAIN_NS

        tag = f"{{{SHEET_MAIN_NS}}}si"
        for _, node in self._events:
            if node.tag == tag:  # as openpyxl.reader.strings.read_string_table
                self._items.append(Text.from_tree(node).content.replace("x005F_", ""))
                node.clear()
                return True
        self.close()
        return False

    def _all(self) -> list[str]:
        while not self._done and self._more():
            pass
        return self._items

    def __getitem__(self, i):
        if isinstance(i, int) and i >= 0:
            while i >= len(self._items) and not self._done and self._more():
                pass
            return self._items[i]
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self):
        return iter(self._all())

    def close(self) -> None:
        if not self._done:
            self._done = True
            self._src.close()


def open_workbook(data):
    """openpyxl.load_workbook(read_only=True, data_only=True) with lazy shared strings; close
    it with `close`."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    class _Reader(ExcelReader):
        def read_strings(self):
            ct = self.package.find(SHARED_STRINGS)
            if ct is not None and not self.rich_text:
                self.shared_strings = LazyStrings(self.archive, ct.PartName[1:])
            else:
                super().read_strings()

    # a file on disk is handed over open: openpyxl refuses a name without .xlsx (uploads are
    # saved under names of their own)
    source = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else open(data, "rb")  # noqa: SIM115
    try:
        reader = _Reader(source, read_only=True, data_only=True)
        reader.read()
    except Exception:
        source.close()
        raise
    reader.wb._pmo_source = source
    return reader.wb, reader.shared_strings


def close(wb, strings) -> None:
    if isinstance(strings, LazyStrings):
        strings.close()
    wb.close()
    wb._pmo_source.close()
