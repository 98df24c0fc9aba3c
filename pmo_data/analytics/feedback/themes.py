"""Comment themes (TF-IDF + NMF), their trend, key drivers, and the comment explorer.

Why one model per store version: themes must be stable across viewers (an account lead and
the PMO must see the same theme names), and fitting is the expensive part. So the model is
fitted once per store version on the distinct comments (at most FIT_SAMPLE of them, seeded),
then every distinct comment gets its strongest theme; viewer-scoped questions join that small
comment -> theme table to the scoped feedback in DuckDB. Sentiment comes from the stored
`feedback.sentiment` (VADER at import); when the importer left it empty it is scored here once
per distinct comment and `computed_sentiment` says how many.
Theme labels are the top terms over all comments in the store (not per viewer).
"""

from __future__ import annotations

import math
import weakref

import numpy as np
import pandas as pd

from pmo_data.analytics.feedback.scores import _joined, falling_customers, reference_date
from pmo_data.ingest import sentiment as vader
from pmo_data.measures import DETRACTOR, NPS_POINTS, SMALL_N, VALID_NPS, Z
from pmo_data.store.access import EVERYONE, Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, scoped
from pmo_data.store.versions import Store

K = 8
FIT_SAMPLE = 20_000
SEED = 0
NEGATIVE = -0.05  # VADER's usual cut-offs for negative / positive
POSITIVE = 0.05
NO_THEME = "(no clear theme)"
_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


CONTRACTIONS = [
    "aren't",
    "can't",
    "couldn't",
    "didn't",
    "doesn't",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "he's",
    "ll",
    "ve",
    "re",
    "isn't",
    "it's",
    "let's",
    "shouldn't",
    "that's",
    "there's",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "wasn't",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "weren't",
    "what's",
    "won't",
    "wouldn't",
    "you'd",
    "you'll",
    "you're",
    "you've",
]


def _stop_words() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | set(CONTRACTIONS))


def fit_themes(comments: pd.Series, k: int = K, sample: int = FIT_SAMPLE, seed: int = SEED):
    """(theme index per comment, -1 when none; labels list) for distinct comment texts."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = comments.astype(str).to_numpy()
    if len(texts) < 2:
        return np.full(len(texts), -1), []
    rng = np.random.default_rng(seed)
    fit_idx = rng.choice(len(texts), sample, replace=False) if len(texts) > sample else None
    fit_texts = texts if fit_idx is None else texts[fit_idx]
    vec = TfidfVectorizer(
        stop_words=_stop_words(),
        preprocessor=lambda t: t.lower().replace("\u2019", "'"),
        min_df=2 if len(fit_texts) >= 200 else 1,
        max_df=0.6 if len(fit_texts) >= 200 else 1.0,
        max_features=5000,
        sublinear_tf=True,
        # a contraction is one word ("doesn't"), not a cut-off stem ("doesn") in a theme label
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+(?:'[a-zA-Z]+)?\b",
    )
    try:
        x_fit = vec.fit_transform(fit_texts)
    except ValueError:  # nothing but stop words
        return np.full(len(texts), -1), []
    k = max(1, min(k, x_fit.shape[0] - 1, x_fit.shape[1]))
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    nmf.fit(x_fit)
    terms = vec.get_feature_names_out()
    labels = [", ".join(terms[i] for i in comp.argsort()[::-1][:4]) for comp in nmf.components_]
    theme = np.empty(len(texts), dtype=int)
    for start in range(0, len(texts), 100_000):
        w = nmf.transform(vec.transform(texts[start : start + 100_000]))
        best = w.argmax(axis=1)
        theme[start : start + 100_000] = np.where(w.max(axis=1) > 1e-9, best, -1)
    return theme, labels


def model(store: Store, version: int | None = None) -> dict:
    """The per-version comment model: distinct comments with sentiment and theme, and labels.

    Cached per store and version in this process (the expensive part is version-bound only).
    """
    v = store.current_version() if version is None else version
    cache = _MODELS.setdefault(store.root, {})  # one cache per store, not per pinned run
    if v in cache:
        return cache[v]
    sql, params = scoped(store, "feedback", EVERYONE, NO_FILTERS, v)
    df = store.df(
        f"SELECT comment, any_value(sentiment) AS sentiment, count(*) AS responses "
        f"FROM ({sql}) WHERE comment IS NOT NULL AND trim(comment) <> '' GROUP BY comment",
        params,
    )
    missing = df["sentiment"].isna()
    if missing.any():
        df.loc[missing, "sentiment"] = vader.score(df.loc[missing, "comment"]).to_numpy()
    theme, labels = fit_themes(df["comment"])
    df["theme"] = theme
    names = {i: f"{i + 1}. {lab}" for i, lab in enumerate(labels)}
    df["theme_label"] = df["theme"].map(names).fillna(NO_THEME)
    result = {
        "comments": df,
        "labels": [names[i] for i in range(len(labels))],
        "computed_sentiment": int(missing.sum()),
        "fit_on": int(min(len(df), FIT_SAMPLE)),
        "distinct": len(df),
    }
    cache.clear()  # keep only the latest version per store
    cache[v] = result
    return result


def _with_themes(store: Store) -> dict[str, pd.DataFrame]:
    """The comment-to-theme table, joinable as `comment_themes` in a query."""
    return {"comment_themes": model(store)["comments"]}


def drivers(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per theme: size, sentiment, and NPS when present vs absent (difference with a 95% CI).

    Among responses that have a comment and a 0-10 NPS answer; NPS as the mean of +100/0/-100.
    """
    src, params = _joined(store, viewer, filters)
    score = NPS_POINTS.on("f")
    df = store.df(
        f"""SELECT t.theme_label AS theme, count(*) AS comments,
                avg(t.sentiment) AS sentiment,
                avg(CASE WHEN t.sentiment < {NEGATIVE} THEN 1.0 ELSE 0.0 END) AS negative_share,
                count(*) FILTER ({VALID_NPS}) AS n,
                coalesce(sum({score}) FILTER ({VALID_NPS}), 0) AS s,
                coalesce(sum({score} * {score}) FILTER ({VALID_NPS}), 0) AS ss
            FROM {src} JOIN comment_themes t ON t.comment = f.comment
            GROUP BY 1 ORDER BY comments DESC""",
        params,
        frames=_with_themes(store),
    )
    n_all, s_all, ss_all = df["n"].sum(), df["s"].sum(), df["ss"].sum()
    rows = []
    for r in df.itertuples():
        n0, s0, ss0 = n_all - r.n, s_all - r.s, ss_all - r.ss
        m1 = r.s / r.n if r.n else math.nan
        m0 = s0 / n0 if n0 else math.nan
        v1 = (r.ss - r.s**2 / r.n) / (r.n - 1) if r.n > 1 else math.nan
        v0 = (ss0 - s0**2 / n0) / (n0 - 1) if n0 > 1 else math.nan
        se = math.sqrt(v1 / r.n + v0 / n0) if r.n > 1 and n0 > 1 else math.nan
        diff = m1 - m0
        rows.append((m1, r.n, m0, n0, diff, diff - Z * se, diff + Z * se))
    cols = [
        "nps_present",
        "n_present",
        "nps_absent",
        "n_absent",
        "effect",
        "effect_lo",
        "effect_hi",
    ]
    out = pd.concat(
        [
            df[["theme", "comments", "sentiment", "negative_share"]],
            pd.DataFrame(rows, columns=cols, index=df.index),
        ],
        axis=1,
    )
    out["small"] = (out["n_present"] < SMALL_N) | (out["n_absent"] < SMALL_N)
    return out


