"""Data page: the audit log, filterable and downloadable. Read-only: nothing here (or
anywhere in the app) changes or deletes an entry."""

from __future__ import annotations

from datetime import datetime, time

import pandas as pd
import streamlit as st

from pmo_data.escaping import md
from pmo_data.store import audit
from pmo_data.ui.context import get_store
from pmo_data.ui.widgets import download_excel

SHOWN = 500


def _table(log: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "When": log["logged_at"],
            "Who": log["actor"],
            "From": log["via"].map({"app": "app", "cli": "command line"}).fillna(log["via"]),
            "View": log["view_label"],
            "What": log["action"].map(audit.ACTIONS).fillna(log["action"]),
            "Summary": log["summary"],
            "Store version": log["store_version"],
        }
    )


def audit_section() -> None:
    st.subheader("Audit log")
    st.caption(
        "Every import, rollback, clear, mapping, weight profile, double-count decision, "
        "assumption set, maturity assessment and access change: who, when, what, and from "
        "where. Nobody can edit or delete it from the app."
    )
    c1, c2, c3 = st.columns([2, 2, 2])
    kinds = c1.multiselect(
        "What", list(audit.ACTIONS), format_func=audit.ACTIONS.get, key="au_actions"
    )
    who = c2.text_input("Who (part of the name or email)", key="au_actor")
    dates = c3.date_input("When", value=(), key="au_dates", format="YYYY-MM-DD")
    since = datetime.combine(dates[0], time.min) if len(dates) >= 1 else None
    until = datetime.combine(dates[1], time.max) if len(dates) == 2 else None
    store = get_store()
    frames = [
        store.audit_log(action=k, actor=who or None, since=since, until=until)
        for k in (kinds or [None])
    ]
    log = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(frames) > 1:
        log = log.sort_values("logged_at", ascending=False, ignore_index=True)
    if log.empty:
        st.info("No entries match.", icon=":material/search_off:")
        return
    table = _table(log)
    st.dataframe(
        table.head(SHOWN),
        hide_index=True,
        width="stretch",
        key="au_table",
        column_config={
            "When": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm:ss")
        },
    )
    more = f" (showing the newest {SHOWN})" if len(table) > SHOWN else ""
    st.caption(f"{len(table):,} entries{md(more)}.")
    download_excel(
        "Download the audit log",
        {"audit": table.assign(Detail=log["detail"])},
        "pmo-audit-log.xlsx",
        key="au_download",
    )
