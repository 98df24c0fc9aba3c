"""Known exports by their signature: which tool wrote a sheet, and what that means for it.

Survey tools and work trackers write the same layout every time, so an export is recognised
by a few tell-tale headers (Qualtrics' `ResponseId` with an `{"ImportId": ...}` row, Jira's
`Issue key`, Planner's `Bucket Name`...) and mapped with no manual step:

- `header_layout(preview)`: header rows that generic detection gets wrong (Qualtrics' three
  rows, SurveyMonkey's question/"Response" pair), used by `reading` before its own guess.
- `identify(sheet)`: the tool, the entity, and the tool's own columns (`hints`: source column
  -> canonical column). For surveys the questions are then judged by their wording and their
  answers (`survey.classify_questions`); for trackers a sheet may split in two (epics ->
  projects, the other issues -> actions); an export that cannot be used is refused with a
  message naming the tool and what to export instead.

Headers are compared casefolded with punctuation removed but letters kept (so localised
names such as "Type de demande" or "Marca temporal" match as written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from pmo_data.ingest import mapping, survey, trackers, values

norm = values.fold


# -- tools ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tool:
    key: str
    label: str
    kind: str  # survey | tracker
    recognised: str  # what we use from it (the README's "Exports we know" table)
    step: str = "none"  # what the user must do, if anything
    export_hint: str = ""  # what to export instead when a file from it cannot be used


TOOLS = {
    t.key: t
    for t in (
        Tool(
            "qualtrics",
            "Qualtrics",
            "survey",
            "CSV or Excel with three header rows (short names, question text in any language, "
            "ImportId) or the legacy two-row layout; ResponseId -> response_id, RecordedDate "
            "(else EndDate) -> date; questions judged by wording and answers",
            export_hint="Data & Analysis > Export & Import > Export Data > CSV",
        ),
        Tool(
            "surveymonkey",
            "SurveyMonkey",
            "survey",
            "two header rows (question, then Response / Open-Ended Response / the option), a "
            "single header row, or the coded layout (q0001...); Respondent ID -> response_id, "
            "End Date (else Start Date) -> date",
            step="files with no date column: give the survey date (Data page or --date)",
            export_hint="Analyze Results > Save As > All individual responses > CSV",
        ),
        Tool(
            "ms_forms",
            "Microsoft Forms",
            "survey",
            "'Open in Excel' workbook: ID -> response_id, Completion time -> date; Email and "
            "Name kept in extra",
            export_hint="Responses > Open results in Excel",
        ),
        Tool(
            "google_forms",
            "Google Forms",
            "survey",
            "Sheets/CSV download: Timestamp (also localised: Marca temporal, Zeitstempel, "
            "Horodateur...) -> date; ids from the row numbers",
            export_hint="Responses > Download responses (.csv)",
        ),
        Tool(
            "typeform",
            "Typeform",
            "survey",
            "CSV/Excel download: # or Response ID -> response_id, Submit Date (UTC) -> date; "
            "Network ID, Tags, Ending kept in extra",
            export_hint="Results > Responses > Download all responses",
        ),
        Tool(
            "delighted",
            "Delighted",
            "survey",
            "CSV export: Score -> nps, Comment -> comment, Created (UTC) -> date",
            export_hint="Dashboard > Download > CSV",
        ),
        Tool(
            "medallia",
            "Medallia",
            "survey",
            "response export: Likelihood to Recommend / LTR -> nps, Survey ID -> response_id, "
            "Response Date -> date",
            export_hint="export the survey responses (one row per response) to Excel or CSV",
        ),
        Tool(
            "nps_score",
            "NPS tool (plain Score column)",
            "survey",
            "a 0-10 'Score' or 'Recommendation Score' column beside a date, id or comment -> nps",
        ),
        Tool(
            "jira",
            "Jira",
            "tracker",
            "CSV (all fields), any language: epics -> projects (Issue key, Epic Name or "
            "Summary), other issues -> actions (Issue key, Summary, Status, Assignee, Created, "
            "Due date, Resolved; Epic Link -> project_id)",
            export_hint="Filters > View all issues > Export > Export CSV (all fields)",
        ),
        Tool(
            "azure_devops",
            "Azure DevOps / TFS",
            "tracker",
            "query results as CSV or Excel: Epics -> projects, other work items -> actions "
            "(ID, Title, State, Assigned To, Created Date, Target Date, Closed Date)",
            export_hint="Boards > Queries > a flat query with ID, Work Item Type, Title, State "
            "> Export to CSV",
        ),
        Tool(
            "asana",
            "Asana",
            "tracker",
            "project CSV export: tasks -> actions (Task ID, Name, Assignee, Created At, Due "
            "Date, Completed At -> status Done)",
            export_hint="project menu > Export/Print > CSV",
        ),
        Tool(
            "monday",
            "Monday.com",
            "tracker",
            "board export to Excel (board title and group rows above the items): items -> "
            "actions (Name, Person/Owner, Status, Date)",
            export_hint="board menu > More actions > Export board to Excel",
        ),
        Tool(
            "planner",
            "Microsoft Planner",
            "tracker",
            "'Export plan to Excel': tasks -> actions (Task ID, Task Name, Assigned To, "
            "Progress, Created Date, Due Date, Completed Date)",
            export_hint="plan menu (...) > Export plan to Excel",
        ),
        Tool(
            "ms_project",
            "Microsoft Project",
            "tracker",
            "task table saved as Excel: tasks -> actions (ID, Name, Resource Names, Start, "
            "Finish, % Complete -> status); .mpp files are refused with the steps to save as "
            "Excel",
            step=".mpp: save as Excel Workbook first",
            export_hint="File > Save As > Excel Workbook (the Task table)",
        ),
        Tool(
            "smartsheet",
            "Smartsheet",
            "tracker",
            "sheet exported to Excel: recognised by its columns like any workbook (a project "
            "list -> projects; a project plan with Task Name, Start, End/Finish, % Complete -> "
            "actions); the Comments sheet is skipped",
            export_hint="File > Export > Export to Microsoft Excel",
        ),
    )
}


# -- header layouts -------------------------------------------------------------------------
@dataclass(frozen=True)
class HeaderLayout:
    """Header rows (indexes in the preview), the first data row, and the headers to use."""

    rows: list[int]
    data_start: int
    headers: list[str]
    tool: str


QUALTRICS_META = {
    norm(h)
    for h in [
        "StartDate",
        "EndDate",
        "Status",
        "IPAddress",
        "Progress",
        "Duration",
        "(in",
        "seconds)",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "ResponseID",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "ExternalDataReference",
        "LocationLatitude",
        "LocationLongitude",
        "LocationAccuracy",
        "DistributionChannel",
        "UserLanguage",
        "ResponseSet",
        "Name",
        "EmailAddress",
        "Q_RecaptchaScore",
        "Q_RelevantIDDuplicate",
        "Q_Language",
    ]
} | {"duration in seconds"}
SURVEYMONKEY_META = {
    "respondentid",
    "respondent id",
    "collectorid",
    "collector id",
    "startdate",
    "start date",
    "enddate",
    "end date",
    "ip address",
    "ipaddress",
    "email address",
    "first name",
    "last name",
    "custom data",
    "custom data 1",
}
SURVEYMONKEY_SUBS = {"response", "open ended response", "other please specify"}


def _cells(row: list, width: int) -> list[str]:
    out = []
    for j in range(width):
        v = row[j] if j < len(row) else None
        out.append("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    return out


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<br\s*/?>", " ", text, flags=re.I)).strip()


def header_layout(preview: list[list[object]]) -> HeaderLayout | None:
    """The header rows of a known survey export, or None (generic detection applies)."""
    if len(preview) < 2:
        return None
    width = max(len(r) for r in preview[:3])
    r0, r1 = _cells(preview[0], width), _cells(preview[1], width)
    n0 = [norm(c) for c in r0]
    r2 = _cells(preview[2], width) if len(preview) > 2 else [""] * width
    # Qualtrics: short names; question text (any language); {"ImportId": ...}
    if sum(n in QUALTRICS_META for n in n0) >= 3 and any(
        n in ("responseid", "startdate", "recordeddate") for n in n0
    ):
        import_row = sum(c.startswith('{"ImportId"') for c in r2) >= 0.5 * sum(map(bool, r2))
        start = n0.index("startdate") if "startdate" in n0 else None
        label_row = start is not None and r1[start] and not re.match(r"\d", r1[start])
        if import_row or label_row:
            headers = [
                _clean(a if norm(a) in QUALTRICS_META or not b else b)
                for a, b in zip(r0, r1, strict=True)
            ]
            return HeaderLayout(
                [0, 1, 2] if import_row else [0, 1], 3 if import_row else 2, headers, "qualtrics"
            )
    # Qualtrics legacy: V1..Vn over ResponseID, ResponseSet, ... StartDate
    n1 = [norm(c) for c in r1]
    if sum(bool(re.fullmatch(r"v\d+", n)) for n in n0) >= 5 and "responseid" in n1:
        headers = [_clean(b or a) for a, b in zip(r0, r1, strict=True)]
        return HeaderLayout([0, 1], 2, headers, "qualtrics")
    # SurveyMonkey: question (spanning its options), then Response / Open-Ended Response / option
    meta = [j for j, n in enumerate(n0) if n in SURVEYMONKEY_META]
    if meta and all(not r1[j] for j in meta) and any(n in SURVEYMONKEY_SUBS for n in n1):
        headers, group = [], ""
        for a, b in zip(r0, r1, strict=True):
            group = _clean(a) or group
            sub = _clean(b)
            if not a and not b:
                headers.append("")
            elif not sub or norm(sub) in ("response", "open ended response") or not group:
                headers.append(group or sub)
            else:
                headers.append(f"{group} - {sub}")
        return HeaderLayout([0, 1], 2, headers, "surveymonkey")
    return None


# -- recognising a sheet --------------------------------------------------------------------
TIMESTAMP_NAMES = {
    "timestamp",
    "marca temporal",
    "zeitstempel",
    "horodateur",
    "horodatage",
    "carimbo de data hora",
    "informazioni cronologiche",
    "tijdstempel",
    "sygnatura czasowa",
    "tidsstempel",
    "tidstämpel",
    "aikaleima",
    "časová značka",
    "タイムスタンプ",
    "时间戳",
    "타임스탬프",
    "отметка времени",
}
MS_FORMS = {
    "start": ("start time", "hora de inicio", "startzeit", "heure de début", "ora di inizio"),
    "end": (
        "completion time",
        "hora de finalización",
        "fertigstellungszeit",
        "heure de fin",
        "ora di completamento",
        "tijd van voltooiing",
    ),
    "meta": ("id", "email", "name", "last modified time", "total points", "quiz feedback")
    + ("correo electrónico", "nombre", "e mail", "adresse de messagerie", "nom", "nome"),
}
TYPEFORM_META = {
    "response type",
    "start date utc",
    "stage date utc",
    "submit date utc",
    "network id",
    "tags",
    "ending",
    "token",
    "landed at",
    "submitted at",
}
SCORE_NAMES = (
    "recommendation score",
    "nps score",
    "nps rating",
    "score",
    "likelihood to recommend",
)
SCORE_NAMES += ("ltr", "likely to recommend")


@dataclass
class Identified:
    """A sheet recognised by its tool's signature, and what it becomes."""

    tool: Tool
    entity: str | None
    # canonical column -> source column index (or a derived header, see `derived`)
    columns: dict[str, int | str] = field(default_factory=dict)
    questions: bool = False  # the tool's other columns are questions (judged, else extra)
    generic: bool = False  # map the other columns by name as usual, `columns` on top
    refuse: str | None = None  # the export cannot be used: what to do instead
    notes: list[tuple[str, str]] = field(default_factory=list)  # (severity, message)
    reversed_: set[int] = field(default_factory=set)  # ease answers stored as effort


