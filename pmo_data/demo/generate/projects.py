"""The project portfolio: names, stages, RAG, dates, money, scores, and when each red
project turned red (which the feedback reacts to)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_data.demo import text as tx
from pmo_data.demo.generate.common import (
    DAY,
    YEARS,
    _dt,
    _exact,
    _ids,
    _unique,
)


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
