"""Typed coercion and the data rules, producing issues a PMO analyst can act on.

Every issue is a record: severity (error | warning | info), file, sheet, row (the spreadsheet
row the user sees), column (the source header and its Excel letter), value, message (what is
wrong and what to do). Errors reject the row: a row is loaded whole or not at all. Warnings
never block: the cell is left blank (its original text kept in `extra`) or the row is flagged.

Work is vectorised per column: parsers in `values.py` return the bad cells, and issues are
built per bad cell, never by looping over all rows. Rules across rows and entities
(duplicates, date order, orphans) are in `rules.py`.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from pmo_data.ingest import values
from pmo_data.ingest.mapping import ROW_KEYED, Mapping
from pmo_data.schema import entity, normalise_header

ISSUE_COLUMNS = [
    "severity",
    "entity",
    "file",
    "sheet",
    "row",
    "column",
    "letter",
    "field",
    "value",
    "rule",
    "message",
]
SEVERITIES = ("error", "warning", "info")
PROVENANCE = ["_file", "_sheet", "_row"]

# What people write instead of our allowed values (normalised, comma separated). A synonym is
# used only where its canonical value is allowed for the column ("closed" is Done for an
# action but Closed for a project stage).
SYNONYMS = {
    "Done": "complete, completed, closed, finished, resolved, implemented, delivered, "
    "terminé, fermé, résolu, validé, erledigt, fertig, geschlossen, hecho, cerrado, resuelto",
    "In progress": "wip, ongoing, started, underway, under way, active, doing, working on it, "
    "in review, en cours, in bearbeitung, en progreso, en curso",
    "Open": "new, not started, to do, todo, raised, pending, backlog, ouvert, à faire, "
    "nouveau, offen, zu erledigen, abierto, por hacer, nuevo",
    "Cancelled": "canceled, dropped, withdrawn, rejected, abandoned, removed, abandonné, annulé, "
    "abgebrochen, cancelado",
    "Closed": "complete, completed, done, finished, delivered",
    "Execution": "delivery, in delivery, in progress, wip, active, build, implementation",
    "Initiation": "initiate, initiated, startup, start up, mobilisation, mobilization",
    "Planning": "plan, design, definition",
    "Idea": "proposed, proposal, pipeline, concept",
    "On hold": "hold, paused, suspended",
    "Closing": "closure, closedown",
    "High": "critical, very high, major, h, urgent",
    "Medium": "med, moderate, m, mid",
    "Low": "minor, very low, l",
    "Strategic": "platinum, tier 1, strategic partner",
    "Key": "gold, tier 2, key account",
    "Standard": "silver, bronze, tier 3, normal",
    "Operational efficiency": "operational efficiencies, efficiency, efficiencies",
    "Resource optimisation": "resource optimization, resource",
    "Avoided cost": "cost avoidance, avoidance",
    "Benefit realised": "benefit realized, benefits realised, benefits realisation, benefit",
    "Procurement": "procurement saving, commercial",
}


@cache
def _choice_lookup(allowed: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in allowed:
        for phrase in SYNONYMS.get(value, "").split(","):
            out.setdefault(normalise_header(phrase), value)
    out.update({normalise_header(v): v for v in allowed})
    out.pop("", None)
    return out


def key_prefix(entity_name: str) -> str:
    """'P-' for projects, 'SV-' for savings...: taken from the key column's example."""
    e = entity(entity_name)
    example = str(e.column(e.key).example or e.name[:1].upper() + "-")
    return example.split("-")[0] + "-"


def derive_keys(names: pd.Series, entity_name: str) -> pd.Series:
    """Stable ids from names: prefix + 8 hex of sha1(normalised name); blank stays blank."""
    prefix = key_prefix(entity_name)
    uniq = names.dropna().unique()
    ids = {
        n: prefix + hashlib.sha1(normalise_header(n).encode()).hexdigest()[:8].upper() for n in uniq
    }
    return names.map(ids).astype("string")


def issues_frame(parts: list[pd.DataFrame] | None = None) -> pd.DataFrame:
    """Concatenate issue chunks into one frame with the standard columns."""
    parts = [p for p in (parts or []) if p is not None and len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ISSUE_COLUMNS})
    df = pd.concat(parts, ignore_index=True)
    for c in ISSUE_COLUMNS:
        if c not in df:
            df[c] = None
    return df[ISSUE_COLUMNS]


