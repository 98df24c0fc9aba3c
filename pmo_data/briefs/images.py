"""Chart images: the pages' plotly figures as PNG through kaleido and a headless Chromium.

One browser serves every chart of a brief (starting it costs about three seconds, each chart
then about a quarter of a second; see benchmarks/results.md). Chromium is Debian's
`/usr/bin/chromium` unless `PMO_CHROMIUM` names another. Renders are serialised in the process:
the machine has few cores and a second browser would only slow both. Without a browser the
brief still builds: each chart's box says why it is empty and the tables carry the numbers.
"""

from __future__ import annotations

import asyncio
import copy
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor

import plotly.graph_objects as go

from pmo_data import settings

SCALE = 2  # device pixels per CSS pixel: crisp when printed or zoomed
TIMEOUT = 60  # seconds for one chart
SMALL = 560  # pixels: narrower pictures get a smaller font so long axis titles fit
_LOCK = threading.Lock()


class ChartsUnavailable(RuntimeError):
    """No browser could draw the charts (the message says what to install or set)."""


def prepared(fig: go.Figure, width: int, height: int) -> dict:
    """The figure sized for its box. Axes make room for their labels (`automargin`): Streamlit's
    chart theme does that on the pages, plotly.js alone does not."""
    f = go.Figure(copy.deepcopy(fig.to_dict()))
    f.update_layout(width=width, height=height, autosize=False)
    f.update_xaxes(automargin=True)
    f.update_yaxes(automargin=True)
    legend = f.layout.legend
    if legend.y is not None and legend.y >= 1:
        if f.layout.title.text:  # a legend above the plot: room for it under the title
            f.update_layout(
                margin=dict(t=max(f.layout.margin.t or 0, 95)),
                title=dict(yref="container", y=0.97, yanchor="top"),
            )
    else:  # below: at the foot of the picture, clear of the x axis title at any height
        f.update_layout(legend=dict(yref="container", y=0, yanchor="bottom"))
    if any(
        t.type == "bar" and t.orientation == "h" and t.textposition == "outside" for t in f.data
    ):
        f.update_layout(margin=dict(r=max(f.layout.margin.r or 0, 45)))  # room for "139%"
    if width < SMALL:
        f.update_layout(font_size=11)
    chars = max(20, int(width * 0.6 / 7))  # an axis title longer than its axis is cut: wrap it
    f.for_each_xaxis(lambda ax: ax.update(title_text=_wrap(ax.title.text, chars)))
    return f.to_dict()


def _wrap(text: str | None, chars: int) -> str | None:
    if not text or len(text) <= chars or "<br>" in text:
        return text
    return "<br>".join(textwrap.wrap(text, chars))


def _browser_class():
    """Chromium as kaleido starts it, without the crash reporter: with it, every start left
    two `chrome_crashpad_handler` processes behind (a leak on a long-running server)."""
    from choreographer.browsers.chromium import Chromium

    class QuietChromium(Chromium):
        def get_cli(self):
            return [*super().get_cli(), "--disable-crash-reporter"]

    return QuietChromium


async def _render(figs: list[dict]) -> list[bytes]:
    import kaleido

    path = settings.PMO_CHROMIUM.raw() or None
    extra = {"path": path} if path else {}
    out = []
    browser = _browser_class()
    async with kaleido.Kaleido(
        n=1, timeout=TIMEOUT, mathjax=False, browser_cls=browser, **extra
    ) as k:
        for fig in figs:
            w, h = fig["layout"]["width"], fig["layout"]["height"]
            opts = dict(format="png", width=w, height=h, scale=SCALE)
            out.append(await k.calc_fig(fig, opts=opts))
    return out


def render(figures: list[tuple[go.Figure, int, int]]) -> list[bytes]:
    """PNG bytes for each (figure, width px, height px), in order, from one browser session.

    Raises ChartsUnavailable when no browser starts or a chart fails to draw.
    """
    if not figures:
        return []
    figs = [prepared(f, w, h) for f, w, h in figures]
    try:
        import kaleido  # noqa: F401
    except ImportError as exc:  # pragma: no cover - it is in requirements.txt
        raise ChartsUnavailable(
            "kaleido is not installed: pip install -r requirements.txt"
        ) from exc
    with _LOCK, ThreadPoolExecutor(1) as pool:
        # a thread of its own: callers may already run an event loop (Streamlit, notebooks)
        try:
            return pool.submit(asyncio.run, _render(figs)).result()
        except Exception as exc:
            raise ChartsUnavailable(_explain(exc)) from exc


def _explain(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "ChromeNotFoundError":
        return (
            "no Chromium found for the chart images: install Debian's `chromium` or set "
            "PMO_CHROMIUM to a Chrome or Chromium executable"
        )
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"the chart images could not be drawn ({name}: {first[:200]})"
