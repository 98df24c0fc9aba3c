"""Saved assessments: who may record one, the suggested answers, the stage reached and the
next moves, and each assessment kept as a document so the journey has a history."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from pmo_data.analytics.maturity.board import MET, SQUARES, STAGE, STAGES, Stage
from pmo_data.store.access import Viewer, may
from pmo_data.store.versions import Store

KIND = "maturity_assessment"
EDITORS = ("pmo_analyst", "executive")


def can_edit(viewer: Viewer) -> bool:
    """The PMO and executives: an assessment is of the whole PMO, so it is recorded from a
    view that sees every row (a sponsor's evidence covers only their projects). In local mode
    anyone can switch to those views; with sign-in the access table decides (and nobody
    records one while an admin views as them)."""
    return may(viewer, "maturity") and viewer.sees_everything


def suggested(ev: pd.DataFrame) -> dict[str, bool]:
    """The starting answers: a square is done when its evidence says met."""
    return {r.square: r.status == MET for r in ev.itertuples()}


def stage_reached(done: dict[str, bool]) -> Stage | None:
    """The last stage whose squares, and every earlier stage's, are all done (None: none)."""
    reached = None
    for stage in STAGES:
        if all(done.get(s.id, False) for s in SQUARES if s.stage == stage.key):
            reached = stage
        else:
            break
    return reached


def working_on(done: dict[str, bool]) -> Stage | None:
    """The stage after the one reached (None when the whole board is done)."""
    reached = stage_reached(done)
    i = 0 if reached is None else STAGES.index(reached) + 1
    return STAGES[i] if i < len(STAGES) else None


def next_moves(done: dict[str, bool], ev: pd.DataFrame, k: int = 3) -> list[dict]:
    """The first `k` squares not yet done, in board order, with why, where to act (a page)
    and the named customers, actions or themes that would get them done."""
    by_id = {r["square"]: r for r in ev.to_dict("records")}
    out = []
    for s in SQUARES:
        if done.get(s.id, False):
            continue
        r = by_id.get(s.id, {})
        out.append(
            {
                "square": s.id,
                "stage": STAGE[s.stage].name,
                "text": s.text,
                "why": r.get("sentence", ""),
                "page": s.page,
                "items": list(r.get("items", [])),
            }
        )
        if len(out) == k:
            break
    return out


def build(answers: dict[str, dict], ev: pd.DataFrame, view: str = "") -> dict:
    """The document to save: per square done, note, the suggestion and the evidence then."""
    by_id = {r["square"]: r for r in ev.to_dict("records")}
    squares = {}
    for s in SQUARES:
        a, r = answers.get(s.id, {}), by_id.get(s.id, {})
        squares[s.id] = {
            "done": bool(a.get("done", False)),
            "note": str(a.get("note", "") or ""),
            "evidence": {k: r.get(k) for k in ("status", "threshold", "sentence")}
            | {"figure": None if pd.isna(r.get("figure")) else float(r["figure"])},
        }
    done = {k: v["done"] for k, v in squares.items()}
    reached = stage_reached(done)
    return {
        "squares": squares,
        "stage": reached.key if reached else None,
        "done": sum(done.values()),
        "overrides": sum(v["done"] != (v["evidence"]["status"] == MET) for v in squares.values()),
        "view": view,
    }


def save(store: Store, payload: dict, author: str, scope: str | None = None, viewer=None) -> str:
    """Append an assessment (named by its timestamp) and return its name; the store refuses
    it unless `viewer` may record one."""
    name = datetime.now().isoformat(timespec="microseconds")
    summary = f"{payload.get('done')} squares done"
    store.save_document(
        KIND, name, payload, author=author, scope=scope, viewer=viewer, summary=summary
    )
    return name


def history(store: Store) -> pd.DataFrame:
    """Every saved assessment, newest first: when, who, stage reached, squares done, overrides."""
    docs = store.documents(KIND, latest_only=False)
    if not docs.empty:  # only whole-PMO assessments (older saves from narrow views are left out)
        docs = docs[docs["scope"].isna() | docs["scope"].isin(EDITORS)].reset_index(drop=True)
    cols = ["created_at", "author", "stage", "done", "overrides", "view", "name"]
    if docs.empty:
        return pd.DataFrame(columns=[*cols, "payload"])
    p = docs["payload"]
    return pd.DataFrame(
        {
            "created_at": docs["created_at"],
            "author": docs["author"],
            "stage": [STAGE[x["stage"]].name if x.get("stage") else "None yet" for x in p],
            "done": [int(x.get("done", 0)) for x in p],
            "overrides": [int(x.get("overrides", 0)) for x in p],
            "view": [x.get("view", "") for x in p],
            "name": docs["name"],
            "payload": p,
        }
    )


def latest(store: Store) -> dict | None:
    """The newest saved assessment's payload (None when nothing has been saved)."""
    h = history(store)
    return None if h.empty else h["payload"].iloc[0]
