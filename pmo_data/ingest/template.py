"""The blank import template, generated from `schema.py` so it can never drift from it.

One sheet per entity with the canonical headers (bold, frozen), a comment on each header with
the column's meaning, type and whether it is required, dropdowns for allowed values and RAG,
and date/money formats on the columns. Entity sheets are header-only on purpose: an example
row would be imported as data, so the examples live on the README sheet instead (importing the
untouched template therefore reports "headers but no data rows", which is correct).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pmo_data.exports import style_header
from pmo_data.schema import ENTITIES, Column

DATA_ROWS = 5000  # rows covered by dropdowns
FORMATS = {"date": "yyyy-mm-dd", "money": "#,##0", "percent": "0", "rating": "0.0"}
BOLD = Font(bold=True)
GREY = Font(italic=True, color="808080")


def describe(col: Column) -> str:
    """The header comment: meaning, type, required, allowed values or range, example."""
    parts = [col.help, f"Type: {col.kind}."]
    parts.append("Required." if col.required else "Optional.")
    if col.allowed:
        parts.append(f"One of: {', '.join(col.allowed)}.")
    if col.lo is not None and col.hi is not None:
        parts.append(f"From {col.lo:g} to {col.hi:g}.")
    if col.example is not None:
        parts.append(f"Example: {col.example}")
    return "\n".join(parts)


def _readme(wb: Workbook) -> None:
    ws = wb.active
    ws.title = "README"
    lines = [
        ("PMO Value Hub import template", BOLD),
        ("Fill in the sheets you have; leave the others empty (empty sheets are ignored).", None),
        (
            "Keep the header row. Required columns are marked * below; hover a header for help.",
            None,
        ),
        ("Extra columns are welcome: they are kept (as 'extra') and never dropped.", None),
        ("Import with: python -m pmo_data import this-file.xlsx (or the Data page).", None),
        ("", None),
    ]
    for text, font in lines:
        ws.append([text])
        if font:
            ws.cell(ws.max_row, 1).font = font
    for e in ENTITIES.values():
        ws.append([f"{e.label} (sheet '{e.name}'): {e.help}"])
        ws.cell(ws.max_row, 1).font = BOLD
        ws.append(["column", "type", "required", "meaning", "allowed / range", "example"])
        for c in ws[ws.max_row]:
            c.font = BOLD
        for col in e.columns:
            rng = ", ".join(col.allowed)
            if not rng and col.lo is not None and col.hi is not None:
                rng = f"{col.lo:g}-{col.hi:g}"
            ex = "" if col.example is None else col.example
            ws.append([col.name + ("*" if col.required else ""), col.kind, "yes" * col.required])
            row = ws.max_row
            ws.cell(row, 4, col.help)
            ws.cell(row, 5, rng)
            ws.cell(row, 6, ex).font = GREY
        ws.append([])
    for letter, width in zip("ABCDEF", (24, 10, 9, 60, 40, 28), strict=True):
        ws.column_dimensions[letter].width = width


def _entity_sheet(wb: Workbook, e) -> None:
    ws = wb.create_sheet(e.name)
    ws.freeze_panes = "A2"
    for i, col in enumerate(e.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(1, i, col.name)
        style_header(cell)
        cell.comment = Comment(describe(col), "PMO Value Hub", width=300, height=160)
        ws.column_dimensions[letter].width = max(12, len(col.name) + 4)
        if col.kind in FORMATS:
            ws.column_dimensions[letter].number_format = FORMATS[col.kind]
        if col.allowed:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(col.allowed) + '"',
                allow_blank=True,
                showErrorMessage=col.kind != "rag",  # RAG also accepts R/A/G and colour words
                errorTitle=col.name,
                error=f"Use one of: {', '.join(col.allowed)}",
            )
            dv.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
            ws.add_data_validation(dv)


def write_template(target) -> None:
    """Write the template workbook to a path or a binary buffer."""
    wb = Workbook()
    _readme(wb)
    for e in ENTITIES.values():
        _entity_sheet(wb, e)
    wb.save(target)