def issue(severity, message, *, entity=None, file=None, sheet=None, rule="", **kw) -> pd.DataFrame:
    """One issue not tied to a cell (a sheet or column-level finding)."""
    rec = dict(severity=severity, message=message, entity=entity, file=file, sheet=sheet, rule=rule)
    rec.update(kw)
    return issues_frame([pd.DataFrame([rec])])


class _Cells:
    """Builds issues for many cells of one source column at once."""

    def __init__(self, sheet, entity_name: str, header: str, letter: str, field: str | None):
        self.base = dict(
            entity=entity_name,
            file=sheet.file,
            sheet=sheet.name,
            column=header,
            letter=letter,
            field=field,
        )
        self.rows = np.asarray(sheet.rows)

    def make(self, positions, severity, message, values_, rule) -> pd.DataFrame:
        positions = np.asarray(positions, dtype=int)
        if not len(positions):
            return None
        df = pd.DataFrame(
            {
                "severity": severity,
                "row": self.rows[positions],
                "value": [_show(v) for v in values_],
                "message": message,
                "rule": rule,
            }
        )
        return df.assign(**self.base)


def _show(v) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
        return None
    return str(v)[:200]


# -- coercion -----------------------------------------------------------------------------------
def _parse(col, s: pd.Series, header: str, currency: str | None):
    """Parse one column by kind -> (values, problems, column-level notes [(severity, msg)])."""
    notes = []
    if col.kind in ("id", "text", "choice"):
        p = values.parse_text(s)
    elif col.kind == "date":
        p = values.parse_dates(s)
    elif col.kind in ("money", "number", "percent"):
        mult, cur = values.unit_multiplier(header) if col.kind == "money" else (1.0, None)
        p = values.parse_numbers(s, kind=col.kind, multiplier=mult)
        if mult != 1:
            notes.append(("info", f"'{header}': values multiplied by {mult:,.0f} (unit in header)"))
        if cur and currency and cur != currency:
            notes.append(
                (
                    "warning",
                    f"'{header}' is in {cur} but the store's currency is {currency}; amounts "
                    "are loaded unconverted — convert them or change the store currency",
                )
            )
    elif col.kind == "rag":
        p = values.parse_rag(s)
    elif col.kind in ("rating", "nps"):
        p = values.parse_scale(s, lo=col.lo, hi=col.hi)
    else:  # pragma: no cover - schema kinds are closed
        raise ValueError(col.kind)
    return p.values, list(p.problems), notes


