"""The check of one large CSV or workbook part by part, so the check's memory is bounded by a
part.

Why: planned whole, a 190 MB CSV took the check's child process 5x the file (the sheet as
read 2.2x, the typed rows, the effect's table), a 12 MB .xlsx 17x (fastexcel builds the whole
sheet). Here up to `STREAM_ROWS` rows are read at a time (a workbook's in slices of its XML,
`xlsx_parts`), tidied and appended to the sheet's file (Arrow IPC, `spill.FrameWriter`); recognition
and mapping read that sheet mapped from disk (they count cells and look at a few columns);
then each part is coerced, checked, split and scored, and its rows appended to the files of
rows to load and rejected rows. Across parts only what cross-row checks need is kept: each
key's 96-bit hash and first row (duplicates), the store's ids (references), the NPS scale.
The plan's frames come back mapped from those files, and `spill.dump` names the files instead
of copying them; pages read are let go between steps (`spill.drop_pages`).

The plan is the one `importer.plan` makes: the same rows, issues, effect and review. Issues
come in the same order except within one column's unreadable cells, which are by part (the
whole-file check lists them by kind). Text columns that were Python objects (`extra`, `_file`,
`_sheet`) come back as the "string" dtype. Only one CSV, or one .xlsx/.xlsm whose largest
worksheet is one entity and whose other sheets are not data (a read-me, notes: read as the
whole check reads them), is planned so (not customers, whose repeated rows merge, nor a
tool's export or a turned-round sheet);
`plan` returns None for anything else, or when a part breaks the pattern (a note that counts a
column's cells in several parts, a column typed differently in two parts), and the caller
plans the whole file.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from pmo_data.ingest import combining, nondata, reading, spill, values, xlsx_parts
from pmo_data.ingest.applying import decide
from pmo_data.ingest.mapping import defaultable
from pmo_data.ingest.plans import ImportPlan
from pmo_data.ingest.recognition import _plan_sheet, _settle, _units
from pmo_data.ingest.report import ImportReport
from pmo_data.ingest.rules import (
    REFERENCES,
    add_sentiment,
    check_references,
    duplicate_issues,
    order_issues,
    split,
)
from pmo_data.ingest.validation import (
    ISSUE_COLUMNS,
    _Cells,
    coerce,
    issues_frame,
    nps_scale_note,
)
from pmo_data.schema import entity

log = logging.getLogger(__name__)

STREAM_ROWS = 20_000  # rows read, checked and written at a time (at most)
MIN_PART_ROWS = 5_000  # and at least, however small the file (a part costs ~0.1 s)
REFERENCE_ROWS = 5_000  # rows whose references are checked at a time
# Where a cell's issue comes within its column in `coerce` (parts are made in this order).
RANK = {"internal": 0, "unit": 1, "doubtful": 3, "placeholder": 3, "unreadable": 3}
RANK.update({"allowed": 4, "required": 6, "scale": 7, "key": 8})
HASH_KEYS = ("pmo-value-hub-k1", "pmo-value-hub-k2")


class _Whole(Exception):
    """This file needs the whole-file check."""


def plan(
    files,
    store=None,
    force_entity: str | None = None,
    *,
    folder: Path,
    mapping_overrides: dict | None = None,
    on_step=None,
    audience: str = "cli",
    survey_date=None,
) -> ImportPlan | None:
    """`importer.plan` of one CSV or workbook, part by part, its frames written to `folder`;
    None when the file is not one this can plan (the caller then plans the whole file)."""
    from pmo_data.ingest import importer

    inputs = importer._inputs(files)
    if len(inputs) != 1 or not isinstance(inputs[0][1], Path):
        return None
    name, path = inputs[0]
    try:
        kind = reading.sniff_path(path, name)
    except reading.ReadError:
        return None  # the whole-file check says why
    if kind == "zip" and Path(name).suffix.lower() in reading.WORKBOOK_SUFFIXES:
        read = _read_xlsx
    elif kind == "csv":
        read = _read_csv_sheets
    else:
        return None
    try:
        return _plan(
            inputs,
            store,
            force_entity,
            Path(folder),
            mapping_overrides,
            on_step or (lambda *a: None),
            audience,
            survey_date,
            read,
        )
    except (_Whole, spill.FrameWriter.Unsupported, reading.ReadError, xlsx_parts.Unlike) as exc:
        log.info("%s is checked whole: %s", name, exc)
        spill.forget()
        return None


def _plan(inputs, store, force_entity, folder, overrides, step, audience, survey_date, read):
    from pmo_data.ingest import importer

    if force_entity:
        entity(force_entity)
    (name, path) = inputs[0]
    report = ImportReport()
    step("read", name, 0.0)
    sha, size = importer._fingerprint(path)
    report.files.append({"name": name, "sha256": sha, "size": size, "sheets": {}})

    def not_data(sheet) -> None:  # a sheet beside the one checked part by part
        for unit in _units(sheet, store, force_entity):
            if _plan_sheet(unit, store, force_entity, overrides, audience)[0].entity:
                raise _Whole("data in more than one sheet")

    sheets, big = read(path, name, folder, not_data)
    planned, sheet_parts = [], []
    for sheet in sheets:
        units = _units(sheet, store, force_entity)
        if sheet is big and (len(units) != 1 or units[0].sheet is not sheet or units[0].notes):
            raise _Whole("a tool's export or a turned-round sheet")
        for unit in units:
            ps, found = _plan_sheet(unit, store, force_entity, overrides, audience)
            if (sheet is big) != (ps.sheet is big):
                raise _Whole("a prepared export")
            if sheet is not big and ps.entity is not None:
                raise _Whole("data in more than one sheet")
            planned.append(ps)
            sheet_parts += found
    _settled()
    for ps in planned:
        importer.announce(ps, report, step)
    parts = _settle(name, planned, sheet_parts, audience)
    out = ImportPlan(report, sheets=planned, inputs=inputs, force_entity=force_entity)
    out.overrides, out.audience, out.survey_date = overrides, audience, survey_date
    (ps,) = [p for p in planned if p.sheet is big]
    found = issues_frame(parts)
    found = found[(found["severity"] == "error") & found["row"].isna()]
    erred = set(zip(found["file"], found["sheet"], strict=True))  # sheets refused whole
    if ps.entity is None or (big.file, big.name) in erred:
        combining._validate(out, parts, store, step)  # nothing to coerce: counts only
    elif ps.entity == "customers":
        raise _Whole("customers' repeated rows are merged across the file")
    else:
        for other in planned:  # in the file's order, as the whole check lists them
            if other is ps:
                _validate(out, parts, store, step, ps, folder)
            else:
                out.report.sheets.append(combining.sheet_result(other, erred))
    decide(out, store, None, folder)
    _settled()
    return importer.finish(out, step)


def _settled() -> None:
    """Between steps: the pages of mapped files read so far, and the memory freed, go back
    to the system (glibc keeps freed small blocks for reuse otherwise)."""
    spill.drop_pages()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


# -- reading ------------------------------------------------------------------------------------
class _SheetWriter:
    """A sheet tidied part by part as `reading.read_file` tidies it whole, its cells and row
    numbers appended to files and mapped back by `close`."""

    def __init__(self, file: str, name: str, folder: Path):
        self.file, self.name, self.folder = file, name, folder
        self.cells = spill.FrameWriter(folder, "sheet")
        self.numbers = spill.FrameWriter(folder, "sheet-rows")
        self.headers = self.header_rows = self.tool = None
        self.skipped: list = []

    def add(self, preview: pd.DataFrame, first_row: int, data: pd.DataFrame, located) -> None:
        part = reading._tidy(self.file, self.name, preview, first_row, data, located)
        if self.headers is None:
            self.headers, self.header_rows, self.tool = part.headers, part.header_rows, part.tool
            self.width = preview.shape[1]
        if len(part.headers) != self.width or part.headers != self.headers:
            raise _Whole("columns without a header are dropped")
        self.cells.append(part.frame)
        self.numbers.append(pd.DataFrame({"row": np.asarray(part.rows, dtype="int64")}))
        self.skipped += part.skipped

    def close(self) -> reading.Sheet:
        if not self.headers:
            raise _Whole("no data")
        frame = self.cells.close()
        rows = self.numbers.close()["row"].to_numpy()
        return reading.Sheet(
            self.file,
            self.name,
            self.headers,
            frame,
            rows,
            self.header_rows,
            self.skipped,
            tool=self.tool,
        )


def _read_csv(path: Path, file: str, folder: Path) -> reading.Sheet:
    """The CSV as `reading.read_file` tidies it, written part by part and mapped back."""
    out = _SheetWriter(file, Path(file).stem, folder)
    first = located = width = None
    start = 0
    for raw in reading.csv_parts(path, file, _part_rows(path)):
        raw = raw.reset_index(drop=True)
        if first is None:
            first, width = raw.head(reading.PREVIEW_ROWS), raw.shape[1]
            preview = first.astype(object).where(first.notna(), None).values.tolist()
            located = reading.find_header(preview)
            out.add(raw, 1, None, located)
        else:
            if raw.shape[1] != width:
                raise _Whole("a later part has more columns")
            out.add(first, 1 + start - located[1], raw, located)
        start += len(raw)
    if first is None:
        raise _Whole("no data")
    return out.close()


def _read_csv_sheets(path: Path, file: str, folder: Path, _=None) -> tuple[list, reading.Sheet]:
    sheet = _read_csv(path, file, folder)
    return [sheet], sheet


def _read_xlsx(path: Path, file: str, folder: Path, beside=None) -> tuple[list, reading.Sheet]:
    """A workbook's sheets as `reading.read_file` tidies them: its largest worksheet read a
    slice at a time (`xlsx_parts`), tidied a part at a time, written and mapped back; the
    others (a notes or lookup sheet beside the data) read first, in slices joined, each passed
    to `beside` (which refuses a second sheet of data before the large one is read)."""
    if reading._check_zip(path, file) != "xlsx":
        raise _Whole("not an Office Open XML workbook")
    found = reading.sliceable(path)
    if found is None:
        raise _Whole("a sheet that is not a worksheet, or no preview")
    previews, sizes = found
    big = max(sizes, key=sizes.get)
    parts = nondata.xlsx_parts(path)
    others = {}
    for name in sizes:
        if name != big:
            others[name] = reading.read_sheet_sliced(path, file, name, previews, folder)
            if beside is not None:
                beside(others[name])
    out = _SheetWriter(file, big, folder)
    read = reading.SlicedRead(path, big, previews, folder, one=len(sizes) == 1)
    pending: list = []
    done = 0
    part_rows = None
    for frame in read.frames():
        _settled()  # a slice's workbook and calamine's cells, freed, go back to the system
        pending.append(frame)
        if part_rows is None:  # a 32nd of the rows: a workbook's rows are denser than text
            part_rows = _bounded((read.estimated_rows or STREAM_ROWS) // 32)
        if sum(map(len, pending)) >= part_rows:
            done = _add_slices(out, read.located, pending, done)
    if pending:
        _add_slices(out, read.located, pending, done)
    sheets = [others[name] if name in others else out.close() for name in sizes]
    for sheet in sheets:
        sheet.parts = parts.get(sheet.name, frozenset())
    return sheets, next(sh for sh in sheets if sh.name == big)


def _add_slices(out: _SheetWriter, found: tuple, pending: list, done: int) -> int:
    """The slices read so far tidied as one part; the data rows tidied before it, after."""
    raw, leading, located = found
    data = pending[0] if len(pending) == 1 else pd.concat(pending, ignore_index=True)
    pending.clear()
    out.add(raw, 1 + leading + done, data, located)
    return done + len(data)


def _part_rows(path: Path) -> int:
    """STREAM_ROWS, or fewer in a smaller file, so that a part is at most a sixteenth of the
    file (a part's working set is several times its text)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    per_row = len(head) / max(head.count(b"\n"), 1)
    return _bounded(int(path.stat().st_size / 16 / per_row))


def _bounded(rows: int) -> int:
    """Rows a part holds: `rows`, within MIN_PART_ROWS and STREAM_ROWS."""
    return max(min(STREAM_ROWS, MIN_PART_ROWS), min(STREAM_ROWS, rows))


def _parts(sheet, folder: Path, columns: list | None = None):
    """(first position, frame) of the sheet (or of some of its columns), a part at a time as
    it was written, from its files into memory (not mapped: pages already read are not kept)."""
    like = sheet.frame if columns is None else sheet.frame[columns]
    text = [c for c in like.columns if isinstance(like[c].array, pd.arrays.ArrowExtensionArray)]
    reader = pa.ipc.open_file(pa.OSFile(str(folder / "sheet.arrow"))) if text else None
    count = reader.num_record_batches if text else -(-len(like) // STREAM_ROWS)
    lo = 0
    for i in range(count):  # each batch read once (its rows say how many numbers go with it)
        batch = reader.get_batch(i) if text else None
        n = batch.num_rows if text else min(STREAM_ROWS, len(like) - lo)
        cols = {}
        for c in like.columns:
            if c in text:
                template = like[c].array
                chunked = pa.chunked_array([batch.column(str(c))])
                arr = spill.wrap_chunks(type(template), spill.array_state(template), chunked)
                cols[c] = pd.Series(arr, copy=False)
            else:
                cols[c] = pd.Series(like[c].to_numpy()[lo : lo + n].copy())
        yield lo, pd.DataFrame(cols, columns=like.columns, copy=False)
        lo += n


# -- checking -----------------------------------------------------------------------------------
class _Keys:
    """The keys seen so far, as 96 bits of two hashes each (sorted) and the row of their first
    occurrence: 20 bytes per key instead of the key's text and a hash table's."""

    def __init__(self):
        self.h1 = np.empty(0, dtype=np.uint64)
        self.h2 = np.empty(0, dtype=np.uint32)  # 96 bits in all: no two keys share them
        self.row = np.empty(0, dtype=np.int64)

    def update(self, keys: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(duplicate mask, first row of each row's key) for a part, then remember its keys."""
        n = len(keys)
        dup = np.zeros(n, dtype=bool)
        first = rows.astype(np.int64)  # a copy
        filled = keys.notna().to_numpy()
        if not filled.any():
            return dup, first
        at = np.flatnonzero(filled)
        obj = keys.iloc[at].astype(str).to_numpy(dtype=object)
        h1 = pd.util.hash_array(obj, hash_key=HASH_KEYS[0])
        h2 = pd.util.hash_array(obj, hash_key=HASH_KEYS[1]).astype(np.uint32)
        seen = self._find(h1, h2)
        earlier = seen >= 0
        first[at[earlier]] = self.row[seen[earlier]]
        dup[at[earlier]] = True
        here = pd.Series(obj)
        repeated = here.duplicated(keep="first").to_numpy()
        inner = repeated & ~earlier
        if inner.any():
            firsts = pd.Series(rows[at]).groupby(here, sort=False).transform("first").to_numpy()
            first[at[inner]] = firsts[inner]
            dup[at[inner]] = True
        new = ~earlier & ~repeated
        self._add(h1[new], h2[new], rows[at][new].astype(np.int64))
        return dup, first

    def _find(self, h1, h2) -> np.ndarray:
        out = np.full(len(h1), -1, dtype=np.int64)
        if not len(self.h1):
            return out
        pos = np.searchsorted(self.h1, h1)
        cand = np.flatnonzero(pos < len(self.h1))
        cand = cand[self.h1[pos[cand]] == h1[cand]]  # the first hash is known
        match = self.h2[pos[cand]] == h2[cand]
        out[cand[match]] = pos[cand[match]]
        for k in cand[~match]:  # the first hash shared by another key: look further (rare)
            i = pos[k] + 1
            while i < len(self.h1) and self.h1[i] == h1[k]:
                if self.h2[i] == h2[k]:
                    out[k] = i
                    break
                i += 1
        return out

    def _add(self, h1, h2, row) -> None:
        order = np.argsort(h1, kind="stable")
        h1, h2, row = h1[order], h2[order], row[order]
        pos = np.searchsorted(self.h1, h1)
        self.h1 = np.insert(self.h1, pos, h1)
        self.h2 = np.insert(self.h2, pos, h2)
        self.row = np.insert(self.row, pos, row)


def _nps_label(sheet, ps, folder: Path) -> tuple[str | None, pd.DataFrame | None]:
    """The NPS scale of the whole file (the label every answered row gets) and its note, from
    one pass over the score's column: `values.detect_nps_scale`'s rule on the whole column's
    count, lowest and highest answer."""
    cm = ps.mapping.source_of("nps")
    if cm is None or cm.index not in sheet.frame.columns:
        return None, None
    col = entity(ps.entity).column("nps")
    count, lo, hi = 0, np.inf, -np.inf
    for _, part in _parts(sheet, folder, [cm.index]):
        v = pd.to_numeric(values.parse_scale(part[cm.index], lo=col.lo, hi=col.hi).values)
        v = v.dropna()
        if len(v):
            count, lo, hi = count + len(v), min(lo, v.min()), max(hi, v.max())
    scale = values.nps_scale_from(count, lo, hi)
    cells = _Cells(sheet, ps.entity, cm.header, cm.letter, "nps")
    return scale, nps_scale_note(scale, count > 0, cells, cm.header)


def _validate(out: ImportPlan, parts: list, store, step, ps, folder: Path) -> None:
    """`combining._validate` for one sheet, part by part (see the module's docstring)."""
    report, sh, name = out.report, ps.sheet, ps.entity
    e = entity(name)
    currency = store.currency if store is not None else None
    res = combining.sheet_result(ps)
    report.sheets.append(res)
    step("validate", f"{sh.name}: {len(sh.frame):,} rows as {name}", None)
    tag = combining._file_tag(report, sh.file)
    mappings = {(sh.file, sh.name): ps.mapping}
    letters = {c.letter: i for i, c in enumerate(ps.mapping.columns)}
    scale, scale_note = _nps_label(sh, ps, folder)
    label = "1-10" if scale == "1-10" else "0-10"  # as `validation._nps_scale` labels rows
    found = _Issues(folder)
    found.add((0,), issues_frame(parts))
    notes: list = []
    known: dict = {}
    keys = _Keys()
    fields = {c: i for i, c in enumerate(REFERENCES)}
    good = spill.FrameWriter(folder, "rows")
    bad = spill.FrameWriter(folder, "rejected")
    for k, (lo, frame) in enumerate(_parts(sh, folder)):
        rows = np.asarray(sh.rows[lo : lo + len(frame)])
        part = reading.Sheet(sh.file, sh.name, sh.headers, frame, rows)
        df, iss = coerce(part, name, ps.mapping, key_tag=tag, currency=currency)
        for column in defaultable(name):
            if column not in df:
                df[column], note = combining._given(
                    column, out.survey_date, part, name, out.audience
                )
                if k == 0:
                    found.add((1,), note)
        if scale is not None and "nps_scale" in df:
            df["nps_scale"] = pd.Series(np.where(df["nps"].notna(), label, None), dtype="string")
        ranked = _ranked(iss, k, letters, len(ps.mapping.columns))
        if len(ranked):
            cell = ranked["row"].notna()
            notes.append(ranked.loc[~cell])
            for (c, r), g in ranked.loc[cell].groupby(["_c", "_r"], sort=False):
                found.add((2, c, r), g)
        dup, first = keys.update(df[e.key], df["_row"].to_numpy())
        dups = None
        if dup.any():
            dups = duplicate_issues(df, e, dup, first, df["_sheet"], mappings)
            found.add((3,), dups)
        for i, o in enumerate(order_issues(df, e, mappings)):
            found.add((4, i), o)
        for at in range(0, len(df), REFERENCE_ROWS):  # a warning's text on most rows: held
            refs = check_references({name: df[at : at + REFERENCE_ROWS]}, mappings, store, known)
            for field, g in refs.groupby("field", sort=False):  # a few thousand at a time
                found.add((5, fields.get(field, len(fields))), g)
        errors = issues_frame([iss, dups])
        ok, rejected = split(df, errors[errors["row"].notna()])
        if name == "feedback":
            ok = add_sentiment(ok)
        good.append(ok)
        bad.append(rejected)
        del df, frame, ok, rejected, iss, ranked, refs, dups
        _settled()
    merged = _merged(notes, scale_note, letters, ps)
    if merged is not None and len(merged):
        for (c, r), g in merged.groupby(["_c", "_r"], sort=False):
            found.add((2, c, r), g)
    report.issues = found.frame()
    out.tables[name], out.rejected[name] = good.close(), bad.close()
    res.rows_loaded, res.rows_rejected = len(out.tables[name]), len(out.rejected[name])
    _settled()


class _Issues:
    """Issues found part by part, written to files as found (a file with an issue on every
    row would otherwise hold them all), one file per place in the whole file's order: the
    planning's, the survey date's, each column's kind of cell issue, duplicates, each order
    rule, each reference. `frame` puts them in that order, mapped (text as "string")."""

    def __init__(self, folder: Path):
        self.folder, self.groups = folder, {}

    def add(self, key: tuple, frame: pd.DataFrame | None) -> None:
        if frame is None or not len(frame):
            return
        frame = issues_frame([frame])
        frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("float64")
        for c in ISSUE_COLUMNS:
            if c != "row":
                frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
        if key not in self.groups:
            stem = f"issues-{len(self.groups)}"
            self.groups[key] = spill.FrameWriter(self.folder, stem)
        self.groups[key].append(frame)

    def frame(self) -> pd.DataFrame:
        found = [self.groups[key].close() for key in sorted(self.groups)]
        if not found:
            return issues_frame()
        return pd.concat(found, ignore_index=True) if len(found) > 1 else found[0]


def _ranked(iss: pd.DataFrame, k: int, letters: dict, width: int) -> pd.DataFrame:
    """A part's coerce issues with where they come in the whole file's: column, kind, part."""
    if not len(iss):
        return iss
    rule, row = iss["rule"], iss["row"]
    rank = rule.map(RANK)
    rank = rank.where(~((rule == "range") & row.isna()), 2)
    rank = rank.where(~((rule == "range") & row.notna()), 5)
    if rank.isna().any() or (rule == "internal").any():
        raise _Whole(f"an issue of rule {sorted(set(rule[rank.isna()]))} in a part")
    col = iss["letter"].map(letters)
    col = col.where(rule != "key", width)
    if col.isna().any():
        raise _Whole("an issue outside the mapped columns")
    return iss.assign(_c=col.to_numpy(), _r=rank.to_numpy(), _k=k, _i=np.arange(len(iss)))


def _merged(cells: list, scale_note, letters: dict, ps) -> pd.DataFrame:
    """The parts' coerce issues as the whole file's: notes about a column said once."""
    found = (
        pd.concat([c for c in cells if len(c)], ignore_index=True)
        if any(len(c) for c in cells)
        else None
    )
    if found is None and scale_note is None:
        return None
    if found is None:
        found = pd.DataFrame(columns=[*ISSUE_COLUMNS, "_c", "_r", "_k", "_i"])
    found = found[found["rule"] != "scale"]
    note = found["row"].isna()
    # the same column note in several parts: said once (unit, derived keys); notes that count
    # cells of the whole column (codes out of scale, ids filled in) only when in one part
    counted = note & (
        ((found["rule"] == "range") & found["row"].isna())
        | ((found["rule"] == "key") & ~found["message"].astype(str).str.startswith("no "))
    )
    if found.loc[counted, ["_c", "_r"]].duplicated().any():
        raise _Whole("a note counting a column's cells in several parts")
    said = found["message"].where(found["rule"] != "key", "")  # row-derived ids: the first
    once = note & found.assign(_m=said).duplicated(["_c", "_r", "_m"], keep="first")
    found = found.loc[~once]
    if scale_note is not None:
        cm = ps.mapping.source_of("nps")
        extra = scale_note.assign(_c=letters[cm.letter], _r=7, _k=0, _i=0)
        found = pd.concat([found, extra], ignore_index=True)
    found = found.sort_values(["_c", "_r", "_k", "_i"], kind="stable")
    return found.reset_index(drop=True)
