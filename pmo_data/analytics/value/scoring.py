"""Weighted value scores: six criteria, each on a fixed 0-1 scale, one weighted sum.

Why fixed scales: a project's criterion value must not move because another project was added
or an outlier arrived, so nothing here is rank- or min/max-based.
- customer impact: declared `customer_impact` 1-5 -> (x - 1) / 4; evidence from the data (see
  `customer_evidence`); or a blend (1 - b) * declared + b * evidence. When one source is
  missing the other is used; both missing -> neutral.
- strategic alignment: (x - 1) / 4.
- financial value: r = planned_benefit / cost (cost = forecast_cost, else budget), scored
  r / (1 + r): break-even scores 0.5, 3x scores 0.75, a 100x outlier 0.99 and squashes nobody.
- urgency (time criticality): days d from `as_of` to the deadline (go-live, else forecast end,
  else baseline end): 1 - d / 365 clipped to 0..1 (due now or late = 1, a year or more out = 0).
- risk and effort are inverted: 1 - (x - 1) / 4 (low risk, small effort score high).
Missing inputs take the documented neutral value 0.5 and are listed in `missing`.
Score 0-100 = 100 * sum(w_i * c_i) / sum(w_i), so scaling all weights changes nothing.
Closed projects are not candidates and are left out.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pmo_data.analytics.feedback.scores import reference_date
from pmo_data.measures import CSAT_SATISFIED, DETRACTOR, OPEN_ACTION, PROMOTER, SMALL_N, VALID_NPS
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, scoped
from pmo_data.store.versions import Store

CRITERIA: dict[str, str] = {
    "customer": "Customer impact",
    "strategic": "Strategic alignment",
    "financial": "Financial value",
    "urgency": "Urgency",
    "risk": "Low risk",
    "effort": "Low effort",
}
KEYS = tuple(CRITERIA)
DEFAULT_WEIGHTS = (0.30, 0.20, 0.20, 0.10, 0.10, 0.10)
METHODS = {"declared": "Declared rating", "evidence": "Evidence from the data", "blend": "Blend"}
NEUTRAL = 0.5
URGENCY_HORIZON_DAYS = 365
CANDIDATE = "coalesce(stage, '') <> 'Closed'"

# Customer evidence: component -> weight (missing components drop out of the weighted mean).
EVIDENCE_WEIGHTS = {
    "tier": 0.25,
    "value": 0.25,
    "dissatisfaction": 0.15,
    "detractors": 0.10,
    "actions": 0.10,
    "complaints": 0.15,
}
TIER_SCORE = {"Strategic": 1.0, "Key": 2 / 3, "Standard": 1 / 3}
ACTIONS_HALF = 3  # open actions at which the actions component reaches 0.5
NEGATIVE_SENTIMENT = -0.05  # VADER's usual cut-off


# -- pure, vectorised scales -------------------------------------------------------------------
def rating01(x) -> np.ndarray:
    """1-5 rating -> 0..1 by (x - 1) / 4 (NaN stays NaN, out-of-range is clipped)."""
    return np.clip((np.asarray(x, dtype=float) - 1) / 4, 0, 1)


def ratio01(benefit, cost) -> np.ndarray:
    """Benefit/cost ratio r -> r / (1 + r): bounded, monotone, no outlier squashes others."""
    b, c = np.asarray(benefit, dtype=float), np.asarray(cost, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(c > 0, np.clip(b, 0, None) / c, np.nan)
    return r / (1 + r)


def urgency01(days_to_deadline) -> np.ndarray:
    """Days to deadline -> 1 - d / 365 clipped (late or due now = 1)."""
    d = np.asarray(days_to_deadline, dtype=float)
    return np.clip(1 - d / URGENCY_HORIZON_DAYS, 0, 1)


def customer01(declared, evidence, method: str, blend: float) -> np.ndarray:
    """The customer criterion from its two sources, falling back to whichever exists."""
    d, e = np.asarray(declared, dtype=float), np.asarray(evidence, dtype=float)
    if method == "declared":
        return np.where(np.isnan(d), e, d)
    if method == "evidence":
        return np.where(np.isnan(e), d, e)
    b = float(np.clip(blend, 0, 1))
    mixed = (1 - b) * d + b * e
    return np.where(np.isnan(d), e, np.where(np.isnan(e), d, mixed))


def weight_vector(weights) -> np.ndarray:
    """Weights (tuple in CRITERIA order or dict) as a float array; all-zero is refused."""
    if isinstance(weights, dict):
        weights = [weights.get(k, 0.0) for k in KEYS]
    w = np.clip(np.asarray(weights, dtype=float), 0, None)
    if w.shape != (len(KEYS),) or w.sum() <= 0:
        raise ValueError("need six non-negative weights, at least one above zero")
    return w


def scores(matrix: np.ndarray, weights) -> np.ndarray:
    """0-100 scores: 100 * C @ w / sum(w) for a criteria matrix C (n x 6), no NaNs."""
    w = weight_vector(weights)
    return 100 * (np.asarray(matrix, dtype=float) @ w) / w.sum()


def contributions(matrix: np.ndarray, weights) -> np.ndarray:
    """Points each criterion adds to each score (rows sum to the score)."""
    w = weight_vector(weights)
    return 100 * np.asarray(matrix, dtype=float) * w / w.sum()


def ranks(score: np.ndarray, ids=None) -> np.ndarray:
    """1 = best; ties broken by id (or position) so ranks are stable."""
    tie = np.arange(len(score)) if ids is None else np.argsort(np.argsort(np.asarray(ids)))
    order = np.lexsort((tie, -np.asarray(score)))
    out = np.empty(len(score), dtype=int)
    out[order] = np.arange(1, len(score) + 1)
    return out


# -- inputs from the store ---------------------------------------------------------------------
def customer_evidence(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per candidate project: the customers it serves and the evidence of its customer impact.

    Customers served = projects.customer_id plus the customers of feedback naming the project.
    Over those customers (pooled): best tier, total annual value, NPS and detractor share and
    CSAT over the last 12 months of feedback in view, open actions touching the project or
    them, and the share of their comments with negative sentiment (complaints). Components
    (0..1, higher = more customer value at stake): tier (Strategic 1, Key 2/3, Standard 1/3);
    value v / (v + median annual value of customers in view); dissatisfaction
    1 - (NPS + 100) / 200 (else 1 - CSAT share); detractor share; actions n / (n + 3);
    complaints share. Evidence = weighted mean (EVIDENCE_WEIGHTS) of the components present.
    """
    as_of = reference_date(store, viewer, filters) or date.today()
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    f_sql, f_p = scoped(store, "feedback", viewer, filters)
    c_sql, c_p = scoped(store, "customers", viewer, filters)
    a_sql, a_p = scoped(store, "actions", viewer, filters)
    sql = f"""
    WITH p AS (SELECT project_id, customer_id FROM ({p_sql}) WHERE {CANDIDATE}),
    fb AS (SELECT * FROM ({f_sql}) WHERE date > ?::DATE - 365),
    link AS (
      SELECT project_id, customer_id FROM p WHERE customer_id IS NOT NULL
      UNION
      SELECT project_id, customer_id FROM fb
      WHERE customer_id IS NOT NULL AND project_id IN (SELECT project_id FROM p)),
    c AS (SELECT customer_id, name, tier, annual_value FROM ({c_sql})),
    fc AS (
      SELECT customer_id, count(*) FILTER ({VALID_NPS}) AS nps_n,
        count(*) FILTER ({VALID_NPS} AND {PROMOTER}) AS promoters,
        count(*) FILTER ({VALID_NPS} AND {DETRACTOR}) AS detractors,
        count(csat) AS csat_n, count(*) FILTER ({CSAT_SATISFIED}) AS csat_k,
        count(*) FILTER (trim(coalesce(comment, '')) <> '') AS comments,
        count(*) FILTER (trim(coalesce(comment, '')) <> '' AND sentiment <= ?) AS complaints
      FROM fb GROUP BY 1),
    oa AS (SELECT action_id, project_id, customer_id FROM ({a_sql})
           WHERE {OPEN_ACTION}),
    ao AS (
      SELECT project_id, count(DISTINCT action_id) AS open_actions FROM (
        SELECT l.project_id, oa.action_id FROM link l JOIN oa USING (customer_id)
        UNION ALL
        SELECT p.project_id, oa.action_id FROM p JOIN oa USING (project_id)) GROUP BY 1)
    SELECT l.project_id, count(*) AS customers,
      string_agg(coalesce(c.name, l.customer_id), '; ' ORDER BY c.annual_value DESC NULLS LAST)
        AS customer_names,
      max(CASE c.tier WHEN 'Strategic' THEN 3 WHEN 'Key' THEN 2 WHEN 'Standard' THEN 1 END)
        AS tier_rank,
      sum(c.annual_value) AS annual_value,
      sum(coalesce(fc.nps_n, 0)) AS nps_n, sum(coalesce(fc.promoters, 0)) AS promoters,
      sum(coalesce(fc.detractors, 0)) AS detractors, sum(coalesce(fc.csat_n, 0)) AS csat_n,
      sum(coalesce(fc.csat_k, 0)) AS csat_k, sum(coalesce(fc.comments, 0)) AS comments,
      sum(coalesce(fc.complaints, 0)) AS complaints,
      any_value(coalesce(ao.open_actions, 0)) AS open_actions
    FROM link l LEFT JOIN c USING (customer_id) LEFT JOIN fc USING (customer_id)
      LEFT JOIN ao USING (project_id)
    GROUP BY 1"""
    params = p_p + f_p + [as_of] + c_p + [NEGATIVE_SENTIMENT] + a_p
    df = store.df(sql, params)
    med = store.row(f"SELECT median(annual_value) FROM ({c_sql}) WHERE annual_value > 0", c_p)[0]
    return evidence_components(df, float(med) if med is not None else np.nan)


