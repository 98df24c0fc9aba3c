"""The two savings the PMO reports, estimated from stated assumptions.

Why: the seeds' PMO reports a saving "through operational efficiencies and resource
optimisation". Neither is on an invoice, so each is a model whose assumptions are written
down, checked, versioned (who, when) and turned into ledger lines marked "estimated by model".

- Operational efficiency, per service and activity: hours saved per unit x units a month x
  months x blended rate (reporting automation, standard templates, assurance reviews).
- Resource optimisation, per service: hours a month released or reallocated (or FTE x
  HOURS_PER_FTE) x months x rate. The defaults reallocate spare capacity (capacity - demand)
  towards the shortfall of over-demanded services, valued at the receiving services' rate.
Low / likely / high come from the hours; volume, months and rate are taken as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, frame

ASSUMPTION_KIND = "assumption_set"
HOURS_PER_DAY = 7.5  # a service's unit_cost is read as the cost of a day
HOURS_PER_FTE = 130.0  # productive hours a month per FTE
DEFAULT_RATE = 60.0  # per hour, when a service has no unit cost
RATE_RANGE = (1.0, 1_000.0)  # a plausible blended hourly rate in any currency we support
LIVE = ("Planning", "Execution", "Closing", "On hold")
HOURS = ["hours_low", "hours_likely", "hours_high"]


@dataclass(frozen=True)
class Estimator:
    key: str
    label: str
    text_column: str  # what the row is about
    columns: tuple[str, ...]
    formula: str


EFFICIENCY = Estimator(
    "operational_efficiency",
    "Operational efficiency",
    "activity",
    ("service_id", "activity", *HOURS, "units_per_month", "months", "rate_per_hour", "cost_pool"),
    "hours saved per unit x units a month x months x rate per hour",
)
RESOURCES = Estimator(
    "resource_optimisation",
    "Resource optimisation",
    "description",
    ("service_id", "description", "fte", *HOURS, "months", "rate_per_hour", "cost_pool"),
    f"hours a month released or reallocated (or FTE x {HOURS_PER_FTE:g}) x months x rate",
)
ESTIMATORS = {e.key: e for e in (EFFICIENCY, RESOURCES)}
# Default activities: (name, hours saved per unit low/likely/high, units a month per live project)
ACTIVITIES = (
    ("Reporting automation", (1.5, 3.0, 4.5), 1.0),
    ("Standard templates", (2.0, 4.0, 8.0), 1 / 6),
    ("Assurance reviews", (1.0, 2.0, 4.0), 1 / 3),
)


class AssumptionError(ValueError):
    """An assumption set that cannot be saved; `messages` name the row and column."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def estimator(kind: str) -> Estimator:
    if kind not in ESTIMATORS:
        raise ValueError(f"unknown estimator {kind!r}; one of {list(ESTIMATORS)}")
    return ESTIMATORS[kind]


def _rates(services: pd.DataFrame) -> pd.Series:
    cost = pd.to_numeric(services["unit_cost"], errors="coerce") / HOURS_PER_DAY
    return cost.where(cost > 0, DEFAULT_RATE).round(0)


def defaults(
    store, viewer: Viewer, filters: Filters = NO_FILTERS, kind: str = EFFICIENCY.key
) -> pd.DataFrame:
    """Starting assumptions derived from the services' projects, capacity and demand."""
    est = estimator(kind)
    services = frame(store, "services", viewer, filters).sort_values("service_id")
    if services.empty:
        return pd.DataFrame(columns=list(est.columns))
    rate = _rates(services).to_numpy()
    if kind == EFFICIENCY.key:
        projects = frame(store, "projects", viewer, filters, columns=["service_id", "stage"])
        live = projects[projects["stage"].isin(LIVE)]["service_id"].value_counts()
        rows = []
        for (_, s), r in zip(services.iterrows(), rate, strict=True):
            n = int(live.get(s["service_id"], 0))
            for name, (lo, mid, hi), per_project in ACTIVITIES if n else ():
                rows.append(
                    [
                        s["service_id"],
                        name,
                        lo,
                        mid,
                        hi,
                        round(n * per_project, 1),
                        12,
                        r,
                        f"{s['name']}: PMO staff time",
                    ]
                )
        return pd.DataFrame(rows, columns=list(est.columns))
    cap = pd.to_numeric(services["capacity_hours"], errors="coerce").fillna(0).to_numpy()
    dem = pd.to_numeric(services["demand_hours"], errors="coerce").fillna(0).to_numpy()
    spare, short = np.maximum(cap - dem, 0), np.maximum(dem - cap, 0)
    share = min(1.0, short.sum() / spare.sum()) if spare.sum() else 0.0
    receiving = float(np.average(rate, weights=short)) if short.sum() else float(rate.mean())
    out = pd.DataFrame(
        {
            "service_id": services["service_id"].to_numpy(),
            "description": "Spare capacity reallocated to over-demanded services",
            "fte": np.nan,
            "hours_low": np.round(0.5 * spare * share, 0),
            "hours_likely": np.round(spare * share, 0),
            "hours_high": np.round(spare, 0),
            "months": 12,
            "rate_per_hour": round(receiving, 0),
            "cost_pool": services["name"].to_numpy() + ": capacity",
        }
    )
    return out[out["hours_high"] > 0].reset_index(drop=True)


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""


