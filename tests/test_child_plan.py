"""A large upload is checked in a child process (issue 16: other users' pages slowed while the
server planned it): the plan that comes back is the plan the server would have made, its steps
reach the caller, its errors are raised as if planned here, and it applies like any plan."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_data.ingest import child_plan, importer, spill
from pmo_data.store.versions import Store
from tests.plan_support import plain


def _feedback_csv(rows: int) -> bytes:
    frame = pd.DataFrame(
        {
            "Response ID": [f"R-{i:06d}" for i in range(rows)],
            "Date": ["2024-03-0" + str(1 + i % 9) for i in range(rows)],
            "Customer ID": ["C-0001" if i % 3 else "C-NOPE" for i in range(rows)],
            "CSAT": [1 + i % 5 if i % 7 else "six" for i in range(rows)],
            "Comment": [f"comment number {i} about the service desk" for i in range(rows)],
        }
    )
    return frame.to_csv(index=False).encode()


def _same(a, b) -> None:
    assert a.row_counts == b.row_counts and a.base_version == b.base_version
    assert a.report.counts == b.report.counts
    cols = ["severity", "rule", "row", "column", "message"]
    found = [
        plain(p.report.issues[cols]).assign(row=lambda f: f["row"].astype(float)) for p in (a, b)
    ]
    pd.testing.assert_frame_equal(*found)
    for name in a.tables:
        pd.testing.assert_frame_equal(plain(a.tables[name]), plain(b.tables[name]))
        pd.testing.assert_frame_equal(plain(a.rejected[name]), plain(b.rejected[name]))
        eff_a, eff_b = a.effects[name].table, b.effects[name].table
        pd.testing.assert_frame_equal(plain(eff_a), plain(eff_b))
        assert a.effects[name].summary() == b.effects[name].summary()
        assert a.proposals[name] == b.proposals[name]
    assert [(p.entity, p.sheet.name, len(p.sheet.frame)) for p in a.sheets] == [
        (p.entity, p.sheet.name, len(p.sheet.frame)) for p in b.sheets
    ]


def test_the_child_makes_the_plan_the_server_would(demo_store):
    data = _feedback_csv(30_000)
    inputs = [("feedback.csv", data)]
    steps, stats = [], {}
    apart = child_plan.plan(
        inputs, demo_store, on_step=lambda *a: steps.append(a), apart=True, stats=stats
    )
    here = importer.plan(inputs, demo_store)
    _same(apart, here)
    assert apart.report.counts["warning"] > 0  # "six" and C-NOPE are reported, as here
    assert [s[0] for s in steps] == ["read", "recognise", "map", "validate", "done"]
    assert stats["child_peak"] > len(data)  # the child's own peak, measured by the child
    assert apart.inputs == [("feedback.csv", data)]  # the caller's bytes, not a temp file


def test_a_child_plan_applies_and_a_moved_store_is_caught(demo_store, make_xlsx):
    p = child_plan.plan([("feedback.csv", _feedback_csv(2_000))], demo_store, apart=True)
    other = Store(demo_store.path)
    rows = [["Customer ID", "Customer Name"], ["C-NEW", "New customer"]]
    importer.import_files([("c.xlsx", make_xlsx({"Customers": rows}))], other, user="bea")
    demo_store.refresh()
    with pytest.raises(importer.StoreMoved):
        importer.apply(p, demo_store, accept_rejected=True)
    again = child_plan.plan(p.inputs, demo_store, p.force_entity, apart=True)
    version = importer.apply(again, demo_store, accept_rejected=True)
    assert version == demo_store.current_version()
    assert demo_store.counts()["feedback"] == again.effects["feedback"].after > 0


def test_the_child_plans_against_the_version_the_page_read(demo_store, make_xlsx):
    pinned = demo_store.at(demo_store.current_version())
    rows = [["Customer ID", "Customer Name"], ["C-NEW", "New customer"]]
    importer.import_files([("c.xlsx", make_xlsx({"Customers": rows}))], Store(demo_store.path))
    p = child_plan.plan([("feedback.csv", _feedback_csv(50))], pinned, apart=True)
    assert p.base_version == pinned.current_version() < Store(demo_store.path).current_version()


def test_errors_in_the_child_are_raised_here(demo_store):
    with pytest.raises(KeyError) as here:
        importer.plan([("f.csv", b"a,b\n1,2\n")], demo_store, "no such entity")
    with pytest.raises(KeyError) as apart:
        child_plan.plan([("f.csv", b"a,b\n1,2\n")], demo_store, "no such entity", apart=True)
    assert str(apart.value) == str(here.value)


def test_which_uploads_go_to_a_child(monkeypatch, store, demo_store):
    sent = []
    monkeypatch.setattr(child_plan, "_run", lambda inputs, *a: sent.append(inputs) or 1 / 0)
    small = _feedback_csv(20)
    assert len(small) < child_plan.APART_BYTES
    assert child_plan.plan([("f.csv", small)], demo_store).row_counts == {"feedback": 20}
    big = _feedback_csv(120_000)
    assert len(big) >= child_plan.APART_BYTES
    assert child_plan.store_location(store) is None  # only this process sees it
    assert child_plan.plan([("f.csv", big)], store).row_counts == {"feedback": 120_000}
    with pytest.raises(ValueError, match="in memory"):
        child_plan.plan([("f.csv", big)], store, apart=True)
    assert not sent
    with pytest.raises(ZeroDivisionError):
        child_plan.plan([("f.csv", big)], demo_store)
    assert [name for name, _ in sent[0]] == ["f.csv"]


def test_a_stopped_check_stops_its_child(demo_store):
    class Stop(Exception):
        pass

    def on_step(step, detail, fraction):
        raise Stop  # what Streamlit does to a script run the user left

    with pytest.raises(Stop):
        child_plan.plan(
            [("feedback.csv", _feedback_csv(500))], demo_store, on_step=on_step, apart=True
        )


def test_spilled_arrays_come_back_equal_and_writable(tmp_path):
    n = 300_000
    frame = pd.DataFrame(
        {
            "text": pd.Series([f"row {i}" for i in range(n)], dtype="string"),
            "str": pd.Series([f"s{i}" if i % 5 else None for i in range(n)], dtype="str"),
            "number": [float(i) for i in range(n)],
            "when": pd.date_range("2024-01-01", periods=n, freq="min"),
            "extra": [None] * n,
        }
    )
    small = frame.head(10)
    spill.dump({"big": frame, "small": small}, tmp_path)
    assert len(list(tmp_path.glob("*.arrow"))) == 2 and list(tmp_path.glob("*.npy"))
    back = spill.load(tmp_path)
    for f in tmp_path.iterdir():
        f.unlink()  # mapped arrays outlive their files
    pd.testing.assert_frame_equal(back["big"], frame)
    pd.testing.assert_frame_equal(back["small"], small)
    back["big"].loc[0, "number"] = -1.0  # copy-on-write: writable, the file is untouched
    back["big"].loc[1, "text"] = "changed"
    assert back["big"].loc[0, "number"] == -1.0 and back["big"].loc[1, "text"] == "changed"


def test_a_file_over_the_cap_is_refused_clearly_from_bytes_or_a_path(monkeypatch, tmp_path):
    """The cap the page names (`MAX_FILE_BYTES`, the uploader's `maxUploadSize`) in its units,
    whether the file comes as the uploader's bytes or as the child's temporary file."""
    from pmo_data.ingest import reading

    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1024**2)
    data = _feedback_csv(40_000)
    assert len(data) > 1024**2
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    size = f"{len(data) / 1024**2:,.1f}"
    for source in (data, path):
        p = importer.plan([("big.csv", source)])
        (err,) = p.report.errors().to_dict("records")
        assert f"big.csv is {size} MB, over the 1 MB limit" in err["message"]
        assert p.row_counts == {}
