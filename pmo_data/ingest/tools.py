"""The survey tools and work trackers whose exports we know (the README's 'Exports we know'
table), and `Identified`: what recognising a sheet by its tool's signature yields."""

from __future__ import annotations

from dataclasses import dataclass, field


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