def theme_trend(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Share of commented responses per quarter that carry each theme (quarter, theme, n)."""
    src, params = _joined(store, viewer, filters)
    return store.df(
        f"""SELECT date_trunc('quarter', f.date) AS quarter, t.theme_label AS theme,
                count(*) AS n,
                count(*) / sum(count(*)) OVER (PARTITION BY date_trunc('quarter', f.date))
                    AS share
            FROM {src} JOIN comment_themes t ON t.comment = f.comment
            WHERE f.date IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2""",
        params,
        frames=_with_themes(store),
    )


def who_is_unhappy(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, days: int = 182
) -> pd.DataFrame:
    """Customers whose NPS fell most in the last two quarters, with their top negative themes."""
    falling = falling_customers(store, viewer, filters, days=days)
    if falling.empty:
        return falling.assign(negative_themes=pd.Series(dtype=str))
    src, params = _joined(store, viewer, filters)
    ids = falling["customer_id"].tolist()
    marks = ", ".join("?" for _ in ids)
    neg = store.df(
        f"""WITH c AS (SELECT f.customer_id, t.theme_label AS theme, count(*) AS n
                FROM {src} JOIN comment_themes t ON t.comment = f.comment
                WHERE f.customer_id IN ({marks}) AND t.theme >= 0 AND (t.sentiment < {NEGATIVE} OR {DETRACTOR.on("f")})
                  AND f.date > ?::DATE - {int(days)}
                GROUP BY 1, 2)
            SELECT * FROM c
            QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY n DESC, theme) <= 2
            ORDER BY customer_id, n DESC""",
        params + ids + [reference_date(store, viewer, filters)],
        frames=_with_themes(store),
    )
    named = neg.assign(t=neg["theme"] + " (" + neg["n"].astype(str) + ")")
    top = named.groupby("customer_id")["t"].agg("; ".join)
    return falling.assign(negative_themes=falling["customer_id"].map(top).fillna("–"))


SENTIMENTS = {
    "all": "TRUE",
    "negative": f"t.sentiment < {NEGATIVE}",
    "neutral": f"t.sentiment BETWEEN {NEGATIVE} AND {POSITIVE}",
    "positive": f"t.sentiment > {POSITIVE}",
}


def explore(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    text: str = "",
    theme: str | None = None,
    sentiment: str = "all",
    customer: str | None = None,
    scores: tuple[int, int] = (0, 10),
    limit: int = 500,
) -> dict:
    """Comments matching a search (text contains), theme, sentiment, customer and NPS range.

    Returns {'rows': newest `limit` comments, 'total': how many match}.
    """
    src, params = _joined(store, viewer, filters)
    where = [SENTIMENTS.get(sentiment, "TRUE")]
    args: list = []
    if text.strip():
        where.append("f.comment ILIKE ?")
        args.append(f"%{text.strip()}%")
    if theme:
        where.append("t.theme_label = ?")
        args.append(theme)
    if customer:
        where.append("coalesce(c.name, f.customer_id) = ?")
        args.append(customer)
    if tuple(scores) != (0, 10):
        where.append(f"{VALID_NPS} AND f.nps BETWEEN ? AND ?")
        args += [scores[0], scores[1]]
    base = f"FROM {src} JOIN comment_themes t ON t.comment = f.comment WHERE " + " AND ".join(
        f"({w})" for w in where
    )
    frames = _with_themes(store)
    total = store.df(f"SELECT count(*) AS n {base}", params + args, frames=frames)["n"].iloc[0]
    rows = store.df(
        f"""SELECT f.date, coalesce(c.name, f.customer_id) AS customer, f.nps, f.csat,
            round(t.sentiment, 2) AS sentiment, t.theme_label AS theme, f.comment
        {base} ORDER BY f.date DESC, f.response_id LIMIT {int(limit)}""",
        params + args,
        frames=frames,
    )
    return {"rows": rows, "total": int(total)}
