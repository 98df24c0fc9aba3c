"""The entity registry and lookup helpers: every entity by name, the columns the store adds.

Also header normalising and the README data-model table, so callers need no entity module.
"""

from __future__ import annotations

import re

from pmo_data.schema.customers import CUSTOMERS, FEEDBACK, SERVICES
from pmo_data.schema.improvement import ACTIONS, SAVINGS
from pmo_data.schema.model import Entity
from pmo_data.schema.projects import PROJECTS

ENTITIES: dict[str, Entity] = {
    e.name: e for e in (PROJECTS, CUSTOMERS, FEEDBACK, SERVICES, ACTIONS, SAVINGS)
}
ENTITY_NAMES: tuple[str, ...] = tuple(ENTITIES)

# Provenance columns the store adds to every entity table.
SYSTEM_COLUMNS = (
    ("extra", "VARCHAR", "Unknown source columns, kept as a JSON object (never dropped)."),
    ("_file", "VARCHAR", "Source file name."),
    ("_sheet", "VARCHAR", "Source sheet name."),
    ("_row", "INTEGER", "Source row number as seen in the spreadsheet."),
)

# Derived columns computed at import and stored beside the entity's own.
DERIVED_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "feedback": (
        ("sentiment", "DOUBLE", "Comment sentiment, -1 (negative) to 1 (positive), by VADER."),
        ("nps_scale", "VARCHAR", "Scale the NPS answer was given on: 0-10 or 1-10."),
    ),
}


def entity(name: str) -> Entity:
    """The entity called `name`, with a clear error listing the valid ones."""
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}; expected one of {', '.join(ENTITIES)}") from None


def normalise_header(text: object) -> str:
    """Lower-case, punctuation to spaces, collapsed: the form aliases are compared in."""
    s = str(text or "").replace("\u00a0", " ").lower()
    s = s.replace("&", " and ").replace("%", " percent ").replace("#", " number ")
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def data_model_markdown() -> str:
    """The README's data-model section, generated so docs never drift from the code."""
    lines = []
    for e in ENTITIES.values():
        lines.append(f"### {e.name}\n\n{e.help} Key: `{e.key}`.\n")
        lines.append("| column | type | required | meaning | also accepted as |")
        lines.append("|---|---|---|---|---|")
        for c in e.columns:
            allowed = f" One of: {', '.join(c.allowed)}." if c.allowed else ""
            rng = f" Range {c.lo:g}-{c.hi:g}." if c.lo is not None and c.hi is not None else ""
            aliases = ", ".join(a for a in c.aliases[:6] if a != c.name.replace("_", " "))
            req = "yes" if c.required else ""
            lines.append(f"| `{c.name}` | {c.kind} | {req} | {c.help}{allowed}{rng} | {aliases} |")
        lines.append("")
    return "\n".join(lines)
