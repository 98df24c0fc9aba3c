"""Guards for the layout rules in DESIGN.md and the README contract."""

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
