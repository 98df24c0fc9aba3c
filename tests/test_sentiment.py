"""Comment sentiment computed array-wise gives VADER's own numbers (vaderSentiment is the truth).

`sentiment.compound` scores all comments at once with VADER's rules on word arrays; these tests
compare it with `SentimentIntensityAnalyzer.polarity_scores` comment by comment, on VADER's own
examples, the demo's comments, text built to hit every rule, and random word salads.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_data.ingest import sentiment

VADER_EXAMPLES = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
]
RULES = [  # one or more of VADER's rules in each
    "no problem at all",
    "No, not good",
    "no good or bad",
    "nothing good, nor great",
    "never so happy",
    "never this good",
    "it was so good",
    "without doubt the best",
    "without any doubt good",
    "the least helpful team",
    "at least good",
    "very least good",
    "least good",
    "it was NOT GOOD",
    "GOOD",
    "GOOD GREAT",
    "good good but bad bad but good",
    "good, bad; but: good",
    "great???",
    "great??",
    "awful!!!!!!",
    "don’t like it",
    "Don't like it",
    "café was nice",
    "Zoë was great",
    "no no no good",
    "It isn't very good, is it?",
    "hardly good",
    "not very good",
    "NEVER so good",
    "VERY bad indeed",
    "EXTREMELY helpful but SLIGHTLY slow",
    "kind of good",
    "sort of bad",
    "just enough help",
    "the bomb",
    "that was the shit",
    "yeah right, great",
    "kiss of death for us",
    "a view to die for",
    "a badass tool",
    "bad ass",
    "good\tbut\nslow",
    "good\u00a0team",
    "good\u2003team\u2028done",
    "©2024 good ™",
    "a;b good:) :( :D",
    "!!!",
    "   ",
    "good" * 30,
]


def test_vader_examples_and_every_rule_agree():
    texts = VADER_EXAMPLES + RULES
    assert list(sentiment.compound(texts)) == list(sentiment.vader(texts))


def test_demo_comments_agree():
    from pmo_data.demo import generate as demo

    comments = demo.generate(0.2)["feedback"]["comment"].dropna().unique().tolist()
    assert len(comments) > 200
    assert list(sentiment.compound(comments)) == list(sentiment.vader(comments))


VOCAB = [
    "good", "bad", "great", "not", "no", "never", "so", "this", "very", "extremely", "barely",
    "least", "at", "without", "doubt", "but", "BUT", "GOOD", "VERY", "isn't", "nor", "or",
    "happy", "sad", "hate", "love", "the", "team", "is", "was", "!", "?", "kinda", "sorta",
    "slightly", "ok", "fine", "helpful", "useless", "TERRIBLE", "amazing", "wasn't", "cannot",
    "nothing", "despite", "rarely", ":)", ":(", "lol", "meh", "kind", "of", "sort", "just",
    "enough", "bomb", "die", "for", "right", "yeah", "Good,", "(bad)", "great!", "no.",
    "don’t", "£5", "naïve", "😁", "-", "...", "SO", "LEAST", "NOT",
]  # fmt: skip


def test_random_salads_agree():
    rng = random.Random(11)
    texts = [
        " ".join(rng.choice(VOCAB) for _ in range(rng.randint(1, 16)))
        + rng.choice(["", ".", "!", "!!", "?", "??", "????", " !!!!!"])
        for _ in range(4000)
    ]
    got, want = sentiment.compound(texts), sentiment.vader(texts)
    bad = [(t, g, w) for t, g, w in zip(texts, got, want, strict=True) if g != w]
    assert not bad, bad[:5]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=12), min_size=1, max_size=20))
def test_any_word_salad_agrees(sentences):
    texts = [" ".join(words) for words in sentences]
    assert list(sentiment.compound(texts)) == list(sentiment.vader(texts))


def test_words_split_as_python_splits():
    """The array path splits on pyarrow's whitespace: the same as str.split() for every
    character it handles (any other character sends the comment to VADER itself)."""
    chars = [chr(c) for lo, hi in sentiment._PLAIN for c in range(lo, hi + 1)]
    texts = [f"a{c}b{c}{c}c" for c in chars]
    got = pc.utf8_split_whitespace(pa.array(texts)).to_pylist()
    assert [[w for w in g if w] for g in got] == [t.split() for t in texts]


def test_score_maps_each_distinct_comment_and_leaves_blanks_empty():
    comments = pd.Series(
        ["Great support", None, "   ", "Too slow", "Great support", np.nan, "Great!!"],
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    got = sentiment.score(comments)
    assert list(got.index) == list(comments.index)
    assert got[[11, 12, 15]].isna().all()
    assert got[10] == got[14] == sentiment.vader(["Great support"])[0]
    assert [got[13], got[16]] == list(sentiment.vader(["Too slow", "Great!!"]))
    assert sentiment.score(pd.Series([], dtype=object)).empty


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_inputs(n):
    texts = ["fine"] * n
    assert list(sentiment.compound(texts)) == list(sentiment.vader(texts))


def test_but_with_scores_that_equal_each_other_rescaled():
    """VADER's "but" rule rescales the first score *equal* to each one, so a score before the
    "but" halved to another's value ("fav" 2.0 -> 1.0 = "bffn") changes which one is scaled:
    those comments take VADER's own walk, the rest the array product; both agree."""
    rng = random.Random(3)
    words = ["fav", "bffn", "ez", "lyb", "abandoned", "dx", "nitl", "mubar", "good", "but"]
    texts = ["fav but bffn", "fav fav but bffn bffn", "BUT fav bffn"] + [
        " ".join(rng.choice(words) for _ in range(rng.randint(1, 10))) for _ in range(3000)
    ]
    assert list(sentiment.compound(texts)) == list(sentiment.vader(texts))


def test_score_over_chunked_arrow_text():
    """A column whose Arrow text comes in several chunks (CSV read in parts) scores alike."""
    chunked = pa.chunked_array([["Great support", None], ["Too slow", "Great support"]])
    comments = pd.Series(pd.arrays.ArrowStringArray(chunked))
    got = sentiment.score(comments)
    assert got[0] == got[3] == sentiment.vader(["Great support"])[0] and np.isnan(got[1])
    assert got[2] == sentiment.vader(["Too slow"])[0]
