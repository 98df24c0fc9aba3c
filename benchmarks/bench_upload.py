"""Memory and fairness of a large upload: peak memory against the file's size, and how much a
second user's page slows while it is checked.

    /work/venv/bin/python benchmarks/bench_upload.py [--rows 1700000] [--server]

1. Writes a feedback CSV of N rows (1.7M rows is about 195 MB, the size issue 16 measured)
   under benchmarks/tmp/.
2. plan: in its own process, the Data page's dry run (`importer.plan`) on the file's bytes, as
   the uploader hands them over; peak RSS (ru_maxrss) minus the RSS before the file was read,
   over the file's size. Baseline in the same run: the same process just holding the bytes.
3. --server: a real `streamlit run` on a demo store, driven by Chromium. User B opens the
   Overview repeatedly (time until the page has settled) while user A uploads the file on the
   Data page; the server's RSS is sampled every 0.2 s. Reports B's median page time during the
   check against B's median before it (same run), and the server's peak RSS over its idle RSS.
Writes benchmarks/results_upload.md (collected into results.md by collect.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TMP = ROOT / "benchmarks" / "tmp"
OUT = ROOT / "benchmarks" / "results_upload.md"
sys.path.insert(0, str(ROOT))

COMMENTS = [
    "Great support from the PMO team, reports were clear and on time",
    "Too much bureaucracy in the templates, slows us down",
    "Communication about delays could be better",
    "",
    "The dashboard helps our steering group decide faster",
]
ROLES = ["Sponsor", "End user", "Account manager", "Project lead"]


def write_csv(path: Path, rows: int) -> None:
    """A feedback export as a PMO tool writes it (headers in its own words)."""
    head = "Response ID,Date,Customer ID,Project ID,Service ID,Respondent role,CSAT,NPS,Effort score,Comment,Channel\n"  # noqa: E501
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(head)
        lines = []
        for i in range(rows):
            lines.append(
                f"R-{i:07d},2024-{1 + i % 12:02d}-{1 + i % 28:02d},C-{i % 600:04d},"
                f"P-{i % 750:04d},S-{i % 24:02d},{ROLES[i % 4]},{1 + i % 5},{i % 11},"
                f'{1 + i % 5},"{COMMENTS[i % 5]}",survey\n'
            )
            if len(lines) == 50_000:
                fh.writelines(lines)
                lines = []
        fh.writelines(lines)


PLAN = """
import json, os, resource, sys, time
def rss():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
from pmo_data.ingest import importer
from pmo_data.store.versions import Store
store = Store(":memory:")
path = sys.argv[1]
mode = sys.argv[2]
before = rss()
data = open(path, "rb").read()  # the uploader holds the file's bytes
t = time.perf_counter()
if mode == "plan":
    plan = importer.plan([(os.path.basename(path), data)], store)
    rows = sum(plan.row_counts.values())
else:
    rows = 0
secs = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(before=before, peak=peak, secs=secs, rows=rows)))
"""


def measure_plan(path: Path, mode: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PLAN, str(path), mode],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rss_mb(pid: int) -> float:
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def measure_server(path: Path) -> dict:
    """User A uploads `path` on the Data page while user B reloads the Overview."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, FLAGS, serve
    from tests.e2e.test_hostile_browser import settle

    db = TMP / "upload-bench.duckdb"
    for f in TMP.glob("upload-bench.duckdb*"):
        f.unlink()
    samples: list[float] = []
    with serve(str(db)) as url, sync_playwright() as p:
        pid = _server_pid(url)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        b_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

        def overview_time() -> float:
            t = time.perf_counter()
            b_page.goto(f"{url}/?group=executive")
            settle(b_page)
            return time.perf_counter() - t - 2.0  # settle() waits 2 s of quiet at the end

        overview_time()  # warm the cache
        idle = [overview_time() for _ in range(5)]
        idle_rss = _rss_mb(pid)
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                samples.append(_rss_mb(pid))
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        a_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        a_page.goto(f"{url}/data?group=pmo_analyst")
        settle(a_page)
        t0 = time.perf_counter()
        a_page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
        busy = []
        done = threading.Event()

        def wait_checked() -> None:
            a_page.get_by_text("Mapping review").wait_for(timeout=1_800_000)
            done.set()

        # Playwright's sync API is single-threaded: alternate between B's loads and A's state
        while not done.is_set():
            busy.append(overview_time())
            if a_page.get_by_text("Mapping review").count():
                done.set()
        checked = time.perf_counter() - t0
        stop.set()
        sampler.join()
        browser.close()
    return dict(
        idle_s=statistics.median(idle),
        busy_s=statistics.median(busy) if busy else None,
        busy_max_s=max(busy) if busy else None,
        busy_n=len(busy),
        idle_rss=idle_rss,
        peak_rss=max(samples) if samples else None,
        check_s=checked,
    )


def _server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True)
    return int(out.stdout.split("pid=")[1].split(",")[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_700_000)
    ap.add_argument("--server", action="store_true", help="also measure a real server")
    args = ap.parse_args()
    TMP.mkdir(parents=True, exist_ok=True)
    path = TMP / f"feedback-{args.rows}.csv"
    if not path.exists():
        write_csv(path, args.rows)
    mb = path.stat().st_size / 1024**2
    held = measure_plan(path, "hold")
    planned = measure_plan(path, "plan")
    ratio = (planned["peak"] - planned["before"]) / mb
    lines = [
        "# Upload memory and fairness (`bench_upload.py`)",
        "",
        f"File: {args.rows:,}-row feedback CSV, {mb:,.0f} MB. Machine: 2 shared cores.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| bytes held (baseline): peak over start | {held['peak'] - held['before']:,.0f} MB "
        f"({(held['peak'] - held['before']) / mb:.1f}x the file) |",
        f"| dry run (`importer.plan`): peak over start | {planned['peak'] - planned['before']:,.0f}"
        f" MB (**{ratio:.1f}x the file**; aim < 3x) |",
        f"| dry run time | {planned['secs']:.1f} s for {planned['rows']:,} rows |",
    ]
    if args.server:
        s = measure_server(path)
        lines += [
            f"| server: check of the upload (Data page) | {s['check_s']:.1f} s |",
            f"| server RSS: idle → peak during the check | {s['idle_rss']:,.0f} → "
            f"{s['peak_rss']:,.0f} MB ({(s['peak_rss'] - s['idle_rss']) / mb:.1f}x the file) |",
            f"| other user's Overview: idle median | {s['idle_s']:.2f} s |",
            f"| other user's Overview during the check: median (max, n) | "
            f"{s['busy_s']:.2f} s ({s['busy_max_s']:.2f} s, {s['busy_n']}); "
            f"**{s['busy_s'] / s['idle_s']:.1f}x** idle (aim ≤ 2x) |",
        ]
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
