"""Feedback comments: the comment themes and their phrasings, openers and closers, the
actions raised per theme, respondent roles and channels, and the comment builder."""

from __future__ import annotations

import numpy as np

# Comment themes: label, then positive / negative / neutral phrasings (no final full stop).
THEMES = {
    "communication": (
        "Communication",
        (
            "Communication from the PMO was clear and timely",
            "The weekly updates kept everyone informed",
            "Great communication, we always knew where things stood",
            "Clear, honest communication throughout the project",
            "The team kept us in the loop at every stage",
        ),
        (
            "We were not told about changes early enough, communication was poor",
            "Communication was patchy and we heard about problems too late",
            "Nobody updated us when the plan changed",
            "Poor communication between the PMO and our team",
            "We had to chase for updates, communication needs to improve",
        ),
        (
            "Communication was fine, if a little infrequent",
            "Updates were okay but could be more regular",
            "Communication was adequate",
        ),
    ),
    "reporting": (
        "Reporting quality",
        (
            "The status reports are concise and easy to read",
            "Reporting quality has improved a lot, the monthly report is spot on",
            "The board report gives us exactly what we need",
            "Accurate, well written status reports",
            "Reports arrive on time and the commentary is useful",
        ),
        (
            "Reports are too long and arrive too late to act on",
            "The status report is full of errors and out of date numbers",
            "Too many reports asking for the same data",
            "The monthly report doesn't tell us anything new",
            "Reporting is a box-ticking exercise, nobody reads the reports",
        ),
        (
            "The reports are fine but quite long",
            "Reporting is okay, the format could be simpler",
            "Monthly report is adequate",
        ),
    ),
    "timeliness": (
        "Timeliness and delays",
        (
            "Delivery was on time and milestones were met",
            "The project landed on schedule, well done",
            "Milestones were hit and the go-live went smoothly",
            "Everything was delivered when promised",
        ),
        (
            "Constant delays, the go-live slipped again",
            "Milestones keep moving and the deadline was missed",
            "The project is months behind schedule",
            "Delays on every deliverable, we have lost confidence in the plan",
            "Another missed deadline, the delays are hurting our business",
        ),
        (
            "Some delays but the schedule mostly held",
            "A few milestones slipped, nothing major",
            "Timescales were broadly met",
        ),
    ),
    "responsiveness": (
        "Responsiveness",
        (
            "The team responds quickly when we raise issues",
            "Very responsive, questions answered the same day",
            "Quick turnaround on every request",
            "Always available and quick to help",
        ),
        (
            "Slow to respond, we chased for weeks",
            "Emails go unanswered and requests sit in a queue",
            "It takes far too long to get a response",
            "Nobody picks up our requests, very slow turnaround",
        ),
        (
            "Response times are acceptable",
            "Usually responsive, occasionally slow",
            "Turnaround on requests is okay",
        ),
    ),
    "value": (
        "Cost and value",
        (
            "Good value for the cost of the service",
            "Worth every penny, the savings speak for themselves",
            "The service pays for itself in saved time",
            "Fair price for the value we get",
        ),
        (
            "Too expensive for what we get, unclear value for money",
            "The recharge is high and the value is hard to see",
            "We pay a lot and get little in return",
            "Poor value for money, costs keep going up",
        ),
        (
            "Cost is reasonable but the value could be clearer",
            "Value for money is okay",
            "Charges are about what we expected",
        ),
    ),
    "bureaucracy": (
        "Templates and process",
        (
            "The templates are simple and helpful",
            "The new templates save us time",
            "Light-touch governance that doesn't get in the way",
            "The process is clear and the forms are short",
        ),
        (
            "Too much bureaucracy and paperwork, the templates slow us down",
            "The gate process is heavy and the forms are far too long",
            "Endless templates and approvals for a small project",
            "Process for the sake of process, too much paperwork",
            "The templates are complicated and keep changing",
        ),
        (
            "The templates are okay once you get used to them",
            "Process is a bit heavy but manageable",
            "Some of the forms could be shorter",
        ),
    ),
    "training": (
        "Training",
        (
            "The training sessions were excellent and practical",
            "The academy course gave our project managers real confidence",
            "Great coaching, the training was tailored to our needs",
            "Really useful training on planning and risk",
        ),
        (
            "Training was generic and did not fit our needs",
            "There is no training on the new tools",
            "The training sessions were cancelled twice",
            "Not enough training for new project managers",
        ),
        (
            "Training was useful but a bit basic",
            "The course was okay, some parts were too theoretical",
            "Training is fine",
        ),
    ),
    "resourcing": (
        "Resourcing",
        (
            "Having the right people on the project made a difference",
            "Skilled, experienced project staff",
            "Resources were available when we needed them",
            "The PMO found us a strong project manager quickly",
        ),
        (
            "The project was understaffed, resources kept changing",
            "We lost our project manager mid-project with no handover",
            "Not enough resources, the team is stretched too thin",
            "Constant turnover of staff on our project",
            "Resourcing is a problem, we waited weeks for an analyst",
        ),
        (
            "Resourcing was adequate",
            "Staffing was okay, a bit stretched at times",
            "Mostly the right people, some gaps",
        ),
    ),
    "engagement": (
        "Stakeholder engagement",
        (
            "They listened to our stakeholders and involved us in decisions",
            "Excellent stakeholder engagement, we felt like partners",
            "The workshops brought our stakeholders together",
            "Our views were listened to and acted on",
        ),
        (
            "Our stakeholders were not engaged or listened to",
            "Decisions were made without consulting us",
            "We felt excluded from key decisions",
            "Stakeholder engagement was an afterthought",
        ),
        (
            "Engagement was fine, we were consulted on the main points",
            "Stakeholders were involved some of the time",
            "Engagement was reasonable",
        ),
    ),
    "dashboards": (
        "Tools and dashboards",
        (
            "The dashboards help our steering group decide faster",
            "The new portfolio dashboard is excellent",
            "Love the live dashboard, no more chasing spreadsheets",
            "The tools are easy to use and the dashboard data is accurate",
        ),
        (
            "The dashboard is confusing and the data is often wrong",
            "The tools are clunky and the dashboard is always out of date",
            "Too many tools and spreadsheets, no single source of truth",
            "The dashboard doesn't load and the data can't be trusted",
        ),
        (
            "The dashboard is useful but a bit cluttered",
            "The tools do the job",
            "Dashboard is okay, could be simpler",
        ),
    ),
}
THEME_KEYS = tuple(THEMES)

