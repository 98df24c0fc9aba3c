"""Margins sized from the labels (`charts.margins`): wide enough that Plotly need not draw a
chart twice, not so wide that the plot loses its room."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from pmo_data.charts import margins, styled
from pmo_data.charts.margins import TICK_PX, fit_margins, text_px

# Widths Chromium gave these tick labels (Source Sans, 12 px and 11 px) on the app's pages
MEASURED = [
    ("Customer experience", 12, 106),
    ("Regulatory", 12, 55),
    ("Digital", 12, 32),
    ("Project assurance & health checks", 12, 169),
    ("Vendor & contract management", 12, 159),
    ("25. Omnichannel routing transformation \u2013 Ouse\u2026", 12, 249),
    (
        "Cyber Essentials remediation \u2013 Customer services directorate, North West (P-0631)",
        11,
        375,
    ),
    ("\u00a3500k", 12, 30),
    ("\u2212100", 12, 24),
]


@pytest.mark.parametrize(("text", "size", "px"), MEASURED)
def test_estimate_covers_the_browser_and_little_more(text, size, px):
    estimate = text_px(text, size)
    assert px <= estimate <= px * 1.15 + 4, (text, estimate)


def test_horizontal_bars_get_room_for_their_names():
    names = ["Project assurance & health checks", "PMO academy"]
    fig = styled(go.Figure(go.Bar(x=[3, 4], y=names, orientation="h")), "Demand")
    fig.update_xaxes(title="Utilisation (%)")
    fit_margins(fig)
    assert fig.layout.margin.l >= text_px(names[0], TICK_PX) + 9
    assert fig.layout.margin.b >= 16 + 9 + 30  # one line of ticks and the axis title
    assert fig.layout.margin.t == 56  # the title's, untouched


def test_numeric_axis_with_title_and_currency():
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[-50_000, 0, 1_500_000]))
    fig.update_yaxes(title="Savings", tickprefix="\u00a3")
    fit_margins(fig)
    assert fig.layout.margin.l >= text_px("\u00a3\u22121.5M") + 9 + 30
    assert fig.layout.margin.l < 120


def test_many_category_labels_are_tilted_up_front():
    steps = [f"Step {i:02d} of the plan" for i in range(12)]
    fig = fit_margins(go.Figure(go.Bar(x=steps, y=list(range(12)))))
    assert fig.layout.xaxis.tickangle == 30  # set now, so Plotly does not tilt after a draw
    assert fig.layout.margin.b > 60
    months = [f"Month {i:02d} of the plan" for i in range(24)]
    crowded = fit_margins(go.Figure(go.Bar(x=months, y=list(range(24)))))
    assert crowded.layout.xaxis.tickangle == 90  # too many to tilt: upright
    assert crowded.layout.margin.b >= text_px(months[0])


def test_two_level_axis_and_wrapped_ticks():
    fig = go.Figure(go.Bar(x=[1, 2], y=[["Digital", "Digital"], ["A long project name", "B"]]))
    fit_margins(fig)
    assert fig.layout.margin.l >= text_px("Digital") + text_px("A long project name")
    wrapped = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    wrapped.update_xaxes(tickvals=[0, 1], ticktext=["Self-serving<br>PMO", "Engaged"])
    assert fit_margins(wrapped).layout.margin.b >= 2 * 16


def test_colour_bar_and_pie():
    heat = fit_margins(go.Figure(go.Heatmap(z=[[1, 2]], x=["a", "b"], y=["r"])))
    assert heat.layout.margin.r >= 120
    pie = fit_margins(go.Figure(go.Pie(labels=["a"], values=[1])))
    assert pie.layout.margin.l is None  # nothing on axes: left to Plotly


@pytest.mark.parametrize(
    "trace",
    [
        go.Bar(x=[None], y=[1]),
        go.Bar(x=[], y=[]),
        go.Scatter(x=[float("nan")], y=[None]),
        go.Scatter(x=[1, None, 3], y=[2, 3, 4]),
    ],
)
def test_no_labels_no_failure(trace):
    fig = margins._fit(go.Figure(trace))  # not fit_margins: it would hide a failure
    assert fig.layout.margin.b is None or fig.layout.margin.b < 60


def test_dates_are_dates_whatever_their_form():
    import datetime as dt

    for xs in (
        [dt.date(2025, 1, 1), dt.date(2025, 6, 1)],
        ["2025-01-01", "2025-06-01"],
        [dt.datetime(2025, 1, 1), None],
    ):
        fig = fit_margins(go.Figure(go.Scatter(x=xs * 20, y=list(range(len(xs) * 20)))))
        assert fig.layout.xaxis.tickangle is None, xs  # a few short labels: never tilted
        assert fig.layout.margin.b < 40, xs


def test_a_figure_through_json_keeps_sensible_margins():
    raw = go.Figure(go.Bar(x=list(range(100)), y=list(range(100)))).to_dict()
    fig = fit_margins(go.Figure(raw))
    assert fig.layout.margin.b < 60 and fig.layout.xaxis.tickangle is None
