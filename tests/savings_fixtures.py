"""Small savings stores built in code, shared by the savings, estimator and benefit tests."""

from __future__ import annotations

import pandas as pd

T = pd.Timestamp


def projects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": ["P-1", "P-2", "P-3"],
            "name": ["Alpha", "Beta", "Gamma"],
            "customer_id": ["C-1", "C-1", "C-2"],
            "portfolio": ["Digital", "Digital", "Operations"],
            "service_id": ["S-1", "S-2", "S-3"],
            "sponsor": ["Ann", "Ann", "Bob"],
            "project_manager": ["Pam", "Pat", "Pam"],
            "stage": ["Execution", "Closed", "Planning"],
            "planned_benefit": [100_000.0, 200_000.0, None],
            "realised_benefit": [50_000.0, 0.0, 10_000.0],
            "go_live_date": [T("2026-01-15"), T("2025-01-15"), None],
        }
    )


def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["C-1", "C-2"],
            "name": ["Acme", "Bolt"],
            "account_lead": ["Lee", "Liz"],
            "tier": ["Strategic", "Standard"],
        }
    )


def services() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service_id": ["S-1", "S-2", "S-3"],
            "name": ["Reporting", "Assurance", "Recovery"],
            "owner": ["Sam", "Sue", "Sam"],
            "capacity_hours": [100.0, 100.0, 50.0],
            "demand_hours": [60.0, 80.0, 80.0],
            "unit_cost": [375.0, 450.0, 600.0],
        }
    )


def line(
    sid,
    likely,
    *,
    low=None,
    high=None,
    realised=None,
    pool=None,
    start="2025-01-01",
    end="2025-12-31",
    project=None,
    service=None,
    category="Operational efficiency",
):
    return {
        "saving_id": sid,
        "category": category,
        "project_id": project,
        "service_id": service,
        "description": f"line {sid}",
        "owner": "Olly",
        "low": low,
        "likely": likely,
        "high": high,
        "realised": realised,
        "cost_pool": pool,
        "source": "Time study",
        "period_start": T(start) if start else None,
        "period_end": T(end) if end else None,
    }


def load(store, lines: list[dict], **extra) -> None:
    frames = {
        "projects": projects(),
        "customers": customers(),
        "services": services(),
        "savings": pd.DataFrame(lines or {"saving_id": pd.Series([], dtype="string")}),
    }
    frames.update(extra)
    store.write_version(frames, action="import", user="test")