OPENERS = {
    "pos": ("", "", "", "Overall, ", "Honestly, ", "To be fair, ", "All in all, "),
    "neg": ("", "", "", "Frankly, ", "Again, ", "Sadly, ", "Once again "),
    "neu": ("", "", "", "Overall, ", "On balance, "),
}
CLOSERS = {
    "pos": (
        "Thank you!",
        "Keep it up.",
        "Great job by the team.",
        "Much appreciated.",
        "Thanks to everyone involved.",
    ),
    "neg": (
        "Please sort this out.",
        "This needs fixing.",
        "We expect better.",
        "Not good enough.",
        "Please escalate.",
    ),
    "neu": ("Nothing more to add.", "No major concerns.", "Happy to discuss."),
}

# "You said, we did": what the PMO does about each theme.
ACTION_TITLES = {
    "communication": (
        "Fortnightly update call with the sponsor",
        "Change notices sent to the customer within two days",
        "Communication plan agreed at project start",
    ),
    "reporting": (
        "One-page status report replacing the long report pack",
        "Report data checked before the monthly report is issued",
        "Reporting calendar aligned to the customer's board dates",
    ),
    "timeliness": (
        "Schedule review and re-baseline with the customer",
        "Milestone tracker shared weekly to catch delays early",
        "Recovery plan for the slipped go-live",
    ),
    "responsiveness": (
        "Named PMO contact with a two-day response target",
        "Shared request queue with response times published",
        "Daily triage of customer requests",
    ),
    "value": (
        "Publish service charges and value delivered per quarter",
        "Recharge model simplified and explained to finance",
        "Quarterly value-for-money review with the customer",
    ),
    "bureaucracy": (
        "Simplified templates: mandatory fields cut by half",
        "Light-touch gate process for small projects",
        "Template library cleaned up and versioned",
    ),
    "training": (
        "Tailored training path for the customer's project team",
        "Training on the new planning tool",
        "Induction course for new project managers",
    ),
    "resourcing": (
        "Resource plan agreed with the customer for the next quarter",
        "Handover checklist when project staff change",
        "Cover arrangement for key project roles",
    ),
    "engagement": (
        "Stakeholder workshop at each stage gate",
        "Customer representative on the project board",
        "Stakeholder map reviewed with the sponsor monthly",
    ),
    "dashboards": (
        "Data quality checks before dashboards are published",
        "Dashboard redesigned with the steering group",
        "Single source of truth for portfolio data",
    ),
}