def _rows(rows: pd.DataFrame, est: Estimator) -> pd.DataFrame:
    """Only the estimator's columns, without the editor's empty trailing rows."""
    df = rows.reindex(columns=list(est.columns)).reset_index(drop=True)
    keep = ~df.apply(lambda r: all(_blank(v) for v in r), axis=1)
    return df[keep]


def validate(kind: str, rows: pd.DataFrame, known_services=None) -> list[str]:
    """Every problem as 'Row N, column: what is wrong (got X)'; empty when the set is good.

    Rows count from 1 as in the editor. Hours must be 0 or more with low <= likely <= high
    (a blank low or high takes likely); months 1-60; rate within RATE_RANGE per hour.
    """
    est = estimator(kind)
    df = _rows(rows, est)
    problems: list[str] = []
    if df.empty:
        return ["the set has no rows: add at least one"]
    lo_rate, hi_rate = RATE_RANGE
    for i, r in df.iterrows():
        at = f"Row {i + 1}"

        def num(col, lo=0.0, hi=None, required=True, r=r, at=at):
            v = r[col]
            if _blank(v):
                if required:
                    problems.append(f"{at}, {col}: required")
                return None
            try:
                x = float(v)
            except (TypeError, ValueError):
                problems.append(f"{at}, {col}: must be a number (got {v!r})")
                return None
            if x < lo or (hi is not None and x > hi):
                rng = f"between {lo:,g} and {hi:,g}" if hi is not None else f"{lo:,g} or more"
                problems.append(f"{at}, {col}: must be {rng} (got {x:,g})")
                return None
            return x

        for col in ("service_id", est.text_column):
            if _blank(r[col]):
                problems.append(f"{at}, {col}: required")
        sid = None if _blank(r["service_id"]) else str(r["service_id"]).strip()
        if known_services is not None and sid is not None and sid not in set(known_services):
            problems.append(f"{at}, service_id: {sid!r} is not in the catalogue")
        fte = num("fte", hi=1_000, required=False) if kind == RESOURCES.key else None
        need_hours = fte is None
        lo, mid, hi = (
            num(c, hi=100_000, required=need_hours and c == "hours_likely") for c in HOURS
        )
        if mid is not None:
            if lo is not None and lo > mid:
                problems.append(
                    f"{at}, hours_low: must not exceed hours_likely ({lo:,g} > {mid:,g})"
                )
            if hi is not None and hi < mid:
                problems.append(
                    f"{at}, hours_high: must not be below hours_likely ({hi:,g} < {mid:,g})"
                )
        if kind == EFFICIENCY.key:
            num("units_per_month", hi=100_000)
        num("months", lo=1, hi=60)
        num("rate_per_hour", lo=lo_rate, hi=hi_rate)
    return problems


def values(kind: str, rows: pd.DataFrame) -> pd.DataFrame:
    """low / likely / high money value of each (valid) row, by the estimator's formula."""
    est = estimator(kind)
    df = _rows(rows, est).copy()
    h = df[HOURS].apply(pd.to_numeric, errors="coerce")
    if kind == RESOURCES.key:
        by_fte = pd.to_numeric(df["fte"], errors="coerce") * HOURS_PER_FTE
        h["hours_likely"] = h["hours_likely"].fillna(by_fte)
    for c in ("hours_low", "hours_high"):
        h[c] = h[c].fillna(h["hours_likely"])
    factor = pd.to_numeric(df["months"], errors="coerce") * pd.to_numeric(
        df["rate_per_hour"], errors="coerce"
    )
    if kind == EFFICIENCY.key:
        factor = factor * pd.to_numeric(df["units_per_month"], errors="coerce")
    for c, out in zip(HOURS, ("low", "likely", "high"), strict=True):
        df[out] = (h[c] * factor).round(2)
    return df


