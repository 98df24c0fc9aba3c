"""In real Chromium, a store full of hostile text renders as text on every page for every
group: no injected element, no request to another host, the sidebar visible, and every
download button gives a formula-free file."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from pmo_data.exports import is_formula_like
from pmo_data.store import scope
from pmo_data.store.access import GROUPS, PERSON_COLUMN
from pmo_data.ui.navigation import PAGE_NAMES
from tests.e2e.conftest import exceptions, serve, shoot, wait_for_app
from tests.hostile import hostile_store, workbook_formulas

pytestmark = pytest.mark.e2e

# what a payload would add to the page if it were rendered as markup
INJECTED = (
    "[data-testid=stMain] iframe, [data-testid=stSidebar] iframe, "
    "[data-testid=stMain] script, [data-testid=stMain] object, [data-testid=stMain] embed, "
    "[data-testid=stMain] form, input[type=password], body meta[http-equiv], "
    "[data-testid=stMain] style, [data-testid=stSidebar] style, body base, "
    "[data-testid=stMain] link, img[src*='127.0.0.1:9'], a[href^='javascript'], "
    "a[href*='127.0.0.1:9'], [data-testid=stMain] svg a, [onerror], [onload], [onmouseover]"
)


# Streamlit itself fetches the page's material-symbol favicon (`page_icon=":material/hub:"`)
# from Google's icon CDN; that is the app's own request, not one a payload made.
STREAMLIT_ICONS = "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/"


def _foreign(url: str, host: str) -> bool:
    return urlsplit(url).netloc not in (host, "") and not url.startswith(
        ("data:", "blob:", STREAMLIT_ICONS)
    )


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("hostile-e2e") / "pmo.duckdb")
    store = hostile_store(path)
    people = {g: (scope.people(store, g) or [None])[0] for g in GROUPS}
    store.close()
    with serve(path) as url:
        yield url, people


def settle(page, timeout_s: float = 180) -> None:
    """Wait until the script has finished drawing: no running indicator and no new element
    for two seconds (a slow page can still be drawing when the first check passes)."""
    wait_for_app(page)
    deadline = time.time() + timeout_s
    last = -1
    while time.time() < deadline:
        count = page.locator("[data-testid=stElementContainer]").count()
        running = page.locator("[data-testid=stStatusWidget]").count()
        if count == last and not running:
            return
        last = count
        page.wait_for_timeout(2000)


def _downloads_are_formula_free(page) -> list[str]:
    names = []
    for button in page.locator("[data-testid=stDownloadButton] button").all():
        with page.expect_download(timeout=180_000) as info:  # a lazy export reruns the page
            button.click()
        download = info.value
        raw = Path(download.path()).read_bytes()
        name = download.suggested_filename
        names.append(name)
        if name.endswith(".xlsx"):
            assert workbook_formulas(raw) == [], name
        elif name.endswith(".csv"):
            rows = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
            assert [v for r in rows for v in r if is_formula_like(v)] == [], name
    return names


@pytest.mark.parametrize("group", list(GROUPS))
def test_hostile_store_renders_as_text(hostile_app, browser, group):
    url, people = hostile_app
    host = urlsplit(url).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if _foreign(r.url, host) else None)
    query = f"group={group}"
    if group in PERSON_COLUMN and people[group]:
        query += f"&person={quote(people[group])}"
    downloads = []
    text = ""
    try:
        for name in PAGE_NAMES:
            page.goto(f"{url}/{name}?{query}")
            settle(page)
            if name == "portfolio" and group in ("executive", "pmo_analyst"):  # download is last
                page.get_by_test_id("stDownloadButton").first.wait_for(timeout=180_000)
            where = f"{group} / {name}"
            assert not exceptions(page), (where, exceptions(page))
            injected = page.evaluate(
                "s => [...document.querySelectorAll(s)].map(e => e.outerHTML.slice(0, 120))",
                INJECTED,
            )
            assert injected == [], where
            sidebar = page.get_by_test_id("stSidebar")
            assert sidebar.is_visible() and sidebar.bounding_box()["width"] > 150, where
            assert "Traceback" not in page.inner_text("body"), where
            text += page.inner_text("[data-testid=stMain]")
            downloads += _downloads_are_formula_free(page)
        shoot(page, f"hostile-{group}")
    finally:
        context.close()
    assert foreign == [], foreign
    assert "<iframe" in text or "<style>" in text or "<IMG" in text  # shown, as text
    if group in ("executive", "pmo_analyst"):
        assert "portfolio.xlsx" in downloads


def test_project_link_echo_is_plain_text(hostile_app, page):
    url, _ = hostile_app
    link = "[Session expired: sign in again](http://127.0.0.1:9/x) ![b](http://127.0.0.1:9/x.png)"
    page.goto(f"{url}/portfolio?group=executive&project={quote(link)}")
    wait_for_app(page)
    warning = page.locator("[data-testid=stAlert]").filter(has_text="is not in your view")
    assert link in warning.inner_text().replace("\u2060", "")  # md()'s invisible joiners
    assert warning.locator("a, img").count() == 0
