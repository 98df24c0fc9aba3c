"""What saying the effect before an import costs, as ratios against a same-run baseline.

    .venv/bin/python benchmarks/bench_effect.py [--scales 1 10] [--repeat 3]

For each scale of the demo (1 = the reference workload: 750 projects, 20,000 feedback rows):
1. a store holding the demo; the incoming tables are this month's export with 5 projects
   changed and 5 new, and 2% more feedback responses;
2. baseline: `Store.write_version` of the incoming tables (what an import wrote before modes);
3. ours: `effect.compute` for each entity in replace, merge and append (the comparison with
   the stored rows and the next snapshot), then the same write.
Also the whole dry run (`importer.plan`) of the demo workbook into a demo store against the
same plan into an empty store (nothing to compare): the overhead an analyst waits for.
Writes benchmarks/results_effect.md: median seconds of each side and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from pmo_data.demo.generate import DEMO_WORKBOOK, load_demo, write_demo_workbook  # noqa: E402
from pmo_data.ingest import effect, importer  # noqa: E402
from pmo_data.store.versions import Store  # noqa: E402

OUT = ROOT / "benchmarks" / "results_effect.md"


def _incoming(store: Store) -> dict[str, pd.DataFrame]:
    projects = store.frame("projects")
    projects.loc[projects.index[:5], "rag"] = "Red"
    new = projects.head(5).assign(project_id=[f"NEW-{i}" for i in range(5)])
    feedback = store.frame("feedback")
    extra = feedback.sample(frac=0.02, random_state=1).copy()
    extra["response_id"] = [f"W-{i}" for i in range(len(extra))]
    return {
        "projects": pd.concat([projects, new], ignore_index=True),
        "feedback": pd.concat([feedback, extra], ignore_index=True),
    }


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_scale(scale: float, repeat: int) -> list[tuple]:
    store = Store(":memory:")
    load_demo(store, scale=scale)
    incoming = _incoming(store)
    current = {k: store.frame(k) for k in incoming}
    n = len(current["feedback"])
    rows = []

    def baseline():
        store.write_version(incoming)

    base = _median(baseline, repeat)
    rows.append((scale, n, "write the tables (baseline)", base, 1.0))
    for mode in effect.MODES:

        def ours(mode=mode):
            tables = {k: effect.compute(k, mode, current[k], v).table for k, v in incoming.items()}
            store.write_version(tables)

        t = _median(ours, repeat)
        rows.append((scale, n, f"effect ({mode}) + write", t, t / base))
    store.close()
    return rows


def bench_plan(repeat: int) -> list[tuple]:
    if not DEMO_WORKBOOK.exists():
        write_demo_workbook()
    files = [(DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes())]
    empty = Store(":memory:")
    full = Store(":memory:")
    load_demo(full)
    n = full.counts()["feedback"]
    base = _median(lambda: importer.plan(files, empty), repeat)
    ours = _median(lambda: importer.plan(files, full), repeat)
    return [
        (1, n, "dry run of the demo workbook, empty store (baseline)", base, 1.0),
        (
            1,
            n,
            "dry run of the demo workbook, demo store (effect of 6 entities)",
            ours,
            ours / base,
        ),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for s in args.scales:
        rows += bench_scale(s, args.repeat)
    rows += bench_plan(args.repeat)
    lines = [
        "# Effect benchmark",
        "",
        f"Run {datetime.now():%Y-%m-%d %H:%M}, `.venv/bin/python benchmarks/bench_effect.py "
        f"--scales {' '.join(f'{s:g}' for s in args.scales)} --repeat {args.repeat}`; median of "
        "the repeats, ratio against the baseline of the same scale in the same run.",
        "",
        "| scale | feedback rows | what | seconds | ratio |",
        "|---|---|---|---|---|",
    ]
    for scale, n, what, secs, ratio in rows:
        lines.append(f"| {scale:g} | {n:,} | {what} | {secs:.3f} | {ratio:.2f}x |")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
