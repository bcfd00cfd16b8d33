"""The stages a turn goes through and the one set of names its timings are reported under.

The pipeline and the daemon write `timings_ms` with these keys; `kiosk simulate --json`,
`/status`, the metrics' `stage` label, `kiosk bench` and the soak read them. The string values
are a public format (dashboards and saved bench reports use them): add members, never rename.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    """Where a turn is, in data-path order; `turn_error.stage` and the logs name it."""

    VAD = "vad"
    """Speech heard, the endpoint not yet confirmed."""
    STT = "stt"
    ANSWER = "answer"
    TTS = "tts"
    """The first sentence is being voiced."""
    PLAYBACK = "playback"
    """The answer is written; the rest of the reply is being heard."""


class Timing(StrEnum):
    """Keys of `timings_ms`, in milliseconds unless noted."""

    VAD = "vad"
    """`turn_done`: VAD hangover, speech end to endpoint."""
    VAD_HANGOVER = "vad_hangover"
    """`kiosk simulate`/`bench`: the same hangover."""
    STT = "stt"
    """Recognition; in `turn_done` it includes waiting for a speculative decode."""
    STT_WAIT = "stt_wait"
    """`kiosk simulate`: endpoint to transcript (zero when the hangover hid a speculative STT)."""
    STT_SPECULATIVE = "stt_speculative"
    """`kiosk simulate`: a bool, whether the speculative transcript was used."""
    NAME_CHECK = "name_check"
    """A doubtful station name re-scored against the audio (`kiosk.name_check`); absent when
    the name was sure."""
    ANSWER = "answer"
    """Pipeline: the whole answer; `turn_done`: to its first sentence (what the passenger waits)."""
    ANSWER_FIRST_SENTENCE = "answer_first_sentence"
    ANSWER_TOTAL = "answer_total"
    """`turn_done`: the whole answer; pipeline: the answerer's own total (`answer_` + `total`)."""
    # The answerer's own steps, prefixed `answer_` by the pipeline (`ANSWERER_PREFIX`).
    ANSWER_LANGUAGE = "answer_language"
    ANSWER_UNDERSTAND = "answer_understand"
    ANSWER_RETRIEVE = "answer_retrieve"
    ANSWER_LLM = "answer_llm"
    ANSWER_LLM_FIRST_SENTENCE = "answer_llm_first_sentence"
    ANSWER_COMPOSE = "answer_compose"
    ANSWER_GROUNDING = "answer_grounding"
    FIRST_AUDIO = "first_audio"
    """Turn start (the endpoint, STT included) to the first reply audio."""
    TTS_FIRST_AUDIO = "tts_first_audio"
    """First sentence to its first audio."""
    TOTAL = "total"
    SPEECH_END_TO_FIRST_AUDIO = "speech_end_to_first_audio"
    """The latency the passenger lives: see `TurnLatency`."""
    # The naive sequential pipeline `kiosk bench` compares against.
    RETRIEVAL = "retrieval"
    LLM = "llm"
    TTS = "tts"


ANSWERER_PREFIX = "answer_"
"""The pipeline reports the answerer's `timings_ms` under this prefix."""

REPORTED: tuple[Timing, ...] = (
    Timing.VAD,
    Timing.STT,
    Timing.ANSWER,
    Timing.TTS_FIRST_AUDIO,
    Timing.SPEECH_END_TO_FIRST_AUDIO,
)
"""The `turn_done` stages metrics (`stage` label) and `/status` show; other keys are ignored
(label cardinality)."""


def answerer_timing(step: str) -> str:
    """The key of one of the answerer's own timings: a `Timing` member for every step the
    answerer has, a plain string for a new one (a turn must not fail over a timing name)."""
    key = ANSWERER_PREFIX + step
    try:
        return Timing(key)
    except ValueError:
        return key


@dataclass(frozen=True, slots=True)
class TurnLatency:
    """A turn's wait as the passenger lives it, from the end of their speech: the one
    definition of **speech end to first audio** the daemon and `kiosk simulate` report.

    Speech end -> (VAD hangover) endpoint -> (waiting for a speculative transcript) pipeline
    start -> (STT unless speculative, answer, voice) first audio. The daemon measures
    `waited_ms` on the clock; `kiosk simulate`, fed faster than real time, models it.
    """

    hangover_ms: float
    """Speech end to the endpoint: the VAD hangover."""
    waited_ms: float
    """Endpoint to the pipeline's start: a speculative transcript still being decoded."""
    pipeline_ms: Mapping[str, float]
    """The pipeline's own timings (`TurnResult.timings_ms`), from its start."""

    @property
    def transcript_wait_ms(self) -> float:
        """Endpoint to transcript: the wait before the pipeline plus its own recognition."""
        return self.waited_ms + self.pipeline_ms.get(Timing.STT, 0.0)

    @property
    def speech_end_to_first_audio_ms(self) -> float | None:
        """None when nothing was played."""
        first_audio = self.pipeline_ms.get(Timing.FIRST_AUDIO)
        if first_audio is None:
            return None
        return self.hangover_ms + self.waited_ms + first_audio

    def turn_done_timings(self) -> dict[str, float]:
        """`turn_done.timings_ms`: the `REPORTED` stages plus the whole answer, rounded.

        `stt` includes waiting for a speculative decode started at the first silence; `answer`
        is the time to the first sentence (what the passenger waits for), `answer_total` the
        whole answer, spoken.
        """
        pipeline = self.pipeline_ms
        out: dict[str, float] = {Timing.VAD: self.hangover_ms, Timing.STT: self.transcript_wait_ms}
        if Timing.ANSWER_FIRST_SENTENCE in pipeline:
            out[Timing.ANSWER] = pipeline[Timing.ANSWER_FIRST_SENTENCE]
            out[Timing.ANSWER_TOTAL] = pipeline.get(Timing.ANSWER, 0.0)
        if Timing.TTS_FIRST_AUDIO in pipeline:
            out[Timing.TTS_FIRST_AUDIO] = pipeline[Timing.TTS_FIRST_AUDIO]
        latency = self.speech_end_to_first_audio_ms
        if latency is not None:
            out[Timing.SPEECH_END_TO_FIRST_AUDIO] = latency
        return {k: round(v, 1) for k, v in out.items()}
