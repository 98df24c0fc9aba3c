"""What every slide is computed from: the brief's store, viewer, filters and day, with the
models the slides share computed once, and the small formatters slides share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pandas as pd

from pmo_data.analytics.overview import metrics as overview
from pmo_data.analytics.savings import ledger as savings
from pmo_data.briefs.content import Tile
from pmo_data.formatting import money, percent
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters
from pmo_data.store.versions import Store

TOP_RISKS = 5


TOP_PROJECTS = 10  # the Prioritisation page's default "Top K"


MAX_ROWS = 12  # rows of a half-width listing (the page has the rest)


MAX_ROWS_FULL = 15  # rows of a full-width listing


@dataclass
class Context:
    """Who the brief is for, what it covers and the models every slide shares (computed once)."""

    store: Store
    viewer: Viewer
    filters: Filters = NO_FILTERS
    today: date = field(default_factory=date.today)

    @property
    def currency(self) -> str:
        return self.store.currency

    def money(self, x) -> str:
        return money(x, self.currency)

    @cached_property
    def version(self) -> int:
        return self.store.current_version()

    @cached_property
    def previous(self) -> int | None:
        return self.store.previous_version()

    @cached_property
    def metrics(self) -> list[overview.Metric]:
        return overview.metrics(self.store, self.viewer, self.filters, None, self.today)

    @cached_property
    def previous_metrics(self) -> list[overview.Metric] | None:
        if not self.previous:
            return None
        return overview.metrics(self.store, self.viewer, self.filters, self.previous, self.today)

    @cached_property
    def savings(self) -> savings.Totals:
        return savings.totals(self.store, self.viewer, self.filters, savings.state(self.store))

    @cached_property
    def history(self) -> pd.DataFrame:
        return self.store.history()

    def tiles(self, keys: list[str] | None = None) -> list[Tile]:
        """The group's Overview metrics as tiles, with the Overview's deltas."""
        before = {m.key: m for m in self.previous_metrics or []}
        out = []
        for m in self.metrics:
            if keys is not None and m.key not in keys:
                continue
            p = before.get(m.key)
            d = m.delta(p, self.currency)
            good = None
            if d is not None and m.better is not None:
                good = (m.value > p.value) == (m.better == "up")
            out.append(Tile(m.label, m.show(self.currency), d, good, m.help))
        return out


def _date(x) -> str:
    """'5 Mar 2026' as the pages' date columns show it; the dash when missing."""
    if x is None or pd.isna(x):
        return "–"
    return f"{pd.Timestamp(x):%-d %b %Y}"


def _pct(x) -> str:
    return percent(x) if x is not None and not pd.isna(x) else "–"


# -- the executive board pack -----------------------------------------------------------------


def _stage(stage) -> str:
    """'The self-serving PMO' -> 'Self-serving', as the Maturity page's tiles name it."""
    return stage.short


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if not text or text[-1] in ".!?" else text + "."
