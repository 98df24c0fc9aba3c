"""The service catalogue: capacity, demand, cost and targets per service, and the service
launched last month that nobody has ordered yet."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_data.demo import text as tx
from pmo_data.demo.generate.common import (
    _ids,
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
