"""Read queries, every one scoped by the viewer's access and the shared filters.

`scoped(store, entity, viewer, filters, version)` is the only way pages and domain models get
rows: it returns a subquery (SQL, params) that holds just the rows the viewer may see, at a
version (default current), narrowed by the sidebar filters. Domain models wrap it in their own
aggregations; identifiers come from `schema.py`, values are always bound parameters.

Scope rules are the table `SCOPE_RULES` (group x entity -> the rows naming the viewer, or the
ids of another entity's in-scope rows); executives and PMO analysts see everything. In short:
- sponsor / project_manager: their projects, and the customers, services, feedback, actions
  and savings of those projects.
- account_lead: the customers they lead; those customers' projects, feedback and actions
  (actions also of those projects); savings of those projects; services of those projects or
  of those customers' feedback.
- service_owner: the services they own; projects, feedback, actions and savings of those
  services; customers of those projects or of those services' feedback.
`describe_rules()` renders the table in words; `tests/test_scope_property.py` checks every
entity against an independent pandas reading of these rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from pmo_data.schema import entity
from pmo_data.store.access import PERSON_COLUMN, Viewer
from pmo_data.store.versions import Store


@dataclass(frozen=True)
class Filters:
    """The shared sidebar filters; None means 'all'. `nothing` empties every entity: a
    request whose filters could not be read fails closed instead of showing everything."""

    date_from: date | None = None
    date_to: date | None = None
    portfolio: str | None = None
    customer: str | None = None
    service: str | None = None
    nothing: bool = False

    @property
    def active(self) -> bool:
        values = (self.date_from, self.date_to, self.portfolio, self.customer, self.service)
        return self.nothing or any(v is not None for v in values)


NO_FILTERS = Filters()

Fragment = tuple[str, list]


def _base(store: Store, name: str, version: int | None) -> Fragment:
    return store.entity_sql(name, version)


def _ids(store: Store, name: str, column: str, version, where: Fragment | None = None) -> Fragment:
    """SELECT column FROM entity [WHERE ...] as a fragment for IN (...)."""
    sql, params = _base(store, name, version)
    w_sql, w_params = where if where else ("TRUE", [])
    return (
        f'SELECT "{column}" FROM ({sql}) WHERE "{column}" IS NOT NULL AND ({w_sql})',
        params + w_params,
    )


def _in(column: str, frag: Fragment) -> Fragment:
    return f'"{column}" IN ({frag[0]})', list(frag[1])


def _or(*frags: Fragment) -> Fragment:
    return "(" + " OR ".join(f[0] for f in frags) + ")", [p for f in frags for p in f[1]]


MINE = "mine"  # the rows naming the viewer (the anchor column of PERSON_COLUMN)
_VIA_PROJECTS = {
    "projects": MINE,
    "customers": (("customer_id", "projects.customer_id"),),
    "services": (("service_id", "projects.service_id"),),
    "feedback": (("project_id", "projects.project_id"),),
    "actions": (("project_id", "projects.project_id"),),
    "savings": (("project_id", "projects.project_id"),),
}
# group -> entity -> MINE, or alternatives (column, "entity.column"): a row is in scope when its
# `column` is among the `column` values of the in-scope rows of `entity` (any alternative).
SCOPE_RULES: dict[str, dict[str, str | tuple[tuple[str, str], ...]]] = {
    "sponsor": _VIA_PROJECTS,
    "project_manager": _VIA_PROJECTS,
    "account_lead": {
        "customers": MINE,
        "projects": (("customer_id", "customers.customer_id"),),
        "feedback": (("customer_id", "customers.customer_id"),),
        "actions": (
            ("customer_id", "customers.customer_id"),
            ("project_id", "projects.project_id"),
        ),
        "savings": (("project_id", "projects.project_id"),),
        "services": (("service_id", "projects.service_id"), ("service_id", "feedback.service_id")),
    },
    "service_owner": {
        "services": MINE,
        "projects": (("service_id", "services.service_id"),),
        "feedback": (("service_id", "services.service_id"),),
        "actions": (("service_id", "services.service_id"),),
        "savings": (("service_id", "services.service_id"),),
        "customers": (
            ("customer_id", "projects.customer_id"),
            ("customer_id", "feedback.customer_id"),
        ),
    },
}


def describe_rules() -> list[str]:
    """The scope table in words, one line per group and entity (for the docs and the tests)."""
    lines = []
    for group, rules in SCOPE_RULES.items():
        anchor_entity, anchor_col = PERSON_COLUMN[group]
        for name, rule in rules.items():
            if rule == MINE:
                lines.append(f"{group}: {name} whose {anchor_col} is the viewer")
            else:
                alts = " or ".join(f"{col} among in-scope {src}" for col, src in rule)
                lines.append(f"{group}: {name} with {alts}")
    return lines


def _scope_predicate(store: Store, name: str, viewer: Viewer, version) -> Fragment | None:
    """The WHERE fragment limiting `name` to the viewer's scope (None: no limit)."""
    if viewer.sees_everything:
        return None
    if viewer.person is None or viewer.group not in SCOPE_RULES:
        return "FALSE", []
    return _rule(store, name, viewer, version)


def _rule(store: Store, name: str, viewer: Viewer, version) -> Fragment:
    rule = SCOPE_RULES[viewer.group].get(name)
    if rule is None:
        raise ValueError(f"no scope rule for {viewer.group} on {name}")
    if rule == MINE:
        return f'"{PERSON_COLUMN[viewer.group][1]}" = ?', [viewer.person]
    alternatives = []
    for column, source in rule:
        src_entity, src_column = source.split(".")
        in_scope = _rule(store, src_entity, viewer, version)
        alternatives.append(_in(column, _ids(store, src_entity, src_column, version, in_scope)))
    return alternatives[0] if len(alternatives) == 1 else _or(*alternatives)


