"""Property: for random data and random viewers, no query returns a row outside the scope.

The expected scope is recomputed here in plain Python from the rules in `queries.py`'s
docstring, independently of the SQL, and every read path the pages use is checked against
it: the raw scoped frames, and the models behind Overview, Portfolio and project detail.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_data.analytics import customers, services
from pmo_data.analytics.overview import metrics as overview
from pmo_data.analytics.portfolio import detail as project_detail
from pmo_data.analytics.portfolio import projects as portfolio
from pmo_data.analytics.portfolio import risks
from pmo_data.store.access import GROUPS, PERSON_COLUMN, Viewer
from pmo_data.store.scope import frame
from pmo_data.store.versions import Store

PEOPLE = ["Ann", "Bob", "Cy"]
TODAY = date.today()
maybe = lambda xs: st.one_of(st.none(), st.sampled_from(xs))  # noqa: E731


@st.composite
def worlds(draw):
    n_c, n_p, n_s = draw(st.integers(1, 5)), draw(st.integers(0, 6)), draw(st.integers(1, 3))
    cids, pids, sids = (
        [f"C{i}" for i in range(n_c)],
        [f"P{i}" for i in range(n_p)],
        [f"S{i}" for i in range(n_s)],
    )
    people = st.sampled_from(PEOPLE)
    rag = st.sampled_from(["Red", "Amber", "Green", None])
    projects = pd.DataFrame(
        {
            "project_id": pids,
            "name": [f"proj {p}" for p in pids],
            "sponsor": [draw(people) for _ in pids],
            "project_manager": [draw(people) for _ in pids],
            "customer_id": [draw(maybe(cids + ["C404"])) for _ in pids],
            "service_id": [draw(maybe(sids)) for _ in pids],
            "rag": [draw(rag) for _ in pids],
            "stage": ["Execution"] * n_p,
            "budget": [100.0] * n_p,
            "forecast_cost": [draw(st.sampled_from([90.0, 130.0])) for _ in pids],
            "end_date": [TODAY] * n_p,
            "forecast_end_date": [TODAY + timedelta(draw(st.integers(-5, 60))) for _ in pids],
        }
    )
    cust = pd.DataFrame(
        {
            "customer_id": cids,
            "name": [f"cust {c}" for c in cids],
            "account_lead": [draw(people) for _ in cids],
            "tier": [draw(st.sampled_from(["Strategic", "Key", "Standard"])) for _ in cids],
            "annual_value": [1000.0] * n_c,
        }
    )
    services = pd.DataFrame(
        {
            "service_id": sids,
            "name": [f"svc {s}" for s in sids],
            "owner": [draw(people) for _ in sids],
            "capacity_hours": [10.0] * n_s,
            "demand_hours": [12.0] * n_s,
        }
    )
    n_f, n_a, n_v = draw(st.integers(0, 8)), draw(st.integers(0, 5)), draw(st.integers(0, 4))
    feedback = pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(n_f)],
            "date": [TODAY - timedelta(i) for i in range(n_f)],
            "customer_id": [draw(maybe(cids)) for _ in range(n_f)],
            "project_id": [draw(maybe(pids or ["P9"])) for _ in range(n_f)],
            "service_id": [draw(maybe(sids)) for _ in range(n_f)],
            "nps": [float(draw(st.integers(0, 10))) for _ in range(n_f)],
            "nps_scale": ["0-10"] * n_f,
        }
    )
    actions = pd.DataFrame(
        {
            "action_id": [f"A{i}" for i in range(n_a)],
            "title": ["t"] * n_a,
            "customer_id": [draw(maybe(cids)) for _ in range(n_a)],
            "project_id": [draw(maybe(pids or ["P9"])) for _ in range(n_a)],
            "service_id": [draw(maybe(sids)) for _ in range(n_a)],
            "status": ["Open"] * n_a,
        }
    )
    savings = pd.DataFrame(
        {
            "saving_id": [f"V{i}" for i in range(n_v)],
            "project_id": [draw(maybe(pids or ["P9"])) for _ in range(n_v)],
            "service_id": [draw(maybe(sids)) for _ in range(n_v)],
            "likely": [10.0] * n_v,
        }
    )
    group = draw(st.sampled_from(list(GROUPS)))
    person = draw(st.sampled_from(PEOPLE)) if group in PERSON_COLUMN else None
    tables = dict(
        projects=projects,
        customers=cust,
        services=services,
        feedback=feedback,
        actions=actions,
        savings=savings,
    )
    return tables, Viewer(group, person)


def expected(t: dict, v: Viewer) -> dict[str, set]:
    """Allowed keys per entity, straight from the scope rules."""
    keys = {
        "projects": "project_id",
        "customers": "customer_id",
        "services": "service_id",
        "feedback": "response_id",
        "actions": "action_id",
        "savings": "saving_id",
    }
    if v.sees_everything:
        return {k: set(t[k][col]) for k, col in keys.items()}
    p, c, s, f, a, sv = (t[k] for k in keys)

    def ids(df, col, mask):
        return set(df.loc[mask, col].dropna())

    if v.group in ("sponsor", "project_manager"):
        mine = p[PERSON_COLUMN[v.group][1]] == v.person
        P, C, S = (
            ids(p, "project_id", mine),
            ids(p, "customer_id", mine),
            ids(p, "service_id", mine),
        )
        F = ids(f, "response_id", f["project_id"].isin(P))
        A = ids(a, "action_id", a["project_id"].isin(P))
        V = ids(sv, "saving_id", sv["project_id"].isin(P))
    elif v.group == "account_lead":
        C = ids(c, "customer_id", c["account_lead"] == v.person)
        P = ids(p, "project_id", p["customer_id"].isin(C))
        S = ids(p, "service_id", p["customer_id"].isin(C)) | ids(
            f, "service_id", f["customer_id"].isin(C)
        )
        F = ids(f, "response_id", f["customer_id"].isin(C))
        A = ids(a, "action_id", a["customer_id"].isin(C) | a["project_id"].isin(P))
        V = ids(sv, "saving_id", sv["project_id"].isin(P))
    else:
        S = ids(s, "service_id", s["owner"] == v.person)
        P = ids(p, "project_id", p["service_id"].isin(S))
        C = ids(p, "customer_id", p["service_id"].isin(S)) | ids(
            f, "customer_id", f["service_id"].isin(S)
        )
        F = ids(f, "response_id", f["service_id"].isin(S))
        A = ids(a, "action_id", a["service_id"].isin(S))
        V = ids(sv, "saving_id", sv["service_id"].isin(S))
    scope = dict(projects=P, customers=C, services=S, feedback=F, actions=A, savings=V)
    # ids referenced but never loaded (orphans) are not rows: keep only existing keys
    return {k: ids & set(t[k][keys[k]]) for k, ids in scope.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_no_query_returns_a_row_outside_the_viewers_scope(world):
    tables, viewer = world
    store = Store(":memory:")
    try:
        store.write_version(tables)
        allowed = expected(tables, viewer)
        keys = {
            "projects": "project_id",
            "customers": "customer_id",
            "services": "service_id",
            "feedback": "response_id",
            "actions": "action_id",
            "savings": "saving_id",
        }
        for name, key in keys.items():
            got = set(frame(store, name, viewer)[key])
            assert got == allowed[name], (name, viewer)
        P, C, S = allowed["projects"], allowed["customers"], allowed["services"]
        assert set(portfolio.projects(store, viewer)["project_id"]) <= P
        assert set(risks.risks(store, viewer)["project_id"]) <= P
        for pid in tables["projects"]["project_id"]:
            d = project_detail.detail(store, viewer, pid)
            assert (d is not None) == (pid in P)
            if d is not None:
                assert set(d.customers["customer_id"]) <= C
                assert set(d.feedback["response_id"]) <= allowed["feedback"]
                assert set(d.actions["action_id"]) <= allowed["actions"]
                assert set(d.savings["saving_id"]) <= allowed["savings"]
        assert set(overview.actions_due(store, viewer)["action_id"]) <= allowed["actions"]
        assert set(overview.latest_feedback(store, viewer)["project_id"].dropna()) <= set(
            tables["feedback"]
            .set_index("response_id")
            .loc[list(allowed["feedback"]), "project_id"]
            .dropna()
        )
        assert set(services.demand_capacity(store, viewer)["service_id"]) <= S
        assert set(overview.unheard_key_customers(store, viewer)["customer_id"]) <= C
        assert set(customers.health(store, viewer)["customer_id"]) <= C
        overview.metrics(store, viewer)  # every group's metrics run on any data
    finally:
        store.close()


def test_scope_table_covers_every_group_and_entity():
    """A group without a rule for an entity would raise at run time; catch it here."""
    from pmo_data.schema import ENTITIES as ALL
    from pmo_data.store.access import PERSON_COLUMN
    from pmo_data.store.scope import MINE, SCOPE_RULES, describe_rules

    assert set(SCOPE_RULES) == set(PERSON_COLUMN)
    for group, rules in SCOPE_RULES.items():
        assert set(rules) == set(ALL), group
        anchor = PERSON_COLUMN[group][0]
        assert rules[anchor] == MINE and sum(r == MINE for r in rules.values()) == 1
    assert len(describe_rules()) == sum(len(r) for r in SCOPE_RULES.values())
