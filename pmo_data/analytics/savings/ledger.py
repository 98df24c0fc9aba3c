"""The savings ledger and its totals as ranges: where each pound comes from, how sure we are.

`ledger` gathers the savings lines the viewer may see (scoped by `queries.frame`) and the
modelled lines of the current assumption sets, each with its provenance (file, sheet and row,
or "estimated by model" and the assumption set). `totals` flags double counts, holds back the
lines they exclude, and turns the rest into P10/P50/P90 by seeded Monte Carlo over Beta-PERT
lines (`pert`), overall and by category, service, customer and year, over time, realised
against estimated, and a waterfall from gross to net. `headline` writes the executive line.

Time: a line's estimate accrues evenly over the months of its period (period_start's month to
period_end's month); realised savings accrue over the months elapsed by today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import norm

from pmo_data.analytics.savings import double_counting, estimators, pert
from pmo_data.formatting import count, money
from pmo_data.store.access import EVERYONE, Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, frame

NO_CUSTOMER, NO_SERVICE, NO_PERIOD = "(no customer)", "(no service)", "(no period)"
MAX_MONTHS = 240  # the cumulative chart spans at most 20 years from the first start
LINE_COLUMNS = [
    "line_id",
    "kind",
    "category",
    "project_id",
    "project",
    "customer_id",
    "customer",
    "portfolio",
    "service_id",
    "service",
    "owner",
    "description",
    "low",
    "likely",
    "high",
    "realised",
    "period_start",
    "period_end",
    "cost_pool",
    "source",
    "provenance",
]


def state(store) -> str:
    """A stamp of the saved decisions and assumption sets: pass it to cached models so a new
    decision recomputes the totals (documents are not part of the store version)."""
    parts = []
    for kind in (double_counting.RESOLUTION_KIND, estimators.ASSUMPTION_KIND):
        docs = store.documents(kind, latest_only=False)
        parts.append(f"{len(docs)}@{docs['created_at'].max() if len(docs) else '-'}")
    return "|".join(parts)


def _provenance(store, rows: pd.DataFrame) -> pd.Series:
    """'file.xlsx, sheet savings, row 12 (source: Time study Q2)' or, for rows without a
    file (demo, API), the version that loaded them."""
    snap = store.snapshot_of("savings")
    info = store.version_info(snap) if snap is not None else None
    loaded = f"{info['action']} data, version {snap}" if info else "the store"
    src = rows["source"].fillna("").astype(str)
    with_src = np.where(src != "", " (source: " + src + ")", "")
    has_file = rows["_file"].notna()
    sheet = rows["_sheet"].fillna("").astype(str)
    where = (
        rows["_file"].fillna("").astype(str)
        + np.where(sheet != "", ", sheet " + sheet, "")
        + ", row "
        + rows["_row"].astype("Int64").astype(str)
    )
    return pd.Series(
        np.where(has_file, where + with_src, "loaded as " + loaded + with_src), index=rows.index
    )


def ledger(store, viewer: Viewer, filters: Filters = NO_FILTERS, state: str = "") -> pd.DataFrame:
    """Every savings line in view, imported and modelled, with names and provenance.

    `state` only keys the cache (see `state()`).
    """
    rows = frame(store, "savings", viewer, filters)
    rows = rows.rename(columns={"saving_id": "line_id"}).assign(kind="ledger")
    if not rows.empty:
        rows["provenance"] = _provenance(store, rows)
    modelled = estimators.modelled_lines(store, viewer, filters)
    parts = [p for p in (rows, modelled) if not p.empty]
    lines = pd.concat(parts, ignore_index=True) if parts else rows
    lines = lines.reindex(columns=LINE_COLUMNS)
    if lines.empty:
        return lines
    projects = frame(
        store,
        "projects",
        viewer,
        NO_FILTERS,
        columns=["project_id", "name", "customer_id", "portfolio", "service_id"],
    )
    customers = frame(store, "customers", viewer, NO_FILTERS, columns=["customer_id", "name"])
    services = frame(store, "services", viewer, NO_FILTERS, columns=["service_id", "name"])
    p = projects.set_index("project_id")
    pid = lines["project_id"]
    lines["project"] = pid.map(p["name"])
    lines["customer_id"] = pid.map(p["customer_id"])
    lines["portfolio"] = pid.map(p["portfolio"])
    lines["service_id"] = lines["service_id"].fillna(pid.map(p["service_id"]))
    lines["customer"] = lines["customer_id"].map(customers.set_index("customer_id")["name"])
    lines["customer"] = lines["customer"].fillna(lines["customer_id"])
    lines["service"] = lines["service_id"].map(services.set_index("service_id")["name"])
    lines["service"] = lines["service"].fillna(lines["service_id"])
    for c in ("period_start", "period_end"):
        lines[c] = pd.to_datetime(lines[c])
    for c in ("low", "likely", "high", "realised"):
        lines[c] = pd.to_numeric(lines[c], errors="coerce").astype(float)
    return lines.sort_values(["kind", "line_id"]).reset_index(drop=True)


@dataclass
class Totals:
    """Everything the page draws about savings, computed from one set of draws."""

    lines: pd.DataFrame  # the ledger + counted, excluded_reason, mean
    pairs: pd.DataFrame  # flagged double counts with their status
    overall: dict = field(default_factory=dict)
    by: dict = field(default_factory=dict)  # "category"|"service"|"customer"|"year" -> frame
    realised: pd.DataFrame = field(default_factory=pd.DataFrame)
    cumulative: pd.DataFrame = field(default_factory=pd.DataFrame)
    waterfall: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def empty(self) -> bool:
        return self.lines.empty


GROUPS_DRAWN = 300  # per dimension, the groups with the largest expected totals


def _moments_beyond(w: sp.csr_matrix, uniq: list, a, m, b, qs) -> tuple:
    """Split a one-hot grouping: the GROUPS_DRAWN groups with the largest expected totals
    stay in the draws; the rest get P10/P50/P90 from their exact mean and variance (normal
    approximation, the same shared-error correlation). The charts show the largest 15, so
    sampling thousands of small groups (10,000 draws each) cost seconds for nothing shown.
    Returns (kept rows, their names, the rest's quantiles)."""
    gmean = w @ pert.mean(a, m, b)
    order = np.argsort(-gmean, kind="stable")
    keep, rest = np.sort(order[:GROUPS_DRAWN]), order[GROUPS_DRAWN:]
    sd_line = np.sqrt(pert.variance(a, m, b))
    wr = w[rest]
    rho = pert.CORRELATION
    var = (1 - rho) * (wr.multiply(wr) @ sd_line**2) + rho * (wr @ sd_line) ** 2
    z = norm.ppf(np.asarray(qs, dtype=float))
    qv = gmean[rest][:, None] + np.sqrt(var)[:, None] * z[None, :]
    names = [uniq[i] for i in rest]
    rest_q = pd.DataFrame({"group": names, "p10": qv[:, 0], "p50": qv[:, 1], "p90": qv[:, 2]})
    return w[keep], [uniq[i] for i in keep], rest_q


def _one_hot(keys: pd.Series) -> tuple[list, sp.csr_matrix]:
    codes, uniques = pd.factorize(keys, sort=True)
    n = len(keys)
    w = sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(len(uniques), n))
    return list(uniques), w


