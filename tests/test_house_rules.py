"""Guards for the layout rules in DESIGN.md and the README contract."""

import ast
import re
from pathlib import Path

from pmo_data import docs

ROOT = Path(__file__).resolve().parents[1]


def test_no_streamlit_outside_ui():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "pmo_data").rglob("*.py")
        if "ui" not in p.relative_to(ROOT / "pmo_data").parts
        and re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(), re.M)
    ]
    assert offenders == []


def test_pages_are_thin():
    for page in (ROOT / "views").glob("*.py"):
        text = page.read_text()
        assert len(text.splitlines()) <= 160, page.name
        assert not re.search(r"duckdb\.connect|SELECT |\.groupby\(|@st\.cache", text), page.name


def test_readme_data_model_is_generated_from_schema():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.render(text) == text, "run `python -m pmo_data.docs` to refresh README.md"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    blocks = re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)
    run_cmd, test_cmd = blocks[0].strip(), blocks[1].strip()
    assert "streamlit run dashboard.py" in run_cmd
    assert "pytest" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text()


def test_no_pages_directory():
    """A `pages/` folder makes Streamlit route deep links itself (legacy multipage) before
    `st.navigation` runs, losing the sidebar and the shared view: pages live in `views/`."""
    assert not (ROOT / "pages").exists()


def test_options_are_read_only_through_settings():
    """Every environment variable is declared in `settings.py`, so the README can list them all."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in list((ROOT / "pmo_data").rglob("*.py")) + [ROOT / "dashboard.py"]
        if p.name != "settings.py" and re.search(r"os\.environ|os\.getenv", p.read_text())
    ]
    assert offenders == []


def test_readme_options_table_lists_exactly_the_settings():
    from pmo_data.settings import SETTINGS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- options:begin -->")[1].split("<!-- options:end -->")[0]
    assert re.findall(r"^\| `(\w+)` \|", block, re.M) == [s.name for s in SETTINGS]


# -- text from spreadsheets is data: the markdown and HTML sinks --------------------------------
UI_FILES = [
    *(ROOT / "pmo_data" / "ui").rglob("*.py"),
    *(ROOT / "views").glob("*.py"),
    ROOT / "dashboard.py",
]
# Streamlit calls whose label/body/help is rendered as markdown (Kpi feeds st.metric)
MARKDOWN_SINKS = {
    "markdown",
    "write",
    "caption",
    "title",
    "header",
    "subheader",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "expander",
    "popover",
    "status",
    "update",
    "metric",
    "badge",
    "dialog",
    "button",
    "download_button",
    "link_button",
    "page_link",
    "form_submit_button",
    "checkbox",
    "toggle",
    "radio",
    "selectbox",
    "multiselect",
    "slider",
    "select_slider",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "time_input",
    "file_uploader",
    "pills",
    "segmented_control",
    "color_picker",
    "tabs",
    "Kpi",
}
MARKDOWN_KEYWORDS = {"body", "label", "help", "title", "value", "delta"}
ESCAPERS = {"md", "html"}
# formatters whose output is digits, currency symbols and units, never data text
NUMERIC = {
    "number",
    "money",
    "percent",
    "pct",
    "len",
    "int",
    "sum",
    "min",
    "max",
    "round",
    "_ci",
    "_d",
}
PLAIN_SPEC = re.compile(r"(.?[<>^=])?\d*s?")  # a spec that would pass a string through


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _constant_name(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return bool(name) and name.isupper()


def _safe_value(node: ast.expr) -> bool:
    """An interpolated value that cannot carry markup: escaped, numeric or a code constant."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return not _unsafe_parts(node)
    if isinstance(node, ast.IfExp):
        return _safe_value(node.body) and _safe_value(node.orelse)
    if isinstance(node, ast.BoolOp):
        return all(_safe_value(v) for v in node.values)
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in ESCAPERS or name in NUMERIC:
            return True
        if name == "get" and isinstance(node.func, ast.Attribute):  # CONSTANT.get(key, default)
            return _constant_name(node.func.value) and all(_safe_value(a) for a in node.args[1:])
        if name == "join" and node.args:
            arg = node.args[0]
            if isinstance(arg, (ast.GeneratorExp, ast.ListComp)):
                return _safe_value(arg.elt)
        return False
    if isinstance(node, ast.Subscript):
        return _constant_name(node.value)
    return _constant_name(node)


