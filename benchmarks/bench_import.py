"""Import speed: our importer vs pandas.read_excel(openpyxl) + a DuckDB insert, same run.

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--distinct 200000 1000000]
                                                [--shared 200000] [--skip-baseline]

1. Writes the inputs under benchmarks/tmp/ (kept for the next run):
   - a feedback sheet of --rows rows whose comments repeat five templates (xlsxwriter);
   - feedback sheets of --distinct rows with a different free-text comment on every row, as
     real surveys have, written by openpyxl's write-only mode, which (like many exporters)
     leaves out the sheet's <dimension> element (seeded: same file every time);
   - the same rows as --shared files saved as Excel saves them (xlsxwriter): each text once
     in the shared-strings table, which openpyxl would parse whole to preview the header.
2. Times each side in its own process so peak memory (VmHWM) is that side's alone:
   - baseline: pandas.read_excel(engine="openpyxl") then INSERT into DuckDB;
   - ours: importer.import_files (read with fastexcel, map, coerce, validate, sentiment of
     every distinct comment, one version);
   - fastexcel: the bare read of the sheet into pandas, nothing else (the floor for ours).
   Wall seconds and CPU seconds (user + system) are both reported: on a shared machine the
   CPU time moves less with the neighbours' load.
3. Also imports the demo workbook at reference scale.
Writes benchmarks/results_import.md with times, the ratios and each side's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TMP = ROOT / "benchmarks" / "tmp"
sys.path.insert(0, str(ROOT))

COMMENTS = [
    "Great support from the PMO team, reports were clear and on time",
    "Too much bureaucracy in the templates, slows us down",
    "Communication about delays could be better",
    "",
    "The dashboard helps our steering group decide faster",
]


HEADERS = [
    "Response ID",
    "Date",
    "Customer ID",
    "Project ID",
    "Service ID",
    "Respondent role",
    "CSAT",
    "NPS",
    "Effort score",
    "Comment",
    "Channel",
]


def write_feedback(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Feedback")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, HEADERS)
    start = datetime(2023, 1, 1)
    for i in range(rows):
        r = i + 1
        ws.write_string(r, 0, f"R-{i:07d}")
        ws.write_datetime(r, 1, start + timedelta(days=i % 1000), date_fmt)
        ws.write_string(r, 2, f"C-{i % 600:04d}")
        ws.write_string(r, 3, f"P-{i % 750:04d}")
        ws.write_string(r, 4, f"S-{i % 12:02d}")
        ws.write_string(r, 5, ("Sponsor", "End user", "Project manager")[i % 3])
        ws.write_number(r, 6, 1 + i % 5)
        ws.write_number(r, 7, i % 11)
        ws.write_number(r, 8, 1 + (i * 7) % 5)
        if c := COMMENTS[i % len(COMMENTS)]:
            ws.write_string(r, 9, c)
        ws.write_string(r, 10, ("Survey", "Interview", "Email")[i % 3])
    wb.close()


# Distinct free-text comments, as real surveys have: six slots drawn independently (about
# 250 million combinations), duplicates redrawn, so every row's comment is its own text.
OPENERS = (
    "Overall",
    "To be honest",
    "Honestly",
    "In general",
    "This quarter",
    "Since the last review",
    "For our team",
    "From our side",
    "As a sponsor",
    "As an end user",
    "Frankly",
    "So far",
    "On the whole",
    "This month",
    "Looking back",
    "For what it's worth",
    "In short",
    "Compared with last year",
    "Right now",
    "At the moment",
)
SUBJECTS = (
    "the PMO team",
    "the weekly reports",
    "the steering group packs",
    "our project manager",
    "the onboarding process",
    "the new dashboard",
    "the risk log",
    "the change requests",
    "communication about delays",
    "the service desk",
    "the monthly status call",
    "the benefits tracking",
    "the templates",
    "the RAID log",
    "the portfolio board",
    "the resource planning",
    "the go-live support",
    "the training sessions",
    "the financial reporting",
    "the lessons learned review",
    "the escalation route",
    "the project website",
    "the test phase",
    "the cut-over plan",
    "the supplier management",
    "the data migration",
    "the handover to operations",
    "the quality reviews",
    "the stakeholder updates",
    "the scheduling",
    "the budget forecasts",
    "the intake process",
    "the prioritisation meeting",
    "the action tracker",
    "the customer survey",
    "the documentation",
    "the project office",
    "the release notes",
    "the workshop",
    "the delivery team",
)
VERDICTS = (
    "was really helpful",
    "has been slow to respond",
    "made things much clearer",
    "is not good enough",
    "was excellent",
    "caused a lot of frustration",
    "could be better",
    "did not meet our expectations",
    "was fine",
    "was great but far too long",
    "has improved a lot",
    "is still confusing",
    "was brilliant",
    "felt rushed",
    "was poorly organised",
    "saved us a lot of time",
    "was late again",
    "worked well for us",
    "was a waste of time",
    "was clear and useful",
    "needs to be simpler",
    "was very disappointing",
    "exceeded what we hoped for",
    "is getting worse",
    "was okay but nothing special",
    "was extremely useful",
    "made no difference",
    "created extra work",
    "kept everyone informed",
    "was not helpful at all",
    "was surprisingly good",
    "left us without answers",
    "was hard to follow",
    "helped us decide faster",
    "was too bureaucratic",
    "was delivered on time",
    "missed the point",
    "was friendly and professional",
    "was a real improvement",
    "did the job",
)
DETAILS = (
    "when the go-live slipped",
    "during the migration",
    "on the {s} upgrade",
    "for the {t} team",
    "in the {s} rollout",
    "after the last release",
    "while the budget was under review",
    "when we raised the issue",
    "during the {s} workshop",
    "for the {t} sponsors",
    "in the first weeks",
    "after the supplier changed",
    "during the test phase",
    "for the quarterly review",
    "on the {s} project",
    "when priorities changed",
    "around the year end",
    "for our {t} colleagues",
    "with the new process",
    "in the steering meeting",
    "before the audit",
    "after the restructure",
    "on short notice",
    "during the handover",
    "with the {s} supplier",
    "in the daily stand-ups",
    "during the summer",
    "for remote staff",
    "when the plan was reset",
    "at the kick-off",
)
SYSTEMS = (
    "CRM",
    "payroll",
    "finance",
    "HR",
    "intranet",
    "ERP",
    "case management",
    "billing",
    "telephony",
    "records",
    "booking",
    "identity",
    "data warehouse",
    "website",
    "procurement",
    "asset",
    "scheduling",
    "analytics",
    "email",
    "document",
)
TEAMS = (
    "finance",
    "operations",
    "HR",
    "sales",
    "IT",
    "customer service",
    "legal",
    "estates",
    "marketing",
    "procurement",
    "clinical",
    "planning",
    "field",
    "contact centre",
    "digital",
    "policy",
    "data",
    "security",
    "facilities",
    "training",
)
CLOSERS = (
    "",
    "",
    "",
    "Thanks!",
    "Please fix this.",
    "Keep it up.",
    "We expect more.",
    "Not happy.",
    "Great work, thank you.",
    "Very frustrating!!",
    "Hope this helps.",
    "Why does this keep happening?",
    "No complaints.",
    "Really appreciated :)",
    "Needs attention ASAP.",
    "Good job.",
    "Disappointed.",
    "Well done team!",
)


def distinct_comments(n: int, seed: int) -> list[str]:
    """n different comments, the same for the same (n, seed)."""
    rng = np.random.default_rng(seed)
    slots = (OPENERS, SUBJECTS, VERDICTS, DETAILS, SYSTEMS, TEAMS, CLOSERS)
    out: dict[str, None] = {}
    while len(out) < n:
        m = int((n - len(out)) * 1.2) + 10
        pick = [rng.integers(0, len(s), m) for s in slots]
        for o, su, v, d, sy, te, c in zip(*pick, strict=True):
            detail = DETAILS[d].format(s=SYSTEMS[sy], t=TEAMS[te])
            text = f"{OPENERS[o]}, {SUBJECTS[su]} {VERDICTS[v]} {detail}. {CLOSERS[c]}".strip()
            out.setdefault(text, None)
            if len(out) == n:
                break
    order = rng.permutation(n)
    texts = list(out)
    return [texts[i] for i in order]


def write_feedback_distinct(path: Path, rows: int, seed: int = 13) -> None:
    """Feedback with a distinct comment per row, written like many exporters do: openpyxl's
    write-only mode, which leaves out the sheet's <dimension> element."""
    from openpyxl import Workbook

    comments = distinct_comments(rows, seed)
    rng = np.random.default_rng(seed)
    csat = rng.integers(1, 6, rows)
    nps = rng.integers(0, 11, rows)
    effort = rng.integers(1, 6, rows)
    days = rng.integers(0, 1000, rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Feedback")
    ws.append(HEADERS)
    start = datetime(2023, 1, 1)
    roles = ("Sponsor", "End user", "Project manager")
    channels = ("Survey", "Interview", "Email")
    for i in range(rows):
        ws.append(
            [
                f"R-{i:07d}",
                start + timedelta(days=int(days[i])),
                f"C-{i % 600:04d}",
                f"P-{i % 750:04d}",
                f"S-{i % 12:02d}",
                roles[i % 3],
                int(csat[i]),
                int(nps[i]),
                int(effort[i]),
                comments[i],
                channels[i % 3],
            ]
        )
    wb.save(path)


def write_feedback_shared(path: Path, rows: int, seed: int = 13) -> None:
    """The same rows as `write_feedback_distinct`, saved as Excel saves them: every text once in
    xl/sharedStrings.xml (xlsxwriter's default mode), with the sheet's <dimension>."""
    import xlsxwriter

    comments = distinct_comments(rows, seed)
    rng = np.random.default_rng(seed)
    csat, nps = rng.integers(1, 6, rows), rng.integers(0, 11, rows)
    effort, days = rng.integers(1, 6, rows), rng.integers(0, 1000, rows)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Feedback")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, HEADERS)
    start = datetime(2023, 1, 1)
    roles = ("Sponsor", "End user", "Project manager")
    channels = ("Survey", "Interview", "Email")
    for i in range(rows):
        r = i + 1
        ws.write_string(r, 0, f"R-{i:07d}")
        ws.write_datetime(r, 1, start + timedelta(days=int(days[i])), date_fmt)
        ws.write_string(r, 2, f"C-{i % 600:04d}")
        ws.write_string(r, 3, f"P-{i % 750:04d}")
        ws.write_string(r, 4, f"S-{i % 12:02d}")
        ws.write_string(r, 5, roles[i % 3])
        ws.write_number(r, 6, int(csat[i]))
        ws.write_number(r, 7, int(nps[i]))
        ws.write_number(r, 8, int(effort[i]))
        ws.write_string(r, 9, comments[i])
        ws.write_string(r, 10, channels[i % 3])
    wb.close()


SIDE = r"""
import json, resource, sys, time, tempfile, os
sys.path.insert(0, {root!r})
side, path = {side!r}, {path!r}
use0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = use0.ru_utime + use0.ru_stime
t = time.perf_counter()
if side == "baseline":
    import duckdb, pandas as pd
    sheets = pd.read_excel(path, engine="openpyxl", sheet_name=None)
    con = duckdb.connect(os.path.join(tempfile.mkdtemp(), "b.duckdb"))
    rows = 0
    for i, df in enumerate(sheets.values()):
        con.register("df", df)
        con.execute(f"CREATE TABLE t{{i}} AS SELECT * FROM df")
        rows += con.execute(f"SELECT count(*) FROM t{{i}}").fetchall()[0][0]
elif side == "fastexcel":
    import fastexcel
    reader = fastexcel.read_excel(path)
    rows = sum(len(reader.load_sheet(n).to_pandas()) for n in reader.sheet_names)
else:
    from pmo_data.ingest.importer import import_files
    from pmo_data.store.versions import Store
    store = Store(os.path.join(tempfile.mkdtemp(), "o.duckdb"))
    plan = import_files([path], store, accept_rejected=True)
    rows = sum(store.counts().values())
secs = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_SELF)
cpu = use.ru_utime + use.ru_stime - cpu0
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child of a large parent would
# report the parent's peak
peak = int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))
print(json.dumps(dict(side=side, seconds=secs, cpu=cpu, rows=rows, peak_mb=peak / 1024)))
"""


def measure(side: str, path: Path) -> dict:
    code = SIDE.format(root=str(ROOT), side=side, path=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{side} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _input(name: str, rows: int, writer) -> Path:
    path = TMP / name
    if not path.exists():
        t = time.perf_counter()
        writer(path.with_suffix(".part.xlsx"), rows)
        path.with_suffix(".part.xlsx").rename(path)
        print(
            f"wrote {path.name} ({path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - t:.0f} s",
            flush=True,
        )
    return path


def _row(label: str, r: dict) -> str:
    return (
        f"| {label} | {r['side']} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['rows']:,} | "
        f"{r['peak_mb']:.0f} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--distinct", type=int, nargs="*", default=[200_000, 1_000_000])
    ap.add_argument("--shared", type=int, nargs="*", default=[200_000])
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    TMP.mkdir(parents=True, exist_ok=True)
    from pmo_data.demo.generate import write_demo_workbook

    inputs = [
        (
            f"feedback {args.rows:,} rows, 5 repeated comments",
            _input(f"feedback_{args.rows}.xlsx", args.rows, write_feedback),
        ),
        *(
            (
                f"feedback {n:,} rows, distinct comments, no <dimension>",
                _input(f"feedback_distinct_{n}_seed13.xlsx", n, write_feedback_distinct),
            )
            for n in args.distinct
        ),
        *(
            (
                f"feedback {n:,} rows, distinct comments, shared strings (as Excel saves)",
                _input(f"feedback_shared_{n}_seed13.xlsx", n, write_feedback_shared),
            )
            for n in args.shared
        ),
        ("demo workbook (reference scale)", write_demo_workbook(TMP / "demo_reference.xlsx")),
    ]
    lines = [
        "# Import benchmark",
        "",
        f"Run {datetime.now():%Y-%m-%d %H:%M}, "
        f"`/work/venv/bin/python benchmarks/bench_import.py --rows {args.rows} --distinct "
        f"{' '.join(str(n) for n in args.distinct)} --shared "
        f"{' '.join(str(n) for n in args.shared)}` on this machine ({os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the start). Each side runs in its own "
        "process; peak = its VmHWM; CPU = user + system seconds of that process.",
        "",
        "| input | side | wall s | CPU s | rows | peak MB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for label, path in inputs:
        ours = measure("ours", path)
        bare = measure("fastexcel", path)
        base = None if args.skip_baseline else measure("baseline", path)
        print(label, ours, bare, base, flush=True)
        lines += [_row(label, r) for r in (ours, bare, base) if r]
        if base:
            lines.append(
                f"| {label} | **speed-up over baseline** | **{base['seconds'] / ours['seconds']:.1f}x**"
                f" | **{base['cpu'] / ours['cpu']:.1f}x** | | |"
            )
        lines.append(
            f"| {label} | **ours ÷ fastexcel's bare read** | **{ours['seconds'] / bare['seconds']:.1f}x**"
            f" | **{ours['cpu'] / bare['cpu']:.1f}x** | | |"
        )
    lines.append("")
    lines.append(
        "Baseline: `pandas.read_excel(engine='openpyxl')` + `CREATE TABLE AS` in DuckDB "
        "(no validation at all). Ours: read (fastexcel; the header found in a preview of the "
        "first rows, shared strings read only as far as those rows need), recognise, map, "
        "coerce, validate, score every distinct comment's sentiment (VADER's rules, "
        "array-wise, two 50,000-row parts at a time: `pmo_data/ingest/sentiment.py`), report "
        "and write one version. fastexcel: the same sheet read into pandas and nothing else. "
        "Aims (issue 13): >= 10x over the baseline and <= 2x fastexcel on the distinct files."
    )
    (ROOT / "benchmarks" / "results_import.md").write_text("\n".join(lines) + "\n")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "collect.py")], check=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
