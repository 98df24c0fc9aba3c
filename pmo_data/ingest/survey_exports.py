"""Survey-tool detection: the header rows of known survey exports and the signatures of
Qualtrics, SurveyMonkey, Forms, Typeform and NPS tools, with their answers prepared to store."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from pmo_data.ingest import survey, values
from pmo_data.ingest.tools import TOOLS, Identified

norm = values.fold


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


def _q_prefixed(folded: list[str]) -> list[str] | None:
    """Headers with a publisher's Q prefix (Qtime, Qrecommend) without it; None otherwise."""
    pref = [bool(re.fullmatch(r"q[a-z][a-z0-9 ]*", h)) for h in folded]
    if len(folded) < 5 or sum(pref) < 0.6 * len(folded):
        return None
    return [h[1:] if p else h for h, p in zip(folded, pref, strict=True)]


def _first_is_timestamp(sheet) -> bool:
    frame = sheet.frame
    return len(frame) > 0 and 0 in frame.columns and survey.first_datetime_share(frame[0]) >= 0.95


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
