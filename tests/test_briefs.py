"""Board packs and role briefs: every group's brief builds (demo and empty store), the executive
pack's numbers are the Overview's, an account lead's brief names only their customers, text
from the data stays text, and the charts are real images drawn by Chromium.

The demo briefs are built once per module (content, chart images, both files) and read back
with python-pptx and pypdf, so the checks look at what a reader gets.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from datetime import date, datetime

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pypdf import PdfReader

from pmo_data import briefs, cli
from pmo_data.analytics.overview import metrics as overview
from pmo_data.analytics.savings import ledger as savings
from pmo_data.briefs import content, layout, packs
from pmo_data.briefs.content import Brief, Chart, Slide, Table, Text, Tile
from pmo_data.briefs.style import Style, StyleError, configured, hex_colour
from pmo_data.demo.generate import load_demo
from pmo_data.store import scope
from pmo_data.store.access import EVERYONE, GROUPS, PERSON_COLUMN, Viewer
from pmo_data.store.versions import Store

STYLE = Style("Acme Client Services", "#7a1fa2")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pptx_text(data: bytes) -> str:
    """Every run of text on every slide, tables included, as one whitespace-normalised string."""
    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [c.text for row in shape.table.rows for c in row.cells]
    return _norm(" ".join(out))


def pdf_text(data: bytes) -> str:
    return _norm(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pictures(data: bytes) -> int:
    prs = Presentation(io.BytesIO(data))
    return sum(1 for s in prs.slides for sh in s.shapes if sh.shape_type == 13)  # PICTURE


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("briefs") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.1)
    yield store
    store.close()


def _viewer(store, group: str) -> Viewer:
    return Viewer(group, scope.people(store, group)[0] if group in PERSON_COLUMN else None)


@pytest.fixture(scope="module")
def built(demo):
    """Every group's brief on the demo store: (content, rendered, pptx bytes, pdf bytes)."""
    contents = [packs.build(demo, _viewer(demo, g), style=STYLE) for g in GROUPS]
    rendered = briefs.render_all(contents)  # one browser for all six
    return {
        g: (b, r, briefs.write(b, "pptx", r), briefs.write(b, "pdf", r))
        for g, b, r in zip(GROUPS, contents, rendered, strict=True)
    }


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_groups_brief_builds_on_the_demo_store(built, group):
    b, _, pptx, pdf = built[group]
    assert not b.empty and len(b.slides) >= 4
    assert len(Presentation(io.BytesIO(pptx)).slides) == len(b.slides) + 1  # + the cover
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(b.slides) + 1
    text = pptx_text(pptx)
    assert b.audience in text and STYLE.organisation in text
    assert "Where the numbers come from" in text  # provenance is the last slide
    assert b.slides[-1].title == "Where the numbers come from"
    for s in b.slides:  # no slide without content
        assert s.tiles or s.blocks or s.lead, s.title
        assert s.title in text and s.title in pdf_text(pdf)


def test_executive_pack_has_every_section_the_board_asks_for(built):
    b = built["executive"][0]
    titles = " | ".join(s.title for s in b.slides)
    for part in (
        "headline",
        "Savings",
        "Value delivered",
        "NPS and CSAT",
        "RAG mix",
        "risks to customer value",
        "Prioritisation",
        "demand against capacity",
        "maturity",
        "What changed",
        "Where the numbers come from",
    ):
        assert part in titles
    assert "Store version 2" in b.version and re.search(r"20\d\d", b.period)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
