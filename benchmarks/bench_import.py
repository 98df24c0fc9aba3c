"""Import speed: our importer vs pandas.read_excel(openpyxl) + a DuckDB insert, same run.

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--skip-baseline]

1. Writes a feedback sheet of N rows (xlsxwriter, constant memory) under benchmarks/tmp/.
2. Times each side in its own process so peak memory (ru_maxrss) is that side's alone:
   - baseline: pandas.read_excel(engine="openpyxl") then INSERT into DuckDB;
   - ours: importer.import_files (read with fastexcel, map, coerce, validate, one version).
3. Also imports the demo workbook at reference scale.
Writes benchmarks/results_import.md with times, the ratio and each side's peak memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TMP = ROOT / "benchmarks" / "tmp"
sys.path.insert(0, str(ROOT))

COMMENTS = [
    "Great support from the PMO team, reports were clear and on time",
    "Too much bureaucracy in the templates, slows us down",
    "Communication about delays could be better",
    "",
    "The dashboard helps our steering group decide faster",
]


def write_feedback(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Feedback")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    headers = [
        "Response ID",
        "Date",
        "Customer ID",
        "Project ID",
        "Service ID",
        "Respondent role",
        "CSAT",
        "NPS",
        "Effort score",
        "Comment",
        "Channel",
    ]
    ws.write_row(0, 0, headers)
    start = datetime(2023, 1, 1)
    for i in range(rows):
        r = i + 1
        ws.write_string(r, 0, f"R-{i:07d}")
        ws.write_datetime(r, 1, start + timedelta(days=i % 1000), date_fmt)
        ws.write_string(r, 2, f"C-{i % 600:04d}")
        ws.write_string(r, 3, f"P-{i % 750:04d}")
        ws.write_string(r, 4, f"S-{i % 12:02d}")
        ws.write_string(r, 5, ("Sponsor", "End user", "Project manager")[i % 3])
        ws.write_number(r, 6, 1 + i % 5)
        ws.write_number(r, 7, i % 11)
        ws.write_number(r, 8, 1 + (i * 7) % 5)
        if c := COMMENTS[i % len(COMMENTS)]:
            ws.write_string(r, 9, c)
        ws.write_string(r, 10, ("Survey", "Interview", "Email")[i % 3])
    wb.close()


SIDE = r"""
import json, resource, sys, time, tempfile, os
sys.path.insert(0, {root!r})
side, path = {side!r}, {path!r}
t = time.perf_counter()
if side == "baseline":
    import duckdb, pandas as pd
    sheets = pd.read_excel(path, engine="openpyxl", sheet_name=None)
    con = duckdb.connect(os.path.join(tempfile.mkdtemp(), "b.duckdb"))
    rows = 0
    for i, df in enumerate(sheets.values()):
        con.register("df", df)
        con.execute(f"CREATE TABLE t{{i}} AS SELECT * FROM df")
        rows += con.execute(f"SELECT count(*) FROM t{{i}}").fetchall()[0][0]
else:
    from pmo_data.ingest.importer import import_files
    from pmo_data.store.versions import Store
    store = Store(os.path.join(tempfile.mkdtemp(), "o.duckdb"))
    plan = import_files([path], store, accept_rejected=True)
    rows = sum(store.counts().values())
secs = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(side=side, seconds=secs, rows=rows, peak_mb=peak)))
"""


def measure(side: str, path: Path) -> dict:
    code = SIDE.format(root=str(ROOT), side=side, path=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{side} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    TMP.mkdir(parents=True, exist_ok=True)
    path = TMP / f"feedback_{args.rows}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        write_feedback(path, args.rows)
        print(
            f"wrote {path.name} ({path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - t:.0f} s",
            flush=True,
        )
    ours = measure("ours", path)
    print("ours", ours, flush=True)
    base = None if args.skip_baseline else measure("baseline", path)
    print("baseline", base, flush=True)

    from pmo_data.demo.generate import write_demo_workbook

    demo = write_demo_workbook(TMP / "demo_reference.xlsx")
    demo_ours = measure("ours", demo)
    demo_base = None if args.skip_baseline else measure("baseline", demo)

    lines = [
        "# Import benchmark",
        "",
        f"Run {datetime.now():%Y-%m-%d %H:%M}, "
        f"`.venv/bin/python benchmarks/bench_import.py --rows {args.rows}` on this machine "
        "(2 cores). Each side runs in its own process; peak = ru_maxrss.",
        "",
        "| input | side | seconds | rows | peak MB |",
        "|---|---|---|---|---|",
    ]
    for label, o, b in (
        (f"feedback {args.rows:,} rows", ours, base),
        ("demo workbook (reference scale)", demo_ours, demo_base),
    ):
        for r in (o, b):
            if r:
                lines.append(
                    f"| {label} | {r['side']} | {r['seconds']:.1f} | {r['rows']:,} | "
                    f"{r['peak_mb']:.0f} |"
                )
        if b:
            lines.append(f"| {label} | **speed-up** | **{b['seconds'] / o['seconds']:.1f}x** | | |")
    lines.append("")
    lines.append(
        "Baseline: `pandas.read_excel(engine='openpyxl')` + `CREATE TABLE AS` in DuckDB "
        "(no validation at all). Ours: read (fastexcel), recognise, map, coerce, "
        "validate, report and write one version."
    )
    (ROOT / "benchmarks" / "results_import.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
