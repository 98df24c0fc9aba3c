"""The access table: who may look as which stakeholder group, as which person, and who is admin.

Kept in the store and versioned like the data, but on its own line of versions: a data
rollback never changes who sees what, and every access change is a new access version
(nothing is overwritten, the history stays). Columns: `email`, `group` (a key or label of
GROUPS), `person` (the name as it appears in the data: sponsor, project manager, account
lead, service owner; required for those groups), `admin` (yes/no). A person may hold several
rows (a sponsor who is also an account lead) and chooses among only those.

Every save checks the saver's permission and writes its audit entry in the same transaction.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime

import pandas as pd

from pmo_data.schema import normalise_header
from pmo_data.store import audit
from pmo_data.store.access import (
    GROUPS,
    PERSON_COLUMN,
    Grant,
    PermissionDenied,
    Viewer,
    may_grant_admin,
    normalise_email,
    require,
)
from pmo_data.store.tables import Table, register

ACCESS_VERSIONS = register(
    Table(
        "access_versions",
        (
            ("version", "INTEGER"),
            ("created_at", "TIMESTAMP"),
            ("user_name", "VARCHAR"),
            ("via", "VARCHAR"),
            ("note", "VARCHAR"),
            ("row_count", "INTEGER"),
        ),
        sync="append",
        order_by="version",
        primary_key=("version",),
        help="One row per access-table version: when, who, from where, how many rows.",
    )
)
ACCESS_ROWS = register(
    Table(
        "access_rows",
        (
            ("version", "INTEGER"),
            ("position", "INTEGER"),
            ("email", "VARCHAR"),
            ("stakeholder_group", "VARCHAR"),
            ("person", "VARCHAR"),
            ("admin", "BOOLEAN"),
        ),
        sync="append",
        order_by="version",
        help="The rows of each access-table version (written together, never updated).",
    )
)

COLUMNS = ["email", "group", "person", "admin"]
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("email", "e mail", "email address", "mail", "user", "login", "upn"),
    "group": ("group", "stakeholder group", "role", "view"),
    "person": ("person", "name", "name in the data", "as", "person in the data"),
    "admin": ("admin", "administrator", "is admin"),
}
YES = {"yes", "y", "true", "1", "x", "admin"}
NO = {"no", "n", "false", "0", ""}


class AccessTableError(Exception):
    """A sheet or an edit that cannot become the access table (the message lists why)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__("; ".join(problems[:5]) + more)


def _group_key(value: object) -> str | None:
    text = normalise_header(value)
    for key, label in GROUPS.items():
        if text in (normalise_header(key), normalise_header(label)):
            return key
    aliases = {"account lead": "account_lead", "pm": "project_manager", "pmo": "pmo_analyst"}
    return aliases.get(text)


def _is_blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v)) or str(v).strip() == ""


def clean(frame: pd.DataFrame, rows: Iterable[int] | None = None) -> list[Grant]:
    """Check and normalise a table of (email, group, person, admin) rows into Grants.

    Headers are matched by normalised name and aliases; emails are lower-cased; groups accept
    keys or labels ("Customer account lead"); admin accepts yes/no, true/false, 1/0. Raises
    AccessTableError listing every problem with its row number (`rows`, default 2, 3, ...)."""
    wanted = {}
    for col in frame.columns:
        norm = normalise_header(col)
        for canon, aliases in HEADER_ALIASES.items():
            if norm in aliases and canon not in wanted:
                wanted[canon] = col
    problems = []
    if "email" not in wanted or "group" not in wanted:
        missing = [c for c in ("email", "group") if c not in wanted]
        found = ", ".join(str(c) for c in frame.columns) or "none"
        raise AccessTableError(
            [f"the sheet needs the columns {', '.join(missing)} (found: {found})"]
        )
    row_numbers = list(rows) if rows is not None else list(range(2, len(frame) + 2))
    grants: list[Grant] = []
    seen = set()
    for n, (_, r) in zip(row_numbers, frame.iterrows(), strict=True):
        cells = {c: r[wanted[c]] if c in wanted else None for c in COLUMNS}
        if all(_is_blank(v) for v in cells.values()):
            continue
        email = normalise_email(None if _is_blank(cells["email"]) else str(cells["email"]))
        if not email or "@" not in email or " " in email or email.count("@") != 1:
            problems.append(f"row {n}: '{cells['email']}' is not an email address")
            continue
        group = _group_key(cells["group"])
        if group is None:
            problems.append(f"row {n}: group '{cells['group']}' is not one of {', '.join(GROUPS)}")
            continue
        person = None if _is_blank(cells["person"]) else str(cells["person"]).strip()
        if group in PERSON_COLUMN and not person:
            problems.append(
                f"row {n}: a {GROUPS[group]} row needs the person's name as it appears in the data"
            )
            continue
        if group not in PERSON_COLUMN:
            person = None
        flag = "" if _is_blank(cells["admin"]) else str(cells["admin"]).strip().lower()
        if flag not in YES | NO:
            problems.append(f"row {n}: admin '{cells['admin']}' is not yes or no")
            continue
        grant = Grant(email, group, person, flag in YES)
        if (email, group, person) in seen:
            continue
        seen.add((email, group, person))
        grants.append(grant)
    if problems:
        raise AccessTableError(problems)
    return grants


