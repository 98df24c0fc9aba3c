"""Deterministic demo data at the reference scale of the seeds' client-services PMO.

At scale 1: 600 customers, 750 projects, 45 PMO staff, a 14-service catalogue, 20,000 feedback
responses over three years, 300 "you said, we did" actions and a 150-line savings ledger whose
likely total is about GBP 4M (GBP 1.1M realised), as the award-winning PMO reports. Everything
is drawn with one numpy Generator, vectorised, so the same seed gives the same frames and
scale 10 takes seconds.

The links are believable on purpose, so the analytics have something true to find:
- strategic customers carry more value, more and bigger projects;
- a customer's satisfaction drops once one of their projects turns red (until it lands);
- a closed action lifts its customer's satisfaction after its closed date;
- over-demanded services are rated lower, and the PMO improves slowly over the three years;
- comments are written about themes (reporting, delays, templates ...) that follow the
  service, the respondent and the project's RAG, and actions are raised from those comments;
- a handful of savings lines claim the same cost pool over overlapping periods (double counts).
A few realistic blemishes (blank roles, skipped NPS answers, lower-case comments) stay valid.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pmo_data.demo.generate.actions import _actions
from pmo_data.demo.generate.common import (  # noqa: F401 (one namespace for callers)
    DAY,
    TODAY,
    YEARS,
    _cells,
    _dt,
    _exact,
    _ids,
    _unique,
    _window_hits,
)
from pmo_data.demo.generate.feedback import (  # noqa: F401 (one namespace for callers)
    _feedback_base,
    _feedback_frame,
    _themes,
)
from pmo_data.demo.generate.people import (  # noqa: F401 (one namespace for callers)
    _customers,
    _people,
)
from pmo_data.demo.generate.projects import (  # noqa: F401 (one namespace for callers)
    _projects,
)
from pmo_data.demo.generate.savings import (  # noqa: F401 (one namespace for callers)
    SAVINGS_LIKELY,
    SAVINGS_REALISED,
    _savings,
)
from pmo_data.demo.generate.services import (  # noqa: F401 (one namespace for callers)
    _services,
    _with_new_service,
)
from pmo_data.ingest import sentiment
from pmo_data.schema import ENTITIES
from pmo_data.settings import REPO_ROOT

DEMO_WORKBOOK = REPO_ROOT / "data" / "demo" / "pmo_demo.xlsx"


def generate(scale: float = 1.0, seed: int = 7, today: date = TODAY) -> dict[str, pd.DataFrame]:
    """Every entity as a frame of canonical columns (schema order); same arguments, same data."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = np.random.default_rng(seed)
    t = np.datetime64(today, "D")

    def n(base: int, floor: int) -> int:
        return max(int(round(base * scale)), floor)

    staff, sponsors, leads = _people(rng, (n(45, 15), n(40, 8), n(25, 5)))
    customers = _customers(rng, n(600, 5), leads, t)
    services = _services(rng, staff, scale)
    projects, red_since = _projects(rng, n(750, 5), customers, services, staff, sponsors, t)
    fb = _feedback_base(rng, n(20_000, 50), customers, projects, services, red_since, t)
    actions, lift_rows = _actions(rng, n(300, 5), fb, customers, services, staff, t)
    fb["mood"] += 0.75 * lift_rows
    feedback = _feedback_frame(rng, fb)
    savings = _savings(rng, n(150, 10), projects, services, staff, scale, t)
    services = _with_new_service(services)
    frames = (projects, customers, feedback, services, actions, savings)  # ENTITIES' order
    return {k: v[ENTITIES[k].column_names] for k, v in zip(ENTITIES, frames, strict=True)}


def load_demo(store, scale: float = 1.0, seed: int = 7) -> int:
    """Write the demo as two versions of `store` (action "demo"): last month's export, then
    this month's, so deltas and trends have something to compare. Returns the current one."""
    from pmo_data.demo.history import DAYS, earlier

    frames = generate(scale, seed)
    fb = frames["feedback"]
    frames["feedback"] = fb.assign(
        sentiment=sentiment.score(fb["comment"]),
        nps_scale=np.where(fb["nps"].notna(), "0-10", None),
    )
    before = earlier(frames, TODAY, seed)
    month_ago = datetime.now() - timedelta(days=DAYS)  # imported then, as a monthly cycle
    for label, data, when in (
        ("last month's export", before, month_ago),
        ("this month's export", frames, None),
    ):
        counts = ", ".join(f"{len(v):,} {k}" for k, v in data.items())
        version = store.write_version(
            data,
            action="demo",
            user="demo",
            note=f"demo data, {label} (scale {scale:g}, seed {seed}): {counts}",
            created_at=when,
        )
    return version


def write_demo_workbook(
    path: str | Path = DEMO_WORKBOOK, scale: float = 1.0, seed: int = 7
) -> Path:
    """The demo data as one .xlsx, a sheet per entity, canonical headers and real dates.

    Written in openpyxl's write-only (streaming) mode: about twice as fast as pandas'
    `to_excel` through openpyxl (3.8 s against 8 s at scale 1) and flat in memory, so the
    scale-10 workbook (200,000 feedback rows) stays practical.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from pmo_data import exports

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    for name, df in generate(scale, seed).items():
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        for i, col in enumerate(df.columns, 1):
            wide = col in ("name", "title", "comment", "description")
            ws.column_dimensions[get_column_letter(i)].width = 40 if wide else 16
        ws.append(exports.header(ws, df.columns))
        for row in zip(*(_cells(df[c]) for c in df.columns), strict=True):
            ws.append(row)
    wb.save(path)
    return path