RESPONDENT_ROLES = ("Sponsor", "Project manager", "End user", "Executive", "Finance")
ROLE_P = (0.20, 0.26, 0.34, 0.10, 0.10)
CHANNELS = ("Survey", "Interview", "Workshop", "Email")
CHANNEL_P = (0.68, 0.10, 0.09, 0.13)


def _phrases(polarity: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All phrases of a polarity flattened, with each theme's offset and count."""
    slot = {"pos": 1, "neg": 2, "neu": 3}[polarity]
    lists = [THEMES[k][slot] for k in THEME_KEYS]
    flat = np.array([p for ps in lists for p in ps], dtype=object)
    counts = np.array([len(ps) for ps in lists])
    return flat, np.concatenate([[0], np.cumsum(counts)[:-1]]), counts


def _lower_first(s: np.ndarray) -> np.ndarray:
    return np.array([p if p[1:2].isupper() else p[:1].lower() + p[1:] for p in s], dtype=object)


def comments(rng, theme, polarity, has_comment) -> np.ndarray:
    """Comment text from theme phrases: an opener, a phrase, sometimes a second theme (or a
    mixed "X, but Y"), sometimes a closer. Rows without a comment are None."""
    n = len(theme)
    out = np.full(n, None, dtype=object)
    other = (theme + rng.integers(1, len(THEME_KEYS), n)) % len(THEME_KEYS)
    for pol in ("pos", "neg", "neu"):
        rows = np.flatnonzero(has_comment & (polarity == pol))
        m = len(rows)
        flat, off, cnt = _phrases(pol)
        th, th2 = theme[rows], other[rows]
        first = flat[off[th] + rng.integers(0, 1 << 20, m) % cnt[th]]
        opener = rng.choice(np.array(OPENERS[pol], dtype=object), m)
        text = np.where(opener == "", first, opener + _lower_first(first))
        second_pol = "neg" if pol == "neu" else pol
        flat2, off2, cnt2 = _phrases(second_pol)
        second = flat2[off2[th2] + rng.integers(0, 1 << 20, m) % cnt2[th2]]
        u = rng.random(m)
        text = np.where(
            (pol == "neu") & (u < 0.35),
            text + ", but " + _lower_first(second) + ".",
            np.where(u < 0.25, text + ". " + second + ".", text + "."),
        )
        closer = rng.choice(np.array(CLOSERS[pol], dtype=object), m)
        closed = rng.random(m) < 0.25
        text = np.where(closed, text + " " + closer, text)
        messy = rng.random(m)  # people type as they type
        text = np.where(messy < 0.03, np.array([s.lower() for s in text], dtype=object), text)
        text = np.where((messy > 0.97) & ~closed, [s.rstrip(".") for s in text], text)
        out[rows] = text
    return out
