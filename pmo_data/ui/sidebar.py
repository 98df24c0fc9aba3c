"""The shared sidebar: who is looking (stakeholder group, person) and the filters.

Drawn once by the entrypoint; pages read the result with `current_viewer()` and
`current_filters()`. The viewer comes from the identity and the access table only
(`store.view_request`): with sign-in, the group and person drop-downs list only the views the
access table grants; in local mode every view. Query parameters (a shared link) and widgets
narrow within that, never widen it, and whatever cannot be honoured gives the narrowest view
with a note. Filter options come from the viewer's scoped rows, so an account lead's
customer drop-down lists only their customers. Every choice is mirrored in the URL
(`st.query_params`) so a filtered view can be shared as a link.
"""

from __future__ import annotations

import streamlit as st

from pmo_data import settings
from pmo_data.escaping import md
from pmo_data.store import scope as queries
from pmo_data.store.access import GROUP_HELP, GROUPS, PERSON_COLUMN, Viewer
from pmo_data.store.scope import Filters
from pmo_data.store.view_request import (
    FILTER_PARAMS,
    PARAMS,
    Allowed,
    allowed_for_grants,
    allowed_locally,
    choose_filters,
    choose_view,
    grants_for,
)
from pmo_data.ui.context import get_store, run
from pmo_data.ui.signin import sign_out_button
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
FILTER_SOURCES = {  # filter param -> (entity, column, label column)
    "portfolio": ("projects", "portfolio", None),
    "customer": ("customers", "customer_id", "name"),
    "service": ("services", "service_id", "name"),
}
NOT_IN_VIEW = " (not in your view)"


def _people(store, group):
    return queries.people(store, group)


def _choices(store, name, column, label, viewer):
    return queries.choices(store, name, column, label, viewer)


def _grants(store, access_version):
    return store.access_grants()


def options(viewer: Viewer, param: str) -> list[tuple[str, str]]:
    """(value, label) choices of a filter drop-down, from the viewer's scoped rows."""
    name, column, label = FILTER_SOURCES[param]
    return [(v, lab) for v, lab in run(_choices, name, column, label, viewer)]


def _option_values(viewer: Viewer, param: str) -> list[str]:
    return [v for v, _ in options(viewer, param)]


# -- who is looking -------------------------------------------------------------------------
def _access(identity: str | None) -> tuple[Allowed, bool, str]:
    """(the views this person may take, admin, identity) for the signed-in identity, or the
    local user when sign-in is not configured. Stops with the 'not in the table' page."""
    store = get_store()
    if identity is None:
        return allowed_locally(lambda g: run(_people, g)), False, "local user"
    table = run(_grants, store.access_version())
    mine = grants_for(identity, table, settings.admins())
    if not mine:
        not_in_table(identity, table)
    return allowed_for_grants(mine), any(g.admin for g in mine), identity


def not_in_table(identity: str, table) -> None:
    """Signed in but not in the access table: say whom to ask, show no data, stop."""
    st.title("You are signed in, but not in the access table")
    admins = sorted(settings.admins() | {g.email for g in table if g.admin})
    ask = ", ".join(admins) if admins else "the person who runs this dashboard"
    st.warning(
        f"You are signed in as **{md(identity)}**, but the access table does not list "
        f"you, so there is nothing to show yet. Ask an admin ({md(ask)}) to add you with your "
        "stakeholder group and your name as it appears in the data.",
        icon=":material/lock:",
    )
    sign_out_button()
    st.stop()


def _url_view() -> dict[str, list[str]]:
    """The view and filter parameters in the URL as they are now."""
    return {k: st.query_params.get_all(k) for k in PARAMS if k in st.query_params}


def _seed_from_url(allowed: Allowed) -> None:
    """Take the view from the URL (a shared link), narrowed: on a session's first run, and
    whenever the URL holds a view other than the one last written to it (a link opened or
    edited in a running session). A URL without view parameters (a page switch) keeps the
    current view."""
    now = _url_view()
    if "sb_seeded" in st.session_state and (not now or now == st.session_state.get("sb_url")):
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    st.session_state.pop("sb_dates_widget", None)
    group, person, notes = choose_view(params, allowed)
    st.session_state["sb_group"], st.session_state["sb_person"] = group, person
    probe = Viewer(group, person)
    filters, more = choose_filters(params, lambda p: _option_values(probe, p))
    for param in FILTER_PARAMS:
        st.session_state[KEYS[param]] = getattr(filters, param) or ALL
    st.session_state["sb_dates"] = tuple(d for d in (filters.date_from, filters.date_to) if d)
    st.session_state["sb_nothing"] = filters.nothing
    st.session_state["sb_notes"] = notes + more
    st.session_state["sb_seeded"] = True


