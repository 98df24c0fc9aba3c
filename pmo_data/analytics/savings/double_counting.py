"""Double counting: two savings lines that claim the same cost pool over the same days.

Why it matters: a budget line can only be saved once. Two lines reducing "Reporting FTE" in
overlapping periods are probably one saving claimed twice, so the smaller one is held back
from every total until someone decides (keep both, keep one) with a note.

Rules (tested in tests/test_double_counting.py):
- Pools match case- and space-insensitively ("CC-1 Reporting  FTE" == "cc-1 reporting fte");
  a line without a cost pool is never paired.
- Periods are inclusive (1 Apr - 31 Mar, as the import template shows). Two lines overlap when
  they share at least one day, except when they only touch: the second starts the day after
  the first ends (inclusive ledgers) or on the day it ends (ledgers that write exclusive
  ends, "1 Apr - 1 Oct, 1 Oct - ..."). A missing start or end is open-ended.
- An unresolved pair holds back its smaller line (by likely; on a tie the later-starting,
  then the higher id). A decision "keep A" / "keep B" excludes the other line; "keep both"
  excludes neither; "reopen" makes the pair unresolved again.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

RESOLUTION_KIND = "savings_resolution"
DECISIONS = ("keep both", "keep A", "keep B", "reopen")
_OPEN_START, _OPEN_END = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01")
PAIR_COLUMNS = [
    "pair_key",
    "cost_pool",
    "line_a",
    "line_b",
    "a_start",
    "a_end",
    "b_start",
    "b_end",
    "overlap_from",
    "overlap_to",
    "overlap_days",
    "likely_a",
    "likely_b",
    "at_stake",
    "smaller",
]


def normalise_pool(pool) -> str | None:
    """'  CC-1 Reporting  FTE ' -> 'cc-1 reporting fte'; blank -> None."""
    if pool is None or (isinstance(pool, float) and np.isnan(pool)):
        return None
    text = re.sub(r"\s+", " ", str(pool)).strip().lower()
    return text or None


def pair_key(a: str, b: str) -> str:
    """One name per pair whatever the order: 'SV-001|SV-002'."""
    return "|".join(sorted((str(a), str(b))))


def find_pairs(lines: pd.DataFrame) -> pd.DataFrame:
    """Every pair of lines on the same cost pool whose periods overlap (see the module rules).

    `lines` needs line_id, cost_pool, period_start, period_end, likely. Line A is the one
    that starts first. `at_stake` is the smaller line's likely value, `smaller` its id.
    """
    if lines.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    df = pd.DataFrame(
        {
            "id": lines["line_id"].astype(str).to_numpy(),
            "pool": [normalise_pool(p) for p in lines["cost_pool"]],
            "pool_text": lines["cost_pool"].to_numpy(),
            "start": pd.to_datetime(lines["period_start"]).to_numpy(),
            "end": pd.to_datetime(lines["period_end"]).to_numpy(),
            "likely": pd.to_numeric(lines["likely"], errors="coerce").fillna(0).to_numpy(),
        }
    ).dropna(subset=["pool"])
    df = df[df.duplicated("pool", keep=False)]
    if df.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    df["s"] = df["start"].fillna(_OPEN_START)
    df["e"] = df["end"].fillna(_OPEN_END)
    df = df.sort_values(["pool", "s", "id"]).reset_index(drop=True)
    df["rank"] = np.arange(len(df))
    p = df.merge(df, on="pool", suffixes=("_a", "_b"))
    p = p[p["rank_a"] < p["rank_b"]]
    ov_from = np.maximum(p["s_a"], p["s_b"])
    ov_to = np.minimum(p["e_a"], p["e_b"])
    days = (ov_to - ov_from).dt.days + 1
    exclusive_touch = (days == 1) & (p["e_a"] == p["s_b"]) & (p["s_a"] < p["s_b"])
    p = p.assign(ov_from=ov_from, ov_to=ov_to, days=days)[(days >= 1) & ~exclusive_touch]
    if p.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    # The smaller line is held back; on a tie the later start (B), then the higher id.
    # (B starts later, or at the same time with a higher id: the sort order above.)
    b_smaller = p["likely_b"] <= p["likely_a"]
    open_ended = p[["start_a", "end_a", "start_b", "end_b"]].isna().any(axis=1)
    out = pd.DataFrame(
        {
            "pair_key": [pair_key(a, b) for a, b in zip(p["id_a"], p["id_b"], strict=True)],
            "cost_pool": p["pool_text_a"].to_numpy(),
            "line_a": p["id_a"].to_numpy(),
            "line_b": p["id_b"].to_numpy(),
            "a_start": p["start_a"].to_numpy(),
            "a_end": p["end_a"].to_numpy(),
            "b_start": p["start_b"].to_numpy(),
            "b_end": p["end_b"].to_numpy(),
            "overlap_from": p["ov_from"].where(~open_ended).to_numpy(),
            "overlap_to": p["ov_to"].where(~open_ended).to_numpy(),
            "overlap_days": p["days"].where(~open_ended).astype("Float64").to_numpy(),
            "likely_a": p["likely_a"].to_numpy(),
            "likely_b": p["likely_b"].to_numpy(),
            "at_stake": np.minimum(p["likely_a"], p["likely_b"]).to_numpy(),
            "smaller": np.where(b_smaller, p["id_b"], p["id_a"]),
        }
    )
    return out.reset_index(drop=True)


def resolve(
    store, pairs: pd.DataFrame, key: str, decision: str, note: str, *, author: str, viewer=None
) -> dict:
    """Record a decision on one flagged pair (newest decision per pair wins)."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}; got {decision!r}")
    if not str(note or "").strip():
        raise ValueError("add a note saying why (e.g. 'two teams claimed the same FTE')")
    row = pairs[pairs["pair_key"] == key]
    if row.empty:
        raise ValueError(f"{key} is not a flagged pair in this view")
    a, b = row.iloc[0]["line_a"], row.iloc[0]["line_b"]
    excluded = {"keep A": b, "keep B": a}.get(decision)
    payload = {
        "decision": decision,
        "note": note.strip(),
        "line_a": a,
        "line_b": b,
        "excluded": excluded,
    }
    summary = f"{decision} on {a} / {b}"
    store.save_document(
        RESOLUTION_KIND, key, payload, author=author, viewer=viewer, summary=summary
    )
    return payload