def _filter_predicates(store: Store, name: str, f: Filters, version) -> list[Fragment]:
    """WHERE fragments for the sidebar filters, applied where the entity has the column."""
    e = entity(name)
    out: list[Fragment] = [("FALSE", [])] if f.nothing else []
    if f.date_from or f.date_to:
        lo, hi = f.date_from or date(1900, 1, 1), f.date_to or date(2100, 1, 1)
        if name == "projects":
            out.append(
                (
                    "(start_date IS NULL OR start_date <= ?) AND "
                    "(coalesce(forecast_end_date, end_date) IS NULL OR "
                    "coalesce(forecast_end_date, end_date) >= ?)",
                    [hi, lo],
                )
            )
        elif name == "savings":
            out.append(
                (
                    "(period_start IS NULL OR period_start <= ?) AND "
                    "(period_end IS NULL OR period_end >= ?)",
                    [hi, lo],
                )
            )
        elif e.date_column:
            out.append((f'"{e.date_column}" BETWEEN ? AND ?', [lo, hi]))
    if f.portfolio:
        in_port = ('"portfolio" = ?', [f.portfolio])
        if name == "projects":
            out.append(in_port)
        elif e.has("project_id"):
            out.append(_in("project_id", _ids(store, "projects", "project_id", version, in_port)))
    if f.customer:
        if e.has("customer_id"):
            out.append(('"customer_id" = ?', [f.customer]))
        elif name == "savings":
            cust = ('"customer_id" = ?', [f.customer])
            out.append(_in("project_id", _ids(store, "projects", "project_id", version, cust)))
    if f.service and e.has("service_id"):
        out.append(('"service_id" = ?', [f.service]))
    return out


def scoped(
    store: Store,
    name: str,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    version: int | None = None,
) -> Fragment:
    """Subquery (SQL, params) of the rows of `name` the viewer may see, narrowed by filters."""
    sql, params = _base(store, name, version)
    preds = [p for p in [_scope_predicate(store, name, viewer, version)] if p]
    preds += _filter_predicates(store, name, filters, version)
    if not preds:
        return sql, list(params)
    where = " AND ".join(f"({p[0]})" for p in preds)
    return f"SELECT * FROM ({sql}) WHERE {where}", list(params) + [x for p in preds for x in p[1]]


def frame(
    store: Store,
    name: str,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    version: int | None = None,
    columns: list[str] | None = None,
) -> pd.DataFrame:
    """The in-scope rows of an entity as a DataFrame (optionally only some columns)."""
    sql, params = scoped(store, name, viewer, filters, version)
    cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    return store.df(f"SELECT {cols} FROM ({sql})", params)


def count(
    store: Store,
    name: str,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    version: int | None = None,
) -> int:
    sql, params = scoped(store, name, viewer, filters, version)
    return store.row(f"SELECT count(*) FROM ({sql})", params)[0]


def people(store: Store, group: str) -> list[str]:
    """Names a person-scoped group can be viewed as (e.g. every sponsor), sorted."""
    if group not in PERSON_COLUMN:
        return []
    ent, col = PERSON_COLUMN[group]
    sql, params = store.entity_sql(ent)
    rows = store.rows(
        f'SELECT DISTINCT "{col}" FROM ({sql}) WHERE "{col}" IS NOT NULL ORDER BY 1', params
    )
    return [r[0] for r in rows]


def choices(store: Store, name: str, column: str, label: str | None, viewer: Viewer) -> list[tuple]:
    """Distinct (value, label) pairs for a filter drop-down from the viewer's scoped rows,
    e.g. an account lead's customers by name (never names outside their view)."""
    sql, params = scoped(store, name, viewer)
    lab = f'"{label}"' if label else f'"{column}"'
    rows = store.rows(
        f'SELECT DISTINCT "{column}", {lab} FROM ({sql}) WHERE "{column}" IS NOT NULL '
        "ORDER BY 2, 1",
        params,
    )
    return rows


# -- history and differences, within the viewer's scope -----------------------------------
HISTORY_FOR_NARROW_VIEWS = ["version", "created_at", "action"]


def history(store: Store, viewer: Viewer) -> pd.DataFrame:
    """The versions the viewer may list: everything for whole-PMO views; for a narrow view
    only when and what (no files, people or whole-store counts, which describe other
    people's rows)."""
    df = store.history()
    return df if viewer.sees_everything else df[HISTORY_FOR_NARROW_VIEWS]


def diff(store: Store, viewer: Viewer, v1: int, v2: int) -> dict:
    """What changed from v1 to v2 within the viewer's scope: rows added that they see at v2,
    rows removed that they saw at v1, field changes to rows they see at both."""
    from pmo_data.store.versions import EntityDiff

    diffs = store.diff(v1, v2)
    if viewer.sees_everything:
        return diffs
    out = {}
    for name, d in diffs.items():
        key = entity(name).key
        before = set(frame(store, name, viewer, version=v1, columns=[key])[key])
        after = set(frame(store, name, viewer, version=v2, columns=[key])[key])

        def keep(df: pd.DataFrame, keys: set, col: str = key) -> pd.DataFrame:
            return df[df[col].isin(keys)].reset_index(drop=True) if len(df) else df

        changed = d.changed
        if len(changed):
            changed = keep(changed, before & after, changed.columns[0])
        out[name] = EntityDiff(name, keep(d.added, after), keep(d.removed, before), changed)
    return out
