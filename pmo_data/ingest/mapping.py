"""Which entity a sheet holds, and which source column feeds which canonical column.

Real exports never use our names: "Project Name", "Proj. name", a two-line GMPP header with a
unit in brackets, or a whole survey question. Matching works on `schema.normalise_header`
forms (with bracketed text such as "(£m)" stripped; the unit itself is applied later by
`values.unit_multiplier`), first exactly against canonical names and aliases, then fuzzily
token by token (typos, plurals, abbreviations), then, for feedback, by survey-question
patterns. Each canonical column is fed by at most one source column (best match wins); the
rest are kept in `extra`. A mapping a user confirmed is remembered per header layout
(`header_signature`) in the store, so next month's export of the same shape maps the same way.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import cache, lru_cache

from openpyxl.utils import get_column_letter

from pmo_data.schema import ENTITIES, Entity, entity, normalise_header

# A fuzzy candidate below this confidence is not used (the column goes to `extra`).
THRESHOLD = 0.75
# A sheet scoring below this for every entity is "not recognised".
MIN_SCORE = 0.2
# Wide sheets (a master workbook's facet, 20+ columns of which a handful are ours) are scored
# on this many columns at most, so the columns we do not know do not hide the ones we do.
WIDE = 10
# Added to the score of an entity whose identity column is named for it and distinct per row.
IDENTITY = 0.1
# Entities whose missing key is derived from the spreadsheet row (survey responses, ledgers).
ROW_KEYED = frozenset(name for name, e in ENTITIES.items() if not e.key_from)

# Survey questions (feedback only): long headers recognised by what they ask.
SURVEY_PATTERNS = (
    ("nps", re.compile(r"\brecommend"), 0.9),
    ("csat", re.compile(r"\bsatisf"), 0.85),
    ("effort_score", re.compile(r"\b(easy|easier|effort)\b"), 0.8),
    ("comment", re.compile(r"\b(comments?|anything else|(could|can|should) we improve)\b"), 0.8),
    ("respondent_role", re.compile(r"\b(job title|your role)\b"), 0.8),
)
SURVEY_MIN_TOKENS = 6

# Required columns the analyst may give for a whole file instead (a survey export with no date
# column gets the survey date), and the columns of which a sheet needs at least one to be that
# entity at all (a notes sheet with a "Comments" column is not feedback; a risk log with a
# "Category" column is not a savings ledger).
DEFAULTABLE = {"feedback": ("date",)}
SUBSTANCE = {
    "feedback": ("date", "nps", "csat", "effort_score"),
    "savings": ("low", "likely", "high", "realised"),
}


def defaultable(entity_name: str) -> tuple[str, ...]:
    """Required columns of an entity that a whole file may be given instead of holding."""
    return DEFAULTABLE.get(entity_name, ())


def substantive(entity_name: str, targets) -> bool:
    """Does a sheet map any of the columns that make it this entity?"""
    need = SUBSTANCE.get(entity_name)
    return need is None or any(t in targets for t in need)


@dataclass(frozen=True)
class ColumnMap:
    """One source column and where it goes (target None = kept in `extra`)."""

    index: int
    header: str
    target: str | None
    confidence: float
    method: str  # exact | alias | fuzzy | survey | remembered | user | none

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class Mapping:
    """How one sheet's columns map onto one entity."""

    entity: str
    columns: list[ColumnMap]
    signature: str = ""
    remembered: bool = field(default=False)

    @property
    def targets(self) -> dict[str, ColumnMap]:
        """Canonical column -> the source column feeding it."""
        return {c.target: c for c in self.columns if c.target}

    @property
    def extra(self) -> list[ColumnMap]:
        return [c for c in self.columns if not c.target]

    def source_of(self, target: str) -> ColumnMap | None:
        return self.targets.get(target)

    def with_overrides(self, changes: dict[str, str | None]) -> Mapping:
        """A copy with user choices applied ({source header: canonical column or None})."""
        e = entity(self.entity)
        for target in changes.values():
            if target and not e.has(target):
                raise KeyError(f"{self.entity} has no column {target!r}")
        taken = {t for t in changes.values() if t}
        cols = []
        for c in self.columns:
            if c.header in changes:
                cols.append(replace(c, target=changes[c.header], confidence=1.0, method="user"))
            elif c.target in taken:  # the user gave this target to another column
                cols.append(replace(c, target=None, confidence=0.0, method="none"))
            else:
                cols.append(c)
        return Mapping(self.entity, cols, self.signature)

    def as_dict(self) -> dict[str, str | None]:
        """{source header: target}: the form remembered in the store."""
        return {c.header: c.target for c in self.columns}

    def to_records(self) -> list[dict]:
        """One row per source column, for reports and the UI's mapping editor."""
        return [
            {
                "column": c.letter,
                "header": c.header,
                "target": c.target,
                "confidence": round(c.confidence, 2),
                "method": c.method,
            }
            for c in self.columns
        ]


