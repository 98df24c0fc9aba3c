"""Who is looking: a viewer is (identity, stakeholder group, person in scope).

The group decides which rows a viewer may see; `queries.scoped` turns that into SQL. Pages
never filter for access themselves, so a page cannot show what the viewer may not see.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUPS: dict[str, str] = {
    "executive": "Executive",
    "sponsor": "Sponsor",
    "project_manager": "Project manager",
    "account_lead": "Customer account lead",
    "service_owner": "Service owner",
    "pmo_analyst": "PMO analyst",
}

# Groups scoped to a person: the entity and column that name them.
PERSON_COLUMN: dict[str, tuple[str, str]] = {
    "sponsor": ("projects", "sponsor"),
    "project_manager": ("projects", "project_manager"),
    "account_lead": ("customers", "account_lead"),
    "service_owner": ("services", "owner"),
}

GROUP_HELP: dict[str, str] = {
    "executive": "Everything, summarised: value delivered, savings, satisfaction, top risks.",
    "sponsor": "The projects you sponsor: benefits, RAG, budget and schedule.",
    "project_manager": "Your projects, their latest feedback and the actions due.",
    "account_lead": "Your customers: satisfaction, their projects, open actions, last contact.",
    "service_owner": "Your services: demand against capacity and satisfaction.",
    "pmo_analyst": "Everything, plus data quality: rejected rows, orphans, stale data.",
}


@dataclass(frozen=True)
class Viewer:
    """The person looking at the dashboard and the rows they may see."""

    group: str = "executive"
    person: str | None = None
    identity: str = "local user"

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"unknown stakeholder group {self.group!r}; one of {list(GROUPS)}")

    @property
    def sees_everything(self) -> bool:
        return self.group not in PERSON_COLUMN

    @property
    def needs_person(self) -> bool:
        return self.group in PERSON_COLUMN

    @property
    def label(self) -> str:
        who = f": {self.person}" if self.person else ""
        return f"{GROUPS[self.group]}{who}"


EVERYONE = Viewer("pmo_analyst")
