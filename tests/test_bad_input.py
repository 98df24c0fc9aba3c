"""Bad input: each gets a clear error naming the file (and sheet/row/column where relevant),
and the store is left exactly as it was."""

import io
import zipfile

import pytest

from pmo_data.ingest import importer, reading

GOOD = [["Project ID", "Project Name"], ["P1", "Alpha"]]


@pytest.fixture
def loaded(store, make_xlsx):
    """A store holding one good version, to show a failed import changes nothing."""
    importer.import_files([("good.xlsx", make_xlsx({"Projects": GOOD}))], store)
    return store


def refused(store, name, data, *, match=None):
    """Plan and try to apply `data`; return the file-level or sheet-level error messages."""
    before = (store.current_version(), store.counts(), len(store.history()))
    plan = importer.plan([(name, data)], store)
    errors = plan.report.errors()
    assert not errors.empty, f"{name}: expected an error"
    assert (errors["file"] == name).all()
    with pytest.raises(importer.ImportBlocked):
        importer.apply(plan, store)
    with pytest.raises(importer.ImportBlocked):  # and no good rows to accept either
        importer.apply(plan, store, accept_rejected=True)
    assert (store.current_version(), store.counts(), len(store.history())) == before
    messages = " | ".join(errors["message"])
    if match:
        assert match in messages.lower(), messages
    return errors


def test_not_a_spreadsheet(loaded):
    errors = refused(
        loaded, "notes.xlsx", b"Dear team, the numbers are attached.\n" * 20, match="not a"
    )
    assert "notes.xlsx" in errors["message"].iloc[0]


def test_truncated_zip(loaded, make_xlsx):
    data = make_xlsx({"Projects": GOOD * 50})
    refused(loaded, "cut.xlsx", data[: len(data) // 2], match="damaged")


def test_password_protected_workbook(loaded):
    refused(loaded, "secret.xlsx", encrypted_workbook(), match="password")


def test_empty_workbook(loaded):
    import openpyxl

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    refused(loaded, "empty.xlsx", buf.getvalue(), match="contains no data")


def test_header_only_sheet(loaded, make_xlsx):
    errors = refused(loaded, "headers.xlsx", make_xlsx({"Projects": [GOOD[0]]}))
    assert errors["sheet"].tolist() == ["Projects"] and "no data rows" in errors["message"].iloc[0]


def test_sheet_with_no_recognisable_columns(loaded, make_xlsx):
    data = make_xlsx({"Lunch": [["Colour", "Flavour"], ["red", "cherry"]]})
    errors = refused(loaded, "lunch.xlsx", data, match="no recognisable columns")
    assert errors["sheet"].tolist() == ["Lunch"]
    assert "--as" in errors["message"].iloc[0] and "template" in errors["message"].iloc[0]


def test_file_over_the_size_limit(loaded, monkeypatch, make_xlsx):
    data = make_xlsx({"Projects": GOOD * 200})
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", len(data) // 2)
    refused(loaded, "huge.xlsx", data, match="limit")


def test_zip_bomb(loaded):
    refused(loaded, "bomb.xlsx", zip_bomb(), match="zip bomb")


def test_bad_required_field_rejects_the_row_naming_row_and_column(loaded, make_xlsx):
    before = (loaded.current_version(), loaded.counts())
    rows = GOOD + [["P2", None], ["P3", "Gamma"]]
    plan = importer.plan([("p.xlsx", make_xlsx({"Projects": rows}))], loaded)
    (err,) = plan.report.errors().to_dict("records")
    assert (err["file"], err["sheet"], err["row"], err["letter"], err["column"]) == (
        "p.xlsx",
        "Projects",
        3,
        "B",
        "Project Name",
    )
    with pytest.raises(importer.ImportBlocked, match="row 3 col B"):
        importer.apply(plan, loaded)
    assert (loaded.current_version(), loaded.counts()) == before
    importer.apply(plan, loaded, accept_rejected=True)
    assert sorted(loaded.frame("projects")["project_id"]) == ["P1", "P3"]


# -- builders ---------------------------------------------------------------------------------
def zip_bomb() -> bytes:
    """A valid-looking xlsx whose sheet XML inflates ~500-fold (100 MB of repeated rows)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheets><sheet name="Projects" sheetId="1"/></sheets>'
            "</workbook>",
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b"<row><c><v>0</v></c></row>" * 40_000
            for _ in range(100):
                f.write(chunk)
    return buf.getvalue()


def encrypted_workbook() -> bytes:
    """An Office 'encrypt with password' container: a CFB file holding EncryptionInfo and
    EncryptedPackage streams (what Excel writes for a password-protected .xlsx)."""
    sector = 512
    names = ["Root Entry", "EncryptionInfo", "EncryptedPackage"]

    def entry(name, kind, child=-1, right=-1, start=0xFFFFFFFE, size=0):
        raw = name.encode("utf-16-le") + b"\0\0"
        e = raw.ljust(64, b"\0") + len(raw).to_bytes(2, "little")
        e += bytes([kind, 1])  # type, colour black
        e += (0xFFFFFFFF).to_bytes(4, "little")  # left sibling
        e += (right & 0xFFFFFFFF).to_bytes(4, "little")
        e += (child & 0xFFFFFFFF).to_bytes(4, "little")
        e += b"\0" * 16 + b"\0" * 4 + b"\0" * 16  # clsid, state, times
        e += (start & 0xFFFFFFFF).to_bytes(4, "little") + size.to_bytes(8, "little")
        return e

    # sector 0: FAT, sector 1: directory, sectors 2-3: the two streams (4096+ bytes each would
    # be regular streams; small ones live in the mini stream, but readers only need the names)
    directory = entry(names[0], 5, child=1) + entry(names[1], 2, right=2, start=2, size=sector)
    directory += entry(names[2], 2, start=3, size=sector) + b"\0" * 128
    fat = [0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE, 0xFFFFFFFE] + [0xFFFFFFFF] * 124
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
    header += (0x3E).to_bytes(2, "little") + (3).to_bytes(2, "little")
    header += (0xFFFE).to_bytes(2, "little") + (9).to_bytes(2, "little") + (6).to_bytes(2, "little")
    header += b"\0" * 6 + (0).to_bytes(4, "little") + (1).to_bytes(4, "little")  # dir sectors, FAT
    header += (1).to_bytes(4, "little") + b"\0" * 4 + (0).to_bytes(4, "little")  # dir start, ...
    header += (0xFFFFFFFE).to_bytes(4, "little") + (0).to_bytes(4, "little")  # mini FAT
    header += (0xFFFFFFFE).to_bytes(4, "little") + (0).to_bytes(4, "little")  # DIFAT
    header += (0).to_bytes(4, "little") + b"\xff" * (436 - 4)
    body = b"".join(x.to_bytes(4, "little") for x in fat)
    return header + body + directory + b"\x01" * sector + b"\x02" * sector


def test_a_row_of_spaces_is_a_blank_row():
    """Cells holding only spaces are blank: such a row is skipped, not read as data (with
    pandas 3's text dtype a row of one or two such cells raised IndexError)."""
    data = b"Project ID,Project Name,Budget,RAG\nP-1,Alpha,10,G\n   ,,,\n  ,  ,  ,\nP-2,Beta,20,A\n"
    (sheet,) = reading.read_file(data, "projects.csv")
    assert list(sheet.rows) == [2, 5]
    assert [(s.row, s.reason) for s in sheet.skipped] == [(3, "blank"), (4, "blank")]
