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
from dataclasses import replace

from pmo_data.ingest import mapping
from pmo_data.ingest.survey_exports import (
    MS_FORMS,
    QUALTRICS_META,
    SCORE_NAMES,
    SURVEYMONKEY_META,
    SURVEYMONKEY_SUBS,
    TIMESTAMP_NAMES,
    TYPEFORM_META,
    HeaderLayout,
    _first_is_timestamp,
    _nps_tool,
    _q_prefixed,
    _survey,
    header_layout,
    norm,
    prepared,
)
from pmo_data.ingest.tools import SHAPES, TOOLS, Identified, Tool, exports_table
from pmo_data.ingest.tracker_exports import _tracker, refuse_binary, refuse_text, tracker_sheets

__all__ = [
    "HeaderLayout",
    "Identified",
    "MS_FORMS",
    "QUALTRICS_META",
    "SCORE_NAMES",
    "SHAPES",
    "SURVEYMONKEY_META",
    "SURVEYMONKEY_SUBS",
    "TIMESTAMP_NAMES",
    "TOOLS",
    "TYPEFORM_META",
    "Tool",
    "exports_table",
    "header_layout",
    "identify",
    "norm",
    "prepared",
    "refuse_binary",
    "refuse_text",
    "tool_mapping",
    "tracker_sheets",
]


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
