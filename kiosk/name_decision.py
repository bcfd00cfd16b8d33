"""Deciding on a doubtful station name from the readings the audio scored
(`kiosk.name_check`): take an overwhelming winner, offer the close ones, or keep what was
heard. Margins are in nats of the heard sentence (`voice.whisper_pass.OnePassWhisper.score`).
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.answers.types import Offer
from knowledge.records import StationComplex
from knowledge.textnorm import latin_key, similarity, spelled_out

ACCEPT_MARGIN = 15.0
"""Nats by which the best reading must beat the next to be taken without asking. On the
spoken set (scripts/measure_spoken.py) wrong names won by up to 12.5 nats: English-sounding
names ("Seoul Station", "City Hall") are likely sentences whatever was said. So the kiosk
asks, and takes a name unasked only when nothing else comes near."""
OFFER_WINDOW = 4.0
"""Readings within this many nats of the best are offered with it (at most `MAX_OFFERS`)."""
MAX_OFFERS = 3
NOT_SAID = 20.0
"""A best reading this many nats below Whisper's own transcript: no station was said there.
On held-out draw 3 of the spoken set the right station was among the close readings for 5 of
24 questions whose best reading was 12-20 nats below, and for none of 2 beyond 20."""
ASK_ONLY = 12.0
"""A best reading this many nats below Whisper's own transcript is asked about, never taken:
Whisper's own words were far likelier ("Kyrumun" -> Gireum, 19 nats below)."""


@dataclass(frozen=True, slots=True)
class NameCheck:
    question: str
    """What to answer: the transcript, or it with the doubtful words replaced by a name."""
    offers: tuple[Offer, ...] = ()
    """When set, ask which of these stations was meant instead of answering."""
    rescored: bool = False
    unheard: bool = False
    """A station was said where the question puts one, but none sounds said: ask which
    station (or, right after a question back, point to the staff); never answer for here."""


@dataclass(frozen=True, slots=True)
class Reading:
    """The heard sentence with one station's name in the doubtful place, and its score."""

    station: StationComplex
    question: str
    score: float


def decide(
    plain: NameCheck,
    readings: list[Reading],
    heard_score: float,
    lang: str,
    current: StationComplex | None = None,
    *,
    unsure: bool = False,
    dropped: bool = False,
) -> NameCheck:
    """Take an overwhelming winner, offer the close ones, or keep what was heard. When no
    station sounds said and the rules had taken one ("saving" for Sapyeong), that one is asked
    about, never answered. From a transcript Whisper was `unsure` of, a winner is only asked
    about: its other words may be as wrong as its name, and so is one far less likely than what
    Whisper wrote (`ASK_ONLY`). Where the rules had `dropped` the place (the answer would have
    been about here), a station said but not heard is asked for."""
    if not readings:
        return plain
    below = heard_score - readings[0].score
    unsure = unsure or below > ASK_ONLY
    if below > NOT_SAID:
        if dropped:
            return NameCheck(plain.question, rescored=True, unheard=True)
        taken = [r for r in readings if current is not None and r.station.key == current.key]
        return NameCheck(plain.question, offers=_offers(taken[:1], lang), rescored=bool(taken))
    best = readings[0]
    runner_up = readings[1].score if len(readings) > 1 else best.score - ACCEPT_MARGIN
    if best.score - runner_up >= ACCEPT_MARGIN:
        if unsure:
            return NameCheck(plain.question, offers=_offers([best], lang), rescored=True)
        return NameCheck(best.question, rescored=True)
    close: list[Reading] = []
    for r in readings:
        if (
            best.score - r.score <= OFFER_WINDOW
            and len(close) < MAX_OFFERS
            and not any(_sound_alike(r.station, c.station) for c in close)
        ):
            close.append(r)
    return NameCheck(plain.question, offers=_offers(close, lang), rescored=True)


def nothing_near(heard_score: float | None, readings: list[Reading]) -> bool:
    """No reading is near enough what Whisper wrote to be taken (`ASK_ONLY`)."""
    return heard_score is None or not readings or heard_score - readings[0].score > ASK_ONLY


def _sound_alike(a: StationComplex, b: StationComplex) -> bool:
    """Names a passenger's reply cannot tell apart: alike ("Sangbong or Sanbon?": Whisper
    wrote Sanbon for "Sangbong.") or one inside the other ("Jamsil or Jamsilsaenae?": it
    wrote Jamsil). Only the likelier is offered, to be answered yes or no. Words both names
    share are no difference and no likeness: "Hongik University" and "Dongguk University"
    are told apart by "Hongik" and "Dongguk"."""
    words_a = spelled_out(a.names.get("en", "")).lower().split()
    words_b = spelled_out(b.names.get("en", "")).lower().split()
    one = latin_key(" ".join(w for w in words_a if w not in words_b))
    other = latin_key(" ".join(w for w in words_b if w not in words_a))
    return one in other or other in one or similarity(one, other) >= 0.7


def _offers(readings: list[Reading], lang: str) -> tuple[Offer, ...]:
    return tuple(Offer(r.station.key, r.station.name(lang), r.question) for r in readings)
