"""The import template is generated from the schema and imports back cleanly."""

import io

import openpyxl

from pmo_data.ingest.template import describe, write_template
from pmo_data.schema import ENTITIES


def load(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    return path, openpyxl.load_workbook(path)


def test_one_header_only_sheet_per_entity(tmp_path):
    _, wb = load(tmp_path)
    assert wb.sheetnames == ["README", *ENTITIES]
    for name, e in ENTITIES.items():
        ws = wb[name]
        assert [c.value for c in ws[1]] == e.column_names
        assert ws.max_row == 1, "entity sheets must hold no example rows"
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])


def test_header_comments_carry_help_type_and_required(tmp_path):
    _, wb = load(tmp_path)
    ws = wb["projects"]
    text = ws["A1"].comment.text
    assert "Unique project reference." in text and "Required." in text and "Type: id." in text
    assert "Optional." in ws["C1"].comment.text


def test_dropdowns_for_allowed_values_and_rag(tmp_path):
    _, wb = load(tmp_path)
    ws = wb["projects"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["H2"] == '"Idea,Initiation,Planning,Execution,Closing,Closed,On hold"'
    assert lists["I2"] == '"Red,Amber,Green"'
    assert ws.column_dimensions["J"].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["M"].number_format == "#,##0"


def test_readme_lists_every_column_with_its_example(tmp_path):
    _, wb = load(tmp_path)
    cells = [c for row in wb["README"].iter_rows(values_only=True) for c in row if c is not None]
    assert "project_id*" in cells and "P-0001" in cells and "Operational efficiency" in str(cells)


def test_describe_mentions_range_and_allowed():
    rating = ENTITIES["projects"].column("risk")
    assert "From 1 to 5." in describe(rating)
    assert "One of: Red, Amber, Green." in describe(ENTITIES["projects"].column("rag"))


def test_writes_to_a_buffer():
    buf = io.BytesIO()
    write_template(buf)
    assert buf.getvalue()[:2] == b"PK"


def test_blank_template_imports_as_header_only_errors(tmp_path):
    from pmo_data.ingest import importer

    path, _ = load(tmp_path)
    plan = importer.plan([path])
    errors = plan.report.errors()
    assert sorted(errors["sheet"]) == sorted(ENTITIES)
    assert errors["message"].str.contains("no data rows").all()
    readme = plan.report.issues.query("sheet == 'README'")
    assert readme["severity"].tolist() == ["info"]


def test_filled_template_imports_cleanly(tmp_path, store):
    from pmo_data.ingest import importer

    path, wb = load(tmp_path)
    for name in ("projects", "customers"):
        e = ENTITIES[name]
        wb[name].append([c.example for c in e.columns])
        for other in ENTITIES:
            if other not in ("projects", "customers") and other in wb.sheetnames:
                del wb[other]
    wb.save(path)
    plan = importer.import_files([path], store, force_entity=None)
    assert not plan.has_errors and plan.row_counts == {"projects": 1, "customers": 1}
    p = store.frame("projects").iloc[0]
    assert p["project_id"] == "P-0001" and p["rag"] == "Amber" and p["budget"] == 250000
