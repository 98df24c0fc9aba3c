"""Import modes on hand-built stores: replace, merge, append; the effect before it applies;
confirmation of large removals and key changes; plans made against an older version."""

import pytest

from pmo_data.ingest import importer
from pmo_data.store.versions import Store, VersionConflict

HEAD = ["Project ID", "Project Name", "RAG", "Budget"]
TEN = [HEAD] + [[f"P{i}", f"Project {i}", "Green", 1000 * i] for i in range(1, 11)]
FB_HEAD = ["Response ID", "Date", "NPS", "Comment"]
FB = [FB_HEAD] + [[f"R{i}", f"2026-0{i}-01", 5 + i, f"comment {i}"] for i in range(1, 5)]


@pytest.fixture
def projects(store, make_xlsx):
    """A store holding ten projects (version 1)."""
    importer.import_files([("ten.xlsx", make_xlsx({"Projects": TEN}))], store, user="a")
    return store


def _plan(store, make_xlsx, sheets, name="file.xlsx", **kw):
    return importer.plan([(name, make_xlsx(sheets))], store, **kw)


def test_first_import_replaces_the_empty_entity(projects):
    p = projects.history().iloc[0]
    assert projects.counts()["projects"] == 10
    assert "projects replace: +10 ~0 -0" in p["note"]


def test_merge_updates_by_key_adds_new_and_keeps_the_rest(projects, make_xlsx):
    rows = [["Project ID", "Name", "RAG"], ["P1", "Project 1", "Red"], ["P11", "New", "Amber"]]
    plan = _plan(projects, make_xlsx, {"Projects": rows})
    assert plan.proposals["projects"].mode == "merge"
    assert "1 of the 10 projects stored (10.0%)" in plan.proposals["projects"].reason
    eff = plan.effects["projects"]
    assert (eff.added, eff.changed, eff.removed, eff.unchanged) == (1, 1, 0, 9)
    assert eff.changed_fields == {"rag": 1} and not eff.confirmations
    assert eff.examples["changed"].iloc[0][["field", "old", "new"]].tolist() == [
        "rag",
        "Green",
        "Red",
    ]
    version = importer.apply(plan, projects, user="b")
    df = projects.frame("projects").set_index("project_id")
    assert len(df) == 11
    assert df.loc["P1", "rag"] == "Red" and df.loc["P1", "budget"] == 1000  # budget kept
    assert df.loc["P1", "name"] == "Project 1" and df.loc["P2", "rag"] == "Green"
    assert pd_isna(df.loc["P11", "budget"]) and df.loc["P11", "rag"] == "Amber"
    info = projects.version_info(version)
    assert "projects merge: +1 ~1 -0" in info["note"] and info["row_counts"] == {"projects": 11}
    projects.rollback(1)
    back = projects.frame("projects").set_index("project_id")
    assert len(back) == 10 and back.loc["P1", "rag"] == "Green"


def pd_isna(v) -> bool:
    import pandas as pd

    return bool(pd.isna(v))


def test_full_export_is_proposed_as_replace_and_removes_the_missing(projects, make_xlsx):
    rows = TEN[:10]  # P1-P9: 90% of the stored projects
    plan = _plan(projects, make_xlsx, {"Projects": rows})
    assert plan.proposals["projects"].mode == "replace"
    eff = plan.effects["projects"]
    assert (eff.added, eff.changed, eff.removed, eff.unchanged) == (0, 0, 1, 9)
    assert eff.examples["removed"]["project_id"].tolist() == ["P10"]
    assert not plan.confirmations  # a tenth is not more than a fifth
    importer.apply(plan, projects)
    assert projects.counts()["projects"] == 9
    projects.rollback(1)
    assert projects.counts()["projects"] == 10


def test_removing_more_than_a_fifth_needs_confirmation(projects, make_xlsx):
    rows = TEN[:6]  # five of ten
    plan = _plan(projects, make_xlsx, {"Projects": rows}, modes="replace")
    assert plan.proposals["projects"].mode == "merge"
    assert plan.effects["projects"].removed == 5
    (reason,) = plan.confirmations
    assert "removes 5 of the 10 projects stored (50.0%)" in reason
    with pytest.raises(importer.NeedsConfirmation):
        importer.apply(plan, projects)
    assert projects.current_version() == 1
    version = importer.apply(plan, projects, allow_removals=True, user="lead")
    info = projects.version_info(version)
    assert "Confirmed: projects: removes 5 of the 10" in info["note"]
    assert projects.counts()["projects"] == 5
    projects.rollback(1)
    assert projects.counts()["projects"] == 10


def test_a_changed_key_needs_confirmation(projects, make_xlsx):
    rows = [HEAD, ["X-1", "Project 1", "Green", 1000]]
    plan = _plan(projects, make_xlsx, {"Projects": rows})
    eff = plan.effects["projects"]
    assert eff.key_changes[["old key", "new key"]].values.tolist() == [["P1", "X-1"]]
    assert any("changes the project_id of 1 projects" in c for c in plan.confirmations)
    with pytest.raises(importer.NeedsConfirmation):
        importer.apply(plan, projects)


def test_replace_blanks_columns_the_file_lacks_and_says_so(projects, make_xlsx):
    rows = [["Project ID", "Project Name", "RAG"]] + [r[:3] for r in TEN[1:]]
    plan = _plan(projects, make_xlsx, {"Projects": rows}, modes="replace")
    eff = plan.effects["projects"]
    assert eff.changed == 10 and eff.changed_fields == {"budget": 10}
    merge = _plan(projects, make_xlsx, {"Projects": rows}, modes="merge").effects["projects"]
    assert merge.changed == 0 and merge.unchanged == 10 and not merge.changes_anything


