"""Keep the README's generated sections (the data model) in step with `schema.py`.

Run `python -m pmo_data.docs` after changing the schema; a test fails when they drift.
"""

from __future__ import annotations

import re
from pathlib import Path

from pmo_data.schema import data_model_markdown

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- data-model:begin -->", "<!-- data-model:end -->"


def render(text: str) -> str:
    """README text with the data-model block replaced by the current schema's table."""
    block = f"{BEGIN}\n{data_model_markdown()}\n{END}"
    return re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)


def main() -> None:
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {README}")


if __name__ == "__main__":
    main()
