"""Files in, one store version out: read -> recognise -> map -> validate -> import.

`plan` is a dry run that writes nothing; it returns the rows that would load and the report.
`apply` writes a plan as one version (one transaction: the whole upload lands or nothing
changes). It refuses a plan with errors unless `accept_rejected`, which loads the good rows
and records the rejected ones in the report; warnings never block. `import_files` does both.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pmo_data.ingest import reading
from pmo_data.ingest.mapping import (
    best_entity,
    expected_columns,
    header_signature,
    key_derivable,
    map_headers,
    recall,
    remember,
)
from pmo_data.ingest.report import ImportReport, SheetResult, format_issue
from pmo_data.ingest.rules import add_sentiment, check, check_references, split
from pmo_data.ingest.validation import coerce, issue, issues_frame
from pmo_data.schema import ENTITIES, entity, normalise_header

log = logging.getLogger(__name__)

Progress = Callable[[str, str, "float | None"], None]


# Sheets that document a workbook (like the template's README): ignored unless recognised.
DOC_SHEETS = {"readme", "read me", "instructions", "notes", "help", "about", "guide", "contents"}


class ImportBlocked(Exception):
    """The plan cannot be applied as it is (the message says why and what to do)."""


@dataclass
class PlannedSheet:
    sheet: object  # reading.Sheet
    entity: str | None
    score: float
    mapping: object | None  # mapping.Mapping
    chosen: bool = False  # entity or columns chosen by the user: remember the mapping


@dataclass
class ImportPlan:
    """What an import would do: rows to load and rejected per entity, and the report."""

    report: ImportReport
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)
    sheets: list[PlannedSheet] = field(default_factory=list)
    inputs: list = field(default_factory=list, repr=False)
    force_entity: str | None = None
    version: int | None = None  # set by apply

    @property
    def has_errors(self) -> bool:
        return self.report.has_errors

    @property
    def row_counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.tables.items()}


def _inputs(files) -> list[tuple[str, object]]:
    out = []
    for f in files:
        if isinstance(f, (str, os.PathLike)):
            f = (Path(f).name, Path(f))
        name, source = f
        if isinstance(source, (str, os.PathLike)):
            source = Path(source)
            if not source.is_file():
                raise FileNotFoundError(f"{source}: no such file")
        out.append((str(name), source))
    return out


def _fingerprint(source) -> tuple[str, int]:
    h = hashlib.sha256()
    if isinstance(source, Path):
        with source.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest(), source.stat().st_size
    data = bytes(source)
    h.update(data)
    return h.hexdigest(), len(data)


def _overrides_for(overrides: dict | None, sheet) -> dict:
    """Overrides are keyed by (file, sheet) or by sheet name; '__entity__' forces an entity."""
    if not overrides:
        return {}
    return overrides.get((sheet.file, sheet.name)) or overrides.get(sheet.name) or {}


def plan(
    files,
    store=None,
    force_entity: str | None = None,
    *,
    mapping_overrides: dict | None = None,
    on_step: Progress | None = None,
) -> ImportPlan:
    """Read, recognise, map, validate and report; nothing is written.

    files: [(name, bytes | path)] or paths. store: used to recall remembered mappings, check
    references against current data and read the currency. force_entity: treat every sheet
    as this entity (the CLI's --as). mapping_overrides: {(file, sheet) | sheet: {header:
    target | None, "__entity__": entity, or None to leave the sheet out}}.
    """
    step = on_step or (lambda *a: None)
    if force_entity:
        entity(force_entity)
    inputs = _inputs(files)
    report = ImportReport()
    parts: list[pd.DataFrame] = []
    planned: list[PlannedSheet] = []
    for i, (name, source) in enumerate(inputs):
        step("read", name, i / max(len(inputs), 1))
        sha, size = _fingerprint(source)
        record = {"name": name, "sha256": sha, "size": size, "sheets": {}}
        report.files.append(record)
        try:
            sheets = reading.read_file(source, filename=name)
        except reading.ReadError as exc:
            parts.append(issue("error", read_error_message(exc, name), file=name, rule="file"))
            report.sheets.append(SheetResult(name, getattr(exc, "sheet", None) or "", None))
            continue
        for sh in sheets:
            ps, sheet_parts = _plan_sheet(sh, store, force_entity, mapping_overrides)
            report.sources[(sh.file, sh.name)] = sh
            planned.append(ps)
            parts += sheet_parts
            rows = f"{len(sh.frame):,} rows"
            step("recognise", f"{sh.name}: {ps.entity or 'not recognised'} ({rows})", None)
            if ps.mapping is not None:
                n = len(ps.mapping.targets)
                step("map", f"{sh.name}: {n} of {len(sh.headers)} columns mapped", None)
    out = ImportPlan(report, sheets=planned, inputs=inputs, force_entity=force_entity)
    _validate(out, parts, store, step)
    for res in report.sheets:
        rec = next((f for f in report.files if f["name"] == res.file), None)
        if rec is not None and res.sheet:
            rec["sheets"][res.sheet] = {
                "entity": res.entity,
                "rows": res.rows_read,
                "loaded": res.rows_loaded,
            }
    step("done", f"{sum(out.row_counts.values())} rows ready", 1.0)
    return out


def read_error_message(exc: Exception, name: str) -> str:
    """The reader's message, naming the file and ending with its hint (what to do)."""
    msg = str(exc)
    if name not in msg:
        msg = f"{name}: {msg}"
    sheet = getattr(exc, "sheet", None)
    if sheet and sheet not in msg:
        msg += f" (sheet '{sheet}')"
    hint = getattr(exc, "hint", None)
    if hint and hint not in msg:
        msg += f" — {hint}"
    return msg


