"""Value types of the answer path: what a turn produces and what a follow-up turn remembers.

An `Answer` is the one thing the daemon, the CLI and the evaluation read; `sources` are the KB
records whose texts the grounding check compared against, so an answer can always be traced.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

NORMAL_RATE = 1.0
SLOW_RATE = 0.8
"""Speaking rate for "slower, please": many passengers asking are elderly."""


class Outcome(StrEnum):
    ANSWERED = "answered"
    NO_INFORMATION = "no_information"
    OUT_OF_SCOPE = "out_of_scope"
    REFUSED = "refused"
    CLARIFY = "clarify"
    """The question names a place the kiosk cannot pin to one station: it asks which."""


class Intent(StrEnum):
    """What a passenger asks; each answerable intent has a structured composer."""

    LINES = "lines"
    ROUTE = "route"
    ELEVATOR = "elevator"
    TOILET = "toilet"
    EXIT = "exit"
    TRANSFER = "transfer"
    FIRST_LAST = "first_last_train"
    FARE = "fare"
    LOST_FOUND = "lost_and_found"
    LOCKER = "locker"
    PHONE = "phone"
    NOTICES = "notices"
    REPEAT = "repeat"
    OUT_OF_SCOPE = "out_of_scope"
    REFUSED = "refused"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Source:
    """A KB record an answer used: its stable id and the text the grounding check read."""

    id: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "text": self.text}


@dataclass(frozen=True, slots=True)
class Offer:
    """A station the kiosk asks about, with the passenger's question read with its name."""

    station: str
    """Complex key."""
    name: str
    """How the kiosk said it (the passenger's language)."""
    question: str


@dataclass(slots=True)
class Answer:
    question: str
    language: str
    outcome: Outcome
    text: str
    """Everything the screen shows."""
    sentences: list[str]
    """What the voice says: the screen's sentences, shortened for the ear (`ear.py`)."""
    sources: list[Source] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    speech_rate: float = NORMAL_RATE
    intent: str = Intent.UNKNOWN.value
    path: str = "structured"
    """How the text was made: structured | llm | canned | repeat."""
    derived: list[str] = field(default_factory=list)
    """Numbers/line ids computed from the sources (stop counts), so a later check can verify."""
    shown: list[str] = field(default_factory=list)
    """The screen's sentences (`text`), when they are more than the spoken ones."""
    about: list[str] = field(default_factory=list)
    """Complex keys of the stations an answer speaks about (its subject, a route's two ends):
    what the evaluation checks against the stations the question named."""
    offered: tuple[Offer, ...] = ()
    """The stations a "Did you mean …?" answer asks about; the next reply picks one."""

    def again(self, question: str, timings: dict[str, float], rate: float | None) -> Answer:
        """This answer said again ("say that again", "slower, please" at `rate`)."""
        return replace(
            self,
            question=question,
            timings_ms=timings,
            speech_rate=rate or NORMAL_RATE,
            sentences=list(self.sentences),
            shown=list(self.shown),
            sources=list(self.sources),
            path="repeat",
            offered=(),
        )

    def as_json(self) -> dict[str, Any]:
        """The exact shape `kiosk ask --json` prints; sources only when answered."""
        sources = [s.as_dict() for s in self.sources] if self.outcome is Outcome.ANSWERED else []
        return {
            "question": self.question,
            "language": self.language,
            "outcome": self.outcome.value,
            "answer": self.text,
            "sources": sources,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


@dataclass(slots=True)
class Context:
    """What one conversation at the kiosk remembers between turns.

    The daemon keeps one per passenger session and resets it on idle; `last_answer` serves
    "say that again", `station`/`line`/`intent` serve follow-ups such as "and the last train?".
    """

    last_answer: Answer | None = None
    station: str | None = None
    """Complex key of the last station the passenger asked about (not the kiosk's own)."""
    line: str | None = None
    intent: Intent | None = None
    destination: str | None = None
    offered: tuple[Offer, ...] = ()
    """What the last answer asked about ("Did you mean Yeouido?"): the next turn may be yes,
    no or one of the names. Kept one turn only, so the question is never asked twice."""
    asked: bool = False
    """The last answer was a question back (offers, "Which station?", "By X, do you mean"):
    the next turn is not asked about again."""
    unheard_before: bool = False
    """The passenger's last utterance was not heard (Whisper unsure of it, or nothing), or
    stopped mid-sentence (on a Japanese particle): what follows may be the rest of a sentence
    cut at a pause ("ノッポン駅に … エレベーターはありますか"), whose station was in the part
    before (`kiosk.name_check`)."""

    def remember(self, answer: Answer, understood: Any | None = None) -> None:
        self.unheard_before = False
        self.offered = answer.offered
        self.asked = answer.outcome is Outcome.CLARIFY
        if answer.outcome is Outcome.REFUSED:
            return
        self.last_answer = answer
        if understood is None:
            return
        if understood.stations:
            self.station = understood.stations[-1].complex.key
        if understood.lines:
            self.line = understood.lines[0].id
        if understood.intent not in (Intent.REPEAT, Intent.UNKNOWN, Intent.OUT_OF_SCOPE):
            self.intent = understood.intent


class AnswerStream:
    """Iterate for sentences as soon as each is ready; `.answer` is complete once exhausted."""

    def __init__(self, gen: Iterator[str]) -> None:
        self._gen = gen
        self.answer: Answer | None = None
        self.language: str | None = None
        """Set before the first sentence, so speech can start in the right voice."""
        self.speech_rate: float = NORMAL_RATE
        """Set before the first sentence ("slower, please" repeats at SLOW_RATE)."""

    def __iter__(self) -> Iterator[str]:
        return self._gen

    def result(self) -> Answer:
        for _ in self._gen:
            pass
        assert self.answer is not None
        return self.answer
