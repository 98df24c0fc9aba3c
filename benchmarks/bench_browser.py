"""What a person waits for: every sidebar page of the running app, timed in Chromium.

    /work/venv/bin/python benchmarks/bench_browser.py [--scales 1 10 100] [--rounds 3]
                                                      [--tag before] [--rebuild]

For each scale it serves the app (`streamlit run dashboard.py`, PMO_DB = a copy of a demo
store) and, in the same run, a trivial Streamlit app with the same nine pages (the floor). Both
are driven by Debian's Chromium through Playwright. A switch is a click on a sidebar link, as a
person does; it ends when the app's script state (`[data-testid="stApp"]`,
`data-test-script-state`) has been "running" and no longer is, no element is stale, and the
browser has painted twice (so work queued on the main thread, such as drawing charts, is in).

Reported per page: the median of `--rounds` warm rounds (app and floor clicked alternately, so
machine noise hits both), its ratio to the floor's median for the same link, the bytes the
browser received over the websocket (Playwright's `framereceived`), the longest main-thread
block (Long Tasks API: how long the page was frozen), the first visit of the page in a fresh
server (cold cache) and the first visit after an import (a new store version: every cached
result is stale). Cold start: a new server on a new store until the first page is drawn, with
the demo generation measured separately (demo stores are cached in benchmarks/tmp/browser/ by
scale and seed; `--rebuild` regenerates them and re-measures generation).

Results: benchmarks/results_browser.md (or results_browser_<tag>.md with `--tag`), then
`benchmarks/collect.py` gathers them into results.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # pmo_data, when run as a script from anywhere
TMP = ROOT / "benchmarks" / "tmp" / "browser"
PY = sys.executable
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
VIEWPORT = {"width": 1440, "height": 900}
SEED = 7
SWITCH_TIMEOUT_S = 120  # a page not drawn within this counts as frozen (--timeout)
LOAD_TIMEOUT_S = 900  # the first page of a new server may also open the store and fill caches
AIMS = {1: 2.5, 10: 4.0, 100: 10.0}  # page median / floor median, per scale (issue 13)
MAX_BYTES = 1_000_000  # "no page ships more than about 1 MB"

# Runs in every page before Streamlit: the longest main-thread task since the last reset.
INIT_JS = """
window.__bench = {longest: 0};
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__bench.longest = Math.max(window.__bench.longest, e.duration);
    }
  }).observe({type: 'longtask', buffered: false});
} catch (e) {}
"""
RESET_JS = "() => { window.__bench.longest = 0; }"
# Once the server has sent "script finished": the page has applied it.
DRAWN_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app && app.getAttribute('data-test-script-state');
  return !!state && state !== 'running' && state !== 'initial'
    && !document.querySelector('[data-stale="true"]');
}"""
PAINTED_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
# the app's page menu (st.page_link in a keyed container) or, in the floor app, Streamlit's own
LINKS = '.st-key-page_menu a, [data-testid="stSidebarNav"] a'
RUN_DONE = (
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR,
)


