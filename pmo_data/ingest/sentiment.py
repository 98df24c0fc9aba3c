"""Comment sentiment: VADER's compound score, computed for all distinct comments at once.

vaderSentiment scores one comment at a time in pure Python, ~50 µs each: 200,000 distinct
survey comments cost 10 s of an import, a million cost a minute. `compound` gives the same
numbers (vaderSentiment 3.3.2's rules and lexicon, which stay the truth) with array operations
over every word of every comment: the text is split and looked up in the lexicon by pyarrow,
and VADER's rules (negation, "no", boosters and dampeners, ALL-CAPS emphasis, "least", "but",
"!" and "?") become operations on the word arrays, applied in VADER's own order so every
floating-point step is the same. Comments the arrays do not cover are scored by VADER itself:
those holding an emoji or a letter outside ASCII, and those with the words of VADER's idioms
("kind of", "the bomb", "yeah right" ...). `tests/test_sentiment.py` checks the two agree.
"""

from __future__ import annotations

import os
import string
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import pandas as pd

from pmo_data.ingest import arrow_text

# Characters the array path reads exactly as VADER does: ASCII, the Latin-1 symbols that are
# not letters, general punctuation (curly quotes, dashes) and currency signs. Emoji are not.
_PLAIN = (
    (0x00, 0x7F), (0xA0, 0xA9), (0xAB, 0xB4), (0xB6, 0xB9), (0xBB, 0xBF),
    (0x2000, 0x206F), (0x20A0, 0x20CF),
)  # fmt: skip


def _re2_class(chars) -> str:
    """A character class for pyarrow's RE2 from code points or (low, high) ranges."""
    parts = [
        f"\\x{{{c[0]:x}}}-\\x{{{c[1]:x}}}" if isinstance(c, tuple) else f"\\x{{{c:x}}}"
        for c in chars
    ]
    return "".join(parts)


def _plain(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _PLAIN)


# Two neighbouring words every one of VADER's idioms and multi-word boosters holds ("kind of",
# "sort of", "just enough", "the shit", "the bomb", "bad ass", "bus stop", "yeah right", "kiss
# of death", "to die for", "beating heart"; and "badass" alone): a comment with them is scored
# by VADER itself.
IDIOMS = (
    ("kind", "of"), ("sort", "of"), ("just", "enough"), ("the", "shit"), ("the", "bomb"),
    ("bad", "ass"), ("bus", "stop"), ("yeah", "right"), ("kiss", "of"), ("die", "for"),
    ("beating", "heart"),
)  # fmt: skip
# The words VADER's rules look for.
_WORDS = ("no", "or", "nor", "never", "so", "this", "without", "doubt", "least", "at", "very",
          "but")  # fmt: skip
CHUNK = 20_000  # texts scored together (bounds the word arrays' memory)


@cache
def _analyser():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@cache
def _tables():
    """VADER's lexicon, boosters and negations as arrays for pyarrow lookups."""
    import pyarrow as pa
    from vaderSentiment import vaderSentiment as v

    a = _analyser()
    lex = pa.array(list(a.lexicon), pa.string())
    boost = pa.array(list(v.BOOSTER_DICT), pa.string())
    emoji = [ord(ch) for ch in a.emojis if len(ch) == 1 and _plain(ch)]
    return {
        "lex": lex,
        "lex_value": np.array(list(a.lexicon.values()), dtype=np.float64),
        "boost": boost,
        "boost_value": np.array(list(v.BOOSTER_DICT.values()), dtype=np.float64),
        "negate": pa.array(v.NEGATE, pa.string()),
        "slow": f"[^{_re2_class(_PLAIN)}]" + (f"|[{_re2_class(emoji)}]" if emoji else ""),
        "N": v.N_SCALAR,
        "C": v.C_INCR,
    }


