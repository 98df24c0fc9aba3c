"""The shared sidebar: who is looking (stakeholder group, person) and the filters.

Drawn once by the entrypoint; pages read the result with `current_viewer()` and
`current_filters()`. Every choice is mirrored in the URL (`st.query_params`) so a filtered
view can be shared as a link, and opening such a link restores the same view.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from pmo_data.store import scope as queries
from pmo_data.store.access import GROUP_HELP, GROUPS, Viewer
from pmo_data.store.scope import Filters
from pmo_data.ui.context import get_store, run
from pmo_data.ui.tables import findable

ALL = "All"
PERSON_LABEL = {
    "sponsor": "Sponsor",
    "project_manager": "Project manager",
    "account_lead": "Account lead",
    "service_owner": "Service owner",
}
KEYS = {  # query param -> session-state key
    "group": "sb_group",
    "person": "sb_person",
    "portfolio": "sb_portfolio",
    "customer": "sb_customer",
    "service": "sb_service",
}


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _seed_from_url() -> None:
    """First run of a session: take the view from the URL (a shared link)."""
    if "sb_seeded" in st.session_state:
        return
    qp = st.query_params
    group = qp.get("group")
    st.session_state["sb_group"] = group if group in GROUPS else "executive"
    for param in ("person", "portfolio", "customer", "service"):
        if qp.get(param):
            st.session_state[KEYS[param]] = qp.get(param)
    lo, hi = _parse_date(qp.get("from")), _parse_date(qp.get("to"))
    if lo or hi:
        st.session_state["sb_dates"] = tuple(d for d in (lo, hi) if d)
    st.session_state["sb_seeded"] = True


def _options(store, name, column, label=None):
    return run(_choices, name, column, label)


def _choices(store, name, column, label):
    return queries.choices(store, name, column, label)


def _people(store, group):
    return queries.people(store, group)


def _select(label: str, options: list, key: str, fmt=None, help: str | None = None):
    """A selectbox whose remembered value survives options changing (e.g. after an import)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0] if options else None
    return st.selectbox(label, options, key=key, format_func=fmt or str, help=help)


def sidebar() -> tuple[Viewer, Filters]:
    """Draw the shared sidebar and return (viewer, filters); mirror them in the URL."""
    _seed_from_url()
    store = get_store()
    with st.sidebar:
        st.markdown("**View as**")
        group = st.selectbox(
            "Stakeholder group",
            list(GROUPS),
            key="sb_group",
            format_func=GROUPS.get,
            help="Each group sees the metrics that matter to it, limited to its own rows.",
        )
        person = None
        people = run(_people, group)
        if people:
            person = _select(
                PERSON_LABEL[group],
                people,
                "sb_person",
            )
        elif group in ("sponsor", "project_manager", "account_lead", "service_owner"):
            st.caption("Nobody of this group is in the data yet.")
        st.caption(GROUP_HELP[group])

        st.markdown("**Filters**")
        dates = st.date_input(
            "Date range",
            value=st.session_state.get("sb_dates", ()),
            key="sb_dates_widget",
            format="YYYY-MM-DD",
            help="Feedback, actions and savings by date; projects that overlap.",
        )
        st.session_state["sb_dates"] = tuple(dates) if dates else ()
        portfolios = [ALL] + [v for v, _ in _options(store, "projects", "portfolio")]
        portfolio = _select("Portfolio", portfolios, "sb_portfolio")
        customers = dict(_options(store, "customers", "customer_id", "name"))
        customer = _select(
            "Customer",
            [ALL, *findable(customers, "sb_customer", "customer")],
            "sb_customer",
            fmt=lambda c: customers.get(c, c),
        )
        services = dict(_options(store, "services", "service_id", "name"))
        service = _select(
            "Service", [ALL, *services], "sb_service", fmt=lambda s: services.get(s, s)
        )

    dates = st.session_state["sb_dates"]
    filters = Filters(
        date_from=dates[0] if len(dates) >= 1 else None,
        date_to=dates[1] if len(dates) == 2 else None,
        portfolio=None if portfolio in (ALL, None) else portfolio,
        customer=None if customer in (ALL, None) else customer,
        service=None if service in (ALL, None) else service,
    )
    viewer = Viewer(group=group, person=person, identity=_identity())
    _mirror_in_url(viewer, filters)
    st.session_state["viewer"], st.session_state["filters"] = viewer, filters
    return viewer, filters


def _identity() -> str:
    try:
        if st.user.is_logged_in:
            return st.user.get("email") or st.user.get("name") or "signed-in user"
    except Exception:  # sign-in not configured: local single-user mode
        pass
    return "local user"


def _mirror_in_url(viewer: Viewer, f: Filters) -> None:
    wanted = {
        "group": viewer.group,
        "person": viewer.person,
        "from": f.date_from.isoformat() if f.date_from else None,
        "to": f.date_to.isoformat() if f.date_to else None,
        "portfolio": f.portfolio,
        "customer": f.customer,
        "service": f.service,
    }
    for k, v in wanted.items():
        if v is None:
            if k in st.query_params:
                del st.query_params[k]
        elif st.query_params.get(k) != v:
            st.query_params[k] = v


def current_viewer() -> Viewer:
    return st.session_state.get("viewer") or Viewer()


def current_filters() -> Filters:
    return st.session_state.get("filters") or Filters()
