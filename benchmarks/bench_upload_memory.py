"""Memory of checking a large upload (the Data page's dry run, `importer.plan`) against the
file's size, and how much another user's page slows while it runs.

    /work/venv/bin/python benchmarks/bench_upload_memory.py [--scales 1 10 100]
        [--xlsx-scales 1 10] [--notes-scales 10] [--compare /work/scratch/old-checkout]
        [--no-fair]

Files (seeded, written under benchmarks/tmp/, never committed): feedback exports at 1x, 10x and
100x the demo's 20,000 feedback rows, every row with a distinct free-text comment, as CSV and
(for --xlsx-scales) as .xlsx written without a <dimension> element (openpyxl write-only).

memory: each file is checked in a fresh "server" process that first holds the file's bytes (as
the uploader hands them over), the way the checkout's Data page checks it (a child process
with `pmo_data.ingest.child_plan`, else the server's thread). Reported over the file's size:
the server's peak RSS (VmHWM) over its RSS before the bytes were read (the bytes themselves
are 1x), the same without the bytes, and the child's peak over a child's start. --compare ROOT
checks the same files with another checkout's `pmo_data` (e.g. main before this change).

fairness: in one process, as in a Streamlit server (every session a thread of one process),
a reader thread runs a page's scoped queries in a loop (a sponsor's portfolio and feedback on
the demo store) while the 10x CSV is checked the way the checkout checks it. Reported: the
reader's median loop time during the check over its median alone (before and after).
Writes benchmarks/results_upload_memory.md; collect.py gathers it into results.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TMP = ROOT / "benchmarks" / "tmp"
OUT = ROOT / "benchmarks" / "results_upload_memory.md"
DEMO_FEEDBACK = 20_000  # feedback rows in the demo at scale 1
WORDS = [
    "support",
    "team",
    "report",
    "delay",
    "clear",
    "helpful",
    "slow",
    "budget",
    "steering",
    "dashboard",
    "template",
    "meeting",
    "sponsor",
    "customer",
    "value",
    "service",
    "quality",
    "faster",
    "cost",
    "risk",
    "plan",
    "review",
    "great",
    "poor",
    "late",
]
HEADERS = [
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
ROLES = ["Sponsor", "End user", "Account manager", "Project lead"]


def feedback_frame(rows: int, seed: int = 16):
    """A feedback export with a distinct comment on every row (seeded)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    i = np.arange(rows)
    words = np.array(WORDS)
    comment = pd.Series(words[rng.integers(0, len(words), rows)])
    for _ in range(3):
        comment = comment + " " + words[rng.integers(0, len(words), rows)]
    comment = comment + " #" + pd.Series(i).astype(str)
    day = pd.Timestamp("2023-01-01") + pd.to_timedelta(i % 700, "D")
    return pd.DataFrame(
        {
            "Response ID": pd.Series(i).map("R-{:07d}".format),
            "Date": pd.Series(day).dt.strftime("%Y-%m-%d"),
            "Customer ID": pd.Series(i % 600).map("C-{:04d}".format),
            "Project ID": pd.Series(i % 750).map("P-{:04d}".format),
            "Service ID": pd.Series(i % 14).map("S-{:02d}".format),
            "Respondent role": np.array(ROLES)[i % 4],
            "CSAT": rng.integers(1, 6, rows),
            "NPS": rng.integers(0, 11, rows),
            "Effort score": rng.integers(1, 6, rows),
            "Comment": comment,
            "Channel": "survey",
        }
    )


def write_csv(path: Path, rows: int) -> None:
    feedback_frame(rows).to_csv(path, index=False)


def write_xlsx(path: Path, rows: int, notes: bool = False) -> None:
    """Written by openpyxl in write-only mode: no <dimension> element, as many exporters;
    `notes`: a second sheet of one line (such a workbook is checked whole, not part by part)."""
    import openpyxl

    df = feedback_frame(rows)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Feedback")
    ws.append(HEADERS)
    for rec in df.itertuples(index=False):
        ws.append([v.item() if hasattr(v, "item") else v for v in rec])
    if notes:
        wb.create_sheet("Notes").append(["Exported from the survey tool"])
    wb.save(path)


