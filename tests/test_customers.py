"""Customer health on hand-built data: the score, its reasons in words, cadence, the map."""

from datetime import date

import pandas as pd
import pytest

from pmo_data.analytics import customers
from pmo_data.store.access import Viewer

EXEC = Viewer("executive")
AS_OF = date(2026, 6, 30)


def build(store):
    cust = pd.DataFrame(
        {
            "customer_id": ["C-1", "C-2"],
            "name": ["Happy Co", "Troubled Ltd"],
            "segment": ["Retail", "Health"],
            "tier": ["Strategic", "Standard"],
            "account_lead": ["Ann", "Bob"],
            "annual_value": [1_000_000.0, 200_000.0],
            "last_contact_date": pd.to_datetime(["2026-06-20", "2026-03-01"]),
            "contact_cadence_days": [30.0, 30.0],
        }
    )
    fb = pd.DataFrame(
        {
            "response_id": [f"R-{i}" for i in range(20)],
            "date": pd.to_datetime(["2026-06-01"] * 20),
            "customer_id": ["C-1"] * 10 + ["C-2"] * 10,
            "nps": [10.0] * 10 + [2.0] * 10,
            "csat": [5.0] * 10 + [1.0] * 10,
            "nps_scale": "0-10",
        }
    )
    projects = pd.DataFrame(
        {
            "project_id": ["P-1", "P-2", "P-3"],
            "name": ["Alpha", "Beta", "Gamma"],
            "customer_id": ["C-1", "C-2", "C-2"],
            "rag": ["Green", "Red", "Red"],
        }
    )
    actions = pd.DataFrame(
        {
            "action_id": ["A-1", "A-2"],
            "title": ["Fix", "Fix again"],
            "customer_id": ["C-2", "C-2"],
            "status": ["Open", "Open"],
            "due_date": pd.to_datetime(["2026-05-01", "2026-05-02"]),
        }
    )
    store.write_version(
        {"customers": cust, "feedback": fb, "projects": projects, "actions": actions}
    )


def test_health_scores_and_reasons(store):
    build(store)
    h = customers.health(store, EXEC, as_of=AS_OF).set_index("customer_id")
    assert h.loc["C-1", "health"] == 100 and h.loc["C-1", "reasons"] == "no warning signs"
    # C-2: NPS -100 (0), CSAT 0, actions 1 - 0.5 = 0.5, projects 0, contact 91 days late (0)
    # trend missing -> weights 30+20+10+20+10 = 90; score = 100 * 10*0.5 / 90 = 5.6
    assert h.loc["C-2", "health"] == pytest.approx(6)
    assert h.loc["C-2", "band"] == "Red" and bool(h.loc["C-2", "at_risk"])
    why = h.loc["C-2", "reasons"]
    assert why.startswith("NPS -100 (n=10)")
    assert "2 Red and 0 Amber of 2 projects" in why and "CSAT 0% satisfied" in why
    assert "days overdue (cadence 30 days)" in why
    assert h.loc["C-2", "days_overdue"] == (AS_OF - date(2026, 3, 1)).days - 30


def test_lists_and_map(store):
    build(store)
    assert customers.top_five(store, EXEC)["customer"].tolist() == ["Happy Co", "Troubled Ltd"]
    assert customers.key_customers(store, EXEC)["customer"].tolist() == ["Happy Co"]
    assert customers.overdue_contacts(store, EXEC)["customer"].tolist()[0] == "Troubled Ltd"
    m = customers.customer_map(store, EXEC)
    assert set(m["parent"]) == {"", "seg:Retail", "seg:Health", "cus:C-1", "cus:C-2"}
    prj = m[m["id"].str.startswith("prj:")].set_index("id")
    assert prj.loc["prj:P-2", "value"] == pytest.approx(100_000)  # C-2's value split in two


def test_lists_as_conditions_give_the_same_rows(store):
    """The page pages through `health` with LISTS; the rows are those of the list functions."""
    import duckdb

    build(store)
    h = customers.health(store, EXEC)
    for name, fn in (
        ("at_risk", customers.at_risk),
        ("key", customers.key_customers),
        ("overdue", customers.overdue_contacts),
    ):
        con = duckdb.connect()
        con.register("h", h)
        got = con.execute(f"SELECT customer_id FROM h WHERE {customers.LISTS[name]}").fetchall()
        assert sorted(r[0] for r in got) == sorted(fn(store, EXEC)["customer_id"]), name


def test_map_groups_smaller_customers_and_extra_projects(store):
    build(store)
    m = customers.customer_map(store, EXEC, tiles=1, per_customer=1)  # 5 customers a segment
    assert not m["id"].str.startswith("oth:").any()  # two customers: nothing to group
    more = m[m["id"].str.startswith("prm:")].set_index("id")
    assert more.loc["prm:C-2", "label"] == "1 more projects"
    assert more.loc["prm:C-2", "value"] == pytest.approx(100_000)
    listed = m[m["parent"] == "cus:C-2"]
    assert listed["value"].sum() == pytest.approx(200_000)  # the tile still adds up
    assert (m[m["parent"] == "cus:C-2"]["id"] == "prj:P-2").any()  # Red before the rest by name