def score(comments: pd.Series) -> pd.Series:
    """VADER compound score (-1 negative .. 1 positive) per comment; null when no text.
    Each distinct comment is scored once; repeats are free. Rows are taken `ROWS` at a time
    (a comment repeated across parts is scored once per part, with the same result), so the
    text's Arrow copies stay a bounded size whatever the file's; parts are scored `THREADS` at
    once (Arrow's kernels and numpy's array operations release the GIL)."""
    out = np.full(len(comments), np.nan)
    arrow = pd.api.types.is_string_dtype(comments.dtype) and comments.dtype != object
    _tables()  # built once, before any thread asks

    def part(start: int) -> None:
        out[start : start + ROWS] = _score_part(_text(comments.iloc[start : start + ROWS], arrow))

    starts = range(0, len(comments), ROWS)
    if len(starts) > 1 and THREADS > 1:
        with ThreadPoolExecutor(THREADS, thread_name_prefix="sentiment") as pool:
            list(pool.map(part, starts))
    else:
        for start in starts:
            part(start)
    return pd.Series(out, index=comments.index, dtype="float64")


def _text(part: pd.Series, arrow: bool):
    """One part's comments as one Arrow large_string array."""
    import pyarrow as pa

    if arrow:  # Arrow already: no Python str objects
        text = pa.array(part.array).cast(pa.large_string())
    else:
        text = pa.array(part.astype("object").where(part.notna(), None), pa.large_string())
    if isinstance(text, pa.ChunkedArray):  # a part spanning chunks: one array of it
        text = text.combine_chunks()
    return text


ROWS = 50_000  # comments taken together by `score`
THREADS = min(2, os.cpu_count() or 1)  # parts scored at once


def _score_part(text) -> np.ndarray:
    """Scores for one part's rows: each distinct comment scored once (one hash pass: the
    dictionary holds the distinct comments, the indices say which each row has)."""
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(text)
    uniq = enc.dictionary
    values = np.full(len(uniq) + 1, np.nan)  # the extra slot: no comment
    blank = pc.equal(pc.utf8_trim_whitespace(uniq), "").to_numpy(zero_copy_only=False)
    if blank.any():
        keep = np.flatnonzero(~blank)
        values[keep] = compound(uniq.take(keep))
    else:
        values[: len(uniq)] = compound(uniq)
    at = pc.fill_null(enc.indices, len(uniq)).to_numpy()
    return values[at]


def vader(texts: Sequence[str]) -> np.ndarray:
    """VADER's own compound score, one comment at a time (the reference)."""
    a = _analyser()
    return np.array([a.polarity_scores(t)["compound"] for t in texts], dtype=np.float64)


