"""Benchmark the Feedback and Customers models on 1,000,000 feedback responses.

Builds an in-memory store from the demo at scale 1 (600 customers, 750 projects) with its
feedback replaced by demo `generate(scale=50)` feedback (1M responses), then times each model
cold (first call) and warm (second call through a dict cache keyed by store version, which is
what `ui.run` does). Also times VADER sentiment and the theme model on the distinct comments,
and on a million synthetic distinct comments to give a per-unique-comment cost.
Run: .venv/bin/python benchmarks/bench_feedback.py  -> benchmarks/results_feedback.md
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pmo_data.analytics import customers  # noqa: E402
from pmo_data.analytics.feedback import loop, themes  # noqa: E402
from pmo_data.analytics.feedback import scores as feedback  # noqa: E402
from pmo_data.demo.generate import generate  # noqa: E402
from pmo_data.ingest import sentiment  # noqa: E402
from pmo_data.store.access import Viewer  # noqa: E402
from pmo_data.store.versions import Store  # noqa: E402

N = 1_000_000
UNIQUE = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
_CACHE: dict = {}


def cached(store, fn, *args):
    key = (fn.__qualname__, store.current_version(), args)
    if key not in _CACHE:
        _CACHE[key] = fn(store, *args)
    return _CACHE[key]


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    rows = []
    t0 = time.perf_counter()
    base = generate(scale=1.0)
    fb = generate(scale=50)["feedback"].head(N)
    # point the big feedback at the reference customers/projects so joins are realistic
    fb["customer_id"] = (
        base["customers"]["customer_id"].sample(len(fb), replace=True, random_state=1).to_numpy()
    )
    fb["project_id"] = (
        base["projects"]["project_id"].sample(len(fb), replace=True, random_state=2).to_numpy()
    )
    fb["nps_scale"] = "0-10"
    t_sent, fb["sentiment"] = timed(lambda: sentiment.score(fb["comment"]))
    store = Store(":memory:")
    store.write_version({**base, "feedback": fb})
    build = time.perf_counter() - t0
    n_distinct = fb["comment"].nunique()
    rows.append(("VADER sentiment on 1M comments", f"{n_distinct:,} distinct", t_sent, None))

    exe, lead = (
        Viewer("executive"),
        Viewer("account_lead", base["customers"]["account_lead"].iloc[0]),
    )
    models = [
        ("feedback.summary", feedback.summary, (exe,)),
        ("feedback.trend (month)", feedback.trend, (exe, feedback.NO_FILTERS, "month")),
        (
            "feedback.breakdown (customer)",
            feedback.breakdown,
            (exe, feedback.NO_FILTERS, "customer"),
        ),
        ("feedback.falling_customers", feedback.falling_customers, (exe,)),
        ("themes.model (fit + assign)", themes.model, ()),
        ("themes.drivers", themes.drivers, (exe,)),
        ("themes.theme_trend", themes.theme_trend, (exe,)),
        ("themes.who_is_unhappy", themes.who_is_unhappy, (exe,)),
        ("themes.explore ('report')", themes.explore, (exe, feedback.NO_FILTERS, "report")),
        ("customers.health", customers.health, (exe,)),
        ("customers.customer_map", customers.customer_map, (exe,)),
        ("loop.unanswered_detractors", loop.unanswered_detractors, (exe,)),
        ("loop.did_it_work (actions)", loop.did_it_work, (exe,)),
        ("feedback.summary (account lead)", feedback.summary, (lead,)),
        ("customers.health (account lead)", customers.health, (lead,)),
    ]
    for name, fn, args in models:
        cold, _ = timed(lambda fn=fn, args=args: cached(store, fn, *args))
        warm, _ = timed(lambda fn=fn, args=args: cached(store, fn, *args))
        rows.append((name, "1M responses", cold, warm))

    # per-unique cost on many distinct comments (synthetic, so every comment differs)
    rng = np.random.default_rng(0)
    words = np.array(
        [
            "invoice",
            "billing",
            "late",
            "report",
            "status",
            "clear",
            "training",
            "course",
            "slow",
            "team",
            "helpful",
            "poor",
            "great",
            "communication",
            "delay",
            "value",
            "cost",
            "support",
            "dashboard",
        ]
    )
    uniq = pd.Series([" ".join(rng.choice(words, 8)) + f" {i}" for i in range(UNIQUE)])
    t_v, _ = timed(lambda: sentiment.score(uniq))
    t_t, _ = timed(lambda: themes.fit_themes(uniq))
    rows.append(
        (f"VADER on {UNIQUE:,} distinct comments", f"{t_v / UNIQUE * 1e6:.0f} µs each", t_v, None)
    )
    rows.append(
        (f"Themes on {UNIQUE:,} distinct comments", f"{t_t / UNIQUE * 1e6:.0f} µs each", t_t, None)
    )

    lines = [
        "# Feedback and Customers benchmark",
        "",
        f"Store: demo reference customers/projects + {N:,} feedback responses "
        f"({n_distinct:,} distinct comments); build {build:.1f} s. Warm = second call through a "
        "dict cache keyed by store version (what `ui.run` does). Target: warm < 1.5 s.",
        "",
        "| step | size | cold (s) | warm (s) |",
        "|---|---|---:|---:|",
    ]
    for name, size, cold, warm in rows:
        lines.append(f"| {name} | {size} | {cold:.2f} | {'' if warm is None else f'{warm:.4f}'} |")
    text = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "results_feedback.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