def _months(d: pd.Series) -> np.ndarray:
    """Months since year 0 (int), NaN-safe via -1."""
    return np.where(d.notna(), d.dt.year.fillna(0) * 12 + d.dt.month.fillna(1) - 1, -1).astype(int)


def accrued_share(start: pd.Series, end: pd.Series, today) -> np.ndarray:
    """Share of each line's period elapsed by the end of today's month (0 before it starts,
    1 once it has ended); a line without a period counts in full."""
    s, e = _months(start), _months(end.fillna(start))
    e = np.maximum(e, s)
    now = pd.Timestamp(today).year * 12 + pd.Timestamp(today).month - 1
    share = np.clip((now - s + 1) / (e - s + 1), 0.0, 1.0)
    return np.where(s < 0, 1.0, share).astype(float)


def _accrual(s: np.ndarray, e: np.ndarray, grid: np.ndarray, cumulative: bool) -> np.ndarray:
    """(len(grid) x cells) share of each cell's period accrued in (or by) each grid month."""
    months = (e - s + 1).astype(float)
    if cumulative:
        return np.clip((grid[:, None] - s[None, :] + 1) / months[None, :], 0, 1)
    return ((grid[:, None] >= s[None, :]) & (grid[:, None] <= e[None, :])) / months[None, :]