def test_map_groups_customers_beyond_the_tile_budget(store):
    cust = pd.DataFrame(
        {
            "customer_id": [f"C-{i}" for i in range(12)],
            "name": [f"Customer {i}" for i in range(12)],
            "segment": ["Retail"] * 12,
            "tier": ["Standard"] * 12,
            "annual_value": [float(1000 * (i + 1)) for i in range(12)],
        }
    )
    store.write_version({"customers": cust})
    m = customers.customer_map(store, EXEC, tiles=5)
    shown = m[m["id"].str.startswith("cus:")]
    assert sorted(shown["label"]) == [f"Customer {i}" for i in (10, 11, 7, 8, 9)]
    other = m[m["id"] == "oth:Retail"].iloc[0]
    assert other["label"] == "7 smaller customers"
    assert other["value"] == pytest.approx(sum(1000 * (i + 1) for i in range(7)))
    seg = m[m["id"] == "seg:Retail"].iloc[0]
    assert seg["value"] == pytest.approx(shown["value"].sum() + other["value"])


def test_scoped_to_account_lead(store):
    build(store)
    h = customers.health(store, Viewer("account_lead", "Ann"), as_of=AS_OF)
    assert h["customer"].tolist() == ["Happy Co"]
    assert customers.health(store, Viewer("account_lead", "Nobody")).empty


def test_empty_store(store):
    assert customers.health(store, EXEC).empty
    assert customers.customer_map(store, EXEC).empty


def test_nps_zero_and_contact_overdue_are_warning_signs(store):
    """A customer whose NPS is 0 (as many detractors as promoters) and whose contact is a
    little overdue is not 'no warning signs', though each signal sits mid-scale."""
    build(store)
    cust = store.df("SELECT * FROM customers").assign(
        last_contact_date=pd.to_datetime(["2026-05-20", "2026-03-01"])  # C-1: 11 days late
    )
    fb = store.df("SELECT * FROM feedback")
    fb.loc[fb["customer_id"] == "C-1", "nps"] = [10.0] * 5 + [2.0] * 5  # NPS 0
    store.write_version({"customers": cust, "feedback": fb})
    h = customers.health(store, EXEC, as_of=AS_OF).set_index("customer_id")
    why = h.loc["C-1", "reasons"]
    assert "NPS +0 (n=10)" in why and "last contact 11 days overdue" in why, why
    assert why != "no warning signs"


def test_map_names_every_segment_and_wraps_customer_names():
    """Every segment's header (drawn from its label) is named, shortened with '…' only when
    its tile is small; customer names are wrapped by a template per tile whose line breaks are
    code and whose words are escaped data; the full name is on hover."""
    from pmo_data.charts import customers as charts
    from pmo_data.charts.margins import text_px
    from pmo_data.escaping import escape_figure

    long = "Customer services shared services, East Midlands"
    project = "Payroll migration – Customer services shared services, East Midlands"
    nodes = pd.DataFrame(
        {
            "id": ["seg:Big", "seg:Tiny", "cus:C-1", "cus:C-2", "cus:C-3", "prj:P-1"],
            "parent": ["", "", "seg:Big", "seg:Big", "seg:Tiny", "cus:C-1"],
            "label": [
                "Local government",
                "Internal business unit",
                long,
                "Avon <b>",
                "Wee Co",
                project,
            ],
            "value": [990.0, 10.0, 900.0, 90.0, 10.0, 900.0],
            "health": [70.0, 40.0, 72.0, 60.0, 40.0, 72.0],
            "detail": ["segment", "segment", "no warning signs", "", "", "RAG Red"],
        }
    )
    fig = escape_figure(charts.customer_map(nodes))
    tree = fig.data[0]
    segments = [
        label for label, parent in zip(tree.labels, tree.parents, strict=True) if not parent
    ]
    assert segments[0] == "Local government"  # room for it: whole
    assert segments[1].endswith("…") and len(segments[1]) > 2  # 1% of the map: shortened
    assert all(s and text_px(s, charts.LABEL_PX) <= 100 for s in segments)
    assert fig.layout.uniformtext.mode == "hide" and fig.layout.uniformtext.minsize <= 10
    assert tree.marker.pad.t >= charts.LABEL_PX * 2  # a header band the name fits in

    custom = [list(row) for row in tree.customdata]
    i = list(tree.ids).index("cus:C-1")
    lines = [line for line in custom[i][3:] if line]
    assert len(lines) == 3 and all(len(line) <= charts.LINE for line in lines)
    assert tree.texttemplate[i] == "%{customdata[3]}<br>%{customdata[4]}<br>%{customdata[5]}"
    assert " ".join(lines).rstrip("…").replace("…", "") in long  # the words, in order
    assert custom[i][2] == long and "%{customdata[2]}" in tree.hovertemplate  # full on hover
    j = list(tree.ids).index("cus:C-2")
    assert custom[j][3] == "Avon &lt;b&gt;"  # the data escaped; only the template has markup
    assert all(
        set(t.replace("<br>", "")) <= set("%{}customdata[]0123456789") for t in tree.texttemplate
    )
    k = list(tree.ids).index("prj:P-1")  # seen only opened, in a large tile: more room
    lines = [line for line in custom[k][3:] if line]
    assert len(lines) == charts.PROJECT_LINES and all(len(x) <= charts.PROJECT_LINE for x in lines)
