"""A worksheet of an .xlsx read a slice of rows at a time, each slice typed by calamine as the
whole sheet's read types it.

Why: fastexcel (calamine) builds the whole sheet in memory before it hands over any row, even
for a window of rows: about 12x the file for a sheet of distinct comments, in the process that
checks an upload. Here the sheet's XML is streamed out of the zip and cut at row boundaries;
each slice becomes a small workbook of its own (the original workbook, relationships and
styles, so dates, number formats and the 1904 flag read the same) holding only the shared
strings its cells use, renumbered, and fastexcel reads that. The shared-string table is copied
item by item to a file beside the check's other files, and a slice's items are read back from
it; the <dimension> element and the table's counts are left out (calamine sizes its buffers
from them).

The slices line up with the whole read: calamine's range starts at the first row and column
holding a value, so every slice after the first carries a sentinel row just above its rows
(the last row read before it, with a number in the first and last column of the first slice's
range), dropped once read. Column types are the ones fastexcel guessed on the first slice (it
holds the 1,000 rows under the header the whole read guesses from), given to every later
slice. What cannot be lined up so (a later value outside the first slice's columns, rows
written out of order, no data rows in the first slice, calamine refusing a slice) raises
`Unlike`: that sheet is read whole.
"""

from __future__ import annotations

import gc
import io
import itertools
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
from fastexcel import FastExcelError
from openpyxl.utils import column_index_from_string, get_column_letter

from pmo_data.ingest.nondata import NS, REL, _rels

SLICE_BYTES = 1 << 20  # sheet XML per slice read (its text is copied ~3 times on the way)
# Rows the first slice holds at least: fastexcel guesses a column's type from the 1,000 rows
# under the header (its `schema_sample_rows`), the header within the first 50.
FIRST_ROWS = 1_100
_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # a namespace prefix, as some writers use (x:row)
SHEET_DATA = re.compile(rb"<(" + _P + rb")sheetData\b[^>]*?(/?)>")
WORKSHEET = re.compile(rb"<(" + _P + rb")worksheet\b[^>]*>")
SST_START = re.compile(rb"<(" + _P + rb")sst\b[^>]*>")
SST_COUNTS = re.compile(rb'\s(?:count|uniqueCount)="[^"]*"')
EMPTY_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)


_SERIAL = itertools.count()  # shared-string files in one folder get names of their own


class Unlike(Exception):
    """The sheet cannot be read in slices that match its whole read."""


def _listed(zf: zipfile.ZipFile) -> tuple[list, list]:
    """The workbook's sheets in order, (name, kind, part), and its relationships."""
    try:
        root = ET.fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, ET.ParseError) as exc:
        raise Unlike(f"no workbook part ({exc})") from None
    rels = _rels(zf, "xl/workbook.xml")
    targets = {rid: (kind, target) for rid, kind, target in rels}
    listed = [
        (el.get("name", ""), *targets.get(el.get(REL, ""), ("", "")))
        for el in root.findall("m:sheets/m:sheet", NS)
    ]
    return listed, rels


def worksheet_sizes(path: Path) -> dict[str, int] | None:
    """Each sheet's name and the size of its XML, in the workbook's order, when every sheet
    is a worksheet; else None."""
    try:
        with zipfile.ZipFile(path) as zf:
            listed, _ = _listed(zf)
            sizes = {name: zf.getinfo(part).file_size for name, _, part in listed}
    except (Unlike, zipfile.BadZipFile, OSError, KeyError):
        return None
    if not listed or any(kind != "worksheet" for _, kind, _ in listed) or len(sizes) != len(listed):
        return None
    return sizes


