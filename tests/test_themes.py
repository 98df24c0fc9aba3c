"""Themes on a small synthetic corpus, sentiment fallback, drivers and the explorer."""

import pandas as pd
import pytest

from pmo_data.analytics.feedback import themes
from pmo_data.store.access import Viewer

EXEC = Viewer("executive")
BILLING = [
    "invoice was wrong and billing took weeks",
    "billing errors on every invoice",
    "the invoice payment portal failed",
    "payment and billing need fixing, invoice late",
    "wrong invoice amount, billing support slow",
    "billing payment invoice confusion again",
]
TRAINING = [
    "training course was practical and the trainer helpful",
    "great training sessions, course materials clear",
    "the trainer ran an excellent course",
    "more training sessions please, course was useful",
    "training course trainer knew the tools",
    "practical training, trainer and course both good",
]


def test_two_separated_topics_are_recovered():
    theme, labels = themes.fit_themes(pd.Series(BILLING + TRAINING), k=2)
    assert len(labels) == 2
    assert len(set(theme[:6])) == 1 and len(set(theme[6:])) == 1 and theme[0] != theme[6]
    billing_label = labels[theme[0]]
    assert "billing" in billing_label or "invoice" in billing_label
    assert "training" in labels[theme[6]] or "course" in labels[theme[6]]


def test_degenerate_corpora_do_not_fail():
    assert themes.fit_themes(pd.Series([], dtype=str))[1] == []
    assert themes.fit_themes(pd.Series(["the a an"]))[1] == []


def _store_with_comments(store, sentiment=None):
    comments = BILLING * 3 + TRAINING * 3
    n = len(comments)
    nps = [2.0] * (n // 2) + [10.0] * (n // 2)
    fb = pd.DataFrame(
        {
            "response_id": [f"R-{i:06d}" for i in range(n)],
            "date": pd.to_datetime(["2026-01-15"] * (n // 2) + ["2026-04-15"] * (n // 2)),
            "customer_id": "C-1",
            "nps": nps,
            "comment": comments,
            "sentiment": sentiment,
            "nps_scale": "0-10",
        }
    )
    store.write_version({"feedback": fb})
    return n


def test_missing_sentiment_is_scored_once_per_distinct_comment(store):
    _store_with_comments(store, sentiment=None)
    m = themes.model(store)
    assert m["computed_sentiment"] == 12 and m["comments"]["sentiment"].notna().all()
    assert themes.model(store) is m  # cached per version


def test_drivers_show_the_negative_theme(store):
    _store_with_comments(store, sentiment=0.0)
    d = themes.drivers(store, EXEC)
    assert d["comments"].sum() == 36
    worst = d.sort_values("effect").iloc[0]
    # every billing comment came with NPS 2, every training comment with 10
    assert worst["nps_present"] == pytest.approx(-100) and worst["effect_hi"] < 0
    best = d.sort_values("effect").iloc[-1]
    assert best["nps_present"] == pytest.approx(100) and best["effect_lo"] > 0
    trend = themes.theme_trend(store, EXEC)
    assert trend.groupby("quarter")["share"].sum().round(6).eq(1).all()


def test_explorer_filters(store):
    _store_with_comments(store, sentiment=0.0)
    res = themes.explore(store, EXEC, text="invoice")
    assert res["total"] == 3 * sum("invoice" in c for c in BILLING)
    assert themes.explore(store, EXEC, scores=(9, 10))["total"] == 18
    assert themes.explore(store, EXEC, sentiment="negative")["total"] == 0


def test_theme_labels_never_hold_a_cut_off_contraction():
    """'doesn't' is one word (and a stop word), never the stem 'doesn' in a theme label."""
    from pmo_data.analytics.feedback.themes import fit_themes

    comments = pd.Series(
        [
            "The dashboard doesn't load and the tools are broken",
            "Dashboard data doesn’t refresh, I've waited",
            "great support team",
            "support was great and quick",
        ]
        * 40
    )
    labels = fit_themes(comments, k=2)[1]
    words = {w for label in labels for w in label.split(", ")}
    assert words and not words & {"doesn", "t", "ve", "doesn't"}, labels
