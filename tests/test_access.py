"""Access: permissions, the access table, the audit log, the viewer a request gets, sign-in
configuration, and the CLI commands. The store refuses what a viewer may not do, whatever
the page shows."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pmo_data import settings
from pmo_data.analytics import maturity
from pmo_data.analytics.savings import double_counting as dc
from pmo_data.analytics.savings import estimators
from pmo_data.analytics.value import scoring
from pmo_data.cli import main
from pmo_data.ingest import mapping
from pmo_data.store import access_table, scope
from pmo_data.store.access import (
    ACTIONS,
    DOCUMENT_ACTIONS,
    GROUPS,
    Grant,
    PermissionDenied,
    Viewer,
    may,
    may_grant_admin,
)
from pmo_data.store.versions import Store
from pmo_data.store.view_request import (
    allowed_for_grants,
    allowed_locally,
    choose_filters,
    choose_view,
    grants_for,
    resolve,
)
from pmo_data.ui.signin import check, session_expired

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = pd.DataFrame(
    {
        "project_id": ["P1", "P2", "P3"],
        "name": ["Alpha", "Beta", "Gamma"],
        "sponsor": ["Ann", "Bob", "Ann"],
        "customer_id": ["C1", "C2", "C1"],
        "portfolio": ["North", "South", "North"],
    }
)
CUSTOMERS = pd.DataFrame(
    {"customer_id": ["C1", "C2"], "name": ["Acme", "Globex"], "account_lead": ["Ann", "Cy"]}
)


def signed(group, person=None, admin=False, **kw) -> Viewer:
    return Viewer(group, person, identity=f"{group}@example.org", admin=admin, signed_in=True, **kw)


# -- permissions -----------------------------------------------------------------------------
STEWARD = ("import", "rollback", "clear", "mapping", "access")


@pytest.mark.parametrize("group", list(GROUPS))
def test_signed_in_only_pmo_analysts_and_admins_change_data_and_access(group):
    for action in STEWARD:
        assert may(signed(group, "X"), action) == (group == "pmo_analyst"), (group, action)
        assert may(signed(group, "X", admin=True), action)


@pytest.mark.parametrize("group", list(GROUPS))
def test_local_mode_pmo_analyst_and_executive_views_change_data(group):
    for action in STEWARD:
        assert may(Viewer(group, "X"), action) == (group in ("pmo_analyst", "executive"))


def test_whole_pmo_decisions_follow_the_page_rules_and_view_as_changes_nothing():
    for action in ("double_count", "assumptions", "maturity"):
        assert may(signed("executive"), action) and may(Viewer("pmo_analyst"), action)
        assert not may(signed("sponsor", "Ann", admin=True), action)
    assert may(signed("sponsor", "Ann"), "weights")
    checking = signed("executive", viewed_by="admin@example.org")
    assert not any(may(checking, a) for a in ACTIONS)
    assert not may_grant_admin(checking)
    assert may(Viewer("sponsor", "Ann", via="cli"), "import")  # the command line


def test_every_saved_document_kind_is_a_declared_change():
    kinds = {
        mapping_kind
        for mapping_kind in (
            "mapping",
            scoring.PROFILE_KIND,
            dc.RESOLUTION_KIND,
            estimators.ASSUMPTION_KIND,
            maturity.KIND,
        )
    }
    assert kinds == set(DOCUMENT_ACTIONS)
    assert set(DOCUMENT_ACTIONS.values()) <= set(ACTIONS)


# -- the store refuses and records -----------------------------------------------------------
@pytest.fixture
def loaded(store):
    store.write_version(
        {"projects": PROJECTS, "customers": CUSTOMERS}, viewer=signed("pmo_analyst")
    )
    return store


def test_store_refuses_changes_from_views_that_may_not(loaded):
    sponsor = signed("sponsor", "Ann")
    with pytest.raises(PermissionDenied, match="may not import data"):
        loaded.write_version({"projects": PROJECTS}, viewer=sponsor)
    with pytest.raises(PermissionDenied, match="roll back"):
        loaded.rollback(1, viewer=sponsor)
    with pytest.raises(PermissionDenied, match="clear"):
        loaded.clear(viewer=signed("executive"))
    with pytest.raises(PermissionDenied, match="column mapping"):
        loaded.save_document("mapping", "sig", {}, viewer=sponsor)
    with pytest.raises(PermissionDenied, match="maturity"):
        maturity.save(loaded, {"done": 1}, "x", viewer=sponsor)
    with pytest.raises(PermissionDenied, match="viewing as"):
        loaded.rollback(1, viewer=signed("pmo_analyst", viewed_by="admin@example.org"))
    assert loaded.current_version() == 1
    assert list(loaded.audit_log()["action"]) == ["import"]  # refusals change nothing


def test_every_change_is_in_the_audit_log_with_who_and_from_where(loaded):
    analyst = signed("pmo_analyst")
    loaded.write_version({"projects": PROJECTS.head(2)}, viewer=analyst, files=[{"name": "p.xlsx"}])
    loaded.rollback(1, viewer=analyst)
    loaded.clear(viewer=signed("sponsor", "Ann", admin=True))
    mapping.remember(loaded, "sig", "projects", mapping.Mapping("projects", []), viewer=analyst)
    scoring.save_profile(
        loaded,
        "mine",
        scoring.DEFAULT_WEIGHTS,
        "blend",
        0.5,
        author="a",
        scope="sponsor",
        viewer=signed("sponsor", "Ann"),
    )
    maturity.save(loaded, {"done": 3}, "exec", viewer=signed("executive"))
    access_table.save(loaded, [Grant("z@example.org", "executive")], analyst)
    loaded.record_audit(signed("pmo_analyst", admin=True), "view_as", "checked z")
    log = loaded.audit_log()
    assert list(log["action"])[::-1] == [
        "import",
        "import",
        "rollback",
        "clear",
        "mapping",
        "weights",
        "maturity",
        "access",
        "view_as",
    ]
    assert set(log["via"]) == {"app"}
    assert "p.xlsx" in log["summary"].iloc[-2]
    assert log.loc[log["action"] == "clear", "actor"].item() == "sponsor@example.org"
    program = Store(":memory:")
    program.write_version({"projects": PROJECTS})
    assert program.audit_log()["via"].tolist() == ["cli"]
    program.close()


def test_nothing_in_the_code_edits_or_deletes_the_audit_log():
    pattern = re.compile(r"(DELETE\s+FROM|UPDATE|DROP\s+TABLE|TRUNCATE)\s+audit_log", re.I)
    offenders = [
        str(p.relative_to(ROOT))
        for p in list((ROOT / "pmo_data").rglob("*.py")) + list((ROOT / "views").glob("*.py"))
        if pattern.search(p.read_text())
    ]
    assert offenders == []


# -- the access table ------------------------------------------------------------------------
def test_clean_accepts_labels_aliases_and_yes_no_and_lists_every_problem():
    frame = pd.DataFrame(
        {
            "E-mail": [" Ann@Example.org ", "bob@example.org", "", "cy@example.org"],
            "Role": ["Customer account lead", "executive", "", "Sponsor"],
            "Name in the data": ["Ann", "ignored", "", "Cy"],
            "Administrator": ["no", "Yes", "", ""],
        }
    )
    grants = access_table.clean(frame)
    assert grants == [
        Grant("ann@example.org", "account_lead", "Ann", False),
        Grant("bob@example.org", "executive", None, True),
        Grant("cy@example.org", "sponsor", "Cy", False),
    ]
    bad = pd.DataFrame(
        {
            "email": ["nope", "a@example.org", "b@example.org", "c@example.org"],
            "group": ["executive", "boss", "sponsor", "executive"],
            "person": [None, None, None, None],
            "admin": [None, None, None, "maybe"],
        }
    )
    with pytest.raises(access_table.AccessTableError) as err:
        access_table.clean(bad)
    assert [p.split(":")[0] for p in err.value.problems] == ["row 2", "row 3", "row 4", "row 5"]


def test_sheet_import_xlsx_and_csv(tmp_path, make_xlsx):
    rows = [["Email", "Group", "Person", "Admin"], ["a@example.org", "Sponsor", "Ann", "yes"]]
    xlsx = tmp_path / "access.xlsx"
    xlsx.write_bytes(make_xlsx({"Intro": [["Who sees what"]], "Access": rows}))
    assert access_table.read_sheet(xlsx) == [Grant("a@example.org", "sponsor", "Ann", True)]
    csv = tmp_path / "access.csv"
    csv.write_text("email;group\nb@example.org;PMO analyst\n")
    assert access_table.read_sheet(csv) == [Grant("b@example.org", "pmo_analyst")]


def test_access_versions_keep_history_and_only_admins_make_admins(store):
    analyst, admin = signed("pmo_analyst"), signed("executive", admin=True)
    v1 = access_table.save(store, [Grant("a@example.org", "sponsor", "Ann")], analyst)
    assert access_table.save(store, [Grant("a@example.org", "sponsor", "Ann")], analyst) == v1
    with pytest.raises(PermissionDenied, match="only an admin"):
        access_table.save(store, [Grant("a@example.org", "sponsor", "Ann", True)], analyst)
    with pytest.raises(PermissionDenied):
        access_table.save(store, [], signed("sponsor", "Ann"))
    v2 = access_table.save(store, [Grant("A@Example.org", "sponsor", "Ann", True)], admin)
    assert store.access_grants() == [Grant("a@example.org", "sponsor", "Ann", True)]
    assert store.access_grants(v1) == [Grant("a@example.org", "sponsor", "Ann", False)]
    assert list(access_table.history(store)["version"]) == [v2, v1]
    detail = json.loads(store.audit_log(action="access")["detail"].iloc[0])
    assert detail["added"] == ["a@example.org: Sponsor as Ann (admin)"]


# -- the viewer a request gets ---------------------------------------------------------------
TABLE = [
    Grant("ann@example.org", "account_lead", "Ann"),
    Grant("ann@example.org", "sponsor", "Ann"),
    Grant("boss@example.org", "executive", None, True),
]


def test_grants_for_ignores_case_and_admins_from_configuration_get_in():
    assert [g.group for g in grants_for(" ANN@example.org", TABLE)] == ["account_lead", "sponsor"]
    assert grants_for("stranger@example.org", TABLE) == []
    (first,) = grants_for("root@example.org", TABLE, admins=["Root@example.org"])
    assert first.admin and first.group == "pmo_analyst"
    assert all(g.admin for g in grants_for("ann@example.org", TABLE, admins=["ann@example.org"]))


def test_an_account_lead_asking_for_the_executive_view_keeps_their_own():
    allowed = allowed_for_grants(grants_for("ann@example.org", TABLE))
    group, person, notes = choose_view({"group": "executive"}, allowed)
    assert (group, person) == ("account_lead", "Ann")
    assert "Executive view, which your access does not include" in notes[0]
    assert choose_view({"group": "sponsor"}, allowed)[:2] == ("sponsor", "Ann")
    assert choose_view({"group": "sponsor", "person": "Bob"}, allowed)[:2] == (
        "account_lead",
        "Ann",
    )
    assert choose_view({}, allowed) == ("account_lead", "Ann", [])


def test_local_mode_bad_requests_give_a_view_of_nothing():
    allowed = allowed_locally(lambda g: {"sponsor": ["Ann", "Bob"]}.get(g, []))
    assert choose_view({}, allowed)[:2] == ("executive", None)
    assert choose_view({"group": "sponsor"}, allowed)[:2] == ("sponsor", "Ann")
    for params in (
        {"group": "admin"},
        {"group": "sponsor", "person": "Mallory"},
        {"group": ["executive", "pmo_analyst"]},
        {"group": ""},
    ):
        group, person, notes = choose_view(params, allowed)
        assert person is None and group in ("sponsor", "project_manager"), params
        assert notes and "narrowest" in notes[0]


def test_filters_outside_the_view_are_kept_and_bad_ones_empty_the_view(store):
    store.write_version({"projects": PROJECTS, "customers": CUSTOMERS})
    ann = Viewer("account_lead", "Ann")
    choices = {"customer": ["C1"], "portfolio": ["North"], "service": []}
    f, notes = choose_filters({"customer": "C2"}, choices.get)
    assert f.customer == "C2" and not f.nothing and "not in your view" in notes[0]
    assert scope.frame(store, "projects", ann, f).empty
    for bad in (
        {"from": "31/12/2025"},
        {"from": "2026-02-01", "to": "2026-01-01"},
        {"customer": ["C1", "C2"]},
    ):
        f, notes = choose_filters(bad, choices.get)
        assert f.nothing and notes, bad
        assert scope.frame(store, "projects", Viewer("executive"), f).empty
    f, notes = choose_filters({"from": "2026-01-01"}, choices.get)
    assert f.date_from == date(2026, 1, 1) and not notes


def test_sidebar_choices_come_from_the_scoped_rows(store):
    store.write_version({"projects": PROJECTS, "customers": CUSTOMERS})
    ann = Viewer("account_lead", "Ann")
    assert scope.choices(store, "customers", "customer_id", "name", ann) == [("C1", "Acme")]
    assert scope.choices(store, "projects", "portfolio", None, ann) == [("North", "North")]
    full = scope.choices(store, "customers", "customer_id", "name", Viewer("executive"))
    assert [c for c, _ in full] == ["C1", "C2"]


def test_resolve_builds_the_viewer_from_the_grants_only(store):
    store.write_version({"projects": PROJECTS, "customers": CUSTOMERS})
    allowed = allowed_for_grants(grants_for("ann@example.org", TABLE))
    res = resolve(
        {"group": "admin", "customer": "C2"},
        identity="ann@example.org",
        allowed=allowed,
        options=lambda v, p: [
            c for c, _ in scope.choices(store, "customers", "customer_id", "name", v)
        ],
        signed_in=True,
    )
    assert (res.viewer.group, res.viewer.person, res.viewer.signed_in) == (
        "account_lead",
        "Ann",
        True,
    )
    assert res.filters.customer == "C2" and len(res.notes) == 2


def test_narrow_views_see_only_their_history_and_diff_rows(store):
    store.write_version({"projects": PROJECTS, "customers": CUSTOMERS})
    changed = PROJECTS.assign(name=["Alpha 2", "Beta 2", "Gamma"])
    store.write_version({"projects": changed.iloc[[0, 1]]})
    ann = Viewer("sponsor", "Ann")
    assert list(scope.history(store, ann).columns) == ["version", "created_at", "action"]
    d = scope.diff(store, ann, 1, 2)["projects"]
    assert set(d.changed.iloc[:, 0]) == {"P1"} and list(d.removed["project_id"]) == ["P3"]
    whole = scope.diff(store, Viewer("executive"), 1, 2)["projects"]
    assert set(whole.changed.iloc[:, 0]) == {"P1", "P2"}


# -- sign-in configuration -------------------------------------------------------------------
def test_auth_configuration_problems_are_named():
    good = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 40,
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration",
    }
    assert check(good).problems == () and check(good).providers == ("default",)
    missing = check({k: v for k, v in good.items() if k != "cookie_secret"})
    assert "cookie_secret" in missing.problems[0]
    assert "at least 32" in check(good | {"cookie_secret": "short"}).problems[0]
    named = {
        "redirect_uri": good["redirect_uri"],
        "cookie_secret": good["cookie_secret"],
        "microsoft": {"client_id": "a", "client_secret": "b", "server_metadata_url": "c"},
        "google": {"client_id": "a"},
    }
    cfg = check(named)
    assert cfg.providers == ("microsoft", "google")
    assert cfg.problems == ("[auth.google] is missing client_secret, server_metadata_url",)


def test_sessions_expire_after_the_configured_hours(monkeypatch):
    monkeypatch.setenv("PMO_SESSION_HOURS", "2")
    assert not session_expired({"iat": 1000.0}, now=1000.0 + 3600)
    assert session_expired({"iat": 1000.0, "auth_time": 0}, now=1000.0 + 3 * 3600)
    assert session_expired({}, now=1.0)  # no time claim: sign in again


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert all(s.name in readme for s in settings.SETTINGS)
    assert settings.admins() == frozenset() or all("@" in a for a in settings.admins())


# -- command line ----------------------------------------------------------------------------
def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_access_import_list_and_audit(tmp_path, tmp_db, capsys):
    sheet = tmp_path / "access.csv"
    sheet.write_text("Email,Group,Person,Admin\nann@example.org,Account lead,Ann,no\n")
    code, out, err = run(["access", "import", sheet, "--db", tmp_db], capsys)
    assert code == 0 and "1 rows (1 added, 0 removed), access version 1" in out
    code, out, _ = run(["access", "list", "--db", tmp_db, "--json"], capsys)
    assert json.loads(out)["rows"] == [
        {"email": "ann@example.org", "group": "account_lead", "person": "Ann", "admin": False}
    ]
    code, out, _ = run(["access", "list", "--db", tmp_db], capsys)
    assert "ann@example.org" in out and "account_lead" in out
    sheet.write_text("email,group\nnot an email,executive\n")
    code, out, err = run(["access", "import", sheet, "--db", tmp_db], capsys)
    assert code == 1 and "row 2" in err and "not changed" in err
    code, out, _ = run(["audit", "--db", tmp_db, "--json"], capsys)
    (entry,) = json.loads(out)
    assert entry["action"] == "access" and entry["via"] == "cli"
    assert entry["detail"]["added"] == ["ann@example.org: Customer account lead as Ann"]
    code, out, _ = run(["audit", "--db", tmp_db, "--action", "import"], capsys)
    assert code == 0 and out.strip() == "no audit entries"