class Workbook:
    """The zip's parts a slice needs, and where the sheet read (its only worksheet, or the
    one named) and the shared strings are."""

    def __init__(self, path: Path, sheet: str | None = None):
        self.zf = zipfile.ZipFile(path)
        try:
            self._find(sheet)
        except BaseException:
            self.zf.close()
            raise

    def _find(self, sheet: str | None) -> None:
        listed, rels = _listed(self.zf)
        if sheet is None and len(listed) != 1:
            raise Unlike("not one sheet")
        chosen = [t for t in listed if sheet is None or t[0] == sheet]
        if len(chosen) != 1 or chosen[0][1] != "worksheet":
            raise Unlike("not one worksheet by that name")
        self.name, _, self.sheet_path = chosen[0]
        # the other sheets' parts, written empty in a slice's workbook (calamine finds every
        # sheet the workbook lists)
        self.others = [t for n, _, t in listed if n != self.name and t]
        strings = [t for _, kind, t in rels if kind == "sharedStrings"]
        self.strings_path = strings[0] if strings else None
        names = set(self.zf.namelist())
        if self.sheet_path not in names or "[Content_Types].xml" not in names:
            raise Unlike("a part is missing")
        small = [n for n in names if n not in (self.sheet_path, self.strings_path)]
        keep = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/")
        self.fixed = {
            n: self.zf.read(n)
            for n in small
            if n.startswith(keep) or n.endswith("styles.xml") or "/theme/" in n
        }
        for other in self.others:
            self.fixed[other] = EMPTY_SHEET

    def slice_book(self, sheet_xml: bytes, strings_xml: bytes | None) -> bytes:
        """A workbook of the fixed parts, this slice's sheet and its strings (stored, not
        compressed: it is read once, in memory)."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
            for name, data in self.fixed.items():
                z.writestr(name, data)
            z.writestr(self.sheet_path, sheet_xml)
            if self.strings_path and strings_xml is not None:
                z.writestr(self.strings_path, strings_xml)
        return out.getvalue()

    def close(self) -> None:
        self.zf.close()


class Strings:
    """The shared-string table's items as written (<si>...</si>), in a file; `table` builds a
    slice's table from some of them, in the order asked."""

    def __init__(self, book: Workbook, folder: Path):
        self.start, self.end = b"<sst>", b"</sst>"
        self.path = Path(folder) / f"shared-strings-{next(_SERIAL)}.bin"
        self.offsets = np.zeros(1, dtype=np.int64)  # where each item starts, and the end
        if book.strings_path is None or book.strings_path not in book.zf.namelist():
            return
        try:
            ends = self._copy(book)
        except BaseException:
            self.path.unlink(missing_ok=True)  # a refused table leaves nothing behind
            raise
        self.offsets = np.concatenate([self.offsets, *ends])
        self.fd = os.open(self.path, os.O_RDONLY)

    def _copy(self, book: Workbook) -> list:
        """Copy the items to the file; the offsets where each ends, a piece at a time."""
        ends: list[np.ndarray] = []
        at = 0
        with book.zf.open(book.strings_path) as src, self.path.open("wb") as sink:
            buf = b""
            close = None
            for piece in iter(lambda: src.read(1 << 20), b""):
                buf += piece
                if close is None:
                    m = SST_START.search(buf)
                    if m is None:
                        continue
                    self.start = SST_COUNTS.sub(b"", m.group(0))
                    self.end = b"</" + m.group(1) + b"sst>"
                    close = b"</" + m.group(1) + b"si>"
                    empty = re.compile(b"<" + re.escape(m.group(1)) + rb"si\b[^>]*/>")
                    buf = buf[m.end() :]
                if empty.search(buf):
                    raise Unlike("an empty shared string written as <si/>")
                # each item ends at its closing tag: the pieces between them are the items
                cut = buf.rfind(close)
                if cut < 0:
                    continue
                cut += len(close)
                items = buf[:cut].split(close)[:-1]
                lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
                ends.append(at + np.cumsum(lengths + len(close)))
                sink.write(buf[:cut])
                at += cut
                buf = buf[cut:]
        return ends

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def table(self, used: np.ndarray) -> bytes:
        """The table of items `used` (sorted, distinct), read a run of neighbours at a time."""
        pieces = [b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', self.start]
        if len(used):
            breaks = np.flatnonzero(np.diff(used) != 1) + 1
            for run in np.split(used, breaks):
                lo, hi = self.offsets[run[0]], self.offsets[run[-1] + 1]
                pieces.append(os.pread(self.fd, int(hi - lo), int(lo)))
        pieces.append(self.end)
        return b"".join(pieces)

    def close(self) -> None:
        if hasattr(self, "fd"):
            os.close(self.fd)
        self.path.unlink(missing_ok=True)


def _renumbered(xml: bytes, strings: Strings, tags: Tags) -> tuple[bytes, bytes | None]:
    """The slice's XML with its shared-string cells numbered into the slice's own table.
    Split around each cell's number (the text between stays as it is), so the numbers are
    swapped in bulk rather than by a call per cell."""
    pieces = tags.shared.split(xml)
    found = pieces[2::3]
    if len(found) != xml.count(b't="s"') or b"t='s'" in xml:
        raise Unlike("a shared-string cell written in an unexpected way")
    if not found:
        return xml, strings.table(np.empty(0, dtype=np.int64)) if len(strings) else None
    idx = np.array(found).astype(np.int64)
    used, inverse = np.unique(idx, return_inverse=True)
    if used[-1] >= len(strings):
        raise Unlike("a cell refers to a shared string that is not there")
    labels = [str(i).encode() for i in range(len(used))]
    pieces[2::3] = map(labels.__getitem__, inverse.tolist())
    return b"".join(pieces), strings.table(used)


class Tags:
    """The sheet's tags with the namespace prefix its writer used (most write none)."""

    def __init__(self, prefix: bytes):
        p = re.escape(prefix)
        self.prefix = prefix
        self.row = b"<" + prefix + b"row"
        self.row_start = re.compile(b"<" + p + rb"row[\s>/][^>]*>")
        self.row_number = re.compile(b"<" + p + rb'row\s[^>]*?\br="(\d+)"')
        self.end = b"</" + prefix + b"sheetData"
        self.cell = re.compile(b"<" + p + rb'c\b[^>]*?\br="([A-Z]{1,3})\d+"[^>]*?(/?)>')
        self.cell_tags = re.compile(b"<" + p + rb"c[\s>/]")
        # a shared-string cell's number, split out with the text before it (t="s" is found
        # by its literal text first: the scan is fast)
        self.shared = re.compile(rb'(t="s"[^>]*>\s*<' + p + rb"v>\s*)(\d+)")

    def _is_row(self, xml: bytes, at: int) -> bool:
        after = xml[at + len(self.row) : at + len(self.row) + 1]
        return after in (b" ", b">", b"/", b"\t", b"\n", b"\r")

    def row_start_after(self, xml: bytes, pos: int) -> int:
        """Where the first row that begins at or after `pos` begins (-1: none)."""
        while (at := xml.find(self.row, pos)) >= 0 and not self._is_row(xml, at):
            pos = at + 1
        return at

    def nth_row_start(self, xml: bytes, n: int) -> int:
        """Where the n-th row (from 0) begins (-1: fewer rows)."""
        at = -1
        for _ in range(n + 1):
            at = self.row_start_after(xml, at + 1)
            if at < 0:
                return -1
        return at


class SheetSlices:
    """The worksheet's XML cut into slices of whole rows (about `SLICE_BYTES` each)."""

    def __init__(self, book: Workbook, slice_bytes: int = SLICE_BYTES):
        self.book, self.slice_bytes = book, slice_bytes
        self.tags = Tags(b"")
        self.head = self.tail = b""

    def __iter__(self) -> Iterator[bytes]:
        """Each slice's rows (the XML between <sheetData> and </sheetData>, cut before a row)."""
        with self.book.zf.open(self.book.sheet_path) as src:
            buf = b""
            pieces = iter(lambda: src.read(1 << 20), b"")
            for piece in pieces:
                buf += piece
                m = SHEET_DATA.search(buf)
                if m:
                    break
            else:
                raise Unlike("no sheet data")
            if m.group(2):
                raise Unlike("no rows")
            w = WORKSHEET.search(buf, 0, m.start())
            if w is None:
                raise Unlike("no worksheet element")
            tags = self.tags = Tags(m.group(1))
            self.head = (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                + w.group(0)
                + b"<"
                + tags.prefix
                + b"sheetData>"
            )
            self.tail = b"</" + tags.prefix + b"sheetData></" + w.group(1) + b"worksheet>"
            buf = buf[m.end() :]
            seen = 0  # bytes of buf already looked at for the end of the rows
            ended, first = False, True
            while True:
                if not ended:
                    end = buf.find(tags.end, max(0, seen - len(tags.end)))
                    if end >= 0:
                        buf, ended = buf[:end], True
                while len(buf) > self.slice_bytes:
                    at = self.slice_bytes
                    if first:  # fastexcel guesses types from rows under the header
                        nth = tags.nth_row_start(buf, FIRST_ROWS)
                        if nth < 0:
                            break  # not that many rows yet: read on
                        at = max(at, nth)
                    cut = tags.row_start_after(buf, at)
                    if cut < 0:
                        break  # a row longer than a slice: read on to its end
                    yield buf[:cut]
                    buf = buf[cut:]
                    first = False
                seen = len(buf)
                if ended:
                    if buf.strip():
                        yield buf
                    return
                piece = next(pieces, None)
                if piece is None:
                    raise Unlike("the sheet's XML ends early")
                buf += piece


def _row_numbers(xml: bytes, tags: Tags) -> np.ndarray:
    """The slice's row numbers as written; `Unlike` unless every row says its number and the
    numbers rise (calamine places rows by number: a slice's range must start at its sentinel)."""
    heads = tags.row_start.findall(xml)
    numbers = tags.row_number.findall(xml)
    if len(numbers) != len(heads):
        raise Unlike("a row without its number")
    out = np.array(numbers).astype(np.int64) if numbers else np.empty(0, dtype=np.int64)
    if len(out) > 1 and (np.diff(out) <= 0).any():
        raise Unlike("rows written out of order")
    return out


def _calamine(book: Workbook, sheet_xml: bytes, strings: Strings, tags: Tags):
    """fastexcel's reader of a slice's own workbook (`Unlike` if calamine refuses it)."""
    import fastexcel

    part, table = _renumbered(sheet_xml, strings, tags)
    data = book.slice_book(part, table)
    del part, table
    try:
        return fastexcel.read_excel(data)
    except FastExcelError as exc:
        raise Unlike(f"calamine: {exc}") from None


def _columns(xml: bytes, tags: Tags) -> tuple[int, int] | None:
    """First and last column holding a cell that may hold a value (cells written empty,
    <c .../>, never do); every cell must say where it is."""
    refs = tags.cell.findall(xml)
    if len(refs) != len(tags.cell_tags.findall(xml)):
        raise Unlike("a cell without its reference")
    cols = {letters for letters, empty in refs if not empty}
    if not cols:
        return None
    idx = [column_index_from_string(c.decode()) - 1 for c in cols]
    return min(idx), max(idx)


class SlicedSheet:
    """The sheet's data rows a slice at a time (`frames`); `estimated_rows` (the sheet's rows,
    from the first slice's bytes per row) once the first slice is read."""

    def __init__(
        self, path: Path, folder: Path, sheet: str | None = None, slice_bytes: int | None = None
    ):
        self.path, self.folder, self.sheet = Path(path), Path(folder), sheet
        self.slice_bytes = slice_bytes or SLICE_BYTES
        self.estimated_rows: int | None = None

    def frames(self, load_first) -> Iterator[pd.DataFrame]:
        """The rows after the header as the whole read's frame holds them (positional
        columns). `load_first(reader, name)` reads the first slice's workbook the way the
        whole read reads the whole (it locates the header) and returns the fastexcel sheet of
        its data rows and how many sheet rows that skipped."""
        try:
            book = Workbook(self.path, self.sheet)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise Unlike(f"the workbook could not be opened ({exc})") from None
        strings = None
        try:
            strings = Strings(book, self.folder)
            slices = SheetSlices(book, self.slice_bytes)
            size = book.zf.getinfo(book.sheet_path).file_size
            dtypes = span = None
            untyped = False
            last = 0  # the last sheet row read so far (the next slice's range starts there)
            for xml in slices:
                numbers = _row_numbers(xml, slices.tags)
                if span is None:
                    self.estimated_rows = int(size / max(len(xml), 1) * len(numbers))
                    cols = _columns(xml, slices.tags)
                    if cols is None:
                        raise Unlike("no values in the first rows")
                    reader = _calamine(book, slices.head + xml + slices.tail, strings, slices.tags)
                    try:
                        sheet, skipped = load_first(reader, book.name)
                        frame = sheet.to_pandas()
                    except FastExcelError as exc:
                        raise Unlike(f"calamine: {exc}") from None
                    untyped = not len(frame)  # fastexcel types its columns "null": fine alone
                    if frame.shape[1] != cols[1] - cols[0] + 1:
                        raise Unlike("the first rows' columns are not where they seem")
                    dtypes = {c.name: c.dtype for c in sheet.selected_columns}
                    del sheet, reader
                    gc.collect(1)  # fastexcel's reader and sheet hold each other: free them now
                    span = cols
                    last = skipped + len(frame)  # the range's last row, as calamine saw it
                    yield frame
                    continue
                if untyped:  # ... but not for the rows of later slices
                    raise Unlike("no data rows in the first rows")
                if not len(numbers) or numbers[0] <= last:
                    raise Unlike("rows written out of order")
                a, b = (get_column_letter(c + 1) for c in span)
                p = slices.tags.prefix.decode()
                sentinel = (
                    f'<{p}row r="{last}"><{p}c r="{a}{last}"><{p}v>0</{p}v></{p}c>'
                    f'<{p}c r="{b}{last}"><{p}v>0</{p}v></{p}c></{p}row>'
                ).encode()
                reader = _calamine(
                    book, slices.head + sentinel + xml + slices.tail, strings, slices.tags
                )
                # the sentinel row is the range's first: dropped here, not skipped by
                # fastexcel (its `skip_rows` costs ~340 bytes a skipped row, 680 MB at 2M)
                try:
                    sheet = reader.load_sheet(
                        book.name, header_row=None, dtypes=dtypes, dtype_coercion="coerce"
                    )
                    frame = sheet.to_pandas().iloc[1:].reset_index(drop=True)
                except FastExcelError as exc:
                    raise Unlike(f"calamine: {exc}") from None
                del sheet, reader
                gc.collect(1)  # (a slice's cells, about a megabyte, would wait for a full pass)
                if frame.shape[1] != len(dtypes):
                    raise Unlike("a later row has a value outside the first rows' columns")
                last += len(frame)  # the range ends at the slice's last row holding a value
                yield frame
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a damaged part: the whole
            raise Unlike(f"the sheet's part could not be read ({exc})") from None  # read says
        finally:
            if strings is not None:
                strings.close()
            book.close()
