"""The canonical tables: one declaration per column.

Everything that needs to know the data model reads it from here: the importer (aliases,
types, allowed values), validation (required, ranges), the store (DDL), the import template
(help text, dropdowns) and the README's data-model table. Change the model here, nowhere else.

`model` (the `Column` and `Entity` dataclasses, column kinds), `choices` (allowed-value lists),
`projects`, `customers` (customers, feedback, services) and `improvement` (actions, savings)
(the entity declarations), `lookup` (the registry, header normalising, the README table).
"""

from __future__ import annotations

from pmo_data.schema.choices import (
    ACTION_STATUSES,
    LEVELS,
    RAG_VALUES,
    SAVING_CATEGORIES,
    STAGES,
    TIERS,
)
from pmo_data.schema.customers import CUSTOMERS, FEEDBACK, SERVICES
from pmo_data.schema.improvement import ACTIONS, SAVINGS
from pmo_data.schema.lookup import (
    DERIVED_COLUMNS,
    ENTITIES,
    ENTITY_NAMES,
    SYSTEM_COLUMNS,
    data_model_markdown,
    entity,
    normalise_header,
)
from pmo_data.schema.model import KIND_SQL, Column, Entity
from pmo_data.schema.projects import PROJECTS

__all__ = [
    "ACTIONS",
    "ACTION_STATUSES",
    "CUSTOMERS",
    "Column",
    "DERIVED_COLUMNS",
    "ENTITIES",
    "ENTITY_NAMES",
    "Entity",
    "FEEDBACK",
    "KIND_SQL",
    "LEVELS",
    "PROJECTS",
    "RAG_VALUES",
    "SAVINGS",
    "SAVING_CATEGORIES",
    "SERVICES",
    "STAGES",
    "SYSTEM_COLUMNS",
    "TIERS",
    "data_model_markdown",
    "entity",
    "normalise_header",
]
