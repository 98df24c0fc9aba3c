"""The gameboard itself: its five stages and fourteen squares, and the three statuses a
square's evidence can have, so the rules, the store side and the assessments share one board."""

from __future__ import annotations

from dataclasses import dataclass

MET, PARTIAL, NOT_MET = "met", "partly met", "not met"


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    belief: str

    @property
    def short(self) -> str:
        """'The self-serving PMO' -> 'Self-serving': how tiles name it, on the page and in
        the brief alike."""
        return self.name.removeprefix("The ").removesuffix(" PMO").capitalize()


@dataclass(frozen=True)
class Square:
    id: str
    stage: str
    kind: str
    text: str
    rule: str | None  # evidence rule id, None when only the PMO can answer
    page: str  # where to act on it


STAGES = (
    Stage(
        "self_serving",
        "The self-serving PMO",
        "We don't think of our internal stakeholders "
        "as customers and are focused on the operational tasks needed to keep our function "
        "moving",
    ),
    Stage(
        "presumptuous",
        "The presumptuous PMO",
        "We know what our customers need and work "
        "hard to ensure what we produce meets quality standards",
    ),
    Stage(
        "engaged",
        "The engaged PMO",
        "We seek customer feedback and prioritise key issues in "
        "order to improve customer satisfaction and reduce complaints",
    ),
    Stage(
        "people",
        "The people PMO",
        "We focus on long term relationships and strive to make an "
        "emotional connection by providing delightful experiences that create advocates",
    ),
    Stage(
        "proactive",
        "The proactive PMO",
        "We think deeply about what our customers are trying "
        "to accomplish and create new ways to add value before they ask!",
    ),
)
STAGE = {s.key: s for s in STAGES}

SQUARES = (
    Square(
        "1", "self_serving", "question", "Who benefits from our work?", "customer_list", "customers"
    ),
    Square("2", "self_serving", "question", "Who needs our services?", "service_users", "services"),
    Square("3", "self_serving", "question", "What services do they need?", "catalogue", "services"),
    Square(
        "4",
        "self_serving",
        "task",
        "Based on your answers to 1 and 2, develop a key customer list",
        "key_list",
        "customers",
    ),
    Square(
        "4b", "presumptuous", "task", "Arrange to meet your top 5 customers", "top_met", "customers"
    ),
    Square(
        "5", "presumptuous", "task", "Collect feedback on your services", "key_feedback", "feedback"
    ),
    Square(
        "6",
        "presumptuous",
        "task",
        "Make a list of things your top 5 customers would like to see improved",
        "top_improvements",
        "feedback",
    ),
    Square(
        "7",
        "engaged",
        "task",
        "Prioritise improvements based on the impact for your customers",
        "prioritised",
        "feedback",
    ),
    Square(
        "8",
        "engaged",
        "task",
        "Complete improvements and ask for more feedback!",
        "followed_up",
        "feedback",
    ),
    Square(
        "9",
        "engaged",
        "question",
        "Set up a regular connection call or face-to-face with your top customers",
        "cadence",
        "customers",
    ),
    Square(
        "10",
        "people",
        "question",
        "What challenges is your customer having? What "
        "opportunities do they see for the business? What is changing for them? Remember to "
        "LISTEN!",
        None,
        "feedback",
    ),
    Square(
        "11",
        "people",
        "task",
        "Review your service catalogue. Can you identify other "
        "services that could help your customers achieve success?",
        "catalogue_review",
        "services",
    ),
    Square(
        "12",
        "people",
        "star point",
        "Congratulations, you've gained an advocate (and a friend)!",
        "advocate",
        "customers",
    ),
    Square(
        "13",
        "proactive",
        "final square",
        "Create new ways to add value before your customers ask",
        None,
        "services",
    ),
)
SQUARE = {s.id: s for s in SQUARES}
