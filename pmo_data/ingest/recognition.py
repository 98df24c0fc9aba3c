"""Planning one file's sheets: split into units (a tool's export, a turned-round sheet),
recognise and map each sheet, and settle the sheets that are not data."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pmo_data.ingest import judging, layouts, nondata, signatures
from pmo_data.ingest.mapping import (
    best_entity,
    defaultable,
    expected_columns,
    header_signature,
    key_derivable,
    map_headers,
    recall,
)
from pmo_data.ingest.plans import DOC_SHEETS, HINTS, PlannedSheet
from pmo_data.ingest.validation import issue
from pmo_data.schema import ENTITIES, entity, normalise_header


def _overrides_for(overrides: dict | None, sheet) -> dict:
    """Overrides are keyed by (file, sheet) or by sheet name; '__entity__' forces an entity."""
    if not overrides:
        return {}
    return overrides.get((sheet.file, sheet.name)) or overrides.get(sheet.name) or {}


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
