"""Data page, second half: history, what changed between versions, rollback, template, clear.

Streamlit glue over `Store.history/diff/rollback/clear`; confirmations use `st.dialog` so
nothing is rolled back or cleared by a stray click.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import streamlit as st

from pmo_data.escaping import md
from pmo_data.exports import XLSX_MIME
from pmo_data.formatting import number
from pmo_data.store import scope
from pmo_data.store.access import PermissionDenied, Viewer, may
from pmo_data.ui.context import clear_caches, get_store, shared
from pmo_data.ui.tables import config, label, paged_table, table


def _history_table(history: pd.DataFrame) -> pd.DataFrame:
    if "files" not in history:  # a narrow view: when and what only
        return pd.DataFrame(
            {
                "Version": history["version"],
                "When": history["created_at"].dt.strftime("%Y-%m-%d %H:%M"),
                "What": history["action"],
            }
        )

    def fmt_counts(d: dict) -> str:
        return ", ".join(f"{k} {number(v)}" for k, v in d.items()) or "–"

    def fmt_files(files: list) -> str:
        return ", ".join(f.get("name", "?") for f in files) if files else "–"

    def fmt_issues(d: dict) -> str:
        return (
            ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in (d or {}).items() if v)
            or "No issues"
        )

    return pd.DataFrame(
        {
            "Version": history["version"],
            "When": history["created_at"].dt.strftime("%Y-%m-%d %H:%M"),
            "Who": history["user_name"],
            "What": history["action"],
            "Files": history["files"].map(fmt_files),
            "Rows written": history["row_counts"].map(fmt_counts),
            "Issues": history["issue_counts"].map(fmt_issues),
            "Note": history["note"],
        }
    )


def history_section(viewer: Viewer) -> None:
    store = get_store()
    history = scope.history(store, viewer)
    st.subheader("History")
    if history.empty:
        st.caption("No imports yet. Every import, rollback and clear becomes a version here.")
        return
    st.caption(
        f"{len(history)} versions; version **{store.current_version():d}** is current. Each "
        "import writes a new version; earlier versions are kept for comparison and rollback."
    )
    if not viewer.sees_everything:
        st.caption("Your view lists when each version was made; what changed shows only your rows.")
    latest = history.iloc[0]
    if viewer.sees_everything and latest.get("note"):  # the newest entry in words
        st.caption(
            f"Latest, version {int(latest['version']):d} ({md(latest['action'])} by "
            f"{md(latest['user_name'])}): {md(latest['note'])}"
        )
    table(_history_table(history), key="history")
    versions = history["version"].tolist()
    if len(versions) >= 2:
        diff_section(viewer, versions)
    if may(viewer, "rollback"):
        rollback_section(viewer, versions)


def diff_section(viewer: Viewer, versions: list[int]) -> None:
    st.markdown("**What changed between two versions**")
    c1, c2 = st.columns(2)
    old = c1.selectbox("From version", versions, index=1, key="diff_from")
    new = c2.selectbox("To version", versions, index=0, key="diff_to")
    if old == new:
        st.caption("Pick two different versions.")
        return
    summary, detail = shared(_diff, viewer, old, new)  # read-only: paged without a copy
    table(
        summary,
        ["entity", "added", "changed", "removed"],
        {
            "added": config("rows", label="Rows added"),
            "changed": config("rows", label="Rows changed"),
            "removed": config("rows", label="Rows removed"),
        },
        key="diff_summary",
    )
    if len(detail):
        st.caption(f"{number(len(detail))} changed fields (e.g. RAG Amber → Red):")
        paged_table(
            detail,
            key="diff_detail",
            search_columns=("entity", "key", "column", "old", "new"),
            search_label="Search changed fields",
            search_placeholder="an id, a column, a value",
            height=260,
            noun="changed fields",
        )


def _diff(store, viewer: Viewer, old: int, new: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per entity added/changed/removed counts, and every changed field in words (cached per
    viewer and pair of versions: the page reruns on every click)."""
    diffs = scope.diff(store, viewer, old, new)
    summary = pd.DataFrame([{"entity": k.capitalize(), **d.summary} for k, d in diffs.items()])
    changed = [d.changed.assign(entity=k.capitalize()) for k, d in diffs.items() if len(d.changed)]
    if not changed:
        return summary, pd.DataFrame(columns=["entity", "key", "column", "old", "new"])
    frames = [c.rename(columns={c.columns[0]: "key"}) for c in changed]
    detail = pd.concat(frames, ignore_index=True)[["entity", "key", "column", "old", "new"]]
    detail = detail.assign(
        column=detail["column"].map(label),
        old=detail["old"].map(_value),
        new=detail["new"].map(_value),
    )
    return summary, detail.astype({"key": "string", "old": "string", "new": "string"})


def _value(x) -> str | None:
    """A changed field's value as people write it: 687,347.82 not 687347.8231858693."""
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return None
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str):
        try:
            x = float(x) if "." in x else x
        except ValueError:
            return x
    if isinstance(x, int | float):
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"
    if isinstance(x, pd.Timestamp | date):
        return f"{x:%d %b %Y}"
    return str(x)


@st.dialog("Roll back the store?")
def _confirm_rollback(viewer: Viewer, version: int) -> None:
    st.write(
        f"The data of version **{version:d}** becomes current again, as a new version. Nothing "
        "is deleted: you can roll forward again from the history."
    )
    if st.button("Roll back", type="primary", key="rollback_confirm"):
        try:
            new = get_store().rollback(version, user=viewer.identity, viewer=viewer)
        except PermissionDenied as exc:
            st.error(str(exc))
            return
        clear_caches()
        st.session_state["data_flash"] = f"Rolled back: version {new} now holds version {version}."
        st.rerun()


def rollback_section(viewer: Viewer, versions: list[int]) -> None:
    current = get_store().current_version()
    older = [v for v in versions if v != current]
    if not older:
        return
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    target = c1.selectbox("Roll back to version", older, key="rollback_to")
    if c2.button("Roll back…", key="rollback_open"):
        _confirm_rollback(viewer, target)


@st.dialog("Clear the store?")
def _confirm_clear(viewer: Viewer) -> None:
    st.write("Every entity becomes empty, as a new version. Roll back to get the data back.")
    if st.button("Clear", type="primary", key="clear_confirm"):
        try:
            get_store().clear(user=viewer.identity, viewer=viewer)
        except PermissionDenied as exc:
            st.error(str(exc))
            return
        clear_caches()
        st.session_state["data_flash"] = "The store is empty. Roll back to restore it."
        st.rerun()


def _template_bytes() -> bytes:
    from pmo_data.ingest.template import write_template

    buf = io.BytesIO()
    write_template(buf)
    return buf.getvalue()


def template_section(viewer: Viewer) -> None:
    st.subheader("Import template")
    st.caption(
        "A workbook with a sheet per entity, the expected headers, help on each header and "
        "drop-downs for allowed values. Fill in the sheets you have and upload it above."
    )
    st.download_button(
        "Download the import template",
        data=_template_bytes,  # written when clicked, not on every visit of the page
        file_name="pmo-value-hub-template.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        key="template_download",
        on_click="ignore",  # a download needs no rerun (a rerun drops pending exports)
    )
    if not may(viewer, "clear"):
        return
    with st.expander("Danger zone"):
        if st.button("Clear the store…", key="clear_open"):
            _confirm_clear(viewer)
