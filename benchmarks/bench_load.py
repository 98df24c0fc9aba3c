"""Load: N concurrent Chromium sessions clicking through pages while a scheduled import runs.

    .venv/bin/python benchmarks/bench_load.py [--sessions 1 5 10 20] [--seconds 60]
        [--configs file pg1 pg2] [--scale 1]

Configurations (each on the demo store at `--scale`):
- `file`: one app server on the embedded DuckDB file;
- `pg1`:  one app server on a PostgreSQL team store (a throwaway cluster; the file store is
          copied into it with `python -m pmo_data migrate`, so that is exercised too);
- `pg2`:  two app servers on the same PostgreSQL store, sessions split between them (what
          sticky sessions behind a proxy do).

For each configuration and N, N browser sessions (one headless Chromium, a context each) click
through five pages in turn (Overview, Portfolio, Customers, Feedback, Services) for `--seconds`;
a third of the way in, `python -m pmo_data import` loads this month's services catalogue
(every service's demand changed) into the same store as a new version, as a scheduled job
would. Page time = from the click to the page having run (Streamlit idle, no stale elements,
the page's title shown). Errors = exceptions or store
errors shown on a page, or a page that did not finish within 90 s. A session "sees the new
version" when its sidebar shows the version the import wrote. The baseline in the same run is
N = 1 on the same configuration (the ratio column), and throughput of `pg2` is compared with
`pg1`. Results: benchmarks/results_load.md.

Chromium: Debian's /usr/bin/chromium through Playwright (never `playwright install`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PAGES = [
    ("overview", "Overview"),
    ("portfolio", "Portfolio"),
    ("customers", "Customers"),
    ("feedback", "Feedback"),
    ("services", "Services"),
]
PAGE_TIMEOUT_MS = 90_000
# the app's page menu (st.page_link in a keyed container)
LINKS = ".st-key-page_menu a"
DONE_JS = """(title) => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const h = document.querySelector('h1');
    return !!h && h.innerText.includes(title);
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `streamlit run dashboard.py` on a free port against a store."""

    def __init__(self, location: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PMO_DB=location, PMO_NO_DEMO="1")
        self.log = open(log, "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard.py",
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, timeout: float = 120) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=2)
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited; see {self.log.name}") from None
                time.sleep(0.5)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@dataclass
class Session:
    server: str
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    versions: set[int] = field(default_factory=set)


def url_path(name: str) -> str:
    """The page's URL path: the default page (Overview) is at "/"; "/overview" would open
    Streamlit's "page not found" dialog, which makes the page behind it inert."""
    return "" if name == "overview" else name


def sidebar_version(text: str) -> int | None:
    m = re.search(r"Store version\s+(\d+)", text)
    return int(m.group(1)) if m else None


async def click_through(browser, s: Session, clock: dict, offset: int) -> None:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await ctx.new_page()
    try:
        start = time.perf_counter()
        await page.goto(
            f"{s.server}/{url_path(PAGES[offset % len(PAGES)][0])}", timeout=PAGE_TIMEOUT_MS
        )
        await page.wait_for_function(
            DONE_JS, arg=PAGES[offset % len(PAGES)][1], timeout=PAGE_TIMEOUT_MS
        )
        s.times.append(time.perf_counter() - start)
        i = offset + 1
        while time.time() < clock["deadline"] or not clock["import_done"]:
            name, title = PAGES[i % len(PAGES)]
            i += 1
            start = time.perf_counter()
            try:
                link = page.locator(f'{LINKS}[href="{url_path(name)}"]')  # relative hrefs
                await link.first.click(timeout=PAGE_TIMEOUT_MS)
                await page.wait_for_function(DONE_JS, arg=title, timeout=PAGE_TIMEOUT_MS)
            except Exception as exc:  # a page that never finished counts as an error
                s.errors.append(f"{name}: {type(exc).__name__}")
                await page.goto(f"{s.server}/{url_path(name)}", timeout=PAGE_TIMEOUT_MS)
                continue
            s.times.append(time.perf_counter() - start)
            problems = await page.locator('[data-testid="stException"]').count()
            if problems:
                s.errors.append(f"{name}: exception shown")
            alerts = " ".join(await page.locator('[data-testid="stAlert"]').all_inner_texts())
            if re.search(r"busy|cannot|lost the team store|refused", alerts):
                s.errors.append(f"{name}: store message: {alerts[:120]}")
            sidebar = await page.get_by_test_id("stSidebar").inner_text()
            v = sidebar_version(sidebar)
            if v is not None:
                s.versions.add(v)
    finally:
        await ctx.close()


