"""Issue-tracker and work-management exports -> projects (epics) and actions (the rest).

Each tool names the same few things its own way, in the user's language: the item's key, its
type, title, status, assignee and dates. `ROLES` lists those names (casefolded, as
`values.fold` writes them); `parts` splits a recognised sheet into the part that becomes
`projects` (epics, when the export has a type column and epics in it) and the part that
becomes `actions`, each with the source column for every canonical column it can fill, and
with columns derived where the tool encodes something indirectly (Asana's "Completed At"
means Done; Microsoft Project's "% Complete" is the status).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_data.ingest import values

fold = values.fold

# role -> names in the wild (folded). Order matters: the first name present wins.
ROLES = {
    "key": (
        "issue key",
        "clé de ticket",
        "clé du ticket",
        "clé",
        "schlüssel",
        "clave",
        "chiave",
        "id",
        "task id",
        "item id",
        "item id auto generated",
        "unique id",
    ),
    "type": (
        "issue type",
        "work type",
        "type de demande",
        "type de ticket",
        "vorgangstyp",
        "tipo de incidencia",
        "tipo di ticket",
        "work item type",
    ),
    "title": (
        "summary",
        "résumé",
        "resume",
        "zusammenfassung",
        "resumen",
        "riepilogo",
        "title",
        "task name",
        "name",
        "item",
        "item name",
    ),
    "status": ("status", "état", "etat", "statut", "estado", "stato", "state", "progress"),
    "owner": (
        "assignee",
        "responsable",
        "bearbeiter",
        "persona asignada",
        "assegnatario",
        "assigned to",
        "resource names",
        "person",
        "owner",
        "people",
    ),
    "created": (
        "created",
        "création",
        "date de création",
        "erstellt",
        "creado",
        "creato",
        "created date",
        "created at",
        "creation log",
        "start",
        "start date",
    ),
    "due": (
        "due date",
        "due",
        "échéance",
        "date d échéance",
        "fälligkeitsdatum",
        "fecha de vencimiento",
        "scadenza",
        "target date",
        "finish",
        "end date",
        "date",
    ),
    "closed": (
        "resolved",
        "résolu",
        "résolue",
        "date de résolution",
        "erledigt",
        "resuelta",
        "risolto",
        "closed date",
        "resolved date",
        "completed at",
        "completed date",
        "actual finish",
    ),
    "epic_link": ("custom field epic link", "epic link", "lien de l épopée", "parent key"),
    "epic_name": ("custom field epic name", "epic name", "nom de l épopée"),
    "area": ("area path", "project name", "nom du projet", "projektname"),
    "percent": ("complete", "percent complete"),
}
EPIC_TYPES = {"epic", "épopée", "epopee", "epos", "épica", "epica", "エピック", "史诗"}


@dataclass(frozen=True)
class TrackerShape:
    """Which roles a tool's export fills, and which it needs."""

    roles: tuple[str, ...]
    needs: tuple[str, ...] = ("title",)
    status_from: str = ""  # "closed": Done when closed is filled; "percent": from % complete


SHAPES = {
    "jira": TrackerShape(
        ("key", "type", "title", "status", "owner", "created", "due", "closed", "epic_link")
        + ("epic_name", "area"),
        needs=("key", "title"),
    ),
    "azure_devops": TrackerShape(
        ("key", "type", "title", "status", "owner", "created", "due", "closed", "area"),
        needs=("key", "title"),
    ),
    "asana": TrackerShape(
        ("key", "title", "owner", "created", "due", "closed"), status_from="closed"
    ),
    "planner": TrackerShape(("key", "title", "status", "owner", "created", "due", "closed")),
    "monday": TrackerShape(("key", "title", "status", "owner", "created", "due")),
    "ms_project": TrackerShape(
        ("key", "title", "owner", "created", "due", "closed", "percent"), status_from="percent"
    ),
    "smartsheet": TrackerShape(
        ("title", "status", "owner", "created", "due", "percent"), status_from="percent"
    ),
}

