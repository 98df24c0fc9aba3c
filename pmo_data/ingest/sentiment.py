"""Comment sentiment with VADER, computed once per distinct comment.

VADER costs ~50 µs per distinct comment (measured: 200k in 10 s); repeated comments,
common in exports, are free. Stored at import so pages never score text on a page view.
"""

from __future__ import annotations

from functools import cache

import pandas as pd


@cache
def _analyser():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score(comments: pd.Series) -> pd.Series:
    """VADER compound score (-1 negative .. 1 positive) per comment; null when no text."""
    text = comments.astype("object").where(comments.notna(), None)
    uniq = [t for t in pd.unique(text.dropna()) if str(t).strip()]
    scores = {t: _analyser().polarity_scores(str(t))["compound"] for t in uniq}
    return text.map(scores).astype("float64")
