"""Sign-in for real: oidc-provider-mock (an OpenID provider for tests) on a free local port,
the dashboard with `[auth]` pointing at it, and Chromium going through the provider's
authorization page as each person.

An executive; an account lead who then opens `?group=executive`; someone not in the access
table; an admin who edits the access table and views as someone else; signing out.
"""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

import openpyxl
import pytest

from pmo_data.store import access_table
from pmo_data.store.access import Grant, Viewer
from pmo_data.store.versions import Store
from tests.e2e.conftest import CHROMIUM, _free_port, exceptions, serve, shoot, shown, wait_for_app

pytestmark = pytest.mark.e2e
VIEWING_AS_LEAD = re.compile("Viewing as lead@\u2060?example\\.org")


@pytest.fixture(scope="module")
def oidc():
    """The mock provider in this process; any client id/secret; users typed on its form."""
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def people(tmp_path_factory) -> dict:
    """A small demo store and its access table, written before the server starts."""
    from pmo_data.demo.generate import load_demo

    path = tmp_path_factory.mktemp("signin-store") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.1)
    lead = store.row(
        "SELECT account_lead FROM customers GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )[0]
    sponsor = store.row("SELECT min(sponsor) FROM projects")[0]
    table = [
        Grant("exec@example.org", "executive"),
        Grant("lead@example.org", "account_lead", lead),
        Grant("admin@example.org", "pmo_analyst", admin=True),
    ]
    access_table.save(store, table, Viewer("pmo_analyst", identity="setup", via="cli"))
    store.close()
    return {"db": str(path), "lead": lead, "sponsor": sponsor}


@pytest.fixture(scope="module")
def signin_url(oidc, people, tmp_path_factory):
    """The dashboard with sign-in configured (secrets in a temporary file, not the repo)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    port = _free_port()
    app = f"http://localhost:{port}"  # the same host as redirect_uri: cookies are per host
    secrets_file = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{app}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "pmo-value-hub"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{oidc}/.well-known/openid-configuration"\n'
    )
    with serve(
        people["db"],
        log=tmp_path_factory.mktemp("signin-log") / "server.log",
        port=port,
        host="localhost",
        env={"PMO_ADMINS": "root@example.org"},
        args=("--secrets.files", str(secrets_file)),
        timeout=90,
    ) as url:
        yield url


@pytest.fixture
def new_page(browser):
    """A fresh browser profile per person (own cookies)."""
    contexts = []

    def make():
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def sign_in(page, app: str, email: str) -> None:
    """Open the app, press Sign in, type the user on the provider's form, come back."""
    page.goto(app)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.fill("input[name=sub]", email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app}/**", timeout=30_000)
    wait_for_app(page)


def sidebar(page) -> str:
    return page.get_by_test_id("stSidebar").inner_text().replace("\u2060", "")


def test_before_signing_in_only_the_sign_in_page(signin_url, new_page):
    page = new_page()
    page.goto(f"{signin_url}/portfolio?group=executive")
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    body = shown(page)
    assert "Sign in with your organisation account" in body
    assert not page.get_by_test_id("stSidebar").count() or "Portfolio" not in sidebar(page)
    assert "Executive" not in body


def test_executive_signs_in_sees_everything_and_signs_out(signin_url, new_page):
    page = new_page()
    sign_in(page, signin_url, "exec@example.org")
    assert "exec@example.org" in sidebar(page)
    assert "Executive" in sidebar(page) and "local mode" not in shown(page)
    assert not exceptions(page)
    shoot(page, "signin-01-executive")
    page.goto(f"{signin_url}/data")
    wait_for_app(page)
    assert "Importing, rolling back" in shown(page)
    assert not page.get_by_test_id("stFileUploader").count()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/oauth2/end_session**", timeout=30_000)
    page.get_by_role("button", name="End session").click()  # the provider's confirmation
    page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)


def test_account_lead_trying_the_executive_view_keeps_their_own(signin_url, people, new_page):
    page = new_page()
    sign_in(page, signin_url, "lead@example.org")
    page.goto(f"{signin_url}/customers?group=executive")
    wait_for_app(page)
    body = shown(page)
    assert "Executive view, which your access does not include" in body
    assert f"Customer account lead: {people['lead']}" in sidebar(page)
    page.wait_for_function("() => location.search.includes('group=account_lead')")
    assert not exceptions(page)
    shoot(page, "signin-02-account-lead-tries-executive")
    page.get_by_test_id("stSidebar").get_by_text("Customer", exact=True).wait_for()


def test_someone_not_in_the_table_sees_whom_to_ask(signin_url, new_page):
    page = new_page()
    sign_in(page, signin_url, "stranger@example.org")
    body = shown(page)
    assert "not in the access table" in body
    assert "admin@example.org" in body and "root@example.org" in body
    assert not page.get_by_test_id("stDataFrame").count()
    shoot(page, "signin-03-not-in-table")


def test_admin_edits_the_access_table_and_views_as_someone(signin_url, people, new_page):
    page = new_page()
    sign_in(page, signin_url, "admin@example.org")
    page.goto(f"{signin_url}/access")
    wait_for_app(page)
    page.get_by_role("textbox", name="Email").first.fill("sponsor@example.org")
    page.get_by_role("textbox", name="Email").first.press("Enter")
    wait_for_app(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Group").first.click()
    page.get_by_role("option", name="Sponsor", exact=True).click()
    wait_for_app(page)
    person = page.get_by_role("textbox", name="Person (name as in the data)").first
    person.fill(people["sponsor"])
    person.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Add").click()
    page.get_by_text("Saved as access version 2").wait_for(timeout=30_000)
    assert "sponsor@example.org" in shown(page)
    shoot(page, "signin-04-admin-added-a-row")

    bar = page.get_by_test_id("stSidebar")
    bar.get_by_text("Admin: view as someone").click()
    wait_for_app(page)
    bar.get_by_test_id("stSelectbox").filter(has_text="View as").locator("input").click()
    page.get_by_role("option", name="lead@example.org").click()
    page.get_by_text(VIEWING_AS_LEAD).wait_for(timeout=30_000)
    wait_for_app(page)
    assert f"Customer account lead: {people['lead']}" in sidebar(page)
    shoot(page, "signin-05-admin-views-as-lead")
    page.get_by_role("button", name="Stop viewing as").click()
    page.get_by_text(VIEWING_AS_LEAD).wait_for(state="detached", timeout=30_000)

    page.goto(f"{signin_url}/data")  # the audit log, downloaded from the Data page
    wait_for_app(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download the audit log").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    head = rows[0]
    entries = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    what = {(e["What"], e["Who"]) for e in entries}
    assert ("Admin viewed as someone", "admin@example.org") in what
    assert ("Access table changed", "admin@example.org") in what
    assert not exceptions(page)