def evidence_components(df: pd.DataFrame, median_value: float) -> pd.DataFrame:
    """Add the 0..1 evidence components, `evidence` and a `proof` sentence to pooled signals."""
    df = df.copy()
    counts = ["nps_n", "promoters", "detractors", "csat_n", "csat_k", "comments", "complaints"]
    df[counts + ["open_actions", "customers"]] = (
        df[counts + ["open_actions", "customers"]].fillna(0).astype("int64")
    )
    tier_names = {3: "Strategic", 2: "Key", 1: "Standard"}
    tier = df["tier_rank"].map(tier_names)
    n, csat_n, com = df["nps_n"].astype(float), df["csat_n"].astype(float), df["comments"]
    nps = 100 * (df["promoters"] - df["detractors"]) / n.where(n > 0)
    comp = pd.DataFrame(index=df.index)
    comp["tier"] = tier.map(TIER_SCORE).astype(float)
    v = df["annual_value"].astype(float)
    comp["value"] = (v / (v + median_value)).where(v.notna() & (median_value > 0))
    csat = df["csat_k"] / csat_n.where(csat_n > 0)
    comp["dissatisfaction"] = (1 - (nps + 100) / 200).fillna(1 - csat)
    comp["detractors"] = df["detractors"] / n.where(n > 0)
    comp["actions"] = df["open_actions"] / (df["open_actions"] + ACTIONS_HALF)
    comp["complaints"] = df["complaints"] / com.where(com > 0)
    w = pd.Series(EVIDENCE_WEIGHTS)
    have = comp.notna()
    ev = (comp.fillna(0) * w).sum(axis=1) / (have * w).sum(axis=1).replace(0, np.nan)
    out = df.assign(tier=tier, nps=nps, csat=csat, evidence=ev)
    for k in EVIDENCE_WEIGHTS:
        out[f"ev_{k}"] = comp[k]
    out["evidence_small_sample"] = n < SMALL_N
    out["proof"] = [_proof(r) for r in out.itertuples(index=False)]
    return out


