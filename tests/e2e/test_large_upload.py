"""In Chromium, on a server of its own: an 11 MB workbook (240,000 feedback rows, a distinct
comment on each, text inline and no <dimension>, as many exporters write it) uploaded on the
Data page is checked in the check's child part by part (`ingest/streamed.py`, its XML read in
slices: `ingest/xlsx_parts.py`), reviewed and imported, as a new analyst would do it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import exceptions, serve, shoot, shown, wait_for_app
from tests.test_upload_memory import write_feedback_book

pytestmark = pytest.mark.e2e
ROWS = 240_000


@pytest.fixture(scope="module")
def own_url(tmp_path_factory):
    with serve(str(tmp_path_factory.mktemp("large") / "pmo.duckdb")) as url:
        yield url


def _version(page) -> int:
    text = page.get_by_test_id("stSidebar").inner_text()
    return int(text.split("Store version")[1].split()[0])


def test_a_large_workbook_is_checked_and_imported(own_url, page, tmp_path):
    path = tmp_path / "survey-export.xlsx"
    write_feedback_book(path, ROWS)
    assert path.stat().st_size > 10 * 1024**2
    page.goto(f"{own_url}/data?group=pmo_analyst")
    wait_for_app(page)
    before = _version(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    page.wait_for_selector("text=What this import will do", timeout=240_000)
    wait_for_app(page)
    body = shown(page)
    assert f"{ROWS:,}" in body, body[:2000]
    shoot(page, "large-upload-review")
    button = page.get_by_role("button", name=f"Import {ROWS:,} rows")
    assert button.is_enabled()
    button.click()
    page.wait_for_selector("text=Imported version", timeout=240_000)
    wait_for_app(page)
    assert _version(page) == before + 1
    assert not exceptions(page)
