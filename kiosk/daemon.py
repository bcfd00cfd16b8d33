"""The kiosk's turn loop: microphone -> VAD -> (speculative) STT -> answer -> voice -> speaker.

One input loop reads the audio source. While no turn is running its chunks go to the VAD
endpointer; from the endpoint until the reply has been heard they go to the barge-in listener
instead (the endpointer would otherwise hear the kiosk's own voice as a new question). Each
endpointed utterance becomes a turn task with a fresh `turn_id`; every stage publishes typed
events on the bus, and every turn that started (speech detected) ends with exactly one
`turn_done` or `turn_error`, so the state machine, metrics and captions never hang mid-turn.

Supervision: a turn runs under a time budget (`kiosk.turn.within_budget`, which also keeps
the daemon's record of a turn in flight); a stuck or failing stage is cancelled, the
passenger hears a short apology in their language (synthesised at start-up) and the loop goes
on listening. Logs carry turn ids, stages, codes and durations, never passenger words.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from kiosk.bargein import BargeInConfig, BargeInListener
from kiosk.conversation import ApologyBank, Conversation
from kiosk.events import EventBus, EventType
from kiosk.pipeline import TurnPipeline
from kiosk.playback import Playback
from kiosk.stages import Stage, Timing, TurnLatency
from kiosk.turn import Publish, TurnInFlight, TurnResult, within_budget
from voice.audio import AudioChunk, AudioSink, AudioSource
from voice.frames import LevelMeter
from voice.vad import (
    EndpointEvent,
    EndpointEventType,
    SegmenterConfig,
    SpeechDetector,
    VadEndpointer,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DaemonConfig:
    """Behaviour of the turn loop (the VAD itself is configured by the hardware profile)."""

    turn_budget_s: float = 8.0
    """Longest a turn may go without progress (a transcript, a sentence, audio) before the
    stuck stage is cancelled and the passenger hears an apology. Progress-based, so a long
    answer spoken sentence by sentence is not cut, but a wedged model call is."""
    context_window_s: float = 30.0
    """Follow-up questions within this time after a turn keep its station and line."""
    speculative_stt: bool = True
    """Start recognition at the first silence frame, hiding STT inside the VAD hangover."""
    barge_in: BargeInConfig = field(default_factory=BargeInConfig)
    realtime_playback: bool = True
    """Pace replies as heard; False feeds memory/file sinks at full speed (batch runs)."""
    device_clock: bool = False
    """True for sound cards: they consume audio at their own rate."""
    level_interval_s: float = 1.0
    """How often the input level is published (metrics gauge)."""
    replay_s: float = 0.8
    """Input audio replayed into the endpointer after a barge-in, so the question's start
    (heard while deciding) is part of the new utterance."""


class KioskDaemon:
    """Listens on one source, answers on one sink; `run()` until the source ends or cancelled."""

    def __init__(
        self,
        pipeline: TurnPipeline,
        bus: EventBus,
        *,
        vad: SegmenterConfig,
        apologies: ApologyBank,
        config: DaemonConfig | None = None,
        station: str | None = None,
        default_language: str = "ko",
        speech_detector: SpeechDetector | None = None,
        barge_detector: SpeechDetector | None = None,
        debug: bool = False,
    ) -> None:
        self.pipeline = pipeline
        self.bus = bus
        self.vad = vad
        self.apologies = apologies
        self.config = config or DaemonConfig()
        self.station = station
        self.default_language = default_language
        self.debug = debug
        self.conversation = Conversation(self.config.context_window_s)
        self.playback: Playback | None = None
        self.barge_ins = 0
        self._speech_detector = speech_detector
        self._barge_detector = barge_detector
        self._listening: TurnInFlight | None = None
        self._active: TurnInFlight | None = None
        self._history: deque[AudioChunk] = deque()
        self._history_s = 0.0
        self._idle = asyncio.Event()
        self._idle.set()

    # -- the input loop --------------------------------------------------------------------------

    async def run(self, source: AudioSource, sink: AudioSink) -> None:
        """Serve turns from `source` until it ends (a file) or this task is cancelled."""
        loop = asyncio.get_running_loop()
        cfg = self.config
        playback = Playback(sink, device_clock=cfg.device_clock, realtime=cfg.realtime_playback)
        self.playback = playback
        barge = BargeInListener(
            cfg.barge_in, detector=self._barge_detector, reference=playback.reference_dbfs
        )
        endpointer = self._endpointer()
        meter, next_level = LevelMeter(), loop.time()
        was_active = False
        touches = asyncio.create_task(self._take_touches(), name="touches")
        try:
            async for chunk in source.chunks():
                now = loop.time()
                self._remember(chunk)
                meter.update(chunk.samples)
                if now >= next_level:
                    self.bus.emit(EventType.AUDIO_LEVEL, dbfs=round(meter.level_dbfs, 1))
                    next_level = now + cfg.level_interval_s
                if self._active is not None:
                    was_active = True
                    if barge.feed(chunk, now):
                        self._barge_in()
                        was_active = False
                        barge.reset()
                        endpointer = self._endpointer(endpointer)
                        for old in list(self._history):
                            for event in endpointer.feed(old):
                                self._on_endpoint(event, now)
                    continue
                if was_active:  # the reply is over: listen afresh, keep the noise estimate
                    was_active = False
                    barge.reset()
                    endpointer = self._endpointer(endpointer)
                    if self.conversation.current().offered:  # it asked: "yes" is a reply
                        endpointer.expect_short()
                for event in endpointer.feed(chunk):
                    self._on_endpoint(event, now)
            for event in endpointer.finish():
                self._on_endpoint(event, loop.time())
            await self.wait_idle()
        finally:
            touches.cancel()
            await self._shutdown()

    async def _take_touches(self) -> None:
        """A station touched on the captions page answers the pending "Did you mean …?" as if
        it had been said, over whatever the kiosk is still saying."""
        touches = self.bus.subscribe("touches", maxsize=8)
        try:
            while True:
                event = await touches.get()
                if event is None or event.type is not EventType.OFFER_CHOSEN:
                    continue
                offered = {o.station: o for o in self.conversation.current().offered}
                offer = offered.get(str(event.data.get("station")))
                if offer is None:
                    continue  # a stale screen: that question is no longer asked
                self._barge_in()
                turn = TurnInFlight(chosen=offer)
                turn.endpoint_at = asyncio.get_running_loop().time()
                self._start_turn(turn, b"")
        except StopAsyncIteration:
            return
        finally:
            touches.close()

    async def wait_idle(self) -> None:
        """Until no turn is running (the last reply has been heard or the turn has failed)."""
        await self._idle.wait()

    @property
    def busy(self) -> bool:
        return self._active is not None

    def _endpointer(self, previous: VadEndpointer | None = None) -> VadEndpointer:
        endpointer = VadEndpointer(self.vad, self._speech_detector)
        if previous is not None:
            self._speech_detector = previous.detector
            endpointer.detector = previous.detector
            endpointer.noise = previous.noise  # the room's background, learnt before the turn
        else:
            self._speech_detector = endpointer.detector
        return endpointer

    def _remember(self, chunk: AudioChunk) -> None:
        self._history.append(chunk)
        self._history_s += chunk.seconds
        while self._history and self._history_s - self._history[0].seconds >= self.config.replay_s:
            self._history_s -= self._history.popleft().seconds

    # -- endpointing -----------------------------------------------------------------------------

    def _on_endpoint(self, event: EndpointEvent, now: float) -> None:
        kind = event.type
        if kind is EndpointEventType.STARTED:
            self._discard_listening()
            turn = TurnInFlight()
            self._listening = turn
            self._emit(EventType.SPEECH_STARTED, turn)
        elif kind is EndpointEventType.FIRST_SILENCE:
            turn = self._listening
            if turn is not None and self.config.speculative_stt:
                turn.cancel_speculation()
                turn.speculation = asyncio.create_task(
                    self.pipeline.transcribe_ahead(
                        event.audio, context=self.conversation.current(), station=self.station
                    )
                )
                turn.speculation_end_ms = event.speech_end_ms
        elif kind is EndpointEventType.DISCARDED:
            self._discard_listening()
        elif kind is EndpointEventType.UTTERANCE:
            turn = self._listening or TurnInFlight()
            self._listening = None
            turn.endpoint_at = now
            turn.hangover_ms = float(event.end_ms - event.speech_end_ms)
            if turn.speculation is not None and turn.speculation_end_ms != event.speech_end_ms:
                turn.cancel_speculation()  # the passenger spoke on after the first silence
            speech_s = max(0, event.speech_end_ms - event.start_ms) / 1000
            self._emit(EventType.SPEECH_ENDED, turn, speech_seconds=round(speech_s, 2))
            self._start_turn(turn, event.audio)

    def _discard_listening(self) -> None:
        """Speech that was too short to be a question still ends its turn, as no_speech."""
        turn, self._listening = self._listening, None
        if turn is None:
            return
        turn.cancel_speculation()
        self._emit(EventType.TURN_DONE, turn, outcome="no_speech", language=None, timings_ms={})

    # -- turns -----------------------------------------------------------------------------------

    def _start_turn(self, turn: TurnInFlight, audio: bytes) -> None:
        self._active = turn
        self._idle.clear()
        turn.task = asyncio.create_task(self._run_turn(turn, audio), name=f"turn-{turn.id}")
        turn.task.add_done_callback(lambda task: self._turn_finished(turn, task))

    def _turn_finished(self, turn: TurnInFlight, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:  # pragma: no cover - bug guard
            logger.error("turn %s task crashed", turn.id, exc_info=task.exception())
        if self._active is turn:
            self._active = None
        if self._active is None:
            self._idle.set()

    async def _run_turn(self, turn: TurnInFlight, audio: bytes) -> None:
        assert self.playback is not None
        playback = self.playback
        playback.reset()
        started = time.perf_counter()
        try:
            result, latency = await within_budget(
                turn, self._process(turn, audio), self.config.turn_budget_s
            )
            turn.stage = Stage.PLAYBACK
            await playback.drain()
            if turn.audio_started:
                self._emit(EventType.PLAYBACK_STOPPED, turn, reason="finished")
            self.conversation.touch()
            timings = latency.turn_done_timings()
            self._emit(
                EventType.TURN_DONE,
                turn,
                outcome=result.outcome,
                language=result.language,
                timings_ms=timings,
            )
            logger.info(
                "turn %s %s (%s) in %.0f ms; speech end to first audio %s ms",
                turn.id,
                result.outcome,
                result.language,
                (time.perf_counter() - started) * 1000,
                timings.get(Timing.SPEECH_END_TO_FIRST_AUDIO, "-"),
            )
        except TimeoutError:
            await self._fail(turn, "turn-timeout")
        except asyncio.CancelledError:
            if turn.interrupted:
                self._emit(
                    EventType.TURN_DONE,
                    turn,
                    outcome="interrupted",
                    language=turn.language,
                    timings_ms={},
                )
            else:
                self._emit(EventType.TURN_ERROR, turn, code="shutdown", stage=turn.stage)
            raise
        except Exception as err:
            await self._fail(turn, str(getattr(err, "code", "") or "turn-failed"), err)

    async def _process(self, turn: TurnInFlight, audio: bytes) -> tuple[TurnResult, TurnLatency]:
        """The speculative transcript if one is coming, then the pipeline."""
        loop = asyncio.get_running_loop()
        assert self.playback is not None
        if turn.chosen is not None:  # touched on the screen: nothing to hear
            result = await self.pipeline.answer_and_speak(
                turn.chosen.question,
                self.playback,
                context=self.conversation.current(),
                station=self.station,
                publish=self._publisher(turn),
            )
            return result, TurnLatency(0.0, 0.0, result.timings_ms)
        turn.stage = Stage.STT
        transcript = await turn.speculation if turn.speculation is not None else None
        waited_ms = (loop.time() - turn.endpoint_at) * 1000
        assert self.playback is not None
        result = await self.pipeline.run(
            audio,
            self.playback,
            context=self.conversation.current(),
            station=self.station,
            transcript=transcript,
            publish=self._publisher(turn),
        )
        return result, TurnLatency(turn.hangover_ms, waited_ms, result.timings_ms)

    def _publisher(self, turn: TurnInFlight) -> Publish:
        """The pipeline's event callback for this turn: tags the turn id, tracks the stage."""
        loop = asyncio.get_running_loop()

        def publish(kind: EventType, data: dict[str, Any]) -> None:
            turn.track(kind, data, loop.time())
            self.bus.emit(kind, **{**data, "turn_id": turn.id})

        return publish

    async def _fail(self, turn: TurnInFlight, code: str, err: BaseException | None = None) -> None:
        """Stop what is playing, apologise in the passenger's language, end the turn as an error."""
        stage = turn.stage
        if self.debug and err is not None:
            logger.error("turn %s failed at %s [%s]", turn.id, stage, code, exc_info=err)
        else:
            logger.error("turn %s failed at %s [%s]", turn.id, stage, code)
        assert self.playback is not None
        self.playback.stop()
        self.playback.reset()
        lang, text = self.apologies.text(turn.language or self.default_language)
        chunks = self.apologies.chunks(lang)
        if chunks:
            self._emit(EventType.ANSWER_SENTENCE, turn, answer=text, language=lang)
            if not turn.audio_started:
                turn.audio_started = True
                self._emit(EventType.AUDIO_STARTED, turn)
            for chunk in chunks:
                await self.playback.play(chunk)
            await self.playback.drain()
        self._emit(EventType.TURN_ERROR, turn, code=code, stage=stage, language=lang)

    def _barge_in(self) -> None:
        """Passenger speech over a reply: silence at once, end the turn, listen to them."""
        turn, self._active = self._active, None
        if turn is None:
            return
        assert self.playback is not None
        self.playback.stop()
        turn.interrupted = True
        self.barge_ins += 1
        self._emit(EventType.BARGE_IN, turn)
        if turn.audio_started:
            self._emit(EventType.PLAYBACK_STOPPED, turn, reason="barge_in")
        if turn.task is not None:
            turn.task.cancel()
        logger.info("barge-in on turn %s at stage %s", turn.id, turn.stage)

    def _emit(self, kind: EventType, turn: TurnInFlight, **data: Any) -> None:
        self.bus.emit(kind, turn_id=turn.id, **data)

    async def _shutdown(self) -> None:
        """Cancel what is running (source ended with a turn pending, or the daemon stops)."""
        if self._listening is not None:
            self._discard_listening()
        turn = self._active
        if turn is not None and turn.task is not None and not turn.task.done():
            turn.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await turn.task
        if self.playback is not None:
            await self.playback.close()
