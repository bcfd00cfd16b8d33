"""One definition of a turn's stages and timings: what the pipeline writes and publishes is
what the daemon, metrics, `/status` and `kiosk bench` read."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np

from kiosk.bench.latency import BASELINE_STAGES, STAGES
from kiosk.events import EventType, KioskEvent
from kiosk.pipeline import TurnPipeline
from kiosk.stages import REPORTED, Stage, Timing, TurnLatency, answerer_timing
from kiosk.turn import TurnInFlight, TurnResult
from kiosk.web.metrics import KioskMetrics
from kiosk.web.status import TurnHistory
from tests.kiosk.web import promtext
from tests.kit.faults import FaultyTranscriber
from tests.kit.room import ScriptedAnswerer
from voice.audio import AudioChunk, MemorySink

PIPELINE_TIMINGS = {
    Timing.STT,
    Timing.ANSWER,
    Timing.ANSWER_FIRST_SENTENCE,
    Timing.FIRST_AUDIO,
    Timing.TTS_FIRST_AUDIO,
    Timing.TOTAL,
}


class _Speaker:
    async def stream(self, text: str, lang: str, rate: float = 1.0):
        yield AudioChunk(np.ones(160, dtype=np.int16))


def _turn(heard: str) -> tuple[TurnResult, list[tuple[Any, dict[str, Any]]]]:
    """One turn through the real pipeline with fakes; what it returned and published."""
    published: list[tuple[Any, dict[str, Any]]] = []
    pipeline = TurnPipeline(
        FaultyTranscriber(text=heard, failing=False),
        ScriptedAnswerer([["Exit 3.", "Then left."]]),
        _Speaker(),
        station="강남",
        publish=lambda kind, data: published.append((kind, data)),
    )
    try:
        result = asyncio.run(pipeline.run(b"\0" * 3200, MemorySink()))
    finally:
        pipeline.close()
    return result, published


def test_the_pipeline_publishes_event_types_and_writes_only_timings():
    result, published = _turn("Where is exit 3?")
    assert all(type(kind) is EventType for kind, _ in published), published
    assert [kind for kind, _ in published] == [
        EventType.TRANSCRIPT,
        EventType.ANSWER_SENTENCE,
        EventType.AUDIO_STARTED,
        EventType.ANSWER_SENTENCE,
        EventType.ANSWER_DONE,
    ]
    assert all(type(key) is Timing for key in result.timings_ms), result.timings_ms
    assert set(result.timings_ms) == PIPELINE_TIMINGS
    answer_done = published[-1][1]["timings_ms"]
    assert all(type(key) is Timing for key in answer_done), answer_done

    rejected, published = _turn("")
    assert [kind for kind, _ in published] == [EventType.TRANSCRIPT_REJECTED]
    assert type(published[0][0]) is EventType
    assert set(rejected.timings_ms) == {Timing.STT, Timing.TOTAL}


def test_the_answerers_own_timings_are_filed_under_their_timing():
    assert answerer_timing("understand") is Timing.ANSWER_UNDERSTAND
    assert answerer_timing("llm") is Timing.ANSWER_LLM
    assert answerer_timing("total") is Timing.ANSWER_TOTAL
    # A mark the definition does not know yet is still reported, never a failed turn.
    assert answerer_timing("new_step") == "answer_new_step"


def test_a_tracked_turn_holds_a_stage():
    turn = TurnInFlight()
    assert turn.stage is Stage.VAD
    turn.track(EventType.TRANSCRIPT, {"language": "ko"}, 1.0)
    assert turn.stage is Stage.ANSWER and turn.language == "ko" and turn.progress_at == 1.0
    turn.track(EventType.AUDIO_STARTED, {}, 2.0)
    assert turn.audio_started and turn.stage is Stage.ANSWER
    turn.track(EventType.ANSWER_SENTENCE, {"language": None}, 3.0)
    assert turn.stage is Stage.TTS and turn.language == "ko"


def test_speech_end_to_first_audio_is_hangover_wait_and_the_pipelines_first_audio():
    pipeline_ms = {
        Timing.STT: 2.0,
        Timing.ANSWER: 900.0,
        Timing.ANSWER_FIRST_SENTENCE: 100.04,
        Timing.FIRST_AUDIO: 400.0,
        Timing.TTS_FIRST_AUDIO: 297.96,
        Timing.TOTAL: 1200.0,
    }
    latency = TurnLatency(hangover_ms=330.0, waited_ms=50.0, pipeline_ms=pipeline_ms)
    assert latency.transcript_wait_ms == 52.0
    assert latency.speech_end_to_first_audio_ms == 780.0
    done = latency.turn_done_timings()
    assert list(done.items()) == [
        ("vad", 330.0),
        ("stt", 52.0),
        ("answer", 100.0),
        ("answer_total", 900.0),
        ("tts_first_audio", 298.0),
        ("speech_end_to_first_audio", 780.0),
    ]
    assert set(REPORTED) <= set(done)
    silent = TurnLatency(330.0, 0.0, {Timing.STT: 800.0, Timing.TOTAL: 801.0})
    assert silent.speech_end_to_first_audio_ms is None
    assert Timing.SPEECH_END_TO_FIRST_AUDIO not in silent.turn_done_timings()


def test_metrics_and_status_read_exactly_the_reported_latencies():
    # Labels dashboards query: the values must never change.
    assert [str(t) for t in REPORTED] == [
        "vad",
        "stt",
        "answer",
        "tts_first_audio",
        "speech_end_to_first_audio",
    ]
    every = {str(t): 100.0 for t in Timing}
    done = KioskEvent.now(
        EventType.TURN_DONE, turn_id="t1", outcome="answered", language="en", timings_ms=every
    )
    metrics = KioskMetrics()
    metrics.observe(done)
    families = promtext.parse(metrics.render())
    stages = {
        dict(labels)["stage"]
        for name, labels, _ in families["kiosk_stage_latency_seconds"].samples
        if name.endswith("_count")
    }
    assert stages == set(REPORTED)
    history = TurnHistory()
    history.observe(done)
    assert list(history.recent()[0]["timings_ms"]) == list(REPORTED)


def test_bench_reports_timings_of_the_one_definition():
    assert all(type(key) is Timing for key, _ in STAGES)
    assert all(type(key) is Timing for key in BASELINE_STAGES)
