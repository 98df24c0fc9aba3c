"""In Chromium, on a server of its own (it replaces the demo portfolio): five project rows over
the 750 are proposed as a merge; choosing replace asks for confirmation before the import
button works; after the import the uploader is empty and the history names the confirmation."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from tests.e2e.conftest import exceptions, open_select, serve, shoot, shown, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def own_url(tmp_path_factory):
    with serve(str(tmp_path_factory.mktemp("modes") / "pmo.duckdb")) as url:
        yield url


def _five() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    ws.append(["Project ID", "Project Name", "RAG"])
    for i in range(1, 6):
        ws.append([f"NEW-{i}", f"New project {i}", "Amber"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _version(page) -> int:
    text = page.get_by_test_id("stSidebar").inner_text()
    return int(text.split("Store version")[1].split()[0])


def test_replacing_750_projects_with_five_asks_first(own_url, page):
    page.goto(f"{own_url}/data?group=pmo_analyst")
    wait_for_app(page)
    before = _version(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": "five.xlsx", "mimeType": "application/octet-stream", "buffer": _five()}]
    )
    page.wait_for_selector("text=What this import will do", timeout=120_000)
    wait_for_app(page)
    body = page.inner_text("body")
    assert "Proposed merge" in body and "0 of the 750 projects stored" in body
    button = page.get_by_role("button", name="Import 5 rows")
    assert button.is_enabled()

    mode = page.locator("[data-testid='stSelectbox']").filter(has_text="How to import projects")
    open_select(mode)
    page.get_by_role("option", name="Replace: the file is the whole list").click()
    page.wait_for_selector("text=Check before importing", timeout=60_000)
    wait_for_app(page)
    assert "removes 750 of the 750 projects stored (100%)" in page.inner_text("body")
    assert button.is_disabled()
    shoot(page, "import-confirm-replace")

    page.get_by_text("I have checked the effect above: import anyway").click()
    wait_for_app(page)
    assert button.is_enabled()
    button.click()
    page.wait_for_selector("text=Imported version", timeout=120_000)
    wait_for_app(page)
    # The rerun after the import empties the uploader and drops the plan.
    page.wait_for_function(
        "() => !document.body.innerText.includes('What this import will do')", timeout=60_000
    )
    assert _version(page) == before + 1
    assert page.locator("[data-testid='stFileUploaderFile']").count() == 0
    body = shown(page)
    assert "Confirmed: projects: removes 750 of the 750" in body, body[body.find("Imported") :][
        :600
    ]
    assert not exceptions(page)
    shoot(page, "import-confirmed")
