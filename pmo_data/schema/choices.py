"""The closed lists of allowed values (RAG, stages, statuses, tiers, categories, levels).

Kept apart so the entity declarations and the importer share one spelling of each choice.
"""

from __future__ import annotations

RAG_VALUES = ("Red", "Amber", "Green")
STAGES = ("Idea", "Initiation", "Planning", "Execution", "Closing", "Closed", "On hold")
ACTION_STATUSES = ("Open", "In progress", "Done", "Cancelled")
TIERS = ("Strategic", "Key", "Standard")
SAVING_CATEGORIES = (
    "Operational efficiency",
    "Resource optimisation",
    "Avoided cost",
    "Benefit realised",
    "Procurement",
    "Other",
)
LEVELS = ("Low", "Medium", "High")