def _unsafe_parts(node: ast.expr) -> list[ast.expr]:
    """Parts of a text argument that put unescaped data into markdown."""
    if isinstance(node, ast.JoinedStr):
        out = []
        for v in node.values:
            if not isinstance(v, ast.FormattedValue):
                continue
            spec = ast.unparse(v.format_spec)[2:-1] if v.format_spec else ""
            if spec and not PLAIN_SPEC.fullmatch(spec) and "{" not in spec:
                continue  # a numeric or date format: raises on text
            if not _safe_value(v.value):
                out.append(v.value)
        return out
    if isinstance(node, ast.BinOp):
        return _unsafe_parts(node.left) + _unsafe_parts(node.right)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [p for elt in node.elts for p in _unsafe_parts(elt)]
    if isinstance(node, ast.Call) and _name(node.func) == "join":
        return [] if _safe_value(node) else [node]
    if isinstance(node, (ast.IfExp,)):
        return _unsafe_parts(node.body) + _unsafe_parts(node.orelse)
    return []  # a literal, or a plain variable (its origin is the reviewer's job)


def _sink_arguments(call: ast.Call) -> list[ast.expr]:
    args = list(call.args[:1])
    if _name(call.func) == "Kpi":  # Kpi(label, value, delta, help)
        args = list(call.args)
    return args + [k.value for k in call.keywords if k.arg in MARKDOWN_KEYWORDS]


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            yield node


def test_no_unescaped_data_in_markdown():
    """Every f-string, concatenation or join that reaches a markdown sink passes its data
    through `md()` (pmo_data.escaping); numbers go through a numeric format or formatter."""
    offenders = []
    for path in UI_FILES:
        for call in _calls(path):
            if _name(call.func) not in MARKDOWN_SINKS:
                continue
            for arg in _sink_arguments(call):
                for part in _unsafe_parts(arg):
                    where = f"{path.relative_to(ROOT)}:{part.lineno}"
                    offenders.append(f"{where}: {ast.unparse(part)}")
    assert offenders == [], "wrap data in md(): " + "; ".join(offenders)


def test_no_unescaped_data_in_html():
    """`unsafe_allow_html` and `st.html` take literals, or f-strings whose every value is
    passed through `html()` or `md()` (or is a number)."""
    offenders = []
    for path in [
        *(ROOT / "pmo_data").rglob("*.py"),
        *UI_FILES[-len(list((ROOT / "views").glob("*.py"))) - 1 :],
    ]:
        for call in _calls(path):
            unsafe = any(
                k.arg == "unsafe_allow_html"
                and not (isinstance(k.value, ast.Constant) and not k.value.value)
                for k in call.keywords
            )
            if not (
                unsafe
                or _name(call.func) == "html"
                and isinstance(call.func, ast.Attribute)
                and getattr(call.func.value, "id", "") == "st"
            ):
                continue
            body = (
                call.args[0]
                if call.args
                else next((k.value for k in call.keywords if k.arg == "body"), None)
            )
            if body is None or isinstance(body, ast.Constant):
                continue
            if not isinstance(body, ast.JoinedStr) or _unsafe_parts(body):
                offenders.append(
                    f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(body)[:80]}"
                )
    assert offenders == [], offenders


def test_the_house_rule_catches_unescaped_data():
    """The checks above are not vacuous: known-bad snippets fail them, escaped ones pass."""
    bad = [
        "st.subheader(f\"{f['name']} ({pid})\")",
        'st.markdown("Top: " + ", ".join(names))',
        'st.warning(f"Project **{project_id}** is not in your view")',
        'st.caption(f"{row.comment:>20}")',
        'Kpi("Sponsor", f"{d.sponsor}")',
    ]
    good = [
        "st.subheader(f\"{md(f['name'])} ({md(pid)})\")",
        'st.markdown("Top: " + ", ".join(md(n) for n in names))',
        "st.caption(f\"{len(df):,} rows, {share:.0%}, {RAG_DOT.get(r, '')} {number(n)}\")",
        'st.selectbox("Project", ids, key=f"pick_{kind}")',
    ]
    for snippet in bad:
        call = ast.parse(snippet).body[0].value
        assert any(_unsafe_parts(a) for a in _sink_arguments(call)), snippet
    for snippet in good:
        call = ast.parse(snippet).body[0].value
        assert not any(_unsafe_parts(a) for a in _sink_arguments(call)), snippet
