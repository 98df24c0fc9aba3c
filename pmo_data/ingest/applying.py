"""A plan against the store: propose and choose a mode per entity, what changed since the plan,
and the history note and blocked message `importer.apply` writes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from pmo_data.ingest import effect, spill
from pmo_data.ingest.mapping import ROW_KEYED
from pmo_data.ingest.plans import HINTS, ImportPlan
from pmo_data.ingest.report import ImportReport, format_issue
from pmo_data.schema import entity

LARGE_ROWS = 50_000  # rows in a plan from which a changed effect is computed in a folder


def _current(store, name: str, version: int | None) -> pd.DataFrame:
    if store is None or not version:
        return pd.DataFrame({entity(name).key: pd.Series([], dtype="string")})
    return store.frame(name, version)


def decide(
    plan_: ImportPlan, store, modes: str | dict[str, str] | None = None, folder: Path | None = None
) -> None:
    """Record the store version, propose a mode per entity and compute the chosen effects
    (`folder`: where a large upload's new tables are written, `effect.compute`)."""
    plan_.base_version = store.current_version() if store is not None else None
    plan_.proposals, plan_.effects = {}, {}
    for name, incoming in list(plan_.tables.items()):
        key = entity(name).key
        current = _current(store, name, plan_.base_version)
        if name in ROW_KEYED and _row_numbered(plan_.report.issues, name):
            # ids from row numbers: match rows by their values
            plan_.tables[name] = incoming = effect.match_by_content(name, current, incoming)
        plan_.proposals[name] = effect.propose(name, current[key], incoming[key])
    choose(plan_, store, modes, folder)


def _row_numbered(issues: pd.DataFrame, name: str) -> bool:
    """Whether the entity's ids were made from row numbers: the planning's note about it (rule
    "key", on no row), looked for among the notes only (a large upload's issues are millions
    of rows mapped from disk: reading two text columns whole read them into memory)."""
    notes = np.flatnonzero(issues["row"].isna().to_numpy())
    found = effect.rows_at(issues[["rule", "entity"]], notes)
    return bool(((found["rule"] == "key") & (found["entity"] == name)).any())


def choose(
    plan_: ImportPlan,
    store,
    modes: str | dict[str, str] | None = None,
    folder: Path | None = None,
) -> None:
    """Set the mode of some or all entities (None: the proposal) and recompute their effect.

    Without a `folder`, a plan of LARGE_ROWS rows or more computes a changed effect in a
    temporary folder of its own (the analyst changing a large upload's mode on the page, a
    large file checked in this process, the CLI: the new table written part by part and
    mapped, not built in memory)."""
    if isinstance(modes, str):
        modes = {name: modes for name in plan_.tables}
    modes = dict(modes or {})
    for mode in modes.values():
        if mode not in effect.MODES:
            raise ValueError(f"mode {mode!r}: expected one of {', '.join(effect.MODES)}")
    todo = {}
    for name in plan_.tables:
        mode = modes.get(name) or plan_.proposals[name].mode
        if name not in plan_.effects or plan_.effects[name].mode != mode:
            todo[name] = mode
    if not todo:
        return
    large = sum(len(t) for t in plan_.tables.values()) >= LARGE_ROWS
    if folder is not None or not large:
        _compute(plan_, store, todo, folder)
        return
    with tempfile.TemporaryDirectory(prefix="pmo-effect-") as tmp:
        try:
            _compute(plan_, store, todo, Path(tmp))
        finally:
            # the files go with the folder; their mappings stay until the effect is dropped.
            # Nothing is pickled after this (`spill.dump` follows a check made with a folder
            # of its own, or none): name none of them.
            spill.forget()


def _compute(plan_: ImportPlan, store, todo: dict, folder: Path | None) -> None:
    for name, mode in todo.items():
        current = _current(store, name, plan_.base_version)
        incoming = plan_.tables[name]
        plan_.effects[name] = effect.compute(name, mode, current, incoming, folder)


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


def blocked_message(report: ImportReport, n: int = 5, audience: str = "cli") -> str:
    errors = report.errors()
    lines = [format_issue(r) for r in errors.head(n).to_dict("records")]
    more = f" (+{len(errors) - n} more)" if len(errors) > n else ""
    return (
        f"{len(errors)} error(s){more}; fix the source, or {HINTS[audience]['accept']}:\n  "
        + "\n  ".join(lines)
    )