# -- normalisation and similarity -------------------------------------------------------------
def _forms(header: object) -> list[str]:
    """The normalised forms a header is compared in: as written, without bracketed text
    (units, explanations), and its first line."""
    text = str(header or "")
    forms = [normalise_header(text)]
    stripped = re.sub(r"\([^)]*\)?|\[[^\]]*\]?", " ", text)
    forms.append(normalise_header(stripped))
    forms.append(normalise_header(re.sub(r"\([^)]*\)?", " ", text.splitlines()[0] if text else "")))
    return [f for f in dict.fromkeys(forms) if f]


@lru_cache(maxsize=65536)
def _token_sim(a: str, b: str) -> float:
    if a == b:
        return 1.0
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and long_.startswith(short):  # abbreviation: proj, org, dept
        return 0.9
    if 2 * len(short) / (len(short) + len(long_)) < 0.85:  # ratio cannot reach 0.85
        return 0.0
    r = SequenceMatcher(None, a, b).ratio()
    return r if r >= 0.85 else 0.0  # typos, plurals, -ise/-ize


@lru_cache(maxsize=65536)
def similarity(header: str, alias: str) -> float:
    """0-1 similarity of two normalised forms, token by token (order-free)."""
    if header == alias:
        return 1.0
    ht, at = header.split(), alias.split()
    if not ht or not at:
        return 0.0
    short_header = len(ht) <= min(4, len(at) + 2)
    if not short_header and 2 * min(len(ht), len(at)) / (len(ht) + len(at)) < THRESHOLD:
        return 0.0  # too different in length to reach the threshold
    used: set[int] = set()
    total = 0.0
    for a in at:
        best, best_i = 0.0, -1
        for i, h in enumerate(ht):
            if i not in used:
                s = _token_sim(a, h)
                if s > best:
                    best, best_i = s, i
        if best_i >= 0:
            used.add(best_i)
            total += best
    dice = 2 * total / (len(ht) + len(at))
    if total >= len(at) - 1e-9 and short_header:
        # every alias token is in a short header ("total budget" ~ "budget")
        dice = max(dice, 0.7 + 0.2 * len(at) / len(ht))
    return dice


@cache
def _names(entity_name: str) -> dict[str, list[tuple[str, str]]]:
    """Canonical column -> [(normalised name, method)]: its own name first, then aliases."""
    e = entity(entity_name)
    out = {}
    for c in e.columns:
        forms = [(normalise_header(c.name), "exact")]
        forms += [(normalise_header(a), "alias") for a in c.aliases]
        out[c.name] = forms
    return out


def _candidates(forms: list[str], e: Entity) -> list[tuple[float, str, str]]:
    """(confidence, target, method) for one source header."""
    out = []
    for target, names in _names(e.name).items():
        best = (0.0, "none")
        for f in forms:
            for n, method in names:
                if f == n:
                    score = 1.0 if method == "exact" else 0.97
                    best = max(best, (score, method))
                else:
                    s = similarity(f, n)
                    if s >= THRESHOLD:
                        best = max(best, (round(s * 0.95, 3), "fuzzy"))
        if best[0] > 0:
            out.append((best[0], target, best[1]))
    if e.name == "feedback" and forms and len(forms[0].split()) >= SURVEY_MIN_TOKENS:
        for target, pattern, conf in SURVEY_PATTERNS:
            if pattern.search(forms[0]):
                out.append((conf, target, "survey"))
    return out


def header_signature(headers: list) -> str:
    """A stable id of a header layout (sha1 of the normalised headers, in order)."""
    text = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def map_headers(
    headers: list,
    entity_name: str,
    memory: dict | None = None,
    *,
    filled: list[int] | None = None,
) -> Mapping:
    """Map source headers onto an entity's canonical columns.

    memory: a remembered {header: target} (or the payload `recall` returns) applied first.
    filled: non-blank cell count per column; breaks ties between equally good candidates
    (the R survey's two "recommend" questions: the most answered one becomes `nps`).
    """
    e = entity(entity_name)
    if memory and "columns" in memory:
        memory = memory["columns"]
    memory = memory or {}
    filled = filled or [0] * len(headers)
    labels = [str(h).strip() if str(h or "").strip() else "" for h in headers]
    labels = [h or f"column {get_column_letter(i + 1)}" for i, h in enumerate(labels)]
    chosen: dict[int, tuple[str | None, float, str]] = {}
    taken: set[str] = set()
    for i, h in enumerate(labels):
        if h in memory and (memory[h] is None or e.has(memory[h])):
            target = memory[h]
            if target in taken:
                target = None
            chosen[i] = (target, 1.0, "remembered")
            if target:
                taken.add(target)
    pool = []
    for i, h in enumerate(labels):
        if i in chosen:
            continue
        for conf, target, method in _candidates(_forms(h), e):
            pool.append((conf, filled[i] if i < len(filled) else 0, -i, i, target, method))
    for conf, _, _, i, target, method in sorted(pool, reverse=True):
        if i in chosen or target in taken:
            continue
        chosen[i] = (target, conf, method)
        taken.add(target)
    cols = []
    for i, h in enumerate(labels):
        target, conf, method = chosen.get(i, (None, 0.0, "none"))
        cols.append(ColumnMap(i, h, target, conf, method))
    remembered = any(c.method == "remembered" for c in cols)
    return Mapping(e.name, cols, header_signature(headers), remembered)