def coerce(
    sheet, entity_name: str, mapping: Mapping, *, key_tag: str = "", currency: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One sheet -> (frame of canonical + `extra` + provenance columns, issues).

    Unknown columns, and the original text of cells that could not be used, are kept in
    `extra` (a JSON object per row). Rows are not dropped here; `split` does that.
    """
    e = entity(entity_name)
    src = sheet.frame.reset_index(drop=True)
    n = len(src)
    out: dict[str, pd.Series] = {}
    extra: dict[str, pd.Series] = {}
    parts: list[pd.DataFrame] = []

    # Rows with a name but no id get one derived from the name (the id column is there but
    # blank for them, as for pipeline projects in a master), not rejected.
    key_basis = next((k for k in e.key_from if mapping.source_of(k)), None)
    basis, keyless = None, None
    if key_basis is not None and mapping.source_of(e.key):
        raw = src.get(mapping.source_of(key_basis).index)
        if raw is not None:
            basis = ~np.asarray(values._blank(raw), dtype=bool)
    for cm in mapping.columns:
        s = src[cm.index] if cm.index in src.columns else _at(n, [], [])
        if cm.target is None:
            extra[cm.header] = s
            continue
        col = e.column(cm.target)
        cells = _Cells(sheet, e.name, cm.header, cm.letter, col.name)
        try:
            parsed, problems, notes = _parse(col, s, cm.header, currency)
        except Exception as exc:  # a value shape no parser foresaw: reject, never crash
            parts.append(_unreadable_column(exc, n, cells))
            out[col.name] = pd.Series([None] * n, dtype="object")
            extra[cm.header] = s
            continue
        parsed = parsed.reset_index(drop=True)
        for sev, msg in notes:
            parts.append(
                issue(
                    sev, msg, entity=e.name, file=sheet.file, sheet=sheet.name, rule="unit"
                ).assign(column=cm.header, letter=cm.letter, field=col.name)
            )
        if col.kind in ("rating", "nps") and not col.required:
            coded = [p for p in problems if p.rule == "range"]
            if coded:  # codes such as 6 = not applicable: blank, counted, said once
                problems = [p for p in problems if p.rule != "range"]
                where = [src.index.get_loc(p.index) for p in coded]
                extra[cm.header] = _at(n, where, [p.value for p in coded])
                parts.append(_out_of_scale(coded, col, cells))
        bad = np.array([src.index.get_loc(p.index) for p in problems], dtype=int)
        if len(problems):
            part, kept = _problem_issues(problems, bad, parsed, col, cells)
            parts.append(part)
            if kept is not None:  # beside any codes out of scale kept above
                kept_values = _at(n, bad[kept], [problems[i].value for i in kept])
                coded_values = extra.get(cm.header)
                extra[cm.header] = (
                    kept_values
                    if coded_values is None
                    else coded_values.where(coded_values.notna(), kept_values)
                )
        if col.kind == "choice":
            parsed, part = _match_choice(parsed, col, cells, extra, cm.header)
            parts.append(part)
        if col.kind in ("money", "number", "percent") and (
            col.lo is not None or col.hi is not None
        ):
            parsed, part = _check_range(parsed, col, cells, extra, cm.header)
            parts.append(part)
        if col.required:
            blank = np.array(parsed.isna(), dtype=bool)
            if len(bad):
                blank[bad] = False
            if col.name == e.key and basis is not None:
                keyless = blank & basis  # ids derived from the name after the loop
                blank &= ~basis
            where = np.flatnonzero(blank)
            msg = f"{col.name} is required but blank — fill it in or delete the row"
            parts.append(cells.make(where, "error", msg, [None] * len(where), "required"))
        if col.kind == "nps":
            parts.append(_nps_scale(parsed, out, cells, cm.header))
        out[col.name] = _compact(parsed)

    if e.key not in out:
        out[e.key], note = _derived_key(e, out, sheet, key_tag)
        parts.append(note)
    elif keyless is not None and keyless.any() and key_basis in out:
        out[e.key], note = _fill_keys(e, out, key_basis, keyless, mapping, sheet)
        parts.append(note)
    frame = pd.DataFrame(out)
    frame["extra"] = extra_json(extra, n)
    frame["_file"] = sheet.file
    frame["_sheet"] = sheet.name
    frame["_row"] = np.asarray(sheet.rows, dtype="int64")
    return frame, issues_frame(parts)


def _compact(s: pd.Series) -> pd.Series:
    """Text held as Arrow strings: a million short Python str objects cost ~60 MB, the same
    text in one Arrow buffer a fifth of that (the plan keeps these frames while it is shown)."""
    if s.dtype != object:
        return s
    if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
        return s
    return s.astype("string[pyarrow]")


def _out_of_scale(coded, col, cells: _Cells) -> pd.DataFrame:
    """One warning for a rating column's answers outside its scale (left blank, counted, the
    originals kept in extra), instead of one per cell."""
    found = pd.Series([p.value for p in coded]).astype(str).value_counts()
    shown = ", ".join(f"{v} ({k}x)" for v, k in found.head(4).items())
    msg = (
        f"{len(coded)} answers outside {col.lo:g}-{col.hi:g} left blank ({shown}; codes such "
        f"as 'not applicable'); the originals are kept in extra['{cells.base['column']}']"
    )
    part = issue("warning", msg, rule="range", **cells.base)
    return part.assign(value=found.index[0])


def _unreadable_column(exc: Exception, n: int, cells: _Cells) -> pd.DataFrame:
    """Every row rejected when a column's values break a parser (rule 'internal': a bug to
    report, which the property test in tests/test_parsers_property.py hunts for)."""
    msg = (
        f"this column could not be read ({type(exc).__name__}); the rows are not loaded — "
        "save the file as .xlsx or .csv again, or report it with the file"
    )
    return cells.make(np.arange(n), "error", msg, [None] * n, "internal")


def _problem_issues(problems, bad, parsed, col, cells):
    """Issues for the cells a parser flagged, and which of them to keep in `extra`.

    A cell left blank in a required column rejects the row (error). Elsewhere an unreadable
    cell is a warning (blank, original kept in extra), a placeholder such as NA or TBC is info,
    and a value that was read but is doubtful (an ambiguous date) keeps the parser's severity.
    """
    nulled = np.asarray(parsed.isna().to_numpy()[bad], dtype=bool)
    sev, msgs, rules, kept = [], [], [], []
    for i, p in enumerate(problems):
        msg = p.message
        if not nulled[i]:
            sev.append(p.severity), msgs.append(msg), rules.append("doubtful")
            continue
        placeholder = "placeholder" in msg
        if col.required:
            sev.append("error")
            msg += " — required, so the row is not loaded"
        else:
            sev.append("info" if placeholder else "warning")
            msg += "" if "left blank" in msg else " — left blank"
            if not placeholder:
                kept.append(i)
        msgs.append(msg)
        rules.append("placeholder" if placeholder else "unreadable")
    chunk = cells.make(bad, "", "", [p.value for p in problems], "")
    chunk = chunk.assign(severity=sev, message=msgs, rule=rules)
    return chunk, (kept if kept and not col.required else None)


def _at(n: int, positions, values) -> pd.Series:
    """A length-n object Series, None except `values` at `positions`."""
    out = pd.Series([None] * n, dtype="object")
    out.iloc[positions] = values
    return out


def _derived_key(e, out, sheet, key_tag):
    basis = next((k for k in e.key_from if k in out), None)
    if basis is not None:
        keys = derive_keys(out[basis], e.name)
        how = f"derived from {basis} ({key_prefix(e.name)} + a short hash of the {basis})"
    elif e.name in ROW_KEYED:
        rows = pd.Series(np.asarray(sheet.rows, dtype="int64")).astype("string")
        keys = (f"{key_prefix(e.name)}{key_tag}" + rows).astype("string")
        how = f"derived from the row numbers ({keys.iloc[0] if len(keys) else ''}...)"
    else:  # recognition does not pick such an entity; a forced one ends here
        keys = pd.Series([None] * len(sheet.rows), dtype="string")
        how = "missing"
    msg = f"no {e.key} column: ids {how}; add a {e.key} column so ids stay stable when rows change"
    sev = "warning" if how != "missing" else "error"
    note = issue(sev, msg, entity=e.name, file=sheet.file, sheet=sheet.name, rule="key")
    return keys, note.assign(field=e.key)


def _fill_keys(e, out, basis: str, keyless: np.ndarray, mapping: Mapping, sheet):
    """Ids derived from the name for the rows whose id cell is blank; one warning."""
    keys = out[e.key].astype("object").copy()
    derived = derive_keys(out[basis].iloc[np.flatnonzero(keyless)], e.name)
    keys.iloc[np.flatnonzero(keyless)] = derived.to_numpy()
    cm = mapping.source_of(e.key)
    rows = np.asarray(sheet.rows)[keyless]
    shown = ", ".join(str(r) for r in rows[:5]) + (" ..." if len(rows) > 5 else "")
    msg = (
        f"{int(keyless.sum())} rows have a {basis} but no {e.key} (rows {shown}): ids derived "
        f"from the {basis} ({key_prefix(e.name)} + a short hash) — fill in their ids to keep "
        "them stable"
    )
    note = issue("warning", msg, entity=e.name, file=sheet.file, sheet=sheet.name, rule="key")
    return keys, note.assign(column=cm.header, letter=cm.letter, field=e.key)


def _match_choice(parsed, col, cells, extra, header):
    lookup = _choice_lookup(col.allowed)
    uniq = {u: lookup.get(normalise_header(u)) for u in parsed.dropna().unique()}
    matched = parsed.map(uniq)
    unknown = parsed.notna() & matched.isna()
    where = np.flatnonzero(unknown.to_numpy())
    msg = (
        f"not one of {', '.join(col.allowed)} — left blank (the original text is kept in "
        f"extra['{header}']); use one of the allowed values"
    )
    if len(where):
        kept = extra.get(header, pd.Series([None] * len(parsed), dtype="object"))
        kept = kept.copy()
        kept.iloc[where] = parsed.iloc[where].to_numpy()
        extra[header] = kept
    return matched.astype("string"), cells.make(
        where, "warning", msg, parsed.iloc[where], "allowed"
    )


def _check_range(parsed, col, cells, extra, header):
    num = pd.to_numeric(parsed, errors="coerce")
    low = num < col.lo if col.lo is not None else False
    high = num > col.hi if col.hi is not None else False
    bad = (low | high) if not isinstance(low, bool) else high
    where = np.flatnonzero(np.asarray(bad, dtype=bool))
    if not len(where):
        return parsed, None
    rng = f"{col.lo:g} to {col.hi:g}" if col.hi is not None else f"at least {col.lo:g}"
    msg = f"outside the allowed range ({rng}) — left blank, the original is kept in extra"
    kept = extra.get(header, pd.Series([None] * len(parsed), dtype="object")).copy()
    kept.iloc[where] = num.iloc[where].to_numpy()
    extra[header] = kept
    part = cells.make(where, "warning", msg, num.iloc[where], "range")
    parsed = parsed.copy()
    parsed.iloc[where] = np.nan
    return parsed, part


def _nps_scale(parsed, out, cells, header):
    """Record the NPS scale per row; a 1-10 scale is flagged once, never silently mixed."""
    scale = values.detect_nps_scale(parsed)
    label = "1-10" if scale == "1-10" else "0-10"
    out["nps_scale"] = pd.Series(np.where(parsed.notna(), label, None), dtype="string")
    return nps_scale_note(scale, parsed.notna().any(), cells, header)


def nps_scale_note(scale: str, answered: bool, cells, header):
    """The column's note for its scale (None for a plain 0-10 scale)."""
    if scale == "1-10":
        msg = (
            f"'{header}' looks like a 1-10 scale (no 0 answers): stored with nps_scale = "
            "'1-10' so NPS is not mixed with 0-10 answers"
        )
    elif scale == "unknown" and answered:
        msg = f"'{header}': cannot tell a 0-10 from a 1-10 scale; assumed 0-10"
    else:
        return None
    part = issue("warning", msg, rule="scale", **cells.base)
    return part


