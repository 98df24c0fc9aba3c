"""Feedback responses: who answered when and how they felt, the theme of each comment, and
the final frame of scores and comment text."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_data.demo import text as tx
from pmo_data.demo.generate.common import (
    DAY,
    YEARS,
    _dt,
    _ids,
    _window_hits,
)


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