def _index(folded: list[str], names) -> int | None:
    for name in names:
        if name in folded:
            return folded.index(name)
    return None


def _survey(
    tool: str, folded, sheet, *, id_names=(), date_names=(), meta=(), skip=()
) -> Identified:
    """A survey tool's sheet: id and date from its metadata; the rest judged as questions."""
    cols: dict[str, int | str] = {}
    if (i := _index(folded, id_names)) is not None:
        cols["response_id"] = i
    if (i := _index(folded, date_names)) is not None:
        cols["date"] = i
    known = set(meta) | set(id_names) | set(date_names)
    questions = [
        j
        for j, h in enumerate(folded)
        if h not in known and j not in cols.values() and j not in skip and h
    ]
    judged = survey.classify_questions(sheet.frame, list(sheet.headers), questions)
    for j, target in judged.targets.items():
        cols[target] = j
    return Identified(TOOLS[tool], "feedback", cols, questions=True, reversed_=judged.reversed_)


def identify(sheet) -> Identified | None:
    """The tool that wrote this sheet, if its signature is known; None otherwise."""
    headers = [str(h) for h in sheet.headers]
    folded = [norm(h) for h in headers]
    have = set(folded)
    tool = getattr(sheet, "tool", None)
    # -- surveys
    if tool == "qualtrics" or ("responseid" in have and len(have & QUALTRICS_META) >= 3):
        return _survey(
            "qualtrics",
            folded,
            sheet,
            id_names=("responseid",),
            date_names=("recordeddate", "enddate", "startdate"),
            meta=QUALTRICS_META,
        )
    coded = sum(bool(re.fullmatch(r"q\d{3,4}(?: \d+)?", h)) for h in folded) >= 3
    if (
        tool == "surveymonkey"
        or have & {"respondentid", "respondent id", "collectorid", "collector id"}
        or (coded and {"startdate", "enddate"} <= have)
    ):
        unnamed = [j for j, h in enumerate(headers) if re.fullmatch(r"Column [A-Z]+", h)]
        return _survey(
            "surveymonkey",
            folded,
            sheet,
            id_names=("respondent id", "respondentid"),
            date_names=("end date", "enddate", "start date", "startdate"),
            meta=SURVEYMONKEY_META,
            skip=unnamed,
        )
    if have & set(MS_FORMS["start"]) and have & set(MS_FORMS["end"]) and "id" in have | {folded[0]}:
        return _survey(
            "ms_forms",
            folded,
            sheet,
            id_names=("id",),
            date_names=MS_FORMS["end"] + MS_FORMS["start"],
            meta=MS_FORMS["meta"],
        )
    if "network id" in have and have & {"submit date utc", "submitted at"}:
        hashes = [j for j, h in enumerate(headers) if h.strip() == "#"]
        found = _survey(
            "typeform",
            folded,
            sheet,
            id_names=("token", "response id"),
            date_names=("submit date utc", "submitted at"),
            meta=TYPEFORM_META,
            skip=hashes,
        )
        if hashes and "response_id" not in found.columns:
            found.columns["response_id"] = hashes[0]
        return found
    if folded and folded[0] in TIMESTAMP_NAMES:
        return _survey(
            "google_forms",
            folded,
            sheet,
            date_names=(folded[0],),
            meta=("email address", "dirección de correo electrónico", "e mail adresse", "score"),
        )
    renamed = _q_prefixed(folded)
    if renamed is not None and _first_is_timestamp(sheet):
        found = _survey("google_forms", renamed, sheet, date_names=(renamed[0],))
        found.notes.append(
            (
                "info",
                "columns renamed with a Q prefix (Qtime, Qrecommend...): read as a form "
                "export whose first column is the timestamp",
            )
        )
        return found
    # -- trackers
    tracker = _tracker(folded, have)
    if tracker is not None:
        return tracker
    # -- NPS tools: generic mapping, the score column on top
    return _nps_tool(sheet, folded, have)


