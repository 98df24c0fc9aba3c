"""Access page: who may see which view; add, edit, remove rows, import a sheet, download.

Streamlit glue over `store.access_table`: every save is checked there (admins and PMO
analysts; only admins change who is admin) and lands as a new access version with its
audit entry. The page only lays the controls out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pmo_data.escaping import md
from pmo_data.store import access_table
from pmo_data.store.access import (
    GROUPS,
    PERSON_COLUMN,
    Grant,
    PermissionDenied,
    Viewer,
    may_grant_admin,
    normalise_email,
)
from pmo_data.store.scope import people
from pmo_data.ui.context import get_store, run
from pmo_data.ui.widgets import download_excel


def _people(store, group):
    return people(store, group)


def _grants() -> list[Grant]:
    return get_store().access_grants()


def _label(g: Grant) -> str:
    who = f" as {g.person}" if g.person else ""
    return f"{g.email} · {GROUPS[g.group]}{who}" + (" · admin" if g.admin else "")


def _save(viewer: Viewer, new: list[Grant], note: str) -> bool:
    try:
        version = access_table.save(get_store(), new, viewer, note)
    except (PermissionDenied, access_table.AccessTableError) as exc:
        st.session_state["ac_flash"] = ("error", str(exc))
        return False
    st.session_state["ac_flash"] = ("ok", f"Saved as access version {version} ({note}).")
    return True


def flash() -> None:
    if msg := st.session_state.pop("ac_flash", None):
        kind, text = msg
        (st.success if kind == "ok" else st.error)(md(text))


def table_section() -> None:
    grants = _grants()
    st.subheader("Who sees what")
    if not grants:
        st.info(
            "The access table is empty: with sign-in, only the admins in PMO_ADMINS can open "
            "the app. Add rows below or import a sheet.",
            icon=":material/group_add:",
        )
        return
    frame = access_table.to_frame(grants)
    frame["group"] = frame["group"].map(GROUPS)
    st.dataframe(
        frame.rename(columns=str.capitalize), hide_index=True, width="stretch", key="ac_table"
    )
    st.caption(
        f"{len(grants)} rows, {len({g.email for g in grants})} people; access version "
        f"{get_store().access_version():d}. Someone with several rows chooses among them."
    )


def _person_hint(group: str, person: str) -> None:
    if group in PERSON_COLUMN and person:
        known = run(_people, group)
        if person not in known:
            st.caption(
                f":material/warning: Nobody named '{md(person)}' is a "
                f"{md(GROUPS[group].lower())} in the data: they would see no rows."
            )


def add_section(viewer: Viewer) -> None:
    st.subheader("Add a row")
    c1, c2, c3, c4 = st.columns([3, 2, 2, 1], vertical_alignment="bottom")
    email = c1.text_input("Email", key="ac_add_email", placeholder="name@example.org")
    group = c2.selectbox("Group", list(GROUPS), format_func=GROUPS.get, key="ac_add_group")
    person = c3.text_input(
        "Person (name as in the data)",
        key="ac_add_person",
        disabled=group not in PERSON_COLUMN,
        help="The sponsor, project manager, account lead or service owner name as it is "
        "written in the imported data.",
    )
    admin = c4.checkbox("Admin", key="ac_add_admin", disabled=not may_grant_admin(viewer))
    _person_hint(group, person.strip())
    if st.button("Add", key="ac_add", icon=":material/person_add:"):
        new = Grant(
            normalise_email(email),
            group,
            (person.strip() or None) if group in PERSON_COLUMN else None,
            admin,
        )
        try:
            checked = access_table.clean(access_table.to_frame([new]))
        except access_table.AccessTableError as exc:
            st.session_state["ac_flash"] = ("error", str(exc))
        else:
            if _save(viewer, [*_grants(), *checked], f"added {new.email}"):
                for key in ("ac_add_email", "ac_add_person"):
                    st.session_state.pop(key, None)
        st.rerun()


def edit_section(viewer: Viewer) -> None:
    grants = _grants()
    if not grants:
        return
    st.subheader("Change or remove a row")
    index = st.selectbox(
        "Row",
        range(len(grants)),
        format_func=lambda i: _label(grants[i]),
        key="ac_edit_row",
    )
    g = grants[index]
    c1, c2, c3, c4 = st.columns([3, 2, 2, 1], vertical_alignment="bottom")
    email = c1.text_input("Email", value=g.email, key=f"ac_edit_email_{index}")
    group = c2.selectbox(
        "Group",
        list(GROUPS),
        index=list(GROUPS).index(g.group),
        format_func=GROUPS.get,
        key=f"ac_edit_group_{index}",
    )
    person = c3.text_input(
        "Person (name as in the data)",
        value=g.person or "",
        key=f"ac_edit_person_{index}",
        disabled=group not in PERSON_COLUMN,
    )
    admin = c4.checkbox(
        "Admin",
        value=g.admin,
        key=f"ac_edit_admin_{index}",
        disabled=not may_grant_admin(viewer),
    )
    _person_hint(group, person.strip())
    b1, b2 = st.columns(2)
    if b1.button("Save changes", key="ac_edit_save", icon=":material/save:"):
        changed = Grant(
            normalise_email(email),
            group,
            (person.strip() or None) if group in PERSON_COLUMN else None,
            admin,
        )
        try:
            checked = access_table.clean(access_table.to_frame([changed]))
        except access_table.AccessTableError as exc:
            st.session_state["ac_flash"] = ("error", str(exc))
        else:
            new = [*grants[:index], *checked, *grants[index + 1 :]]
            _save(viewer, new, f"changed {g.email}")
        st.rerun()
    if b2.button("Remove", key="ac_edit_remove", icon=":material/person_remove:"):
        _save(viewer, grants[:index] + grants[index + 1 :], f"removed {g.email}")
        st.session_state.pop("ac_edit_row", None)
        st.rerun()


def import_section(viewer: Viewer) -> None:
    st.subheader("Import a sheet")
    st.caption(
        "An Excel or CSV sheet with the columns email, group, person, admin (yes/no). It "
        "replaces the whole table; you see what changes before it does."
    )
    upload = st.file_uploader("Access sheet", type=["xlsx", "xls", "ods", "csv"], key="ac_upload")
    if upload is None:
        return
    try:
        new = access_table.read_sheet(upload.getvalue(), upload.name)
    except Exception as exc:  # ReadError or AccessTableError: one clear sentence
        st.error(md(str(exc)), icon=":material/error:")
        return
    diff = access_table.changes(_grants(), new)
    st.write(f"{len(new)} rows: {len(diff['added'])} to add, {len(diff['removed'])} to remove.")
    if diff["added"] or diff["removed"]:
        st.dataframe(
            pd.DataFrame(
                [("add", r) for r in diff["added"]] + [("remove", r) for r in diff["removed"]],
                columns=["Change", "Row"],
            ),
            hide_index=True,
            width="stretch",
            key="ac_import_preview",
        )
    if st.button("Replace the access table", key="ac_import", type="primary"):
        if _save(viewer, new, f"imported {upload.name}"):
            st.session_state.pop("ac_upload", None)
        st.rerun()


def download_section() -> None:
    grants = _grants()
    if not grants:
        return
    download_excel(
        "Download the access table",
        {"access": access_table.to_frame(grants)},
        "pmo-access.xlsx",
        key="ac_download",
    )


def history_section() -> None:
    hist = access_table.history(get_store())
    if hist.empty:
        return
    with st.expander("History of the access table"):
        st.dataframe(
            hist.rename(
                columns={
                    "version": "Version",
                    "created_at": "When",
                    "user_name": "Who",
                    "via": "From",
                    "note": "What",
                    "row_count": "Rows",
                }
            ),
            hide_index=True,
            width="stretch",
            key="ac_history",
        )