def _plan_sheet(sh, store, force_entity, overrides):
    """Recognise and map one sheet -> (PlannedSheet, issues)."""
    where = dict(file=sh.file, sheet=sh.name)
    skipped = [
        issue("info", f"row skipped: {s.reason}", row=s.row, rule="skipped", **where)
        for s in sh.skipped
    ]
    if not any(str(h or "").strip() for h in sh.headers):
        msg = f"sheet '{sh.name}' is empty — ignored"
        return PlannedSheet(sh, None, 0.0, None), [issue("info", msg, rule="empty", **where)]
    ov = dict(_overrides_for(overrides, sh))
    if "__entity__" in ov and ov["__entity__"] in (None, "", "skip"):
        msg = f"sheet '{sh.name}' not imported, as chosen"
        return PlannedSheet(sh, None, 0.0, None, chosen=True), [
            issue("info", msg, rule="skipped", **where)
        ]
    chosen_entity = ov.pop("__entity__", None)
    forced = chosen_entity or force_entity
    is_doc = normalise_header(sh.name) in DOC_SHEETS and not chosen_entity
    sig = header_signature(sh.headers)
    memory = recall(store, sig)
    if forced and not is_doc:
        name, score = entity(forced).name, 1.0
    else:
        name, score = best_entity(sh, memory=memory)
    if is_doc and (name is None or forced):
        msg = f"sheet '{sh.name}' looks like notes or instructions — not imported"
        return PlannedSheet(sh, None, 0.0, None, chosen=True), [
            issue("info", msg, rule="skipped", **where)
        ]
    if name is None:
        hint = "; ".join(f"{e.name}: {expected_columns(e, 3)}" for e in ENTITIES.values())
        msg = (
            f"sheet '{sh.name}': no recognisable columns; expected e.g. {hint} — use the "
            "template (`python -m pmo_data template`) or `--as ENTITY`"
        )
        return PlannedSheet(sh, None, score, None), [issue("error", msg, rule="sheet", **where)]
    filled = [int(n) for n in sh.frame.notna().sum().tolist()] if len(sh.frame.columns) else None
    mem = memory if memory and memory.get("entity") == name else None
    m = map_headers(sh.headers, name, mem, filled=filled)
    if ov:
        m = m.with_overrides(ov)
    ps = PlannedSheet(sh, name, score, m, chosen=bool(forced or ov))
    e = ENTITIES[name]
    missing = [r for r in e.required if r != e.key and r not in m.targets]
    if not key_derivable(e, m):
        missing.insert(0, e.key)
    if missing:
        msg = (
            f"sheet '{sh.name}' as {name}: required column(s) {', '.join(missing)} not found "
            f"— add them (see the template) or map a column to them"
        )
        ps.mapping = m
        return ps, skipped + [issue("error", msg, entity=name, rule="sheet", **where)]
    if len(sh.frame) == 0:
        msg = f"sheet '{sh.name}' has headers but no data rows — nothing to import"
        return ps, skipped + [issue("error", msg, entity=name, rule="sheet", **where)]
    return ps, skipped