def extra_json(columns: dict[str, pd.Series], n: int) -> pd.Series:
    """Unknown columns as one JSON object per row (blank cells left out); None when no extras.

    Built by DuckDB in one vectorised query (~1 s per million rows x 3 columns). Columns of
    mixed types (numbers and text in one Excel column) are written as text.
    """
    if not columns:
        return pd.Series([None] * n, dtype="object")
    df = pd.DataFrame(
        {f"c{i}": _uniform(s.reset_index(drop=True)) for i, s in enumerate(columns.values())}
    )
    if len(columns) > WIDE_EXTRA and n * len(columns) <= 200_000:
        return _extra_json_rows(df, list(columns), n)
    seen: dict[str, int] = {}
    fields = []
    for i, h in enumerate(columns):
        seen[h] = seen.get(h, 0) + 1
        key = json.dumps(h if seen[h] == 1 else f"{h} ({seen[h]})", ensure_ascii=False)
        lit = (key + ":").replace("'", "''")
        fields.append(f"CASE WHEN c{i} IS NOT NULL THEN '{lit}' || to_json(c{i}) END")
    sql = f"SELECT nullif('{{' || concat_ws(',', {', '.join(fields)}) || '}}', '{{}}') FROM df"
    con = duckdb.connect()
    try:
        con.register("df", df)
        out = con.execute(sql).df().iloc[:, 0]
    finally:
        con.close()
    return out.astype("object").where(out.notna(), None)


