"""Memory of checking a large upload stays bounded (issue 16: it was ~18x the file).

The dry run (`importer.plan`) of a ~20 MB feedback CSV with a distinct comment on every row
runs in a fresh process (so nothing else in the test session counts); its peak RSS above the
RSS with the file's bytes already held must stay under PLAN_BOUND times the file. Measured:
~4-5x with text kept as Arrow strings; keeping a Python str per cell (the old way) took ~17x,
so the bound catches that regression with room for allocator noise. No timers.
benchmarks/bench_upload_memory.py measures the same at 1x-100x and the effect on other users.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PLAN_BOUND = 8.0
ROWS = 240_000

WORKER = r"""
import gc, json, sys
from pmo_data.ingest import importer
from pmo_data.store.versions import Store

def status(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024

store = Store(":memory:")
importer.plan([("warm.csv", b"Response ID,Date,CSAT,Comment\nR-1,2024-01-02,4,warm\n")], store)
gc.collect()
data = open(sys.argv[1], "rb").read()  # as the uploader holds it
held = status("VmRSS")
plan = importer.plan([("feedback.csv", data)], store)
print(json.dumps(dict(
    size=len(data), held=held, peak=status("VmHWM"), rows=sum(plan.row_counts.values()),
    errors=int(plan.report.counts["error"]),
)))
"""


def write_feedback(path: Path, rows: int) -> None:
    """A feedback export with a distinct comment on every row (seeded)."""
    rng = np.random.default_rng(16)
    i = np.arange(rows)
    words = np.array(
        [
            "support",
            "team",
            "report",
            "delay",
            "clear",
            "helpful",
            "slow",
            "budget",
            "steering",
            "value",
        ]
    )
    comment = pd.Series(words[rng.integers(0, len(words), rows)])
    for _ in range(4):
        comment = comment + " " + words[rng.integers(0, len(words), rows)]
    day = pd.Series(pd.Timestamp("2023-01-01") + pd.to_timedelta(i % 700, "D"))
    frame = pd.DataFrame(
        {
            "Response ID": pd.Series(i).map("R-{:07d}".format),
            "Date": day.dt.strftime("%Y-%m-%d"),
            "Customer ID": pd.Series(i % 600).map("C-{:04d}".format),
            "Project ID": pd.Series(i % 750).map("P-{:04d}".format),
            "CSAT": rng.integers(1, 6, rows),
            "NPS": rng.integers(0, 11, rows),
            "Comment": comment + " #" + pd.Series(i).astype(str),
            "Channel": "survey",
        }
    )
    frame.to_csv(path, index=False)


def test_checking_a_large_csv_peaks_under_a_few_times_the_file(tmp_path):
    path = tmp_path / "feedback.csv"
    write_feedback(path, ROWS)
    out = subprocess.run(
        [sys.executable, "-c", WORKER, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["rows"] == ROWS and r["errors"] == 0
    assert r["size"] > 18 * 1024**2  # a realistic size, not a toy
    ratio = (r["peak"] - r["held"]) / r["size"]
    assert ratio < PLAN_BOUND, f"planning peaked at {ratio:.1f}x the file (bound {PLAN_BOUND}x)"