def _proof(r) -> str:
    parts = [f"{r.customers} customer{'s' if r.customers != 1 else ''}"]
    if isinstance(r.tier, str):
        parts.append(f"best tier {r.tier}")
    if pd.notna(r.annual_value):
        parts.append(f"annual value {r.annual_value:,.0f}")
    if r.nps_n:
        small = ", small sample" if r.nps_n < SMALL_N else ""
        parts.append(
            f"NPS {r.nps:+.0f} (n={r.nps_n:,}{small}); {r.detractors / r.nps_n:.0%} detractors"
        )
    elif r.csat_n:
        parts.append(f"CSAT {r.csat:.0%} satisfied (n={r.csat_n:,})")
    else:
        parts.append("no survey answers in the last 12 months")
    parts.append(f"{r.open_actions} open action{'s' if r.open_actions != 1 else ''}")
    if r.comments:
        parts.append(f"{r.complaints:,} negative of {r.comments:,} comments")
    return "; ".join(parts)


def inputs(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, as_of: date | None = None
) -> pd.DataFrame:
    """Candidate projects in view with their raw inputs, customer evidence and deadline.

    Computed once per store version and view: the ranking, its robustness, WSJF, the budget
    choice and the groups' disagreement all start from it."""
    as_of = as_of or date.today()
    key = ("scoring.inputs", viewer, filters, as_of)
    return store.remember(key, lambda: _inputs(store, viewer, filters, as_of)).copy()


