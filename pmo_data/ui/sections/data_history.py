"""Data page, second half: history, what changed between versions, rollback, template, clear.

Streamlit glue over `Store.history/diff/rollback/clear`; confirmations use `st.dialog` so
nothing is rolled back or cleared by a stray click.
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from pmo_data.formatting import number
from pmo_data.ui.context import clear_caches, get_store, run
from pmo_data.ui.tables import paged_table


def _history_table(history: pd.DataFrame) -> pd.DataFrame:
    def fmt_counts(d: dict) -> str:
        return ", ".join(f"{k} {number(v)}" for k, v in d.items()) or "–"

    def fmt_files(files: list) -> str:
        return ", ".join(f.get("name", "?") for f in files) if files else "–"

    def fmt_issues(d: dict) -> str:
        return ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in d.items() if v) or "none"

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


def history_section() -> None:
    store = get_store()
    history = store.history()
    st.subheader("History")
    if history.empty:
        st.caption("No imports yet. Every import, rollback and clear becomes a version here.")
        return
    st.caption(
        f"{len(history)} versions; version **{store.current_version()}** is current. Each "
        "import writes a new version; earlier versions are kept for comparison and rollback."
    )
    st.dataframe(_history_table(history), hide_index=True, width="stretch", key="history")
    versions = history["version"].tolist()
    if len(versions) >= 2:
        diff_section(versions)
    rollback_section(versions)


def diff_section(versions: list[int]) -> None:
    st.markdown("**What changed between two versions**")
    c1, c2 = st.columns(2)
    old = c1.selectbox("From version", versions, index=1, key="diff_from")
    new = c2.selectbox("To version", versions, index=0, key="diff_to")
    if old == new:
        st.caption("Pick two different versions.")
        return
    summary, detail = run(_diff, old, new)
    st.dataframe(summary, hide_index=True, key="diff_summary")
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


def _diff(store, old: int, new: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per entity added/removed/changed counts, and every changed field (cached per pair)."""
    diffs = store.diff(old, new)
    summary = pd.DataFrame([{"Entity": k, **d.summary} for k, d in diffs.items()])
    changed = [d.changed.assign(entity=k) for k, d in diffs.items() if len(d.changed)]
    if not changed:
        return summary, pd.DataFrame(columns=["entity", "key", "column", "old", "new"])
    frames = [c.rename(columns={c.columns[0]: "key"}) for c in changed]
    detail = pd.concat(frames, ignore_index=True)[["entity", "key", "column", "old", "new"]]
    return summary, detail.astype({"old": "string", "new": "string"})  # mixed types as text


@st.dialog("Roll back the store?")
def _confirm_rollback(version: int) -> None:
    st.write(
        f"The data of version **{version}** becomes current again, as a new version. Nothing "
        "is deleted: you can roll forward again from the history."
    )
    if st.button("Roll back", type="primary", key="rollback_confirm"):
        new = get_store().rollback(version)
        clear_caches()
        st.session_state["data_flash"] = f"Rolled back: version {new} now holds version {version}."
        st.rerun()


def rollback_section(versions: list[int]) -> None:
    current = get_store().current_version()
    older = [v for v in versions if v != current]
    if not older:
        return
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    target = c1.selectbox("Roll back to version", older, key="rollback_to")
    if c2.button("Roll back…", key="rollback_open"):
        _confirm_rollback(target)


@st.dialog("Clear the store?")
def _confirm_clear() -> None:
    st.write("Every entity becomes empty, as a new version. Roll back to get the data back.")
    if st.button("Clear", type="primary", key="clear_confirm"):
        get_store().clear()
        clear_caches()
        st.session_state["data_flash"] = "The store is empty. Roll back to restore it."
        st.rerun()


def template_section() -> None:
    st.subheader("Import template")
    st.caption(
        "A workbook with a sheet per entity, the expected headers, help on each header and "
        "drop-downs for allowed values. Fill in the sheets you have and upload it above."
    )
    from pmo_data.ingest.template import write_template

    buf = io.BytesIO()
    write_template(buf)
    st.download_button(
        "Download the import template",
        data=buf.getvalue(),
        file_name="pmo-value-hub-template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="template_download",
    )
    with st.expander("Danger zone"):
        if st.button("Clear the store…", key="clear_open"):
            _confirm_clear()