def compound(texts) -> np.ndarray:
    """VADER's compound score for every text (a sequence of str or a pyarrow string array),
    computed over all of them at once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(texts)
    out = np.zeros(n, dtype=np.float64)
    if not n:
        return out
    t = _tables()
    arr = texts if isinstance(texts, pa.Array) else pa.array(texts, pa.large_string())
    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())
    # Every character the array path cannot read is beyond ASCII (so are VADER's one-character
    # emoji): the regex runs on the few texts that are not ASCII.
    slow = ~pc.string_is_ascii(arr).to_numpy(zero_copy_only=False)
    if slow.any():
        rest = np.flatnonzero(slow)
        slow[rest] = pc.match_substring_regex(arr.take(rest), t["slow"]).to_numpy(
            zero_copy_only=False
        )
    plain = np.flatnonzero(~slow)
    for i in range(0, len(plain), CHUNK):
        part = plain[i : i + CHUNK]
        if part[-1] - part[0] == len(part) - 1:  # a run of texts: a slice, no copy
            chunk = arr.slice(int(part[0]), len(part))
        else:
            chunk = arr.take(pa.array(part))
        out[part], idiom = _compound_arrays(chunk, t)
        slow[part[idiom]] = True
    if slow.any():  # emoji, letters beyond Latin-1, VADER's idioms: VADER itself
        idx = np.flatnonzero(slow)
        out[idx] = vader(arr.take(pa.array(idx)).to_pylist())
    return out


# Python's str.split() splits ASCII text on these; pyarrow's ASCII split does not know the last
# four (text holding them takes the Unicode split, which does).
_SEPARATORS = np.zeros(256, dtype=bool)
_SEPARATORS[[0x1C, 0x1D, 0x1E, 0x1F]] = True


def _vocabulary(vocab, t) -> dict[str, np.ndarray]:
    """Everything VADER asks of a word, for each distinct word (one extra row: no word)."""
    import pyarrow.compute as pc

    stripped = pc.utf8_trim(vocab, string.punctuation)  # SentiText: strip unless <= 2 left
    token = pc.if_else(pc.greater(pc.utf8_length(stripped), 2), stripped, vocab)
    low = pc.utf8_lower(token)

    def np_(a, fill=False):
        return np.append(a.to_numpy(zero_copy_only=False), fill)

    def lookup(table):
        i = pc.index_in(low, value_set=table)
        return np_(pc.is_valid(i)), np_(pc.fill_null(i, 0), 0)

    in_lex, lex_i = lookup(t["lex"])
    is_boost, boost_i = lookup(t["boost"])
    negate, _ = lookup(t["negate"])
    words = {w: np_(pc.equal(low, w)) for w in {*_WORDS, *(w for pair in IDIOMS for w in pair)}}
    idiom_first = {w: np.zeros(len(low) + 1, dtype=bool) for w in {b for _, b in IDIOMS}}
    for first, second in IDIOMS:  # per second word: which words before it make an idiom
        idiom_first[second] |= words[first]
    seconds = sorted({b for _, b in IDIOMS})
    voc = {
        "scored": in_lex & ~is_boost,  # boosters count 0 even when in the lexicon
        "idiom_second": np.any([words[w] for w in seconds], axis=0),
        "idiom_pairs": seconds,
        "in_lex": in_lex,
        "lex": np.where(in_lex, t["lex_value"][lex_i], 0.0),
        "boost": is_boost,
        "boost_value": np.where(is_boost, t["boost_value"][boost_i], 0.0),
        "neg": negate | np_(pc.match_substring(low, "n't")),
        "upper": np_(pc.utf8_is_upper(token)),
        "badass": np_(pc.equal(low, "badass")),
        **{f"after:{w}": words[w] for w in idiom_first},
        **{f"before:{w}": f for w, f in idiom_first.items()},
        "no": words["no"],
        "ornor": words["or"] | words["nor"],
        "never": words["never"],
        "so_this": words["so"] | words["this"],
        "without": words["without"],
        "doubt": words["doubt"],
        "least": words["least"],
        "at_very": words["at"] | words["very"],
        "but": words["but"],
    }
    # The yes/no answers packed as bits, so each word position is looked up once, not per rule
    voc["token_bits"] = _pack(voc, TOKEN_BITS, np.uint8)
    voc["rule_bits"] = _pack(voc, RULE_BITS, np.uint16)
    return voc


# Per word of every comment (`_compound_arrays` reads them for all words) ...
TOKEN_BITS = ("idiom_second", "badass", "upper", "scored", "but")
# ... and per word before or after a scored word (VADER's rules)
RULE_BITS = ("no", "ornor", "never", "so_this", "without", "doubt", "least", "at_very", "neg",
             "upper", "in_lex", "boost")  # fmt: skip


def _pack(voc: dict, names: tuple[str, ...], dtype) -> np.ndarray:
    out = np.zeros(len(voc["lex"]), dtype=dtype)
    for i, name in enumerate(names):
        out |= voc[name].astype(dtype) << dtype(i)
    return out


def _bit(bits: np.ndarray, names: tuple[str, ...], name: str) -> np.ndarray:
    return (bits & (1 << names.index(name))) != 0


def _compound_arrays(arr, t) -> tuple[np.ndarray, np.ndarray]:
    """VADER's polarity_scores(...)['compound'] over plain texts (see `compound`), and which
    texts hold one of VADER's idioms (to be scored by VADER itself)."""
    import pyarrow.compute as pc

    n = len(arr)
    offsets, data = arrow_text.buffers(arr)
    ascii_ = not len(data) or (
        data.max() < 0x80 and (data.min() >= 0x20 or not _SEPARATORS[data].any())
    )
    split = pc.ascii_split_whitespace if ascii_ else pc.utf8_split_whitespace
    words = split(arr)  # = str.split() on these characters (tested), with empty words
    flat = pc.list_flatten(words)
    keep = np.diff(arrow_text.buffers(flat)[0]) > 0
    flat = flat.filter(keep)
    parent = pc.list_parent_indices(words).to_numpy()[keep]
    m = len(parent)
    if not m:
        return np.zeros(n), np.zeros(n, dtype=bool)
    encoded = pc.dictionary_encode(flat)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    voc = _vocabulary(encoded.dictionary, t)
    none = len(voc["lex"]) - 1  # the extra row: no word (before the first, after the last)
    counts = np.bincount(parent, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])

    def near(idx, k):
        """Codes of the word k places before (k < 0: after) the words at idx, same comment."""
        pos = idx - starts[parent[idx]]
        ok = pos >= k if k > 0 else pos < counts[parent[idx]] + k
        return np.where(ok, codes[np.clip(idx - k, 0, m - 1)], none)

    # Which comments hold an idiom, and which have some but not all words in capitals
    flags = voc["token_bits"][codes]

    def flag(name):
        return _bit(flags, TOKEN_BITS, name)

    idiom = np.zeros(n, dtype=bool)
    seconds = np.flatnonzero(flag("idiom_second"))
    if len(seconds):
        first = near(seconds, 1)
        for w in voc["idiom_pairs"]:
            hit = voc[f"after:{w}"][codes[seconds]] & voc[f"before:{w}"][first]
            idiom[parent[seconds[hit]]] = True
    idiom[parent[flag("badass")]] = True
    cap_words = np.bincount(parent[flag("upper")], minlength=n)
    cap_comment = (cap_words > 0) & (cap_words < counts)

    # Only lexicon words that are not boosters get a score; every rule works on those words.
    idx = np.flatnonzero(flag("scored"))
    here = codes[idx]
    row = parent[idx]
    pos = idx - starts[row]
    cap_diff = cap_comment[row]
    prev = {k: near(idx, k) for k in (1, 2, 3)}
    bits = {k: voc["rule_bits"][here if k == 0 else prev[k]] for k in (0, 1, 2, 3)}

    def at(name, k=0):
        if name in RULE_BITS:
            return _bit(bits[k], RULE_BITS, name)
        return voc[name][here if k == 0 else prev[k]]

    N, C = t["N"], t["C"]
    lex = voc["lex"][here]
    v = lex.copy()
    v = np.where(at("no") & voc["in_lex"][near(idx, -1)], 0.0, v)
    no_before = at("no", 1) | at("no", 2) | (at("no", 3) & at("ornor", 1))
    v = np.where(no_before, lex * N, v)
    v = np.where(at("upper") & cap_diff, np.where(v > 0, v + C, v - C), v)
    for k in (0, 1, 2):
        j = k + 1
        has = (pos > k) & ~at("in_lex", j)
        boost = at("boost", j)
        s = np.where(boost, at("boost_value", j), 0.0)
        s = np.where(boost & (v < 0), s * -1, s)
        caps = boost & at("upper", j) & cap_diff
        s = np.where(caps, np.where(v > 0, s + C, s - C), s)
        if k:
            s = np.where(s != 0, s * (0.95 if k == 1 else 0.9), s)
        v = np.where(has, v + s, v)
        if k == 0:
            v = np.where(has & at("neg", 1), v * N, v)
            continue
        if k == 1:
            emph = at("never", 2) & at("so_this", 1)
            keep_as_is = at("without", 2) & at("doubt", 1)
        else:
            emph = (at("never", 3) & at("so_this", 2)) | at("so_this", 1)
            keep_as_is = at("without", 3) & (at("doubt", 2) | at("doubt", 1))
        v = np.where(has & emph, v * 1.25, np.where(has & ~keep_as_is & at("neg", j), v * N, v))
    least1 = (pos > 0) & ~at("in_lex", 1) & at("least", 1)
    v = np.where(least1 & (pos > 1) & ~at("at_very", 2), v * N, v)
    v = np.where(least1 & (pos == 1), v * N, v)

    # Python's sum() adds left to right; bincount adds each comment's scores in that order
    buts = np.flatnonzero(flag("but"))
    hard = np.zeros(0, dtype=np.int64)
    if len(buts):
        v, hard, but_at = _but_scaled(v, row, pos, parent[buts], buts - starts[parent[buts]], n)
    total = np.bincount(row, weights=v, minlength=n)
    if len(hard):  # a rescaled score equal to another: VADER's own walk through the list
        edges = np.searchsorted(row, hard, side="left")
        ends = np.searchsorted(row, hard, side="right")
        for r, lo, hi in zip(hard, edges, ends, strict=True):
            total[r] = _but(pos[lo:hi], v[lo:hi], but_at[r])

    bangs = np.minimum(arrow_text.per_text(offsets, data, ord("!")), 4) * 0.292
    q = arrow_text.per_text(offsets, data, ord("?"))
    amp = bangs + np.where(q > 1, np.where(q <= 3, q * 0.18, 0.96), 0)
    total = np.where(total > 0, total + amp, np.where(total < 0, total - amp, total))
    norm = np.clip(total / np.sqrt(total * total + 15), -1.0, 1.0)
    return _round4(np.where(counts > 0, norm, 0.0)), idiom


