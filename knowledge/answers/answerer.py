"""`Answerer`: the one entry point from a transcript to a grounded `Answer`, whole or streamed.

Order of preference: refuse rule changes; repeat; out of scope; a structured answer from KB
records (exact, milliseconds); the LLM over retrieved passages when the language is supported;
otherwise "no information" with a pointer to staff. Every answer, structured or generated,
passes the grounding check before it is spoken; a generated sentence that fails it is never
yielded (the stream stops, or falls back to the structured/no-information answer).
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import languages
from knowledge.answers.grounding import GroundingChecker
from knowledge.answers.language import detect_language
from knowledge.answers.llm import NO_INFO, LlmAnswerer, split_sentences
from knowledge.answers.structured import Composed, StructuredComposer
from knowledge.answers.templates import say
from knowledge.answers.types import (
    NORMAL_RATE,
    SLOW_RATE,
    Answer,
    Context,
    Intent,
    Outcome,
    Source,
)
from knowledge.answers.understand import Understander, Understood
from knowledge.records import StationComplex

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


EXAMPLE_WARNING = {
    "ko": "안내: 아래는 예시 데이터로, 확인되지 않은 정보입니다.",
    "en": "Note: this is example data, not verified.",
    "zh": "注意：以下是示例数据，未经核实。",
    "ja": "ご注意：以下は例示データで、確認されていません。",
}


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


@dataclass(slots=True)
class _Turn:
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
    ) -> None:
        self.kb = kb
        self.settings = settings or AnswerSettings()
        self.llm = llm
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
        out = [s for key in CANNED_KEYS for s in _split_canned(say(key, lang))]
        return [*out, say("nothing_to_repeat", lang), EXAMPLE_WARNING[lang]]

    # -- public API -------------------------------------------------------------------------
    def answer(
        self,
        question: str,
        *,
        station: str | None = None,
        lang: str | None = None,
        stt_language: str | None = None,
        stt_confidence: float | None = None,
        context: Context | None = None,
        now: datetime | None = None,
    ) -> Answer:
        return self.stream(
            question,
            station=station,
            lang=lang,
            stt_language=stt_language,
            stt_confidence=stt_confidence,
            context=context,
            now=now,
        ).result()

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
    ) -> AnswerStream:
        """Sentences for TTS as they are ready (the daemon starts speaking on the first)."""
        stream = AnswerStream(iter(()))
        stream._gen = self._run(
            stream, question, station, lang, stt_language, stt_confidence, context, now
        )
        return stream

    # -- the turn -----------------------------------------------------------------------------
    def _run(
        self,
        stream: AnswerStream,
        question: str,
        station: str | None,
        lang: str | None,
        stt_language: str | None,
        stt_confidence: float | None,
        context: Context | None,
        now: datetime | None,
    ) -> Iterator[str]:
        turn, understood, here, answer = self._decide(
            question, station, lang, stt_language, stt_confidence, context, now
        )
        stream.language = turn.lang
        if answer is None:  # the LLM's to write
            sentences: list[str] = []
            sources: list[Source] = []
            for sentence in self._generate(turn, understood, here, sources):
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
        self,
        question: str,
        station: str | None,
        lang: str | None,
        stt_language: str | None,
        stt_confidence: float | None,
        context: Context | None,
        now: datetime | None,
    ) -> tuple[_Turn, Understood, StationComplex | None, Answer | None]:
        """Everything short of the LLM, without side effects: the canned or structured answer,
        or None when the LLM is to write it."""
        t0 = time.perf_counter()
        question = _join_cjk(unicodedata.normalize("NFC", question).strip())
        if lang in languages.codes():
            language = lang
        else:
            language = detect_language(
                question,
                stt_language=stt_language,
                stt_confidence=stt_confidence,
                default=self.settings.default_lang,
            ).lang
        turn = _Turn(question, language, t0)
        here = self.here(station)
        t = turn.mark("language", t0)
        understood = self.understander.understand(question, language, here, context)
        turn.mark("understand", t)
        now = now or datetime.now(UTC)
        answer: Answer | None = None
        if understood.intent is Intent.REPEAT:
            answer = self._repeat(turn, understood, context)
        elif understood.intent is Intent.REFUSED:
            answer = self._canned(turn, understood, Outcome.REFUSED, "refused")
        elif understood.intent is Intent.OUT_OF_SCOPE:
            answer = self._canned(turn, understood, Outcome.OUT_OF_SCOPE, "out_of_scope")
        elif understood.unresolved_place and (
            understood.intent is not Intent.UNKNOWN or understood.matched
        ):  # a transit question about a place we could not make out: ask for the name again
            answer = self._canned(turn, understood, Outcome.NO_INFORMATION, "unknown_station")
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
    ) -> tuple[str, str, float] | None:
        """(sentence, language, speech rate) this question's answer will start with, or None
        when the LLM would write it. Nothing is remembered, so the kiosk can ask this of a
        transcript it is not yet sure of (speculative recognition) and have the sentence's
        audio ready by the time the passenger has surely finished."""
        *_, answer = self._decide(question, station, None, stt_language, None, context, None)
        if answer is None or not answer.sentences:
            return None
        return answer.sentences[0], answer.language, answer.speech_rate

    def _remember(self, context: Context | None, answer: Answer, understood: Understood) -> None:
        if context is not None and understood.intent is not Intent.REPEAT:
            context.remember(answer, understood)

    def _finish(
        self,
        turn: _Turn,
        understood: Understood,
        outcome: Outcome,
        sentences: list[str],
        sources: list[Source],
        path: str,
    ) -> Answer:
        turn.timings["total"] = round((time.perf_counter() - turn.t0) * 1000, 3)
        return Answer(
            question=turn.question,
            language=turn.lang,
            outcome=outcome,
            text=" ".join(sentences) if turn.lang in ("en", "ko") else "".join(sentences),
            sentences=sentences,
            sources=sources if outcome is Outcome.ANSWERED else [],
            timings_ms=turn.timings,
            intent=understood.intent.value,
            path=path,
        )

    def _canned(self, turn: _Turn, understood: Understood, outcome: Outcome, key: str) -> Answer:
        sentences = _split_canned(say(key, turn.lang))
        return self._finish(turn, understood, outcome, sentences, [], "canned")

    def _repeat(self, turn: _Turn, understood: Understood, context: Context | None) -> Answer:
        last = context.last_answer if context is not None else None
        if last is None:
            sentences = [say("nothing_to_repeat", turn.lang)]
            return self._finish(turn, understood, Outcome.NO_INFORMATION, sentences, [], "repeat")
        rate = SLOW_RATE if understood.slower else NORMAL_RATE
        turn.timings["total"] = round((time.perf_counter() - turn.t0) * 1000, 3)
        return replace(
            last,
            question=turn.question,
            timings_ms=turn.timings,
            speech_rate=rate,
            sentences=list(last.sentences),
            sources=list(last.sources),
            path="repeat",
        )

    def _structured(self, turn: _Turn, understood: Understood, now: datetime) -> Answer | None:
        t = time.perf_counter()
        composed = self.composer.compose(understood, now)
        t = turn.mark("compose", t)
        if composed is None:
            return None
        composed = self._examples(composed, understood)
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
        answer = self._finish(
            turn, understood, Outcome.ANSWERED, composed.sentences, composed.sources, "structured"
        )
        answer.derived = [*composed.derived, *(f"line:{ln}" for ln in composed.lines)]
        return answer

    def _examples(self, composed: Composed, understood: Understood) -> Composed | None:
        """Placeholder operator facts are either announced as examples or not used at all."""
        ids = {s.id for s in composed.sources}
        example = any(_is_example(self.kb, understood, sid) for sid in ids)
        if not example:
            return composed
        if not self.settings.example_facts:
            return None
        return Composed(
            [EXAMPLE_WARNING[understood.lang], *composed.sentences],
            composed.sources,
            composed.derived,
            composed.lines,
        )

    # -- retrieval + LLM -----------------------------------------------------------------------
    def _llm_ok(self, lang: str) -> bool:
        if self.llm is None:
            return False
        if lang not in self.settings.llm_languages or not self.llm.supports(lang):
            logger.info("llm not used: language %s not in llm_languages", lang)
            return False
        return True

    def _generate(
        self,
        turn: _Turn,
        understood: Understood,
        here: StationComplex | None,
        sources: list[Source],
    ) -> Iterator[str]:
        """Yield only grounded sentences; stop at the first that is not grounded."""
        assert self.llm is not None
        t = time.perf_counter()
        station = understood.subject or here
        passages = self.kb.search(
            turn.question, turn.lang, station=station, k=self.settings.search_k
        )
        passages = [p for p in passages if self.llm.can_read(p.text)]
        t = turn.mark("retrieve", t)
        if not passages:
            return
        found = [Source(p.source_id, p.text) for p in passages]
        passages_text = " ".join(p.text for p in passages)
        allowed = [station.key] if station is not None else []
        first = True
        for sentence in _until_failure(
            self.llm.sentences(turn.question, [p.text for p in passages])
        ):
            if NO_INFO in sentence:
                logger.info("llm answered no-info")
                break
            if not _plausible(sentence, passages_text):
                logger.warning("llm sentence shares no content word with the passages")
                break
            check = self.grounding.check(
                sentence, found, turn.lang, allowed_stations=allowed, thorough=True
            )
            if not check.ok:
                logger.warning("llm sentence failed grounding: %s", ",".join(check.unsupported))
                break
            if first:
                turn.mark("llm_first_sentence", t)
                first = False
                sources.extend(found)
            yield sentence
        turn.mark("llm", t)


def _until_failure(sentences: Iterator[str]) -> Iterator[str]:
    """The model's sentences until it fails: a crashing LLM ends the generated part of an
    answer (the caller then gives the canned reply), never the passenger's turn."""
    try:
        yield from sentences
    except Exception as err:
        logger.error("llm failed mid-answer [%s]; falling back", type(err).__name__)


def _is_example(kb: Any, understood: Understood, source_id: str) -> bool:
    if not source_id.startswith("op:") or understood.subject is None:
        return False
    facts = kb.operator_facts(understood.subject, understood.lang).all()
    return any(f.source_id == source_id and f.data.get("example") for f in facts)


_CJK_GAP = re.compile(r"(?<=[\u3040-\u30ff\u3400-\u9fff])\s+(?=[\u3040-\u30ff\u3400-\u9fff])")


def _join_cjk(text: str) -> str:
    """Speech recognisers sometimes space out Chinese/Japanese characters ("舍 堂 站"); the
    languages use no spaces, so spaces between two CJK characters carry nothing."""
    return _CJK_GAP.sub("", text)


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


def _plausible(sentence: str, passages: str) -> bool:
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


CANNED_KEYS = ("unknown_station", "no_information", "out_of_scope", "refused")
"""Templates answered whole by `_canned` (see `fixed_sentences`)."""


def _split_canned(text: str) -> list[str]:
    return list(split_sentences([text]))
