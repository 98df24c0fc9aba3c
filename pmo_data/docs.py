"""Keep the README's generated sections in step with the code: the data model (`schema.py`)
and the options table (`settings.py`).

Run `python -m pmo_data.docs` after changing either; a test fails when they drift.
"""

from __future__ import annotations

import re
from pathlib import Path

from pmo_data.schema import data_model_markdown
from pmo_data.settings import options_table

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- data-model:begin -->", "<!-- data-model:end -->"
GENERATED = {"data-model": data_model_markdown, "options": options_table}


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
