"""Answers shaped for the ear: a spoken answer stays within about eight seconds.

The screen shows every sentence a composer wrote; the voice says the first ones that fit the
budget and then how many more are on the screen ("And 3 more, shown on the screen."). How long
a sentence takes is estimated from its normalised text (numbers spelled out, as the voice says
them) and the language's `spoken_chars_per_second`, measured on the default voices (espeak-ng
for ko/zh/ja, Piper for en). A composer whose sentences must all be heard (a route's legs)
passes its own spoken sentences instead.
"""

from __future__ import annotations

import languages
from knowledge.answers.templates import say

EAR_BUDGET_SECONDS = 8.0


def spoken_seconds(sentence: str, lang: str) -> float:
    """Estimated time the kiosk's voice takes to say `sentence`."""
    language = languages.get(lang)
    return len(language.normalize(sentence)) / language.spoken_chars_per_second


def for_the_ear(
    sentences: list[str], lang: str, *, keep: int = 1, budget: float = EAR_BUDGET_SECONDS
) -> list[str]:
    """The sentences to speak: the first `keep` always (the head and one item), then items
    while they fit in `budget` seconds; the rest are named by count as shown on the screen."""
    spoken = list(sentences[:keep])
    used = sum(spoken_seconds(s, lang) for s in spoken)
    rest = sentences[keep:]
    for n, sentence in enumerate(rest):
        after = len(rest) - n - 1
        tail = spoken_seconds(say("more_on_screen", lang, count=after), lang) if after else 0.0
        if used + spoken_seconds(sentence, lang) + tail > budget:
            spoken.append(say("more_on_screen", lang, count=len(rest) - n))
            return spoken
        spoken.append(sentence)
        used += spoken_seconds(sentence, lang)
    return spoken