def test_append_adds_new_responses_and_reports_duplicates(store, make_xlsx):
    importer.import_files([("w1.xlsx", make_xlsx({"Feedback": FB}))], store)
    wave = [FB_HEAD, ["R4", "2026-04-01", 9, "comment 4"], ["R5", "2026-05-01", 10, "new"]]
    wave += [["R6", "2026-05-02", 3, "newer"]]
    plan = _plan(store, make_xlsx, {"Feedback": wave})
    assert plan.proposals["feedback"].mode == "append"
    eff = plan.effects["feedback"]
    assert (eff.added, eff.duplicates, eff.identical_duplicates, eff.removed) == (2, 1, 1, 0)
    assert eff.examples["duplicates"]["response_id"].tolist() == ["R4"]
    version = importer.apply(plan, store)
    assert store.counts()["feedback"] == 6
    assert "feedback append: +2 ~0 -0 1 duplicates left out" in store.version_info(version)["note"]
    again = _plan(store, make_xlsx, {"Feedback": wave})  # the same wave again
    assert again.proposals["feedback"].mode == "merge"  # nothing new: not a wave
    with pytest.raises(importer.ImportBlocked, match="nothing changes"):
        importer.apply(again, store)
    again = _plan(store, make_xlsx, {"Feedback": wave}, modes="append")
    with pytest.raises(importer.ImportBlocked, match="nothing changes.*3 duplicates"):
        importer.apply(again, store)
    store.rollback(1)
    assert store.counts()["feedback"] == 4


def test_survey_waves_without_ids_never_collide(store, make_xlsx):
    def wave(day):
        return {"Responses": [["Timestamp", "NPS"], [f"2026-0{day}-01", 9], [f"2026-0{day}-02", 3]]}

    importer.import_files([("w1.xlsx", make_xlsx(wave(1)))], store)
    second = make_xlsx(wave(2))
    plan = importer.plan([("w2.xlsx", second)], store)
    assert plan.proposals["feedback"].mode == "append"
    assert plan.effects["feedback"].added == 2
    importer.apply(plan, store)
    assert store.counts()["feedback"] == 4
    for data in (second, make_xlsx(wave(2))):  # the same file again, or exported again
        same = importer.plan([("w2 again.xlsx", data)], store, modes="append")
        assert same.effects["feedback"].duplicates == 2 and same.effects["feedback"].added == 0


def test_a_plan_made_against_an_older_version_is_refused(projects, make_xlsx):
    mine = _plan(projects, make_xlsx, {"Customers": [["Customer ID", "Name"], ["C1", "Acme"]]})
    assert mine.base_version == 1
    other = [HEAD] + [[f"P{i}", f"Project {i}", "Red", 5] for i in range(1, 11)]
    importer.import_files([("b.xlsx", make_xlsx({"Projects": other}))], projects, user="bea")
    with pytest.raises(importer.StoreMoved) as err:
        importer.apply(mine, projects)
    assert err.value.base == 1 and err.value.current == 2
    assert "version 2 by bea" in err.value.changes[0] and "b.xlsx" in err.value.changes[0]
    assert projects.current_version() == 2
    fresh = importer.replan(mine, projects)
    assert fresh.base_version == 2
    importer.apply(fresh, projects)
    assert projects.frame("projects")["rag"].eq("Red").all()  # bea's projects kept


def test_write_version_refuses_a_stale_expectation(store):
    import pandas as pd

    frame = pd.DataFrame({"project_id": ["P1"], "name": ["A"]})
    store.write_version({"projects": frame}, expected_version=0)
    with pytest.raises(VersionConflict):
        store.write_version({"projects": frame}, expected_version=0)
    assert store.current_version() == 1


def test_five_rows_over_the_demo_portfolio(make_xlsx):
    from pmo_data.demo.generate import load_demo

    s = Store(":memory:")
    try:
        load_demo(s)
        n = s.counts()["projects"]
        rows = [["Project ID", "Project Name", "RAG"]] + [
            [f"NEW-{i}", f"New project {i}", "Green"] for i in range(5)
        ]
        plan = _plan(s, make_xlsx, {"Projects": rows})
        prop = plan.proposals["projects"]
        assert prop.mode == "merge" and f"0 of the {n:,} projects" in prop.reason
        assert plan.effects["projects"].after == n + 5 and not plan.confirmations
        replace = _plan(s, make_xlsx, {"Projects": rows}, modes="replace")
        (reason,) = replace.confirmations
        assert f"removes {n:,} of the {n:,} projects stored (100%)" in reason
        with pytest.raises(importer.NeedsConfirmation):
            importer.apply(replace, s)
        importer.apply(plan, s)
        assert s.counts()["projects"] == n + 5
    finally:
        s.close()


def test_an_unrecognised_sheet_beside_others_is_skipped_not_an_error(store, make_xlsx):
    pivot = [["Sum of budget", "Column labels"], ["Row labels", 1200]]
    plan = _plan(store, make_xlsx, {"Projects": TEN, "Pivot": pivot})
    assert not plan.has_errors
    skipped = plan.report.issues.query("rule == 'skipped' and sheet == 'Pivot'")
    assert skipped["severity"].tolist() == ["info"] and "skipped" in skipped["message"].iloc[0]
    pivot_result = next(s for s in plan.report.sheets if s.sheet == "Pivot")
    assert pivot_result.rows_rejected == 0
    importer.apply(plan, store)  # no acceptance needed
    assert store.counts()["projects"] == 10
    alone = _plan(store, make_xlsx, {"Pivot": pivot})  # nothing recognised: still refused
    assert alone.has_errors