def _validate(out: ImportPlan, parts: list, store, step) -> None:
    """Coerce each usable sheet, apply the rules per entity and across entities, split."""
    report = out.report
    currency = store.currency if store is not None else None
    frames: dict[str, list[pd.DataFrame]] = {}
    mappings: dict[str, dict] = {}
    results: dict[tuple, SheetResult] = {}
    sheet_errors = {
        (f, s)
        for f, s, r, sev in issues_frame(parts)[["file", "sheet", "row", "severity"]].itertuples(
            index=False
        )
        if sev == "error" and pd.isna(r)
    }
    for ps in out.sheets:
        sh = ps.sheet
        res = SheetResult(sh.file, sh.name, ps.entity, ps.score, len(sh.frame))
        res.rows_skipped, res.mapping = len(sh.skipped), ps.mapping
        report.sheets.append(res)
        results[(sh.file, sh.name)] = res
        if ps.entity is None or (sh.file, sh.name) in sheet_errors:
            unused = ps.entity is None and (sh.empty or ps.chosen)  # empty or skipped by choice
            res.rows_rejected = 0 if unused else len(sh.frame)
            continue
        step("validate", f"{sh.name}: {len(sh.frame):,} rows as {ps.entity}", None)
        tag = f"{len(frames.get(ps.entity, [])) + 1}." if frames.get(ps.entity) else ""
        df, iss = coerce(sh, ps.entity, ps.mapping, key_tag=tag, currency=currency)
        frames.setdefault(ps.entity, []).append(df)
        mappings.setdefault(ps.entity, {})[(sh.file, sh.name)] = ps.mapping
        parts.append(iss)
    combined = {}
    for name, dfs in frames.items():
        df = pd.concat(dfs, ignore_index=True) if len(dfs) > 1 else dfs[0]
        before = df.groupby(["_file", "_sheet"]).size()
        df, iss = check(df, name, mappings[name])
        after = df.groupby(["_file", "_sheet"]).size()
        for key, n in before.items():
            results[key].rows_merged = int(n - after.get(key, 0))
        parts.append(iss)
        combined[name] = df
    all_maps = {k: m for ms in mappings.values() for k, m in ms.items()}
    parts.append(check_references(combined, all_maps, store))
    report.issues = issues_frame(parts)
    for name, df in combined.items():
        good, bad = split(df, report.issues)
        if name == "feedback":
            good = add_sentiment(good)
        out.tables[name], out.rejected[name] = good, bad
        for frame, attr in ((good, "rows_loaded"), (bad, "rows_rejected")):
            for key, n in frame.groupby(["_file", "_sheet"]).size().items():
                setattr(results[key], attr, int(n))


def apply(
    plan_: ImportPlan,
    store,
    user: str | None = None,
    accept_rejected: bool = False,
    mapping_overrides: dict | None = None,
    *,
    on_step: Progress | None = None,
    note: str = "",
    viewer=None,
) -> int:
    """Write the plan as one new version and return it (the store is unchanged on failure).

    `viewer` is who imports: the store refuses unless they may (PMO analysts and admins)."""
    if mapping_overrides:
        fresh = plan(plan_.inputs, store, plan_.force_entity, mapping_overrides=mapping_overrides)
        plan_.__dict__.update(fresh.__dict__)
    report = plan_.report
    if report.has_errors and not accept_rejected:
        raise ImportBlocked(blocked_message(report))
    tables = {k: v for k, v in plan_.tables.items() if len(v) or k in plan_.rejected}
    if not any(len(v) for v in tables.values()):
        raise ImportBlocked(
            "nothing to import: no sheet had rows that could be loaded — "
            + (blocked_message(report) if report.has_errors else "check the files")
        )
    rejected = sum(len(v) for v in plan_.rejected.values())
    if rejected and not note:
        note = f"{rejected} rejected rows left out (see the import report)"
    (on_step or (lambda *a: None))("import", f"{sum(map(len, tables.values())):,} rows", None)
    version = store.write_version(
        tables,
        action="import",
        user=user,
        files=report.files,
        issue_counts={**report.counts, "rejected_rows": rejected},
        note=note,
        viewer=viewer,
    )
    for ps in plan_.sheets:
        if ps.chosen and ps.mapping is not None:
            remember(store, ps.mapping.signature, ps.entity, ps.mapping, viewer=viewer)
    plan_.version = version
    log.info(
        "imported %s as version %s (%s rejected rows)",
        ", ".join(str(f.get("name", "?")) for f in report.files),
        version,
        rejected,
    )
    return version


def blocked_message(report: ImportReport, n: int = 5) -> str:
    errors = report.errors()
    lines = [format_issue(r) for r in errors.head(n).to_dict("records")]
    more = f" (+{len(errors) - n} more)" if len(errors) > n else ""
    return (
        f"{len(errors)} error(s){more}; fix the source, or accept loading without the rejected "
        "rows (--accept-rejected):\n  " + "\n  ".join(lines)
    )


def import_files(
    files,
    store,
    *,
    user: str | None = None,
    force_entity: str | None = None,
    accept_rejected: bool = False,
    mapping_overrides: dict | None = None,
    on_step: Progress | None = None,
) -> ImportPlan:
    """plan + apply; returns the plan with `.version` set (its report says what happened)."""
    p = plan(files, store, force_entity, mapping_overrides=mapping_overrides, on_step=on_step)
    apply(p, store, user=user, accept_rejected=accept_rejected, on_step=on_step)
    return p