def _next_month(catalogue: Path) -> None:
    """One more demand hour per service, so each round's import changes every row (an import
    of identical rows is refused as changing nothing)."""
    import pandas as pd

    frame = pd.read_csv(catalogue)
    frame.assign(demand_hours=frame["demand_hours"] + 1).to_csv(catalogue, index=False)


def run_import(location: str, workbook: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pmo_data", "import", str(workbook), "--db", location],
        cwd=ROOT,
        stdout=open(log, "w"),  # noqa: SIM115 (closed with the process)
        stderr=subprocess.STDOUT,
    )


async def one_round(urls: list[str], n: int, seconds: float, location, workbook, tmp) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        sessions = [Session(urls[i % len(urls)]) for i in range(n)]
        t0 = time.time()
        # Sessions click until the deadline and, whatever the deadline, until 10 s after the
        # import finished, so each has runs after it.
        clock = {"deadline": t0 + seconds, "import_done": False}
        tasks = [
            asyncio.create_task(click_through(browser, s, clock, i)) for i, s in enumerate(sessions)
        ]
        await asyncio.sleep(seconds / 3)
        imp_start = time.time()
        _next_month(workbook)
        imp = run_import(location, workbook, tmp / f"import-{n}.log")
        while imp.poll() is None:
            await asyncio.sleep(0.2)
        imp_seconds = time.time() - imp_start
        clock["deadline"] = max(clock["deadline"], time.time() + 10)
        clock["import_done"] = True
        await asyncio.gather(*tasks, return_exceptions=True)
        elapsed = time.time() - t0
        await browser.close()
    imported = (tmp / f"import-{n}.log").read_text()
    m = re.search(r"imported as version (\d+)", imported)
    new_version = int(m.group(1)) if m else None
    times = sorted(t for s in sessions for t in s.times)
    return {
        "n": n,
        "runs": len(times),
        "throughput": len(times) / elapsed,
        "median": statistics.median(times) if times else float("nan"),
        "p95": times[min(len(times) - 1, int(0.95 * len(times)))] if times else float("nan"),
        "max": times[-1] if times else float("nan"),
        "errors": sum(len(s.errors) for s in sessions),
        "error_samples": sorted({e for s in sessions for e in s.errors})[:3],
        "saw_new": sum(1 for s in sessions if new_version in s.versions),
        "import_ok": imp.returncode == 0 and new_version is not None,
        "import_seconds": imp_seconds,
        "import_message": imported.strip().splitlines()[-1] if imported.strip() else "",
        "new_version": new_version,
    }