@pytest.mark.parametrize("group", list(GROUPS))
def test_charts_are_real_images_in_both_files(built, group):
    b, r, pptx, pdf = built[group]
    charts = briefs.charts_of(b)
    assert r.missing == "" and len(r.images) == len(charts) > 0
    assert all(png.startswith(b"\x89PNG") for png in r.images.values())
    assert pictures(pptx) == len(charts)
    images = sum(len(p.images) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert images == len(charts)


def test_executive_numbers_equal_the_overviews(demo, built):
    b, _, pptx, pdf = built["executive"]
    today = date.today()
    viewer = Viewer("executive")
    now = overview.metrics(demo, viewer, scope.NO_FILTERS, None, today)
    before = overview.metrics(demo, viewer, scope.NO_FILTERS, demo.previous_version(), today)
    tiles = {t.label: t for t in b.slides[0].tiles}
    prev = {m.key: m for m in before}
    for m in now:
        assert tiles[m.label].value == m.show(demo.currency)
        assert tiles[m.label].delta == m.delta(prev[m.key], demo.currency)
    line = savings.headline(
        savings.totals(demo, viewer, state=savings.state(demo)).overall, demo.currency
    )
    assert line.startswith("Estimated savings to date")
    sentence = overview.what_changed(now, before, demo.previous_version(), demo.currency)
    for text in (pptx_text(pptx), pdf_text(pdf)):
        assert line in text
        assert _norm(sentence) in text
        for m in now:
            assert f"{m.label} {m.show(demo.currency)}" in text


def test_an_account_leads_brief_names_only_their_customers(demo, built):
    b, _, pptx, pdf = built["account_lead"]
    lead = _viewer(demo, "account_lead")
    every = set(scope.frame(demo, "customers", EVERYONE)["name"])
    mine = set(scope.frame(demo, "customers", lead)["name"])
    others = every - mine
    assert mine and others
    figures = " ".join(
        json.dumps(c.figure.to_plotly_json(), default=str) for c, _ in briefs.charts_of(b)
    )
    for text in (pptx_text(pptx), pdf_text(pdf), " ".join(b.all_text()), figures):
        masked = text
        for name in sorted(mine, key=len, reverse=True):  # "X" inside an in-scope "X Ltd"
            masked = masked.replace(name, "")
        leaked = [n for n in others if n in masked]
        assert leaked == []
    # The check can fail: the lead's own customers are named, and the executive names others.
    assert any(n in pptx_text(pptx) for n in mine)
    assert any(n in pptx_text(built["executive"][2]) for n in others)


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_groups_brief_on_an_empty_store_says_so(store, group):
    viewer = Viewer(group, "Someone" if group in PERSON_COLUMN else None)
    b = packs.build(store, viewer, style=STYLE)
    assert b.empty and b.slides[0].title == "No data to report yet"
    for fmt, read in (("pptx", pptx_text), ("pdf", pdf_text)):
        text = read(briefs.write(b, fmt))
        assert "No data to report yet" in text and "python -m pmo_data import" in text


def test_a_person_outside_the_data_gets_the_empty_brief(demo):
    b = packs.build(demo, Viewer("account_lead", "Nobody Known"), style=STYLE)
    assert b.empty and "No data" in b.slides[0].title


HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "<b>bold</b> & <i>",
    "+SUM(A1:A9)",
    "tab\tbell\x07end",
    "€1,234 → 5%",
]


def _hostile_brief() -> Brief:
    return Brief(
        "Pack",
        "Executive board",
        "Org <Ltd> & Co",
        "#1f6feb",
        "May 2026",
        "Store version 1",
        datetime(2026, 5, 1),
        "GBP",
        slides=[
            Slide(
                "Text stays text",
                HOSTILE[1],
                tiles=[Tile(HOSTILE[0], HOSTILE[2])],
                blocks=[
                    Table(("Name", "Comment"), tuple((h, h) for h in HOSTILE)),
                    Text(tuple(HOSTILE), bullets=True),
                ],
            )
        ],
    )


@pytest.mark.parametrize("fmt,read", [("pptx", pptx_text), ("pdf", pdf_text)])
def test_text_from_the_data_is_written_as_typed(fmt, read):
    data = briefs.write(_hostile_brief(), fmt, briefs.Rendered({}))
    text = read(data)
    for h in HOSTILE:
        assert _norm(content.plain(h)) in text
    assert "Org <Ltd> & Co" in text
    if fmt == "pptx":  # in a text run, never a field or a hyperlink
        xml = b"".join(
            p.blob
            for p in Presentation(io.BytesIO(data)).part.package.iter_parts()
            if p.partname.startswith("/ppt/slides/slide")
        )
        assert xml.count(b"<p:sld ") == 2 and b"<a:fld" not in xml and b"hlinkClick" not in xml


def test_control_characters_become_spaces_and_missing_values_a_dash():
    assert content.plain("a\x07b\x0bc") == "a b c"
    assert content.plain(None) == "–" and content.plain(float("nan")) == "–"
    assert content.plain("line\nbreak\ttab") == "line\nbreak\ttab"


def test_without_a_browser_the_brief_still_builds_and_says_why(demo, monkeypatch):
    monkeypatch.setenv("PMO_CHROMIUM", "/nonexistent/chromium")
    b = packs.build(demo, _viewer(demo, "service_owner"), style=STYLE)
    r = briefs.render(b)
    assert r.images == {} and "Chromium" in r.missing
    text = pptx_text(briefs.write(b, "pptx", r))
    assert "Chart not drawn" in text and "PMO_CHROMIUM" in text


# -- layout and style --------------------------------------------------------------------------
def test_tables_fit_their_box_or_say_how_many_rows_were_left_out():
    rows = tuple((f"Project {i} " + "word " * (i % 9), f"£{i * 1000:,}") for i in range(60))
    t = Table(("Project", "Budget"), rows, numeric=(False, True))
    box = layout.Box(0.5, 1.5, 6.0, 4.0)
    fit = layout.fit_table(t, box)
    assert fit.height <= box.h and fit.dropped == 60 + 1 - len(fit.row_heights) > 0
    assert abs(sum(fit.col_widths) - box.w) < 1e-6
    small = layout.fit_table(Table(("A", "B"), (("x", "1"),), numeric=(False, True)), box)
    assert small.dropped == 0 and small.size == layout.TABLE_SIZES[0]


