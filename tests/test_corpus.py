"""The real-export corpus (tests/data/real/expected.csv): every file through the importer.

Each file is planned and applied on an empty store; the rows that load per entity must equal
expected.csv, with no errors, and the sheets listed in `skip_sheets` must be reported once as
information. A file expected to be refused must be refused with a message and leave the store
as it was. Files that are not on this machine are skipped (see conftest.real_dirs).
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from conftest import CORPUS, real_file

from pmo_data.ingest import importer

pytestmark = pytest.mark.real

EXPECTED: dict[str, list[dict]] = defaultdict(list)
with (CORPUS / "expected.csv").open(encoding="utf-8") as fh:
    for row in csv.DictReader(fh):
        EXPECTED[row["file"]].append(row)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name, store):
    rows = EXPECTED[name]
    plan = importer.plan([real_file(name)], store)
    report = plan.report
    skip = {s for r in rows for s in (r.get("skip_sheets") or "").split(";") if s}
    if [r["entity"] for r in rows] == ["refuse"]:
        errors = report.errors()
        assert not errors.empty and sum(plan.row_counts.values()) == 0, plan.row_counts
        assert errors["message"].str.len().gt(20).all()
        before = (store.current_version(), store.counts())
        with pytest.raises(importer.ImportBlocked):
            importer.apply(plan, store, accept_rejected=True)
        assert (store.current_version(), store.counts()) == before
    else:
        want = {r["entity"]: int(r["rows"]) for r in rows}
        got = {k: v for k, v in plan.row_counts.items() if v}
        errors = report.errors()["message"].head(3).tolist()
        assert got == want and not errors, (got, errors)
        importer.apply(plan, store)
        counts = store.counts()
        assert {k: counts[k] for k in want} == want
    results = {s.sheet: s for s in report.sheets}
    for sheet in skip:
        assert results[sheet].entity is None and results[sheet].skipped, sheet
        said = report.issues.query("sheet == @sheet and rule == 'skipped'")
        assert len(said) == 1 and (said["severity"] == "info").all(), said["message"].tolist()
    if "nodate" in name:  # no date column: the import date, said once
        dated = report.issues.query("rule == 'date'")
        assert len(dated) == 1 and dated["severity"].iloc[0] == "warning"
