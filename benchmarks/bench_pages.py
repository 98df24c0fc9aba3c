"""Script-run time of every page (AppTest), cold and warm cache, at reference scale and 10x.

    .venv/bin/python benchmarks/bench_pages.py [--scales 1 10] [--group executive]

Cold = first run of a page in a fresh process cache; warm = the median of three reruns with
the cache filled. The baseline in the same run is an empty page (the app shell alone), so the
ratio shows what each page costs on top of the frame. Results: benchmarks/results_pages.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from pmo_data.ui.navigation import PAGE_NAMES  # noqa: E402

PAGES = PAGE_NAMES


def build_store(scale: float) -> str:
    from pmo_data.demo.generate import load_demo
    from pmo_data.store.versions import Store

    path = Path(tempfile.mkdtemp()) / f"bench_{scale}.duckdb"
    s = Store(path)
    t = time.perf_counter()
    load_demo(s, scale=scale)
    print(f"demo scale {scale}: loaded in {time.perf_counter() - t:.1f} s", flush=True)
    s.close()
    return str(path)


def time_page(page: str, group: str) -> tuple[float, float, bool]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    at.query_params["group"] = group
    at.run()  # the shell (and store) first, so the page timing excludes opening the store
    at.switch_page(f"views/{page}.py")
    st.cache_data.clear()  # cold: nothing cached for this page
    t = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t
    warm = []
    for _ in range(3):
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
    return cold, statistics.median(warm), bool(at.exception)


SHELL = """
import streamlit as st
from pmo_data.ui import get_store
from pmo_data.ui import sidebar
get_store()
sidebar()
st.title("baseline")
"""


def time_shell(group: str) -> float:
    """The baseline: the shared frame (store handle + sidebar) with an empty page, warm."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(SHELL, default_timeout=600)
    at.query_params["group"] = group
    at.run()
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", nargs="+", type=float, default=[1, 10])
    ap.add_argument("--group", default="executive")
    args = ap.parse_args()
    lines = [
        "# Page timings (AppTest script runs)",
        "",
        f"Group: {args.group}. Warm = median of 3 reruns with the cache filled.",
        "",
    ]
    for scale in args.scales:
        os.environ["PMO_DB"] = build_store(scale)
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
        shell = time_shell(args.group)
        lines += [
            f"## Scale {scale:g}",
            "",
            f"Baseline in the same run (frame + sidebar, empty page, warm): {shell * 1000:.0f} ms",
            "",
            "| page | cold ms | warm ms | warm / baseline | exception |",
            "|---|---|---|---|---|",
        ]
        for page in PAGES:
            cold, warm, exc = time_page(page, args.group)
            print(
                f"scale {scale:g} {page:15s} cold {cold * 1000:7.0f} ms  warm {warm * 1000:6.0f} ms"
                f"{'  EXCEPTION' if exc else ''}",
                flush=True,
            )
            lines.append(
                f"| {page} | {cold * 1000:.0f} | {warm * 1000:.0f} | {warm / shell:.1f}x | "
                f"{'yes' if exc else ''} |"
            )
        lines.append("")
    (ROOT / "benchmarks" / "results_pages.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
