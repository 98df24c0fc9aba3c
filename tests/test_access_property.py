"""Property: random data, random access tables and random query strings never give a viewer
more than the access table grants.

For any identity, the viewer built from a request sees only rows that one of their access rows
grants (the scope rules recomputed in plain Python by `test_scope_property.expected`); every
filter in the request holds on every row shown; the sidebar's options lie within the view; the
Data page's history and diff show only the view's rows. In local mode an unknown group or
person shows no rows at all.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_data.store import scope
from pmo_data.store.access import GROUPS, PERSON_COLUMN, Grant, Viewer
from pmo_data.store.versions import Store
from pmo_data.store.view_request import (
    PARAMS,
    allowed_for_grants,
    allowed_locally,
    grants_for,
    resolve,
)
from tests.test_scope_property import PEOPLE, expected, worlds

EMAILS = ["ann@example.org", "bob@example.org", "cy@example.org"]
KEYS = {
    "projects": "project_id",
    "customers": "customer_id",
    "services": "service_id",
    "feedback": "response_id",
    "actions": "action_id",
    "savings": "saving_id",
}
FILTER_COLUMN = {"customer": "customer_id", "service": "service_id", "portfolio": "portfolio"}
SOURCES = {
    "portfolio": ("projects", "portfolio", None),
    "customer": ("customers", "customer_id", "name"),
    "service": ("services", "service_id", "name"),
}

grants = st.builds(
    Grant,
    email=st.sampled_from(EMAILS),
    group=st.sampled_from(list(GROUPS)),
    person=st.one_of(st.none(), st.sampled_from([*PEOPLE, "Zed"])),
    admin=st.booleans(),
).filter(lambda g: g.group not in PERSON_COLUMN or g.person)
junk = st.text(max_size=12)
values = {
    "group": st.one_of(st.sampled_from([*GROUPS, "admin", "Executive", ""]), junk),
    "person": st.one_of(st.sampled_from([*PEOPLE, "Zed", ""]), junk),
    "customer": st.sampled_from(["C0", "C1", "C404", ""]),
    "service": st.sampled_from(["S0", "S1", "S9"]),
    "portfolio": st.sampled_from(["North", "x"]),
    "from": st.sampled_from(["2020-01-01", "2099-01-01", "31/12/2025", "", "2026-13-01"]),
    "to": st.sampled_from(["2030-01-01", "2000-01-01", "tomorrow"]),
}


@st.composite
def requests(draw):
    params = {}
    for name in draw(st.lists(st.sampled_from(PARAMS), unique=True)):
        value = draw(values[name])
        params[name] = draw(
            st.one_of(st.just(value), st.lists(values[name], min_size=2, max_size=3))
        )
    if draw(st.booleans()):
        params[draw(junk)] = draw(junk)  # parameters the app does not know are ignored
    return params


def options(store):
    def fn(viewer: Viewer, param: str) -> list[str]:
        name, column, label = SOURCES[param]
        return [v for v, _ in scope.choices(store, name, column, label, viewer)]

    return fn


def rows(store, viewer, filters=scope.NO_FILTERS, version=None) -> dict[str, set]:
    return {n: set(scope.frame(store, n, viewer, filters, version)[k]) for n, k in KEYS.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    worlds(),
    worlds(),
    st.lists(grants, max_size=6),
    st.sampled_from([*EMAILS, "x@y.org"]),
    requests(),
    st.booleans(),
)
def test_a_request_never_widens_the_view_the_access_table_grants(
    world, later, table, identity, params, signed_in
):
    (tables, _), (tables2, _) = world, later
    store = Store(":memory:")
    try:
        store.write_version(tables)
        if signed_in:
            mine = grants_for(identity, table)
            if not mine:  # not in the table: the app shows the 'ask an admin' page, no data
                return
            allowed = allowed_for_grants(mine)
            granted = [Viewer(g, p) for g, p in allowed.views]
        else:
            allowed = allowed_locally(lambda g: scope.people(store, g))
            granted = [Viewer(g, p) for g, p in allowed.views]
        res = resolve(
            params, identity=identity, allowed=allowed, options=options(store), signed_in=signed_in
        )
        viewer, filters = res.viewer, res.filters
        seen = rows(store, viewer, filters)

        # 1. never more than one granted view shows (signed in: their rows; local: any view)
        if signed_in:
            assert (viewer.group, viewer.person) in allowed.views
        grant_rows = [expected(tables, v) for v in granted]
        for name, keys in seen.items():
            assert any(keys <= g[name] for g in grant_rows) or not keys, (name, viewer)
        exp = expected(tables, viewer)
        assert all(seen[n] <= exp[n] for n in KEYS)

        # 2. local mode: a group or person that does not exist shows nothing
        group = params.get("group")
        if not signed_in and isinstance(group, str) and group not in GROUPS:
            assert not any(seen.values()) and res.notes

        # 3. every filter asked for holds on every row shown (or nothing shows)
        for param, column in FILTER_COLUMN.items():
            value = params.get(param)
            if isinstance(value, list) and len(set(value)) == 1:
                value = value[0]  # the same value repeated is that value
            for name in KEYS:
                df = scope.frame(store, name, viewer, filters)
                if value is not None and column in df and len(df):
                    assert isinstance(value, str) and set(df[column]) == {value}, (param, name)
        repeated = [params.get(p) for p in ("customer", "service", "portfolio")]
        if any(isinstance(v, list) and len(set(v)) > 1 for v in repeated):
            assert not any(seen.values())

        # 4. the sidebar's drop-downs list only what the view may see
        for param, (name, column, _) in SOURCES.items():
            offered = set(options(store)(viewer, param))
            frame = tables[name]
            in_view = frame[frame[KEYS[name]].isin(exp[name])]
            assert offered <= set(in_view.get(column, frame.index[:0]).dropna()), (param, viewer)

        # 5. the Data page: history columns and the diff stay within the view
        store.write_version(tables2)
        hist = scope.history(store, viewer)
        if not viewer.sees_everything:
            assert list(hist.columns) == ["version", "created_at", "action"]
        exp2 = expected(tables2, viewer)
        for name, d in scope.diff(store, viewer, 1, 2).items():
            key = KEYS[name]
            if len(d.added):
                assert set(d.added[key]) <= exp2[name]
            if len(d.removed):
                assert set(d.removed[key]) <= exp[name]
            if len(d.changed):
                assert set(d.changed.iloc[:, 0]) <= exp[name] & exp2[name]
    finally:
        store.close()
