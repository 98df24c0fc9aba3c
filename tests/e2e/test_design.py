"""The design review in the browser: accessibility (axe-core) on every page, the keyboard, and
screenshots of every page for people to look at.

Screenshots land in tests/e2e/screenshots/ (gitignored). By default a representative set is
taken (every page as an executive at 1280 x 800, every group's Overview, the executive's and
the PMO's Overview, Portfolio and Savings at 1920 x 1080); `PMO_SCREENSHOTS=all` takes the whole matrix: every page for every stakeholder
group at 1280 x 800 and 1920 x 1080 (slow: about a hundred page loads).
"""

from __future__ import annotations

import os

import pytest

from pmo_data.store.access import GROUPS
from pmo_data.ui.navigation import PAGE_NAMES
from tests.e2e.conftest import exceptions, shoot, wait_for_app

pytestmark = pytest.mark.e2e

SIZES = {"laptop": (1280, 800), "desktop": (1920, 1080)}
BLOCKING = ("serious", "critical")


def _url(app_url: str, name: str, group: str) -> str:
    return f"{app_url}/{'' if name == 'overview' else name}?group={group}"


def _axe(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


def _report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        lines += [f"    {n['target']} {n['html'][:160]}" for n in v["nodes"][:3]]
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_passes_axe(app_url, page, name):
    """axe-core (WCAG 2 A/AA rules and best practice) finds nothing serious or critical on any
    page; the page is also captured at 1280 x 800 for the review."""
    group = "pmo_analyst" if name == "data" else "executive"
    page.goto(_url(app_url, name, group))
    wait_for_app(page)
    assert not exceptions(page), exceptions(page)
    found = [v for v in _axe(page) if v["impact"] in BLOCKING]
    shoot(page, f"{name}-{group}-laptop")
    assert not found, _report(found)


def _focus_trail(page, presses: int) -> list[str]:
    """What has keyboard focus after each Tab: the accessible name, label or text."""
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                """() => {
                const e = document.activeElement;
                if (!e) return '';
                const label = e.getAttribute('aria-label') || '';
                const byId = e.id && document.querySelector(`label[for="${e.id}"]`);
                return [label, byId ? byId.innerText : '', (e.innerText || '').slice(0, 60)]
                    .join(' | ');
            }"""
            )
        )
    return seen


def test_menu_and_controls_are_reachable_by_keyboard(app_url, page):
    """Tab from the top reaches the page menu, the stakeholder group and the filters, then the
    page's own controls: everything works without a mouse. (The first time focus enters a
    table, Streamlit's grid takes Tab from cell to cell before letting go, hence the many
    presses.)"""
    page.goto(_url(app_url, "portfolio", "executive"))
    wait_for_app(page)
    trail = " || ".join(_focus_trail(page, 150))
    for wanted in ("Overview", "Portfolio", "Data", "Stakeholder group", "Portfolio"):
        assert wanted in trail, trail
    for wanted in (
        "RAG",
        "Slipping only",
        "Search name, id, customer",
        "Page (of",
        "Download the project",
    ):
        assert wanted in trail, trail


BOARD_PAGES = ("overview", "portfolio", "savings")  # what the board reads on a big screen


def _matrix() -> list[tuple[str, str, str]]:
    """The whole matrix with PMO_SCREENSHOTS=all (120 page loads: run it once per review, not
    in every CI run). By default, cheap enough for CI: every page as an executive at 1280 x
    800 is taken by the axe test; here each group's tailored Overview at 1280 x 800, and the
    executive's and the PMO's board pages (and the PMO's Data page) at 1920 x 1080."""
    if os.environ.get("PMO_SCREENSHOTS") == "all":
        return [(n, g, s) for s in SIZES for g in GROUPS for n in PAGE_NAMES]
    overview = [("overview", g, "laptop") for g in GROUPS if g != "executive"]
    desktop = [(n, g, "desktop") for g in ("executive", "pmo_analyst") for n in BOARD_PAGES]
    return [*overview, *desktop, ("data", "pmo_analyst", "desktop")]


@pytest.mark.parametrize(("name", "group", "size"), _matrix())
def test_screenshots(app_url, browser, name, group, size):
    """Each page as each group sees it, captured for people to look at (the laptop size
    first: it is where truncation and overlapping legends show)."""
    width, height = SIZES[size]
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    try:
        page.goto(_url(app_url, name, group))
        wait_for_app(page)
        assert not exceptions(page), exceptions(page)
        shoot(page, f"{name}-{group}-{size}")
    finally:
        ctx.close()


def test_selected_project_opens_where_one_looks(app_url, page):
    """Selecting a row of the Portfolio table opens the project in a dialog over the page, in
    the viewport at 1280 x 800 (not above the table, out of sight); Esc closes it and forgets
    the project, so it does not reopen."""
    page.goto(_url(app_url, "portfolio", "executive"))
    wait_for_app(page)
    grid = page.locator("[data-testid='stDataFrame']").nth(1)  # risks first, then projects
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 35 + 17)  # the second row's selector
    wait_for_app(page)
    dialog = page.get_by_role("dialog")
    assert dialog.count() == 1
    heading = dialog.locator("h3").first
    assert "(P-" in heading.inner_text()
    top = heading.bounding_box()
    assert top and 0 <= top["y"] < 800 - top["height"], top
    assert "project=P-" in page.url
    shoot(page, "portfolio-selected-executive-laptop")
    page.keyboard.press("Escape")
    wait_for_app(page)
    assert page.get_by_role("dialog").count() == 0
    assert "project=" not in page.url
