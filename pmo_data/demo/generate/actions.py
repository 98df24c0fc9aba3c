"""Improvement actions ("you said, we did"): raised from unhappy comments or themes, and
which later responses each closed action lifts."""

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
from pmo_data.schema import LEVELS


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
