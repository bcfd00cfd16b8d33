"""One turn of the kiosk: an utterance in, a spoken answer out, with every stage timed.

The path reads top to bottom: transcribe -> answer (sentence by sentence) -> synthesise each
sentence -> play. Answer generation and synthesis overlap: the answer runs in its own worker
thread and hands sentences over a queue, so the first sentence is being spoken while the LLM is
still writing the second. Each model keeps its own single worker thread; nothing blocking runs
on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import languages
from kiosk.engines import (
    AsyncTranscriber,
    FirstSentenceAnswerer,
    PreparingSpeaker,
    SentenceSpeaker,
    StreamingAnswerer,
)
from kiosk.events import EventType
from kiosk.name_check import NameChecker
from kiosk.name_decision import NameCheck
from kiosk.sentence_feed import FirstHeard, SentenceFeed, SentenceStream
from kiosk.stages import Timing, answerer_timing
from kiosk.turn import Publish, TurnRecorder, TurnResult
from knowledge.answers.types import Answer, Context, Offer
from voice.audio import AudioSink
from voice.stt import Transcript

logger = logging.getLogger(__name__)


class TurnPipeline:
    """One turn's pipeline, STT -> answer -> TTS, over injected engines; the daemon,
    `simulate` and `demo` share it."""

    def __init__(
        self,
        transcriber: AsyncTranscriber,
        answerer: StreamingAnswerer,
        speaker: SentenceSpeaker,
        *,
        station: str,
        default_language: str = "ko",
        publish: Publish | None = None,
        recorder: TurnRecorder | None = None,
        names: NameChecker | None = None,
    ) -> None:
        self.transcriber = transcriber
        self.names = names
        """Re-scores doubtful station names against the audio; None answers what was heard."""
        self.recorder = recorder
        """Only with `privacy.debug` on (`kiosk.debug_log.DebugRecorder`); None keeps nothing."""
        self.answerer = answerer
        self.speaker = speaker
        self.station = station
        self.default_language = default_language
        self.publish: Publish = publish or (lambda _type, _data: None)
        self._answer_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answer")
        self._preparing: set[asyncio.Task[None]] = set()
        self._names_ahead: tuple[Transcript, asyncio.Task[NameCheck], dict[str, float]] | None
        self._names_ahead = None
        """The name check started on the speculative transcript, with its timings."""
        self._ahead = (
            (answerer, speaker)
            if isinstance(answerer, FirstSentenceAnswerer) and isinstance(speaker, PreparingSpeaker)
            else None
        )
        """Set when both engines can prepare a first sentence (test fakes often cannot)."""

    def close(self) -> None:
        self._answer_worker.shutdown(wait=False, cancel_futures=True)

    async def transcribe_ahead(
        self, audio: bytes, *, context: Context | None = None, station: str | None = None
    ) -> Transcript:
        """Speculative recognition at the first silence frame; then, before the endpoint
        confirms the passenger has finished, the answer's first sentence is worked out and
        synthesised into the phrase cache (in the background: the transcript is returned at
        once). The turn, if it comes, finds its first sentence ready; if the passenger speaks
        on, only some CPU is lost: nothing is shown, said or remembered."""
        transcript = await self._transcribe(audio, context)
        if self.names is not None and (transcript.ok or asked_in_language(context)):
            # A doubtful station name is re-scored while the hangover runs out, not after it.
            scratch: dict[str, float] = {}
            check = asyncio.create_task(self._check_names(transcript, context, station, scratch))
            self._names_ahead = (transcript, check, scratch)
        ahead = self._ahead
        if transcript.ok and ahead is not None:
            task = asyncio.create_task(
                self._prepare_first_sentence(*ahead, transcript, context, station)
            )
            self._preparing.add(task)
            task.add_done_callback(self._preparing.discard)
        return transcript

    async def _transcribe(self, audio: bytes, context: Context | None) -> Transcript:
        """A reply to "Did you mean …?" is heard in the language asked, with the offered
        names as Whisper's prompt."""
        asked_in = asked_in_language(context)
        if asked_in is None or context is None:
            return await self.transcriber.transcribe_async(audio)
        names = [offer.name for offer in context.offered]
        return await self.transcriber.transcribe_async(audio, asked_in, names=names)

    async def _prepare_first_sentence(
        self,
        answerer: FirstSentenceAnswerer,
        speaker: PreparingSpeaker,
        transcript: Transcript,
        context: Context | None,
        station: str | None,
    ) -> None:
        loop = asyncio.get_running_loop()
        asking: dict[str, Any] = {}
        ahead = self._names_ahead
        try:
            if ahead is not None and ahead[0] is transcript:
                # A doubtful name's question back ("Did you mean …?") is prepared instead.
                check = await asyncio.shield(ahead[1])
                asking = {"offers": check.offers} if check.offers else {}
                asking |= {"unheard": True} if check.unheard else {}
                transcript = replace(transcript, text=check.question)
            first = await loop.run_in_executor(
                self._answer_worker,
                lambda: answerer.first_sentence(
                    transcript.text,
                    station=station or self.station,
                    stt_language=transcript.language,
                    context=context,
                    **asking,
                ),
            )
            if first is not None:
                await speaker.prepare_async(*first)
        except Exception as err:  # speculation must never fail a turn; the turn redoes it
            logger.warning("first sentence not prepared ahead: %s", type(err).__name__)

    def _abandon_answer_worker(self) -> None:
        """Leave a busy answer thread to finish on its own and give later turns a fresh one."""
        logger.warning("answer worker abandoned mid-answer; starting a fresh one")
        self._answer_worker.shutdown(wait=False, cancel_futures=True)
        self._answer_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answer")

    async def run(
        self,
        audio: bytes,
        sink: AudioSink,
        *,
        context: Context | None = None,
        station: str | None = None,
        transcript: Transcript | None = None,
        publish: Publish | None = None,
    ) -> TurnResult:
        """One turn from an endpointed utterance. `transcript` skips STT (speculative decode).

        `publish` overrides the pipeline's callback for this turn (the daemon tags each turn's
        events with its own turn id).
        """
        emit = publish or self.publish
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        asked_in = asked_in_language(context)
        if (
            transcript is None
            or transcript.rejected_reason == "low-confidence"
            or (asked_in and transcript.language != asked_in)
        ):
            # A reply to "Did you mean Sema?" is heard in the language asked (`_transcribe`).
            # An unsure speculative transcript is redone on the whole utterance: cut at the
            # first silence frame, in noise, it often lacks the name's last syllable.
            transcript = await self._transcribe(audio, context)
        timings[Timing.STT] = _ms_since(t0)
        check = None
        if asked_in and not transcript.ok:  # a reply Whisper was unsure of: the audio picks
            check = await self._names_for(transcript, context, station, timings)
            if check.rescored:
                transcript = replace(transcript, text=check.question, rejected_reason=None)
        elif transcript.rejected_reason == "low-confidence":
            # A short question with a name Whisper does not know is often unsure as a whole:
            # it is not answered, but a station that sounds said is asked about.
            check = await self._names_for(transcript, context, station, timings)
            if check.offers or check.unheard:
                transcript = replace(transcript, rejected_reason=None)
            else:
                check = None
        if not transcript.ok:
            reason = transcript.rejected_reason or "empty"
            emit(EventType.TRANSCRIPT_REJECTED, {"reason": reason})
            timings[Timing.TOTAL] = _ms_since(t0)
            rejected = TurnResult("", transcript.language, "no_speech", "", [], timings, reason)
            if context is not None:
                context.unheard_before = True
            if self.recorder is not None:
                self.recorder.record(audio, rejected)
            return rejected
        emit(
            EventType.TRANSCRIPT,
            {"transcript": transcript.text, "language": transcript.language},
        )
        check = check or await self._names_for(transcript, context, station, timings)
        result = await self.answer_and_speak(
            check.question,
            sink,
            offers=check.offers,
            unheard=check.unheard,
            stt_language=transcript.language,
            context=context,
            station=station,
            t0=t0,
            timings=timings,
            publish=emit,
        )
        language = languages.find(transcript.language)
        if context is not None and language is not None and language.ends_mid_sentence:
            context.unheard_before = language.ends_mid_sentence(transcript.text)
        if self.recorder is not None:
            self.recorder.record(audio, result)
        return result

    async def _names_for(
        self,
        transcript: Transcript,
        context: Context | None,
        station: str | None,
        timings: dict[str, float],
    ) -> NameCheck:
        """The name check of this transcript: the one started on it speculatively, or now."""
        ahead, self._names_ahead = self._names_ahead, None
        if ahead is not None and ahead[0] is transcript:
            check = await ahead[1]
            timings.update(ahead[2])
            return check
        if ahead is not None:
            ahead[1].cancel()  # the passenger spoke on: that transcript is not this turn's
        return await self._check_names(transcript, context, station, timings)

    async def _check_names(
        self,
        transcript: Transcript,
        context: Context | None,
        station: str | None,
        timings: dict[str, float],
    ) -> NameCheck:
        """The question to answer: what was heard, with a doubtful station name re-scored.
        A reply to the kiosk's own "Did you mean …?" is never checked again: it asks once."""
        if self.names is None:
            return NameCheck(transcript.text)
        t = time.perf_counter()
        run = asyncio.get_running_loop().run_in_executor
        if context is not None and context.offered:  # a reply picks one of the offered names
            check = await run(self._answer_worker, self.names.choose, transcript, context.offered)
        else:
            where = station or self.station
            check = await run(self._answer_worker, self.names.check, transcript, where, context)
        if check.rescored:
            timings[Timing.NAME_CHECK] = _ms_since(t)
        return check

    async def answer_and_speak(
        self,
        question: str,
        sink: AudioSink,
        *,
        offers: tuple[Offer, ...] = (),
        unheard: bool = False,
        stt_language: str | None = None,
        context: Context | None = None,
        station: str | None = None,
        t0: float | None = None,
        timings: dict[str, float] | None = None,
        publish: Publish | None = None,
    ) -> TurnResult:
        """Answer `question` and speak it sentence by sentence as the sentences arrive.

        Cancelling the caller (barge-in, the turn budget) does not wait for the answer worker:
        it is told to stop at its next sentence, and a worker still stuck in a model call is
        abandoned for a fresh one, so the next turn is not queued behind it.
        """
        emit = publish or self.publish
        t0 = time.perf_counter() if t0 is None else t0
        timings = {} if timings is None else timings
        answerer = self.answerer

        # Test fakes know no questions back.
        asking = {"offers": offers} if offers else {"unheard": True} if unheard else {}

        def open_stream() -> SentenceStream:
            return answerer.stream(
                question,
                station=station or self.station,
                lang=None,
                stt_language=stt_language,
                context=context,
                **asking,
            )

        feed = SentenceFeed(open_stream, stt_language or self.default_language)
        feed.start(asyncio.get_running_loop(), self._answer_worker)
        try:
            heard = await self._speak(feed, sink, emit, t0)
        except asyncio.CancelledError:
            feed.stop()
            if feed.producing:
                self._abandon_answer_worker()
            raise
        except BaseException:
            feed.stop()  # the answer's own error, or the sink's: the worker stops soon
            await feed.finished()
            raise
        answer = await feed.finished()
        _note_answer_timings(timings, heard, feed.started, t0)
        if answer is None:
            raise RuntimeError("answerer finished without an answer")
        emit(
            EventType.ANSWER_DONE,
            {
                "answer": answer.text,
                "shown": list(answer.shown),
                "language": answer.language,
                "outcome": answer.outcome.value,
                "timings_ms": dict(timings),
                "choices": [{"station": o.station, "name": o.name} for o in answer.offered],
            },
        )
        return _turn_result(question, answer, timings)

    async def _speak(
        self, feed: SentenceFeed, sink: AudioSink, emit: Publish, t0: float
    ) -> FirstHeard:
        """Synthesise and play each sentence as the answer worker hands it over."""
        heard = FirstHeard()
        async for sentence, lang, rate in feed:
            if heard.sentence_ms is None:
                heard.sentence_ms = _ms_since(feed.started)
            emit(EventType.ANSWER_SENTENCE, {"answer": sentence, "language": lang})
            async for chunk in self.speaker.stream(sentence, lang, rate):
                if heard.audio_ms is None:
                    heard.audio_ms = _ms_since(t0)
                    emit(EventType.AUDIO_STARTED, {})
                await sink.play(chunk)
        return heard


