"""Choosing under a budget: the exact 0/1 selection, the value-for-money frontier, the cut line.

Why exact: a greedy "best value per pound first" list can leave money on the table when a big
project just misses; executives asked "is this the best set we can afford?", and a 0/1
knapsack solved to optimality (scipy.optimize.milp / HiGHS, `mip_rel_gap=0`) answers it.
Value = the project's score (0-100); cost = forecast cost, else budget. Optional PMO capacity
in effort points: the 1-5 effort rating (missing: 3) per project. Projects with no cost cannot
be priced and are never selected (they are listed, not hidden).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

DEFAULT_EFFORT_POINTS = 3.0


def knapsack(
    values,
    costs,
    budget: float,
    efforts=None,
    capacity: float | None = None,
    time_limit: float = 20.0,
) -> np.ndarray:
    """Boolean mask of the items that maximise total value within budget (and capacity).

    Items with a missing or negative cost, or a non-positive value, are never chosen.
    """
    v = np.asarray(values, dtype=float)
    c = np.asarray(costs, dtype=float)
    chosen = np.zeros(len(v), dtype=bool)
    ok = np.isfinite(c) & (c >= 0) & np.isfinite(v) & (v > 0)
    rows, ubs = [c], [float(budget)]
    if capacity is not None and efforts is not None:
        e = np.asarray(efforts, dtype=float)
        e = np.where(np.isfinite(e), e, DEFAULT_EFFORT_POINTS)
        rows.append(e)
        ubs.append(float(capacity))
    if not ok.any() or budget < 0 or min(ubs) < 0:
        return chosen
    idx = np.flatnonzero(ok)
    a = np.vstack([r[idx] for r in rows])
    x = _solve(v[idx], a, np.asarray(ubs), time_limit)
    chosen[idx[x]] = True
    return chosen


def _solve(v: np.ndarray, a: np.ndarray, ub: np.ndarray, time_limit: float) -> np.ndarray:
    """Exact 0/1 solution of max v.x s.t. a x <= ub, by LP reduced-cost fixing then MILP.

    The LP relaxation gives a bound z_lp and reduced costs r. An incumbent comes from the LP's
    whole items plus a small MILP over the CORE_PROBE items with the smallest |r|. Flipping
    item j from its LP bound costs at least |r_j|, so every item with |r_j| > z_lp - z_inc
    keeps its LP value in every optimal solution (reduced-cost fixing); only the undecided
    core goes to the exact MILP (mip_rel_gap 0).
    """
    n = len(v)
    lp = _relaxation(v, a, ub)
    if lp is None:
        x = _milp(v, a, ub, np.ones(n, dtype=bool), np.zeros(n, dtype=bool), time_limit)
        return x if x is not None else np.zeros(n, dtype=bool)
    x_lp, z_lp, r = lp
    whole = x_lp > 1 - 1e-9
    incumbent = _fill(v, a, ub, whole)
    probe = np.zeros(n, dtype=bool)
    probe[np.argsort(np.abs(r), kind="stable")[:CORE_PROBE]] = True
    quick = _milp(v, a, ub, probe, whole & ~probe, time_limit)
    if quick is not None and v[quick].sum() > v[incumbent].sum():
        incumbent = quick
    tol = max(0.0, z_lp - v[incumbent].sum()) + 1e-7 * max(1.0, abs(z_lp))
    fixed1 = (r < -tol) & (x_lp > 0.5)
    core = ~fixed1 & ~((r > tol) & (x_lp < 0.5))
    x = _milp(v, a, ub, core, fixed1, time_limit) if core.any() else fixed1
    if x is None or v[x].sum() < v[incumbent].sum():
        x = incumbent
    return x


CORE_PROBE = 64


def _relaxation(v, a, ub):
    """(x, z, reduced costs in min form) of the LP relaxation; closed form for one limit."""
    if a.shape[0] == 1:
        c, b = a[0], float(ub[0])
        free = c <= 0
        order = np.argsort(-v / np.where(free, 1.0, c), kind="stable")
        order = np.concatenate([np.flatnonzero(free), order[~free[order]]])
        cum = np.cumsum(np.where(free, 0.0, c)[order])
        x = np.zeros(len(v))
        full = cum <= b
        x[order[full]] = 1.0
        lam = 0.0
        if not full.all():
            brk = order[np.argmin(full)]
            room = b - (cum[full][-1] if full.any() else 0.0)
            x[brk] = room / c[brk]
            lam = v[brk] / c[brk]
        return x, float(v @ x), -v + lam * c
    from scipy.optimize import linprog

    lp = linprog(-v, A_ub=a, b_ub=ub, bounds=(0, 1), method="highs")
    if lp.status != 0:
        return None
    return lp.x, -lp.fun, -v - a.T @ lp.ineqlin.marginals


def _milp(v, a, ub, free: np.ndarray, ones: np.ndarray, time_limit: float):
    """Best 0/1 choice of the `free` items with `ones` fixed in; None when the solver fails."""
    left = ub - a[:, ones].sum(axis=1)
    if np.any(left < 0):
        return None
    x = ones.copy()
    if free.any():
        res = milp(
            c=-v[free],
            integrality=np.ones(free.sum()),
            bounds=Bounds(0, 1),
            constraints=LinearConstraint(a[:, free], -np.inf, left),
            options={"mip_rel_gap": 0, "time_limit": time_limit},
        )
        if res.x is None:
            return None
        x[free] = res.x > 0.5
    # Guard against solver tolerance: never hand back a set that breaks a limit.
    while x.any() and np.any(a @ x > ub + 1e-9 * np.maximum(1, np.abs(ub))):
        worst = np.flatnonzero(x)[np.argmin(v[x] / np.maximum(a[0][x], 1e-12))]
        x[worst] = False
    return x


def _fill(v: np.ndarray, a: np.ndarray, ub: np.ndarray, start: np.ndarray) -> np.ndarray:
    """A feasible set: `start`, then the best value per unit of the first limit that fits."""
    x = start.copy()
    used = a @ x
    if np.any(used > ub):
        x[:], used = False, np.zeros(len(ub))
    for j in np.argsort(-v / np.maximum(a[0], 1e-12), kind="stable"):
        if not x[j] and np.all(used + a[:, j] <= ub):
            x[j] = True
            used = used + a[:, j]
    return x


def select(ranked: pd.DataFrame, budget: float, capacity: float | None = None) -> dict:
    """The optimal selection for a budget: table (ranked order, `selected`), totals, cut line."""
    df = ranked.copy()
    if df.empty:
        return {"table": df.assign(selected=[]), "cut": df, "unpriced": df, "totals": {}}
    efforts = df["effort"].astype(float).fillna(DEFAULT_EFFORT_POINTS)
    df["selected"] = knapsack(df["score"], df["cost"], budget, efforts, capacity)
    df["effort_points"] = efforts
    df["value_per_m"] = df["score"] / (df["cost"] / 1e6)
    spent = float(df.loc[df["selected"], "cost"].sum())
    left = float(budget - spent)
    unpriced = df[~(df["cost"].astype(float) >= 0)]
    out = df[~df["selected"] & (df["cost"].astype(float) >= 0)].copy()
    out["short_by"] = (out["cost"] - left).clip(lower=0)
    cut = out.sort_values(["rank"]).head(10)
    totals = {
        "budget": float(budget),
        "spent": spent,
        "left": left,
        "value": float(df.loc[df["selected"], "score"].sum()),
        "value_all": float(df["score"].sum()),
        "selected": int(df["selected"].sum()),
        "candidates": len(df),
        "effort": float(efforts[df["selected"]].sum()),
        "capacity": capacity,
        "greedy_value": float(df.loc[greedy(df["score"], df["cost"], budget), "score"].sum()),
    }
    return {"table": df, "cut": cut, "unpriced": unpriced, "totals": totals}


def greedy(values, costs, budget: float) -> np.ndarray:
    """The naive baseline: best value per unit of cost first, skip what no longer fits."""
    v, c = np.asarray(values, dtype=float), np.asarray(costs, dtype=float)
    chosen = np.zeros(len(v), dtype=bool)
    ok = np.isfinite(c) & (c >= 0) & (v > 0)
    density = np.where(ok, v / np.maximum(c, 1e-12), -np.inf)
    left = budget
    for i in np.argsort(-density, kind="stable"):
        if ok[i] and c[i] <= left:
            chosen[i] = True
            left -= c[i]
    return chosen


def frontier(ranked: pd.DataFrame, selected=None) -> pd.DataFrame:
    """Cumulative value against cumulative cost, best value per unit of cost first."""
    df = ranked[ranked["cost"].astype(float) > 0].copy()
    if selected is not None:
        df["selected"] = pd.Series(selected, index=ranked.index).reindex(df.index)
    df["value_per_m"] = df["score"] / (df["cost"] / 1e6)
    df = df.sort_values(["value_per_m", "project_id"], ascending=[False, True])
    df["cum_cost"] = df["cost"].cumsum()
    df["cum_value"] = df["score"].cumsum()
    return df.reset_index(drop=True)


def choose(
    store,
    viewer,
    filters,
    weights: tuple,
    method: str,
    blend: float,
    budget: float,
    capacity: float | None = None,
) -> dict:
    """Score the viewer's candidates and select under the budget; adds the frontier."""
    from pmo_data.analytics.value.scoring import rank

    res = select(rank(store, viewer, filters, weights, method, blend), budget, capacity)
    table = res["table"]
    res["frontier"] = frontier(table, table["selected"]) if len(table) else table
    return res
