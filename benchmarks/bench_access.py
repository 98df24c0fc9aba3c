"""Benchmark what access control adds to every rerun: the sidebar's options from the viewer's
scoped rows, and resolving a request against the access table.

On the demo store at the reference scale (750 projects, 600 customers), for one person of each
group: the three filter drop-downs (portfolio, customer, service) read through `scope.choices`
(scoped), against the same three lists read unscoped (what the sidebar did before: every name
for everyone) in the same run; and `view_request.resolve` for a link with a bad group and a
customer outside the view. Ratios against the unscoped baseline; best of 5.
Run: .venv/bin/python benchmarks/bench_access.py [scale]  -> benchmarks/results_access.md
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pmo_data.demo.generate import load_demo  # noqa: E402
from pmo_data.store import scope  # noqa: E402
from pmo_data.store.access import GROUPS, PERSON_COLUMN, Viewer  # noqa: E402
from pmo_data.store.versions import Store  # noqa: E402
from pmo_data.store.view_request import allowed_locally, resolve  # noqa: E402

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
LISTS = [
    ("projects", "portfolio", None),
    ("customers", "customer_id", "name"),
    ("services", "service_id", "name"),
]
PARAM = {"projects": "portfolio", "customers": "customer", "services": "service"}


def best(fn, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def unscoped(store: Store) -> None:
    for name, column, label in LISTS:
        sql, params = store.entity_sql(name)
        lab = f'"{label}"' if label else f'"{column}"'
        store.rows(
            f'SELECT DISTINCT "{column}", {lab} FROM ({sql}) WHERE "{column}" IS NOT NULL '
            "ORDER BY 2, 1",
            params,
        )


def scoped(store: Store, viewer: Viewer) -> int:
    return sum(len(scope.choices(store, n, c, lab, viewer)) for n, c, lab in LISTS)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        load_demo(store, scale=SCALE)
        base = best(lambda: unscoped(store))
        rows = []
        for group in GROUPS:
            person = scope.people(store, group)[0] if group in PERSON_COLUMN else None
            viewer = Viewer(group, person)
            n = scoped(store, viewer)
            t = best(lambda v=viewer: scoped(store, v))
            rows.append((group, n, t))
        allowed = allowed_locally(lambda g: scope.people(store, g))

        def options(v: Viewer, param: str) -> list[str]:
            name, column, label = next(x for x in LISTS if PARAM[x[0]] == param)
            return [c for c, _ in scope.choices(store, name, column, label, v)]

        request = {"group": "account_lead", "person": "Nobody", "customer": "C-9999"}
        t_resolve = best(lambda: resolve(request, identity="x", allowed=allowed, options=options))
        store.close()
    lines = [
        "## Access benchmark",
        "",
        f"Demo store at scale {SCALE:g}; best of 5; {platform.machine()}, Python "
        f"{platform.python_version()}. Baseline in the same run: the three drop-down lists "
        f"read unscoped (every name for everyone, as before): {base * 1000:.1f} ms.",
        "",
        "| view | options listed | scoped lists (ms) | / unscoped baseline |",
        "|---|---:|---:|---:|",
    ]
    for group, n, t in rows:
        lines.append(f"| {GROUPS[group]} | {n:,} | {t * 1000:.1f} | {t / base:.1f}x |")
    lines += [
        "",
        f"Resolving a link with an unknown person and a customer outside the view (local mode, "
        f"every view open, including reading every person of every group): "
        f"{t_resolve * 1000:.1f} ms ({t_resolve / base:.1f}x the baseline).",
        "",
    ]
    out = "\n".join(lines)
    (ROOT / "benchmarks" / "results_access.md").write_text(out)
    print(out)


if __name__ == "__main__":
    main()
