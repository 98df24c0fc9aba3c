"""The savings ledger: ranges and realised amounts scaled to the PMO's reported totals, cost
pools with deliberate double counts, descriptions and sources."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_data.demo import text as tx
from pmo_data.demo.generate.common import (
    DAY,
    _dt,
    _exact,
    _ids,
)

SAVINGS_LIKELY = 4_000_000  # GBP at scale 1, as the seed's PMO reports
SAVINGS_REALISED = 1_100_000


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
