"""The customer-centric maturity journey: the seeds' gameboard as a self-assessment.

Five stages (self-serving, presumptuous, engaged, people, proactive), each with its squares,
texts as in `seeds/customer-centric-pmo-gameboard.txt`. The seed numbers two squares "4" (the
key-customer list ends the self-serving stage, meeting the top five opens the presumptuous
one); both are kept, the second as "4b", so 14 squares carry the board's 13 numbers.

Why evidence and a human: most squares leave a trace in the data (a key-customer list, recent
feedback, completed actions followed by new feedback, contacts within cadence), so a rule can
suggest "met", "partly met" or "not met" with the figure it measured. Some are questions only
the PMO can answer (what challenges is the customer having?); those have no rule. The user
confirms or overrides every square with a note; each saved assessment is a document (author,
date, the evidence as it was), so the journey has a history.
Rules are pure functions over small frames (`EvidenceData`), thresholds are named constants.
"""

from pmo_data.analytics.maturity.assessments import (  # noqa: F401 (one namespace for callers)
    EDITORS,
    KIND,
    build,
    can_edit,
    history,
    latest,
    next_moves,
    save,
    stage_reached,
    suggested,
    working_on,
)
from pmo_data.analytics.maturity.board import (  # noqa: F401 (one namespace for callers)
    MET,
    NOT_MET,
    PARTIAL,
    SQUARE,
    SQUARES,
    STAGE,
    STAGES,
    Square,
    Stage,
)
from pmo_data.analytics.maturity.from_store import (  # noqa: F401 (one namespace for callers)
    evaluate,
    evidence,
    gather,
)
from pmo_data.analytics.maturity.rules import (  # noqa: F401 (one namespace for callers)
    ADVOCATE_N,
    ADVOCATE_NPS,
    FEEDBACK_DAYS,
    FOLLOW_DAYS,
    HALF,
    MOST,
    RULES,
    TOP,
    Evidence,
    EvidenceData,
    followed_up,
    rule_advocate,
    rule_cadence,
    rule_catalogue,
    rule_catalogue_review,
    rule_customer_list,
    rule_followed_up,
    rule_key_feedback,
    rule_key_list,
    rule_prioritised,
    rule_service_users,
    rule_top_improvements,
    rule_top_met,
)