# -- stores ---------------------------------------------------------------------------------
def cached_store(scale: float, rebuild: bool) -> tuple[Path, dict]:
    """The demo store at `scale` (built once with the CLI, as a user would, then reused)."""
    TMP.mkdir(parents=True, exist_ok=True)
    path = TMP / f"store_x{scale:g}_seed{SEED}.duckdb"
    meta_path = path.with_suffix(".json")
    if rebuild or not path.exists() or not meta_path.exists():
        for p in (path, meta_path, Path(f"{path}.wal")):
            p.unlink(missing_ok=True)
        work = TMP / f"building_x{scale:g}.duckdb"
        work.unlink(missing_ok=True)
        print(f"scale {scale:g}: generating the demo store ...", flush=True)
        t = time.perf_counter()
        subprocess.run(
            [PY, "-m", "pmo_data", "demo", "--scale", f"{scale:g}", "--db", str(work)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - t
        work.rename(path)
        meta = {
            "scale": scale,
            "seed": SEED,
            "seconds": round(seconds, 1),
            "built": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "commit": _commit(),
        }
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
        print(f"scale {scale:g}: generated in {seconds:.1f} s", flush=True)
    return path, json.loads(meta_path.read_text(encoding="utf-8"))


def store_counts(path: Path) -> dict[str, int]:
    from pmo_data.store.versions import Store

    s = Store(str(path))
    try:
        counts = s.counts()
        return {t: counts[t] for t in ("projects", "customers", "feedback")}
    finally:
        s.close()


def export_services(path: Path, out: Path) -> Path:
    """This month's services catalogue as a CSV: what the after-import visit imports."""
    from pmo_data.store.versions import Store

    s = Store(str(path))
    try:
        frame = s.frame("services")
    finally:
        s.close()
    frame = frame[[c for c in frame.columns if not c.startswith("_") and c != "extra"]]
    # this month's demand: one more hour per service, so the import changes every row (an
    # import of identical rows is refused as changing nothing)
    frame.assign(demand_hours=frame["demand_hours"] + 1).to_csv(out, index=False)
    return out


# -- servers --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


@dataclass
class Server:
    script: str
    cwd: Path
    env: dict
    port: int = 0
    proc: subprocess.Popen | None = None
    started: float = 0.0
    log: Path | None = None

    def start(self) -> Server:
        self.port = _free_port()
        self.log = TMP / f"server_{self.port}.log"
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                PY,
                "-m",
                "streamlit",
                "run",
                self.script,
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=self.cwd,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2)
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.log.read_text(errors="replace")) from None
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.script} did not start within 120 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def app_server(store: Path) -> Server:
    env = dict(os.environ, PMO_DB=str(store))
    env.pop("PMO_NO_DEMO", None)
    return Server("dashboard.py", ROOT, env)


def write_floor(links: list[tuple[str, str]]) -> Path:
    """The floor: a trivial app with the same pages (same titles and URLs), nothing on them."""
    folder = TMP / "floor"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "views").mkdir(parents=True)
    pages = []
    for i, (path, title) in enumerate(links):
        name = path or f"page{i}"
        (folder / "views" / f"{name}.py").write_text(
            f"import streamlit as st\n\nst.title({title!r})\nst.write('The floor: nothing here.')\n",
            encoding="utf-8",
        )
        pages.append(
            f"    st.Page('views/{name}.py', title={title!r}, url_path={name!r}, default={i == 0}),"
        )
    (folder / "floor.py").write_text(
        "import streamlit as st\n\n"
        "st.set_page_config(page_title='floor', layout='wide', "
        "initial_sidebar_state='expanded')\n"
        "st.navigation([\n" + "\n".join(pages) + "\n]).run()\n",
        encoding="utf-8",
    )
    return folder


# -- the browser side -----------------------------------------------------------------------
@dataclass
class Tab:
    """One browser page on one server, counting what arrives over its websocket."""

    page: object
    browser: object = None
    url: str = ""
    received: int = 0
    finished: bool = False

    @classmethod
    def open(cls, browser) -> Tab:
        ctx = browser.new_context(viewport=VIEWPORT)
        ctx.add_init_script(INIT_JS)
        tab = cls(ctx.new_page(), browser)
        tab.page.on("websocket", tab._on_ws)
        return tab

    def reopen(self) -> None:
        """After a frozen switch: a new tab on the same app (the old one may never answer)."""
        with contextlib.suppress(Exception):  # a crashed tab may refuse to close
            self.page.context.close()
        fresh = Tab.open(self.browser)
        self.page = fresh.page
        self.page.on("websocket", self._on_ws)
        self.load(self.url)

    def _on_ws(self, ws) -> None:
        ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload) -> None:
        self.received += len(payload)
        if isinstance(payload, bytes) and not self.finished:
            msg = ForwardMsg.FromString(payload)
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished in RUN_DONE:
                self.finished = True

    def load(self, url: str) -> Visit:
        """Open the app's first page as a new session; until it is drawn."""
        self.url = url
        self.received, self.finished = 0, False
        t = time.perf_counter()
        self.page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
        self._wait_done(t, LOAD_TIMEOUT_S)
        longest = self.page.evaluate("() => window.__bench.longest")
        return Visit(time.perf_counter() - t, self.received, longest, False)

    def _wait_done(self, started: float, limit: float | None = None) -> None:
        """The server's "script finished" for a whole run, then the page drawn and painted."""
        limit = limit or SWITCH_TIMEOUT_S
        while not self.finished:  # Playwright delivers websocket events while it waits
            if time.perf_counter() - started > limit:
                raise TimeoutError("no script_finished message")
            self.page.wait_for_timeout(5)
        left = max(limit - (time.perf_counter() - started), 1)
        self.page.wait_for_function(DRAWN_JS, timeout=left * 1000, polling="raf")
        self.page.evaluate(PAINTED_JS)

    def links(self) -> list[tuple[str, str]]:
        """(url path, title) of every sidebar link, in order."""
        out = []
        for a in self.page.locator(LINKS).all():
            href = a.get_attribute("href") or ""
            path = href.split("://", 1)[-1].split("/", 1)[-1] if "://" in href else href
            label = a.inner_text().strip().splitlines()[-1].strip()  # after the icon's name
            out.append((path.strip("/").split("?")[0], label))
        return out

    def switch(self, index: int) -> Visit:
        """Click the index-th sidebar link; time until the page is drawn and idle."""
        self.page.evaluate(RESET_JS)
        self.received, self.finished = 0, False
        t = time.perf_counter()
        self.page.locator(LINKS).nth(index).click()
        try:
            self._wait_done(t)
            seconds, frozen = time.perf_counter() - t, False
        except Exception:  # noqa: BLE001 (Playwright timeout or a crashed tab: both freeze)
            seconds, frozen = time.perf_counter() - t, True
        received = self.received
        if frozen:
            self.reopen()
            return Visit(seconds, received, seconds * 1000, True)
        return Visit(seconds, received, self.page.evaluate("() => window.__bench.longest"), False)


