"""A cheap test that a generated sentence says only what its passages say.

The grounding checker verifies numbers, lines and station names exactly; this catches the rest:
a small model can invent a place ("at the lockers at the end of the line") with no number in it.
"""

from __future__ import annotations

import re

_STOP = frozenset(
    (
        "the", "and", "for", "you", "your", "this", "that", "there", "with", "from", "have",
        "here", "what", "where", "when", "which", "station", "please", "sorry", "can",
    )
)  # fmt: skip


SUPPORTED_SHARE = 0.75
"""Share of a generated sentence's content words that must occur in its passages. Numbers,
lines and stations are checked exactly by the grounding checker; this catches the rest: a
small model can invent a place ("at the lockers at the end of the line") with no number in it."""


def plausible(sentence: str, passages: str) -> bool:
    """A useful generated sentence is mostly words, cites no bracket markers ("PARSING: [1]"),
    and says little that its passages do not: most of its content words (Latin words of four
    letters or more, or Hangul/kana/Han character pairs) occur in the passages."""
    if re.search(r"\[\d+\]", sentence):
        return False
    text = sentence.lower()
    tokens = [w for w in re.findall(r"[^\W\d_]{4,}", text) if w.isascii() and w not in _STOP]
    for run in re.findall(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]{2,}", text):
        tokens += [run[i : i + 2] for i in range(len(run) - 1)]
    if not tokens:
        return False
    source = passages.lower()
    supported = sum(1 for t in tokens if t in source or t.rstrip("s") in source)
    return supported / len(tokens) >= SUPPORTED_SHARE