def save_set(
    store,
    kind: str,
    rows: pd.DataFrame,
    *,
    author: str,
    period_start: date,
    note: str = "",
    known_services=None,
    viewer=None,
) -> int:
    """Validate and save a new version of an estimator's assumptions; returns the version."""
    est = estimator(kind)
    problems = validate(kind, rows, known_services)
    if problems:
        raise AssumptionError(problems)
    df = _rows(rows, est)
    records = [
        {c: (None if _blank(v) else (v.item() if hasattr(v, "item") else v)) for c, v in r.items()}
        for r in df.to_dict("records")
    ]
    version = len(versions(store, kind)) + 1
    payload = {
        "version": version,
        "rows": records,
        "note": note.strip(),
        "period_start": pd.Timestamp(period_start).date().isoformat(),
    }
    summary = f"{kind} assumptions, version {version}"
    store.save_document(
        ASSUMPTION_KIND, kind, payload, author=author, viewer=viewer, summary=summary
    )
    return version


def versions(store, kind: str) -> pd.DataFrame:
    """Saved versions of one estimator's assumptions, newest first."""
    docs = store.documents(ASSUMPTION_KIND, latest_only=False)
    cols = ["version", "author", "saved", "rows", "period_start", "note"]
    docs = docs[docs["name"] == kind] if not docs.empty else docs
    if docs.empty:
        return pd.DataFrame(columns=cols)
    pay = docs["payload"]
    return pd.DataFrame(
        {
            "version": [p.get("version") for p in pay],
            "author": docs["author"].to_numpy(),
            "saved": docs["created_at"].to_numpy(),
            "rows": [len(p.get("rows", [])) for p in pay],
            "period_start": [p.get("period_start") for p in pay],
            "note": [p.get("note", "") for p in pay],
        }
    )[cols].reset_index(drop=True)


def current_set(store, kind: str) -> dict | None:
    """The newest saved set of an estimator with its author and time, or None."""
    docs = store.documents(ASSUMPTION_KIND, latest_only=False)
    docs = docs[docs["name"] == kind] if not docs.empty else docs
    if docs.empty:
        return None
    top = docs.iloc[0]
    return {**top["payload"], "author": top["author"], "saved": top["created_at"]}


def modelled_lines(store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Ledger lines from the current assumption sets, for the services the viewer may see.

    Modelled lines belong to services, not projects: they are shown to viewers who see
    everything and to service owners, and left out when a portfolio or customer filter is on.
    """
    if not (viewer.sees_everything or viewer.group == "service_owner"):
        return pd.DataFrame()
    if filters.portfolio or filters.customer:
        return pd.DataFrame()
    services = frame(store, "services", viewer, filters)
    owners = dict(zip(services["service_id"], services["owner"], strict=True))
    parts = []
    for kind, est in ESTIMATORS.items():
        s = current_set(store, kind)
        if not s or not s.get("rows"):
            continue
        df = values(kind, pd.DataFrame(s["rows"]))
        df = df[df["service_id"].isin(owners)]
        start = pd.Timestamp(s["period_start"])
        months = pd.to_numeric(df["months"]).astype(int)
        ends = [start + pd.DateOffset(months=int(m)) - pd.Timedelta(days=1) for m in months]
        when = pd.Timestamp(s["saved"]).strftime("%Y-%m-%d %H:%M")
        tag = f"{est.label} assumptions v{s['version']} by {s['author']}, {when}"
        parts.append(
            pd.DataFrame(
                {
                    "line_id": [
                        f"M-{kind[:2].upper()}{s['version']}-{i + 1:03d}" for i in df.index
                    ],
                    "kind": "modelled",
                    "category": est.label,
                    "project_id": None,
                    "service_id": df["service_id"].to_numpy(),
                    "description": df[est.text_column].to_numpy(),
                    "owner": [owners.get(x) for x in df["service_id"]],
                    "low": df["low"].to_numpy(),
                    "likely": df["likely"].to_numpy(),
                    "high": df["high"].to_numpy(),
                    "realised": np.nan,
                    "period_start": start,
                    "period_end": ends,
                    "cost_pool": df["cost_pool"].to_numpy(),
                    "source": "estimated by model",
                    "provenance": [
                        f"Estimated by model: {tag}, row {i + 1} ({est.formula})" for i in df.index
                    ],
                }
            )
        )
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    if filters.date_from or filters.date_to:
        lo = pd.Timestamp(filters.date_from or date(1900, 1, 1))
        hi = pd.Timestamp(filters.date_to or date(2100, 1, 1))
        out = out[(out["period_start"] <= hi) & (out["period_end"] >= lo)]
    return out.reset_index(drop=True)
