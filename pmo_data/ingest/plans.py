"""What an import plan is: the plan and planned-sheet records, the errors that block
`apply`, and the hints naming the next step (shared by every import stage)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pmo_data.ingest import effect
from pmo_data.ingest.report import ImportReport

Progress = Callable[[str, str, "float | None"], None]


# Sheets that document a workbook (like the template's README): ignored unless recognised.
DOC_SHEETS = {"readme", "read me", "instructions", "notes", "help", "about", "guide", "contents"}


# How messages name the next step, for the terminal and for the Data page (buttons and fields).
HINTS = {
    "cli": {
        "template": "use the template (`python -m pmo_data template`) or `--as ENTITY`",
        "accept": "accept loading without the rejected rows (--accept-rejected)",
        "date": "give the survey date with --date",
    },
    "web": {
        "template": "use the import template (download it at the bottom of this page) or "
        "choose the sheet's entity in the mapping review",
        "accept": "tick 'Import without the rejected rows'",
        "date": "give it in the 'Survey date' field",
    },
}


class ImportBlocked(Exception):
    """The plan cannot be applied as it is (the message says why and what to do)."""


class NeedsConfirmation(ImportBlocked):
    """The effect removes more than a fifth of an entity or changes keys: confirm it."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("this import " + "; and ".join(reasons))


class StoreMoved(ImportBlocked):
    """The store changed since the plan was made; `changes` says how (one line each)."""

    def __init__(self, base: int | None, current: int, changes: list[str]):
        self.base, self.current, self.changes = base, current, changes
        super().__init__(
            f"the store changed since these files were checked (version {base}, now {current}): "
            + "; ".join(changes)
            + " — check the files again and confirm the new effect"
        )


@dataclass
class PlannedSheet:
    sheet: object  # reading.Sheet
    entity: str | None
    score: float
    mapping: object | None  # mapping.Mapping
    chosen: bool = False  # entity or columns chosen by the user: remember the mapping
    tool: str | None = None  # the export's tool, when its signature was recognised
    skipped: str | None = None  # why a sheet that is not data was left out (info)


@dataclass
class ImportPlan:
    """What an import would do: rows to load and rejected per entity, and the report."""

    report: ImportReport
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)
    sheets: list[PlannedSheet] = field(default_factory=list)
    inputs: list = field(default_factory=list, repr=False)
    force_entity: str | None = None
    overrides: dict | None = field(default=None, repr=False)
    audience: str = "cli"
    survey_date: date | None = None  # the date of responses in files with no date column
    version: int | None = None  # set by apply
    base_version: int | None = None  # the store version the effect was computed against
    proposals: dict[str, effect.Proposal] = field(default_factory=dict)
    effects: dict[str, effect.Effect] = field(default_factory=dict, repr=False)

    @property
    def modes(self) -> dict[str, str]:
        """The chosen mode per entity."""
        return {k: v.mode for k, v in self.effects.items()}

    @property
    def confirmations(self) -> list[str]:
        """What needs an explicit confirmation before this plan applies, per entity."""
        return [f"{n}: {c}" for n, e in self.effects.items() for c in e.confirmations]

    @property
    def has_errors(self) -> bool:
        return self.report.has_errors

    @property
    def row_counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.tables.items()}
