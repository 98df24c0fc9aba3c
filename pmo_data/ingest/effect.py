"""What an import does to each entity before it applies: its mode, and rows added, changed,
removed and unchanged.

Modes, chosen per entity:
- **replace**: the file is the whole truth for the entity; stored rows not in it are removed.
- **merge**: rows are matched by key; a matched row takes the file's values in the columns the
  file has (its other columns keep their stored values), new keys are added, the rest is kept.
- **append**: rows with new keys are added; rows whose key is already stored are duplicates,
  reported and left out (nothing stored changes).

`propose` picks a mode from what the file covers (a file holding 0.7% of the stored projects is
a partial export, not a replacement); the analyst confirms or changes it. `compute` returns the
`Effect`: counts, the changed fields, examples, what needs an explicit confirmation (removing more
than a fifth of an entity, or changing keys) and `table`, the entity's whole next snapshot. The
store keeps whole snapshots, so merge and append are resolved here and written through the
store's ordinary `write_version`, the same on every backend. A large upload's rows are never
copied whole here (issue 16: appended to a store holding rows, the check took 3.7x the file): its
new table is written part by part to the check's folder and comes back mapped (`spill`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_data.ingest import spill
from pmo_data.schema import DERIVED_COLUMNS, ENTITIES, SYSTEM_COLUMNS, entity

MODES = ("replace", "merge", "append")
MODE_HELP = {
    "replace": "the file is the whole list: rows not in it are removed",
    "merge": "update rows by key, add new ones, keep the rest",
    "append": "add new rows only; rows already stored are reported as duplicates",
}
# Entities that grow by waves or lines: a file of mostly new keys is appended.
GROWS_BY_APPENDING = frozenset({"feedback", "savings"})
# A file holding at least this share of the stored keys is a full export (replace).
FULL_EXPORT_SHARE = 0.8
# Removing more than this share of an entity's stored rows needs an explicit confirmation.
CONFIRM_REMOVAL_SHARE = 0.2
EXAMPLES = 5
TABLE_PART_ROWS = 20_000  # rows of the file read or written at a time
_SERIAL = itertools.count()  # tables written in one folder get names of their own
# Derived columns follow the column they are computed from.
DERIVED_FROM = {"sentiment": "comment", "nps_scale": "nps"}
PROVENANCE = [name for name, _, _ in SYSTEM_COLUMNS if name != "extra"]


def label_column(name: str) -> str | None:
    """The column that names a row for people (a project's name, an action's title)."""
    e = entity(name)
    if e.key_from:
        return e.key_from[0]
    return {"feedback": "comment", "savings": "description"}.get(name)


def share(part: int, whole: int) -> str:
    """'0.7%', '<0.1%' or '100%' (never a rounded 0% for a non-zero part)."""
    if not whole:
        return "–"
    s = part / whole
    if 0 < s < 0.001:
        return "<0.1%"
    return f"{s:.1%}" if s < 0.995 or part != whole else "100%"


@dataclass(frozen=True)
class Proposal:
    """The mode the importer proposes for one entity, and why, in words."""

    mode: str
    reason: str


def propose(name: str, current_keys: pd.Series, incoming_keys: pd.Series) -> Proposal:
    """Replace when the file holds (nearly) every stored key or nothing is stored yet; append
    for a new wave of feedback or savings lines; otherwise merge (a partial export)."""
    label = entity(name).label.lower()
    if not current_keys.notna().any():
        return Proposal("replace", f"no {label} are stored yet: the file becomes the {label} list")
    stored, keys = _text(current_keys), _text(incoming_keys)
    if stored is not None and keys is not None:  # Arrow strings: no str objects, and only the
        stored = pc.unique(stored.drop_null())  # stored keys hashed as text (a file's may be
        at = pc.index_in(keys, value_set=stored).drop_null()  # millions)
        seen = np.zeros(len(stored), dtype=bool)
        seen[at.to_numpy(zero_copy_only=False)] = True
        n_cur, n_in, common = len(stored), _distinct(keys), int(seen.sum())
        spill.drop_pages()  # a large upload's key column, read whole
    else:
        stored, keys = set(current_keys.dropna().tolist()), set(incoming_keys.dropna().tolist())
        n_cur, n_in, common = len(stored), len(keys), len(stored & keys)
    holds = f"the file holds {common:,} of the {n_cur:,} {label} stored ({share(common, n_cur)})"
    if common >= FULL_EXPORT_SHARE * n_cur:
        gone = n_cur - common
        tail = f"; the {gone:,} not in it would be removed" if gone else ""
        return Proposal("replace", f"{holds}: a full export, so it replaces them{tail}")
    new = n_in - common
    if name in GROWS_BY_APPENDING and new >= common:
        return Proposal(
            "append",
            f"{new:,} of the file's {n_in:,} {label} are new: a new wave, added to the "
            f"{n_cur:,} stored",
        )
    return Proposal(
        "merge",
        f"{holds}: a partial export, so its rows are updated or added and the other "
        f"{n_cur - common:,} are kept",
    )


@dataclass
class Effect:
    """What one entity's import does, before it applies."""

    entity: str
    mode: str
    before: int
    added: int
    changed: int
    removed: int
    unchanged: int
    duplicates: int = 0  # append: rows already stored (left out)
    identical_duplicates: int = 0  # of which the stored row is the same
    changed_fields: dict[str, int] = field(default_factory=dict)
    examples: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    key_changes: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    table: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def after(self) -> int:
        return 0 if self.table is None else len(self.table)

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def large_removal(self) -> bool:
        return self.before > 0 and self.removed > CONFIRM_REMOVAL_SHARE * self.before

    @property
    def confirmations(self) -> list[str]:
        """What this import does that needs an explicit confirmation, one sentence each."""
        label = entity(self.entity).label.lower()
        out = []
        if self.large_removal:
            out.append(
                f"removes {self.removed:,} of the {self.before:,} {label} stored "
                f"({share(self.removed, self.before)}), more than a fifth"
            )
        if len(self.key_changes):
            first = self.key_changes.iloc[0]
            what = f"'{first['old key']}' → '{first['new key']}' ({first['label']})"
            n = len(self.key_changes)
            out.append(
                f"changes the {entity(self.entity).key} of {n:,} {label} (e.g. {what}): "
                "their history and links no longer match"
            )
        return out

    def summary(self) -> str:
        """'+3 added, 2 changed (rag 2), 0 removed, 745 unchanged'."""
        parts = [f"+{self.added:,} added", f"{self.changed:,} changed"]
        if self.changed_fields:
            fields = ", ".join(f"{k} {v:,}" for k, v in self.changed_fields.items())
            parts[-1] += f" ({fields})"
        parts += [f"{self.removed:,} removed", f"{self.unchanged:,} unchanged"]
        if self.duplicates:
            parts.append(f"{self.duplicates:,} already stored (left out)")
        return ", ".join(parts)

    def to_dict(self, examples: bool = True) -> dict:
        d = {
            "mode": self.mode,
            "before": self.before,
            "after": self.after,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "identical_duplicates": self.identical_duplicates,
            "changed_fields": self.changed_fields,
            "needs_confirmation": self.confirmations,
            "key_changes": len(self.key_changes),
        }
        if examples:
            d["examples"] = {
                k: v.astype(object).where(v.notna(), None).to_dict("records")
                for k, v in self.examples.items()
            }
        return d


