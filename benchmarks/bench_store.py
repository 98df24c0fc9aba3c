"""What the shared store costs a page: the per-run check, catching up after an import, opening.

    .venv/bin/python benchmarks/bench_store.py [--scale 1] [--repeat 200]

Every page run calls `Store.refresh()` once (is there a new version?) and then runs its queries
on the process's in-memory copy. Measured on the demo store at the given scale, on a DuckDB
file and on PostgreSQL (a throwaway cluster, skipped when PostgreSQL is not installed):

- refresh, nothing changed: the price every page run pays;
- refresh after an import: copying the new version into the copy (once per import per server);
- open: a new app server's first copy (current and previous versions);
- a typical query (the Overview's project count by RAG) on the copy.

Baselines in the same run: the same query through a short-lived read-only DuckDB connection
(open the file, query, close: the other way not to hold the file), and the warm script-run time
of the Overview page (AppTest), so the per-run check reads as a share of a page.
Results: benchmarks/results_store.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from pmo_data.demo.generate import generate, load_demo  # noqa: E402
from pmo_data.store.versions import Store  # noqa: E402

QUERY = "SELECT rag, count(*) FROM ({sql}) GROUP BY rag"


def timed(fn, repeat: int) -> float:
    """Median seconds of `repeat` calls."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def measure(location: str, label: str, scale: float, repeat: int) -> list[tuple]:
    s = Store(location)
    load_demo(s, scale=scale)
    s.close()
    t = time.perf_counter()
    server = Store(location)
    server.refresh()
    opened = time.perf_counter() - t
    rows = [(label, "open: a new server's first copy", opened, "once per server")]
    rows.append(
        (
            label,
            "refresh, nothing changed",
            timed(server.refresh, repeat),
            "every page run",
        )
    )
    sql, params = server.entity_sql("projects")
    rows.append(
        (
            label,
            "query on the copy (projects by RAG)",
            timed(lambda: server.rows(QUERY.format(sql=sql), params), repeat),
            "each query",
        )
    )
    writer = Store(location)
    frames = generate(scale, seed=11)
    catchups = []
    for i in range(3):
        writer.write_version({"projects": frames["projects"], "feedback": frames["feedback"]})
        t = time.perf_counter()
        server.refresh()
        catchups.append(time.perf_counter() - t)
        assert server.current_version() == 3 + i
    rows.append(
        (
            label,
            "refresh after an import (projects + feedback)",
            statistics.median(catchups),
            "once per import per server",
        )
    )
    writer.close()
    server.close()
    return rows


def short_lived_baseline(path: str, repeat: int) -> float:
    s = Store(path)
    sql, params = s.entity_sql("projects")
    s.close()

    def once():
        con = duckdb.connect(path, read_only=True)
        try:
            con.execute(QUERY.format(sql=sql), params).fetchall()
        finally:
            con.close()

    return timed(once, max(repeat // 10, 5))


def overview_page(path: str) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["PMO_DB"] = path
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    at.run()
    times = []
    for _ in range(5):
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    path = str(tmp / "pmo.duckdb")
    rows = measure(path, "DuckDB file", args.scale, args.repeat)
    short = short_lived_baseline(path, args.repeat)
    page = overview_page(path)
    sys.path.insert(0, str(ROOT / "tests"))
    from tests.pg_cluster import Cluster, pg_bin

    if pg_bin() is not None:
        with Cluster() as cluster:
            rows += measure(cluster.create_database(), "PostgreSQL", args.scale, args.repeat)
    table = pd.DataFrame(rows, columns=["store", "step", "seconds", "paid"])
    lines = [
        "## Store cost per page (bench_store.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')}, `python benchmarks/bench_store.py "
        f"--scale {args.scale:g} --repeat {args.repeat}` on {os.cpu_count()} cores (load "
        f"average {os.getloadavg()[0]:.1f} at the end: other work shares the machine). "
        f"Demo store at scale {args.scale:g}; medians of {args.repeat} calls (imports: of 3). "
        f"Baselines in the same run: warm Overview page run (AppTest) **{page * 1000:.0f} ms**; "
        f"the same query through a short-lived read-only DuckDB connection (open, query, close) "
        f"**{short * 1000:.1f} ms**.",
        "",
        "| store | step | ms | share of a warm page run | paid |",
        "|---|---|---:|---:|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.store} | {r.step} | {r.seconds * 1000:.2f} | {r.seconds / page:.1%} | {r.paid} |"
        )
    q = table[table["step"].str.startswith("query")]["seconds"].iloc[0]
    lines += [
        "",
        f"A query on the copy costs {q * 1000:.2f} ms against {short * 1000:.1f} ms through a "
        f"short-lived connection ({short / q:.0f}x): opening the file per query would cost "
        "more than the page itself, which is why reads use the in-memory copy.",
    ]
    out = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "results_store.md").write_text(out)
    print(out)


if __name__ == "__main__":
    main()
