"""People and customers: the staff, sponsor and account-lead name pools, and the customer
list (tiers, segments, regions, value, contact cadence)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_data.demo import text as tx
from pmo_data.demo.generate.common import (
    DAY,
    _dt,
    _exact,
    _ids,
    _unique,
)
from pmo_data.schema import TIERS


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