# -- comparing values ---------------------------------------------------------------------------
def _comparable(s: pd.Series, kind: str | None) -> pd.Series:
    """Values in a form where equal means unchanged: dates as days, numbers rounded, text as is."""
    if kind == "date":
        d = pd.to_datetime(s, errors="coerce")
        return d.dt.strftime("%Y-%m-%d").astype("string")
    if kind in ("money", "number", "percent", "rating", "nps"):
        return pd.to_numeric(s, errors="coerce").astype("float64").round(6)
    return s.astype("string")


def _differs(a: pd.Series, b: pd.Series) -> np.ndarray:
    eq = a.reset_index(drop=True) == b.reset_index(drop=True)
    same = eq.astype("boolean").fillna(False).to_numpy(dtype=bool)
    both_blank = a.isna().to_numpy() & b.isna().to_numpy()
    return ~(same | both_blank)


def _text(s: pd.Series) -> pa.Array | None:
    """The column's Arrow strings when it is Arrow-backed text (no copy), else None."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return pa.array(s.array)
    return None


def _distinct(values: pa.Array) -> int:
    """How many distinct strings (blanks aside), exactly, in 8 bytes a value: a 64-bit hash of
    each, sorted; only the values whose hash repeats are compared as text (Arrow's own count
    keeps a hash table of the text, ~45 bytes a value)."""
    parts = [values.slice(lo, TABLE_PART_ROWS) for lo in range(0, len(values), TABLE_PART_ROWS)]
    hashes = np.empty(len(values) - values.null_count, dtype=np.uint64)
    at = 0
    for part in parts:  # a part at a time (a part's str objects, not the column's)
        text = part.drop_null().to_numpy(zero_copy_only=False)
        hashes[at : at + len(text)] = pd.util.hash_array(text, categorize=False)
        at += len(text)
    ordered = np.sort(hashes)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return len(hashes)
    once = len(np.unique(ordered)) - len(repeated)
    again, at = [], 0
    for part in parts:
        part = part.drop_null()
        again.append(part.filter(pa.array(np.isin(hashes[at : at + len(part)], repeated))))
        at += len(part)
    return once + int(pc.count_distinct(pa.chunked_array(again, type=values.type)).as_py())


def _member(values: pd.Series, of: pd.Series) -> np.ndarray:
    """values.isin(of) as a hash lookup: in Arrow for Arrow strings, else on plain objects
    (pandas' isin on Arrow strings walks a list)."""
    if not len(values) or not of.notna().any():
        return np.zeros(len(values), dtype=bool)
    a, b = _text(values), _text(of)
    if a is not None and b is not None:
        hit = pc.is_in(a, value_set=b.drop_null(), skip_nulls=True)
        return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)
    keys = pd.Series(values.to_numpy(dtype=object), dtype=object)
    pool = pd.Series(of.dropna().to_numpy(dtype=object), dtype=object)
    return keys.isin(pool).to_numpy(dtype=bool)