# canonical columns each role fills, per entity
ACTION_COLUMNS = {
    "key": "action_id",
    "title": "title",
    "status": "status",
    "owner": "owner",
    "created": "raised_date",
    "due": "due_date",
    "closed": "closed_date",
    "epic_link": "project_id",
}
PROJECT_COLUMNS = {
    "key": "project_id",
    "title": "name",
    "status": "stage",
    "owner": "project_manager",
    "due": "end_date",
    "area": "portfolio",
}


@dataclass
class Part:
    """One entity's share of a tracker sheet."""

    entity: str
    label: str
    rows: np.ndarray  # positions in the sheet's frame
    columns: dict[str, int | str]  # canonical column -> source index or a derived header
    derived: dict[str, pd.Series] = field(default_factory=dict)  # header -> values (all rows)


def find_roles(headers: list[str], wanted: tuple[str, ...]) -> dict[str, int]:
    """role -> index of the first header carrying one of its names."""
    folded = [fold(h) for h in headers]
    out: dict[str, int] = {}
    for role in wanted:
        for name in ROLES[role]:
            if name in folded:
                out[role] = folded.index(name)
                break
    return out


def missing_roles(tool: str, headers: list[str]) -> list[str]:
    shape = SHAPES[tool]
    found = find_roles(headers, shape.roles)
    return [r for r in shape.needs if r not in found]


def parts(tool: str, headers: list[str], frame: pd.DataFrame) -> list[Part]:
    """Split a tracker sheet into projects (epics) and actions."""
    shape = SHAPES[tool]
    found = find_roles(headers, shape.roles)
    n = len(frame)
    derived: dict[str, pd.Series] = {}
    status_src: int | str | None = found.get("status")
    if shape.status_from == "closed" and "closed" in found:
        header = f"Status (from {headers[found['closed']]})"
        done = _filled(frame[found["closed"]])
        derived[header] = pd.Series(np.where(done, "Done", "Open"), dtype="object")
        status_src = header
    elif shape.status_from == "percent" and "percent" in found and "status" not in found:
        header = f"Status (from {headers[found['percent']]})"
        pct = values.parse_numbers(frame[found["percent"]], kind="percent").values
        status = np.select([pct >= 100, pct > 0], ["Done", "In progress"], "Open")
        derived[header] = pd.Series(np.where(pct.notna(), status, None), dtype="object")
        status_src = header
    epics = np.zeros(n, dtype=bool)
    if "type" in found:
        kinds = frame[found["type"]].map(fold, na_action="ignore")
        epics = kinds.isin(EPIC_TYPES).to_numpy()
    out = []
    if epics.any():
        cols: dict[str, int | str] = {
            PROJECT_COLUMNS[r]: i for r, i in found.items() if r in PROJECT_COLUMNS
        }
        if status_src is not None:
            cols["stage"] = status_src
        if "epic_name" in found:  # the epic's name, else its summary
            header = f"{headers[found['epic_name']]} (else {headers[found['title']]})"
            name = frame[found["epic_name"]].where(
                _filled(frame[found["epic_name"]]), frame[found["title"]]
            )
            derived[header] = name.reset_index(drop=True)
            cols["name"] = header
        out.append(Part("projects", "epics", np.flatnonzero(epics), cols, derived))
    cols = {ACTION_COLUMNS[r]: i for r, i in found.items() if r in ACTION_COLUMNS}
    if status_src is not None:
        cols["status"] = status_src
    if not epics.any():
        cols.pop("project_id", None)  # epic links to epics that are not in this file
    rest = np.flatnonzero(~epics)
    if len(rest):
        out.append(Part("actions", "work items", rest, cols, derived))
    return out


def _filled(s: pd.Series) -> np.ndarray:
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        return (s.notna() & (s.astype(str).str.strip() != "")).to_numpy()
    return s.notna().to_numpy()
