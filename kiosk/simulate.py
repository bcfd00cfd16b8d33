"""Whole turns from WAV files: file source -> VAD -> STT -> answer -> TTS -> WAV sink.

This is how the kiosk is run and measured without a microphone (`kiosk simulate`, `kiosk demo`,
`kiosk bench`). Latency follows one definition everywhere: **speech end to first audio** is the
time from the end of the passenger's last speech frame to the first reply audio being ready.
Fed in real time, that is wall time (the VAD hangover is lived through). Fed as fast as possible,
it is the hangover duration plus the wall time from the endpoint to the first audio.

Recognition starts speculatively at the first silence frame: if the passenger does not resume
speaking before the endpoint, that transcript is used and the hangover has hidden the STT time;
if they do, it is discarded. The answer's first sentence is synthesised as soon as that
transcript is there (`TurnRunner.transcribe_ahead`), so what the hangover still hides goes to
the voice too.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.pipeline import TurnRunner
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
    runner: TurnRunner,
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
    records: list[dict[str, Any]] = []
    speculation: _Speculation | None = None
    loop = asyncio.get_running_loop()
    fed_from = loop.time()
    async for event in endpointer.events(source.chunks()):
        if event.type is EndpointEventType.FIRST_SILENCE and speculative:
            if speculation is not None:
                speculation.task.cancel()
            speculation = _start_speculation(runner, event, loop, context, station)
            continue
        if event.type is not EndpointEventType.UTTERANCE:
            if event.type is EndpointEventType.STARTED and speculation is not None:
                speculation.task.cancel()
                speculation = None
            continue
        transcript = None
        used = None
        if speculation is not None and speculation.speech_end_ms == event.speech_end_ms:
            transcript = await speculation.task
            used = speculation
        elif speculation is not None:
            speculation.task.cancel()
        speculation = None
        run_at = loop.time()
        index = len(records) + 1
        out = _reply_path(reply_wav, path, index)
        sink = WavFileSink(out or Path("/dev/null"))
        result = await runner.run(
            event.audio, sink, context=context, station=station, transcript=transcript
        )
        await sink.drain()
        if out is not None and sink.played:
            sink.close()
        record = result.as_json()
        timings = record["timings_ms"]
        timings["vad_hangover"] = hangover = event.end_ms - event.speech_end_ms
        # Time from speech end until the transcript was there: the hangover, or the
        # speculative recognition if it outlasted the hangover (or STT after the endpoint).
        if used is not None:
            timings["stt"] = round(used.stt_ms(), 1)
            ready_after_speech = max(hangover, used.offset_ms + used.stt_ms())
        else:
            ready_after_speech = hangover + timings.get("stt", 0.0)
        timings["stt_wait"] = round(max(0.0, ready_after_speech - hangover), 1)
        if "first_audio" in timings:
            if realtime:
                speech_end_wall = fed_from + event.speech_end_ms / 1000
                first_audio_wall = run_at + timings["first_audio"] / 1000
                latency = (first_audio_wall - speech_end_wall) * 1000
            else:
                # Fed faster than real time, the endpoint arrives at once: add the hangover
                # the passenger would live through, overlapping the speculative STT.
                after_stt = timings["first_audio"] - (0.0 if used else timings.get("stt", 0.0))
                latency = ready_after_speech + after_stt
            timings["speech_end_to_first_audio"] = round(latency, 1)
        timings["stt_speculative"] = transcript is not None
        record.update(
            input=str(path),
            reply_wav=str(out) if out is not None and sink.played else None,
            utterance_s=round(event.seconds, 2),
        )
        records.append(record)
    if not records:
        records.append(_no_speech_record(path))
    return records


def _start_speculation(
    runner: TurnRunner,
    event: EndpointEvent,
    loop: asyncio.AbstractEventLoop,
    context: Context,
    station: str | None,
) -> _Speculation:
    task = asyncio.create_task(
        runner.transcribe_ahead(event.audio, context=context, station=station)
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