def _but_scaled(v, row, pos, but_rows, but_pos, n):
    """VADER's "but" rule on every scored word at once: x0.5 before a comment's first "but",
    x1.5 after it. Returns the scores (originals kept in comments VADER treats differently),
    those comments, and each comment's first "but" (-1: none).

    VADER rescales the first entry *equal* to each value (see `_but`), so the product is VADER's
    own unless, in one comment, a rescaled score equals an original one (or a score sits on the
    "but"); those comments keep their original scores for `_but` to walk."""
    but_at = np.full(n, -1, dtype=np.int64)
    but_at[but_rows[::-1]] = but_pos[::-1]  # the first "but" of each comment wins
    b = but_at[row]
    sel = np.flatnonzero((b >= 0) & (v != 0))
    if not len(sel):
        return v, np.zeros(0, dtype=np.int64), but_at
    p, x, r = pos[sel], v[sel], row[sel]
    scaled = np.where(p < b[sel], x * 0.5, np.where(p > b[sel], x * 1.5, x))
    rows2 = np.concatenate([r, r])
    vals = np.concatenate([scaled, x])
    kind = np.repeat([0, 1], len(sel))
    order = np.lexsort((kind, vals, rows2))
    rs, vs, ks = rows2[order], vals[order], kind[order]
    clash = (rs[1:] == rs[:-1]) & (vs[1:] == vs[:-1]) & (ks[1:] != ks[:-1])
    hard = np.unique(rs[1:][clash])
    easy = ~np.isin(r, hard)
    out = v.copy()
    out[sel[easy]] = scaled[easy]
    return out, hard, but_at


def _but(positions: np.ndarray, scores: np.ndarray, but_at: int) -> float:
    """VADER's `_but_check` then `sum`, over one comment's scored words (position, score).

    VADER walks the list and rescales the *first* entry equal to each value (x0.5 before the
    first "but", x1.5 after), so equal scores interact; an entry is only ever rescaled from
    its own or a later position, and zeros stay zero, so walking the non-zero entries in order
    gives exactly VADER's list."""
    pos = [int(p) for p, x in zip(positions, scores, strict=True) if x != 0]
    values = [float(x) for x in scores if x != 0]
    for j in range(len(values)):
        x = values[j]
        first = values.index(x)
        if pos[first] < but_at:
            values[first] = x * 0.5
        elif pos[first] > but_at:
            values[first] = x * 1.5
    return float(sum(values))


def _round4(x: np.ndarray) -> np.ndarray:
    """Python's round(x, 4) for every x: numpy's where no tie is near, Python's where one is."""
    r = np.round(x, 4)
    scaled = x * 1e4
    near = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i in np.flatnonzero(near):
        r[i] = round(float(x[i]), 4)
    return r