def resolutions(store) -> pd.DataFrame:
    """The latest decision per pair: pair_key, decision, note, excluded, author, decided."""
    docs = store.documents(RESOLUTION_KIND)
    cols = ["pair_key", "decision", "note", "excluded", "author", "decided"]
    if docs.empty:
        return pd.DataFrame(columns=cols)
    pay = docs["payload"]
    return pd.DataFrame(
        {
            "pair_key": docs["name"],
            "decision": [p.get("decision") for p in pay],
            "note": [p.get("note", "") for p in pay],
            "excluded": [p.get("excluded") for p in pay],
            "author": docs["author"],
            "decided": docs["created_at"],
        }
    )[cols]


def apply(pairs: pd.DataFrame, decisions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(pairs with status and the line each excludes, exclusions: line_id, reason, resolved).

    A line excluded by several pairs is listed once, resolved decisions first.
    """
    if pairs.empty:
        cols = ["status", "excluded", "decision", "note", "author", "decided"]
        return pairs.assign(**{c: pd.Series(dtype=object) for c in cols}), pd.DataFrame(
            columns=["line_id", "reason", "resolved"]
        )
    d = decisions[decisions["decision"] != "reopen"] if len(decisions) else decisions
    p = pairs.merge(d, on="pair_key", how="left", suffixes=("", "_d"))
    resolved = p["decision"].notna()
    excluded = np.where(resolved, p["excluded"], p["smaller"])
    status = np.where(
        resolved,
        "decided: " + p["decision"].fillna("").astype(str),
        "awaiting decision",
    )
    p = p.drop(columns=["excluded"]).assign(status=status, excluded=excluded)
    ex = p[p["excluded"].notna()]
    other = np.where(ex["excluded"] == ex["line_a"], ex["line_b"], ex["line_a"])
    reason = np.where(
        ex["decision"].notna(),
        "duplicate of "
        + other
        + " (decided by "
        + ex["author"].astype(str)
        + ": "
        + ex["note"].astype(str)
        + ")",
        "held back: overlaps "
        + other
        + " on '"
        + ex["cost_pool"].astype(str)
        + "' (awaiting decision)",
    )
    exclusions = (
        pd.DataFrame(
            {"line_id": ex["excluded"], "reason": reason, "resolved": ex["decision"].notna()}
        )
        .sort_values("resolved", ascending=False, kind="stable")
        .drop_duplicates("line_id")
        .reset_index(drop=True)
    )
    return p.reset_index(drop=True), exclusions
