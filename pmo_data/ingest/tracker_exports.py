"""Tracker detection: work-tracker exports by their columns (Jira, Azure DevOps, Planner...),
split into projects and actions, and exports that are not tables refused with what to do."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pmo_data.ingest import trackers
from pmo_data.ingest.tools import TOOLS, Identified


def _tracker(folded: list[str], have: set[str]) -> Identified | None:
    key = None
    if "issue key" in have:
        if have & {"hours", "time spent", "worklog id", "work date", "hours worked"} and not (
            have & set(trackers.ROLES["title"][:6])
        ):
            return Identified(
                TOOLS["jira"],
                None,
                refuse="a Jira worklog (time-tracking) export: logged hours are neither projects "
                "nor actions — export the issues instead (" + TOOLS["jira"].export_hint + ")",
            )
        key = "jira"
    elif "work item type" in have:
        key = "azure_devops"
    elif "task id" in have and "bucket name" in have:
        key = "planner"
    elif "task id" in have and have & {"section column", "completed at", "assignee email"}:
        key = "asana"
    elif have & {"item id auto generated", "subitems"} or ("item id" in have and "name" in have):
        key = "monday"
    elif (
        "finish" in have
        and "duration" in have
        and have
        & {
            "resource names",
            "outline level",
            "task mode",
            "predecessors",
        }
    ):
        key = "ms_project"
    elif (
        "task name" in have
        and have & {"end date", "finish"}
        and have
        & {
            "complete",
            "assigned to",
            "at risk",
        }
    ):
        key = "smartsheet"
    if key is None:
        return None
    tool = TOOLS[key]
    missing = trackers.missing_roles(key, [*folded])
    if missing:
        what = " and ".join({"key": "an id/key", "title": "a title/summary"}[m] for m in missing)
        return Identified(
            tool,
            None,
            refuse=f"a {tool.label} export without {what} column — export again with all "
            f"fields ({tool.export_hint})",
        )
    return Identified(tool, "tracker")


def refuse_binary(data: bytes) -> tuple[str, str] | None:
    """(what it is, what to do) for a binary export we cannot read, or None."""
    head = data[: 1 << 20]
    if b"Microsoft Project" in head or "Microsoft Project".encode("utf-16-le") in head:
        return (
            "is a Microsoft Project plan (.mpp), which cannot be read directly",
            "in Project, " + TOOLS["ms_project"].export_hint + ", and upload the .xlsx "
            "(its tasks become actions)",
        )
    return None


def refuse_text(head: str) -> tuple[str, str] | None:
    """(what it is, what to do) for a JSON, XML or HTML export, or None (it may be CSV)."""
    text = head.lstrip("\ufeff \t\r\n")
    low = text[:4096].casefold()
    if text.startswith(("{", "[")):
        if '"idboard"' in low or '"shortlink"' in low or '"idlist"' in low:
            return (
                "is a Trello board export (JSON), not a table",
                "export the board as CSV (Menu > Print, export and share > Export as CSV), "
                "or copy its cards into the import template",
            )
        if '"gid"' in low and '"resource_type"' in low:
            return ("is an Asana API export (JSON), not a table", TOOLS["asana"].export_hint)
        return (
            "is JSON (an API export), not a table",
            "export CSV or Excel from the tool instead (Jira: "
            + TOOLS["jira"].export_hint
            + "; Asana: "
            + TOOLS["asana"].export_hint
            + ")",
        )
    if text.startswith("<"):
        if "jira" in low:
            return ("is a Jira XML or HTML export, not a table", TOOLS["jira"].export_hint)
        return ("is XML or HTML, not a spreadsheet", "save it as .xlsx or .csv")
    return None


def tracker_sheets(sheet, found: Identified) -> list[tuple[object, Identified]]:
    """A tracker sheet as one sheet per entity (epics -> projects, the rest -> actions), with
    derived columns (a status read from a completion date, an epic's name) appended."""
    split = trackers.parts(found.tool.key, [str(h) for h in sheet.headers], sheet.frame)
    out = []
    for k, part in enumerate(split):
        frame = sheet.frame.iloc[part.rows].reset_index(drop=True)
        frame.columns = list(sheet.frame.columns)
        headers = list(sheet.headers)
        cols: dict[str, int | str] = {}
        for target, src in part.columns.items():
            if isinstance(src, str):
                if src not in headers:
                    headers.append(src)
                    frame[len(headers) - 1] = part.derived[src].iloc[part.rows].to_numpy()
                src = headers.index(src)
            cols[target] = src
        name = f"{sheet.name} ({part.label})" if len(split) > 1 else sheet.name
        sub = replace(
            sheet,
            name=name,
            headers=headers,
            frame=frame,
            rows=np.asarray(sheet.rows)[part.rows],
            skipped=list(sheet.skipped) if k == 0 else [],
        )
        out.append((sub, Identified(found.tool, part.entity, cols)))
    return out
