"""AppTest: sign-in and access in the running app, with Streamlit's `[auth]` configured and
`st.user` simulated (the browser tests sign in for real against oidc-provider-mock).

An executive, an account lead who then tries `?group=executive`, someone not in the table,
an admin who edits the access table and views as someone else, a misconfigured `[auth]`, an
expired session, and local mode saying it is local.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from pmo_data.demo.generate import load_demo
from pmo_data.store import access_table, scope
from pmo_data.store.access import Grant, Viewer
from pmo_data.store.versions import Store
from tests.apptest_support import ROOT, plain

pytestmark = pytest.mark.app

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "0123456789abcdef" * 4,
    "client_id": "pmo",
    "client_secret": "pmo-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A demo store with an access table: an executive, an account lead (also a sponsor), a
    PMO analyst, an admin."""
    path = str(tmp_path_factory.mktemp("signin") / "pmo.duckdb")
    store = Store(path)
    load_demo(store, scale=0.2)
    lead = (
        store.cursor()
        .execute("SELECT account_lead FROM customers GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        .fetchall()[0][0]
    )
    sponsor = store.cursor().execute("SELECT min(sponsor) FROM projects").fetchall()[0][0]
    table = [
        Grant("exec@example.org", "executive"),
        Grant("lead@example.org", "account_lead", lead),
        Grant("lead@example.org", "sponsor", sponsor),
        Grant("analyst@example.org", "pmo_analyst"),
        Grant("admin@example.org", "sponsor", sponsor, admin=True),
    ]
    access_table.save(store, table, Viewer("pmo_analyst", identity="setup", via="cli"))
    mine = scope.choices(store, "customers", "customer_id", "name", Viewer("account_lead", lead))
    store.close()
    return {"db": path, "lead": lead, "sponsor": sponsor, "customers": mine}


def signed_in(monkeypatch, db, email, auth=AUTH, signed_at=None, **params) -> AppTest:
    monkeypatch.setenv("PMO_DB", db)
    monkeypatch.setenv("PMO_ADMINS", "root@example.org")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.secrets["auth"] = dict(auth)
    if email is not None:
        at.user = {
            "is_logged_in": True,
            "email": email,
            "name": email.split("@")[0],
            "iat": signed_at or time.time(),
            "provider": "default",
        }
    else:
        at.user = {"is_logged_in": False}
    for k, v in params.items():
        at.query_params[k] = v
    return at


def text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [w.value for w in at.warning] + [i.value for i in at.info] + [t.value for t in at.title]
    )
    return plain("\n".join(parts)).replace("&#64;", "@")  # as shown


def viewer(at) -> Viewer:
    return at.session_state["viewer"]


def test_nothing_but_a_sign_in_page_before_signing_in(monkeypatch, world):
    at = signed_in(monkeypatch, world["db"], None)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and not at.sidebar.selectbox and not at.metric
    assert "viewer" not in at.session_state


def test_executive_sees_everything_but_imports_nothing(monkeypatch, world):
    at = signed_in(monkeypatch, world["db"], "exec@example.org")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    v = viewer(at)
    assert (v.group, v.identity, v.signed_in) == ("executive", "exec@example.org", True)
    assert "local mode" not in text(at)
    assert any(b.label == "Sign out" for b in at.sidebar.button)
    at.switch_page("views/data.py").run()
    assert not at.exception
    assert "Upload exports" not in [s.value for s in at.subheader]
    assert "Audit log" not in [s.value for s in at.subheader]
    assert not [b for b in at.button if b.key in ("rollback_open", "clear_open")]


def test_account_lead_asking_for_the_executive_view_keeps_their_own(monkeypatch, world):
    at = signed_in(monkeypatch, world["db"], "lead@example.org", group="executive")
    at.run()
    assert not at.exception
    v = viewer(at)
    assert (v.group, v.person) == ("account_lead", world["lead"])
    assert any(
        "Executive view, which your access does not include" in plain(w.value) for w in at.warning
    )
    assert at.selectbox(key="sb_group").options == ["Customer account lead", "Sponsor"]
    offered = at.selectbox(key="sb_customer").options
    assert offered[1:] == [name for _, name in world["customers"]]
    assert at.query_params["group"] in ("account_lead", ["account_lead"])
    at.selectbox(key="sb_group").select("sponsor").run()
    assert (viewer(at).group, viewer(at).person) == ("sponsor", world["sponsor"])
    at.query_params["group"] = "pmo_analyst"  # the link edited in the running session
    at.run()
    assert (viewer(at).group, viewer(at).person) == ("account_lead", world["lead"])
    assert any(
        "PMO analyst view, which your access does not include" in plain(w.value) for w in at.warning
    )


