"""The maturity journey: the board from the seed, every evidence rule on hand-built frames
(met, not met, and the borderline at each threshold), stage reached, next moves, and
assessments saved and reloaded with author, date and overrides."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from pmo_data.analytics import maturity as m
from pmo_data.demo.generate import load_demo
from pmo_data.store.access import Viewer
from pmo_data.store.versions import Store

REF = date(2026, 6, 30)


def customers(n_key=4, n_std=2, contact_days=None, cadence=30):
    """n_key Strategic + n_std Standard customers, value falling with the index."""
    n = n_key + n_std
    days = contact_days if contact_days is not None else [0] * n
    return pd.DataFrame(
        {
            "customer_id": [f"C-{i}" for i in range(n)],
            "name": [f"Customer {i}" for i in range(n)],
            "segment": ["Retail"] * n,
            "tier": ["Strategic"] * n_key + ["Standard"] * n_std,
            "annual_value": [1_000_000.0 - 1000 * i for i in range(n)],
            "last_contact_date": [pd.Timestamp(REF) - pd.Timedelta(days=d) for d in days],
            "contact_cadence_days": [float(cadence)] * n,
        }
    )


def data(**kw) -> m.EvidenceData:
    base = dict(
        customers=customers(),
        links=pd.DataFrame(columns=["customer_id", "service_id"]),
        catalogue=pd.DataFrame(columns=["service_id", "name", "description", "demand_hours"]),
        feedback=pd.DataFrame(columns=["customer_id", "date", "nps"]),
        actions=pd.DataFrame(
            columns=[
                "action_id",
                "title",
                "customer_id",
                "status",
                "impact",
                "source",
                "closed_date",
            ]
        ),
        coverage=pd.DataFrame(columns=["theme", "status"]),
        ref=REF,
        as_of=REF,
    )
    base.update(kw)
    return m.EvidenceData(**base)


def fb(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "nps"]).assign(
        date=lambda d: pd.to_datetime(d["date"])
    )


def test_board_follows_the_seed():
    assert [s.key for s in m.STAGES] == [
        "self_serving",
        "presumptuous",
        "engaged",
        "people",
        "proactive",
    ]
    assert len(m.SQUARES) == 14  # 13 numbers, the seed's square 4 twice
    per_stage = [sum(s.stage == st.key for s in m.SQUARES) for st in m.STAGES]
    assert per_stage == [4, 3, 3, 3, 1]
    assert m.SQUARE["4b"].text == "Arrange to meet your top 5 customers"
    assert m.SQUARE["10"].rule is None and m.SQUARE["13"].rule is None
    assert {s.rule for s in m.SQUARES if s.rule} == set(m.RULES)
    from pmo_data.ui.navigation import PAGE_NAMES

    assert all(s.page in PAGE_NAMES for s in m.SQUARES)


@pytest.mark.parametrize("heard, status", [(4, m.MET), (3, m.MET), (2, m.PARTIAL), (1, m.NOT_MET)])
def test_key_feedback_thresholds(heard, status):
    recent = [(f"C-{i}", REF - timedelta(days=10), 9) for i in range(heard)]
    e = m.rule_key_feedback(data(feedback=fb(recent)))
    assert e.status == status and e.figure == pytest.approx(heard / 4)
    assert len(e.items) == 4 - heard  # the key customers not heard from are named


def test_key_feedback_window_edge():
    at_edge = [("C-0", REF - timedelta(days=90), 9)] + [
        (f"C-{i}", REF - timedelta(days=89), 9) for i in (1, 2)
    ]
    e = m.rule_key_feedback(data(feedback=fb(at_edge)))
    assert e.figure == pytest.approx(0.5)  # 90 days ago is outside, 89 inside
    assert "Customer 0" in e.items
    assert m.rule_key_feedback(data(customers=customers(0, 3))).status == m.NOT_MET


@pytest.mark.parametrize(
    "overdue, status", [(0, m.MET), (1, m.MET), (2, m.PARTIAL), (3, m.NOT_MET)]
)
def test_cadence_thresholds(overdue, status):
    days = [31] * overdue + [30] * (4 - overdue) + [0, 0]  # 30 days = on cadence, 31 = late
    e = m.rule_cadence(data(customers=customers(contact_days=days)))
    assert e.status == status and e.figure == pytest.approx((4 - overdue) / 4)


def test_top_five_met_and_improvements():
    c = customers(2, 4, contact_days=[0, 0, 0, 0, 0, 400])  # 6th by value is not in the top 5
    assert m.rule_top_met(data(customers=c)).status == m.MET
    late = customers(2, 4, contact_days=[0, 0, 0, 0, 31, 0])
    e = m.rule_top_met(data(customers=late))
    assert e.status == m.PARTIAL and e.items == ("Customer 4",)
    acts = pd.DataFrame(
        {
            "action_id": ["A-1"],
            "title": ["x"],
            "customer_id": ["C-0"],
            "status": ["Open"],
            "impact": ["High"],
            "source": ["R-1"],
            "closed_date": [None],
        }
    )
    e = m.rule_top_improvements(data(customers=c, actions=acts))
    assert e.status == m.PARTIAL and e.figure == pytest.approx(0.2)
    assert m.rule_top_improvements(data(customers=c)).status == m.NOT_MET
    all5 = pd.concat([acts.assign(customer_id=f"C-{i}") for i in range(5)])
    assert m.rule_top_improvements(data(customers=c, actions=all5)).status == m.MET


def test_key_list_and_customer_list():
    assert m.rule_key_list(data()).status == m.MET
    assert m.rule_key_list(data(customers=customers(0, 3))).status == m.PARTIAL
    no_tier = customers(0, 3).assign(tier=None)
    assert m.rule_key_list(data(customers=no_tier)).status == m.NOT_MET
    empty = customers(0, 0)
    assert m.rule_customer_list(data(customers=empty)).status == m.NOT_MET
    assert m.rule_customer_list(data()).status == m.MET
    half = customers(2, 2).assign(segment=["Retail", None, None, "Health"])
    assert m.rule_customer_list(data(customers=half)).status == m.PARTIAL


def action(aid, customer, closed, status="Done"):
    return {
        "action_id": aid,
        "title": f"Fix {aid}",
        "customer_id": customer,
        "status": status,
        "impact": "High",
        "source": "R-1",
        "closed_date": pd.Timestamp(closed),
    }


def test_followed_up_by_hand():
    closed = date(2026, 1, 1)
    acts = pd.DataFrame(
        [
            action("A-1", "C-0", closed),  # followed 89 days later
            action("A-2", "C-1", closed),  # only a same-day answer: not after closing
            action("A-3", "C-2", closed),  # answer 91 days later: too late
            action("A-4", "C-3", REF - timedelta(days=30)),  # window still open: pending
            action("A-5", "C-0", closed, status="Open"),  # not done: not counted
        ]
    )
    answers = fb(
        [
            ("C-0", closed + timedelta(days=89), 9),
            ("C-1", closed, 9),
            ("C-2", closed + timedelta(days=91), 9),
        ]
    )
    out = m.followed_up(acts, answers, REF).set_index("action_id")
    assert out["followed"].to_dict() == {"A-1": True, "A-2": False, "A-3": False, "A-4": False}
    assert out["pending"].to_dict() == {"A-1": False, "A-2": False, "A-3": False, "A-4": True}
    e = m.rule_followed_up(data(actions=acts, feedback=answers))
    assert e.status == m.NOT_MET and e.figure == pytest.approx(1 / 3)
    assert "still inside their window" in e.sentence
    assert set(e.items) == {"Fix A-2", "Fix A-3"}
    three_of_four = pd.DataFrame([action(f"A-{i}", f"C-{i}", closed) for i in range(4)])
    answers = fb([(f"C-{i}", closed + timedelta(days=5), 9) for i in range(3)])
    assert m.rule_followed_up(data(actions=three_of_four, feedback=answers)).status == m.MET


def test_prioritised_and_catalogue():
    acts = pd.DataFrame([action(f"A-{i}", "C-0", REF) for i in range(4)])
    assert m.rule_prioritised(data(actions=acts)).status == m.MET
    acts.loc[[0, 1], "impact"] = None
    assert m.rule_prioritised(data(actions=acts)).status == m.PARTIAL
    acts.loc[2, "impact"] = None
    assert m.rule_prioritised(data(actions=acts)).status == m.NOT_MET
    cat = pd.DataFrame(
        {
            "service_id": ["S-1", "S-2"],
            "name": ["A", "B"],
            "description": ["x", None],
            "demand_hours": [10.0, 5.0],
        }
    )
    assert m.rule_catalogue(data(catalogue=cat)).status == m.PARTIAL
    assert m.rule_catalogue(data()).status == m.NOT_MET


@pytest.mark.parametrize(
    "statuses, status",
    [
        (["Covered"] * 4, m.MET),
        (["Covered"] * 3 + ["Not covered"], m.PARTIAL),
        (["Covered", "Not covered"], m.NOT_MET),
        (["Covered", "Covered outside your view", "Too generic to match"], m.MET),
    ],
)
def test_catalogue_review(statuses, status):
    cov = pd.DataFrame({"theme": [f"{i}. t" for i in range(len(statuses))], "status": statuses})
    assert m.rule_catalogue_review(data(coverage=cov)).status == status


def test_advocate():
    day = REF - timedelta(days=30)
    fans = fb([("C-0", day, 10)] * 4 + [("C-0", day, 9)])  # NPS +100 on n = 5
    e = m.rule_advocate(data(feedback=fans))
    assert e.status == m.MET and e.items == ("Customer 0",)
    assert m.rule_advocate(data(feedback=fans.iloc[:4])).status == m.NOT_MET  # n = 4 too few
    lukewarm = fb(
        [("C-0", day, 9)] * 3 + [("C-0", day, 7)] * 2
    )  # 3 of 5 promoters, no detractor: +60
    assert m.rule_advocate(data(feedback=lukewarm)).status == m.MET
    mixed = fb([("C-0", day, 9)] * 3 + [("C-0", day, 3)] * 2)  # +20: partly
    e = m.rule_advocate(data(feedback=mixed))
    assert e.status == m.PARTIAL and e.figure == pytest.approx(20)
    old = fb([("C-0", REF - timedelta(days=400), 10)] * 5)  # more than a year ago
    assert m.rule_advocate(data(feedback=old)).status == m.NOT_MET
    std = fb([("C-5", day, 10)] * 5)  # a Standard customer is no key advocate
    assert m.rule_advocate(data(feedback=std)).status == m.NOT_MET


def test_stage_reached_and_next_moves():
    none = {s.id: False for s in m.SQUARES}
    assert m.stage_reached(none) is None and m.working_on(none).key == "self_serving"
    first = none | {"1": True, "2": True, "3": True, "4": True}
    assert m.stage_reached(first).key == "self_serving"
    assert m.working_on(first).key == "presumptuous"
    skip = first | {"4b": True, "5": True, "6": True, "3": False}
    assert m.stage_reached(skip) is None  # a gap in an earlier stage holds the journey back
    two = first | {"4b": True, "5": True, "6": True}
    assert m.stage_reached(two).key == "presumptuous"
    everything = {s.id: True for s in m.SQUARES}
    assert m.stage_reached(everything).key == "proactive" and m.working_on(everything) is None
    ev = pd.DataFrame(
        [{"square": s.id, "sentence": f"why {s.id}", "items": [f"thing {s.id}"]} for s in m.SQUARES]
    )
    moves = m.next_moves(two | {"8": True}, ev, k=3)
    assert [x["square"] for x in moves] == ["7", "9", "10"]
    assert moves[0]["page"] == "feedback" and moves[0]["items"] == ["thing 7"]
    assert m.next_moves(everything, ev) == []


def test_can_edit():
    assert not m.can_edit(Viewer("sponsor", "X"))  # evidence from 17 projects is not the PMO's
    assert not m.can_edit(Viewer("sponsor", "X", identity="x@example.org"))
    assert m.can_edit(Viewer("pmo_analyst", identity="x@example.org"))
    assert m.can_edit(Viewer("executive"))


def test_history_leaves_out_assessments_saved_from_narrow_views(store):
    ev = m.evidence(store, Viewer("pmo_analyst"))
    answers = {s.id: {"done": False, "note": ""} for s in m.SQUARES}
    m.save(store, m.build(answers, ev), author="Sponsor Sam", scope="sponsor")
    assert m.history(store).empty and m.latest(store) is None
    m.save(store, m.build(answers, ev), author="Priya", scope="pmo_analyst")
    assert m.history(store)["author"].tolist() == ["Priya"]


def test_assessment_saved_and_reloaded(store):
    assert m.history(store).empty and m.latest(store) is None
    ev = m.evidence(store, Viewer("pmo_analyst"))  # empty store: nothing met
    assert set(ev["status"]) == {m.NOT_MET, "your call"}
    answers = {s.id: {"done": s.stage == "self_serving", "note": ""} for s in m.SQUARES}
    answers["1"]["note"] = "Customer map agreed at the away day"
    first = m.build(answers, ev, view="PMO analyst")
    assert first["stage"] == "self_serving" and first["done"] == 4
    assert first["overrides"] == 4  # four ticks the evidence did not suggest
    m.save(store, first, author="Priya", scope="pmo_analyst")
    answers["4b"]["done"] = True
    m.save(store, m.build(answers, ev), author="Sam")
    h = m.history(store)
    assert h["author"].tolist() == ["Sam", "Priya"]  # newest first
    assert h["done"].tolist() == [5, 4]
    assert h["stage"].tolist() == ["The self-serving PMO"] * 2
    assert pd.api.types.is_datetime64_any_dtype(h["created_at"])
    again = m.history(store)["payload"].iloc[1]
    assert again["squares"]["1"] == {
        "done": True,
        "note": "Customer map agreed at the away day",
        "evidence": {
            "status": m.NOT_MET,
            "figure": 0,
            "threshold": ev.loc[0, "threshold"],
            "sentence": "No customers are recorded yet.",
        },
    }
    assert m.latest(store)["squares"]["4b"]["done"] is True


def test_evidence_on_demo(tmp_db):
    store = Store(tmp_db)
    load_demo(store, scale=0.1)
    ev = m.evidence(store, Viewer("executive"), as_of=date(2026, 11, 1))
    assert len(ev) == len(m.SQUARES)
    assert set(ev["status"]) <= {m.MET, m.PARTIAL, m.NOT_MET, "your call"}
    assert ev.set_index("square").loc["4", "status"] == m.MET  # the demo has Strategic customers
    assert ev["sentence"].str.len().min() > 10
    store.close()
