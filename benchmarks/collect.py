"""Collect the latest `results_*.md` tables into `results.md` (run after any benchmark)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parts = [
        "# Benchmark results",
        "",
        "Latest tables from each script; see README.md for how to run them.",
        "",
    ]
    for path in sorted(HERE.glob("results_*.md")):
        text = path.read_text(encoding="utf-8").strip()
        parts += [
            line.replace("# ", "## ", 1) if line.startswith("#") else line
            for line in text.splitlines()
        ]
        parts += ["", f"_Source: `{path.name}`_", ""]
    (HERE / "results.md").write_text("\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
