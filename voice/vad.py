"""Voice activity endpointing: a pure segmenter and the webrtcvad-based endpointer.

Three layers, each testable alone:

* `voice.frames` cuts arbitrary chunks into the 10/20/30 ms frames webrtcvad accepts (carrying
  the leftover to the next call) and measures levels.
* `Segmenter` is pure logic over `(frame_seconds, is_speech, energy_ok)`: no audio, no clock, so
  start trigger, hangover, min/max length and pre-roll are tested with booleans.
* `VadEndpointer` glues a `SpeechDetector` (webrtcvad), an energy gate and the segmenter over
  `AudioChunk`s and returns utterances with their audio (pre-roll included) and timestamps.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from voice.audio import SAMPLE_RATE, SAMPLE_WIDTH, AudioChunk
from voice.errors import VoiceError
from voice.frames import SILENCE_DBFS, FrameChunker, frame_bytes, rms_dbfs

logger = logging.getLogger(__name__)

# --- pure segmenter -----------------------------------------------------------------------------


SHORT_REPLY_S = 0.15
"""The shortest reply taken after the kiosk asked a question ("yes", "네", "是")."""


@dataclass(frozen=True, slots=True)
class SegmenterConfig:
    """Endpointing parameters; the defaults suit a passenger speaking at arm's length."""

    aggressiveness: int = 2
    """webrtcvad mode 0-3: higher rejects more non-speech (station noise) but clips soft speech."""
    frame_ms: int = 30
    """Frame length for webrtcvad (10, 20 or 30 ms)."""
    start_s: float = 0.15
    """Continuous speech needed before an utterance starts: ignores clicks and single words."""
    hangover_s: float = 0.7
    """Silence after speech that ends the utterance; shorter answers sooner, cuts slow talkers."""
    first_silence_s: float = 0.15
    """Silence after which a `first_silence` event fires, for speculative transcription."""
    min_utterance_s: float = 0.4
    """Utterances shorter than this (speech start to speech end) are discarded as noise."""
    max_utterance_s: float = 12.0
    """Utterances are cut at this length so a talking crowd cannot hold the kiosk forever."""
    pre_roll_s: float = 0.3
    """Audio kept before the detected start so the first syllable is not lost."""
    energy_floor_dbfs: float = -45.0
    """Frames quieter than this never count as speech (fans, distant announcements)."""
    noise_margin_db: float = 6.0
    """Speech must also be this far above the tracked background noise level."""
    noise_window_s: float = 3.0
    """Window of the background-level estimate (minimum frame level over this time)."""

    def __post_init__(self) -> None:
        if self.aggressiveness not in (0, 1, 2, 3):
            raise ValueError("vad aggressiveness must be 0, 1, 2 or 3")
        frame_bytes(self.frame_ms)
        if not 0 < self.min_utterance_s < self.max_utterance_s:
            raise ValueError("need 0 < min_utterance_s < max_utterance_s")
        if self.hangover_s <= 0 or self.start_s < 0 or self.pre_roll_s < 0:
            raise ValueError("hangover_s must be > 0; start_s and pre_roll_s >= 0")


class SegmentEventType(StrEnum):
    START = "start"
    FIRST_SILENCE = "first_silence"
    END = "end"
    DISCARD = "discard"


@dataclass(frozen=True, slots=True)
class SegmentEvent:
    """What the segmenter decided after a frame; times are seconds since the segmenter began.

    `speech_start_s` is where the speech run began (without pre-roll); `speech_end_s` is the end
    of the last speech frame; `reason` says why an END happened (`silence`, `max_length`,
    `end_of_stream`) or why a DISCARD did (`too_short`).
    """

    type: SegmentEventType
    t: float
    speech_start_s: float
    speech_end_s: float
    reason: str = ""


