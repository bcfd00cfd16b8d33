"""`Answerer`: the one entry point from a transcript to a grounded `Answer`, whole or streamed.

Order of preference: refuse rule changes; repeat; out of scope; a structured answer from KB
records (exact, milliseconds); the LLM over retrieved passages when the language is supported;
otherwise "no information" with a pointer to staff. Every answer, structured or generated,
passes the grounding check before it is spoken; a generated sentence that fails it is never
yielded (the stream stops, or falls back to the structured/no-information answer).
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import languages
from knowledge.answers.ear import for_the_ear
from knowledge.answers.facts import with_example_warning
from knowledge.answers.generated import grounded_sentences
from knowledge.answers.grounding import GroundingChecker
from knowledge.answers.language import detect_language
from knowledge.answers.llm import LlmAnswerer, sentences_of
from knowledge.answers.llm_query import QueryReader, needs_reading, read_with_llm
from knowledge.answers.offers import DECLINED, confirmation, not_a_reply, reply_to_offer
from knowledge.answers.structured import StructuredComposer
from knowledge.answers.templates import join_or, say, station_options
from knowledge.answers.types import (
    SLOW_RATE,
    Answer,
    AnswerStream,
    Context,
    Intent,
    Offer,
    Outcome,
    Source,
)
from knowledge.answers.understand import Understander, Understood
from knowledge.records import StationComplex, StationMatch
from languages.scripts import close_cjk_gaps

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AnswerSettings:
    station: str | None = None
    """The station this kiosk stands in (any language); "where is the elevator?" means here."""
    default_lang: str = "ko"
    llm_languages: tuple[str, ...] = ("en",)
    """Languages the LLM may answer in; SmolLM2-135M is English-only."""
    search_k: int = 4
    example_facts: bool = True
    """Speak operator placeholders (`example: true`) with a spoken warning; False: treat them
    as missing (no information). Demos need True; a station in service replaces them anyway."""


@dataclass(frozen=True, slots=True)
class _Asked:
    """A question and what the turn knows about it (see `Answerer.stream`)."""

    question: str
    station: str | None = None
    lang: str | None = None
    stt_language: str | None = None
    stt_confidence: float | None = None
    context: Context | None = None
    now: datetime | None = None
    offers: Sequence[Offer] = ()
    unheard: bool = False


@dataclass(slots=True)
class _AnswerInProgress:
    """The question being answered and the answerer's stage timings so far."""

    question: str
    lang: str
    t0: float
    timings: dict[str, float] = field(default_factory=dict)

    def mark(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[name] = round((now - since) * 1000, 3)
        return now


class Answerer:
    def __init__(
        self,
        kb: Any,
        settings: AnswerSettings | None = None,
        llm: LlmAnswerer | None = None,
        reader: QueryReader | None = None,
    ) -> None:
        """`reader`, when given, reads the questions the rules cannot into a structured query."""
        self.kb = kb
        self.settings = settings or AnswerSettings()
        self.llm = llm
        self.reader = reader
        self.understander = Understander(kb)
        self.composer = StructuredComposer(kb)
        self.grounding = GroundingChecker(kb, self.understander.lines, self.understander.scanner)
        self._here_cache: dict[str, StationComplex | None] = {}

    def here(self, station: str | None) -> StationComplex | None:
        name = station or self.settings.station
        if not name:
            return None
        key = f"{getattr(self.kb, 'version', 0)}:{name}"
        if key not in self._here_cache:
            matches = self.kb.resolve_station(unicodedata.normalize("NFC", name))
            self._here_cache[key] = matches[0].complex if matches else None
        return self._here_cache[key]

    def fixed_sentences(self, lang: str) -> list[str]:
        """Every sentence this answerer says word for word in `lang`, as it streams them: the
        apologies, "say the station name again", the example-data warning. The kiosk speaks
        them ahead of time so they play at once."""
        out = [s for key in CANNED_KEYS for s in sentences_of(say(key, lang))]
        return [*out, say("nothing_to_repeat", lang), say("example_warning", lang)]

    # -- public API -------------------------------------------------------------------------
    def answer(self, question: str, **asked: Any) -> Answer:
        """The whole answer to `question`; keywords as for `stream`."""
        return self.stream(question, **asked).result()

    def stream(
        self,
        question: str,
        *,
        station: str | None = None,
        lang: str | None = None,
        stt_language: str | None = None,
        stt_confidence: float | None = None,
        context: Context | None = None,
        now: datetime | None = None,
        offers: Sequence[Offer] = (),
        unheard: bool = False,
    ) -> AnswerStream:
        """Sentences for TTS as they are ready (the daemon starts speaking on the first).
        `offers`: instead of answering, ask which of these stations was meant; `unheard`: a
        station was said where the question puts one but not heard, ask which."""
        asked = _Asked(
            question, station, lang, stt_language, stt_confidence, context, now, offers, unheard
        )
        stream = AnswerStream(iter(()))
        stream._gen = self._run(stream, asked)
        return stream

    # -- the turn -----------------------------------------------------------------------------
    def _run(self, stream: AnswerStream, asked: _Asked) -> Iterator[str]:
        context = asked.context
        turn, understood, here, answer = self._decide(asked)
        stream.language = turn.lang
        if answer is None:  # the LLM's to write
            sentences: list[str] = []
            sources: list[Source] = []
            assert self.llm is not None  # _decide leaves the answer to the LLM only with one
            llm_sentences = grounded_sentences(
                self.llm,
                self.kb,
                self.grounding,
                question=turn.question,
                lang=turn.lang,
                station=understood.subject or here,
                k=self.settings.search_k,
                sources=sources,
                mark=turn.mark,
            )
            for sentence in llm_sentences:
                sentences.append(sentence)
                yield sentence
            if sentences:
                answer = self._finish(turn, understood, Outcome.ANSWERED, sentences, sources, "llm")
                stream.answer = answer
                self._remember(context, answer, understood)
                return
            answer = self._canned(turn, understood, Outcome.NO_INFORMATION, "no_information")
        stream.language = answer.language
        stream.speech_rate = answer.speech_rate
        yield from answer.sentences
        answer.timings_ms["total"] = round((time.perf_counter() - turn.t0) * 1000, 3)
        stream.answer = answer
        self._remember(context, answer, understood)

    def _decide(
        self, asked: _Asked
    ) -> tuple[_AnswerInProgress, Understood, StationComplex | None, Answer | None]:
        """Everything short of the LLM, without side effects: the canned or structured answer
        (or a question back), or None when the LLM is to write it."""
        t0 = time.perf_counter()
        question = close_cjk_gaps(unicodedata.normalize("NFC", asked.question).strip())
        station, context, offers = asked.station, asked.context, asked.offers
        if asked.lang in languages.codes():
            language = asked.lang
        else:
            language = detect_language(
                question,
                stt_language=asked.stt_language,
                stt_confidence=asked.stt_confidence,
                default=self.settings.default_lang,
            ).lang
        turn = _AnswerInProgress(question, language, t0)
        here = self.here(station)
        t = turn.mark("language", t0)
        offered = context.offered if context else ()
        reply = reply_to_offer(question, language, offered, self.kb)
        if offers or reply == DECLINED:  # ask which station, or the passenger said none
            asked = Understood(Intent.UNKNOWN, language)
            if not offers:
                declined = Outcome.NO_INFORMATION
                return turn, asked, here, self._canned(turn, asked, declined, "confirm_declined")
            ask = [confirmation(offers, language)]
            answer = self._finish(turn, asked, Outcome.CLARIFY, ask, [], "confirm")
            answer.offered = tuple(offers)
            return turn, asked, here, answer
        understood = self.understander.understand(reply or question, language, here, context)
        t = turn.mark("understand", t)
        if self.reader is not None and needs_reading(understood) and self.reader.supports(language):
            read = read_with_llm(self.reader, self.understander, understood, question, here)
            understood = read or understood
            turn.mark("llm_query", t)
        now = asked.now or datetime.now(UTC)
        answer: Answer | None = None
        if asked.unheard:
            answer = self._which_station(turn, understood, context)
        elif understood.intent is Intent.REPEAT:
            answer = self._repeat(turn, understood, context)
        elif understood.intent is Intent.REFUSED:
            answer = self._canned(turn, understood, Outcome.REFUSED, "refused")
        elif reply is None and not_a_reply(question, language, offered, understood, context):
            answer = self._canned(turn, understood, Outcome.NO_INFORMATION, "confirm_declined")
        elif understood.intent is Intent.OUT_OF_SCOPE:
            answer = self._canned(turn, understood, Outcome.OUT_OF_SCOPE, "out_of_scope")
        elif shared := next((m for m in understood.stations if m.others), None):
            answer = self._clarify(turn, understood, shared)  # "Incheon Airport": which one?
        elif understood.unresolved_place and (
            understood.intent is not Intent.UNKNOWN or understood.matched or understood.heard_place
        ):  # a place we could not make out: never answer for another station (here included)
            answer = self._unknown_place(turn, understood)
        elif understood.intent is not Intent.UNKNOWN:
            answer = self._structured(turn, understood, now)
        elif not understood.in_scope:
            answer = self._canned(turn, understood, Outcome.OUT_OF_SCOPE, "out_of_scope")
        if answer is None and not (understood.intent is Intent.UNKNOWN and self._llm_ok(language)):
            answer = self._canned(turn, understood, Outcome.NO_INFORMATION, "no_information")
        return turn, understood, here, answer

    def first_sentence(
        self,
        question: str,
        *,
        station: str | None = None,
        stt_language: str | None = None,
        context: Context | None = None,
        offers: Sequence[Offer] = (),
        unheard: bool = False,
    ) -> tuple[str, str, float] | None:
        """(sentence, language, speech rate) this question's answer will start with, or None
        when the LLM would write it. Nothing is remembered, so the kiosk can ask this of a
        transcript it is not yet sure of (speculative recognition) and have the sentence's
        audio ready by the time the passenger has surely finished. `offers` and `unheard` as
        for `stream`: the question back is prepared as well."""
        asked = _Asked(question, station, stt_language=stt_language, context=context,
                       offers=offers, unheard=unheard)  # fmt: skip
        *_, answer = self._decide(asked)
        if answer is None or not answer.sentences:
            return None
        return answer.sentences[0], answer.language, answer.speech_rate

    def _remember(self, context: Context | None, answer: Answer, understood: Understood) -> None:
        if context is not None and understood.intent is not Intent.REPEAT:
            context.remember(answer, understood)

    def _finish(
        self,
        turn: _AnswerInProgress,
        understood: Understood,
        outcome: Outcome,
        sentences: list[str],
        sources: list[Source],
        path: str,
        shown: list[str] | None = None,
    ) -> Answer:
        """The answer: `sentences` are spoken, `shown` (default: the same) go to the screen."""
        turn.timings["total"] = round((time.perf_counter() - turn.t0) * 1000, 3)
        shown = sentences if shown is None else shown
        return Answer(
            question=turn.question,
            language=turn.lang,
            outcome=outcome,
            text=" ".join(shown) if languages.get(turn.lang).word_spaced else "".join(shown),
            sentences=sentences,
            shown=shown,
            sources=sources if outcome is Outcome.ANSWERED else [],
            timings_ms=turn.timings,
            intent=understood.intent.value,
            path=path,
            about=understood.about() if outcome is Outcome.ANSWERED else [],
        )

    def _canned(
        self, turn: _AnswerInProgress, understood: Understood, outcome: Outcome, key: str
    ) -> Answer:
        sentences = sentences_of(say(key, turn.lang))
        return self._finish(turn, understood, outcome, sentences, [], "canned")

    def _clarify(
        self, turn: _AnswerInProgress, understood: Understood, shared: StationMatch
    ) -> Answer:
        options = station_options(self.kb, (shared.complex, *shared.others), turn.lang)
        text = say("clarify", turn.lang, place=shared.matched, options=join_or(options, turn.lang))
        return self._finish(turn, understood, Outcome.CLARIFY, [text], [], "clarify")

    def _which_station(
        self, turn: _AnswerInProgress, understood: Understood, context: Context | None
    ) -> Answer:
        """A station was said but not heard: say what was heard and ask which station (the
        reply is read as a follow-up of this question), or, if the kiosk has just asked one
        question back, point to the staff instead of asking another."""
        if context is not None and context.asked:
            return self._canned(turn, understood, Outcome.NO_INFORMATION, "confirm_declined")
        text = say("which_station", turn.lang, heard=turn.question.strip(" ?？。.!"))
        return self._finish(turn, understood, Outcome.CLARIFY, [text], [], "which_station")

    def _unknown_place(self, turn: _AnswerInProgress, understood: Understood) -> Answer:
        """Say what was heard and that no such station is known, or ask for the name again."""
        if not understood.heard_place:
            return self._canned(turn, understood, Outcome.NO_INFORMATION, "unknown_station")
        sentences = sentences_of(say("unknown_place", turn.lang, place=understood.heard_place))
        return self._finish(turn, understood, Outcome.NO_INFORMATION, sentences, [], "canned")

    def _repeat(
        self, turn: _AnswerInProgress, understood: Understood, ctx: Context | None
    ) -> Answer:
        last = ctx.last_answer if ctx is not None else None
        if last is None:
            sentences = [say("nothing_to_repeat", turn.lang)]
            return self._finish(turn, understood, Outcome.NO_INFORMATION, sentences, [], "repeat")
        turn.timings["total"] = round((time.perf_counter() - turn.t0) * 1000, 3)
        return last.again(turn.question, turn.timings, SLOW_RATE if understood.slower else None)

    def _structured(
        self, turn: _AnswerInProgress, understood: Understood, now: datetime
    ) -> Answer | None:
        t = time.perf_counter()
        composed = self.composer.compose(understood, now)
        t = turn.mark("compose", t)
        if composed is None:
            return None
        composed = with_example_warning(composed, self.kb, understood, self.settings.example_facts)
        if composed is None:
            return None
        here = understood.subject.key if understood.subject is not None else None
        result = self.grounding.check(
            " ".join(composed.sentences),
            composed.sources,
            turn.lang,
            derived=composed.derived,
            lines=composed.lines,
            allowed_stations=[here] if here else [],
        )
        turn.mark("grounding", t)
        if not result.ok:
            logger.warning(
                "structured answer failed grounding (%s): %s",
                understood.intent,
                ",".join(result.unsupported),
            )
            return None
        spoken = composed.spoken
        if spoken is None:
            spoken = for_the_ear(composed.sentences, turn.lang, keep=composed.keep)
        answer = self._finish(
            turn,
            understood,
            Outcome.ANSWERED,
            spoken,
            composed.sources,
            "structured",
            shown=composed.sentences,
        )
        answer.derived = [*composed.derived, *(f"line:{ln}" for ln in composed.lines)]
        return answer

    def _llm_ok(self, lang: str) -> bool:
        llm = self.llm
        ok = llm is not None and lang in self.settings.llm_languages and llm.supports(lang)
        if llm is not None and not ok:
            logger.info("llm not used: language %s not in llm_languages", lang)
        return ok


CANNED_KEYS = ("unknown_station", "no_information", "out_of_scope", "refused", "confirm_declined")
"""Templates answered whole by `_canned` (see `fixed_sentences`)."""
