"""Files in, one store version out: read -> recognise -> map -> validate -> import.

`plan` is a dry run that writes nothing; it returns the rows that would load, the report, a
proposed mode per entity (replace, merge or append: `effect.propose`) and the effect of the
chosen modes (rows added, changed, removed, unchanged), made against the store version it
records. `apply` writes a plan as one version (one transaction: the whole upload lands or
nothing changes). It refuses a plan with errors unless `accept_rejected`, which loads the good
rows and records the rejected ones in the report; warnings never block. It refuses a plan made
against an older version (`StoreMoved`: check again), and an effect that removes more than a
fifth of an entity or changes keys unless `allow_removals` (`NeedsConfirmation`); a confirmed
one is named in the history entry. `import_files` does both.
"""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import date
from pathlib import Path

import pandas as pd

from pmo_data.ingest import reading
from pmo_data.ingest.applying import (
    blocked_message,
    changes_since,
    choose,
    decide,
    history_note,
)
from pmo_data.ingest.combining import _validate
from pmo_data.ingest.mapping import remember
from pmo_data.ingest.plans import (
    DOC_SHEETS,
    HINTS,
    ImportBlocked,
    ImportPlan,
    NeedsConfirmation,
    PlannedSheet,
    Progress,
    StoreMoved,
)
from pmo_data.ingest.recognition import _plan_sheet, _settle, _units, read_error_message
from pmo_data.ingest.report import ImportReport, SheetResult
from pmo_data.ingest.validation import issue
from pmo_data.schema import entity
from pmo_data.store.versions import VersionConflict

__all__ = [
    "DOC_SHEETS",
    "HINTS",
    "ImportBlocked",
    "ImportPlan",
    "NeedsConfirmation",
    "PlannedSheet",
    "Progress",
    "StoreMoved",
    "apply",
    "blocked_message",
    "changes_since",
    "choose",
    "decide",
    "history_note",
    "import_files",
    "plan",
    "read_error_message",
    "replan",
]

log = logging.getLogger(__name__)


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


def plan(
    files,
    store=None,
    force_entity: str | None = None,
    *,
    mapping_overrides: dict | None = None,
    on_step: Progress | None = None,
    modes: str | dict[str, str] | None = None,
    audience: str = "cli",
    survey_date: date | None = None,
) -> ImportPlan:
    """Read, recognise, map, validate, report and say the effect; nothing is written.

    files: [(name, bytes | path)] or paths. store: used to recall remembered mappings, check
    references against current data, read the currency and compute the effect. force_entity:
    treat every sheet as this entity (the CLI's --as). mapping_overrides: {(file, sheet) |
    sheet: {header: target | None, "__entity__": entity, or None to leave the sheet out}}.
    modes: one mode for every entity or {entity: mode}; the rest take the proposed mode.
    audience: "cli" or "web": how messages name the next step (options or page controls).
    survey_date: the date given to responses in survey files with no date column (default:
    the import date).
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
        in_file: list[PlannedSheet] = []
        file_parts: list[pd.DataFrame] = []
        for read in sheets:
            for unit in _units(read, store, force_entity):
                ps, sheet_parts = _plan_sheet(
                    unit, store, force_entity, mapping_overrides, audience
                )
                announce(ps, report, step)
                in_file.append(ps)
                file_parts += sheet_parts
        planned += in_file
        parts += _settle(name, in_file, file_parts, audience)
    out = ImportPlan(report, sheets=planned, inputs=inputs, force_entity=force_entity)
    out.overrides, out.audience, out.survey_date = mapping_overrides, audience, survey_date
    _validate(out, parts, store, step)
    decide(out, store, modes)
    return finish(out, step)


def announce(ps: PlannedSheet, report: ImportReport, step: Progress) -> None:
    """Keep a planned sheet as read (for the review) and say what it was recognised as."""
    sh = ps.sheet
    report.sources[(sh.file, sh.name)] = sh
    what = ps.entity or ps.skipped or "not recognised"
    step("recognise", f"{sh.name}: {what} ({len(sh.frame):,} rows)", None)
    if ps.mapping is not None:
        n = len(ps.mapping.targets)
        step("map", f"{sh.name}: {n} of {len(sh.headers)} columns mapped", None)


def finish(out: ImportPlan, step: Progress) -> ImportPlan:
    """Each file's record of its sheets (entity, rows read and loaded); the last step said."""
    for res in out.report.sheets:
        rec = next((f for f in out.report.files if f["name"] == res.file), None)
        if rec is not None and res.sheet:
            rec["sheets"][res.sheet] = {
                "entity": res.entity,
                "rows": res.rows_read,
                "loaded": res.rows_loaded,
            }
    step("done", f"{sum(out.row_counts.values())} rows ready", 1.0)
    return out


