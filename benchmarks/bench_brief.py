"""Benchmark the executive board pack at the reference scale and at 10x: time and file size.

Per scale, on the demo store: the content (every model the pack calls), the chart images (one
Chromium session through kaleido), the PowerPoint and the PDF writers, and the file sizes.
Baselines in the same run, on the same content:
- chart images the obvious way, `fig.to_image()` per chart (kaleido starts a browser per call);
- the PDF through LibreOffice (`soffice --headless --convert-to pdf` of our .pptx) instead of
  the reportlab writer, when `soffice` is installed.
Reliability: the pack's charts are drawn `--repeat` more times in fresh browser sessions and
every PNG is checked.
Run: .venv/bin/python benchmarks/bench_brief.py [--scales 1 10] [--repeat 3]
     -> benchmarks/results_brief.md (then `python benchmarks/collect.py`)
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import plotly.graph_objects as go

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pmo_data import briefs  # noqa: E402
from pmo_data.briefs import images, layout, packs  # noqa: E402
from pmo_data.demo.generate import load_demo  # noqa: E402
from pmo_data.store.access import Viewer  # noqa: E402
from pmo_data.store.versions import Store  # noqa: E402

TMP = ROOT / "benchmarks" / "tmp"


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def store_at(scale: float) -> Store:
    path = TMP / f"brief_{scale:g}.duckdb"
    if not path.exists():
        TMP.mkdir(parents=True, exist_ok=True)
        s = Store(path)
        load_demo(s, scale=scale)
        s.close()
    return Store(path, read_only=True)


def per_chart_baseline(todo) -> float:
    t = time.perf_counter()
    for c, box in todo:
        w, h = layout.chart_pixels(box)
        fig = go.Figure(images.prepared(c.figure, w, h))  # same figure, plotly's own export
        fig.to_image(format="png", width=w, height=h, scale=images.SCALE)
    return time.perf_counter() - t


def libreoffice_pdf(pptx: bytes) -> float | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "pack.pptx"
        src.write_bytes(pptx)
        t = time.perf_counter()
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{d}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                d,
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
        took = time.perf_counter() - t
        assert (Path(d) / "pack.pdf").stat().st_size > 0
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows, notes = [], []
    for scale in args.scales:
        store = store_at(scale)
        counts = store.counts()
        content, t_content = timed(packs.build, store, Viewer("executive"))
        todo = briefs.charts_of(content)
        rendered, t_images = timed(briefs.render, content)
        if rendered.missing:
            raise SystemExit(f"charts not drawn: {rendered.missing}")
        pptx, t_pptx = timed(briefs.write, content, "pptx", rendered)
        pdf, t_pdf = timed(briefs.write, content, "pdf", rendered)
        total = t_content + t_images + t_pptx + t_pdf
        t_base = per_chart_baseline(todo)
        t_lo = libreoffice_pdf(pptx)
        ok = n = 0
        for _ in range(args.repeat):
            again = briefs.render(content)
            n += len(todo)
            ok += sum(png.startswith(b"\x89PNG") for png in again.images.values())
        store.close()
        size = (
            f"{counts['projects']:,} projects, {counts['customers']:,} customers, "
            f"{counts['feedback']:,} responses, {counts['savings']:,} savings lines"
        )
        rows.append(
            f"| {scale:g}x | {size} | {len(content.slides) + 1} | {t_content:.1f} | "
            f"{len(todo)} in {t_images:.1f} | {t_pptx:.2f} | {t_pdf:.2f} | **{total:.1f}** | "
            f"{len(pptx) / 1e6:.2f} | {len(pdf) / 1e6:.2f} |"
        )
        lo = f"{t_lo:.1f} s ({t_lo / t_pdf:.0f}x the reportlab writer)" if t_lo else "not installed"
        notes.append(
            f"| {scale:g}x | {t_base:.1f} s ({t_base / t_images:.1f}x our one-session "
            f"{t_images:.1f} s) | {lo} | {ok}/{n} |"
        )
    text = [
        "# Board pack benchmark (executive)",
        "",
        f"Run {datetime.now():%Y-%m-%d %H:%M}, `.venv/bin/python benchmarks/bench_brief.py` on "
        f"{platform.machine()} ({_cores()} cores, shared with other work: absolute seconds "
        "vary, ratios less). Charts: Debian's chromium through kaleido.",
        "",
        "| scale | store | slides | content s | charts (n in s) | pptx s | pdf s | total s "
        "| pptx MB | pdf MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Baselines in the same run, on the same pack:",
        "",
        "| scale | charts by `fig.to_image()` each | PDF through LibreOffice from the pptx "
        "| chart renders OK (fresh sessions) |",
        "|---|---|---|---:|",
        *notes,
        "",
        "Content is every model the pack calls (the Overview metrics now and at the previous "
        "version, savings Monte Carlo, risks, prioritisation robustness, services, maturity "
        "evidence, the version diff); it grows with the data. Chart images cost a browser start "
        "plus a fraction of a second per chart and do not grow with the data (the figures are "
        "aggregated).",
    ]
    out = ROOT / "benchmarks" / "results_brief.md"
    out.write_text("\n".join(text) + "\n", encoding="utf-8")
    print("\n".join(text))


def _cores() -> int:
    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
