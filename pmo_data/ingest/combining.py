"""Validating a plan's sheets: coerce each, join facet sheets, apply the rules per entity and
across entities, and split good rows from rejected ones."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pmo_data.ingest import facets
from pmo_data.ingest.mapping import defaultable
from pmo_data.ingest.plans import HINTS, ImportPlan
from pmo_data.ingest.report import ImportReport, SheetResult
from pmo_data.ingest.rules import add_sentiment, check, check_references, split
from pmo_data.ingest.validation import coerce, issue, issues_frame


def sheet_result(ps, sheet_errors: set | None = None) -> SheetResult:
    """A planned sheet's line of the report, before its rows are counted; with the sheets
    that have an error of their own (`sheet_errors`), a sheet not imported is counted: its
    rows rejected unless it was never data (empty, skipped by choice or beside others)."""
    sh = ps.sheet
    res = SheetResult(sh.file, sh.name, ps.entity, ps.score, len(sh.frame))
    res.rows_skipped, res.mapping = len(sh.skipped), ps.mapping
    res.tool, res.skipped = ps.tool, ps.skipped
    if sheet_errors is not None:
        erred = (sh.file, sh.name) in sheet_errors
        unused = ps.entity is None and (sh.empty or ps.chosen or (ps.skipped and not erred))
        res.rows_rejected = 0 if unused else len(sh.frame)
    return res


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
        skipped = ps.entity is None or (sh.file, sh.name) in sheet_errors
        res = sheet_result(ps, sheet_errors if skipped else None)
        report.sheets.append(res)
        results[(sh.file, sh.name)] = res
        if skipped:
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
        before = _per_sheet(df)
        df, iss = check(df, name, mappings[name])
        after = _per_sheet(df)
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
            for key, n in _per_sheet(frame).items():
                setattr(results[key], attr, int(n))


def _per_sheet(frame: pd.DataFrame) -> dict[tuple, int]:
    """Rows per (file, sheet). Usually one sheet: two comparisons instead of a group-by over
    a million rows' text."""
    if not len(frame):
        return {}
    f, s = frame["_file"], frame["_sheet"]
    f0, s0 = f.iloc[0], s.iloc[0]
    if pd.notna(f0) and pd.notna(s0) and bool((f == f0).all()) and bool((s == s0).all()):
        return {(f0, s0): len(frame)}
    return frame.groupby(["_file", "_sheet"]).size().to_dict()


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