@dataclass
class Visit:
    seconds: float
    received: int
    longest_task_ms: float
    frozen: bool


# -- one scale ------------------------------------------------------------------------------
@dataclass
class PageResult:
    title: str
    first: Visit | None = None
    after_import: Visit | None = None
    app: list[Visit] = field(default_factory=list)
    floor: list[Visit] = field(default_factory=list)

    @property
    def app_median(self) -> float:
        return statistics.median(v.seconds for v in self.app)

    @property
    def floor_median(self) -> float:
        return statistics.median(v.seconds for v in self.floor)


@dataclass
class ScaleResult:
    scale: float
    counts: dict
    build: dict
    cold_new_store: float | None
    cold_existing: float
    import_note: str
    import_seconds: float
    pages: list[PageResult]
    cold_frozen: bool = False  # the first page was not drawn within LOAD_TIMEOUT_S


def run_scale(
    browser, scale: float, rounds: int, rebuild: bool, only: list[str] | None = None
) -> ScaleResult:
    cached, build = cached_store(scale, rebuild)
    counts = store_counts(cached)
    work = TMP / f"run_x{scale:g}.duckdb"
    for p in (work, Path(f"{work}.wal")):
        p.unlink(missing_ok=True)
    shutil.copyfile(cached, work)
    services_csv = export_services(work, TMP / "services_reimport.csv")

    cold_new = None
    if scale == 1:  # the app's own first start: a brand-new store filled with the demo
        fresh = TMP / "fresh_store.duckdb"
        for p in (fresh, Path(f"{fresh}.wal")):
            p.unlink(missing_ok=True)
        server = app_server(fresh).start()
        try:
            tab = Tab.open(browser)
            tab.load(server.url)
            cold_new = time.perf_counter() - server.started
            tab.page.context.close()
        finally:
            server.stop()

    app = app_server(work).start()
    floor = None
    try:
        tab = Tab.open(browser)
        try:
            first_page = tab.load(app.url)
            cold_existing = time.perf_counter() - app.started
        except Exception:  # noqa: BLE001 (frozen: note it, then let the server finish)
            cold_existing = time.perf_counter() - app.started
            first_page = Visit(cold_existing, tab.received, cold_existing * 1000, True)
            tab.reopen()
        links = tab.links()
        print(f"scale {scale:g}: cold start {cold_existing:.1f} s; pages {links}", flush=True)
        floor = Server("floor.py", write_floor(links), dict(os.environ)).start()
        ftab = Tab.open(browser)
        ftab.load(floor.url)
        pages = [PageResult(title) for _, title in links]
        pages[0].first = first_page  # the default page opened the session
        order = list(range(1, len(links))) + [0]
        if only:  # --pages: just these (by URL path, "" for the default page), e.g. while tuning
            order = [i for i in order if (links[i][0] or "overview") in only]
        for i in order:  # first visit of every other page: nothing cached yet
            if i == 0:
                continue
            pages[i].first = tab.switch(i)
            _log(scale, "first", pages[i].title, pages[i].first)
        for r in range(rounds):
            for i in order:
                pages[i].app.append(tab.switch(i))
                pages[i].floor.append(ftab.switch(i))
                _log(scale, f"round {r + 1}", pages[i].title, pages[i].app[-1], pages[i].floor[-1])
        note, import_s = "", 0.0
        t = time.perf_counter()
        done = _cli_import(work, services_csv)
        import_s = time.perf_counter() - t
        if not done:  # the server holds the store: import between two server runs
            app.stop()
            t = time.perf_counter()
            if not _cli_import(work, services_csv):
                raise RuntimeError("the import of the services catalogue failed")
            import_s = time.perf_counter() - t
            app = app_server(work).start()
            tab.page.context.close()
            tab = Tab.open(browser)
            pages[0].after_import = tab.load(app.url)
            order = [i for i in order if i != 0]  # the default page was the first visit
            note = (
                "the store is locked while the app serves it, so the server was stopped for "
                "the import and restarted: first visits after the import include a fresh "
                "server process"
            )
        else:
            note = "imported with the CLI while the app served the store"
        for i in order:
            pages[i].after_import = tab.switch(i)
            _log(scale, "after import", pages[i].title, pages[i].after_import)
    finally:
        app.stop()
        if floor:
            floor.stop()
    pages = [p for p in pages if p.app]  # the pages timed (all, unless --pages)
    return ScaleResult(
        scale, counts, build, cold_new, cold_existing, note, import_s, pages, first_page.frozen
    )