WIDE_EXTRA = 100  # more unknown columns than this (a transposed master): JSON built per row


def _extra_json_rows(df: pd.DataFrame, headers: list[str], n: int) -> pd.Series:
    """extra_json for wide, short frames (thousands of columns, a few rows), where one SQL
    expression per column would be slow: the same JSON, built row by row."""
    seen: dict[str, int] = {}
    keys = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        keys.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    out = []
    cols = [df[c].tolist() for c in df.columns]
    for i in range(n):
        row = {}
        for k, col in zip(keys, cols, strict=True):
            v = col[i]
            if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                continue
            if isinstance(v, pd.Timestamp):
                v = str(v.to_pydatetime())
            elif isinstance(v, np.generic):
                v = v.item()
            row[k] = v
        text = json.dumps(row, ensure_ascii=False, default=str, separators=(",", ":"))
        out.append(text if row else None)
    return pd.Series(out, dtype="object")


def _uniform(s: pd.Series) -> pd.Series:
    """One type per column so DuckDB can read it: numbers, timestamps, booleans or text."""
    if s.dtype != object:
        return s
    kind = pd.api.types.infer_dtype(s, skipna=True)
    if kind in ("floating", "integer", "mixed-integer-float", "decimal"):
        return pd.to_numeric(s, errors="coerce")
    if kind in ("datetime", "datetime64", "date"):
        return pd.to_datetime(s, errors="coerce")
    if kind == "boolean":
        return s.astype("boolean")
    if kind == "empty":
        return s.astype("string")
    return s.map(str, na_action="ignore").astype("string")
