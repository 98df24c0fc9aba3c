"""End to end in real Chromium: first run, every page, shared links, upload, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import exceptions, shoot, wait_for_app

PAGES = [
    "overview",
    "portfolio",
    "prioritisation",
    "savings",
    "customers",
    "feedback",
    "services",
    "maturity",
    "data",
]
REAL = Path(__file__).resolve().parents[3] / "shared" / "samples" / "real"

pytestmark = pytest.mark.e2e


def test_first_run_shows_demo_data(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    body = page.inner_text("body")
    assert "demo data" in body
    assert "Store version" in body
    assert not exceptions(page)
    shoot(page, "00-first-run")


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_without_exception(app_url, page, name):
    page.goto(f"{app_url}/{name}")
    wait_for_app(page)
    assert not exceptions(page), exceptions(page)
    assert page.query_selector("h1"), f"{name} has no title"
    shoot(page, f"page-{name}")


def test_shared_link_restores_the_view(app_url, page, browser):
    page.goto(f"{app_url}/feedback")
    wait_for_app(page)
    # Change the stakeholder group in the sidebar; the URL must follow.
    page.get_by_test_id("stSidebar").get_by_text("Executive", exact=True).click()
    page.get_by_role("option", name="Customer account lead").click()
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('group=account_lead')")
    url = page.url
    assert "person=" in url
    person = url.split("person=")[1].split("&")[0]

    other = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    other.goto(url)
    wait_for_app(other)
    sidebar = other.get_by_test_id("stSidebar").inner_text()
    assert "Customer account lead" in sidebar
    from urllib.parse import unquote_plus

    assert unquote_plus(person) in sidebar
    assert not exceptions(other)
    shoot(other, "shared-link-account-lead")
    other.context.close()