def _q_prefixed(folded: list[str]) -> list[str] | None:
    """Headers with a publisher's Q prefix (Qtime, Qrecommend) without it; None otherwise."""
    pref = [bool(re.fullmatch(r"q[a-z][a-z0-9 ]*", h)) for h in folded]
    if len(folded) < 5 or sum(pref) < 0.6 * len(folded):
        return None
    return [h[1:] if p else h for h, p in zip(folded, pref, strict=True)]


def _first_is_timestamp(sheet) -> bool:
    frame = sheet.frame
    return len(frame) > 0 and 0 in frame.columns and survey.first_datetime_share(frame[0]) >= 0.95


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


def _nps_tool(sheet, folded: list[str], have: set[str]) -> Identified | None:
    """Delighted, Medallia or any export with a plain 0-10 Score column beside a date, an id
    or a comment (but not a long-format table of question scores)."""
    i = _index(folded, SCORE_NAMES)
    if i is None or "question" in have or i not in sheet.frame.columns:
        return None
    beside = have & {
        "comment",
        "comments",
        "response id",
        "survey id",
        "person id",
        "created utc",
        "created at",
        "created",
        "response date",
        "date",
        "timestamp",
        "email",
    }
    if not beside:
        return None
    nums = values.parse_scale(sheet.frame[i], lo=-1e9, hi=1e9).values.dropna()
    if len(nums) == 0 or not (nums.between(0, 10).mean() >= 0.95 and (nums % 1 == 0).all()):
        return None
    if have & {"person id", "created utc", "updated utc", "additional answers", "survey type"}:
        tool = "delighted"
    elif have & {"ltr", "survey id", "response date"}:
        tool = "medallia"
    else:
        tool = "nps_score"
    cols: dict[str, int | str] = {"nps": i}
    if (j := _index(folded, ("created utc", "created at utc", "response date"))) is not None:
        cols["date"] = j
    if (j := _index(folded, ("survey id", "response id"))) is not None:
        cols["response_id"] = j
    return Identified(TOOLS[tool], "feedback", cols, generic=True)