def _note_answer_timings(
    timings: dict[str, float], heard: FirstHeard, answer_started: float, t0: float
) -> None:
    timings[Timing.ANSWER] = _ms_since(answer_started)
    if heard.sentence_ms is not None:
        timings[Timing.ANSWER_FIRST_SENTENCE] = heard.sentence_ms
    if heard.audio_ms is not None:
        timings[Timing.FIRST_AUDIO] = heard.audio_ms
        timings[Timing.TTS_FIRST_AUDIO] = (
            heard.audio_ms - timings.get(Timing.STT, 0) - (heard.sentence_ms or 0)
        )
    timings[Timing.TOTAL] = _ms_since(t0)


def _turn_result(question: str, answer: Answer, timings: dict[str, float]) -> TurnResult:
    """The turn as reported: the answerer's own timings filed under `ANSWERER_PREFIX`."""
    answered = answer.outcome.value == "answered"
    return TurnResult(
        transcript=question,
        language=answer.language,
        outcome=answer.outcome.value,
        answer=answer.text,
        sources=[s.as_dict() for s in answer.sources] if answered else [],
        timings_ms={
            **{answerer_timing(k): v for k, v in answer.timings_ms.items()},
            **timings,
        },
        speech_rate=answer.speech_rate,
    )


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def asked_in_language(context: Context | None) -> str | None:
    """The language of the kiosk's pending "Did you mean …?", if it asked one: the reply is
    heard in it (a lone "Sema." is otherwise as likely heard as Japanese)."""
    if context is None or not context.offered or context.last_answer is None:
        return None
    return context.last_answer.language
