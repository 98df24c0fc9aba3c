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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from pmo_data.ingest import effect, facets, judging, layouts, nondata, reading, signatures
from pmo_data.ingest.mapping import (
    ROW_KEYED,
    best_entity,
    defaultable,
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
from pmo_data.store.versions import VersionConflict

log = logging.getLogger(__name__)

Progress = Callable[[str, str, "float | None"], None]


# Sheets that document a workbook (like the template's README): ignored unless recognised.
DOC_SHEETS = {"readme", "read me", "instructions", "notes", "help", "about", "guide", "contents"}


# How messages name the next step, for the terminal and for the Data page (buttons and fields).
HINTS = {
    "cli": {
        "template": "use the template (`python -m pmo_data template`) or `--as ENTITY`",
        "accept": "accept loading without the rejected rows (--accept-rejected)",
        "date": "give the survey date with --date",
    },
    "web": {
        "template": "use the import template (download it at the bottom of this page) or "
        "choose the sheet's entity in the mapping review",
        "accept": "tick 'Import without the rejected rows'",
        "date": "give it in the 'Survey date' field",
    },
}


class ImportBlocked(Exception):
    """The plan cannot be applied as it is (the message says why and what to do)."""


class NeedsConfirmation(ImportBlocked):
    """The effect removes more than a fifth of an entity or changes keys: confirm it."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("this import " + "; and ".join(reasons))


class StoreMoved(ImportBlocked):
    """The store changed since the plan was made; `changes` says how (one line each)."""

    def __init__(self, base: int | None, current: int, changes: list[str]):
        self.base, self.current, self.changes = base, current, changes
        super().__init__(
            f"the store changed since these files were checked (version {base}, now {current}): "
            + "; ".join(changes)
            + " — check the files again and confirm the new effect"
        )


@dataclass
class PlannedSheet:
    sheet: object  # reading.Sheet
    entity: str | None
    score: float
    mapping: object | None  # mapping.Mapping
    chosen: bool = False  # entity or columns chosen by the user: remember the mapping
    tool: str | None = None  # the export's tool, when its signature was recognised
    skipped: str | None = None  # why a sheet that is not data was left out (info)


@dataclass
class ImportPlan:
    """What an import would do: rows to load and rejected per entity, and the report."""

    report: ImportReport
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)
    sheets: list[PlannedSheet] = field(default_factory=list)
    inputs: list = field(default_factory=list, repr=False)
    force_entity: str | None = None
    overrides: dict | None = field(default=None, repr=False)
    audience: str = "cli"
    survey_date: date | None = None  # the date of responses in files with no date column
    version: int | None = None  # set by apply
    base_version: int | None = None  # the store version the effect was computed against
    proposals: dict[str, effect.Proposal] = field(default_factory=dict)
    effects: dict[str, effect.Effect] = field(default_factory=dict, repr=False)

    @property
    def modes(self) -> dict[str, str]:
        """The chosen mode per entity."""
        return {k: v.mode for k, v in self.effects.items()}

    @property
    def confirmations(self) -> list[str]:
        """What needs an explicit confirmation before this plan applies, per entity."""
        return [f"{n}: {c}" for n, e in self.effects.items() for c in e.confirmations]

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
                sh = ps.sheet
                report.sources[(sh.file, sh.name)] = sh
                in_file.append(ps)
                file_parts += sheet_parts
                rows = f"{len(sh.frame):,} rows"
                what = ps.entity or ps.skipped or "not recognised"
                step("recognise", f"{sh.name}: {what} ({rows})", None)
                if ps.mapping is not None:
                    n = len(ps.mapping.targets)
                    step("map", f"{sh.name}: {n} of {len(sh.headers)} columns mapped", None)
        planned += in_file
        parts += _settle(name, in_file, file_parts, audience)
    out = ImportPlan(report, sheets=planned, inputs=inputs, force_entity=force_entity)
    out.overrides, out.audience, out.survey_date = mapping_overrides, audience, survey_date
    _validate(out, parts, store, step)
    decide(out, store, modes)
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


@dataclass
class _Unit:
    """A sheet as it will be planned: as read, turned round, or one part of a tracker export."""

    sheet: object
    found: signatures.Identified | None = None
    entity: str | None = None  # decided by its layout (a transposed sheet)
    notes: list = field(default_factory=list)  # (severity, message, rule)


def _units(sh, store, force_entity) -> list[_Unit]:
    """Structure first: a known tool's export (a tracker splits into projects and actions), or
    a sheet whose field names run down column A (turned round), or the sheet as read."""
    if force_entity or not any(str(h or "").strip() for h in sh.headers):
        return [_Unit(sh)]
    found = signatures.identify(sh)
    if found is not None and found.entity == "tracker":
        return [_Unit(part, f) for part, f in signatures.tracker_sheets(sh, found)]
    if found is not None:
        return [_Unit(sh, found)]
    if (
        normalise_header(sh.name) in DOC_SHEETS
        or recall(store, header_signature(sh.headers))
        or nondata.not_data(sh)
    ):
        return [_Unit(sh)]
    turned = layouts.transposed_if_better(sh)
    if turned is not None:
        msg = (
            f"sheet '{sh.name}': field names run down column A, one record per column — read "
            "turned round (row numbers in this sheet's issues are column numbers: 2 = column B)"
        )
        return [_Unit(turned[0], entity=turned[1], notes=[("info", msg, "transposed")])]
    return [_Unit(sh)]


def _plan_sheet(unit: _Unit, store, force_entity, overrides, audience="cli"):
    """Recognise and map one sheet -> (PlannedSheet, issues)."""
    sh, found = unit.sheet, unit.found
    where = dict(file=sh.file, sheet=sh.name)
    skipped = [
        issue("info", f"row skipped: {s.reason}", row=s.row, rule="skipped", **where)
        for s in sh.skipped
    ] + [issue(sev, msg, rule=rule, **where) for sev, msg, rule in unit.notes]
    if not any(str(h or "").strip() for h in sh.headers):
        if sh.parts & {"chart", "chartsheet"}:  # a chart sheet holds no cells
            msg = f"sheet '{sh.name}' skipped: looks like a chart — not imported"
            ps = PlannedSheet(sh, None, 0.0, None, chosen=True, skipped="a chart")
            return ps, [issue("info", msg, rule="skipped", **where)]
        msg = f"sheet '{sh.name}' is empty — ignored"
        return PlannedSheet(sh, None, 0.0, None, skipped="empty"), [
            issue("info", msg, rule="empty", **where)
        ]
    ov = dict(_overrides_for(overrides, sh))
    if "__entity__" in ov and ov["__entity__"] in (None, "", "skip"):
        msg = f"sheet '{sh.name}' not imported, as chosen"
        return PlannedSheet(sh, None, 0.0, None, chosen=True, skipped="as chosen"), [
            issue("info", msg, rule="skipped", **where)
        ]
    chosen_entity = ov.pop("__entity__", None)
    forced = chosen_entity or force_entity
    is_doc = normalise_header(sh.name) in DOC_SHEETS and not chosen_entity
    sig = header_signature(sh.headers)
    memory = recall(store, sig)
    tool_map = None
    if found is not None and forced and found.entity != chosen_entity:
        found = None  # the user chose another entity for this sheet
    if found is not None and memory and memory.get("entity") != found.entity:
        memory = None  # remembered for the other part of this layout (a tracker's epics)
    if found is not None and found.refuse:
        msg = f"sheet '{sh.name}' is {found.refuse}"
        return PlannedSheet(sh, None, 0.0, None, tool=found.tool.key), skipped + [
            issue("error", msg, rule="tool", **where)
        ]
    if found is not None and memory:  # a mapping the user confirmed for this layout
        name, score = found.entity, 1.0
    elif found is not None:
        name, score = found.entity, 1.0
        sh, notes = signatures.prepared(sh, found)
        tool_map = signatures.tool_mapping(sh, found, name)
        skipped.append(
            issue("info", f"recognised as a {found.tool.label} export", rule="tool", **where)
        )
        skipped += [issue("info", msg, rule="tool", **where) for msg in notes]
        skipped += [issue(sev, msg, rule="tool", **where) for sev, msg in found.notes]
    elif forced and not is_doc:
        name, score = entity(forced).name, 1.0
    elif unit.entity and not memory:
        name, score = unit.entity, 1.0
    elif not memory and (reason := nondata.not_data(sh)):
        name, score = None, 0.0  # a chart, a pivot table or a summary: not records
    else:
        name, score = best_entity(sh, memory=memory)
    if is_doc and (name is None or forced):
        msg = f"sheet '{sh.name}' looks like notes or instructions — not imported"
        return PlannedSheet(sh, None, 0.0, None, chosen=True, skipped="notes or instructions"), [
            issue("info", msg, rule="skipped", **where)
        ]
    if name is None:
        reason = nondata.why_skipped(sh)
        hint = "; ".join(f"{e.name}: {expected_columns(e, 3)}" for e in ENTITIES.values())
        msg = (
            f"sheet '{sh.name}': no recognisable columns ({nondata.describe(reason)}); "
            f"expected e.g. {hint} — " + HINTS[audience]["template"]
        )
        ps = PlannedSheet(sh, None, score, None, skipped=reason)
        notes = [p for p in skipped if not (p["rule"] == "skipped").all()]  # not row by row
        return ps, notes + [issue("error", msg, rule="sheet", **where)]
    if tool_map is not None:
        m = tool_map
    else:
        filled = (
            [int(n) for n in sh.frame.notna().sum().tolist()] if len(sh.frame.columns) else None
        )
        mem = memory if memory and memory.get("entity") == name else None
        m = map_headers(sh.headers, name, mem, filled=filled)
    m, judged = judging.judge(m, sh)  # values correct what headers suggested
    if ov:
        m = m.with_overrides(ov)
    skipped = skipped + [judged, judging.category_checks(sh, m)]
    ps = PlannedSheet(
        sh, name, score, m, chosen=bool(forced or ov), tool=found.tool.key if found else None
    )
    e = ENTITIES[name]
    missing = [
        r for r in e.required if r != e.key and r not in m.targets and r not in defaultable(name)
    ]
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
        ps = PlannedSheet(sh, None, score, m, tool=ps.tool, skipped="headers only")
        return ps, skipped + [issue("error", msg, entity=name, rule="sheet", **where)]
    return ps, skipped


def _settle(
    file: str, planned: list[PlannedSheet], parts: list[pd.DataFrame], audience: str = "cli"
) -> list:
    """Sheets that are not data, once a file's sheets are planned: when another sheet of the
    file is imported they are left out with one note each (information, not an error); when
    none is, the file is refused once, naming what each sheet looks like."""
    unknown = [ps for ps in planned if ps.entity is None and ps.skipped]
    unknown = [ps for ps in unknown if ps.skipped not in ("empty", "as chosen")]
    imported = any(ps.entity for ps in planned)
    if not imported:  # sheets recognised but empty keep their errors (a blank template)
        recognised = [ps for ps in unknown if ps.skipped == "headers only"]
        if recognised:
            unknown = [ps for ps in unknown if ps.skipped != "headers only"]
            imported = True
    if not unknown:
        return parts
    names = {ps.sheet.name for ps in unknown}
    if not imported and len(planned) == 1:
        return parts
    kept = []
    for p in parts:
        if (
            p is not None
            and len(p)
            and (p["rule"] == "sheet").all()
            and p["sheet"].iloc[0] in names
        ):
            continue  # replaced below
        kept.append(p)
    for ps in unknown:
        if ps.chosen:
            continue  # already noted (notes, a chart sheet)
        msg = f"sheet '{ps.sheet.name}' skipped: {nondata.describe(ps.skipped)} — not imported"
        kept.append(issue("info", msg, rule="skipped", file=file, sheet=ps.sheet.name))
    if not imported:
        hint = "; ".join(f"{e.name}: {expected_columns(e, 3)}" for e in ENTITIES.values())
        msg = (
            f"no sheet recognised ({len(planned)} sheets, none holds data we know); "
            f"expected e.g. {hint} — " + HINTS[audience]["template"]
        )
        kept.append(issue("error", msg, rule="file", file=file))
    return kept


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
        res.tool, res.skipped = ps.tool, ps.skipped
        report.sheets.append(res)
        results[(sh.file, sh.name)] = res
        if ps.entity is None or (sh.file, sh.name) in sheet_errors:
            # empty, skipped by choice, or skipped beside recognised sheets: nothing rejected
            unused = ps.entity is None and (
                sh.empty or ps.chosen or (ps.skipped and (sh.file, sh.name) not in sheet_errors)
            )
            res.rows_rejected = 0 if unused else len(sh.frame)
            continue
        step("validate", f"{sh.name}: {len(sh.frame):,} rows as {ps.entity}", None)
        tag = f"{len(frames.get(ps.entity, [])) + 1}." if frames.get(ps.entity) else ""
        tag = _file_tag(report, sh.file) + tag
        df, iss = coerce(sh, ps.entity, ps.mapping, key_tag=tag, currency=currency)
        for column in defaultable(ps.entity):
            if column not in df:
                df[column], note = _given(column, out.survey_date, sh, ps.entity, out.audience)
                parts.append(note)
        frames.setdefault(ps.entity, []).append(df)
        mappings.setdefault(ps.entity, {})[(sh.file, sh.name)] = ps.mapping
        parts.append(iss)
    combined = {}
    for name, dfs in frames.items():
        if name == "projects" and len(dfs) > 1:  # a master workbook's facet sheets, joined
            dfs, iss, joined = facets.join(dfs, name)
            parts.append(iss)
            for key, n in joined.items():
                results[key].rows_merged += n
        df = pd.concat(dfs, ignore_index=True) if len(dfs) > 1 else dfs[0]
        before = df.groupby(["_file", "_sheet"]).size()
        df, iss = check(df, name, mappings[name])
        after = df.groupby(["_file", "_sheet"]).size()
        for key, n in before.items():
            results[key].rows_merged += int(n - after.get(key, 0))
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


def _given(column: str, given: date | None, sh, entity_name: str, audience: str = "cli"):
    """A whole-file value for a required column the file lacks (a survey's date), and the one
    warning that says so."""
    day = given or date.today()
    if given:
        msg = f"no {column} column: every row is dated {day:%Y-%m-%d}, the survey date given"
    else:
        msg = (
            f"no {column} column: every row is dated {day:%Y-%m-%d}, the import date — if the "
            f"survey was answered earlier, {HINTS[audience]['date']}"
        )
    note = issue(
        "info" if given else "warning",
        msg,
        entity=entity_name,
        file=sh.file,
        sheet=sh.name,
        rule="date",
        field=column,
    )
    return pd.Series(pd.Timestamp(day), index=range(len(sh.frame)), dtype="datetime64[ns]"), note


def _file_tag(report: ImportReport, file: str) -> str:
    """Part of ids derived from row numbers: the file's short hash, so rows of two survey
    waves never share an id, and the same file uploaded twice gives the same ids."""
    rec = next((f for f in report.files if f["name"] == file), None)
    return f"{rec['sha256'][:6]}-" if rec else ""


def _current(store, name: str, version: int | None) -> pd.DataFrame:
    if store is None or not version:
        return pd.DataFrame({entity(name).key: pd.Series([], dtype="string")})
    return store.frame(name, version)


def decide(plan_: ImportPlan, store, modes: str | dict[str, str] | None = None) -> None:
    """Record the store version, propose a mode per entity and compute the chosen effects."""
    plan_.base_version = store.current_version() if store is not None else None
    plan_.proposals, plan_.effects = {}, {}
    issues = plan_.report.issues
    for name, incoming in list(plan_.tables.items()):
        key = entity(name).key
        current = _current(store, name, plan_.base_version)
        derived = ((issues["rule"] == "key") & (issues["entity"] == name)).any()
        if derived and name in ROW_KEYED:  # ids from row numbers: match rows by their values
            plan_.tables[name] = incoming = effect.match_by_content(name, current, incoming)
        plan_.proposals[name] = effect.propose(name, current[key], incoming[key])
    choose(plan_, store, modes)


def choose(plan_: ImportPlan, store, modes: str | dict[str, str] | None = None) -> None:
    """Set the mode of some or all entities (None: the proposal) and recompute their effect."""
    if isinstance(modes, str):
        modes = {name: modes for name in plan_.tables}
    modes = dict(modes or {})
    for mode in modes.values():
        if mode not in effect.MODES:
            raise ValueError(f"mode {mode!r}: expected one of {', '.join(effect.MODES)}")
    for name, incoming in plan_.tables.items():
        mode = modes.get(name) or plan_.proposals[name].mode
        if name in plan_.effects and plan_.effects[name].mode == mode:
            continue
        current = _current(store, name, plan_.base_version)
        plan_.effects[name] = effect.compute(name, mode, current, incoming)


def changes_since(store, version: int | None) -> list[str]:
    """The versions written after `version`, one line each: who did what, with what counts."""
    hist = store.history()
    later = hist[hist["version"] > (version or 0)].sort_values("version")
    out = []
    for r in later.to_dict("records"):
        files = ", ".join(f.get("name", "?") for f in r["files"])
        counts = ", ".join(f"{k} {v:,}" for k, v in r["row_counts"].items())
        what = r["action"] + (f" of {files}" if files else "")
        when = pd.Timestamp(r["created_at"]).strftime("%d %b %H:%M")
        out.append(f"version {r['version']} by {r['user_name']} at {when}: {what} ({counts})")
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


def history_note(plan_: ImportPlan, confirmed: bool) -> str:
    """The modes, effect and any confirmed removal, for the version's history entry."""
    note = "; ".join(f"{name} {eff.mode}: {_short(eff)}" for name, eff in plan_.effects.items())
    if confirmed and plan_.confirmations:
        note += ". Confirmed: " + "; ".join(plan_.confirmations)
    return note


def _short(eff: effect.Effect) -> str:
    bits = [f"+{eff.added:,}", f"~{eff.changed:,}", f"-{eff.removed:,}"]
    if eff.duplicates:
        bits.append(f"{eff.duplicates:,} duplicates left out")
    return " ".join(bits)


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


def blocked_message(report: ImportReport, n: int = 5, audience: str = "cli") -> str:
    errors = report.errors()
    lines = [format_issue(r) for r in errors.head(n).to_dict("records")]
    more = f" (+{len(errors) - n} more)" if len(errors) > n else ""
    return (
        f"{len(errors)} error(s){more}; fix the source, or {HINTS[audience]['accept']}:\n  "
        + "\n  ".join(lines)
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