def counted_lines(
    store, viewer: Viewer, filters: Filters = NO_FILTERS, state: str = ""
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lines with `counted` and `excluded_reason`, flagged pairs with their status).

    Double counts are found on the whole ledger, not just the lines in view: a line held
    back for the portfolio is held back for a sponsor too, even when the line it duplicates
    belongs to someone else. Only pairs whose two lines are both in view are listed.
    """
    lines = ledger(store, viewer, filters, state)
    whole = viewer.sees_everything and not filters.active
    everything = lines if whole else ledger(store, EVERYONE, NO_FILTERS, state)
    pairs = double_counting.find_pairs(everything)
    pairs, exclusions = double_counting.apply(pairs, double_counting.resolutions(store))
    if not whole and len(pairs):
        seen = set(lines["line_id"]) if len(lines) else set()
        pairs = pairs[pairs["line_a"].isin(seen) & pairs["line_b"].isin(seen)]
    reason = exclusions.set_index("line_id")["reason"] if len(exclusions) else pd.Series()
    lines["excluded_reason"] = lines["line_id"].map(reason) if len(lines) else None
    lines["counted"] = lines["excluded_reason"].isna()
    return lines, pairs


def totals(
    store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    state: str = "",
    today: date | None = None,
    draws: int = pert.DRAWS,
    seed: int = pert.SEED,
) -> Totals:
    """P10/P50/P90 of the counted lines' total, by group and over time; double counts held
    back; realised against estimated; the waterfall from gross to net."""
    lines, pairs = counted_lines(store, viewer, filters, state)
    if lines.empty:
        return Totals(lines, pairs)
    a, m, b, reordered = pert.clean(lines["low"], lines["likely"], lines["high"])
    lines["mean"], lines["range_reordered"] = pert.mean(a, m, b), reordered
    c = lines["counted"].to_numpy()
    ca, cm, cb, cl = a[c], m[c], b[c], lines[c].reset_index(drop=True)
    run = dict(draws=draws, seed=seed, rho=pert.CORRELATION)
    qs = (0.1, 0.5, 0.9)

    # One-hot groupings (the overall total is the first row).
    blocks, names = [sp.csr_matrix(np.ones((1, len(cl))))], [("total", "Total")]
    dims = {
        "category": cl["category"].fillna("(no category)"),
        "service": cl["service"].fillna(NO_SERVICE),
        "customer": cl["customer"].fillna(NO_CUSTOMER),
    }
    approx: dict[str, pd.DataFrame] = {}
    for dim, keys in dims.items():
        uniq, w = _one_hot(keys.astype(str))
        if len(uniq) > GROUPS_DRAWN:  # e.g. 7,000 customers at 100x: draw the largest only
            w, uniq, approx[dim] = _moments_beyond(w, uniq, ca, cm, cb, qs)
        blocks.append(w)
        names += [(dim, u) for u in uniq]
    # To date means to date: each line's share accrued by today (as the cumulative chart
    # accrues it); the rest, lines not yet started included, is expected later.
    today = pd.Timestamp(today or date.today())
    done = accrued_share(cl["period_start"], cl["period_end"], today)
    blocks += [sp.csr_matrix(done[None, :]), sp.csr_matrix(1 - done[None, :])]
    names += [("time", "to date"), ("time", "expected")]
    q = pert.group_quantiles(ca, cm, cb, sp.vstack(blocks), qs, **run) if len(cl) else None
    by: dict[str, pd.DataFrame] = {}
    means = pert.mean(ca, cm, cb)
    realised = cl["realised"].fillna(0).to_numpy()
    overall = {"p10": 0.0, "p50": 0.0, "p90": 0.0, "mean": 0.0, "likely": 0.0}
    overall.update({f"{w}_p{p}": 0.0 for w in ("to_date", "expected") for p in (10, 50, 90)})
    overall.update(expected_likely=0.0, expected_until=None)
    if q is not None:
        overall.update(p10=q[0, 0], p50=q[0, 1], p90=q[0, 2], mean=means.sum(), likely=cm.sum())
        overall.update(
            to_date_p10=q[-2, 0],
            to_date_p50=q[-2, 1],
            to_date_p90=q[-2, 2],
            expected_p10=q[-1, 0],
            expected_p50=q[-1, 1],
            expected_p90=q[-1, 2],
            expected_likely=float(((1 - done) * cm).sum()),
            expected_until=cl.loc[done < 1, "period_end"].max() if (done < 1).any() else None,
        )
        key = pd.DataFrame(names, columns=["dim", "group"])
        for dim, keys in dims.items():
            rows = (key["dim"] == dim).to_numpy()
            agg = pd.DataFrame(
                {
                    "group": keys.astype(str),
                    "likely": cm,
                    "mean": means,
                    "realised": realised,
                    "n": 1,
                }
            )
            agg = agg.groupby("group", sort=True).sum()
            drawn = pd.DataFrame(
                {
                    "group": key.loc[rows, "group"].to_numpy(),
                    "p10": q[rows, 0],
                    "p50": q[rows, 1],
                    "p90": q[rows, 2],
                }
            )
            if dim in approx:
                drawn = pd.concat([drawn, approx[dim]], ignore_index=True)
            by[dim] = drawn.join(agg, on="group").sort_values(
                "p50", ascending=False, ignore_index=True
            )
    overall.update(
        realised=float(realised.sum()),
        n_counted=int(c.sum()),
        n_lines=len(lines),
        n_excluded=int((~c).sum()),
        n_realised=int((cl["realised"].fillna(0) > 0).sum()),
        n_modelled=int((cl["kind"] == "modelled").sum()),
        n_reordered=int(reordered.sum()),
        all_err_low=float(pert.quantile(0.1, ca, cm, cb).sum()),
        all_err_high=float(pert.quantile(0.9, ca, cm, cb).sum()),
    )
    future = cl["period_start"] > today
    overall.update(n_future=int(future.sum()), future_likely=float(cm[future.to_numpy()].sum()))
    by["year"], cumulative = _over_time(cl, ca, cm, cb, today, run)
    return Totals(
        lines=lines,
        pairs=pairs,
        overall=overall,
        by=by,
        realised=_realised_vs_estimated(cl),
        cumulative=cumulative,
        waterfall=_waterfall(lines),
    )


def _over_time(cl, a, m, b, today, run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """By calendar year and cumulative by month, through period cells (start, end month)."""
    dated = (cl["period_start"].notna() & cl["period_end"].notna()).to_numpy()
    cols_y = ["group", "p10", "p50", "p90", "likely", "mean", "realised", "n"]
    cols_c = ["month", "p10", "p50", "p90", "likely", "realised"]
    if not dated.any():
        return pd.DataFrame(columns=cols_y), pd.DataFrame(columns=cols_c)
    s, e = _months(cl["period_start"])[dated], _months(cl["period_end"])[dated]
    e = np.maximum(e, s)
    cells, cell_of = np.unique(np.vstack([s, e]).T, axis=0, return_inverse=True)
    cell_of = cell_of.ravel()
    n = int(dated.sum())
    w = sp.csr_matrix((np.ones(n), (cell_of, np.arange(n))), shape=(len(cells), n))
    cs, ce = cells[:, 0], cells[:, 1]
    grid = np.arange(cs.min(), min(ce.max(), cs.min() + MAX_MONTHS) + 1)
    years = np.arange(cs.min() // 12, ce.max() // 12 + 1)
    per_month = _accrual(cs, ce, grid, cumulative=False)
    by_year = np.vstack([per_month[(grid // 12) == y].sum(axis=0) for y in years])
    cum = _accrual(cs, ce, grid, cumulative=True)
    q = pert.group_quantiles(a[dated], m[dated], b[dated], w, mix=np.vstack([by_year, cum]), **run)
    lk = w @ m[dated]
    mu = w @ pert.mean(a[dated], m[dated], b[dated])
    real = w @ cl["realised"].fillna(0).to_numpy()[dated]
    now = today.year * 12 + today.month - 1
    real_acc = _accrual(cs, np.minimum(ce, np.maximum(now, cs)), grid, cumulative=True)
    ny = len(years)
    year = pd.DataFrame(
        {
            "group": years.astype(str),
            "p10": q[:ny, 0],
            "p50": q[:ny, 1],
            "p90": q[:ny, 2],
            "likely": by_year @ lk,
            "mean": by_year @ mu,
            "realised": np.nan,
            "n": (by_year > 0).astype(int) @ np.bincount(cell_of, minlength=len(cells)),
        }
    )
    months = pd.to_datetime([f"{g // 12}-{g % 12 + 1:02d}-01" for g in grid])
    cumulative = pd.DataFrame(
        {
            "month": months,
            "p10": q[ny:, 0],
            "p50": q[ny:, 1],
            "p90": q[ny:, 2],
            "likely": cum @ lk,
            "realised": np.where(grid <= now, real_acc @ real, np.nan),
        }
    )
    return year[cols_y], cumulative[cols_c]


def _realised_vs_estimated(cl: pd.DataFrame) -> pd.DataFrame:
    """Per category: likely (counted lines), realised, realisation rate with its n."""
    df = cl.assign(
        n=1,
        with_realised=cl["realised"].notna().astype(int),
        realised=cl["realised"].fillna(0),
        category=cl["category"].fillna("(no category)"),
    )
    out = df.groupby("category", sort=True)[["likely", "realised", "n", "with_realised"]].sum()
    out["rate"] = np.where(out["likely"] > 0, out["realised"] / out["likely"], np.nan)
    return out.reset_index().sort_values("likely", ascending=False, ignore_index=True)


def _waterfall(lines: pd.DataFrame) -> pd.DataFrame:
    """Gross (every line) -> duplicates decided -> overlaps awaiting decision -> net, by mean."""
    reason = lines["excluded_reason"].fillna("")
    decided = reason.str.startswith("duplicate of")
    held = reason.str.startswith("held back")
    mean = lines["mean"]
    gross = float(mean.sum())
    steps = [
        ("Gross", gross, "absolute", len(lines)),
        ("Duplicates removed", -float(mean[decided].sum()), "relative", int(decided.sum())),
        ("Overlaps held back", -float(mean[held].sum()), "relative", int(held.sum())),
        ("Net", float(mean[lines["counted"]].sum()), "total", int(lines["counted"].sum())),
    ]
    return pd.DataFrame(steps, columns=["step", "value", "measure", "n"])


def _range(lo: float, hi: float, currency: str) -> tuple[str, str]:
    for decimals in (None, 2):
        a, b = money(lo, currency, decimals=decimals), money(hi, currency, decimals=decimals)
        if a != b or decimals == 2:
            return a, b
    return a, b  # pragma: no cover


def headline(overall: dict, currency: str) -> str:
    """'Estimated savings to date £2.4M–£3.0M (P50 £2.7M), of which £1.1M realised; a further
    £1.3M expected by Dec 2027'. To date is what has accrued by today; the rest of the ledger
    (lines not yet started included) is said apart as expected."""
    if not overall or not overall.get("n_counted"):
        return "No savings lines in this view yet"
    p = "to_date_" if "to_date_p50" in overall else ""
    lo, hi = _range(overall[f"{p}p10"], overall[f"{p}p90"], currency)
    text = (
        f"Estimated savings to date {lo}–{hi} (P50 {money(overall[f'{p}p50'], currency)}), "
        f"of which {money(overall['realised'], currency)} realised"
    )
    until = overall.get("expected_until")
    if p and overall.get("expected_likely", 0) > 0 and until is not None and pd.notna(until):
        text += (
            f"; a further {money(overall['expected_p50'], currency)} expected by "
            f"{pd.Timestamp(until):%b %Y}"
        )
    return text


def headline_caption(overall: dict, currency: str) -> str:
    """How the headline is computed, in one paragraph."""
    if not overall or not overall.get("n_counted"):
        return "Savings lines come from the savings sheet and from the estimators below."
    text = (
        f"P10-P90 of the total of {overall['n_counted']:,} counted lines "
        f"({overall['n_modelled']:,} estimated by model): each line is a Beta-PERT "
        f"distribution over its low/likely/high, summed over {pert.DRAWS:,} seeded draws with "
        f"a shared estimation error (correlation {pert.CORRELATION:g} between any two lines: "
        f"estimates made the same way err together). Fully independent lines would give a "
        f"narrower range, and if every estimate erred the same way it would be "
        f"{money(overall['all_err_low'], currency)}–{money(overall['all_err_high'], currency)}. "
        f"Realised is the cash saving reported to date on {overall['n_realised']:,} lines."
    )
    if overall.get("n_excluded"):
        text += (
            f" {count(overall['n_excluded'], 'line')} "
            f"{'is' if overall['n_excluded'] == 1 else 'are'} left out as double counts "
            "(see below)."
        )
    if "to_date_p50" in overall:
        text += (
            " To date = each line's estimate accrued evenly over the months of its period up "
            "to this month (as the cumulative chart shows); the rest is expected"
            + (
                f", including {count(overall['n_future'], 'line')} whose period starts after today "
                f"({money(overall['future_likely'], currency)} likely)."
                if overall.get("n_future")
                else "."
            )
            + f" The whole ledger: P50 {money(overall['p50'], currency)}."
        )
    return text
