"""Survey questions judged by their wording and their answers (for recognised survey tools).

A question becomes a feedback measure only when both agree: "How likely are you to recommend"
with answers on 0-10 is `nps`; a satisfaction or rating question answered 1-5 is `csat`; an
ease or effort question answered 1-5 is `effort_score`; a comment, reason or "anything else"
question answered in free text is `comment`. Everything else (choices, demographics, a 1-10
rating that is not a recommendation) stays in `extra`. Where two questions qualify for one
measure the most answered wins; the other stays in `extra`.

Wording patterns cover English and the languages survey exports most often arrive in
(German, French, Spanish, Italian, Dutch, Portuguese).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_data.ingest import values

norm = values.fold
SAMPLE = 5000

NPS_Q = re.compile(
    r"recommend|empfehl|recomend|recomiend|recommand|raccomand|aanbevel|aanraden|\bnps\b|\bltr\b"
)
CSAT_Q = re.compile(
    r"satisf|zufrieden|satisfech|satisfait|soddisf|tevreden|\brate\b|\brating\b|\bcsat\b|"
    r"bewert|évalu|valora|overall experience|happy"
)
EFFORT_Q = re.compile(
    r"\beasy\b|\beasier\b|\beffort\b|\bces\b|einfach|aufwand|fácil|facil|facile|gemakkelijk|"
    r"difficult|schwierig|difícil"
)
EASE_Q = re.compile(r"\beasy\b|\beasier\b|einfach|fácil|facil|facile|gemakkelijk")
COMMENT_Q = re.compile(
    r"comment|anything else|improve|\breason|\bwhy\b|tell us|suggest|free text|feedback|"
    r"kommentar|anmerk|verbesser|comentario|mejorar|commentaire|améliorer|pourquoi|"
    r"commento|migliorar|opmerking|verbeter|sugest"
)
ROLE_Q = re.compile(r"job title|your role|\brole\b|position|funktion|cargo|fonction")


@dataclass
class Judged:
    """Question columns -> canonical feedback columns, and which ease answers to reverse."""

    targets: dict[int, str] = field(default_factory=dict)
    reversed_: set[int] = field(default_factory=set)


def _answers(col: pd.Series) -> tuple[pd.Series, int]:
    """(numbers read from the answers, number of answers)."""
    p = values.parse_scale(col, lo=-1e9, hi=1e9)
    answered = int(col.notna().sum()) - (
        int((col.astype(str).str.strip() == "").sum()) if col.dtype == object else 0
    )
    return p.values, max(answered, 0)


def _on_scale(nums: pd.Series, answered: int, lo: float, hi: float) -> bool:
    """Mostly numbers, mostly within lo-hi; what falls outside is a code or two (6 or 99 for
    'not applicable'), not a wider scale."""
    got = nums.dropna()
    if answered == 0 or len(got) < 0.8 * answered:
        return False
    inside = got.between(lo, hi)
    if not inside.any() or got[inside].max() <= lo:
        return False
    outside = got[~inside]
    return bool(inside.mean() >= 0.8 or (inside.mean() >= 0.5 and outside.nunique() <= 2))


def _free_text(col: pd.Series, nums: pd.Series, answered: int) -> float:
    """How much a column reads as free text (0 = not at all): mean length of its answers."""
    if answered == 0 or nums.notna().sum() > 0.5 * answered:
        return 0.0
    text = col.dropna().astype(str).str.strip()
    text = text[text != ""]
    if text.empty or text.nunique() < 0.5 * len(text):
        return 0.0
    return float(text.str.len().mean())


def classify_questions(frame: pd.DataFrame, headers: list[str], columns: list[int]) -> Judged:
    """Which question columns are nps, csat, effort_score, comment or respondent_role (judged
    on the first SAMPLE answers: enough to tell, and a million-row export stays fast)."""
    frame = frame.head(SAMPLE)
    cands: dict[str, list[tuple[float, int]]] = {}
    reversed_: set[int] = set()
    for j in columns:
        q = norm(headers[j])
        if not q or j not in frame.columns:
            continue
        col = frame[j]
        nums, answered = _answers(col)
        if answered == 0:
            continue
        if NPS_Q.search(q) and _on_scale(nums, answered, 0, 10):
            cands.setdefault("nps", []).append((answered, j))
        elif EFFORT_Q.search(q) and _on_scale(nums, answered, 1, 5):
            cands.setdefault("effort_score", []).append((answered, j))
            if EASE_Q.search(q) and not re.search(r"\beffort\b|aufwand", q):
                reversed_.add(j)
        elif CSAT_Q.search(q) and _on_scale(nums, answered, 1, 5):
            cands.setdefault("csat", []).append((answered, j))
        elif COMMENT_Q.search(q) and (length := _free_text(col, nums, answered)) > 0:
            cands.setdefault("comment", []).append((length, j))
        elif ROLE_Q.search(q) and nums.notna().sum() == 0:
            cands.setdefault("respondent_role", []).append((answered, j))
    out = Judged()
    for target, found in cands.items():
        _, j = max(found, key=lambda x: (x[0], -x[1]))
        out.targets[j] = target
    out.reversed_ = {j for j in reversed_ if out.targets.get(j) == "effort_score"}
    return out


def reverse_ease(col: pd.Series) -> pd.Series:
    """'How easy...' answered 1-5 with 5 = very easy, as effort (1 = very easy): 6 - x.

    Cells that are not numbers are left as they are (the parser reports them)."""
    nums = values.parse_scale(col, lo=-1e9, hi=1e9).values
    out = col.astype("object").copy()
    ok = nums.notna() & nums.between(1, 5)
    out[ok] = (6 - nums[ok]).to_numpy()
    return out


def first_datetime_share(col: pd.Series) -> float:
    """Share of the non-blank cells of a column that read as dates (a form's timestamp)."""
    got = col.dropna()
    if got.dtype == object:
        got = got[got.astype(str).str.strip() != ""]
    if got.empty:
        return 0.0
    if pd.api.types.is_datetime64_any_dtype(got.dtype):
        return 1.0
    if pd.api.types.is_numeric_dtype(got.dtype):
        return 0.0
    sample = got.head(200)
    parsed = values.parse_dates(sample.reset_index(drop=True)).values
    return float(np.mean(parsed.notna().to_numpy()))