def _kind(name: str, column: str) -> str | None:
    e = entity(name)
    return e.column(column).kind if e.has(column) else None


def _shown(v) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)[:80]


def _rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Example rows: the key and the label people know them by."""
    key, label = entity(name).key, label_column(name)
    cols = [c for c in (key, label) if c and c in frame.columns]
    out = frame[cols].head(EXAMPLES).copy()
    return out.astype(object).map(_shown) if len(out) else out


def _key_changes(name: str, gone: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Stored rows not in the file and new rows of the file that share a (unique) name:
    the same thing under a different key."""
    e = entity(name)
    cols = ["old key", "new key", "label"]
    if not e.key_from or not len(gone) or not len(new):
        return pd.DataFrame(columns=cols)
    basis = e.key_from[0]
    if basis not in gone.columns or basis not in new.columns:
        return pd.DataFrame(columns=cols)

    def norm(frame):
        names = frame[basis].astype("string").str.strip().str.casefold()
        keep = names.notna() & ~names.duplicated(keep=False)
        return pd.DataFrame({"n": names[keep], "k": frame[e.key][keep], "l": frame[basis][keep]})

    a, b = norm(gone), norm(new)
    m = a.merge(b, on="n", suffixes=("_old", "_new"))
    return pd.DataFrame(
        {"old key": m["k_old"], "new key": m["k_new"], "label": m["l_old"].map(_shown)}
    ).reset_index(drop=True)


NUMERIC = ("money", "number", "percent", "rating", "nps")