def _inputs(store: Store, viewer: Viewer, filters: Filters, as_of: date) -> pd.DataFrame:
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    c_sql, c_p = scoped(store, "customers", viewer, filters)
    sql = f"""
    SELECT p.project_id, p.name, p.portfolio, p.customer_id, c.name AS customer, p.sponsor,
      p.project_manager, p.stage, p.rag, coalesce(p.forecast_cost, p.budget) AS cost,
      p.planned_benefit, p.customer_impact, p.strategic_alignment, p.risk, p.effort,
      coalesce(p.go_live_date, p.forecast_end_date, p.end_date) AS deadline,
      date_diff('day', ?::DATE, coalesce(p.go_live_date, p.forecast_end_date, p.end_date))
        AS days_to_deadline
    FROM ({p_sql}) p LEFT JOIN ({c_sql}) c USING (customer_id)
    WHERE {CANDIDATE.replace("stage", "p.stage")} ORDER BY p.project_id"""
    df = store.df(sql, [as_of] + p_p + c_p)
    ev = customer_evidence(store, viewer, filters).drop(columns=["customers"])
    return df.merge(ev, on="project_id", how="left")


def criteria(df: pd.DataFrame, method: str = "blend", blend: float = 0.5) -> pd.DataFrame:
    """The six criteria 0..1 (NaN where the input is missing) from `inputs` columns."""
    declared = rating01(df["customer_impact"])
    evidence = df["evidence"].to_numpy(dtype=float) if "evidence" in df else np.nan
    return pd.DataFrame(
        {
            "customer": customer01(declared, evidence, method, blend),
            "strategic": rating01(df["strategic_alignment"]),
            "financial": ratio01(df["planned_benefit"], df["cost"]),
            "urgency": urgency01(df["days_to_deadline"]),
            "risk": 1 - rating01(df["risk"]),
            "effort": 1 - rating01(df["effort"]),
        },
        index=df.index,
    )


def rank(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    weights: tuple = DEFAULT_WEIGHTS,
    method: str = "blend",
    blend: float = 0.5,
    as_of: date | None = None,
) -> pd.DataFrame:
    """Candidate projects ranked by score, with criteria (`c_*`), contributions (`pts_*`),
    the customer sources side by side and the list of inputs that took the neutral value."""
    df = inputs(store, viewer, filters, as_of)
    return score_frame(df, weights, method, blend)


def score_frame(df: pd.DataFrame, weights, method: str, blend: float) -> pd.DataFrame:
    """Score an `inputs` frame (split out so tests and benchmarks can feed frames directly)."""
    crit = criteria(df, method, blend)
    missing = crit.isna()
    filled = crit.fillna(NEUTRAL).to_numpy()
    out = df.copy()
    out["customer_declared"] = rating01(df["customer_impact"])
    for k in KEYS:
        out[f"c_{k}"] = filled[:, KEYS.index(k)]
    pts = contributions(filled, weights)
    for i, k in enumerate(KEYS):
        out[f"pts_{k}"] = pts[:, i]
    out["score"] = pts.sum(axis=1)
    out["missing"] = [
        ", ".join(CRITERIA[k] for k in KEYS if row[k]) for row in missing.to_dict("records")
    ]
    out["rank"] = ranks(out["score"].to_numpy(), out["project_id"].to_numpy())
    return out.sort_values("rank").reset_index(drop=True)


def criteria_matrix(ranked: pd.DataFrame) -> np.ndarray:
    return ranked[[f"c_{k}" for k in KEYS]].to_numpy(dtype=float)


# -- rank robustness ---------------------------------------------------------------------------
# Weights are perturbed by Dirichlet draws with alpha = CONCENTRATION * w / sum(w): the mean is
# the chosen weights and Var(w_i) = p_i (1 - p_i) / (CONCENTRATION + 1), so a 0.30 weight
# varies by about +-0.06 (1 sd) and a 0.10 weight by +-0.04: the disagreement one would expect
# between reasonable stakeholders. Zero weights stay zero.
CONCENTRATION = 50.0
DRAWS = 2000
SEED = 20240501
SETTLED_HI, SETTLED_LO = 0.9, 0.1


def weight_draws(
    weights, draws: int = DRAWS, concentration: float = CONCENTRATION, seed: int = SEED
) -> np.ndarray:
    """(6 x draws) weight vectors around `weights` (each column sums to 1)."""
    w = weight_vector(weights)
    p = w / w.sum()
    pos = p > 0
    out = np.zeros((len(p), draws))
    rng = np.random.default_rng(seed)
    if pos.sum() == 1:
        out[pos] = 1.0
    else:
        out[pos] = rng.dirichlet(concentration * p[pos], size=draws).T
    return out


