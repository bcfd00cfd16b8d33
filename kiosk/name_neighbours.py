"""A station name Whisper wrote exactly can still be another station's: its sound-alikes are
scored against the audio before the kiosk answers (`kiosk.name_check`).

Whisper base writes a Korean name it half-hears as the nearest name it knows, and that may be
another real station: "How do I get to Sanbon?" for Sangbong (two speakers of blind draw 11),
"We climb stop at Yangwon" for Jamwon (draw 9). Nothing in such a sentence is doubtful, and
the kiosk answered about the wrong station. So a named station's few likeliest sound-alikes
(`kiosk.name_shortlist.Shortlister.neighbours`) are put in its place and scored; when one comes
within `NEIGHBOUR_MARGIN` of what Whisper wrote, the kiosk asks instead of answering.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from kiosk.heard_words import put_name
from kiosk.name_decision import NameCheck, Reading, decide
from knowledge.records import StationComplex, StationMatch
from knowledge.textnorm import name_key, spelled_out
from voice.stt_guards import Transcript

NEIGHBOUR_MARGIN = 5.0
"""Nats by which what Whisper wrote must beat every sound-alike's reading to be answered. On
the dev draw and blind draws 8-11, the three wrong names written whole were 3.4, 0.7 and -0.8
nats ahead of a sound-alike; 2 of 24 right names with sound-alikes were under 5 (4.0 and 4.9:
asked, "Did you mean Onsu or Unseo?"), the rest 7.5-31.7."""


class Scorer(Protocol):
    def score_readings(self, heard: Transcript, lang: str, sentences: list[str]) -> list[float]: ...


def sound_alikes_heard(
    transcript: Transcript,
    named: Sequence[StationMatch],
    neighbours: Callable[[StationComplex], list[StationComplex]],
    scorer: Scorer,
) -> NameCheck | None:
    """A question back when a sound-alike of a station named exactly in `transcript` reads
    nearly as likely as the name Whisper wrote; the transcript, re-scored, when every name
    stands; None when no name has sound-alikes (nothing scored). Only names
    written as the station's own name count: the sound-alikes are of that name, and a
    nickname ("Hongdae") or a likeness is the name check's own business."""
    text, lang = transcript.text, transcript.language
    scored = False
    for match in named:
        if match.method != "exact" or match.others:
            continue
        if name_key(match.matched) not in name_key(text):
            continue
        put = [(cx, _reading(text, match.matched, spelled_out(cx.name(lang))))
               for cx in neighbours(match.complex)]  # fmt: skip
        kept = [(cx, sentence) for cx, sentence in put if sentence is not None]
        if not kept:
            continue
        heard, *scores = scorer.score_readings(transcript, lang, [text, *(s for _, s in kept)])
        scored = True
        if max(scores) <= heard - NEIGHBOUR_MARGIN:
            continue
        readings = [Reading(match.complex, text, heard)]
        readings += [Reading(cx, s, score) for (cx, s), score in zip(kept, scores, strict=True)]
        readings.sort(key=lambda r: -r.score)
        # Asked, never taken: Whisper wrote a real station, and a neighbour is only close.
        return decide(NameCheck(text), readings, heard, lang, match.complex, unsure=True)
    return NameCheck(text, rescored=True) if scored else None


def _reading(text: str, matched: str, name: str) -> str | None:
    """`text` with the station `name` where `matched` was written. A longer name that begins
    with it takes the words Whisper wrote after it too ("Which line starts at Samyang
    subway?" for Samyang Sageori), unless they are "station"."""
    if name.lower().startswith(matched.lower() + " "):
        extra = len(name.split()) - len(matched.split())
        after = re.search(rf"(?i)(?<!\w){re.escape(matched)}((?:\W+\w+){{{extra}}})", text)
        if after and not {"station", "stations"} & set(after.group(1).lower().split()):
            return text[: after.start()] + name + text[after.end() :]
    return put_name(text, matched, name)