def _typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Canonical columns in one dtype per kind, so stored and incoming rows concatenate."""
    out = frame.copy(deep=False)  # copy-on-write: columns already typed are shared, not copied
    for c in out.columns:
        kind = _kind(name, c)
        dtype = out[c].dtype
        if (kind == "date" and dtype.kind == "M" and getattr(dtype, "tz", None) is None) or (
            kind in NUMERIC and dtype == np.float64
        ):
            continue  # typed already: pandas would copy it (a large upload's columns are mapped)
        if kind == "date":
            out[c] = pd.to_datetime(out[c], errors="coerce")
        elif kind in NUMERIC:
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        elif kind is not None or c in ("extra", "_file", "_sheet"):
            out[c] = out[c].astype("string")
        elif c == "_row":
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
    return out


def stored_columns(name: str) -> list[str]:
    e = ENTITIES[name]
    derived = [n for n, _, _ in DERIVED_COLUMNS.get(name, ())]
    return e.column_names + derived + [n for n, _, _ in SYSTEM_COLUMNS]


def match_by_content(name: str, current: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    """`incoming` with the stored key on every row whose values equal a stored row's (in the
    columns the file has): for ids derived from row numbers, which mean nothing across files,
    so a survey wave exported twice is recognised as already stored."""
    e = entity(name)
    key = e.key
    cols = [c for c in e.column_names if c != key and c in incoming.columns]
    if not cols or not len(current) or not len(incoming) or key not in current:
        return incoming

    def signature(frame: pd.DataFrame) -> pd.Series:
        parts = []
        for c in cols:
            col = frame[c] if c in frame else pd.Series(pd.NA, index=frame.index)
            parts.append(_comparable(col, _kind(name, c)).astype("string").fillna("\x00"))
        sig = parts[0]
        for p in parts[1:]:
            sig = sig + "\x1f" + p
        return sig.reset_index(drop=True)

    stored = pd.DataFrame({"sig": signature(current), "k": current[key].to_numpy()})
    stored["n"] = stored.groupby("sig").cumcount()
    mine = pd.DataFrame({"sig": signature(incoming)})
    mine["n"] = mine.groupby("sig").cumcount()
    found = mine.merge(stored, on=["sig", "n"], how="left")["k"]  # keeps incoming's order
    if not found.notna().any():
        return incoming
    out = incoming.copy()
    keys = out[key].astype("string").to_numpy(dtype=object)
    hit = found.notna().to_numpy()
    keys[hit] = found[hit].to_numpy(dtype=object)
    out[key] = pd.array(keys, dtype="string")
    return out


def _rows_where(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """frame.loc[mask] without reading the frame when the mask takes all rows or none (pandas
    filters every column: a large upload's mapped columns read again for nothing)."""
    if not mask.any():
        return frame.iloc[:0]
    return frame if mask.all() else frame.loc[mask]


# -- the effect ---------------------------------------------------------------------------------
def compute(
    name: str, mode: str, current: pd.DataFrame, incoming: pd.DataFrame, folder: Path | None = None
) -> Effect:
    """The effect of importing `incoming` into an entity holding `current` in `mode`.

    The file's rows are read a column or a part at a time, never copied whole (a large upload's
    are mapped from disk): rows are matched by position, only the changed fields' counts and
    examples are kept, and with a `folder` (a large upload's check) a merged or appended table
    is written there part by part and comes back mapped (`spill.FrameWriter`)."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: expected one of {', '.join(MODES)}")
    e = entity(name)
    key = e.key
    current = _typed(current, name)
    keys = _typed(incoming[[key]], name)[key]
    cur_keys = current[key] if key in current else pd.Series([], dtype="string")
    in_store = _member(keys, cur_keys)  # a hash of the stored keys only
    matched = np.flatnonzero(in_store)  # the file's rows already stored, in the file's order
    spill.drop_pages()  # the key column's pages, read whole
    found = rows_at(keys, matched)
    in_file = _member(cur_keys, found)
    stored_at = _positions(found, cur_keys)  # each one's stored row
    n_new, n_gone, n_matched = len(incoming) - len(matched), int((~in_file).sum()), len(matched)
    gone = _rows_where(current, ~in_file)
    # Columns compared on matched rows: all of them when the file replaces the entity (a
    # column it lacks becomes blank), else only the columns the file has.
    compared = [c for c in e.column_names if c != key and (mode == "replace" or c in incoming)]
    if mode == "replace" or incoming["extra"].notna().any():
        compared.append("extra")
    label = label_column(name)
    fields, changed_rows = {}, []
    any_diff = np.zeros(n_matched, dtype=bool)
    for c in compared:  # a column at a time: the matched rows' values, compared, let go
        a = _comparable(_taken(current, c, stored_at, name), _kind(name, c))
        b = _comparable(_taken(incoming, c, matched, name), _kind(name, c))
        d = _differs(a, b)
        if c == "extra" and mode != "replace":  # merge keeps stored extras the file lacks
            d &= b.notna().to_numpy()
        if not d.any():
            continue
        any_diff |= d
        fields[c] = int(d.sum())
        for i in np.flatnonzero(d)[:EXAMPLES]:
            old = current[label].iloc[stored_at[i]] if label in current else None
            changed_rows.append(
                {
                    key: found.iloc[i],
                    "label": _shown(old) if label in current else None,
                    "field": c,
                    "old": _shown(a.iloc[i]),
                    "new": _shown(b.iloc[i]),
                }
            )
    new_at = np.flatnonzero(~in_store)
    examples = {"added": _examples_at(incoming, new_at, name), "removed": _rows(gone, name)}
    examples["changed"] = pd.DataFrame(
        changed_rows[: EXAMPLES * 2], columns=[key, "label", "field", "old", "new"]
    )
    fields = dict(sorted(fields.items(), key=lambda kv: -kv[1]))
    key_changes = pd.DataFrame(columns=["old key", "new key", "label"])
    if e.key_from and len(gone) and n_new:  # only the key and the name of the file's new rows
        cols = [c for c in (key, e.key_from[0]) if c in incoming]
        key_changes = _key_changes(name, gone, _typed(rows_at(incoming[cols], new_at), name))
    n_changed = int(any_diff.sum())
    if mode == "replace":
        table = _typed(incoming, name)
        eff = Effect(
            name,
            mode,
            len(current),
            n_new,
            n_changed,
            n_gone,
            n_matched - n_changed,
            changed_fields=fields,
        )
    elif mode == "merge":
        head = _updated(name, current, incoming, matched, stored_at, compared)
        table = _then_new(name, head, incoming, ~in_store, folder)
        eff = Effect(
            name,
            mode,
            len(current),
            n_new,
            n_changed,
            0,
            len(current) - n_changed,
            changed_fields=fields,
        )
    else:  # append
        table = _then_new(name, current, incoming, ~in_store, folder)
        identical = n_matched - n_changed
        eff = Effect(
            name,
            mode,
            len(current),
            n_new,
            0,
            0,
            len(current),
            duplicates=n_matched,
            identical_duplicates=identical,
        )
        examples["duplicates"] = _examples_at(incoming, matched, name)
        examples["changed"] = examples["changed"].iloc[:0]
    if mode != "replace":
        examples["removed"] = examples["removed"].iloc[:0]
    eff.examples = {k: v for k, v in examples.items()}
    eff.key_changes = key_changes
    eff.table = table.reset_index(drop=True)
    return eff


def _positions(values: pd.Series, of: pd.Series) -> np.ndarray:
    """The position in `of` of each of `values` (its first; every value is in `of`)."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    a, b = _text(values), _text(of)
    if a is not None and b is not None:
        return pc.index_in(a, value_set=b).to_numpy(zero_copy_only=False).astype(np.int64)
    pool = pd.Series(of.to_numpy(dtype=object))
    first = ~pool.duplicated().to_numpy()
    at = pd.Index(pool[first]).get_indexer(values.to_numpy(dtype=object))
    return np.flatnonzero(first)[at]


def _taken(frame: pd.DataFrame, column: str, at: np.ndarray, name: str) -> pd.Series:
    """One column's values at positions, typed (blank where the frame lacks the column)."""
    if column not in frame:
        return pd.Series(pd.NA, index=range(len(at)))
    return _typed(rows_at(frame[[column]], at), name)[column]


def _examples_at(frame: pd.DataFrame, at: np.ndarray, name: str) -> pd.DataFrame:
    """`_rows` of the frame's rows at positions (the first EXAMPLES are read)."""
    return _rows(_typed(rows_at(frame, at[:EXAMPLES]), name), name)


def rows_at(frame, at: np.ndarray):
    """`frame.iloc[at]` (a frame or a series), a part of the frame at a time: pandas' take
    joins an Arrow column's chunks first, so a few rows of a large upload's mapped column
    read and copied the whole column."""
    if not len(at):
        return frame.iloc[:0]
    order = np.argsort(at, kind="stable")
    ordered = np.asarray(at)[order]
    starts = range(0, len(frame) + TABLE_PART_ROWS, TABLE_PART_ROWS)
    bounds = np.searchsorted(ordered, starts)
    parts = [  # each part's rows from its first taken to its last
        frame.iloc[ordered[a] : ordered[b - 1] + 1].iloc[ordered[a:b] - ordered[a]]
        for a, b in zip(bounds[:-1], bounds[1:], strict=False)
        if b > a
    ]
    out = parts[0] if len(parts) == 1 else pd.concat(parts)
    if (order[1:] < order[:-1]).any():  # back in the positions' order
        back = np.empty_like(order)
        back[order] = np.arange(len(order))
        out = out.iloc[back]
    return out


def _updated(name, current, incoming, matched, stored_at, compared) -> pd.DataFrame:
    """Stored rows with the file's values in the columns it has (merge)."""
    covered = [c for c in compared if c != "extra"]
    covered += [d for d, src in DERIVED_FROM.items() if src in covered and d in incoming]
    out = current.copy()
    if not len(matched):
        return out
    order = np.argsort(stored_at, kind="stable")  # the stored order, as the stored rows are
    pos, src = stored_at[order], matched[order]
    for c in covered + PROVENANCE:
        if c in incoming:
            col = out[c].copy()
            col.iloc[pos] = _taken(incoming, c, src, name).to_numpy()
            out[c] = col
    if "extra" in incoming:
        new_extra = _taken(incoming, "extra", src, name).to_numpy()
        col = out["extra"].copy()
        keep = pd.isna(new_extra)
        col.iloc[pos] = np.where(keep, col.iloc[pos].to_numpy(dtype=object), new_extra)
        out["extra"] = col
    return out


def _then_new(name, head, incoming, new: np.ndarray, folder: Path | None) -> pd.DataFrame:
    """`head`, then the file's new rows: written part by part to `folder` and mapped back when
    there is one and every column's dtype maps (else, or when a part's would change, in
    memory: the same frame either way)."""
    if not new.any():
        return head
    like = pd.concat([head.iloc[:0], _typed(incoming.iloc[:0], name)], ignore_index=True)
    if folder is not None and spill.FrameWriter.keeps(like):
        writer = spill.FrameWriter(folder, f"effect-{name}-{next(_SERIAL)}")
        try:
            writer.append(_as(like, head))
            for lo in range(0, len(incoming), TABLE_PART_ROWS):
                hi = lo + TABLE_PART_ROWS
                part = _rows_where(incoming.iloc[lo:hi], new[lo:hi])
                if len(part):
                    writer.append(_as(like, _typed(part, name)))
                    spill.drop_pages()  # the file's pages read for this part
            table = writer.close()
            if table.dtypes.equals(like.dtypes):
                return table
        except (spill.FrameWriter.Unsupported, _Unlike):
            writer.abandon()
    return pd.concat([head, _typed(_rows_where(incoming, new), name)], ignore_index=True)


class _Unlike(Exception):
    """A part's columns would not have the whole table's dtypes."""


def _as(like: pd.DataFrame, part: pd.DataFrame) -> pd.DataFrame:
    """`part` with the columns and dtypes `pd.concat` gives the whole table."""
    out = pd.concat([like, part], ignore_index=True)
    if not out.dtypes.equals(like.dtypes):
        raise _Unlike()
    return out


def effect_lines(
    effects: dict[str, Effect],
    proposals: dict[str, Proposal] | None = None,
    *,
    base_version: int | None = None,
) -> list[str]:
    """The effect for a terminal: one block per entity with examples."""
    where = f"against store version {base_version}" if base_version else "against an empty store"
    lines = [f"effect {where}:"]
    for name, eff in effects.items():
        prop = (proposals or {}).get(name)
        how = eff.mode
        if prop is not None:
            how += " (proposed)" if prop.mode == eff.mode else f" (proposed: {prop.mode})"
        lines.append(f"  {name}: {how}: {eff.summary()}; {eff.before:,} -> {eff.after:,} rows")
        if prop is not None:
            lines.append(f"    why {prop.mode}: {prop.reason}")
        ex = eff.examples
        for kind in ("added", "removed", "duplicates"):
            frame = ex.get(kind)
            if frame is not None and len(frame):
                shown = "; ".join(_example(r) for r in frame.to_dict("records"))
                lines.append(f"    {kind}: {shown}")
        ch = ex.get("changed")
        if ch is not None and len(ch):
            key = entity(name).key
            shown = "; ".join(
                f"{r[key]} {r['field']}: {r['old'] or '(blank)'} -> {r['new'] or '(blank)'}"
                for r in ch.head(EXAMPLES).to_dict("records")
            )
            lines.append(f"    changed: {shown}")
        for c in eff.confirmations:
            lines.append(f"    NEEDS CONFIRMATION: {c}")
    return lines


def _example(rec: dict) -> str:
    vals = [str(v) for v in rec.values() if v is not None]
    if len(vals) >= 2:
        return f"{vals[0]} '{vals[1][:40]}'"
    return vals[0] if vals else "?"