def read_sheet(source: str | os.PathLike | bytes, filename: str | None = None) -> list[Grant]:
    """The access table from a spreadsheet or CSV: the first sheet with an email column."""
    from pmo_data.ingest.reading import read_file

    for sheet in read_file(source, filename):
        if not sheet.headers:
            continue
        heads = {normalise_header(h) for h in sheet.headers}
        if heads & set(HEADER_ALIASES["email"]):
            frame = sheet.frame.set_axis(sheet.headers, axis=1)
            return clean(frame, sheet.rows.tolist())
    raise AccessTableError(
        [f"{filename or source}: no sheet has an email column (email, group, person, admin)"]
    )


def to_frame(grants: Iterable[Grant]) -> pd.DataFrame:
    rows = [(g.email, g.group, g.person, "yes" if g.admin else "no") for g in grants]
    return pd.DataFrame(rows, columns=COLUMNS)


# -- reading and writing the store ---------------------------------------------------------
# `db` is the store (reads its in-memory copy) or a write in progress (`store.writing()`).
def current_version(db) -> int:
    rows = audit.fetch_rows(db, "SELECT coalesce(max(version), 0) FROM access_versions", [])
    return int(rows[0][0])


def grants(db, version: int | None = None) -> list[Grant]:
    """The access table at a version (default: current), in its saved order."""
    v = current_version(db) if version is None else version
    rows = audit.fetch_rows(
        db,
        "SELECT email, stakeholder_group, person, admin FROM access_rows WHERE version = ? "
        "ORDER BY position",
        [v],
    )
    return [Grant(e, g, p, bool(a)) for e, g, p, a in rows]


def history(db) -> pd.DataFrame:
    """Every access version, newest first: when, who, from where, what, how many rows."""
    return audit.fetch_frame(
        db,
        "SELECT version, created_at, user_name, via, note, row_count FROM access_versions "
        "ORDER BY version DESC",
        [],
    )


def changes(old: list[Grant], new: list[Grant]) -> dict[str, list[str]]:
    """Rows added and removed (a changed admin flag is a removal plus an addition)."""

    def fmt(g: Grant) -> str:
        who = f" as {g.person}" if g.person else ""
        return f"{g.email}: {GROUPS.get(g.group, g.group)}{who}{' (admin)' if g.admin else ''}"

    before, after = set(old), set(new)
    return {
        "added": [fmt(g) for g in new if g not in before],
        "removed": [fmt(g) for g in old if g not in after],
    }


def save(
    store, new: list[Grant], viewer: Viewer, note: str = "", at: datetime | None = None
) -> int:
    """Make `new` the access table as a new access version; refuses without permission.

    Granting or removing admin needs an admin (or local mode, or the CLI). Returns the new
    access version (the current one, unchanged, when nothing differs)."""
    require(viewer, "access")
    problems = [f"{g.email}: unknown group {g.group!r}" for g in new if g.group not in GROUPS]
    problems += [
        f"{g.email}: a {GROUPS[g.group]} row needs a person"
        for g in new
        if g.group in PERSON_COLUMN and not g.person
    ]
    if problems:
        raise AccessTableError(problems)
    new = [Grant(normalise_email(g.email), g.group, g.person, g.admin) for g in new]
    with store.writing() as w:
        old = grants(w)
        if old == new:
            return current_version(w)
        old_admins = {g.email for g in old if g.admin}
        new_admins = {g.email for g in new if g.admin}
        if old_admins != new_admins and not may_grant_admin(viewer):
            raise PermissionDenied(
                f"{viewer.identity} may change rows but not who is admin: only an admin can."
            )
        (version,) = w.append(
            "access_versions",
            {
                "created_at": at or datetime.now(),
                "user_name": viewer.actor,
                "via": viewer.via,
                "note": note,
                "row_count": len(new),
            },
        )
        w.insert(
            "access_rows",
            pd.DataFrame(
                [[version, i, g.email, g.group, g.person, g.admin] for i, g in enumerate(new)],
                columns=["version", "position", "email", "stakeholder_group", "person", "admin"],
            ),
        )
        diff = changes(old, new)
        summary = f"access version {version}: {len(diff['added'])} rows added, " + (
            f"{len(diff['removed'])} removed" + (f" ({note})" if note else "")
        )
        audit.record(w, viewer, "access", summary, diff | {"access_version": version}, at=at)
    return version
