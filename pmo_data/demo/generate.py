"""Deterministic demo data at the reference scale of the seeds' client-services PMO.

At scale 1: 600 customers, 750 projects, 45 PMO staff, a 14-service catalogue, 20,000 feedback
responses over three years, 300 "you said, we did" actions and a 150-line savings ledger whose
likely total is about GBP 4M (GBP 1.1M realised), as the award-winning PMO reports. Everything
is drawn with one numpy Generator, vectorised, so the same seed gives the same frames and
scale 10 takes seconds.

The links are believable on purpose, so the analytics have something true to find:
- strategic customers carry more value, more and bigger projects;
- a customer's satisfaction drops once one of their projects turns red (until it lands);
- a closed action lifts its customer's satisfaction after its closed date;
- over-demanded services are rated lower, and the PMO improves slowly over the three years;
- comments are written about themes (reporting, delays, templates ...) that follow the
  service, the respondent and the project's RAG, and actions are raised from those comments;
- a handful of savings lines claim the same cost pool over overlapping periods (double counts).
A few realistic blemishes (blank roles, skipped NPS answers, lower-case comments) stay valid.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pmo_data.demo import text as tx
from pmo_data.ingest import sentiment
from pmo_data.schema import ENTITIES, LEVELS, TIERS
from pmo_data.settings import REPO_ROOT

DEMO_WORKBOOK = REPO_ROOT / "data" / "demo" / "pmo_demo.xlsx"
TODAY = date(2026, 11, 1)
YEARS = 3
SAVINGS_LIKELY = 4_000_000  # GBP at scale 1, as the seed's PMO reports
SAVINGS_REALISED = 1_100_000
DAY = np.timedelta64(1, "D")


def generate(scale: float = 1.0, seed: int = 7, today: date = TODAY) -> dict[str, pd.DataFrame]:
    """Every entity as a frame of canonical columns (schema order); same arguments, same data."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = np.random.default_rng(seed)
    t = np.datetime64(today, "D")

    def n(base: int, floor: int) -> int:
        return max(int(round(base * scale)), floor)

    staff, sponsors, leads = _people(rng, (n(45, 15), n(40, 8), n(25, 5)))
    customers = _customers(rng, n(600, 5), leads, t)
    services = _services(rng, staff, scale)
    projects, red_since = _projects(rng, n(750, 5), customers, services, staff, sponsors, t)
    fb = _feedback_base(rng, n(20_000, 50), customers, projects, services, red_since, t)
    actions, lift_rows = _actions(rng, n(300, 5), fb, customers, services, staff, t)
    fb["mood"] += 0.75 * lift_rows
    feedback = _feedback_frame(rng, fb)
    savings = _savings(rng, n(150, 10), projects, services, staff, scale, t)
    services = _with_new_service(services)
    frames = (projects, customers, feedback, services, actions, savings)  # ENTITIES' order
    return {k: v[ENTITIES[k].column_names] for k, v in zip(ENTITIES, frames, strict=True)}


def load_demo(store, scale: float = 1.0, seed: int = 7) -> int:
    """Write the demo as two versions of `store` (action "demo"): last month's export, then
    this month's, so deltas and trends have something to compare. Returns the current one."""
    from pmo_data.demo.history import DAYS, earlier

    frames = generate(scale, seed)
    fb = frames["feedback"]
    frames["feedback"] = fb.assign(
        sentiment=sentiment.score(fb["comment"]),
        nps_scale=np.where(fb["nps"].notna(), "0-10", None),
    )
    before = earlier(frames, TODAY, seed)
    month_ago = datetime.now() - timedelta(days=DAYS)  # imported then, as a monthly cycle
    for label, data, when in (
        ("last month's export", before, month_ago),
        ("this month's export", frames, None),
    ):
        counts = ", ".join(f"{len(v):,} {k}" for k, v in data.items())
        version = store.write_version(
            data,
            action="demo",
            user="demo",
            note=f"demo data, {label} (scale {scale:g}, seed {seed}): {counts}",
            created_at=when,
        )
    return version


