"""Text from spreadsheets is data: the one place that makes it safe to show.

Streamlit renders markdown in `st.markdown`, captions, subheaders, alerts, widget labels and
help tooltips: a project name such as `[Sign in again](http://evil) ![x](http://evil/x.png)`
would become a link and an image loaded from another host. `md()` backslash-escapes every ASCII
punctuation character (CommonMark allows escaping any of them and renders the character itself),
so links, images, emphasis, HTML, entities, autolinks, LaTeX (`$`), colour directives
(`:red[...]`) and headings stay literal text; line breaks become spaces so a value cannot start
a block of its own. Bare URLs and e-mail addresses get an invisible word joiner after `http:`,
`www` and `@`, because GFM links those after escapes are resolved. Every f-string that puts data into a Streamlit markdown sink wraps it in
`md()`; tests/test_house_rules.py guards that.

Plotly renders a small HTML subset in text, hover labels and axis ticks (`<a href>`, `<b>`,
`<span style>`): `plotly_text()` escapes `&`, `<` and `>` there (Plotly turns the entities back
into the characters when it draws).

Nothing here imports Streamlit: the briefs and the CLI use the same functions.
"""

from __future__ import annotations

import re
from html import escape as _html_escape

_PUNCT = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_SPACE = re.compile(r"[\r\n\t\f\v\u2028\u2029]+")
# GFM's autolink literals (http://, https://, www., a@b.c) are found in the text *after* escapes
# are resolved (mdast-util-gfm-autolink-literal runs on text nodes), so escaping cannot stop
# them: an invisible word joiner (U+2060) inside the pattern does.
_AUTOLINK = re.compile(r"(?i)(https?:|www(?=\.)|@)")
WORD_JOINER = "\u2060"


def md(value: object) -> str:
    """`value` as literal text inside Streamlit markdown (None and NaN become '')."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = _SPACE.sub(" ", str(value))
    text = _AUTOLINK.sub(lambda m: m[1] + WORD_JOINER, text)
    return _PUNCT.sub(r"\\\1", text)


def html(value: object) -> str:
    """`value` as literal text inside HTML (attributes included)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return _html_escape(str(value), quote=True)


def plotly_text(value: object) -> object:
    """A string as literal text inside a Plotly label; anything else unchanged."""
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


# trace properties that carry data values Plotly may draw as text (labels, ticks, hover, legend)
FIGURE_TEXT_KEYS = (
    "x",
    "y",
    "z",
    "text",
    "hovertext",
    "labels",
    "parents",
    "ids",
    "customdata",
    "name",
    "legendgroup",
)


def _text_values(values):
    if isinstance(values, str):
        return plotly_text(values)
    if isinstance(values, (list, tuple)):
        return type(values)(_text_values(v) for v in values)
    dtype = getattr(values, "dtype", None)
    if dtype is not None and getattr(values, "ndim", 0) >= 1 and dtype.kind in "OUS":
        import numpy as np

        flat = [_text_values(v) for v in values.tolist()]
        return np.asarray(flat, dtype=object)
    return values


def escape_figure(fig):
    """Escape the data text of every trace of a Plotly figure in place (and return it).

    Layout text (titles, annotations, tick text) is written by the chart builders, which keep
    data out of it; hover templates are code too and substitute the escaped values."""
    for trace in fig.data:
        for key in FIGURE_TEXT_KEYS:
            if key not in trace:  # not this trace type's (asking would build an error message)
                continue
            value = trace[key]
            if value is None:
                continue
            trace[key] = _text_values(value)
    return fig
