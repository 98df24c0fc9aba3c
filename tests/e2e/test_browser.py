"""End to end in real Chromium: first run, every page, shared links, upload, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_data.ui.navigation import PAGE_NAMES
from tests.e2e.conftest import exceptions, shoot, wait_for_app

REAL = Path(__file__).resolve().parents[3] / "shared" / "samples" / "real"

pytestmark = pytest.mark.e2e


def test_first_request_a_deep_link_gets_the_full_app(app_url, page):
    """The very first request to a fresh server is a shared link to a page: it must get the
    router (sidebar, view restored), not Streamlit's own page-folder routing."""
    page.goto(f"{app_url}/portfolio?group=sponsor")
    wait_for_app(page)
    assert "View as" in page.get_by_test_id("stSidebar").inner_text()
    assert "Viewing as Sponsor: " in page.inner_text("body")
    assert not exceptions(page)


def test_first_run_shows_demo_data(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    body = page.inner_text("body")
    assert "demo data" in body
    assert "Store version" in body
    assert not exceptions(page)
    shoot(page, "00-first-run")


@pytest.mark.parametrize("name", PAGE_NAMES)
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
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.locator("[data-testid='stSelectbox']").first.click()
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
    assert "Your customers: satisfaction" in sidebar  # the account-lead view is back
    # The app writes its state back into the URL: the same person means it was restored.
    other.wait_for_timeout(500)
    assert f"person={person}" in other.url and "group=account_lead" in other.url
    assert not exceptions(other)
    shoot(other, "shared-link-account-lead")
    other.context.close()


def _caption_person(page) -> str:
    text = page.inner_text("body")
    return text.split("Viewing as ")[1].split(".")[0]


def test_switching_group_and_person_retailors_the_overview(app_url, page):
    page.goto(f"{app_url}/?group=executive")  # Overview is the default page: its URL is /
    wait_for_app(page)
    assert "Value delivered" in page.inner_text("body")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Sponsor", exact=True).click()
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('group=sponsor')")
    body = page.inner_text("body")
    assert "Projects sponsored" in body and "Value delivered" not in body
    first = _caption_person(page)
    # pick another sponsor: the metrics and the URL follow
    sidebar.locator("[data-testid='stSelectbox']").nth(1).click()
    options = page.get_by_role("option")
    options.nth(1).click()
    wait_for_app(page)
    second = _caption_person(page)
    assert second != first and second.startswith("Sponsor: ")
    assert not exceptions(page)
    shoot(page, "overview-sponsor")


def test_shared_link_opens_a_project_detail(app_url, browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(f"{app_url}/portfolio?group=executive&project=P-0003")
    wait_for_app(page)
    heading = page.locator("h3", has_text="(P-0003)")
    assert heading.count() == 1
    for tab in ("Customers", "Feedback", "Actions", "Savings", "History"):
        assert page.get_by_role("tab", name=tab).count() == 1
    assert not exceptions(page)
    shoot(page, "portfolio-project-detail")
    ctx.close()


def test_project_link_outside_the_viewers_scope_is_refused(app_url, browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(f"{app_url}/portfolio?group=project_manager&project=P-0003")
    wait_for_app(page)
    body = page.inner_text("body")
    person = _caption_person(page)
    if "is not in your view" not in body:  # the first PM happens to manage P-0003
        assert "(P-0003)" in body, person
    else:
        assert page.locator("h3", has_text="(P-0003)").count() == 0
    assert not exceptions(page)
    ctx.close()


@pytest.mark.parametrize("group", ["executive", "sponsor"])
def test_savings_headline_for_executive_and_sponsor(app_url, page, group):
    page.goto(f"{app_url}/savings?group={group}")
    wait_for_app(page)
    body = page.inner_text("body")
    assert "Estimated savings to date" in body and "(P50 £" in body
    # a closed section, computed when chosen
    page.get_by_test_id("stButtonGroup").get_by_text("Double counting", exact=True).click()
    page.get_by_text("Same cost pool (ignoring case").or_(
        page.get_by_text("No two lines claim")
    ).first.wait_for()
    wait_for_app(page)
    body = page.inner_text("body")
    # the tab's content is drawn: the pairs and how they are judged, or that there are none
    assert "Same cost pool (ignoring case" in body or "No two lines claim" in body
    assert ("Decide a flagged pair" in body) == (group == "executive")
    assert f"Viewing as {'Executive' if group == 'executive' else 'Sponsor: '}" in body
    assert not exceptions(page)
    shoot(page, f"savings-{group}")


def test_services_and_maturity_for_the_pmo(app_url, page):
    page.goto(f"{app_url}/services?group=pmo_analyst")
    wait_for_app(page)
    body = page.inner_text("body")
    assert "Over capacity" in body and "Gaps in the menu" in body
    shoot(page, "services-pmo")
    page.goto(f"{app_url}/maturity?group=pmo_analyst")
    wait_for_app(page)
    assert "Stage reached" in page.inner_text("body")
    page.get_by_role("button", name="Save assessment").click()
    page.wait_for_selector("text=Saved by", timeout=60_000)
    wait_for_app(page)
    assert "History of assessments" in page.inner_text("body")
    assert not exceptions(page)
    shoot(page, "maturity-saved")


def _upload(page, app_url, path: Path | None = None, name=None, data=None):
    page.goto(f"{app_url}/data")
    wait_for_app(page)
    file_input = page.locator("[data-testid='stFileUploader'] input[type='file']")
    if path is not None:
        file_input.set_input_files(str(path))
    else:
        file_input.set_input_files(
            files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
        )
    page.wait_for_selector("text=Validation report", timeout=120_000)
    wait_for_app(page)


def _version(page) -> int:
    text = page.get_by_test_id("stSidebar").inner_text()
    return int(text.split("Store version")[1].split()[0])


def test_upload_a_real_workbook_creates_a_new_version(app_url, page):
    sample = REAL / "Sample Sheet.xlsx"
    if not sample.exists():
        pytest.skip("shared/samples/real is absent")
    page.goto(app_url)
    wait_for_app(page)
    before = _version(page)
    _upload(page, app_url, sample)
    shoot(page, "upload-checked")
    assert "rw test" in page.inner_text("body")
    page.get_by_role("button", name="Import 5 rows").click()
    page.wait_for_selector("text=Imported version", timeout=120_000)
    wait_for_app(page)
    assert _version(page) == before + 1
    assert not exceptions(page)
    shoot(page, "upload-imported")


def test_corrupt_file_shows_a_clear_message_and_changes_nothing(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    before = _version(page)
    _upload(page, app_url, name="broken.xlsx", data=b"PK\x03\x04" + b"\x00" * 200)
    body = page.inner_text("body")
    assert "broken.xlsx" in body and "damaged" in body
    assert page.get_by_role("button", name="Import 0 rows").is_disabled()
    assert _version(page) == before
    assert not exceptions(page)
    shoot(page, "upload-corrupt")
