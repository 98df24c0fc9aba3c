"""Master workbooks: one project per row, each sheet a facet (finance, schedule, benefits...).

When several sheets of one file hold projects and mostly the same ones (matched by name, or
by project id where a sheet has no name column), they are facets of one list: `join` merges
them into one row per project. The first sheet's value wins where two sheets disagree, and
each disagreement is reported (sheet, row, both values); columns we do not map are all kept
in `extra`. Sheets that hold different projects (this year's and last year's list) are left
to be stacked as before.
"""

from __future__ import annotations

import contextlib
import json

import numpy as np
import pandas as pd

from pmo_data.ingest.validation import issues_frame
from pmo_data.schema import entity, normalise_header

MIN_OVERLAP = 0.5  # share of a sheet's projects found in the first sheet to call it a facet
MAX_CONFLICTS_PER_SHEET = 200


def _keys(df: pd.DataFrame, by: str) -> pd.Series:
    if by == "name":
        return df["name"].map(normalise_header, na_action="ignore")
    return df["project_id"].astype("object")


def _same(a, b) -> bool:
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)):
        return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=1e-9))
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return normalise_header(a) == normalise_header(b)


def _blank(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))


def join(frames: list[pd.DataFrame], entity_name: str = "projects"):
    """(frames with facets joined, conflict issues, {(file, sheet): rows merged away}).

    frames: coerced frames, one per sheet, in workbook order."""
    by_file: dict[str, list[pd.DataFrame]] = {}
    for df in frames:
        by_file.setdefault(str(df["_file"].iloc[0]) if len(df) else "", []).append(df)
    out, parts, merged = [], [], {}
    for dfs in by_file.values():
        if len(dfs) < 2:
            out += dfs
            continue
        joined, iss, m = _join_file(dfs, entity_name)
        out += joined
        parts += iss
        merged.update(m)
    return out, issues_frame(parts), merged


def _join_file(dfs: list[pd.DataFrame], entity_name: str):
    by = "name" if all("name" in d and d["name"].notna().any() for d in dfs) else "project_id"
    base = dfs[0]
    base_keys = set(_keys(base, by).dropna())
    facets, rest = [], []
    for d in dfs[1:]:
        keys = _keys(d, by).dropna()
        if len(keys) and keys.isin(base_keys).mean() >= MIN_OVERLAP:
            facets.append(d)
        else:
            rest.append(d)
    if not facets:
        return dfs, [], {}
    e = entity(entity_name)
    canon = [c for c in e.column_names if c in base.columns or any(c in f for f in facets)]
    rows = {k: dict(r) for k, r in zip(_keys(base, by), base.to_dict("records"), strict=True)}
    order = list(rows)
    parts, merged = [], {}
    for f in facets:
        sheet = str(f["_sheet"].iloc[0])
        n_merged, conflicts = 0, []
        for k, rec in zip(_keys(f, by), f.to_dict("records"), strict=True):
            if k is None or k not in rows:
                if k is not None:
                    rows[k] = rec
                    order.append(k)
                continue
            n_merged += 1
            into = rows[k]
            for c in canon:
                if c not in rec or _blank(rec[c]):
                    continue
                if c not in into or _blank(into[c]):
                    into[c] = rec[c]
                elif c != e.key and not _same(into[c], rec[c]):
                    conflicts.append((rec, c, into, into[c], rec[c]))
            into["extra"], differ = _merge_extra(into.get("extra"), rec.get("extra"), sheet)
            conflicts += [(rec, key, into, a, b) for key, a, b in differ]
        merged[(str(f["_file"].iloc[0]), sheet)] = n_merged
        parts.append(_conflicts(conflicts, entity_name, sheet))
    joined = pd.DataFrame([rows[k] for k in order])
    for c in base.columns:  # keep the base frame's dtypes where possible
        if c in joined and base[c].dtype != object:
            with contextlib.suppress(TypeError, ValueError):
                joined[c] = joined[c].astype(base[c].dtype)
    return [joined, *rest], parts, merged


def _merge_extra(a, b, sheet: str):
    """(the two sheets' extra columns in one JSON object, [(column, first, this)] where the
    same column holds different values; the later sheet's is kept as 'sheet: column')."""
    if not b:
        return a, []
    da = json.loads(a) if a else {}
    differ = []
    for k, v in json.loads(b).items():
        if k in da and not _same(da[k], v):
            differ.append((k, da[k], v))
            da[f"{sheet}: {k}"] = v
        else:
            da.setdefault(k, v)
    return json.dumps(da, ensure_ascii=False), differ


def _conflicts(conflicts, entity_name: str, sheet: str) -> pd.DataFrame | None:
    if not conflicts:
        return None
    recs = []
    for rec, c, into, first, this in conflicts[:MAX_CONFLICTS_PER_SHEET]:
        recs.append(
            dict(
                severity="warning",
                entity=entity_name,
                file=rec["_file"],
                sheet=sheet,
                row=rec["_row"],
                field=c if entity(entity_name).has(c) else None,
                column=None if entity(entity_name).has(c) else c,
                value=str(this)[:200],
                rule="conflict",
                message=(
                    f"'{into.get('name') or into.get('project_id')}': {c} is {_show(this)} here "
                    f"but {_show(first)} on sheet '{into['_sheet']}' (row {into['_row']}) — "
                    "the first sheet's value is kept; correct the sheet that is wrong"
                ),
            )
        )
    if len(conflicts) > MAX_CONFLICTS_PER_SHEET:
        more = len(conflicts) - MAX_CONFLICTS_PER_SHEET
        recs.append(
            dict(
                severity="warning",
                entity=entity_name,
                file=conflicts[0][0]["_file"],
                sheet=sheet,
                rule="conflict",
                message=f"... and {more} more values that disagree with the first sheet",
            )
        )
    return pd.DataFrame(recs)


def _show(v) -> str:
    if isinstance(v, pd.Timestamp):
        return f"{v:%Y-%m-%d}"
    if isinstance(v, float):
        return f"{v:,.6g}"
    return f"'{v}'"
