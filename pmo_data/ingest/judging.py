"""Mapping judged by the values under each header, not only by the header.

`mapping.map_headers` matches headers; a header can mislead. "NPS Type" holding Promoter /
Passive / Detractor matches `nps` by name but cannot be a 0-10 score, while the real score sits
under "Recommendation Score"; "Customer Name" in a survey export holds the respondent's own name,
not a customer. `judge` corrects a mapping made automatically (never a column the user chose
or a remembered mapping) and says what it did:
- a score column (ratings 1-5, `nps` 0-10) must hold numbers in its range; text categories
  cannot become a score;
- when several columns compete for one score, the one whose values fit wins (whole numbers
  0-10 for `nps`), found among the columns mapped to it and those whose header hints at it;
- a `customer_id` column of people's names is the respondent: a company or account column is
  used instead when there is one, else `customer_id` is left empty and the report says so.
`category_checks` then uses NPS categories where they exist: it checks them against the score
row by row (9-10 Promoter, 7-8 Passive, 0-6 Detractor), or says that there is no score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pmo_data.ingest.mapping import Mapping
from pmo_data.ingest.validation import issue, issues_frame
from pmo_data.schema import entity

AUTOMATIC = frozenset({"exact", "alias", "fuzzy", "survey"})
SCORE_KINDS = ("rating", "nps")
# Headers that hint at a score even when they match no alias ("Recommendation Score").
SCORE_HINTS = {
    "nps": re.compile(r"recommend|\bnps\b|promoter|likel"),
    "csat": re.compile(r"satisf|\bcsat\b"),
    "effort_score": re.compile(r"\beffort\b|\bces\b|\beas(y|e|ier)\b"),
}
FIT = 0.8  # share of answers in range for a column to fit a score
ORG_HEADER = re.compile(
    r"compan|organi[sz]ation|\borg\b|account|client|employer|business|firm|customer"
)
ORG_WORDS = frozenset(
    re.findall(
        r"\w+",
        """ltd limited plc inc llc llp corp corporation company co group holdings council
    university college school trust bank services service department dept division team unit
    office agency ministry authority nhs foundation partners associates solutions systems
    technologies technology international industries hospital centre center club society
    association institute gmbh ag sa bv nv oy ab pty government county city borough region
    board committee directorate finance hr it operations marketing sales legal""",
    )
)
_PERSON = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+)?"
    r"[A-ZÀ-Þ][a-zà-ÿ]+(?:['’-][A-Za-zÀ-ÿ]+)*"
    r"(?:\s+[A-Z]\.?)?"
    r"(?:\s+(?:van|von|de|da|del|der|le|la|di|du|mac|mc)?\s*[A-ZÀ-Þ][a-zà-ÿ]+(?:['’-][A-Za-zÀ-ÿ]+)*){1,2}$"
)
_SURNAME_FIRST = re.compile(r"^[A-ZÀ-Þ][a-zà-ÿ'’-]+,\s*[A-ZÀ-Þ][a-zà-ÿ'’-]+$")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+\.[\w.-]+$")
_LEADING_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)(?:\s*(?:[-–:/(]|$))")
NPS_CATEGORIES = {
    "promoter": "Promoter",
    "promoters": "Promoter",
    "passive": "Passive",
    "passives": "Passive",
    "neutral": "Passive",
    "detractor": "Detractor",
    "detractors": "Detractor",
}


def _values(sheet, index: int) -> pd.Series:
    frame = sheet.frame
    if index not in frame.columns:
        return pd.Series([], dtype=object)
    s = frame[index]
    keep = s.notna()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):  # numbers are never blank
        keep &= s.astype(str).str.strip() != ""
    return s if keep.all() else s[keep]  # no copy of a column without blanks (read only)


def _numbers(values: pd.Series) -> pd.Series:
    """Each answer as a number where it is one ('9', 9.0, '4 - Agree'), else NaN. Text is
    read once per distinct answer (a score column of a million rows holds a few dozen)."""
    if pd.api.types.is_numeric_dtype(values.dtype) and values.dtype != bool:
        return values.astype("float64")
    if len(values) > 1000 and isinstance(values.dtype, pd.StringDtype):
        codes, distinct = pd.factorize(values)
        if len(distinct) < len(values) // 2:
            nums = _numbers(pd.Series(np.asarray(distinct, dtype=object))).to_numpy()
            found = np.append(nums, np.nan)[codes]  # code -1 (blank): the NaN at the end
            return pd.Series(found, index=values.index, dtype="float64", copy=False)
    direct = pd.to_numeric(values, errors="coerce")
    need = direct.isna()
    if need.any():
        texts = values[need].astype(str)
        m = texts.str.extract(_LEADING_NUMBER, expand=False).str.replace(",", ".")
        direct[need] = pd.to_numeric(m, errors="coerce")
    return direct.astype("float64")


@dataclass(frozen=True)
class ScoreFit:
    """How well a column's answers fit a score's scale."""

    n: int
    in_range: float  # share of answers that are numbers within lo-hi
    whole: float  # share of those numbers that are whole
    categories: tuple[str, ...]  # distinct text answers when the column is categorical

    @property
    def ok(self) -> bool:
        return self.n > 0 and self.in_range >= FIT

    def describe(self) -> str:
        if self.categories:
            shown = ", ".join(self.categories[:3]) + ("…" if len(self.categories) > 3 else "")
            return f"text categories such as {shown}"
        return f"{self.in_range:.0%} of its answers are in range"


def score_fit(values: pd.Series, lo: float, hi: float, whole: bool = False) -> ScoreFit:
    """Share of answers that are numbers from lo to hi (whole numbers if `whole`)."""
    n = len(values)
    if not n:
        return ScoreFit(0, 0.0, 0.0, ())
    nums = _numbers(values)
    inside = nums.between(lo, hi)
    is_whole = (nums[inside] % 1 == 0).mean() if inside.any() else 0.0
    share = float(inside.mean())
    if whole and is_whole < 0.95:
        share = min(share, float(is_whole))
    cats: tuple[str, ...] = ()
    if nums.notna().mean() < 0.5:
        distinct = pd.unique(values[nums.isna()].astype(str).str.strip())
        if len(distinct) <= 12:
            cats = tuple(str(v) for v in distinct)
    return ScoreFit(n, share, float(is_whole), cats)


def nps_categories(values: pd.Series) -> pd.Series | None:
    """Promoter / Passive / Detractor per answer, when (nearly) every answer is one."""
    if not len(values):
        return None
    codes, distinct = pd.factorize(values)  # each distinct answer once
    named = pd.Series(distinct).astype(str).str.strip().str.lower().map(NPS_CATEGORIES)
    found = named.to_numpy(dtype=object)[np.maximum(codes, 0)]
    norm = pd.Series(np.where(codes >= 0, found, None), index=values.index, dtype=object)
    return norm if norm.notna().mean() >= 0.9 else None


def looks_like_people(values: pd.Series) -> bool:
    """True when the answers are people's names or e-mail addresses (respondents), not
    companies, accounts or ids."""
    texts = values.astype(str)  # stripped below, once per distinct answer
    if not len(texts) or texts.str.contains(r"\d", regex=True).mean() > 0.2:
        return False
    distinct = pd.Series(pd.unique(pd.Series(pd.unique(texts)).str.strip()))
    sample = distinct.head(500)

    def person(t: str) -> bool:
        if _EMAIL.match(t):
            return True
        words = {w.strip(".,()").lower() for w in t.split()}
        if words & ORG_WORDS:
            return False
        return bool(_PERSON.match(t) or _SURNAME_FIRST.match(t))

    share = sample.map(person).mean()
    repeats = len(texts) >= 20 and len(distinct) / len(texts) < 0.3  # accounts repeat
    return bool(share >= 0.8 and not repeats)


def _filled(sheet, col) -> int:
    return len(_values(sheet, col.index))


def _note(severity, message, mapping, sheet, header=None, letter=None, field=None):
    return issue(
        severity,
        message,
        entity=mapping.entity,
        file=sheet.file,
        sheet=sheet.name,
        rule="values",
        column=header,
        letter=letter,
        field=field,
    )


def judge(mapping: Mapping, sheet) -> tuple[Mapping, pd.DataFrame]:
    """The mapping with automatic choices corrected by the values, and notes saying why."""
    cols = list(mapping.columns)
    notes: list[pd.DataFrame] = []
    e = entity(mapping.entity)
    for col in e.columns:
        if col.kind in SCORE_KINDS and col.name in SCORE_HINTS:
            notes += _judge_score(cols, mapping, sheet, col)
    if e.has("customer_id") and e.key != "customer_id":
        notes += _judge_customer(cols, mapping, sheet)
    out = Mapping(mapping.entity, cols, mapping.signature, mapping.remembered)
    return out, issues_frame(notes)


def _judge_score(cols, mapping, sheet, col) -> list[pd.DataFrame]:
    target = col.name
    current = next((i for i, c in enumerate(cols) if c.target == target), None)
    if current is not None and cols[current].method not in AUTOMATIC:
        return []  # the user's (or a remembered) choice
    hint = SCORE_HINTS[target]
    cands = [
        i
        for i, c in enumerate(cols)
        if c.target == target
        or (c.target is None and c.method in ("none", *AUTOMATIC) and hint.search(c.header.lower()))
    ]
    whole = col.kind == "nps"
    fits = {i: score_fit(_values(sheet, cols[i].index), col.lo, col.hi, whole) for i in cands}
    if current is not None and fits[current].ok:
        return []
    ok = [i for i in cands if fits[i].ok]
    scale = f"whole numbers {col.lo:g}-{col.hi:g}" if whole else f"{col.lo:g}-{col.hi:g}"
    if ok:
        best = max(
            ok, key=lambda i: (fits[i].in_range, cols[i].confidence, _filled(sheet, cols[i]))
        )
        b = cols[best]
        cols[best] = replace(
            b, target=target, confidence=round(fits[best].in_range, 2), method="values"
        )
        msg = f"'{b.header}' gives {target}: its answers are {scale}"
        if current is not None:
            c = cols[current]
            cols[current] = replace(c, target=None, confidence=0.0, method="values")
            msg += f"; '{c.header}' ({fits[current].describe()}) is kept as an extra column"
        return [_note("info", msg, mapping, sheet, b.header, b.letter, target)]
    if current is not None and (fits[current].categories or fits[current].in_range < 0.5):
        c = cols[current]
        cols[current] = replace(c, target=None, confidence=0.0, method="values")
        msg = (
            f"'{c.header}' holds {fits[current].describe()}, not a score of {scale}: it cannot "
            f"be {target} and is kept as an extra column; no column gives {target}"
        )
        return [_note("warning", msg, mapping, sheet, c.header, c.letter, target)]
    return []


def _judge_customer(cols, mapping, sheet) -> list[pd.DataFrame]:
    current = next((i for i, c in enumerate(cols) if c.target == "customer_id"), None)
    if current is None or cols[current].method not in AUTOMATIC:
        return []
    c = cols[current]
    values = _values(sheet, c.index)
    if not looks_like_people(values):
        return []
    example = str(values.iloc[0]).strip()[:40]
    cols[current] = replace(c, target=None, confidence=0.0, method="values")
    alt = next(
        (
            i
            for i, o in enumerate(cols)
            if o.target is None
            and i != current
            and ORG_HEADER.search(o.header.lower())
            and len(_values(sheet, o.index))
            and not looks_like_people(_values(sheet, o.index))
        ),
        None,
    )
    people = f"'{c.header}' holds people's names (e.g. '{example}'): the respondent, not a customer"
    if alt is not None:
        a = cols[alt]
        cols[alt] = replace(a, target="customer_id", confidence=0.8, method="values")
        msg = f"{people}; '{a.header}' names the company or account and gives customer_id"
        return [_note("info", msg, mapping, sheet, a.header, a.letter, "customer_id")]
    msg = (
        f"{people}. It is kept as an extra column and customer_id is left empty: map a column "
        "naming the company or account to customer_id to link these rows to customers"
    )
    return [_note("warning", msg, mapping, sheet, c.header, c.letter, "customer_id")]


def category_checks(sheet, mapping: Mapping) -> pd.DataFrame:
    """NPS categories (Promoter / Passive / Detractor) checked against the 0-10 score row by
    row, or a note that there is no score to compute NPS from."""
    if mapping.entity != "feedback":
        return issues_frame()
    cat = None
    for c in mapping.columns:
        if c.target is None:
            cats = nps_categories(_values(sheet, c.index))
            if cats is not None:
                cat = (c, cats)
                break
    if cat is None:
        return issues_frame()
    c, cats = cat
    score = mapping.source_of("nps")
    if score is None:
        msg = (
            f"'{c.header}' holds NPS categories (Promoter / Passive / Detractor) but no column "
            "gives the 0-10 score: NPS is not computed for these responses; the categories are "
            "kept as an extra column"
        )
        return _note("warning", msg, mapping, sheet, c.header, c.letter, "nps")
    nums = _numbers(sheet.frame[score.index]) if score.index in sheet.frame else None
    if nums is None:
        return issues_frame()
    expected = pd.Series(
        np.select([nums >= 9, nums >= 7, nums >= 0], ["Promoter", "Passive", "Detractor"], None),
        index=nums.index,
    ).where(nums.notna())
    got = cats.reindex(nums.index)
    both = expected.notna() & got.notna()
    bad = both & (expected != got)
    n_both = int(both.sum())
    rows = np.asarray(sheet.rows)
    positions = np.flatnonzero(bad.reindex(sheet.frame.index, fill_value=False).to_numpy())
    parts = [
        _note(
            "info",
            f"'{c.header}' (NPS categories) agrees with '{score.header}' on "
            f"{n_both - int(bad.sum()):,} of {n_both:,} responses (9-10 Promoter, 7-8 Passive, "
            "0-6 Detractor); the score is what NPS is computed from",
            mapping,
            sheet,
            c.header,
            c.letter,
            "nps",
        )
    ]
    if len(positions):
        frame = sheet.frame.iloc[positions]
        parts.append(
            pd.DataFrame(
                {
                    "severity": "warning",
                    "entity": mapping.entity,
                    "file": sheet.file,
                    "sheet": sheet.name,
                    "row": rows[positions],
                    "column": c.header,
                    "letter": c.letter,
                    "field": "nps",
                    "rule": "values",
                    "value": frame[c.index].astype(str).to_numpy(),
                    "message": [
                        f"NPS category '{g}' does not match the score {s:g} in "
                        f"'{score.header}' (a {x}); the score is kept"
                        for g, s, x in zip(
                            frame[c.index].astype(str),
                            nums.iloc[positions],
                            expected.iloc[positions],
                            strict=True,
                        )
                    ],
                }
            )
        )
    return issues_frame(parts)