def _one_row(suffix: str) -> bytes:
    """A file of the same kind as the one measured, holding one row."""
    if suffix != ".xlsx":
        return b"Response ID,Date,CSAT,Comment\nR-1,2024-01-02,4,warm up\n"
    import io

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Feedback")
    ws.append(["Response ID", "Date", "CSAT", "Comment"])
    ws.append(["R-1", "2024-01-02", 4, "warm up"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


NOTES = "xlsx with a notes sheet"


def sample(scale: int, kind: str) -> Path:
    TMP.mkdir(parents=True, exist_ok=True)
    rows = DEMO_FEEDBACK * scale
    name = f"upload-feedback-{rows}-with-notes.xlsx" if kind == NOTES else f"{rows}.{kind}"
    path = TMP / (name if kind == NOTES else f"upload-feedback-{name}")
    if not path.exists():
        part = path.with_suffix(".part")
        if kind == "csv":
            write_csv(part, rows)
        else:
            write_xlsx(part, rows, notes=kind == NOTES)
        part.rename(path)
    return path


# -- workers (run in their own process: python bench_upload_memory.py --worker ...) -----------
def _status(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def _planner(store_dir: Path):
    """How this checkout's Data page checks an upload: (plan function, store, child?).

    With `pmo_data.ingest.child_plan` (issue 16) the check runs in a child process against a
    store file; before it, `importer.plan` ran in the server's thread."""
    from pmo_data.ingest import importer
    from pmo_data.store.versions import Store

    try:
        from pmo_data.ingest import child_plan
    except ImportError:
        return importer.plan, Store(":memory:"), False
    store = Store(store_dir / "bench.duckdb")

    def plan(files, store_, stats=None):
        return child_plan.plan(files, store_, apart=True, stats=stats)

    return plan, store, True


def worker_plan(path: Path, demo: float | None = None) -> dict:
    import gc
    import tempfile

    from pmo_data.ingest import importer

    tmp = tempfile.TemporaryDirectory()
    plan_fn, store, child = _planner(Path(tmp.name))
    if demo:  # a store holding a small demo: most of the file's ids are unknown to it
        from pmo_data.demo.generate import load_demo

        load_demo(store, scale=demo)
    warm = b"Response ID,Date,CSAT,Comment\nR-1,2024-01-02,4,warm up\n"
    importer.plan([("warm.csv", warm)], store)  # modules and lexicons: paid once per server
    child_base = 0.0
    if child:  # a child's own start (interpreter, modules, lexicons) for a file of one row
        # of the same kind (a workbook's reader modules are part of any workbook's check)
        stats: dict = {}
        plan_fn([(f"warm{path.suffix}", _one_row(path.suffix))], store, stats)
        child_base = stats["child_peak"] / 1024**2
    gc.collect()
    before = _status("VmRSS")
    data = path.read_bytes()  # the uploader holds the file's bytes
    held = _status("VmRSS")
    t = time.perf_counter()
    stats = {}
    plan = (
        plan_fn([(path.name, data)], store, stats) if child else plan_fn([(path.name, data)], store)
    )
    rows = sum(plan.row_counts.values())
    for ps in plan.sheets:  # what the page's review reads: sizes and a few sample values
        for c in ps.sheet.frame.columns:
            ps.sheet.frame[c].head(1000).dropna().head(3).tolist()
    secs = time.perf_counter() - t
    peak = _status("VmHWM")
    child_peak = stats.get("child_peak", 0) / 1024**2
    out = dict(
        before=before,
        held=held,
        peak=peak,
        after=_status("VmRSS"),
        secs=secs,
        rows=rows,
        issues=len(plan.report.issues),
        child_base=child_base,
        child_peak=child_peak,
    )
    store.close()
    tmp.cleanup()
    return out


def worker_fair(path: Path, seconds: float = 20.0) -> dict:
    """A reader thread loops a page's scoped queries; the main thread plans `path`."""
    import tempfile
    import threading

    from pmo_data.analytics.portfolio.projects import projects
    from pmo_data.demo.generate import load_demo
    from pmo_data.store import scope
    from pmo_data.store.access import Viewer
    from pmo_data.store.versions import Store

    tmp = tempfile.TemporaryDirectory()
    store = Store(Path(tmp.name) / "fair.duckdb")
    load_demo(store, scale=1)
    viewer = Viewer("sponsor", scope.people(store, "sponsor")[0])

    def page() -> None:
        projects(store, viewer)
        scope.frame(store, "feedback", viewer)

    for _ in range(3):
        page()  # warm
    times: list[tuple[float, float]] = []  # (start, duration)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            t = time.perf_counter()
            page()
            times.append((t, time.perf_counter() - t))

    reader = threading.Thread(target=loop, daemon=True)
    reader.start()
    time.sleep(seconds)
    plan_fn, plan_store, child = _planner(Path(tmp.name))
    if child:  # the check as the page runs it: in a child process, against the same store
        plan_store.close()
        plan_store = store
    plan_fn([("warm.csv", b"Response ID,Date,CSAT,Comment\nR-1,2024-01-02,4,warm\n")], plan_store)
    time.sleep(2)
    data = path.read_bytes()
    t0 = time.perf_counter()
    plan_fn([(path.name, data)], plan_store)
    t1 = time.perf_counter()
    del data
    time.sleep(seconds)  # and after: the machine's load drifts (other sessions' tests)
    stop.set()
    reader.join()
    store.close()
    tmp.cleanup()
    alone = [d for s, d in times if s + d < t0 or s > t1]
    during = [d for s, d in times if s >= t0 and s + d <= t1]
    return dict(
        alone=statistics.median(alone),
        during=statistics.median(during) if during else None,
        during_max=max(during) if during else None,
        n_alone=len(alone),
        n_during=len(during),
        plan_s=t1 - t0,
        where="child process" if child else "server thread",
    )


def run_worker(kind: str, path: Path, root: Path, demo: float | None = None) -> dict:
    extra = ["--demo", str(demo)] if demo else []
    out = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(path), "--root", str(root), *extra],
        capture_output=True,
        text=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _mb(path: Path) -> float:
    return path.stat().st_size / 1024**2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="*", default=[1, 10, 100])
    ap.add_argument("--xlsx-scales", type=int, nargs="*", default=[1, 10])
    ap.add_argument("--notes-scales", type=int, nargs="*", default=[], help="two-sheet .xlsx")
    ap.add_argument("--compare", type=Path, help="another checkout to measure in the same run")
    ap.add_argument("--compare-scales", type=int, nargs="*", default=[1, 10])
    ap.add_argument("--fair-scale", type=int, default=10)
    ap.add_argument("--no-fair", action="store_true")
    ap.add_argument("--fair-only", action="store_true", help="only the concurrent reader")
    ap.add_argument(
        "--against-demo",
        type=int,
        nargs="*",
        default=[],
        help="CSV scales also checked against a store holding the demo at --demo",
    )
    ap.add_argument("--demo", type=float, help="the demo's scale in that store (0.2)")
    ap.add_argument("--worker", choices=["plan", "fair"])
    ap.add_argument("path", nargs="?", type=Path)
    ap.add_argument("--root", type=Path, default=ROOT)
    args = ap.parse_args()
    if args.worker:
        sys.path.insert(0, str(args.root))
        if args.worker == "plan":
            print(json.dumps(worker_plan(args.path, args.demo)))
        else:
            print(json.dumps(worker_fair(args.path)))
        return
    files = [("csv", s, None) for s in args.scales] + [("xlsx", s, None) for s in args.xlsx_scales]
    files += [(NOTES, s, None) for s in args.notes_scales]
    files += [("csv", s, args.demo or 0.2) for s in args.against_demo]
    if args.fair_only:
        files = []
    lines = [
        "# Upload memory (`bench_upload_memory.py`)",
        "",
        f"`python benchmarks/bench_upload_memory.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
        "",
        "Feedback exports at 1x/10x/100x the demo's 20,000 rows, a distinct comment on every "
        "row; .xlsx written without <dimension>. Each check in a fresh server process holding "
        "the file's bytes (as the uploader does), after a tiny warm-up check (modules and "
        "lexicons load once per server). server: its peak RSS (VmHWM) over its RSS before the "
        "bytes were read; 'plan alone' leaves the bytes out. child (when the checkout has "
        "`pmo_data.ingest.child_plan`, every file is checked there, whatever its size; the page "
        "sends only uploads of 4 MB or more): the child's peak RSS over the peak of a "
        "child that checked a one-row file of the same kind (its interpreter and the modules that kind of file needs). "
        "server + child: both, as if at the same moment (an upper bound). compare: the other "
        "checkout, checked its own way. Machine: 2 cores shared with other "
        "sessions' test runs (times are noisy; the memory is not).",
        "",
        "| file | rows | MB | code | server peak / file (bytes + plan) | server, plan alone / file "
        "| child / file (child's start, MB) | **server + child / file** | time (s) |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    roots = [("this", ROOT)] + ([("compare", args.compare)] if args.compare else [])
    for kind, scale, demo in files:
        path = sample(scale, kind)
        mb = _mb(path)
        for label, root in roots:
            if label == "compare" and scale not in args.compare_scales:
                continue
            r = run_worker("plan", path, root, demo)
            server = (r["peak"] - r["before"]) / mb
            child = max(r["child_peak"] - r["child_base"], 0) / mb
            start = f" ({r['child_base']:,.0f})" if r["child_peak"] else ""
            store = f", against a demo store at {demo:g} ({r['issues']:,} issues)" if demo else ""
            row = (
                f"| {kind} {scale}x{store} | {r['rows']:,} | {mb:,.1f} | {label} "
                f"| {server:.1f}x | {(r['peak'] - r['held']) / mb:.1f}x "
                f"| {child:.1f}x{start} | **{server + child:.1f}x** | {r['secs']:.1f} |"
            )
            lines.append(row)
            print(row, flush=True)
    if not args.no_fair:
        path = sample(args.fair_scale, "csv")
        lines += [
            "",
            f"Another user's page during the check of the {args.fair_scale}x CSV "
            f"({_mb(path):,.0f} MB): a reader thread in the server process (every session is "
            "a thread of it) loops a sponsor's portfolio and feedback queries on the demo store; "
            "the check runs where the checkout runs it (this: a child process against the same "
            "store; compare: the server's thread). Median loop time alone (the 20 s before and "
            "after, same process) against during the check.",
            "",
            "| code | check runs in | reader alone (ms) | during the check: median (max, n) "
            "| slowdown | check (s) |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for label, root in roots:
            f = run_worker("fair", path, root)
            during = f["during"] or float("nan")
            row = (
                f"| {label} | {f.get('where', 'server thread')} | {f['alone'] * 1000:.0f} "
                f"| {during * 1000:.0f} "
                f"({(f['during_max'] or 0) * 1000:.0f}, {f['n_during']}) "
                f"| **{during / f['alone']:.1f}x** | {f['plan_s']:.1f} |"
            )
            lines.append(row)
            print(row, flush=True)
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