def rank_draws(matrix: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """(draws x n) ranks (1 = best) of every project under every weight draw.

    Scores are one matrix product (draws x 6) @ (6 x n); ranks come from one argsort per row.
    """
    s = (draws.T @ np.asarray(matrix, dtype=float).T).astype(np.float32)
    order = np.argsort(-s, axis=1, kind="stable")
    n = s.shape[1]
    r = np.empty(order.shape, dtype=np.int32)
    np.put_along_axis(r, order, np.broadcast_to(np.arange(1, n + 1, dtype=np.int32), r.shape), 1)
    return r


def top_ranks(scores: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact ranks of the `depth` best projects in every draw, without sorting everything.

    `scores` is (draws x n). Per draw, the depth-th largest score is found by a partition
    (linear time), the few at or above it are sorted; returns (draw, project, rank) arrays.
    Projects below the depth in a draw simply have no entry there (their rank is > depth).
    """
    d, n = scores.shape
    depth = min(depth, n)
    thr = np.partition(scores, n - depth, axis=1)[:, n - depth]
    rows, cols = np.nonzero(scores >= thr[:, None])
    order = np.lexsort((cols, -scores[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    starts = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=d))[:-1]])
    return rows, cols, np.arange(len(rows)) - starts[rows] + 1


def robustness_table(
    matrix: np.ndarray,
    weights,
    top_k: int,
    draws: int = DRAWS,
    concentration: float = CONCENTRATION,
    seed: int = SEED,
) -> pd.DataFrame:
    """Per project: P(in top K) over the draws, rank P10/P50/P90 and a plain verdict.

    Ranks are exact down to depth max(4K, 300); a quantile that falls deeper is NaN (the
    project sits below that depth in at least that share of draws, far from the line).
    """
    matrix = np.asarray(matrix, dtype=float)
    n = len(matrix)
    if n == 0:
        cols = ["p_top_k", "rank_p10", "rank_p50", "rank_p90", "verdict"]
        return pd.DataFrame(columns=cols)
    w = weight_draws(weights, draws, concentration, seed).astype(np.float32)
    s = np.ascontiguousarray(w.T) @ np.ascontiguousarray(matrix.T, dtype=np.float32)
    _, proj, rk = top_ranks(s, max(4 * top_k, 300))
    p_top = np.bincount(proj[rk <= top_k], minlength=n) / draws
    # Per project, its ranks ascending: sort by (project, rank); quantile q is the
    # round(q * (draws - 1))-th smallest rank, known when the project made the depth that often.
    order = np.lexsort((rk, proj))
    proj, rk = proj[order], rk[order]
    seen = np.bincount(proj, minlength=n)
    first = np.concatenate([[0], np.cumsum(seen)[:-1]])
    q = {}
    for name, frac in (("rank_p10", 0.1), ("rank_p50", 0.5), ("rank_p90", 0.9)):
        k = int(round(frac * (draws - 1)))
        ok = seen > k
        vals = np.full(n, np.nan)
        vals[ok] = rk[first[ok] + k]
        q[name] = vals
    verdict = np.where(
        p_top > SETTLED_HI,
        f"Settled: in the top {top_k}",
        np.where(p_top < SETTLED_LO, f"Settled: outside the top {top_k}", "Hinges on the weights"),
    )
    return pd.DataFrame({"p_top_k": p_top, **q, "verdict": verdict})


def robustness(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    weights: tuple = DEFAULT_WEIGHTS,
    method: str = "blend",
    blend: float = 0.5,
    top_k: int = 10,
) -> pd.DataFrame:
    """The ranked projects with their robustness columns (see `robustness_table`)."""
    ranked = rank(store, viewer, filters, weights, method, blend)
    rob = robustness_table(criteria_matrix(ranked), weights, top_k)
    cols = ["project_id", "name", "rank", "score"]
    return pd.concat([ranked[cols], rob], axis=1)


# -- WSJF as an alternative method ------------------------------------------------------------
def wsjf_frame(ranked: pd.DataFrame) -> pd.DataFrame:
    """WSJF = cost of delay / job size on the same data, each part on 0-10.

    Cost of delay = user/business value (mean of customer and financial criteria) + time
    criticality (urgency) + risk reduction / opportunity enablement (strategic alignment,
    the nearest proxy we hold). Job size = the effort rating 1-5 (missing: 3).
    """
    ubv = 10 * (ranked["c_customer"] + ranked["c_financial"]) / 2
    cod = ubv + 10 * ranked["c_urgency"] + 10 * ranked["c_strategic"]
    size = ranked["effort"].astype(float).fillna(3).clip(lower=1)
    out = ranked[["project_id", "name", "score", "rank"]].copy()
    out = out.assign(
        business_value=ubv,
        time_criticality=10 * ranked["c_urgency"],
        risk_reduction=10 * ranked["c_strategic"],
        cost_of_delay=cod,
        job_size=size,
        wsjf=cod / size,
    )
    out["wsjf_rank"] = ranks(out["wsjf"].to_numpy(), out["project_id"].to_numpy())
    out["rank_shift"] = out["rank"] - out["wsjf_rank"]
    return out


def wsjf_compare(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    weights: tuple = DEFAULT_WEIGHTS,
    method: str = "blend",
    blend: float = 0.5,
) -> dict:
    """WSJF table plus Spearman rank correlation with the weighted score and top-10 overlap."""
    from scipy.stats import spearmanr

    table = wsjf_frame(rank(store, viewer, filters, weights, method, blend))
    n = len(table)
    rho = float(spearmanr(table["score"], table["wsjf"]).statistic) if n >= 3 else float("nan")
    k = min(10, n)
    overlap = len(
        set(table.nsmallest(k, "rank")["project_id"])
        & set(table.nsmallest(k, "wsjf_rank")["project_id"])
    )
    return {"table": table, "rho": rho, "n": n, "top_k": k, "overlap": overlap}


# -- weight profiles and disagreement ----------------------------------------------------------
PROFILE_KIND = "weight_profile"


def save_profile(
    store: Store,
    name: str,
    weights,
    method: str,
    blend: float,
    *,
    author: str,
    scope: str,
    viewer=None,
) -> None:
    """Keep a named weight profile (newest per name wins; older saves remain as history)."""
    w = weight_vector(weights)
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    payload = {
        "weights": dict(zip(KEYS, map(float, w), strict=True)),
        "method": method,
        "blend": float(blend),
    }
    store.save_document(
        PROFILE_KIND, name.strip(), payload, author=author, scope=scope, viewer=viewer
    )


def profiles(store: Store) -> pd.DataFrame:
    """Saved profiles, newest first: name, group (scope), author, saved, weights, method, blend."""
    docs = store.documents(PROFILE_KIND)
    cols = ["name", "group", "author", "saved", "weights", "method", "blend"]
    if docs.empty:
        return pd.DataFrame(columns=cols)
    pay = docs["payload"]
    return pd.DataFrame(
        {
            "name": docs["name"],
            "group": docs["scope"],
            "author": docs["author"],
            "saved": docs["created_at"],
            "weights": [tuple(float(p["weights"].get(k, 0)) for k in KEYS) for p in pay],
            "method": [p.get("method", "blend") for p in pay],
            "blend": [float(p.get("blend", 0.5)) for p in pay],
        }
    )[cols]


def disagreement(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    settings: tuple = (),
    top: int = 30,
) -> pd.DataFrame:
    """Rank of each project under each setting ((label, weights, method, blend), ...).

    The first setting picks the `top` projects shown (in its order); the frame is wide:
    one row per project, one column per setting label.
    """
    if not settings:
        return pd.DataFrame()
    df = inputs(store, viewer, filters)
    if df.empty:
        return pd.DataFrame()
    cols = {}
    for label, weights, method, blend in settings:
        ranked = score_frame(df, weights, method, blend)
        cols[label] = ranked.set_index("project_id")["rank"]
    wide = pd.DataFrame(cols)
    first = next(iter(cols))
    wide = wide.sort_values(first).head(top)
    names = df.set_index("project_id")["name"]
    wide.insert(0, "name", names.reindex(wide.index))
    return wide.reset_index()


def headline(ranked: pd.DataFrame, rob: pd.DataFrame) -> dict[str, int]:
    """The Prioritisation headline: candidates, imputed scores, settled and hinging places,
    and projects whose customer evidence rests on a small sample."""
    return {
        "candidates": len(ranked),
        "imputed": int((ranked["missing"] != "").sum()),
        "settled": int(rob["verdict"].str.contains("in the top").sum()),
        "hinge": int((rob["verdict"] == "Hinges on the weights").sum()),
        "thin": int(ranked["evidence_small_sample"].fillna(True).astype(bool).sum()),
    }