class Segmenter:
    """Decides utterance boundaries from per-frame speech booleans, with no audio and no clock."""

    def __init__(self, config: SegmenterConfig | None = None) -> None:
        self.config = config or SegmenterConfig()
        self.min_utterance_s = self.config.min_utterance_s
        self.reset()

    def expect_short(self, min_s: float = SHORT_REPLY_S) -> None:
        """The next utterance may be as short as `min_s`: a "yes" after the kiosk asked a
        question, shorter than the cough the usual minimum keeps out."""
        self.min_utterance_s = min(min_s, self.config.min_utterance_s)

    def reset(self) -> None:
        self.t = 0.0
        self.in_speech = False
        self._run_start = 0.0  # start of the current speech run (idle) / utterance (in speech)
        self._run_s = 0.0
        self._speech_end = 0.0
        self._silence_s = 0.0
        self._first_silence_sent = False

    def process(
        self, frame_seconds: float, is_speech: bool, energy_ok: bool = True
    ) -> SegmentEvent | None:
        cfg = self.config
        frame_start, self.t = self.t, self.t + frame_seconds
        speech = is_speech and energy_ok
        if not self.in_speech:
            if not speech:
                self._run_s = 0.0
                return None
            if self._run_s == 0.0:
                self._run_start = frame_start
            self._run_s += frame_seconds
            if self._run_s + 1e-9 >= cfg.start_s:
                self.in_speech = True
                self._speech_end = self.t
                self._silence_s = 0.0
                self._first_silence_sent = False
                return self._event(SegmentEventType.START)
            return None

        if speech:
            self._speech_end = self.t
            self._silence_s = 0.0
            self._first_silence_sent = False
        else:
            self._silence_s += frame_seconds
        if self.t - self._run_start + 1e-9 >= cfg.max_utterance_s:
            return self._finish("max_length")
        if self._silence_s + 1e-9 >= cfg.hangover_s:
            return self._finish("silence")
        if (
            not speech
            and not self._first_silence_sent
            and self._silence_s + 1e-9 >= cfg.first_silence_s
        ):
            self._first_silence_sent = True
            return self._event(SegmentEventType.FIRST_SILENCE)
        return None

    def finish(self) -> SegmentEvent | None:
        """End of input: close an open utterance (the file or stream stopped mid-speech)."""
        return self._finish("end_of_stream") if self.in_speech else None

    def _finish(self, reason: str) -> SegmentEvent:
        self.in_speech = False
        self._run_s = 0.0
        shortest, self.min_utterance_s = self.min_utterance_s, self.config.min_utterance_s
        if self._speech_end - self._run_start + 1e-9 < shortest:
            return self._event(SegmentEventType.DISCARD, "too_short")
        if reason == "max_length":
            self._speech_end = self.t
        return self._event(SegmentEventType.END, reason)

    def _event(self, kind: SegmentEventType, reason: str = "") -> SegmentEvent:
        return SegmentEvent(kind, self.t, self._run_start, self._speech_end, reason)


# --- endpointer over audio ----------------------------------------------------------------------


class SpeechDetector(Protocol):
    """Classifies one 10/20/30 ms frame of internal-format audio as speech or not."""

    def is_speech(self, frame: bytes) -> bool: ...


class WebRtcDetector:
    """webrtcvad behind the `SpeechDetector` protocol; imported here so tests can run without it."""

    def __init__(self, aggressiveness: int = 2) -> None:
        try:
            import webrtcvad
        except ImportError as err:
            raise VoiceError(
                "dependency-missing", "webrtcvad is not installed (webrtcvad-wheels)"
            ) from err
        self._vad = webrtcvad.Vad(aggressiveness)

    def is_speech(self, frame: bytes) -> bool:
        return bool(self._vad.is_speech(frame, SAMPLE_RATE))


class EndpointEventType(StrEnum):
    STARTED = "speech_started"
    FIRST_SILENCE = "first_silence"
    UTTERANCE = "utterance"
    DISCARDED = "discarded"


@dataclass(frozen=True, slots=True)
class EndpointEvent:
    """An endpointing event with audio: for FIRST_SILENCE and UTTERANCE, `audio` holds the
    utterance so far (pre-roll included). Timestamps are in the source's milliseconds:
    `start_ms` is where `audio` begins, `speech_end_ms` the end of the last speech frame."""

    type: EndpointEventType
    start_ms: int
    end_ms: int
    speech_end_ms: int
    audio: bytes = b""
    reason: str = ""

    @property
    def seconds(self) -> float:
        return len(self.audio) / (SAMPLE_WIDTH * SAMPLE_RATE)


class NoiseTracker:
    """Background level as the minimum frame level over the last `window_s` (minimum statistics).

    Speech has gaps between words, so the minimum over a few seconds sits at the background
    level even while someone talks; a steady fan or a crowd murmur raises it, and the energy
    gate then asks speech to stand out from that background.
    """

    def __init__(self, window_s: float = 3.0, frame_s: float = 0.03) -> None:
        self._levels: deque[float] = deque(maxlen=max(1, round(window_s / frame_s)))

    def update(self, level_dbfs: float) -> float:
        self._levels.append(level_dbfs)
        return self.level_dbfs

    @property
    def level_dbfs(self) -> float:
        return min(self._levels) if self._levels else SILENCE_DBFS


