"""Whole turns from WAV files: file source -> VAD -> STT -> answer -> TTS -> WAV sink.

This is how the kiosk is run and measured without a microphone (`kiosk simulate`, `kiosk demo`,
`kiosk bench`). Latency follows the daemon's one definition (`kiosk.stages.TurnLatency`):
**speech end to first audio** is the time from the end of the passenger's last speech frame to
the first reply audio being ready. Fed in real time, that is wall time (the VAD hangover is lived
through). Fed as fast as possible, it is the hangover duration plus the wall time from the
endpoint to the first audio.

Recognition starts speculatively at the first silence frame: if the passenger does not resume
speaking before the endpoint, that transcript is used and the hangover has hidden the STT time;
if they do, it is discarded. The answer's first sentence is synthesised as soon as that
transcript is there (`TurnPipeline.transcribe_ahead`), so what the hangover still hides goes to
the voice too.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.pipeline import TurnPipeline
from kiosk.stages import Timing, TurnLatency
from knowledge.answers.types import Context
from voice.audio import WavFileSink, WavFileSource
from voice.stt import Transcript
from voice.vad import EndpointEvent, EndpointEventType, SegmenterConfig, VadEndpointer


@dataclass(slots=True)
class _Speculation:
    """A transcription started at the first silence frame, valid for that exact audio."""

    speech_end_ms: int
    task: asyncio.Task[Transcript]
    offset_ms: int
    """How long after the speech end recognition started (the first silence frame)."""
    started: float
    """Loop time recognition started; `finished` is set when the transcript is ready."""
    finished: float | None = None

    def stt_ms(self) -> float:
        """Wall time of the speculative recognition itself."""
        return ((self.finished or self.started) - self.started) * 1000


async def simulate_file(
    pipeline: TurnPipeline,
    path: Path,
    *,
    vad: SegmenterConfig,
    realtime: bool = False,
    reply_wav: Path | None = None,
    station: str | None = None,
    context: Context | None = None,
    speculative: bool = True,
) -> list[dict[str, Any]]:
    """Run every utterance in `path` as a turn; one JSON-ready dict per turn.

    A file with no speech yields a single `no_speech` record, so silence and noise are reported
    rather than silently skipped.
    """
    source = WavFileSource(path, realtime=realtime)
    endpointer = VadEndpointer(vad)
    context = context if context is not None else Context()
    if context.offered:  # a file answering the kiosk's "Did you mean …?": "Yes." is enough
        endpointer.expect_short()
    records: list[dict[str, Any]] = []
    speculation: _Speculation | None = None
    loop = asyncio.get_running_loop()
    feed = _Feed(loop.time(), realtime)
    async for event in endpointer.events(source.chunks()):
        if event.type is EndpointEventType.FIRST_SILENCE and speculative:
            if speculation is not None:
                speculation.task.cancel()
            speculation = _start_speculation(pipeline, event, loop, context, station)
            continue
        if event.type is not EndpointEventType.UTTERANCE:
            if event.type is EndpointEventType.STARTED and speculation is not None:
                speculation.task.cancel()
                speculation = None
            continue
        used = speculation
        if used is not None and used.speech_end_ms != event.speech_end_ms:
            used.task.cancel()  # the passenger spoke on after the first silence
            used = None
        speculation = None
        out = _reply_path(reply_wav, path, len(records) + 1)
        record = await _simulate_turn(pipeline, path, event, used, out, feed, context, station)
        records.append(record)
        if context.offered:  # the kiosk asked "Did you mean …?": a bare "yes" is a reply
            endpointer.expect_short()
    if not records:
        records.append(_no_speech_record(path))
    return records


@dataclass(frozen=True, slots=True)
class _Feed:
    """How a file is fed to the endpointer: from loop time `started`, in real time or not."""

    started: float
    realtime: bool

    def latency(
        self,
        event: EndpointEvent,
        used: _Speculation | None,
        endpoint_at: float,
        pipeline_started: float,
        pipeline_ms: dict[str, float],
    ) -> TurnLatency:
        """The turn's wait from the passenger's speech end, as the daemon would measure it."""
        hangover_ms = float(event.end_ms - event.speech_end_ms)
        if self.realtime:  # wall time: the hangover was lived through, with any lag of the feed
            speech_end_at = self.started + event.speech_end_ms / 1000
            return TurnLatency(
                (endpoint_at - speech_end_at) * 1000,
                (pipeline_started - endpoint_at) * 1000,
                pipeline_ms,
            )
        # Fed faster than real time, the endpoint arrives at once: the passenger would have
        # lived through the hangover, and the speculative recognition overlapped it.
        waited_ms = 0.0
        if used is not None:
            waited_ms = max(0.0, used.offset_ms + used.stt_ms() - hangover_ms)
        return TurnLatency(hangover_ms, waited_ms, pipeline_ms)


async def _simulate_turn(
    pipeline: TurnPipeline,
    path: Path,
    event: EndpointEvent,
    used: _Speculation | None,
    out: Path | None,
    feed: _Feed,
    context: Context,
    station: str | None,
) -> dict[str, Any]:
    """One endpointed utterance through the pipeline, its reply written to `out` (if any)."""
    loop = asyncio.get_running_loop()
    endpoint_at = loop.time()
    transcript = await used.task if used is not None else None
    pipeline_started = loop.time()
    sink = WavFileSink(out or Path("/dev/null"))
    result = await pipeline.run(
        event.audio, sink, context=context, station=station, transcript=transcript
    )
    await sink.drain()
    if out is not None and sink.played:
        sink.close()
    latency = feed.latency(event, used, endpoint_at, pipeline_started, result.timings_ms)
    record = result.as_json()
    timings = record["timings_ms"]
    timings[Timing.VAD_HANGOVER] = event.end_ms - event.speech_end_ms
    if used is not None:
        timings[Timing.STT] = round(used.stt_ms(), 1)
    timings[Timing.STT_WAIT] = round(max(0.0, latency.transcript_wait_ms), 1)
    speech_end_to_first_audio = latency.speech_end_to_first_audio_ms
    if speech_end_to_first_audio is not None:
        timings[Timing.SPEECH_END_TO_FIRST_AUDIO] = round(speech_end_to_first_audio, 1)
    timings[Timing.STT_SPECULATIVE] = transcript is not None
    record.update(
        input=str(path),
        reply_wav=str(out) if out is not None and sink.played else None,
        utterance_s=round(event.seconds, 2),
    )
    return record


def _start_speculation(
    pipeline: TurnPipeline,
    event: EndpointEvent,
    loop: asyncio.AbstractEventLoop,
    context: Context,
    station: str | None,
) -> _Speculation:
    task = asyncio.create_task(
        pipeline.transcribe_ahead(event.audio, context=context, station=station)
    )
    speculation = _Speculation(
        event.speech_end_ms, task, event.end_ms - event.speech_end_ms, loop.time()
    )

    def finished(_task: asyncio.Task[Transcript]) -> None:
        speculation.finished = loop.time()

    task.add_done_callback(finished)
    return speculation


def _reply_path(reply_wav: Path | None, source: Path, index: int) -> Path | None:
    if reply_wav is None:
        return None
    if reply_wav.suffix.lower() != ".wav":  # a folder: one reply per input and turn
        reply_wav.mkdir(parents=True, exist_ok=True)
        name = f"{source.stem}-reply.wav" if index == 1 else f"{source.stem}-reply-{index}.wav"
        return reply_wav / name
    if index == 1:
        return reply_wav
    return reply_wav.with_name(f"{reply_wav.stem}-{index}{reply_wav.suffix}")


def _no_speech_record(path: Path) -> dict[str, Any]:
    return {
        "input": str(path),
        "transcript": "",
        "language": None,
        "outcome": "no_speech",
        "answer": "",
        "sources": [],
        "reply_wav": None,
        "timings_ms": {},
    }


__all__ = ["EndpointEvent", "simulate_file"]