def test_numbers_and_header_words_are_never_broken():
    t = Table(
        ("Project", "Forecast end"),
        (("A long project name " * 3, "12 Sep 2027"),),
        numeric=(False, True),
        widths=(5, 0.3),
    )
    fit = layout.fit_table(t, layout.Box(0, 0, 6, 3))
    assert fit.col_widths[1] >= layout.text_width("12 Sep 2027", fit.size)
    assert layout.clip("one two three four five six", 0.5, 10, 1).endswith("…")


def test_every_slide_of_a_pack_stays_inside_the_page(built):
    for b, *_ in built.values():
        for s in b.slides:
            for box in [*layout.block_boxes(s), *layout.tile_boxes(s)]:
                assert box.h > 0.5 and box.y + box.h <= layout.FOOTER_TOP
                assert box.x >= 0 and box.x + box.w <= layout.WIDTH + 1e-9


def test_style_comes_from_settings_and_is_checked(monkeypatch):
    monkeypatch.setenv("PMO_ORG_NAME", "Northwind PMO")
    monkeypatch.setenv("PMO_BRAND_COLOUR", "0B6E4F")
    s = configured()
    assert s.organisation == "Northwind PMO" and s.colour == "#0b6e4f"
    assert configured("Other", "#123456").colour == "#123456"
    with pytest.raises(StyleError):
        hex_colour("teal")


def test_the_brand_colour_is_on_every_slide(built):
    pptx = built["sponsor"][2]
    xml = [sh._element.xml for s in Presentation(io.BytesIO(pptx)).slides for sh in s.shapes]
    slides = Presentation(io.BytesIO(pptx)).slides
    assert sum('val="7A1FA2"' in x for x in xml) >= len(slides)


def test_a_slide_refuses_more_than_it_can_hold():
    with pytest.raises(ValueError):
        Slide("x", blocks=[Text(("a",))] * 3)
    with pytest.raises(ValueError):
        Table(("a", "b"), (("1",),))
    assert Chart(go.Figure()).caption == ""


# -- command line ------------------------------------------------------------------------------
def test_cli_writes_both_formats_and_refuses_what_it_cannot_do(demo, tmp_path, capsys):
    db = tmp_path / "pmo.duckdb"
    s = Store(db)
    load_demo(s, scale=0.05)
    lead = scope.people(s, "account_lead")[0]
    s.close()
    out = tmp_path / "out" / "lead.pdf"
    args = ["brief", "--group", "account_lead", "--person", lead, "--db", str(db)]
    deck = tmp_path / "out" / "lead.pptx"
    assert cli.main([*args, "--out", str(out), "--out", str(deck), "--org", "Acme"]) == 0
    assert lead in pdf_text(out.read_bytes()) and "Acme" in pdf_text(out.read_bytes())
    assert pptx_text(deck.read_bytes()).count(lead) == pdf_text(out.read_bytes()).count(lead)
    assert cli.main(["brief", "--group", "account_lead", "--db", str(db), "--out", str(out)]) == 2
    assert "--person is required" in capsys.readouterr().err
    assert cli.main([*args[:4], "Nobody", *args[5:], "--out", str(out)]) == 2
    assert "is not a Customer account lead" in capsys.readouterr().err
    assert cli.main([*args, "--out", str(tmp_path / "x.docx")]) == 2
    assert cli.main([*args, "--out", str(out), "--colour", "blue"]) == 2
    assert (
        cli.main(
            [
                "brief",
                "--group",
                "executive",
                "--db",
                str(tmp_path / "none.duckdb"),
                "--out",
                str(out),
            ]
        )
        == 2
    )


def test_cli_on_an_empty_store_writes_the_message_and_warns(tmp_path, capsys):
    db = tmp_path / "empty.duckdb"
    Store(db).close()
    out = tmp_path / "pack.pptx"
    assert cli.main(["brief", "--group", "executive", "--db", str(db), "--out", str(out)]) == 0
    assert "No data to report yet" in pptx_text(out.read_bytes())
    assert "no data in this view" in capsys.readouterr().err


# -- the Overview's download ------------------------------------------------------------------
@pytest.mark.app
def test_the_overview_offers_the_brief_for_the_current_view(monkeypatch, demo):
    from tests.apptest_support import app

    lead = _viewer(demo, "account_lead").person
    at = app(monkeypatch, demo.path, "account_lead", lead).run()
    assert not at.exception
    buttons = {b.key: b.label for b in at.download_button}
    assert buttons == {"ov_brief_pptx": "PowerPoint", "ov_brief_pdf": "PDF"}


def test_the_download_builds_once_per_view_and_version(demo):
    from pmo_data.ui import brief as ui_brief

    viewer = _viewer(demo, "project_manager")
    first = ui_brief._content(demo, viewer, scope.NO_FILTERS)
    pdf = ui_brief._file(demo, viewer, scope.NO_FILTERS, "pdf")
    assert ui_brief._content(demo, viewer, scope.NO_FILTERS) is first  # kept, not rebuilt
    assert pdf.startswith(b"%PDF") and viewer.person in pdf_text(pdf)