def _forget_notes() -> None:
    st.session_state["sb_notes"] = []


def _on_group_change(allowed: Allowed) -> None:
    """Switching group picks that group's first person (a choice made in the sidebar)."""
    persons = allowed.persons(st.session_state["sb_group"])
    st.session_state["sb_person"] = persons[0] if persons else None
    _forget_notes()


def _clear_nothing() -> None:
    st.session_state["sb_nothing"] = False
    _forget_notes()


def _select(label: str, options: list, key: str, fmt=None, help: str | None = None, **kw):
    """A selectbox whose remembered value survives options changing (e.g. after an import);
    a value no longer offered falls back to the first option ('All' for filters)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0] if options else None
    return st.selectbox(label, options, key=key, format_func=fmt or str, help=help, **kw)


def _view_widgets(allowed: Allowed, signed_in: bool) -> tuple[str, str | None]:
    groups = allowed.groups()
    if st.session_state.get("sb_group") not in groups:
        st.session_state["sb_group"], st.session_state["sb_person"] = allowed.narrowest()
    if len(groups) > 1:
        group = st.selectbox(
            "Stakeholder group",
            groups,
            key="sb_group",
            format_func=GROUPS.get,
            on_change=_on_group_change,
            args=(allowed,),
            help="Each group sees the metrics that matter to it, limited to its own rows."
            + (" Your access table rows decide which groups you may choose." if signed_in else ""),
        )
    else:
        group = groups[0]
        st.session_state["sb_group"] = group
    person = None
    persons = allowed.persons(group)
    if group in PERSON_COLUMN:
        if st.session_state.get("sb_person") not in persons:
            st.session_state["sb_person"] = None
        if len(persons) > 1 or (persons and st.session_state["sb_person"] is None):
            person = st.selectbox(
                PERSON_LABEL[group],
                persons,
                key="sb_person",
                placeholder=f"Choose a {PERSON_LABEL[group].lower()}",
                on_change=_forget_notes,
            )
        elif persons:
            person = persons[0]
            st.session_state["sb_person"] = person
        else:
            st.caption("Nobody of this group is in the data yet.")
    if len(groups) == 1 and len(persons) <= 1:
        st.caption(f"**{md(GROUPS[group])}**" + (f": {md(person)}" if person else ""))
    st.caption(GROUP_HELP[group])
    return group, person


def _view_as(admin_identity: str) -> str | None:
    """Admins: pick someone from the access table to see exactly what they see."""
    table = run(_grants, get_store().access_version())
    emails = sorted({g.email for g in table} - {admin_identity})
    if not emails:
        return None
    with st.expander("Admin: view as someone", icon=":material/visibility:"):
        choice = st.selectbox(
            "View as",
            [None, *emails],
            key="sb_view_as",
            format_func=lambda e: "Myself" if e is None else e,
            help="Check what someone sees: their views only, nothing can be changed, and it "
            "is recorded in the audit log.",
        )
    return choice


def sidebar() -> tuple[Viewer, Filters]:
    """Draw the shared sidebar and return (viewer, filters); mirror them in the URL."""
    from pmo_data.ui.signin import gate

    identity = gate()
    signed_in = identity is not None
    allowed, admin, who = _access(identity)
    viewed_by = None
    with st.sidebar:
        if signed_in and admin:
            target = _view_as(who)
            if target:
                viewed_by, who = who, target
                table = run(_grants, get_store().access_version())
                mine = grants_for(target, table, settings.admins())
                allowed = allowed_for_grants(mine)
                admin = any(g.admin for g in mine)
                _log_view_as(viewed_by, target)
        _seed_from_url(allowed)
        if st.session_state.get("sb_viewing_as") != (viewed_by and who):
            # starting or stopping 'view as': open their (or your own) default view
            st.session_state["sb_viewing_as"] = viewed_by and who
            if "sb_view_as" in st.session_state:
                first = allowed.views[0] if allowed.views else allowed.narrowest()
                st.session_state["sb_group"], st.session_state["sb_person"] = first
        st.markdown("**View as**" if not signed_in else f"**{md(who)}**")
        group, person = _view_widgets(allowed, signed_in)
        # The final view is re-checked against the access: session state cannot widen it.
        group, person, _ = choose_view({"group": group, "person": person}, allowed)
        viewer = Viewer(
            group, person, identity=who, admin=admin, signed_in=signed_in, viewed_by=viewed_by
        )

        st.markdown("**Filters**")
        nothing = st.session_state.get("sb_nothing", False)
        dates = st.date_input(
            "Date range",
            value=st.session_state.get("sb_dates", ()),
            key="sb_dates_widget",
            format="YYYY-MM-DD",
            on_change=_clear_nothing,
            help="Feedback, actions and savings by date; projects that overlap.",
        )
        st.session_state["sb_dates"] = tuple(dates) if dates else ()
        chosen = {}
        for param, label in (
            ("portfolio", "Portfolio"),
            ("customer", "Customer"),
            ("service", "Service"),
        ):
            labels = dict(options(viewer, param))
            values = [ALL, *findable(labels, KEYS[param], label.lower())]  # a search beyond 1,000
            current = st.session_state.get(KEYS[param])
            if current not in (None, ALL) and current not in labels:
                values.append(current)  # from the link, outside the view: kept, matches nothing
                labels[current] = f"{current}{NOT_IN_VIEW}"
            chosen[param] = _select(
                label,
                values,
                KEYS[param],
                fmt=lambda v, lab=labels: lab.get(v, v),
                on_change=_clear_nothing,
            )
        if signed_in:
            sign_out_button()

    dates = st.session_state["sb_dates"]
    filters = Filters(
        date_from=dates[0] if len(dates) >= 1 else None,
        date_to=dates[1] if len(dates) == 2 else None,
        portfolio=None if chosen["portfolio"] in (ALL, None) else chosen["portfolio"],
        customer=None if chosen["customer"] in (ALL, None) else chosen["customer"],
        service=None if chosen["service"] in (ALL, None) else chosen["service"],
        nothing=nothing,
    )
    _mirror_in_url(viewer, filters)
    st.session_state["viewer"], st.session_state["filters"] = viewer, filters
    return viewer, filters


def _log_view_as(admin_identity: str, target: str) -> None:
    """One audit entry each time an admin starts viewing as someone."""
    if st.session_state.get("sb_view_as_logged") == target:
        return
    actor = Viewer("pmo_analyst", identity=admin_identity, admin=True, signed_in=True)
    get_store().record_audit(
        actor, "view_as", f"{admin_identity} viewed as {target}", {"target": target}
    )
    st.session_state["sb_view_as_logged"] = target


def notes() -> list[str]:
    """What the URL asked for that could not be honoured (shown above the page)."""
    return list(st.session_state.get("sb_notes", []))


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
    st.session_state["sb_url"] = _url_view()


def current_viewer() -> Viewer:
    """The viewer the sidebar built; before it has run, a view of nothing (fail closed)."""
    return st.session_state.get("viewer") or Viewer(next(iter(PERSON_COLUMN)), None)


def current_filters() -> Filters:
    return st.session_state.get("filters") or Filters()


def _stop_view_as() -> None:
    st.session_state["sb_view_as"] = None


def view_banners(viewer: Viewer) -> None:
    """Above every page: an admin's 'view as' banner, and what the link asked for that could
    not be honoured (escaped: the values come from the URL)."""
    if viewer.viewed_by:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.warning(
            f"**Viewing as {md(viewer.identity)}** ({md(viewer.label)}): exactly "
            "what they see. Nothing can be changed while viewing as someone; this is recorded "
            "in the audit log.",
            icon=":material/visibility:",
        )
        c2.button("Stop viewing as", key="stop_view_as", on_click=_stop_view_as)
    for note in notes():
        st.warning(md(note), icon=":material/filter_alt_off:")
