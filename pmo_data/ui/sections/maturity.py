"""Drawing for the Maturity journey page: the board, next moves, the self-assessment form,
saving, and the history of assessments.

Answers live in session state under `mt_answers` (the boxes `mt_done_<square>` /
`mt_note_<square>` write to it), initialised once: from the newest saved assessment when there
is one, else from the evidence. Saving runs in a button callback (before the rerun), so the new
assessment is in the history at once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pmo_data.analytics import maturity
from pmo_data.charts import maturity as maturity_charts
from pmo_data.escaping import md
from pmo_data.ui.context import get_store, run
from pmo_data.ui.navigation import page_path
from pmo_data.ui.tables import table
from pmo_data.ui.widgets import Kpi, chart, figure, kpi_row, lazy_expander, lazy_sections

ICONS = {
    maturity.MET: ":green[:material/check_circle:]",
    maturity.PARTIAL: ":orange[:material/contrast:]",
    maturity.NOT_MET: ":gray[:material/radio_button_unchecked:]",
    "your call": ":blue[:material/edit_note:]",
}
FLAG = " :orange-badge[override]"  # the evidence says otherwise than the ticked box
ANSWERS = "mt_answers"  # {square: {"done", "note"}}, kept across runs that do not draw the form


def _short(stage) -> str:
    return stage.short


def _done_key(sq: str) -> str:
    return f"mt_done_{sq}"


def _note_key(sq: str) -> str:
    return f"mt_note_{sq}"


def _load(answers: dict[str, dict]) -> None:
    """The answers, kept under a key of their own (a widget's state is dropped in any run
    that does not draw it: another page, or a stage tab not open); `init` sets the boxes."""
    st.session_state[ANSWERS] = {
        s.id: {
            "done": bool(answers.get(s.id, {}).get("done", False)),
            "note": str(answers.get(s.id, {}).get("note", "") or ""),
        }
        for s in maturity.SQUARES
    }


def _from_evidence(ev: pd.DataFrame) -> None:
    _load({k: {"done": v} for k, v in maturity.suggested(ev).items()})


def _keep(square: str) -> None:
    """A box or note changed: keep it with the answers."""
    st.session_state[ANSWERS][square] = {
        "done": bool(st.session_state[_done_key(square)]),
        "note": st.session_state[_note_key(square)],
    }


def init(ev: pd.DataFrame) -> None:
    """Prefill once per session: the newest saved assessment, else the evidence; then set the
    boxes from the kept answers (a box's own state may have been dropped in a run without it;
    a change reaches the answers in its callback, before this runs)."""
    if ANSWERS not in st.session_state:
        saved = maturity.latest(get_store())
        if saved:
            _load(saved["squares"])
        else:
            _from_evidence(ev)
    for square, a in st.session_state[ANSWERS].items():  # the kept answers are the truth
        st.session_state[_done_key(square)] = a["done"]
        st.session_state[_note_key(square)] = a["note"]


def answers() -> dict[str, dict]:
    kept = st.session_state.get(ANSWERS, {})
    return {s.id: dict(kept.get(s.id, {"done": False, "note": ""})) for s in maturity.SQUARES}


def done_map() -> dict[str, bool]:
    return {k: v["done"] for k, v in answers().items()}


def headline(ev: pd.DataFrame) -> None:
    done = done_map()
    reached, next_stage = maturity.stage_reached(done), maturity.working_on(done)
    met = int((ev["status"] == maturity.MET).sum())
    overrides = sum(done[r.square] != (r.status == maturity.MET) for r in ev.itertuples())
    kpi_row(
        [
            Kpi(
                "Stage reached",
                _short(reached) if reached else "None yet",
                help="The last stage whose squares (and every earlier stage's) are all done.",
            ),
            Kpi(
                "Working on",
                _short(next_stage) if next_stage else "All done",
                help="The next stage on the board.",
            ),
            Kpi(
                "Squares done",
                f"{sum(done.values())}/{len(maturity.SQUARES)}",
                help="Your answers below (saved or not yet).",
            ),
            Kpi(
                "Evidence says met",
                f"{met:,}/{int(ev['rule'].notna().sum())}",
                help=f"Squares the data can speak to; {overrides:,} of your answers differ from it.",
            ),
        ],
        per_row=2,
    )


def board(ev: pd.DataFrame) -> None:
    stages = [(s.key, s.name) for s in maturity.STAGES]
    chart(
        figure(maturity_charts.board, ev, done_map(), stages),
        "The gameboard left to right: dark green = done (your answer), light green = the data "
        "says met but not ticked, amber = partly met, grey = not yet. Hover for the square.",
        key="mt_board",
    )
    lazy_expander("What each stage means (from the gameboard)", "mt_meaning", _meaning)


def _meaning() -> None:
    for s in maturity.STAGES:
        st.markdown(f"**{md(s.name)}**: {md(s.belief)}.")


def next_moves(ev: pd.DataFrame) -> None:
    moves = maturity.next_moves(done_map(), ev)
    if not moves:
        st.success("Every square is done: keep creating new ways to add value before they ask.")
        return
    for m in moves:
        with st.container(border=True):
            st.markdown(f"**Square {md(m['square'])}** · {md(m['stage'])}: {md(m['text'])}")
            st.caption(m["why"])
            if m["items"]:
                st.markdown("Start with: " + ", ".join(md(x) for x in m["items"][:6]))
            st.page_link(
                page_path(m["page"]),
                label=f"Open {md(m['page'].capitalize())}",
                icon=":material/arrow_forward:",
            )


def form(ev: pd.DataFrame, editable: bool) -> None:
    """Per stage (a tab each, only the open one drawn), per square: done (prefilled), the
    evidence beside it, a note."""
    st.button(
        "Start again from the evidence",
        key="mt_reset",
        on_click=_from_evidence,
        args=(ev,),
        disabled=not editable,
        icon=":material/restart_alt:",
    )
    rows = {r["square"]: r for r in ev.to_dict("records")}
    lazy_sections(  # labels stay put as boxes change: a changed label would lose the open tab
        "mt_stage",
        {
            stage.name: (lambda stage=stage: _stage_form(stage, rows, editable))
            for stage in maturity.STAGES
        },
    )


def _stage_form(stage, rows: dict, editable: bool) -> None:
    for s in (x for x in maturity.SQUARES if x.stage == stage.key):
        r = rows[s.id]
        left, mid, right = st.columns([3, 4, 3])
        left.markdown(f"**{md(s.id)}.** {md(s.text)} :gray[({md(s.kind)})]")
        left.checkbox(
            "Done", key=_done_key(s.id), disabled=not editable, on_change=_keep, args=(s.id,)
        )
        differs = st.session_state[_done_key(s.id)] != (r["status"] == maturity.MET)
        mid.markdown(  # one element per cell: a page switch draws every one of them
            f"{ICONS.get(r['status'], '')} **{md(r['status'])}**"
            f"{FLAG if differs and r['rule'] else ''} · {md(r['sentence'])}  \n"
            f":small[:gray[Threshold: {md(r['threshold'])}]]"
        )
        right.text_input(
            "Note",
            key=_note_key(s.id),
            disabled=not editable,
            label_visibility="collapsed",
            placeholder="Note / evidence",
            on_change=_keep,
            args=(s.id,),
        )


def _save(viewer, ev: pd.DataFrame) -> None:
    for s in maturity.SQUARES:  # a note typed just before the click: its callback runs after
        if _done_key(s.id) in st.session_state and _note_key(s.id) in st.session_state:
            _keep(s.id)
    author = viewer.identity
    if not viewer.signed_in:  # local mode: one local user, who says who assessed
        author = (st.session_state.get("mt_author") or viewer.identity).strip()
    payload = maturity.build(answers(), ev, view=viewer.label)
    maturity.save(get_store(), payload, author=author, scope=viewer.group, viewer=viewer)
    reached = payload["stage"]
    st.session_state["mt_saved"] = (
        f"Saved by {author}: {payload['done']} squares done, stage reached "
        f"{maturity.STAGE[reached].name if reached else 'none yet'}."
    )


def save(viewer, ev: pd.DataFrame, editable: bool) -> None:
    if not editable:
        st.info(
            "An assessment is of the whole PMO, so it is recorded from the PMO analyst or "
            "executive view (evidence over every row). Switch to one of them in the sidebar "
            "to change it; this view shows the evidence within your scope."
        )
        return
    left, right = st.columns([3, 1])
    if viewer.signed_in:
        left.caption(f"Recorded as {md(viewer.identity)}.")
    else:
        left.text_input("Assessed by", value=viewer.identity, key="mt_author")
    right.button(
        "Save assessment",
        key="mt_save",
        type="primary",
        on_click=_save,
        args=(viewer, ev),
        icon=":material/save:",
    )
    if msg := st.session_state.pop("mt_saved", None):
        st.success(md(msg), icon=":material/check:")


def history() -> None:
    h = maturity.history(get_store())
    if h.empty:
        st.info("No assessment saved yet: the first one you save starts the history.")
        return
    chart(
        figure(maturity_charts.history, h, len(maturity.SQUARES)),
        "Squares marked done in each saved assessment, oldest to newest; hover for who and "
        "the stage reached.",
        key="mt_hist",
    )
    table(
        h[["created_at", "author", "stage", "done", "overrides", "view"]],
        hide_index=True,
        key="mt_hist_t",
        column_config={
            "created_at": st.column_config.DatetimeColumn("Saved", format="D MMM YYYY, HH:mm"),
            "author": "By",
            "stage": "Stage reached",
            "done": "Squares done",
            "overrides": "Differs from evidence",
            "view": "Evidence seen as",
        },
    )


def evidence(viewer, filters) -> pd.DataFrame:
    return run(maturity.evidence, viewer, filters, None)