# -- files that are not tables --------------------------------------------------------------
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


# -- what a recognised sheet becomes --------------------------------------------------------
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


def tool_mapping(sheet, found: Identified, entity_name: str):
    """The mapping of a recognised sheet: the tool's columns (method 'signature'); the other
    columns by name as usual (`generic`) or kept in extra (survey questions judged apart)."""
    filled = (
        [int(n) for n in sheet.frame.notna().sum().tolist()] if len(sheet.frame.columns) else None
    )
    m = mapping.map_headers(list(sheet.headers), entity_name, filled=filled)
    by_index = {i: t for t, i in found.columns.items() if isinstance(i, int)}
    if found.generic:  # the name-based mapping stands; the tool fills only what it left out
        have = set(m.targets)
        by_index = {
            i: t for i, t in by_index.items() if t not in have and m.columns[i].target is None
        }
    taken = set(by_index.values())
    cols = []
    for c in m.columns:
        if c.index in by_index:
            cols.append(replace(c, target=by_index[c.index], confidence=1.0, method="signature"))
        elif found.generic and c.target and c.target not in taken:
            cols.append(c)
        else:
            cols.append(replace(c, target=None, confidence=0.0, method="none"))
    return mapping.Mapping(entity_name, cols, m.signature)


def prepared(sheet, found: Identified):
    """The sheet with its answers put the way we store them (ease reversed to effort)."""
    if not found.reversed_:
        return sheet, []
    frame = sheet.frame.copy()
    notes = []
    for j in sorted(found.reversed_):
        frame[j] = survey.reverse_ease(frame[j])
        notes.append(
            f"'{sheet.headers[j]}' asks how easy it was (5 = very easy): stored as effort_score "
            "6 - answer, so 1 = very easy as everywhere else"
        )
    return replace(sheet, frame=frame), notes


# Layouts recognised by their shape rather than a tool's names (the README's table).
SHAPES = (
    (
        "Any workbook with pivot tables, charts, notes or summaries",
        "every sheet we recognise is imported; the others are reported once as information "
        "(skipped: looks like a pivot table / chart / notes); refused only when no sheet is "
        "recognised",
        "none",
    ),
    (
        "Master workbook, one sheet per facet (finance, schedule, benefits...)",
        "project sheets of one file that share most project names (or ids) are joined into one "
        "row per project; group rows and two-row headers are read; values that disagree "
        "between sheets are reported (the first sheet's kept); other columns kept in extra",
        "none",
    ),
    (
        "Transposed master (field names down column A, a project per column)",
        "turned round when the field names fill more of an entity than the header row does",
        "none",
    ),
)


def exports_table() -> str:
    """The README's 'Exports we know': one row per tool and layout."""
    rows = ["| export | what is recognised | what you do |", "|---|---|---|"]
    for t in TOOLS.values():
        step = t.step if t.step != "none" else "nothing"
        rows.append(f"| {t.label} | {t.recognised} | {step} |")
    for label, what, step in SHAPES:
        rows.append(f"| {label} | {what} | {'nothing' if step == 'none' else step} |")
    return "\n".join(rows)
