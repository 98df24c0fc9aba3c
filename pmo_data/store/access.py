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


# From narrowest to widest: person-scoped groups see a slice; executives everything; PMO
# analysts everything plus data quality. A request that cannot be honoured gets the narrowest.
BREADTH: dict[str, int] = {g: 0 if g in PERSON_COLUMN else 1 for g in GROUPS} | {"pmo_analyst": 2}


@dataclass(frozen=True)
class Viewer:
    """The person looking at the dashboard and the rows they may see.

    `identity` is who is really there (the signed-in email, or the local or command-line
    user); `group` and `person` are the view they look through. `admin` comes from the access
    table or PMO_ADMINS. `signed_in` is False in local mode (no `[auth]` configured).
    `viewed_by` is set while an admin checks this person's view ("view as"): such a viewer
    changes nothing. `via` says where a change comes from: "app" or "cli".
    """

    group: str = "executive"
    person: str | None = None
    identity: str = "local user"
    admin: bool = False
    signed_in: bool = False
    viewed_by: str | None = None
    via: str = "app"

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"unknown stakeholder group {self.group!r}; one of {list(GROUPS)}")
        if self.via not in ("app", "cli"):
            raise ValueError(f"via must be 'app' or 'cli', not {self.via!r}")

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

    @property
    def actor(self) -> str:
        """Who the audit log records for a change made through this viewer."""
        return f"{self.viewed_by} (as {self.identity})" if self.viewed_by else self.identity


EVERYONE = Viewer("pmo_analyst")


@dataclass(frozen=True)
class Grant:
    """One row of the access table: `email` may look as `group` (and `person`)."""

    email: str
    group: str
    person: str | None = None
    admin: bool = False


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


# -- permissions: checked by the data layer before every change ---------------------------
ACTIONS: dict[str, str] = {
    "import": "import data",
    "rollback": "roll back the store",
    "clear": "clear the store",
    "mapping": "save a column mapping",
    "access": "change the access table",
    "weights": "save a weight profile",
    "double_count": "decide a double count",
    "assumptions": "save an assumption set",
    "maturity": "record a maturity assessment",
}
# The saved documents (store.save_document kinds) and the change each one is.
DOCUMENT_ACTIONS: dict[str, str] = {
    "mapping": "mapping",
    "weight_profile": "weights",
    "savings_resolution": "double_count",
    "assumption_set": "assumptions",
    "maturity_assessment": "maturity",
}
STEWARD_ACTIONS = frozenset({"import", "rollback", "clear", "mapping", "access"})
WHOLE_PMO = ("pmo_analyst", "executive")


class PermissionDenied(Exception):
    """The viewer may not make this change (the message says who may)."""


def may(viewer: Viewer, action: str) -> bool:
    """Whether `viewer` may make a change of kind `action` (a key of ACTIONS).

    - Data and access changes (import, rollback, clear, mappings, the access table): PMO
      analysts and admins when signed in; the PMO analyst and executive views in local mode;
      anyone at the command line (whoever can reach the store file can change it anyway).
    - Weight profiles: anyone (a profile is saved for the saver's own group).
    - Double-count decisions, assumption sets, maturity assessments concern the whole PMO:
      the PMO analyst and executive views.
    - Nobody while an admin is viewing as them.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {list(ACTIONS)}")
    if viewer.viewed_by:
        return False
    if action in STEWARD_ACTIONS:
        if viewer.via == "cli":
            return True
        if viewer.signed_in:
            return viewer.admin or viewer.group == "pmo_analyst"
        return viewer.group in WHOLE_PMO
    if action == "weights":
        return True
    return viewer.group in WHOLE_PMO


def may_grant_admin(viewer: Viewer) -> bool:
    """Only admins make or unmake admins (and the local user, and the command line)."""
    if viewer.viewed_by:
        return False
    return viewer.admin or viewer.via == "cli" or not viewer.signed_in


def require(viewer: Viewer, action: str) -> None:
    """Raise PermissionDenied unless `viewer` may do `action`."""
    if may(viewer, action):
        return
    if viewer.viewed_by:
        raise PermissionDenied(
            f"You are viewing as {viewer.identity}: stop viewing as them to {ACTIONS[action]}."
        )
    if action in STEWARD_ACTIONS:
        who = (
            "a PMO analyst or an admin"
            if viewer.signed_in
            else "the PMO analyst or executive view (switch in the sidebar)"
        )
    else:
        who = "the PMO analyst or executive view"
    raise PermissionDenied(
        f"{viewer.identity} ({viewer.label}) may not {ACTIONS[action]}: that needs {who}."
    )
