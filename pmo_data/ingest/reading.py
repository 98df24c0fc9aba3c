"""Files -> tidy sheets: real format sniffed, header row found, row numbers as in Excel.

Spreadsheets are read with fastexcel (calamine, Rust) into typed columns: fast at a million
rows. Only the first rows are inspected cell by cell to find the header. CSV is sniffed for
encoding (UTF-8 with or without BOM, cp1252) and delimiter, and kept as text so the value
parsers decide types. Anything unreadable is a `ReadError` with one clear sentence.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from openpyxl.utils import get_column_letter

from pmo_data.ingest import nondata, signatures, xlsx_parts, xlsx_preview
from pmo_data.ingest.values import repair_mojibake

# Arrow buffers (pandas' text columns, the parsers' work) from the C library's allocator:
# pyarrow's default (mimalloc) keeps freed pages for reuse, which left the server ~2x the file
# larger after checking a large upload; glibc hands large blocks back to the system at once
# (benchmarks/bench_upload_memory.py measures both).
pa.set_memory_pool(pa.system_memory_pool())

MAX_FILE_BYTES = 200 * 1024**2
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
MAX_COMPRESSION_RATIO = 200
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # Office Open XML: read in slices when large
SLICED_BYTES = 4 * 1024**2  # workbooks on disk this large are read in slices (`xlsx_parts`)
PREVIEW_ROWS = 30
_TOTAL = re.compile(r"^\s*(grand\s+)?(sub)?totals?\b|^\s*sum\s*$", re.I)


class ReadError(Exception):
    """A file we cannot read. str(e) is one clear sentence naming the file and what to do."""

    def __init__(self, file: str, message: str, hint: str = "", sheet: str | None = None):
        self.file, self.sheet, self.hint = file, sheet, hint
        where = f"{file}" + (f" (sheet '{sheet}')" if sheet else "")
        super().__init__(f"{where} {message}" + (f"; {hint}" if hint else ""))


@dataclass
class SkippedRow:
    row: int
    reason: str


@dataclass
class Sheet:
    file: str
    name: str
    headers: list[str]
    frame: pd.DataFrame
    rows: np.ndarray
    header_rows: list[int] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    tool: str | None = None  # the export's tool when its header layout told (signatures)
    parts: frozenset = frozenset()  # what else the sheet holds: "pivot", "chart" (xlsx)

    @property
    def empty(self) -> bool:
        return len(self.frame) == 0


def _clean_header(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = repair_mojibake(str(value))
    return re.sub(r"\s+", " ", text).strip()


def _is_blank(v: object) -> bool:
    if isinstance(v, str):
        return not v.strip()
    return v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _is_label(v: object) -> bool:
    if not isinstance(v, str) or not v.strip():
        return False
    try:
        float(v.replace(",", ""))
        return False
    except ValueError:
        return not re.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}.*", v.strip())


def locate_header(preview: list[list[object]]) -> tuple[list[int], int]:
    """(header row indexes within the preview, first data row index).

    The header is the first row that is mostly filled with text labels and spans most of the
    widest row; a following row of mostly labels under blank-spanned group cells makes a
    two-row header ("Group - Sub") when a row with numbers or dates follows within a few rows
    (blank and group rows may come between).
    """
    if not preview:
        return [], 0
    width = max((sum(not _is_blank(v) for v in row) for row in preview), default=0)
    for i, row in enumerate(preview):
        filled = [v for v in row if not _is_blank(v)]
        labels = sum(_is_label(v) for v in filled)
        if len(filled) >= max(2, 0.5 * width) and labels >= 0.7 * len(filled):
            if i + 1 < len(preview):
                nxt = preview[i + 1]
                nxt_filled = [v for v in nxt if not _is_blank(v)]
                gaps = sum(_is_blank(v) for v in row[: len(nxt)])
                after = [r for r in preview[i + 2 : i + 8] if any(not _is_blank(v) for v in r)]
                if (
                    gaps
                    and nxt_filled
                    and sum(_is_label(v) for v in nxt_filled) == len(nxt_filled)
                    and (
                        not after  # nothing below: a two-row header over no data yet
                        or any(not _is_label(v) for r in after for v in r if not _is_blank(v))
                        or _under_groups_only(row, nxt)
                    )
                ):
                    return [i, i + 1], i + 2
            return [i], i + 1
    return [0], 1


def _under_groups_only(header: list, nxt: list) -> bool:
    """A sub-header row leaves the first two header columns blank (the name and id columns
    span both header rows); a data row fills them."""
    cols = [j for j, v in enumerate(header) if not _is_blank(v)][:2]
    return len(cols) == 2 and all(j >= len(nxt) or _is_blank(nxt[j]) for j in cols)


def find_header(preview: list[list[object]]) -> tuple[list[int], int, list[str] | None, str | None]:
    """(header rows, first data row, headers when a known export sets them, its tool): a known
    survey layout (`signatures.header_layout`) first, else `locate_header`."""
    known = signatures.header_layout(preview)
    if known is not None:
        return known.rows, known.data_start, known.headers, known.tool
    rows, start = locate_header(preview)
    return rows, start, None, None


def _join_headers(rows: list[list[object]], ncols: int) -> list[str]:
    top = [_clean_header(rows[0][j]) if j < len(rows[0]) else "" for j in range(ncols)]
    if len(rows) == 1:
        return top
    sub = [_clean_header(rows[1][j]) if j < len(rows[1]) else "" for j in range(ncols)]
    out, group = [], ""
    for t, s in zip(top, sub, strict=True):
        group = t or group
        out.append(f"{group} - {s}" if group and s and group != s else (s or group))
    return out


def _tidy(
    file,
    name,
    raw: pd.DataFrame,
    first_row: int,
    data: pd.DataFrame | None = None,
    located: tuple | None = None,
) -> Sheet:
    """raw: cells (positional columns) from spreadsheet row `first_row`, at least the preview.

    `data`, when given, holds the rows from the first data row on, read with typed columns.
    """
    preview = raw.head(PREVIEW_ROWS).astype(object).where(raw.head(PREVIEW_ROWS).notna(), None)
    header_idx, data_start, known, tool = located or find_header(preview.values.tolist())
    if known is not None:
        headers = [_clean_header(h) for h in known] + [""] * (raw.shape[1] - len(known))
    else:
        headers = _join_headers([preview.iloc[i].tolist() for i in header_idx], raw.shape[1])
    if data is None:
        data = raw.iloc[data_start:]
    data = data.reset_index(drop=True)
    if data.shape[1] < len(headers):
        for j in range(data.shape[1], len(headers)):
            data[j] = None
    data = data.iloc[:, : len(headers)]
    data.columns = range(data.shape[1])
    rows = np.arange(len(data)) + first_row + data_start
    # Drop trailing columns with no header and no data.
    keep = len(headers)
    while keep and not headers[keep - 1] and data.iloc[:, keep - 1].isna().all():
        keep -= 1
    headers, data = headers[:keep], data.iloc[:, :keep]
    headers = [h or f"Column {get_column_letter(j + 1)}" for j, h in enumerate(headers)]
    data.columns = range(keep)
    skipped: list[SkippedRow] = []
    if keep:
        filled = data.notna()
        for j in range(keep):  # text of spaces only is blank (pandas 3 reads text as "str")
            col = data.iloc[:, j]
            if col.dtype == object:
                filled[j] = filled[j] & (col.astype(str).str.strip() != "")
            elif pd.api.types.is_string_dtype(col.dtype):
                filled[j] = filled[j] & (col.str.strip() != "").fillna(False).astype(bool)
        counts = filled.sum(axis=1).to_numpy()
        drop = counts == 0
        for k in np.flatnonzero(drop):
            skipped.append(SkippedRow(int(rows[k]), "blank"))
        cand = np.flatnonzero((counts > 0) & (counts <= 2))
        header_set = [h.lower() for h in headers]
        for k in cand:
            vals = [v for v in data.iloc[k].tolist() if not _is_blank(v)]
            first = str(vals[0]).strip()
            if _TOTAL.match(first):
                drop[k] = True
                skipped.append(SkippedRow(int(rows[k]), f"total row '{first}'"))
            elif keep >= 4 and len(vals) == 1 and _is_label(vals[0]) and filled.iloc[k, 0]:
                drop[k] = True
                skipped.append(SkippedRow(int(rows[k]), f"section heading '{first}'"))
        # total rows with many numbers, and repeated headers
        firsts = data.iloc[:, 0].astype(str).str.strip()
        # The regex per cell only where the word is (a vectorised test first: first columns
        # are usually ids, a million distinct values).
        maybe = (
            firsts.str.lower().str.contains("tot|sum", regex=True, na=False).to_numpy(dtype=bool)
        )
        total = np.zeros(len(firsts), dtype=bool)
        total[maybe] = (
            firsts[maybe].str.match(_TOTAL.pattern, case=False, na=False).to_numpy(dtype=bool)
        )
        for k in np.flatnonzero(~drop & total):
            drop[k] = True
            skipped.append(SkippedRow(int(rows[k]), f"total row '{firsts.iloc[k]}'"))
        rep = ~drop & (firsts.str.lower() == header_set[0]).to_numpy()
        for k in np.flatnonzero(rep):
            if [str(v).strip().lower() for v in data.iloc[k].tolist()] == header_set:
                drop[k] = True
                skipped.append(SkippedRow(int(rows[k]), "repeated header"))
        if drop.any():
            data, rows = data.loc[~drop].reset_index(drop=True), rows[~drop]
    skipped.sort(key=lambda s: s.row)
    header_rows = [first_row + i for i in header_idx]
    return Sheet(file, name, headers, data, rows, header_rows, skipped, tool=tool)


def _sniff_kind(head: bytes, name: str) -> str:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b")):
        return "other"
    sample = head[:4096]
    if b"\x00" in sample.replace(b"\x00\x00", b""):  # binary, not UTF-16 text
        return "other"
    return "text"


def _zip_source(data: bytes | Path):
    """What zipfile and openpyxl open: the bytes as a file, or the file on disk."""
    return data if isinstance(data, Path) else io.BytesIO(data)


def zip_limits(max_uncompressed_bytes: int | None = None) -> dict:
    """The limits a zip container is checked against (`_check_zip`)."""
    return dict(
        max_uncompressed_bytes=max_uncompressed_bytes or MAX_UNCOMPRESSED_BYTES,
        max_compression_ratio=MAX_COMPRESSION_RATIO,
    )


def _check_zip(data: bytes | Path, file: str, limits: dict | None = None) -> str:
    limits = limits or zip_limits()
    size = data.stat().st_size if isinstance(data, Path) else len(data)
    try:
        with zipfile.ZipFile(_zip_source(data)) as zf:
            names = set(zf.namelist())
            total = sum(i.file_size for i in zf.infolist())
            mimetype = zf.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, EOFError, OSError):
        raise ReadError(
            file,
            "is damaged or incomplete (the zip container could not be opened)",
            "re-export it from the source system",
        ) from None
    if total > limits["max_uncompressed_bytes"] or total > limits["max_compression_ratio"] * max(
        size, 1
    ):
        raise ReadError(
            file,
            f"would expand to {total / 1e6:,.0f} MB, beyond the safe limit (possible zip bomb)",
            "split the workbook or remove unused sheets",
        )
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx"
    raise ReadError(
        file,
        "is not a spreadsheet we can read (xlsx, xlsm, xls, ods, csv)",
        "save it as .xlsx or .csv",
    )


def _sized_from_the_top(ws) -> None:
    """openpyxl's read-only sheets look for the <dimension> element when opened, and when a
    writer left it out (openpyxl's own write-only mode, many exporters) they parse the whole
    sheet to find that it is missing: ~1.4 s of CPU per 100,000 rows before the first preview
    row is read. The element can only come before <sheetData>, so stop looking there."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.constants import SHEET_MAIN_NS

    src = ws._get_source()
    try:
        for event, element in iterparse(src, events=("start", "end")):
            if element.tag == f"{{{SHEET_MAIN_NS}}}sheetData":
                return  # no dimension element: sizes stay unknown, rows are read as streamed
            if event == "end" and element.tag == f"{{{SHEET_MAIN_NS}}}dimension":
                bounds = SheetDimension.from_tree(element).boundaries
                if bounds is not None:
                    ws._min_column, ws._min_row, ws._max_column, ws._max_row = bounds
                return
    finally:
        src.close()


def _openpyxl_previews(data: bytes | Path) -> dict[str, list[list[object]]] | None:
    """First rows of every sheet, streamed (milliseconds even for a million-row sheet; shared
    strings read only as far as those rows need: `xlsx_preview`)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    ReadOnlyWorksheet._get_size = _sized_from_the_top  # see there: same result, read from the top

    try:
        wb, strings = xlsx_preview.open_workbook(data)
    except Exception:
        return None
    try:
        out = {}
        for ws in wb.worksheets:
            ws.reset_dimensions()  # some writers (Apache POI) declare a wrong used range
            out[ws.title] = [
                list(r) for r in ws.iter_rows(max_row=PREVIEW_ROWS + 20, values_only=True)
            ]
        return out
    finally:
        xlsx_preview.close(wb, strings)


def _align_columns(rows: list[list], reader, name: str) -> list[list]:
    """The preview's rows starting at the sheet's first used column, as calamine's bulk read
    does (a sheet whose column A is empty would otherwise have every header one column off)."""
    firsts = [next((j for j, v in enumerate(r) if not _is_blank(v)), None) for r in rows]
    lead = min((f for f in firsts if f is not None), default=0)
    if not lead:
        return rows
    fx = reader.load_sheet(name, header_row=None, n_rows=1).to_pandas()
    first_fx = next((j for j, v in enumerate(fx.iloc[0].tolist()) if not _is_blank(v)), 0)
    shift = max(0, (firsts[0] or 0) - first_fx) if len(fx) else 0
    return [r[shift:] for r in rows] if shift else rows


def locate_sheet(reader, name: str, previews: dict | None):
    """(first rows, leading blank rows, `find_header`'s answer) of a sheet, None when it is
    blank. The first rows come from openpyxl's preview when there is one (`previews`), else
    from fastexcel."""
    if previews is not None and name in previews:
        rows = previews[name]
        leading = next((i for i, r in enumerate(rows) if any(not _is_blank(v) for v in r)), None)
        if leading is None:
            return None
        rows = rows[leading : PREVIEW_ROWS + leading]
        rows = _align_columns(rows, reader, name)
        width = max(len(r) for r in rows)
        raw = pd.DataFrame([r + [None] * (width - len(r)) for r in rows])
    else:
        raw = reader.load_sheet(name, header_row=None, n_rows=PREVIEW_ROWS).to_pandas()
        leading = 0
        if raw.empty or raw.notna().sum().sum() == 0:
            return None
    preview = raw.astype(object).where(raw.notna(), None).values.tolist()
    return raw, leading, find_header(preview)


def load_data(reader, name: str, leading: int, located: tuple):
    """The fastexcel sheet of the rows under the header, typed as calamine types them
    (`skip_rows` counts from the sheet's first row)."""
    return reader.load_sheet(
        name, header_row=None, skip_rows=leading + located[1], dtype_coercion="coerce"
    )


class SlicedRead:
    """A sheet of a workbook on disk read in slices (`xlsx_parts`), its header located as
    `_read_excel` locates it: `frames` gives the rows under the header a slice at a time;
    `located` is (first rows, leading blank rows, `find_header`'s answer) once one is given."""

    def __init__(self, path: Path, name: str, previews: dict, folder: Path, one: bool = False):
        self.name, self.previews, self.located = name, previews, None
        self.sliced = xlsx_parts.SlicedSheet(path, folder, None if one else name)

    def _load_first(self, reader, name: str):
        found = locate_sheet(reader, name, self.previews)
        if found is None:
            raise xlsx_parts.Unlike("a blank sheet")
        self.located = found
        _, leading, where = found
        return load_data(reader, name, leading, where), leading + where[1]

    def frames(self):
        return self.sliced.frames(self._load_first)

    @property
    def estimated_rows(self) -> int | None:
        return self.sliced.estimated_rows


def _sliced(path: Path, file: str, max_uncompressed_bytes: int) -> bool:
    """Whether a workbook on disk is read in slices: an .xlsx/.xlsm of SLICED_BYTES or more
    (smaller ones are read whole: faster, and their memory is small anyway)."""
    if Path(file).suffix.lower() not in WORKBOOK_SUFFIXES or path.stat().st_size < SLICED_BYTES:
        return False
    return _check_zip(path, file, zip_limits(max_uncompressed_bytes)) == "xlsx"


def sliceable(path: Path) -> tuple[dict, dict] | None:
    """(first rows, XML size) of each sheet of a workbook on disk, in its order, when every
    sheet is a worksheet with a preview (what slices read); None otherwise."""
    previews = _openpyxl_previews(path)
    sizes = xlsx_parts.worksheet_sizes(path)
    if not previews or sizes is None or set(sizes) != set(previews):
        return None
    return previews, sizes


def read_sheet_sliced(path: Path, file: str, name: str, previews: dict, folder: Path) -> Sheet:
    """One sheet of a workbook on disk read in slices and joined (as `_read_excel` reads it;
    read so if it cannot be sliced, `xlsx_parts.Unlike`); its pivots and charts not set."""
    if not any(any(not _is_blank(v) for v in r) for r in previews[name]):
        return _blank_sheet(file, name)
    read = SlicedRead(path, name, previews, folder)
    try:
        frames = list(read.frames())
    except xlsx_parts.Unlike:
        return _read_excel(path.read_bytes(), file, "xlsx", only=name)[0]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    del frames
    raw, leading, located = read.located
    return _tidy(file, name, raw, 1 + leading, frame, located)


def _read_excel_on_disk(path: Path, file: str) -> list[Sheet]:
    """A large workbook's sheets, each read in slices and joined: the whole read's frames
    without fastexcel's whole sheet in memory (~17x the file for distinct text; this peaks at
    the frames themselves). A sheet that cannot be read so (`xlsx_parts.Unlike`) is read
    whole; a workbook with other kinds of sheet (charts) is read the usual way."""
    import tempfile

    found = sliceable(path)
    if found is None:
        return _read_excel(path.read_bytes(), file, "xlsx")
    previews, sizes = found
    with tempfile.TemporaryDirectory(prefix="pmo-read-") as tmp:
        sheets = [read_sheet_sliced(path, file, name, previews, Path(tmp)) for name in sizes]
    parts = nondata.xlsx_parts(path)
    for sh in sheets:
        sh.parts = parts.get(sh.name, frozenset())
    return sheets


def _read_excel(data: bytes, file: str, kind: str, only: str | None = None) -> list[Sheet]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # calamine errors: damaged container, unsupported content
        raise ReadError(
            file,
            f"could not be opened as a spreadsheet ({type(exc).__name__})",
            "re-export it from the source system as .xlsx",
        ) from None
    previews = _openpyxl_previews(data) if kind == "xlsx" else None
    sheets = []
    for name in reader.sheet_names if only is None else [only]:
        try:
            found = locate_sheet(reader, name, previews)
            if found is None:
                sheets.append(_blank_sheet(file, name))
                continue
            raw, leading, located = found
            frame = load_data(reader, name, leading, located).to_pandas()
        except ReadError:
            raise
        except Exception as exc:
            raise ReadError(
                file, f"could not be read ({exc})", "re-export it", sheet=name
            ) from None
        sheets.append(_tidy(file, name, raw, 1 + leading, frame, located))
    if kind == "xlsx":  # pivot tables and charts, from the workbook's parts (no cells read)
        parts = nondata.xlsx_parts(data)
        for sh in sheets:
            sh.parts = parts.get(sh.name, frozenset())
    return sheets


def _pieces(source: bytes | Path, step: int = 1 << 20):
    """The file a megabyte at a time, from its bytes or from disk (never whole in memory)."""
    if isinstance(source, Path):
        with source.open("rb") as fh:
            yield from iter(lambda: fh.read(step), b"")
        return
    view = memoryview(source)
    for start in range(0, len(view), step):
        yield view[start : start + step]


def _encoding(source: bytes | Path) -> str:
    """UTF-8 (with or without BOM) when all the bytes decode as UTF-8, else cp1252. Checked
    a megabyte at a time so the file is never held twice as text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for piece in _pieces(source):
            decoder.decode(piece)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


CSV_CHUNK_ROWS = 50_000  # rows parsed at a time: bounds the parser's Python objects


def _read_csv(source: bytes | Path, file: str) -> list[Sheet]:
    """Parsed by pandas' C reader straight from the bytes or the file, `CSV_CHUNK_ROWS` at a
    time, each part's text kept as Arrow strings: the Python engine over a decoded copy took
    about 16x the file in memory (a 195 MB upload held 3 GB); whole-file C parsing about 3.5x.
    From a file (the check in a child process) the bytes are never all in memory."""
    raw = _joined(list(csv_parts(source, file)))
    return [_tidy(file, Path(file).stem, raw, 1)]


def csv_parts(source: bytes | Path, file: str, rows: int = CSV_CHUNK_ROWS):
    """The CSV's cells, `rows` rows at a time (positional columns, text, blanks as None);
    ReadError when it holds no data or does not parse. `ingest.streamed` plans part by part."""
    encoding = _encoding(source)
    head = next(_pieces(source, 20000), b"")
    text = bytes(head).decode(encoding, errors="replace")
    if not any(bytes(p).strip() for p in _pieces(source)) or not text.strip():
        raise ReadError(file, "contains no data", "check you exported the right file")
    try:
        delim = csv.Sniffer().sniff(text, delimiters=",;\t|").delimiter
    except csv.Error:
        delim = ","
    try:
        with pd.read_csv(
            source if isinstance(source, Path) else io.BytesIO(source),
            sep=delim,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
            encoding=encoding,
            encoding_errors="replace",
            chunksize=rows,
        ) as chunks:
            for chunk in chunks:
                yield _csv_part(chunk)
    except Exception as exc:
        raise ReadError(
            file, f"could not be parsed as CSV ({exc})", "check the delimiter and quoting"
        ) from None


def _csv_part(chunk: pd.DataFrame) -> pd.DataFrame:
    chunk = chunk.replace("", None)
    for c in chunk.columns:
        if chunk[c].str.contains("Ã|â€", regex=True, na=False).any():
            chunk[c] = chunk[c].map(repair_mojibake, na_action="ignore")
    return chunk


def _joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts as one frame (a later part may have more columns: they are blank above)."""
    if len(parts) == 1:
        return parts[0]
    raw = pd.concat(parts, ignore_index=True)
    parts.clear()
    return raw


def _over_the_limit(size: int, limit: int) -> str:
    """In the uploader's units (MB of 1024 KB), so the page and the message name one limit."""
    return f"is {size / 1024**2:,.1f} MB, over the {limit / 1024**2:,.0f} MB limit"


def sniff_path(path: Path, file: str, max_file_bytes: int | None = None) -> str:
    """What a file on disk holds, judged from its first bytes after its size is checked:
    "csv" (text under a name that is not a spreadsheet's, read from disk as it streams) or
    what `_sniff_kind` says ("zip", "ole", "text", "other"). ReadError when it is over the
    limit or is text of a kind we refuse (a web page, an error message saved as a file)."""
    max_file_bytes = max_file_bytes or MAX_FILE_BYTES
    size = path.stat().st_size
    if size > max_file_bytes:
        raise ReadError(
            file, _over_the_limit(size, max_file_bytes), "split it or remove unused sheets"
        )
    with path.open("rb") as fh:
        head = fh.read(8192)
    kind = _sniff_kind(head, file) if head else "empty"
    if kind == "text" and Path(file).suffix.lower() not in SPREADSHEET_SUFFIXES:
        if known := signatures.refuse_text(head[:4096].decode("utf-8", errors="replace")):
            raise ReadError(file, *known)
        return "csv"
    return kind


def read_file(
    source: str | os.PathLike | bytes,
    filename: str | None = None,
    *,
    max_file_bytes: int | None = None,
    max_uncompressed_bytes: int | None = None,
) -> list[Sheet]:
    """Every sheet of the file as a tidy `Sheet` (a blank sheet has no headers and no rows);
    ReadError if the file can't be read or holds no data at all. Limits default to the
    module constants (read at call time, so tests and deployments can lower them)."""
    max_file_bytes = max_file_bytes or MAX_FILE_BYTES
    max_uncompressed_bytes = max_uncompressed_bytes or MAX_UNCOMPRESSED_BYTES
    if isinstance(source, (bytes, bytearray)):
        data, file = bytes(source), filename or "upload"
    else:
        path = Path(source)
        file = filename or path.name
        kind = sniff_path(path, file, max_file_bytes)
        if kind == "csv":  # streamed from disk
            return _checked(_read_csv(path, file), file)
        if kind == "zip" and _sliced(path, file, max_uncompressed_bytes):
            return _checked(_read_excel_on_disk(path, file), file)
        data = path.read_bytes()
    if len(data) > max_file_bytes:
        raise ReadError(
            file,
            _over_the_limit(len(data), max_file_bytes),
            "split it or remove unused sheets",
        )
    if not data:
        raise ReadError(file, "is empty", "check you exported the right file")
    kind = _sniff_kind(data[:8192], file)
    limits = zip_limits(max_uncompressed_bytes)
    if kind == "zip":
        sheets = _read_excel(data, file, _check_zip(data, file, limits))
    elif kind == "ole":
        if known := signatures.refuse_binary(data):
            raise ReadError(file, *known)
        if "EncryptedPackage".encode("utf-16-le") in data[: 1 << 20] or b"E\x00n\x00c\x00r" in data:
            raise ReadError(
                file,
                "is password-protected",
                "remove the password in Excel (File > Info > Protect Workbook) and upload again",
            )
        sheets = _read_excel(data, file, "xls")
    elif kind == "text" and Path(file).suffix.lower() in SPREADSHEET_SUFFIXES:
        raise ReadError(
            file,
            "is not a spreadsheet (it holds plain text)",
            "if it is CSV, save it with a .csv extension; otherwise re-export it",
        )
    elif kind == "text":
        if known := signatures.refuse_text(data[:4096].decode("utf-8", errors="replace")):
            raise ReadError(file, *known)
        sheets = _read_csv(data, file)
    else:
        raise ReadError(
            file,
            "is not a spreadsheet we can read (xlsx, xlsm, xls, ods, csv)",
            "save it as .xlsx or .csv",
        )
    return _checked(sheets, file)


def _checked(sheets: list[Sheet], file: str) -> list[Sheet]:
    if not any(sh.headers for sh in sheets):
        raise ReadError(file, "contains no data", "check you exported the right file")
    return sheets


def _blank_sheet(file: str, name: str) -> Sheet:
    return Sheet(file, name, [], pd.DataFrame(), np.array([], dtype=int))