def replan(plan_: ImportPlan, store, on_step: Progress | None = None) -> ImportPlan:
    """The same files checked again against the store as it is now (modes proposed afresh)."""
    return plan(
        plan_.inputs,
        store,
        plan_.force_entity,
        mapping_overrides=plan_.overrides,
        on_step=on_step,
        audience=plan_.audience,
        survey_date=plan_.survey_date,
    )


def apply(
    plan_: ImportPlan,
    store,
    user: str | None = None,
    accept_rejected: bool = False,
    mapping_overrides: dict | None = None,
    *,
    on_step: Progress | None = None,
    note: str = "",
    modes: str | dict[str, str] | None = None,
    allow_removals: bool = False,
    viewer=None,
) -> int:
    """Write the plan as one new version and return it (the store is unchanged on failure).

    `viewer` is who imports: the store refuses unless they may (PMO analysts and admins)."""
    if mapping_overrides:
        fresh = plan(
            plan_.inputs,
            store,
            plan_.force_entity,
            mapping_overrides=mapping_overrides,
            modes=modes or plan_.modes or None,
            audience=plan_.audience,
            survey_date=plan_.survey_date,
        )
        plan_.__dict__.update(fresh.__dict__)
    elif plan_.base_version is None:  # planned without a store
        decide(plan_, store, modes or plan_.modes or None)
    elif modes:
        choose(plan_, store, modes)
    current = store.current_version()
    if current != plan_.base_version:
        raise StoreMoved(plan_.base_version, current, changes_since(store, plan_.base_version))
    report = plan_.report
    if report.has_errors and not accept_rejected:
        raise ImportBlocked(blocked_message(report, audience=plan_.audience))
    if not any(len(v) for v in plan_.tables.values()):
        raise ImportBlocked(
            "nothing to import: no sheet had rows that could be loaded — "
            + (
                blocked_message(report, audience=plan_.audience)
                if report.has_errors
                else "check the files"
            )
        )
    if plan_.confirmations and not allow_removals:
        raise NeedsConfirmation(plan_.confirmations)
    tables = {k: e.table for k, e in plan_.effects.items() if e.changes_anything}
    if not tables:
        dups = sum(e.duplicates for e in plan_.effects.values())
        raise ImportBlocked(
            "nothing changes: every row of the files is already in the store as it is"
            + (f" ({dups:,} duplicates)" if dups else "")
        )
    rejected = sum(len(v) for v in plan_.rejected.values())
    notes = [note] if note else []
    if rejected and not note:
        notes.append(f"{rejected} rejected rows left out (see the import report)")
    notes.append(history_note(plan_, confirmed=allow_removals))
    (on_step or (lambda *a: None))("import", f"{sum(map(len, tables.values())):,} rows", None)
    try:
        version = store.write_version(
            tables,
            action="import",
            user=user,
            files=report.files,
            issue_counts={**report.counts, "rejected_rows": rejected},
            note=". ".join(notes),
            expected_version=plan_.base_version,
            viewer=viewer,
        )
    except VersionConflict:
        base = plan_.base_version
        raise StoreMoved(base, store.current_version(), changes_since(store, base)) from None
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


def import_files(
    files,
    store,
    *,
    user: str | None = None,
    force_entity: str | None = None,
    accept_rejected: bool = False,
    mapping_overrides: dict | None = None,
    on_step: Progress | None = None,
    modes: str | dict[str, str] | None = None,
    allow_removals: bool = False,
    viewer=None,
    survey_date: date | None = None,
) -> ImportPlan:
    """plan + apply; returns the plan with `.version` set (its report says what happened)."""
    p = plan(
        files,
        store,
        force_entity,
        mapping_overrides=mapping_overrides,
        on_step=on_step,
        modes=modes,
        survey_date=survey_date,
    )
    apply(
        p,
        store,
        user=user,
        accept_rejected=accept_rejected,
        on_step=on_step,
        allow_removals=allow_removals,
        viewer=viewer,
    )
    return p
