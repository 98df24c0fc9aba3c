"""Read queries, every one scoped by the viewer's access and the shared filters.

`scoped(store, entity, viewer, filters, version)` is the only way pages and domain models get
rows: it returns a subquery (SQL, params) that holds just the rows the viewer may see, at a
version (default current), narrowed by the sidebar filters. Domain models wrap it in their own
aggregations; identifiers come from `schema.py`, values are always bound parameters.

Scope rules (P = in-scope projects, C = customers, S = services):
- executive, pmo_analyst: everything.
- sponsor / project_manager: P = projects naming them; C = customers of P; S = services of P;
  feedback, actions and savings about P.
- account_lead: C = customers they lead; P = projects of C; S = services of P or of C's
  feedback; feedback and actions of C (actions also of P); savings of P.
- service_owner: S = services they own; P = projects using S; C = customers of P or of S's
  feedback; feedback, actions and savings about S.
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
    """The shared sidebar filters; None means 'all'."""

    date_from: date | None = None
    date_to: date | None = None
    portfolio: str | None = None
    customer: str | None = None
    service: str | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in self.__dict__.values())


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


def _scope_predicate(store: Store, name: str, viewer: Viewer, version) -> Fragment | None:
    """The WHERE fragment limiting `name` to the viewer's scope (None: no limit)."""
    if viewer.sees_everything:
        return None
    person = viewer.person
    if person is None:
        return "FALSE", []
    g = viewer.group
    if g in ("sponsor", "project_manager"):
        col = PERSON_COLUMN[g][1]
        mine = (f'"{col}" = ?', [person])
        if name == "projects":
            return mine
        p_ids = _ids(store, "projects", "project_id", version, mine)
        if name in ("feedback", "actions", "savings"):
            return _in("project_id", p_ids)
        if name == "customers":
            return _in("customer_id", _ids(store, "projects", "customer_id", version, mine))
        if name == "services":
            return _in("service_id", _ids(store, "projects", "service_id", version, mine))
    if g == "account_lead":
        mine = ('"account_lead" = ?', [person])
        c_ids = _ids(store, "customers", "customer_id", version, mine)
        if name == "customers":
            return mine
        if name in ("projects", "feedback"):
            return _in("customer_id", c_ids)
        p_ids = _ids(store, "projects", "project_id", version, _in("customer_id", c_ids))
        if name == "actions":
            return _or(_in("customer_id", c_ids), _in("project_id", p_ids))
        if name == "savings":
            return _in("project_id", p_ids)
        if name == "services":
            return _or(
                _in(
                    "service_id",
                    _ids(store, "projects", "service_id", version, _in("customer_id", c_ids)),
                ),
                _in(
                    "service_id",
                    _ids(store, "feedback", "service_id", version, _in("customer_id", c_ids)),
                ),
            )
    if g == "service_owner":
        mine = ('"owner" = ?', [person])
        s_ids = _ids(store, "services", "service_id", version, mine)
        if name == "services":
            return mine
        if name in ("projects", "feedback", "actions", "savings"):
            return _in("service_id", s_ids)
        if name == "customers":
            return _or(
                _in(
                    "customer_id",
                    _ids(store, "projects", "customer_id", version, _in("service_id", s_ids)),
                ),
                _in(
                    "customer_id",
                    _ids(store, "feedback", "customer_id", version, _in("service_id", s_ids)),
                ),
            )
    raise ValueError(f"no scope rule for {g} on {name}")


def _filter_predicates(store: Store, name: str, f: Filters, version) -> list[Fragment]:
    """WHERE fragments for the sidebar filters, applied where the entity has the column."""
    e = entity(name)
    out: list[Fragment] = []
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


def choices(store: Store, name: str, column: str, label: str | None = None) -> list[tuple]:
    """Distinct (value, label) pairs for a filter drop-down, e.g. customers by name."""
    sql, params = store.entity_sql(name)
    lab = f'"{label}"' if label else f'"{column}"'
    rows = store.rows(
        f'SELECT DISTINCT "{column}", {lab} FROM ({sql}) WHERE "{column}" IS NOT NULL ORDER BY 2',
        params,
    )
    return rows