def write_demo_workbook(
    path: str | Path = DEMO_WORKBOOK, scale: float = 1.0, seed: int = 7
) -> Path:
    """The demo data as one .xlsx, a sheet per entity, canonical headers and real dates.

    Written in openpyxl's write-only (streaming) mode: about twice as fast as pandas'
    `to_excel` through openpyxl (3.8 s against 8 s at scale 1) and flat in memory, so the
    scale-10 workbook (200,000 feedback rows) stays practical.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from pmo_data import exports

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    for name, df in generate(scale, seed).items():
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        for i, col in enumerate(df.columns, 1):
            wide = col in ("name", "title", "comment", "description")
            ws.column_dimensions[get_column_letter(i)].width = 40 if wide else 16
        ws.append(exports.header(ws, df.columns))
        for row in zip(*(_cells(df[c]) for c in df.columns), strict=True):
            ws.append(row)
    wb.save(path)
    return path


# -- people, customers, services --------------------------------------------------------------
def _people(rng, sizes: tuple[int, ...]) -> list[list[str]]:
    """Distinct "First Last" names, split into pools of the given sizes ("First M. Last" once
    the pools outgrow the first x last pairs, as at scale 100)."""
    first = np.array(tx.FIRST, dtype=object)
    last = np.array(tx.LAST, dtype=object)
    if sum(sizes) <= len(first) * len(last):
        pick = rng.choice(len(first) * len(last), sum(sizes), replace=False)
        names = first[pick // len(last)] + " " + last[pick % len(last)]
    else:
        mid = np.array([f"{c}." for c in "ABCDEFGHJKLMNPRSTW"], dtype=object)
        pick = rng.choice(len(first) * len(mid) * len(last), sum(sizes), replace=False)
        names = (
            first[pick // (len(mid) * len(last))]
            + " "
            + mid[(pick // len(last)) % len(mid)]
            + " "
            + last[pick % len(last)]
        )
    cuts = np.cumsum(sizes)[:-1]
    return [list(p) for p in np.split(names, cuts)]


def _exact(rng, n: int, values, p) -> np.ndarray:
    """n values in proportions p as exact as rounding allows, shuffled."""
    counts = np.floor(np.asarray(p) * n).astype(int)
    counts[np.argsort(-(np.asarray(p) * n - counts))[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.asarray(values, dtype=object), counts))


def _unique(names: pd.Series, qualifier: pd.Series, sep: str = " ({})") -> pd.Series:
    """Names made distinct: repeats get a qualifier, then a number if they still collide."""
    names = names.astype(object)
    k = names.groupby(names).cumcount()
    out = names.where(k == 0, names + np.array([sep.format(q) for q in qualifier], dtype=object))
    while out.duplicated().any():
        k = out.groupby(out).cumcount()
        out = out.where(k == 0, out + " " + (k + 1).astype(str))
    return out


def _customers(rng, n: int, leads: list[str], t) -> pd.DataFrame:
    tier = _exact(rng, n, TIERS, (0.08, 0.22, 0.70))
    segment = rng.choice(np.array(tx.SEGMENTS, dtype=object), n, p=tx.SEGMENT_P)
    region = rng.choice(np.array(tx.REGIONS, dtype=object), n, p=tx.REGION_P)
    names = tx.customer_names(rng, segment)
    internal = segment == "Internal business unit"  # their names say where they are
    region[internal] = [nm.rsplit(", ", 1)[1] for nm in names[internal]]
    strategic, key = tier == "Strategic", tier == "Key"
    median = np.select([strategic, key], [2_400_000, 650_000], 90_000)
    value = np.round(median * rng.lognormal(0, 0.5, n), -3)
    cadence = np.select([strategic, key], [30, 60], 90)
    overdue = rng.random(n) < np.select([strategic, key], [0.12, 0.20], 0.28)
    since = np.where(overdue, rng.uniform(1.05, 2.5, n), rng.uniform(0, 1, n)) * cadence
    region = np.where(rng.random(n) < 0.01, None, region)  # a few unknown regions
    return pd.DataFrame(
        {
            "customer_id": _ids("C", n, 4),
            "name": _unique(pd.Series(names), pd.Series(segment)).to_numpy(),
            "segment": segment,
            "tier": tier,
            "account_lead": rng.choice(np.array(leads, dtype=object), n),
            "annual_value": value,
            "region": region,
            "last_contact_date": _dt(t - since.astype(int) * DAY),
            "contact_cadence_days": cadence,
        }
    )


def _services(rng, staff: list[str], scale: float) -> pd.DataFrame:
    spec = tx.SERVICES
    n = len(spec)
    weight = rng.uniform(0.6, 1.4, n)
    hours = 45 * scale * 130  # PMO staff x productive hours a month
    capacity = np.maximum(np.round(hours * weight / weight.sum(), -1), 40.0)
    pressure = np.array([s[4] for s in spec]) * rng.uniform(0.97, 1.03, n)
    unit_cost = np.round(rng.uniform(420, 780, n), -1)  # per day of service
    charge = np.round(unit_cost * np.array([s[5] for s in spec]), -1)
    owners = rng.choice(np.array(staff, dtype=object), n, replace=len(staff) < n)
    return pd.DataFrame(
        {
            "service_id": _ids("S", n, 2),
            "name": [s[0] for s in spec],
            "category": [s[1] for s in spec],
            "owner": owners,
            "description": [s[2] for s in spec],
            "skills": [s[3] for s in spec],
            "capacity_hours": capacity,
            "demand_hours": np.round(capacity * pressure, -1),
            "unit_cost": unit_cost,
            "charge": charge,
            "target_csat": rng.choice([4.0, 4.2, 4.5], n, p=[0.3, 0.5, 0.2]),
        }
    )


def _with_new_service(services: pd.DataFrame) -> pd.DataFrame:
    """A service launched last month that nobody has ordered yet (the catalogue's 'unused'
    case). Appended after every draw, so the rest of the demo is unchanged."""
    name, category, description, skills = tx.NEW_SERVICE
    row = {
        "service_id": _ids("S", len(services) + 1, 2)[-1],
        "name": name,
        "category": category,
        "owner": services["owner"].iloc[0],
        "description": description,
        "skills": skills,
        "capacity_hours": 40.0,
        "demand_hours": 0.0,
        "unit_cost": 600.0,
        "charge": 720.0,
        "target_csat": 4.2,
    }
    return pd.concat([services, pd.DataFrame([row])], ignore_index=True)


# -- projects ---------------------------------------------------------------------------------
def _projects(rng, n, customers, services, staff, sponsors, t):
    """The portfolio, and for each red project the date it turned red (NaT otherwise)."""
    tier = customers["tier"].to_numpy()
    w = np.select([tier == "Strategic", tier == "Key"], [6.0, 2.5], 1.0)
    cidx = rng.choice(len(customers), n, p=w / w.sum())
    strategic, key = tier[cidx] == "Strategic", tier[cidx] == "Key"
    port = rng.choice(len(tx.PORTFOLIOS), n, p=tx.PORTFOLIO_P)
    portfolio = np.array(tx.PORTFOLIOS, dtype=object)[port]
    pick = rng.integers(0, 1 << 20, n)
    what = [
        f"{tx.AREAS[p][0][k % len(tx.AREAS[p][0])]} {tx.AREAS[p][1][k % len(tx.AREAS[p][1])]}"
        for p, k in zip(portfolio, pick, strict=True)
    ]
    names = pd.Series(what, dtype=object) + " – " + customers["name"].to_numpy()[cidx]
    phase = pd.Series(names.groupby(names).cumcount() + 1).astype(str)
    names = _unique(names, phase, " – phase {}")

    length = np.clip(np.round(rng.lognormal(np.log(300), 0.45, n)), 90, 900).astype(int)
    rag = _exact(rng, n, ("Green", "Amber", "Red"), (0.55, 0.30, 0.15))
    red, amber = rag == "Red", rag == "Amber"
    slip = np.select(
        [red, amber], [rng.integers(45, 181, n), rng.integers(10, 76, n)], rng.integers(-14, 15, n)
    )
    # About 28% closed (in the last three years), 62% under way, 10% not started yet.
    when = _exact(rng, n, ("closed", "live", "future"), (0.28, 0.62, 0.10))
    full = length + slip
    start = (
        t
        + np.select(
            [when == "closed", when == "live"],
            [-full - rng.integers(1, YEARS * 365 - 60, n), -np.round(rng.random(n) * full)],
            rng.integers(1, 181, n),
        ).astype(int)
        * DAY
    )
    end = start + length * DAY
    forecast_end = np.maximum(end + slip * DAY, start + 30 * DAY)
    span = (forecast_end - start) / DAY
    elapsed = ((t - start) / DAY) / span
    stage = np.select(
        [start > t + 45 * DAY, start > t, elapsed < 0.15, elapsed < 0.85, forecast_end >= t],
        ["Idea", "Initiation", "Planning", "Execution", "Closing"],
        "Closed",
    ).astype(object)
    hold = (stage == "Execution") & (rng.random(n) < np.where(rag == "Green", 0.015, 0.08))
    stage[hold] = "On hold"
    e = np.clip(elapsed, 0, 1) * 100 + rng.normal(0, 4, n)
    pct = np.select(
        [stage == "Idea", stage == "Initiation", stage == "Planning", stage == "Closed"],
        [0, np.clip(e, 0, 5) + rng.integers(0, 4, n), np.clip(e, 1, 15), 100],
        np.clip(e, np.where(stage == "Closing", 85, 15), np.where(stage == "Closing", 99, 90)),
    )
    pct = np.round(np.clip(pct, 0, 100))

    lb = np.log(320_000) + 0.35 * strategic + 0.15 * key
    budget = np.round(np.clip(np.exp(rng.normal(lb, 0.85, n)), 50_000, 5_000_000), -3)
    overrun = np.select(
        [red, amber],
        [rng.uniform(1.10, 1.40, n), rng.uniform(1.0, 1.12, n)],
        rng.uniform(0.92, 1.03, n),
    )
    forecast_cost = np.round(budget * overrun, -2)
    spent = np.where(
        stage == "Closed",
        rng.uniform(0.97, 1.0, n),
        np.clip(elapsed, 0, 1) ** 1.1 * rng.uniform(0.9, 1.05, n),
    )
    spent = np.where(np.isin(stage, ["Idea", "Initiation"]), rng.uniform(0, 0.02, n), spent)
    regulatory = portfolio == "Regulatory"
    planned = np.round(
        budget * np.where(regulatory, rng.uniform(0.3, 1.0, n), rng.uniform(1.2, 3.5, n)), -3
    )
    go_live = np.maximum(forecast_end - rng.integers(14, 61, n) * DAY, start + 21 * DAY)
    since_live = np.clip(((t - go_live) / DAY) / 365, 0, 1)
    realised = np.round(
        planned * since_live * rng.uniform(0.5, 1.0, n) * np.where(red, 0.6, 1.0), -3
    )
    lbz = (np.log(budget) - np.log(budget).mean()) / np.log(budget).std()
    bias = np.array([0.3, 0.0, 0.2, 0.4, -0.2, 0.2, -0.1])[port]
    cx = portfolio == "Customer experience"
    rating = lambda mu, sd=0.9: np.clip(np.round(rng.normal(mu, sd)), 1, 5).astype(int)  # noqa: E731

    # A red project turned red part-way: at least a fifth of the way in, by today at the latest.
    lo = start + np.round(0.2 * span).astype(int) * DAY
    hi = np.minimum(forecast_end, t)
    frac = rng.random(n)
    since = lo + np.round(frac * np.maximum((hi - lo) / DAY, 0)).astype(int) * DAY
    red_since = np.where(red & (start <= t), since, np.datetime64("NaT"))

    sponsor = rng.choice(np.array(sponsors, dtype=object), n)
    sponsor[rng.random(n) < 0.01] = None  # a few projects without a named sponsor
    frame = pd.DataFrame(
        {
            "project_id": _ids("P", n, 4),
            "name": names.to_numpy(),
            "customer_id": customers["customer_id"].to_numpy()[cidx],
            "portfolio": portfolio,
            "service_id": rng.choice(
                services["service_id"].to_numpy(),
                n,
                p=(d := services["demand_hours"].to_numpy()) / d.sum(),
            ),
            "sponsor": sponsor,
            "project_manager": rng.choice(np.array(staff, dtype=object), n),
            "stage": stage,
            "rag": rag,
            "start_date": _dt(start),
            "end_date": _dt(end),
            "forecast_end_date": _dt(forecast_end),
            "budget": budget,
            "actual_cost": np.round(forecast_cost * spent, -2),
            "forecast_cost": forecast_cost,
            "planned_benefit": planned,
            "realised_benefit": realised,
            "strategic_alignment": rating(3.2 + 0.5 * strategic + 0.2 * key + bias),
            "customer_impact": rating(2.9 + 0.9 * strategic + 0.4 * key + 0.5 * cx),
            "risk": rating(2.4 + 1.3 * red + 0.6 * amber + 0.35 * lbz, 0.8),
            "effort": rating(3 + 1.2 * lbz, 0.6),
            "percent_complete": pct,
            "go_live_date": _dt(np.where(stage == "Idea", np.datetime64("NaT"), go_live)),
        }
    )
    return frame, red_since.astype("datetime64[D]")


# -- feedback ---------------------------------------------------------------------------------
def _feedback_base(rng, n, customers, projects, services, red_since, t) -> dict:
    """Who answered when, about what, and how they felt (mood, before actions' lift)."""
    start = projects["start_date"].to_numpy().astype("datetime64[D]")
    fend = projects["forecast_end_date"].to_numpy().astype("datetime64[D]")
    window = t - (YEARS * 365 - 1) * DAY
    lo, hi = np.maximum(start, window), np.minimum(fend + 120 * DAY, t)
    ok = np.flatnonzero(lo <= hi)
    span = ((hi - lo) / DAY + 1)[ok]
    cid = customers["customer_id"].to_numpy()
    pcid = pd.Index(cid).get_indexer(projects["customer_id"])

    has_project = rng.random(n) < 0.7
    k = int(has_project.sum())
    p = ok[rng.choice(len(ok), k, p=span / span.sum())]
    pdate = lo[p] + np.floor(rng.random(k) * ((hi[p] - lo[p]) / DAY + 1)).astype(int) * DAY
    tier = customers["tier"].to_numpy()
    w = np.select([tier == "Strategic", tier == "Key"], [4.0, 2.0], 1.0)
    c_other = rng.choice(len(cid), n - k, p=w / w.sum())
    days_ago = np.floor(rng.random(n - k) ** 0.9 * YEARS * 365).astype(int)
    demand = services["demand_hours"].to_numpy()
    svc_any = rng.choice(len(services), n, p=demand / demand.sum())
    psvc = pd.Index(services["service_id"]).get_indexer(projects["service_id"])

    proj = np.full(n, -1)
    proj[has_project] = p
    cidx = np.empty(n, dtype=int)
    cidx[has_project], cidx[~has_project] = pcid[p], c_other
    when = np.empty(n, dtype="datetime64[D]")
    when[has_project], when[~has_project] = pdate, t - days_ago * DAY
    svc = np.where(has_project & (rng.random(n) < 0.85), psvc[np.maximum(proj, 0)], svc_any)
    order = np.lexsort((cidx, when))  # response ids in date order
    proj, cidx, when, svc = proj[order], cidx[order], when[order], svc[order]
    has_project = proj >= 0

    # A customer with a project that turned red is unhappier until 90 days after it lands,
    # and a little less trusting from then on.
    red = np.flatnonzero(~np.isnat(red_since))
    hit = _window_hits(cidx, when, pcid[red], red_since[red], fend[red] + 90 * DAY)
    scar = _window_hits(cidx, when, pcid[red], red_since[red], np.full(len(red), t))
    rag, pj = projects["rag"].to_numpy(), np.maximum(proj, 0)
    own_red = has_project & (when >= red_since[pj]) & (when <= fend[pj] + 90 * DAY)
    amber = has_project & (rag[pj] == "Amber")
    ctier = tier[cidx]
    pressure = (demand / services["capacity_hours"].to_numpy())[svc]
    age = (t - when) / DAY / (YEARS * 365)
    mood = (
        0.55
        + rng.normal(0, 0.35, len(cid))[cidx]  # some customers are simply harder to please
        + 0.15 * (ctier == "Strategic")
        + 0.35 * (1 - age)  # the PMO gets better
        - 0.9 * np.clip(pressure - 1, 0, None)
        - 1.3 * hit
        - 0.4 * scar
        - 0.3 * own_red
        - 0.3 * amber
        + rng.normal(0, 0.9, n)
    )
    role = rng.choice(len(tx.RESPONDENT_ROLES), n, p=tx.ROLE_P)
    theme = _themes(rng, svc, role, own_red, amber)
    comment_p = np.where(np.abs(mood - 0.5) > 1.1, 0.72, 0.55)
    return {
        "n": n,
        "cidx": cidx,
        "date": when,
        "proj": proj,
        "svc": np.where(rng.random(n) < 0.8, svc, -1),
        "role": role,
        "theme": theme,
        "has_comment": rng.random(n) < comment_p,
        "mood": mood,
        "pre_mood": mood.copy(),
        "ids": _ids("R", n, 6),
        "customer_id": cid[cidx],
        "project_id": np.where(has_project, projects["project_id"].to_numpy()[proj], None),
        "service_ids": services["service_id"].to_numpy(),
    }


def _window_hits(rows_c, rows_t, ev_c, ev_from, ev_to) -> np.ndarray:
    """Per row: is there an event of the same customer with ev_from <= date <= ev_to?"""
    rows = pd.DataFrame({"c": rows_c, "t": rows_t, "i": np.arange(len(rows_c))})
    ev = pd.DataFrame({"c": ev_c, "a": ev_from, "b": ev_to})
    m = rows.merge(ev, on="c")
    hit = np.zeros(len(rows_c), dtype=bool)
    hit[m.loc[(m["t"] >= m["a"]) & (m["t"] <= m["b"]), "i"].to_numpy()] = True
    return hit


def _themes(rng, svc, role, own_red, amber) -> np.ndarray:
    """Comment theme per response, more likely where the context makes it likely."""
    keys = {k: i for i, k in enumerate(tx.THEME_KEYS)}
    w = np.ones((len(svc), len(keys)))
    for s, spec in enumerate(tx.SERVICES):
        for th, boost in zip(spec[6], (3.0, 2.0), strict=True):
            w[svc == s, keys[th]] += boost
    for r, th, boost in (
        (4, "value", 3.0),
        (3, "dashboards", 2.0),
        (3, "reporting", 1.0),
        (2, "training", 1.5),
        (0, "engagement", 1.0),
    ):
        w[role == r, keys[th]] += boost
    for th, boost in (("timeliness", 5.0), ("communication", 2.0), ("resourcing", 2.0)):
        w[own_red, keys[th]] += boost
    w[amber, keys["timeliness"]] += 1.5
    cum = w.cumsum(axis=1)
    u = rng.random(len(svc)) * cum[:, -1]
    return np.minimum((cum < u[:, None]).sum(axis=1), len(keys) - 1)


def _feedback_frame(rng, fb: dict) -> pd.DataFrame:
    n, mood = fb["n"], fb["mood"]
    csat = np.clip(np.round(3.45 + 0.95 * mood), 1, 5).astype(int)
    nps_base = np.array([0, 1.5, 3.8, 6.2, 8.2, 9.5])[csat]
    nps = np.clip(np.round(nps_base + rng.normal(0, 0.9, n)), 0, 10)
    nps[rng.random(n) < 0.015] = np.nan  # skipped the recommend question
    effort = np.clip(np.round(5.6 - 0.85 * csat + rng.normal(0, 0.7, n)), 1, 5).astype(int)
    role = np.array(tx.RESPONDENT_ROLES, dtype=object)[fb["role"]]
    role[rng.random(n) < 0.02] = None  # role left blank
    polarity = np.select([mood > 0.6, mood < -0.1], ["pos", "neg"], "neu")
    comment = tx.comments(rng, fb["theme"], polarity, fb["has_comment"])
    return pd.DataFrame(
        {
            "response_id": fb["ids"],
            "date": _dt(fb["date"]),
            "customer_id": fb["customer_id"],
            "project_id": fb["project_id"],
            "service_id": np.where(fb["svc"] >= 0, fb["service_ids"][fb["svc"]], None),
            "respondent_role": role,
            "csat": csat,
            "nps": nps,
            "effort_score": effort,
            "comment": comment,
            "channel": rng.choice(np.array(tx.CHANNELS, dtype=object), n, p=tx.CHANNEL_P),
        }
    )


# -- actions ----------------------------------------------------------------------------------
def _actions(rng, n, fb, customers, services, staff, t):
    """Actions raised from unhappy comments (citing their response ids) or from a theme, and
    which responses each closed action lifts (same customer, after its closed date)."""
    neg = fb["has_comment"] & (fb["pre_mood"] < -0.1) & (fb["date"] <= t - 5 * DAY)
    cand = np.flatnonzero(neg)
    n_fb = min(int(round(0.8 * n)), len(cand))
    n_th = n - n_fb
    anchor = np.sort(rng.choice(cand, n_fb, replace=False))
    keys = np.array(tx.THEME_KEYS, dtype=object)

    # Cite up to two earlier unhappy comments of the same customer on the same theme.
    neg_df = pd.DataFrame({"c": fb["cidx"][cand], "th": fb["theme"][cand], "d": fb["date"][cand]})
    neg_df["i"] = cand
    neg_df = neg_df.sort_values(["c", "th", "d", "i"], ignore_index=True)
    pos = pd.Index(neg_df["i"]).get_indexer(anchor)
    cites = [[fb["ids"][a]] for a in anchor]
    for back in (1, 2):
        prev = np.maximum(pos - back, 0)
        same = (
            (pos - back >= 0)
            & (neg_df["c"].to_numpy()[prev] == fb["cidx"][anchor])
            & (neg_df["th"].to_numpy()[prev] == fb["theme"][anchor])
            & ((fb["date"][anchor] - neg_df["d"].to_numpy()[prev]) / DAY <= 120)
        )
        for j in np.flatnonzero(same):
            cites[j].insert(0, fb["ids"][neg_df["i"].to_numpy()[prev[j]]])
    theme_fb = fb["theme"][anchor]
    labels = np.array([tx.THEMES[k][0] for k in tx.THEME_KEYS], dtype=object)
    source_fb = [f"{', '.join(c)} ({labels[th]})" for c, th in zip(cites, theme_fb, strict=True)]

    # Theme-wide actions: the most-complained-about themes, for the service that owns them.
    counts = np.bincount(fb["theme"][cand], minlength=len(keys)) + 1
    theme_th = rng.choice(len(keys), n_th, p=counts / counts.sum())
    svc_of_theme = np.array(
        [next(i for i, s in enumerate(tx.SERVICES) if k in s[6]) for k in tx.THEME_KEYS]
    )
    th_raised = t - rng.integers(10, YEARS * 365, n_th) * DAY

    theme = np.concatenate([theme_fb, theme_th])
    svc = np.concatenate(
        [
            np.where(fb["svc"][anchor] >= 0, fb["svc"][anchor], svc_of_theme[theme_fb]),
            svc_of_theme[theme_th],
        ]
    )
    raised = np.concatenate([fb["date"][anchor] + rng.integers(2, 22, n_fb) * DAY, th_raised])
    raised = np.minimum(raised, t)
    due = raised + rng.choice([30, 45, 60, 90], n) * DAY
    age = (t - raised) / DAY
    u = rng.random(n)
    p_done = np.clip(age / 120, 0.05, 0.9)
    status = np.select([u < p_done, u < p_done + 0.06], ["Done", "Cancelled"], "Open")
    status = status.astype(object)
    closed = raised + np.round(rng.gamma(2.0, 22.0, n) + 5).astype(int) * DAY
    late = (status == "Done") & (closed > t)
    status[late] = "In progress"
    started = (status == "Open") & (rng.random(n) < 0.55)
    status[started] = "In progress"
    closed = np.where(status == "Cancelled", np.minimum(closed, t), closed)
    closed = np.where(np.isin(status, ["Done", "Cancelled"]), closed, np.datetime64("NaT"))

    cidx = np.concatenate([fb["cidx"][anchor], np.full(n_th, -1)])
    owner_svc = services["owner"].to_numpy()[svc]
    owner = np.where(rng.random(n) < 0.6, owner_svc, rng.choice(np.array(staff, dtype=object), n))
    title_pick = rng.integers(0, 3, n)
    frame = pd.DataFrame(
        {
            "action_id": _ids("A", n, 3),
            "title": [
                tx.ACTION_TITLES[keys[th]][k] for th, k in zip(theme, title_pick, strict=True)
            ],
            "customer_id": np.where(cidx >= 0, customers["customer_id"].to_numpy()[cidx], None),
            "service_id": fb["service_ids"][svc],
            "project_id": np.concatenate([fb["project_id"][anchor], np.full(n_th, None)]),
            "source": source_fb + [labels[th] for th in theme_th],
            "impact": rng.choice(np.array(LEVELS, dtype=object), n, p=[0.25, 0.5, 0.25]),
            "effort": rng.choice(np.array(LEVELS, dtype=object), n, p=[0.35, 0.45, 0.2]),
            "owner": owner,
            "status": status,
            "raised_date": _dt(raised),
            "due_date": _dt(due),
            "closed_date": _dt(closed),
        }
    )
    order = np.argsort(raised, kind="stable")  # ids in the order actions were raised
    frame = frame.iloc[order].reset_index(drop=True).assign(action_id=_ids("A", n, 3))

    done = (status == "Done") & (cidx >= 0)
    lift = _window_hits(
        fb["cidx"], fb["date"], cidx[done], closed[done] + DAY, np.full(done.sum(), t + DAY)
    )
    lift[anchor] = False  # the response that prompted an action keeps its score
    return frame, lift


# -- savings ----------------------------------------------------------------------------------
def _savings(rng, n, projects, services, staff, scale, t) -> pd.DataFrame:
    cat = _exact(rng, n, tx.SAVING_CATEGORIES, tx.SAVING_P)
    size = pd.Series(cat).map(dict(zip(tx.SAVING_CATEGORIES, tx.SAVING_SIZE, strict=True)))
    raw = rng.lognormal(0, 0.8, n) * size.to_numpy()
    likely = np.round(raw / raw.sum() * SAVINGS_LIKELY * scale, -2)
    low = np.round(likely * rng.uniform(0.55, 0.9, n), -2)
    high = np.round(likely * rng.uniform(1.1, 1.7, n), -2)

    month0 = t.astype("datetime64[M]")
    start_m = month0 - rng.integers(-3, 31, n)
    months = rng.choice([6, 12, 12, 12, 24], n)
    # Cost pools are one budget line per saving, except continuations (same pool, the next
    # period) and a handful of deliberate double counts (same pool, overlapping periods).
    pool = np.arange(n)
    perm = rng.permutation(n)
    n_ovl, n_cont = max(2, int(round(0.04 * n))), int(round(0.15 * n))
    base, ovl, cbase, cont, _ = np.split(perm, np.cumsum([n_ovl, n_ovl, n_cont, n_cont]))
    pool[ovl], pool[cont] = base, cbase
    start_m[ovl] = start_m[base] + rng.integers(2, 6, n_ovl)
    months[ovl] = 12
    months[base] = np.maximum(months[base], 12)
    start_m[cont] = start_m[cbase] + months[cbase]
    cat[ovl], cat[cont] = cat[base], cat[cbase]
    pstart = start_m.astype("datetime64[D]")
    pend = (start_m + months).astype("datetime64[D]") - DAY

    elapsed = np.clip(((t - pstart) / DAY) / ((pend - pstart) / DAY + 1), 0, 1)
    raw_r = likely * elapsed * rng.uniform(0.3, 0.9, n)
    realised = np.round(np.minimum(raw_r / raw_r.sum() * SAVINGS_REALISED * scale, likely), -2)

    codes = rng.choice(np.arange(4000, max(10000, 4000 + 3 * n)), n, replace=False)
    pool_names = [
        f"CC-{codes[p]} {tx.COST_POOLS[c][codes[p] % len(tx.COST_POOLS[c])]}"
        for p, c in zip(pool, np.asarray(cat)[pool], strict=True)
    ]
    svc = rng.integers(0, len(services), n)
    svc_name = services["name"].to_numpy()[svc]
    nums = zip(
        *(rng.integers(lo, hi, n) for lo, hi in ((20, 160), (5, 40), (5, 25), (1, 7))), strict=True
    )
    desc = [
        tx.SAVING_TEXT[c][j % len(tx.SAVING_TEXT[c])].format(
            svc=s.lower(), h=h, n=k, p=pc, f=f, w=f + 3
        )
        for c, s, j, (h, k, pc, f) in zip(
            cat, svc_name, rng.integers(0, 1 << 20, n), nums, strict=True
        )
    ]
    live = projects.loc[projects["stage"].isin(["Execution", "Closing", "Closed"]), "project_id"]
    proj = np.where(rng.random(n) < 0.55, rng.choice(live.to_numpy(), n), None)
    owner = np.where(
        rng.random(n) < 0.5,
        services["owner"].to_numpy()[svc],
        rng.choice(np.array(staff, dtype=object), n),
    )
    quarter = pd.PeriodIndex(pstart, freq="Q").strftime("Q%q %Y").to_numpy()
    source = rng.choice(np.array(tx.SAVING_SOURCES, dtype=object), n) + " " + quarter
    frame = pd.DataFrame(
        {
            "saving_id": _ids("SV", n, 3),
            "category": cat,
            "project_id": proj,
            "service_id": np.where(
                rng.random(n) < 0.85, services["service_id"].to_numpy()[svc], None
            ),
            "description": desc,
            "owner": owner,
            "low": low,
            "likely": likely,
            "high": high,
            "realised": realised,
            "period_start": _dt(pstart),
            "period_end": _dt(pend),
            "cost_pool": pool_names,
            "source": source,
        }
    )
    order = np.lexsort((np.arange(n), pstart))
    return frame.iloc[order].reset_index(drop=True).assign(saving_id=_ids("SV", n, 3))


# -- helpers ----------------------------------------------------------------------------------
def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    """P-0001 ... with at least `width` digits, more when n needs them (so ids sort as text)."""
    width = max(width, len(str(n)))
    return np.array([f"{prefix}-{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _dt(values) -> pd.Series:
    """Day dates as datetime64 (what the store and the importer produce)."""
    return pd.Series(np.asarray(values, dtype="datetime64[D]").astype("datetime64[s]"))


def _cells(s: pd.Series) -> list:
    """A column as Python cell values: dates as date, whole numbers as int, blanks as None."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return [None if pd.isna(v) else v.date() for v in s]
    if pd.api.types.is_float_dtype(s):
        whole = s.dropna()
        if (whole == np.round(whole)).all():
            return [None if v != v else int(v) for v in s.tolist()]
        return [None if v != v else v for v in s.tolist()]
    return [None if v is None or (isinstance(v, float) and v != v) else v for v in s.tolist()]