def test_someone_not_in_the_table_sees_whom_to_ask_and_no_data(monkeypatch, world):
    at = signed_in(monkeypatch, world["db"], "stranger@example.org", group="executive")
    at.run()
    assert not at.exception
    assert "not in the access table" in at.title[0].value
    assert "admin@example.org" in text(at) and "root@example.org" in text(at)
    assert not at.dataframe and not at.metric and "viewer" not in at.session_state
    assert [b.label for b in at.button] == ["Sign out"]


def test_admin_edits_the_table_and_views_as_someone(monkeypatch, world, tmp_path):
    import shutil

    db = str(tmp_path / "admin.duckdb")
    shutil.copy(world["db"], db)
    at = signed_in(monkeypatch, db, "admin@example.org")
    at.run()
    at.switch_page("views/access.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="ac_add_email").input("New.Person@example.org")
    at.selectbox(key="ac_add_group").select("service_owner").run()
    at.text_input(key="ac_add_person").input("Nobody In Data")
    at.button(key="ac_add").click().run()
    assert any("access version 2" in plain(s.value) for s in at.success), text(at)
    store = Store(db)
    assert (
        Grant("new.person@example.org", "service_owner", "Nobody In Data") in store.access_grants()
    )
    assert store.audit_log(action="access")["actor"].iloc[0] == "admin@example.org"
    store.close()
    at.selectbox(key="sb_view_as").select("lead@example.org").run()
    assert not at.exception
    v = viewer(at)
    assert (v.identity, v.viewed_by, v.group) == (
        "lead@example.org",
        "admin@example.org",
        "account_lead",
    )
    assert "Viewing as lead@example.org" in text(at)
    store = Store(db)
    log = store.audit_log(action="view_as")
    assert list(log["summary"]) == ["admin@example.org viewed as lead@example.org"]
    store.close()
    at.button(key="stop_view_as").click().run()
    assert viewer(at).identity == "admin@example.org" and viewer(at).viewed_by is None


def test_a_pmo_analyst_may_import_and_sees_the_audit_log(monkeypatch, world):
    at = signed_in(monkeypatch, world["db"], "analyst@example.org")
    at.switch_page("views/data.py").run()
    assert not at.exception
    heads = [s.value for s in at.subheader]
    assert "Upload exports" in heads and "Audit log" in heads


def test_missing_cookie_secret_stops_with_a_clear_error(monkeypatch, world):
    auth = {k: v for k, v in AUTH.items() if k != "cookie_secret"}
    at = signed_in(monkeypatch, world["db"], "exec@example.org", auth=auth)
    at.run()
    assert "misconfigured" in at.title[0].value
    assert "cookie_secret" in plain(at.error[0].value)
    assert "viewer" not in at.session_state


def test_an_expired_session_asks_to_sign_in_again(monkeypatch, world):
    monkeypatch.setenv("PMO_SESSION_HOURS", "1")
    at = signed_in(monkeypatch, world["db"], "exec@example.org", signed_at=time.time() - 7200)
    at.run()
    assert at.title[0].value == "Your session has expired"
    assert [b.label for b in at.button] == ["Sign in again"]
    assert "viewer" not in at.session_state


def test_local_mode_says_it_is_local(monkeypatch, world):
    monkeypatch.setenv("PMO_DB", world["db"])
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.run()
    assert not at.exception
    assert "local mode: one local user" in text(at)
    assert not viewer(at).signed_in
    at.switch_page("views/access.py").run()  # the executive view keeps the table locally
    assert not at.exception
    assert "not enforced yet" in text(at) and at.button(key="ac_add")
    at.selectbox(key="sb_group").select("sponsor").run()
    assert not [b for b in at.button if b.key == "ac_add"]


QUERY = st.dictionaries(
    st.sampled_from(["group", "person", "customer", "service", "portfolio", "from", "to"]),
    st.one_of(
        st.sampled_from(
            [
                "executive",
                "admin",
                "pmo_analyst",
                "sponsor",
                "C-0001",
                "2026-01-01",
                "",
                "not a date",
            ]
        ),
        st.text(max_size=8),
    ),
    max_size=4,
)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(params=QUERY)
def test_random_query_strings_never_widen_the_signed_in_view(monkeypatch, world, params):
    at = signed_in(monkeypatch, world["db"], "lead@example.org", **params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    v = viewer(at)
    assert (v.group, v.person) in (("account_lead", world["lead"]), ("sponsor", world["sponsor"]))
    names = {name for _, name in world["customers"]}
    if v.group == "account_lead":
        offered = set(at.selectbox(key="sb_customer").options[1:])
        assert {o for o in offered if "(not in your view)" not in o} <= names
    f = at.session_state["filters"]
    for param in ("customer", "service", "portfolio"):
        if params.get(param) and params[param].strip():
            assert getattr(f, param) == params[param]
        elif params.get(param):  # blank is malformed: the view is emptied (fails closed)
            assert f.nothing
