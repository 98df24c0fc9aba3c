"""Keep the README's generated sections in step with the code: the data model (`schema.py`),
the options table (`settings.py`), the module layout (each module's docstring) and the
exports we know (`ingest/signatures.py`).

Run `python -m pmo_data.docs` after changing either; a test fails when they drift.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from pmo_data.ingest.signatures import exports_table
from pmo_data.schema import data_model_markdown
from pmo_data.settings import options_table

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- data-model:begin -->", "<!-- data-model:end -->"
PACKAGE = Path(__file__).resolve().parent


def _first_line(path: Path) -> str:
    """The first sentence of a module's docstring (its first paragraph, up to a full stop)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    return re.split(r"(?<=[a-z)`])\. ", paragraph)[0].rstrip(".") or "(no docstring)"


def layout_table() -> str:
    """Every module of the package with the first line of its docstring, folder by folder."""
    rows = ["| module | what it is for |", "|---|---|"]
    for path in sorted(PACKAGE.rglob("*.py"), key=lambda p: (p.parent.parts, p.name)):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if path.name == "__main__.py":
            continue
        shown = rel.removesuffix("/__init__.py") + "/" if path.name == "__init__.py" else rel
        rows.append(f"| `{shown}` | {_first_line(path)} |")
    return "\n".join(rows)


GENERATED = {
    "data-model": data_model_markdown,
    "options": options_table,
    "layout": layout_table,
    "exports": exports_table,
}


def render(text: str) -> str:
    """README text with every generated block replaced by what the code declares now."""
    for name, make in GENERATED.items():
        begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
        block = f"{begin}\n{make()}\n{end}"
        text = re.sub(
            re.escape(begin) + r".*?" + re.escape(end), lambda _, b=block: b, text, flags=re.S
        )
    return text


def main() -> None:
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {README}")


if __name__ == "__main__":
    main()