def _cli_import(store: Path, csv: Path) -> bool:
    out = subprocess.run(
        [PY, "-m", "pmo_data", "import", str(csv), "--db", str(store)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        print(f"import: {out.stderr.strip() or out.stdout.strip()}", flush=True)
    return out.returncode == 0


def _log(scale, what, title, visit: Visit, floor: Visit | None = None) -> None:
    extra = f"  floor {floor.seconds:5.2f} s" if floor else ""
    frozen = "  FROZEN" if visit.frozen else ""
    print(
        f"scale {scale:g} {what:12s} {title:20s} {visit.seconds:6.2f} s "
        f"{visit.received / 1e6:7.2f} MB  longest task {visit.longest_task_ms:6.0f} ms"
        f"{extra}{frozen}",
        flush=True,
    )


# -- report ---------------------------------------------------------------------------------
def _s(v: Visit | None) -> str:
    if v is None:
        return ""
    return f">{v.seconds:.0f} (frozen)" if v.frozen else f"{v.seconds:.2f}"


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f}"


def report(results: list[ScaleResult], rounds: int, tag: str | None) -> str:
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    title = "Browser timings" + (f" ({tag})" if tag else "")
    load = os.getloadavg()[0]
    lines = [
        f"# {title}",
        "",
        f"Run {when} at commit `{_commit()}`, "
        f"`/work/venv/bin/python benchmarks/bench_browser.py --scales "
        f"{' '.join(f'{r.scale:g}' for r in results)}` on this machine "
        f"({os.cpu_count()} cores, load average {load:.1f} at the end). Chromium "
        f"{VIEWPORT['width']}x{VIEWPORT['height']}, headless. A switch = click the sidebar link "
        "until the script state leaves running, nothing is stale and two frames are painted. "
        f"Warm = median of {rounds} rounds; floor = the same link in a trivial nine-page app in "
        "the same run. MB = bytes received over the websocket for the switch. Longest block = "
        "longest main-thread task (the page cannot respond meanwhile).",
        "",
    ]
    for r in results:
        aim = AIMS.get(int(r.scale))
        floor = statistics.median(v.seconds for p in r.pages for v in p.floor)
        lines += [
            f"## Scale {r.scale:g} ({r.counts['projects']:,} projects, "
            f"{r.counts['customers']:,} customers, {r.counts['feedback']:,} responses)",
            "",
            f"Floor: the median of all {sum(len(p.floor) for p in r.pages)} switches in the "
            f"trivial app, {floor:.2f} s (each page's ratio is against it). Aim: every page within "
            f"{aim:g}x its floor, none frozen, at most {MAX_BYTES / 1e6:g} MB per page.",
            "",
            "| page | warm s | its floor s | ratio | aim holds | MB first / warm | longest block ms "
            "| first visit s | after import s |",
            "|---|---:|---:|---:|---|---:|---:|---:|---:|",
        ]
        for p in r.pages:
            ratio = p.app_median / floor
            visits = [p.first, p.after_import, *p.app]
            frozen = any(v and v.frozen for v in visits)
            most = max(v.received for v in visits if v)
            holds = (aim is None or ratio <= aim) and not frozen and most <= MAX_BYTES
            warm_mb = statistics.median(v.received for v in p.app)
            longest = max(v.longest_task_ms for v in visits if v)
            lines.append(
                f"| {p.title} | {_s(Visit(p.app_median, 0, 0, any(v.frozen for v in p.app)))} "
                f"| {p.floor_median:.2f} | {ratio:.1f}x | {'yes' if holds else '**no**'} "
                f"| {_mb(p.first.received if p.first else 0)} / {_mb(warm_mb)} "
                f"| {longest:.0f} | {_s(p.first)} | {_s(p.after_import)} |"
            )
        lines += [
            "",
            f"Cold start on this store (new server, first page drawn): "
            f"{'more than ' if r.cold_frozen else ''}{r.cold_existing:.1f} s"
            f"{' (not drawn: frozen)' if r.cold_frozen else ''}."
            + (
                f" On a brand-new store (the app fills it with the scale-1 demo itself): "
                f"{r.cold_new_store:.1f} s."
                if r.cold_new_store is not None
                else ""
            )
            + f" Generating this demo store (`python -m pmo_data demo --scale {r.scale:g}`): "
            f"{r.build['seconds']:.1f} s (measured {r.build['built']}), so a first start "
            f"including generation is {r.build['seconds'] + r.cold_existing:.1f} s.",
            "",
            f"After import: the services catalogue re-imported ({r.import_seconds:.1f} s); "
            f"{r.import_note}.",
            "",
        ]
    return "\n".join(lines)


def _saved(tag: str | None) -> Path:
    return TMP / f"result_{tag or 'latest'}"


def save(result: ScaleResult, tag: str | None) -> None:
    folder = _saved(tag)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"x{result.scale:g}.json"
    path.write_text(json.dumps(asdict(result), indent=1), encoding="utf-8")


def load_saved(tag: str | None) -> list[ScaleResult]:
    """Every scale measured under this tag (a rerun of one scale replaces only that scale)."""
    out = []
    for path in _saved(tag).glob("x*.json"):
        d = json.loads(path.read_text(encoding="utf-8"))

        def visit(v):
            return Visit(**v) if v else None

        pages = [
            PageResult(
                p["title"],
                visit(p["first"]),
                visit(p["after_import"]),
                [Visit(**v) for v in p["app"]],
                [Visit(**v) for v in p["floor"]],
            )
            for p in d.pop("pages")
        ]
        out.append(ScaleResult(**d, pages=pages))
    return sorted(out, key=lambda r: r.scale)


def write_report(rounds: int, tag: str | None) -> str:
    text = report(load_saved(tag), rounds, tag)
    name = f"results_browser_{tag}.md" if tag else "results_browser.md"
    (ROOT / "benchmarks" / name).write_text(text, encoding="utf-8")
    subprocess.run([PY, str(ROOT / "benchmarks" / "collect.py")], check=True)
    return text


def main() -> None:
    global SWITCH_TIMEOUT_S  # noqa: PLW0603 (one knob for the whole run)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1, 10, 100])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tag", help="write results_browser_<tag>.md (e.g. before)")
    ap.add_argument("--rebuild", action="store_true", help="regenerate the demo stores")
    ap.add_argument("--pages", nargs="+", help="only these pages (URL paths), e.g. portfolio")
    ap.add_argument(
        "--timeout", type=float, default=SWITCH_TIMEOUT_S, help="seconds before a switch is frozen"
    )
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on a kill too
    SWITCH_TIMEOUT_S = args.timeout
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium (never `playwright install`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for scale in args.scales:  # each scale saved and reported as soon as it is done
                save(run_scale(browser, scale, args.rounds, args.rebuild, args.pages), args.tag)
                text = write_report(args.rounds, args.tag)
        finally:
            browser.close()
    print(text)


if __name__ == "__main__":
    main()
