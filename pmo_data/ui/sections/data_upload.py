"""Data page, first half: upload, mapping review, validation report, effect, import.

The plan (a dry run) lives in session state keyed by the uploaded files, so reviewing the
mapping or filtering issues never re-reads the files. It records the store version it was made
against: if the store moves (another analyst imports), the files are checked again and the
page says what changed before anything can be imported. Importing is one store transaction:
if anything fails the store is exactly as it was, and the user is told what to do. After an
import the uploader is a new, empty widget (its key changes), so the next import holds only
the files uploaded for it.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import streamlit as st

from pmo_data import exports
from pmo_data.escaping import md
from pmo_data.formatting import number
from pmo_data.ingest import child_plan, importer, reading
from pmo_data.ingest.report import format_issue
from pmo_data.schema import ENTITIES
from pmo_data.ui.context import clear_caches, get_store
from pmo_data.ui.sections import data_report
from pmo_data.ui.sections.data_effect import effect_section, moved_notice
from pmo_data.ui.sidebar import current_viewer

KEEP = "(keep in extra)"
SKIP = "(do not import)"
AUTO = "Recognise automatically"


def _files_key(files) -> tuple:
    return tuple((f.name, f.size) for f in files)


def _check(
    inputs: list[tuple[str, bytes]],
    force: str | None,
    overrides: dict | None,
    survey_date: date | None = None,
):
    """Run the dry run with a visible step-by-step status (a large upload is checked in a child
    process: this thread only relays its steps, so other users' pages keep their speed)."""
    store = get_store()
    with st.status("Checking the files…", expanded=True) as status:
        bar = st.progress(0.0)

        def on_step(step: str, detail: str, fraction: float | None) -> None:
            st.markdown(f"**{md(step.capitalize())}** · {md(detail)}")
            if fraction is not None:
                bar.progress(min(max(fraction, 0.0), 1.0))

        plan = child_plan.plan(
            inputs,
            store,
            force,
            mapping_overrides=overrides,
            on_step=on_step,
            audience="web",
            survey_date=survey_date,
        )
        bar.progress(1.0)
        c = plan.report.counts
        label = (
            f"Checked: {number(sum(plan.row_counts.values()))} rows ready · "
            f"{c['error']} errors · {c['warning']} warnings"
        )
        status.update(label=label, state="error" if plan.has_errors else "complete", expanded=False)
    st.session_state["plan_token"] = st.session_state.get("plan_token", 0) + 1
    return plan


def uploader_key() -> str:
    """The uploader's widget key: a new one after every import, so it starts empty."""
    gen = st.session_state.get("upload_gen", 0)
    return "upload" if gen == 0 else f"upload_{gen}"


def upload_section() -> None:
    st.subheader("Upload exports")
    st.caption(
        "Excel (.xlsx, .xlsm, .xls), OpenDocument (.ods) or CSV; several files at once. One "
        "file may hold several entities, a sheet each. Nothing is written until you import."
    )
    limit_mb = reading.MAX_FILE_BYTES // 1024**2
    files = st.file_uploader(
        "Exports to import",
        type=["xlsx", "xlsm", "xls", "ods", "csv"],
        accept_multiple_files=True,
        key=uploader_key(),
        max_upload_size=limit_mb,
        help=f"Up to {limit_mb:,} MB per file (the importer's own limit). A larger export: "
        "split it (by year, or one entity per file) and upload the parts together.",
    )
    force = st.selectbox(
        "Treat every sheet as",
        [AUTO, *ENTITIES],
        key="upload_force",
        help="Leave on automatic unless a sheet is recognised as the wrong entity.",
    )
    if not files:
        st.session_state.pop("plan", None)
        st.session_state.pop("plan_moved", None)
        return
    key = (_files_key(files), force)
    if st.session_state.get("plan_key") != key:
        inputs = [(f.name, f.getvalue()) for f in files]
        st.session_state["plan"] = _check(inputs, None if force == AUTO else force, None)
        st.session_state["plan_key"] = key
        st.session_state.pop("plan_moved", None)
    plan = st.session_state["plan"]
    current = get_store().current_version()
    if plan.base_version != current:  # someone imported since: check again, say what changed
        changes = importer.changes_since(get_store(), plan.base_version)
        st.session_state["plan_moved"] = (plan.base_version, current, changes)
        st.session_state["plan"] = plan = _check(
            plan.inputs, plan.force_entity, plan.overrides, plan.survey_date
        )
    if moved := st.session_state.get("plan_moved"):
        moved_notice(*moved)
    mapping_review(plan)
    validation_report(plan)
    ok = effect_section(plan, st.session_state.get("plan_token", 0))
    import_controls(plan, confirmed=ok)


def _samples(sheet, index: int) -> str:
    col = sheet.frame[index] if index in sheet.frame.columns else pd.Series(dtype=object)
    vals = col.head(1000).dropna()  # a large sheet's column stays on disk (see ingest/spill)
    vals = (vals if len(vals) >= 3 else col.dropna()).astype(str).head(3).tolist()
    return " · ".join(v[:25] for v in vals)


def mapping_review(plan) -> None:
    st.markdown("**Mapping review**")
    st.caption(
        "Each sheet's detected entity and how its headers map onto the data model, with the "
        "matching confidence. Change a target to correct it; the confirmed mapping is "
        "remembered for files with the same headers. Unmapped columns are kept, not dropped."
    )
    overrides: dict = {}
    for i, ps in enumerate(plan.sheets):
        sheet = ps.sheet
        title = f"{md(sheet.file)} / {md(sheet.name)} → {md(ps.entity or 'not recognised')}"
        if ps.entity:
            title += f" ({ps.score:.0%} match, {number(len(sheet.frame))} rows)"
        with st.expander(title, expanded=ps.entity is None or ps.score < 0.6):
            options = [SKIP, *ENTITIES]
            chosen = st.selectbox(
                "Entity",
                options,
                index=options.index(ps.entity) if ps.entity else 0,
                key=f"map_entity_{i}",
            )
            if chosen == SKIP or ps.mapping is None:
                if chosen != ps.entity:  # None leaves the sheet out of the import
                    overrides[(sheet.file, sheet.name)] = {
                        "__entity__": None if chosen == SKIP else chosen
                    }
                continue
            rows = pd.DataFrame(ps.mapping.to_records())
            rows["target"] = rows["target"].fillna(KEEP)
            rows["sample values"] = [_samples(sheet, c.index) for c in ps.mapping.columns]
            targets = [KEEP, *ENTITIES[chosen].column_names]
            edited = data_report.mapping_editor(rows, targets, KEEP, key=f"map_editor_{i}")
            changes = {
                h: (None if t == KEEP else t)
                for h, t, old in zip(
                    edited["header"], edited["target"], rows["target"], strict=True
                )
                if t != old
            }
            if changes or chosen != ps.entity:
                overrides[(sheet.file, sheet.name)] = {"__entity__": chosen, **changes}
    day = survey_date_input(plan)
    if overrides and st.button(
        "Apply mapping changes and re-check", key="map_apply", type="primary"
    ):
        st.session_state["plan"] = _check(plan.inputs, plan.force_entity, overrides, day)
        st.rerun()
    if day != plan.survey_date and (plan.survey_date or day != date.today()):
        st.session_state["plan"] = _check(
            plan.inputs, plan.force_entity, overrides or plan.overrides, day
        )
        st.rerun()


def survey_date_input(plan) -> date | None:
    """The survey date, asked only when a survey file has no date column."""
    issues = plan.report.issues
    if not (issues["rule"] == "date").any():
        return plan.survey_date
    return st.date_input(
        "Survey date",
        value=plan.survey_date or date.today(),
        key="survey_date",
        help="A survey file has no date column: every response in it gets this date.",
    )


def validation_report(plan) -> None:
    report = plan.report
    st.markdown("**Validation report**")
    c = report.counts
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Rows ready", number(sum(plan.row_counts.values())), border=True)
    m2.metric(
        "Errors",
        number(c["error"]),
        border=True,
        help="Rows with errors are rejected (never half-loaded).",
    )
    m3.metric(
        "Warnings",
        number(c["warning"]),
        border=True,
        help="The row is loaded; the cell was blanked or adjusted.",
    )
    m4.metric("Info", number(c["info"]), border=True, help="Skipped rows, merged repeats.")
    skipped = [s for s in report.sheets if s.skipped and s.skipped != "empty"]
    if skipped:  # sheet names are data: shown in a table, never in markdown
        st.caption("Sheets not imported (pivot tables, charts, notes and the like):")
        data_report.skipped_sheets(skipped)
    data_report.entity_counts(report.entities)
    issues = report.issues
    if issues.empty:
        st.success("No problems found.", icon=":material/check_circle:")
        return
    f1, f2 = st.columns([1, 2])
    sev = f1.multiselect(
        "Severity",
        ["error", "warning", "info"],
        default=["error", "warning"],
        format_func=str.capitalize,
        key="issues_severity",
    )
    text = f2.text_input(
        "Search issues", key="issues_search", placeholder="a column, a value, a word in the message"
    )
    shown = issues[issues["severity"].isin(sev)]
    if text:
        hay = shown.astype(str).agg(" ".join, axis=1).str.lower()
        shown = shown[hay.str.contains(text.lower(), regex=False)]
    data_report.issues(shown, 5000)
    st.caption(
        f"{number(len(shown))} of {number(len(issues))} issues shown (first 5,000). "
        "Rows are numbered as in Excel."
    )
    st.download_button(
        "Download the report (Excel, problem cells highlighted)",
        lambda: _report_bytes(report),
        "import-report.xlsx",
        mime=exports.XLSX_MIME,
        icon=":material/download:",
        key="report_download",
        on_click="ignore",  # a download needs no rerun (a rerun drops pending exports)
    )


def _report_bytes(report) -> bytes:
    buf = io.BytesIO()
    report.to_excel(buf)
    return buf.getvalue()


def import_controls(plan, confirmed: bool = True) -> None:
    report = plan.report
    accept = False
    if report.has_errors:
        rejected = sum(len(v) for v in plan.rejected.values())
        first = report.errors(5).to_dict("records")
        lines = "\n".join(f"- {md(format_issue(r).split(None, 1)[1])}" for r in first)
        more = report.counts["error"] - len(first)
        st.error(
            f"**{report.counts['error']:,} errors.** Fix them in the source file and upload it "
            "again, or load the good rows and leave the rejected ones out.\n\n"
            + lines
            + (f"\n- … and {more:,} more in the table above" if more > 0 else ""),
            icon=":material/error:",
        )
        accept = st.checkbox(
            f"Import without the {number(rejected)} rejected rows", key="accept_rejected"
        )
    ready = sum(plan.row_counts.values())
    changes = any(e.changes_anything for e in plan.effects.values())
    if ready and plan.effects and not changes:
        st.info(
            "Nothing would change: every row of these files is already stored as it is.",
            icon=":material/info:",
        )
    if st.button(
        f"Import {number(ready)} rows",
        type="primary",
        key="import_go",
        disabled=(report.has_errors and not accept) or ready == 0 or not changes or not confirmed,
        help=None if confirmed else "Tick the confirmation above first.",
    ):
        store = get_store()
        try:
            with st.status("Importing…") as status:
                viewer = current_viewer()
                version = importer.apply(
                    plan,
                    store,
                    user=viewer.identity,
                    accept_rejected=accept,
                    allow_removals=confirmed,
                    viewer=viewer,
                )
                status.update(label=f"Imported as version {version:d}", state="complete")
        except importer.StoreMoved as exc:  # someone imported in between: check again
            st.session_state["plan_moved"] = (exc.base, exc.current, exc.changes)
            st.session_state["plan"] = _check(
                plan.inputs, plan.force_entity, plan.overrides, plan.survey_date
            )
            st.rerun()
        except importer.ImportBlocked as exc:
            st.error(md(exc))
            return
        except Exception as exc:  # the store is unchanged: say so and what to do
            st.error(
                f"The import failed and nothing was changed: {md(exc)}. Try again, or "
                "report it with the file."
            )
            return
        clear_caches()
        for k in ("plan", "plan_key", "plan_moved"):
            st.session_state.pop(k, None)
        st.session_state["upload_gen"] = st.session_state.get("upload_gen", 0) + 1
        flash = f"Imported version {version:d}: " + "; ".join(
            md(f"{k} {e.mode}, {e.summary()}")
            for k, e in plan.effects.items()
            if e.changes_anything
        )
        if plan.confirmations:
            flash += ". Confirmed: " + "; ".join(md(c) for c in plan.confirmations)
        st.session_state["data_flash"] = flash
        st.rerun()