async def warm(urls: list[str]) -> None:
    """Visit each page once per server so the first measured clicks are not cold starts."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for url in urls:
            page = await browser.new_page()
            for name, title in PAGES:
                await page.goto(f"{url}/{url_path(name)}", timeout=180_000)
                await page.wait_for_function(DONE_JS, arg=title, timeout=180_000)
            await page.close()
        await browser.close()


def prepare(scale: float, tmp: Path) -> tuple[str, Path]:
    from pmo_data.demo.generate import load_demo
    from pmo_data.store.versions import Store

    path = tmp / "pmo.duckdb"
    s = Store(path)
    load_demo(s, scale=scale)
    s.close()
    # The nightly job's file: this month's services catalogue, one more demand hour per
    # service, so the import changes every row (identical rows are refused as no change).
    s = Store(path)
    try:
        frame = s.frame("services")
    finally:
        s.close()
    frame = frame[[c for c in frame.columns if not c.startswith("_") and c != "extra"]]
    workbook = tmp / "services.csv"
    frame.assign(demand_hours=frame["demand_hours"] + 1).to_csv(workbook, index=False)
    return str(path), workbook


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--configs", nargs="+", default=["file", "pg1", "pg2"])
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit("Debian chromium is needed at /usr/bin/chromium (apt-get install chromium)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    file_store, workbook = prepare(args.scale, tmp)
    print(f"store and workbook ready in {tmp}", flush=True)
    cluster = None
    results: dict[str, list[dict]] = {}
    try:
        if any(c.startswith("pg") for c in args.configs):
            from tests.pg_cluster import Cluster

            cluster = Cluster().start()
        for config in args.configs:
            if config == "file":
                location, n_servers = file_store, 1
            else:
                location = cluster.create_database()
                subprocess.run(
                    [sys.executable, "-m", "pmo_data", "migrate", "--from", file_store, "--to",
                     location],
                    cwd=ROOT, check=True, capture_output=True,
                )  # fmt: skip
                n_servers = 2 if config == "pg2" else 1
            servers = [Server(location, tmp / f"{config}-{i}.log") for i in range(n_servers)]
            try:
                for s in servers:
                    s.wait()
                urls = [s.url for s in servers]
                asyncio.run(warm(urls))
                results[config] = []
                for n in args.sessions:
                    r = asyncio.run(one_round(urls, n, args.seconds, location, workbook, tmp))
                    print(config, r, flush=True)
                    results[config].append(r)
            finally:
                for s in servers:
                    s.stop()
    finally:
        if cluster is not None:
            cluster.stop()
    write_results(results, args)


LABEL = {
    "file": "1 server, DuckDB file",
    "pg1": "1 server, PostgreSQL",
    "pg2": "2 servers, PostgreSQL",
}


def write_results(results: dict[str, list[dict]], args) -> None:
    lines = [
        "## Load: concurrent Chromium sessions while an import runs (bench_load.py)",
        "",
        f"Demo store at scale {args.scale:g}; each round {args.seconds:g} s of N sessions clicking "
        "Overview → Portfolio → Customers → Feedback → Services; a `python -m pmo_data import` "
        "of this month's services catalogue (every row changed) starts a third of the way in. "
        "Machine: "
        f"{os.cpu_count()} cores shared with the browsers (and, when measured, other work). "
        "Ratio = median page time against N = 1 on the same configuration (same run).",
        "",
        "| configuration | N | page runs | runs/s | median s | p95 s | max s | ratio | errors "
        "| saw new version | import |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for config, rows in results.items():
        base = rows[0]["median"] if rows else float("nan")
        for r in rows:
            imp = f"{'ok' if r['import_ok'] else 'FAILED'} ({r['import_seconds']:.0f} s)"
            lines.append(
                f"| {LABEL.get(config, config)} | {r['n']} | {r['runs']} | {r['throughput']:.2f} "
                f"| {r['median']:.2f} | {r['p95']:.2f} | {r['max']:.2f} | {r['median'] / base:.1f} "
                f"| {r['errors']} | {r['saw_new']}/{r['n']} | {imp} |"
            )
    if "pg1" in results and "pg2" in results:
        lines += ["", "Throughput, two servers against one (PostgreSQL, same N):", ""]
        for a, b in zip(results["pg1"], results["pg2"], strict=False):
            lines.append(
                f"- N = {a['n']}: {b['throughput']:.2f} against {a['throughput']:.2f} runs/s "
                f"({b['throughput'] / a['throughput']:.2f}x)"
            )
    samples = {e for rows in results.values() for r in rows for e in r["error_samples"]}
    if samples:
        lines += ["", "Error samples: " + "; ".join(sorted(samples))]
    failed = [r["import_message"] for rows in results.values() for r in rows if not r["import_ok"]]
    if failed:
        lines += ["", "Import failures: " + "; ".join(failed)]
    out = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "results_load.md").write_text(out)
    print(out)


if __name__ == "__main__":
    main()
