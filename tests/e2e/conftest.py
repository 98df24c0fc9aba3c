"""A real `streamlit run` on a free port against a temporary store, driven by Chromium.

Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it); skipped otherwise.
Screenshots go to tests/e2e/screenshots/ (gitignored) so the next design review starts from
them: `shoot` captures the whole length of the page at the viewport's width.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent / "screenshots"
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

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(
    location: str,
    *,
    log: Path | None = None,
    port: int | None = None,
    host: str = "127.0.0.1",
    env: dict | None = None,
    args: tuple[str, ...] = (),
    timeout: float = 120,
):
    """`streamlit run dashboard.py` on a free port against the store at `location` (a file or
    a PostgreSQL URL); yields the URL and stops the server afterwards. The server's output goes
    to `log` (default: beside the store file): a pipe nobody reads fills up (64 KB of warnings)
    and then blocks the server mid-page."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright")
    port = port or _free_port()
    log = log or Path(f"{location}.server.log")
    full_env = dict(os.environ, PMO_DB=location, **(env or {}))
    full_env.pop("PMO_NO_DEMO", None)
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port"]
    command += [str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    url = f"http://{host}:{port}"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*command, *args], cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.time() + timeout
            while True:
                try:
                    urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                    break
                except OSError:
                    if proc.poll() is not None or time.time() > deadline:
                        raise RuntimeError(log.read_text(errors="replace")[-2000:]) from None
                    time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Start the dashboard on a brand-new store (so first run loads the demo data)."""
    with serve(str(tmp_path_factory.mktemp("store") / "pmo.duckdb")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def wait_for_app(page, timeout: float = 90_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_selector("h1", timeout=timeout)
    idle = (
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && document.querySelector('[data-testid=\"stApp\"]')"
        "      .getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector('[data-stale=\"true\"]')"
    )
    # The running indicator shows only after a moment: idle must hold twice, a second apart,
    # or a slow first run (cold caches on a busy machine) is caught half drawn.
    for _ in range(int(timeout / 1000)):
        page.wait_for_function(idle, timeout=timeout)
        page.wait_for_timeout(1000)
        if page.evaluate(idle):
            break


def shoot(page, name: str) -> Path:
    """The whole page at the current width: Streamlit scrolls inside its main block, so the
    viewport is stretched to the content's height for the capture, then put back."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    size = page.viewport_size
    tall = page.evaluate(
        "() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight"
    )
    if size and tall > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(tall, 12_000)})
        page.wait_for_timeout(1000)  # charts re-lay out to the new size
    page.screenshot(path=str(path), timeout=120_000)
    if size and tall > size["height"]:
        page.set_viewport_size(size)
    return path


def exceptions(page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all("[data-testid='stException']")]


def open_select(selectbox) -> None:
    """Open a Streamlit selectbox's option list. A click on the combobox does not always
    open it (react-aria), so focus it and press ArrowDown, which always does."""
    selectbox.locator("input").click()
    if not selectbox.page.get_by_role("option").count():
        selectbox.locator("input").press("ArrowDown")


def shown(page) -> str:
    """The page's text as a person reads it (the word joiner that keeps emails from becoming
    links is invisible)."""
    return page.inner_text("body").replace("\u2060", "")