# -- recognising a sheet ------------------------------------------------------------------------
def key_derivable(e: Entity, mapping: Mapping) -> bool:
    """Can rows get a key when the key column is missing?"""
    t = mapping.targets
    return e.key in t or e.name in ROW_KEYED or any(k in t for k in e.key_from)


def _name_score(names: list[str], e: Entity) -> float:
    best = 0.0
    for raw in names:
        tokens = [t for t in normalise_header(raw).split() if not t.isdigit()]
        name = " ".join(tokens)
        if not name:
            continue
        for alias in (e.name, *e.sheet_aliases):
            a = normalise_header(alias)
            if name == a:
                return 1.0
            s = similarity(name, a)
            at = a.split()
            covered = sum(max((_token_sim(x, y) for y in tokens), default=0) >= 0.85 for x in at)
            if covered == len(at):
                s = max(s, 0.8)
            best = max(best, s)
    return best


def recognise(sheet, *, memory: dict | None = None) -> list[tuple[str, float]]:
    """Entities this sheet could hold, best first, as (entity, score 0-1).

    Score: 0.7 x share of the sheet's columns that map (weighted by confidence; at most WIDE
    columns counted) + 0.3 x how well the sheet or file name matches the entity. An entity whose required columns are
    missing (and whose key cannot be derived) scores 0. A remembered layout scores 1.
    """
    headers = list(sheet.headers)
    if memory and memory.get("entity") in ENTITIES:
        return [(memory["entity"], 1.0)] + [(n, 0.0) for n in ENTITIES if n != memory["entity"]]
    filled = _filled(sheet)
    file_stem = re.sub(r"\.[A-Za-z0-9]+$", "", str(getattr(sheet, "file", "") or ""))
    names = [str(getattr(sheet, "name", "") or ""), file_stem]
    scored = []
    for name, e in ENTITIES.items():
        m = map_headers(headers, name, filled=filled)
        t = m.targets
        required_ok = all(r in t or r in defaultable(name) for r in e.required if r != e.key)
        if not (required_ok and key_derivable(e, m) and substantive(name, t)) or not t:
            scored.append((name, 0.0))
            continue
        n_headers = max(1, sum(1 for h in headers if str(h or "").strip()))
        header_score = sum(c.confidence for c in t.values()) / min(n_headers, len(e.columns), WIDE)
        score = 0.7 * min(header_score, 1.0) + 0.3 * _name_score(names, e)
        score += identity_bonus(e, m, getattr(sheet, "frame", None))
        scored.append((name, round(score, 3)))
    return sorted(scored, key=lambda x: -x[1])


def identity_bonus(e: Entity, m: Mapping, frame) -> float:
    """IDENTITY when a column named for the entity says what each row is ("Project Name",
    "Project/Programme") and its values are distinct, one row per record; 0 otherwise (a risk
    log names its projects too, many rows each)."""
    for col in (e.key, *e.key_from):
        cm = m.source_of(col)
        if (
            cm is None
            or cm.confidence < 0.97
            or e.name.rstrip("s") not in normalise_header(cm.header)
        ):
            continue
        if frame is None or cm.index not in getattr(frame, "columns", ()):
            return 0.0
        got = frame[cm.index].dropna()
        if len(got) and got.astype(str).str.strip().str.casefold().nunique() >= 0.9 * len(got):
            return IDENTITY
    return 0.0


def best_entity(sheet, *, memory: dict | None = None) -> tuple[str | None, float]:
    """The recognised entity and its score, or (None, best score) when nothing fits."""
    ranked = recognise(sheet, memory=memory)
    name, score = ranked[0]
    return (name if score >= MIN_SCORE else None), score


def _filled(sheet) -> list[int] | None:
    frame = getattr(sheet, "frame", None)
    if frame is None or not len(frame.columns):
        return None
    return [int(n) for n in frame.notna().sum().tolist()]


def expected_columns(e: Entity, n: int = 4) -> str:
    """A short 'project_id, name, ...' hint for error messages."""
    names = e.required + [c for c in e.column_names if c not in e.required]
    return ", ".join(names[:n]) + ", ..."


# -- remembered mappings ------------------------------------------------------------------------
def remember(store, signature: str, entity_name: str, mapping: Mapping, viewer=None) -> None:
    """Keep a confirmed mapping for this header layout (newest wins); `viewer` saves it."""
    store.save_document(
        "mapping",
        signature,
        {"entity": entity_name, "columns": mapping.as_dict()},
        viewer=viewer,
        summary=f"{entity_name} mapping for a header layout",
    )


def recall(store, signature: str) -> dict | None:
    """The remembered {"entity", "columns"} for a header layout, or None."""
    if store is None:
        return None
    return store.latest_document("mapping", signature)
