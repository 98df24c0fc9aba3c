"""What a link or the sidebar asks to see, narrowed to what the viewer may see.

The viewer is built from the identity and the access table only: a request (query
parameters, widget choices) picks among the views the access grants and can narrow them
with filters, never widen them. Anything that cannot be honoured (an unknown group or
person, a view the access does not grant, a malformed date, a repeated parameter) gives
the narrowest view and a note saying so; it is never ignored in a way that shows more.

Pure functions, no Streamlit: the sidebar calls them, and the property tests throw random
access tables and query strings at them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pmo_data.store.access import BREADTH, GROUPS, PERSON_COLUMN, Grant, Viewer, normalise_email
from pmo_data.store.scope import Filters

VIEW_PARAMS = ("group", "person")
FILTER_PARAMS = ("portfolio", "customer", "service")
DATE_PARAMS = ("from", "to")
PARAMS = VIEW_PARAMS + FILTER_PARAMS + DATE_PARAMS


@dataclass(frozen=True)
class Resolved:
    """The view to show and what was narrowed on the way (each note is shown to the user)."""

    viewer: Viewer
    filters: Filters
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Allowed:
    """The (group, person) views someone may take, in order: the first is their default.

    `open` is local mode: every view may be chosen, so none is 'theirs', and the narrowest
    view is one of nothing (a person-scoped group with nobody chosen)."""

    views: tuple[tuple[str, str | None], ...]
    open: bool = False

    def groups(self) -> list[str]:
        return list(GROUPS) if self.open else list(dict.fromkeys(g for g, _ in self.views))

    def persons(self, group: str) -> list[str]:
        return [p for g, p in self.views if g == group and p is not None]

    def narrowest(self, group: str | None = None) -> tuple[str, str | None]:
        """The least-seeing view. Local mode: nobody in `group` (if it is person-scoped),
        else nobody in the first person-scoped group: a view of no rows."""
        if self.open or not self.views:
            return (group if group in PERSON_COLUMN else next(iter(PERSON_COLUMN)), None)
        return min(self.views, key=lambda v: BREADTH[v[0]])


def grants_for(
    email: str | None, table: Iterable[Grant], admins: Iterable[str] = ()
) -> list[Grant]:
    """The access-table rows of `email` (case and spaces ignored), in table order; an admin
    from PMO_ADMINS without a row gets the PMO analyst view so a new deployment can start."""
    who = normalise_email(email)
    if not who:
        return []
    mine = [g for g in table if normalise_email(g.email) == who]
    is_admin = who in {normalise_email(a) for a in admins} or any(g.admin for g in mine)
    if is_admin:
        mine = [Grant(g.email, g.group, g.person, True) for g in mine]
    if not mine and is_admin:
        mine = [Grant(who, "pmo_analyst", None, True)]
    return mine


def allowed_for_grants(grants: Sequence[Grant]) -> Allowed:
    views = tuple(
        dict.fromkeys(
            (g.group, g.person if g.group in PERSON_COLUMN else None)
            for g in grants
            if g.group in GROUPS and (g.group not in PERSON_COLUMN or g.person)
        )
    )
    return Allowed(views)


def allowed_locally(people: Callable[[str], list[str]]) -> Allowed:
    """Local mode: every group; person-scoped groups as anyone named in the data."""
    views: list[tuple[str, str | None]] = []
    for g in GROUPS:
        if g in PERSON_COLUMN:
            views += [(g, p) for p in people(g)]
        else:
            views.append((g, None))
    views.sort(key=lambda v: v[0] != "executive")  # the executive view opens by default
    return Allowed(tuple(views), open=True)


def single(params: Mapping[str, object], name: str) -> tuple[str | None, bool]:
    """The one value of a parameter, and whether it was malformed (repeated or empty)."""
    raw = params.get(name)
    if raw is None:
        return None, False
    if isinstance(raw, (list, tuple)):
        values = list(dict.fromkeys(str(v) for v in raw))
        if len(values) != 1:
            return None, bool(values)
        raw = values[0]
    text = str(raw)
    if not text.strip():
        return None, True
    return text, False


def choose_view(
    params: Mapping[str, object], allowed: Allowed
) -> tuple[str, str | None, list[str]]:
    """(group, person, notes) for the requested view, within `allowed`."""
    group, bad_group = single(params, "group")
    person, bad_person = single(params, "person")
    notes: list[str] = []
    if group is None and person is None and not (bad_group or bad_person):
        return (*(allowed.views[0] if allowed.views else allowed.narrowest()), notes)

    def narrowest(why: str) -> tuple[str, str | None, list[str]]:
        g, p = allowed.narrowest(group)
        shown = GROUPS[g] + (f": {p}" if p else "")
        if allowed.open:
            shown = "no data until you choose a view in the sidebar"
        notes.append(f"{why} Showing the narrowest view instead: {shown}.")
        return g, p, notes

    if bad_group or bad_person:
        return narrowest("The link repeats or empties the view it asks for.")
    if group is not None and group not in GROUPS:
        return narrowest(f"The link asks for a stakeholder group '{group}' that does not exist.")
    if group is not None and group not in PERSON_COLUMN:
        person = None  # executives and PMO analysts look as nobody in particular
    candidates = [
        v
        for v in allowed.views
        if (group is None or v[0] == group) and (person is None or v[1] == person)
    ]
    if not candidates:
        asked = f"the {GROUPS[group]} view" if group else "a view"
        if person is not None:
            asked += f" as '{person}'"
        why = (
            "which is not a view in the data"
            if allowed.open
            else "which your access does not include"
        )
        return narrowest(f"The link asks for {asked}, {why}.")
    return (*candidates[0], notes)


def parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def choose_filters(
    params: Mapping[str, object], options: Callable[[str], Iterable[str]]
) -> tuple[Filters, list[str]]:
    """Filters from the request. A value outside `options(param)` (the viewer's scoped
    choices) is kept, so it matches nothing; a malformed one empties the view."""
    notes: list[str] = []
    values: dict[str, object] = {}
    nothing = False
    for name in FILTER_PARAMS:
        value, bad = single(params, name)
        if bad:
            nothing = True
            notes.append(f"The link's {name} filter is repeated or empty: showing no rows.")
        elif value is not None:
            values[name] = value
            if value not in set(options(name)):
                notes.append(
                    f"The {name} '{value}' in the link is not in your view: no rows match it."
                )
    dates: dict[str, date | None] = {}
    for name in DATE_PARAMS:
        value, bad = single(params, name)
        try:
            dates[name] = parse_date(value)
        except ValueError:
            bad = True
        if bad:
            nothing = True
            notes.append(
                f"The link's '{name}' date is not a date (YYYY-MM-DD): showing no rows until "
                "you pick a date range."
            )
    lo, hi = dates.get("from"), dates.get("to")
    if lo and hi and lo > hi:
        nothing = True
        notes.append("The link's date range ends before it starts: showing no rows.")
    filters = Filters(
        date_from=lo,
        date_to=hi,
        portfolio=values.get("portfolio"),
        customer=values.get("customer"),
        service=values.get("service"),
        nothing=nothing,
    )
    return filters, notes


def resolve(
    params: Mapping[str, object],
    *,
    identity: str,
    allowed: Allowed,
    options: Callable[[Viewer, str], Iterable[str]],
    admin: bool = False,
    signed_in: bool = False,
) -> Resolved:
    """The viewer and filters a request gets: the view chosen within `allowed`, then the
    filters narrowed to that viewer's options (`options(viewer, param)`)."""
    group, person, notes = choose_view(params, allowed)
    viewer = Viewer(group, person, identity=identity, admin=admin, signed_in=signed_in)
    filters, more = choose_filters(params, lambda name: options(viewer, name))
    return Resolved(viewer, filters, tuple(notes + more))