class VadEndpointer:
    """Turns a stream of chunks into utterances using a detector, an energy gate and a Segmenter.

    The energy gate requires a frame to be above both the absolute floor and the tracked noise
    level plus a margin, so a steady fan or hum (which webrtcvad often calls speech) cannot start
    or prolong an utterance.
    """

    def __init__(
        self, config: SegmenterConfig | None = None, detector: SpeechDetector | None = None
    ) -> None:
        self.config = config or SegmenterConfig()
        self.detector = detector or WebRtcDetector(self.config.aggressiveness)
        self.segmenter = Segmenter(self.config)
        self.noise = NoiseTracker(self.config.noise_window_s, self.config.frame_ms / 1000)
        self._chunker = FrameChunker(self.config.frame_ms)
        self._frame_s = self.config.frame_ms / 1000
        # History must hold the start-trigger run plus the pre-roll before it.
        keep_s = self.config.pre_roll_s + self.config.start_s
        self._history: deque[bytes] = deque(maxlen=math.ceil(keep_s / self._frame_s) + 1)
        self._utterance = bytearray()
        self._origin_ms: int | None = None
        self._utterance_start_ms = 0
        self.frames_seen = 0

    def expect_short(self) -> None:
        """Take a short next utterance (`Segmenter.expect_short`): the kiosk just asked."""
        self.segmenter.expect_short()

    def _ms(self, seconds: float) -> int:
        return (self._origin_ms or 0) + round(seconds * 1000)

    def feed(self, chunk: AudioChunk) -> list[EndpointEvent]:
        """Process one chunk; return the events it completed (usually none)."""
        if self._origin_ms is None:
            self._origin_ms = chunk.timestamp_ms
        events: list[EndpointEvent] = []
        for frame in self._chunker.push(chunk.samples):
            self.frames_seen += 1
            level = rms_dbfs(frame)
            noise = self.noise.update(level)
            energy_ok = level >= max(
                self.config.energy_floor_dbfs, noise + self.config.noise_margin_db
            )
            is_speech = self.detector.is_speech(frame)
            was_in_speech = self.segmenter.in_speech
            self._history.append(frame)
            if was_in_speech:
                self._utterance.extend(frame)
            event = self.segmenter.process(self._frame_s, is_speech, energy_ok)
            if event is not None:
                out = self._on_event(event)
                if out is not None:
                    events.append(out)
        return events

    def finish(self) -> list[EndpointEvent]:
        """Close an utterance still open when the input ends."""
        event = self.segmenter.finish()
        out = self._on_event(event) if event else None
        return [out] if out else []

    def _on_event(self, event: SegmentEvent) -> EndpointEvent | None:
        kind = event.type
        if kind is SegmentEventType.START:
            pre = self.config.pre_roll_s
            keep_s = event.t - max(0.0, event.speech_start_s - pre)
            keep_frames = min(len(self._history), round(keep_s / self._frame_s))
            self._utterance = bytearray(b"".join(list(self._history)[-keep_frames:]))
            self._utterance_start_ms = self._ms(event.t - keep_frames * self._frame_s)
            logger.debug("speech started at %d ms", self._utterance_start_ms)
            return self._emit(EndpointEventType.STARTED, event, with_audio=False)
        if kind is SegmentEventType.FIRST_SILENCE:
            return self._emit(EndpointEventType.FIRST_SILENCE, event, with_audio=True)
        if kind is SegmentEventType.DISCARD:
            self._utterance = bytearray()
            logger.debug("utterance discarded: %s", event.reason)
            return self._emit(EndpointEventType.DISCARDED, event, with_audio=False)
        out = self._emit(EndpointEventType.UTTERANCE, event, with_audio=True)
        self._utterance = bytearray()
        logger.debug("utterance %d-%d ms (%s)", out.start_ms, out.end_ms, event.reason)
        return out

    def _emit(
        self, kind: EndpointEventType, event: SegmentEvent, *, with_audio: bool
    ) -> EndpointEvent:
        return EndpointEvent(
            type=kind,
            start_ms=self._utterance_start_ms,
            end_ms=self._ms(event.t),
            speech_end_ms=self._ms(event.speech_end_s),
            audio=bytes(self._utterance) if with_audio else b"",
            reason=event.reason,
        )

    async def events(self, chunks: AsyncIterator[AudioChunk]) -> AsyncIterator[EndpointEvent]:
        """All events for a chunk stream, closing an open utterance at the end."""
        async for chunk in chunks:
            for event in self.feed(chunk):
                yield event
        for event in self.finish():
            yield event

    async def utterances(self, chunks: AsyncIterator[AudioChunk]) -> AsyncIterator[EndpointEvent]:
        """Only the finished utterances of a chunk stream."""
        async for event in self.events(chunks):
            if event.type is EndpointEventType.UTTERANCE:
                yield event
