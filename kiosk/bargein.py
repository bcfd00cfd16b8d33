"""Barge-in: passenger speech during a reply stops it; the kiosk's own voice and coughs do not.

Three rules, each for one false trigger:
- **Own voice.** While the speaker plays, the microphone hears it. The detector knows what is
  being played (`Playback.reference_dbfs`) and asks a frame to be `echo_margin_db` louder than
  the echo expected from it. The echo path gain (how loud the speaker comes back into the
  microphone) is learnt from frames heard during playback that are not speech, starting from a
  conservative 0 dB, so a quiet room lowers the bar and a loud enclosure raises it.
- **Noise.** Frames must be speech to webrtcvad and above an absolute floor.
- **Coughs and knocks.** Playback stops only once `min_speech_s` of speech frames fall within
  the last `span_s`: a 100 ms cough never gets there, a question does in its first syllables
  (the span lets the gaps between syllables, or loud moments of the kiosk's own voice that
  mask the passenger, interrupt the count without resetting it).

`BargeInDetector` is pure (levels and booleans in, a decision out) so it is tested without audio;
`BargeInListener` frames microphone chunks for it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from voice.audio import AudioChunk
from voice.frames import SILENCE_DBFS, FrameChunker, rms_dbfs
from voice.vad import SpeechDetector, WebRtcDetector


@dataclass(frozen=True, slots=True)
class BargeInConfig:
    """How sure the kiosk must be that a passenger talks over it before it stops talking."""

    enabled: bool = True
    frame_ms: int = 10
    """Detector frame; 10 ms keeps the decision latency low."""
    min_speech_s: float = 0.12
    """Speech needed before playback stops: longer than a cough, shorter than a word."""
    span_s: float = 0.25
    """...counted within this much recent audio."""
    floor_dbfs: float = -45.0
    """Frames quieter than this are never a barge-in, whatever the reference says."""
    echo_margin_db: float = 6.0
    """Speech must be this much louder than the expected echo of the kiosk's own voice."""
    initial_echo_gain_db: float = 0.0
    """Assumed echo path gain before any is learnt: as loud as what is played (safe side)."""
    min_echo_gain_db: float = -40.0
    max_echo_gain_db: float = 6.0
    echo_percentile: float = 0.9
    """Which percentile of the observed (input - reference) levels counts as the echo gain."""
    echo_history_s: float = 4.0
    """Playback time the echo gain is learnt over (it stays learnt between replies)."""
    echo_window_s: float = 0.15
    """How far back the reference is searched: device buffers plus the room's delay."""
    aggressiveness: int = 2
    """webrtcvad mode for barge-in frames (the level rules already reject the kiosk's voice)."""

    def __post_init__(self) -> None:
        if self.frame_ms not in (10, 20, 30):
            raise ValueError("barge-in frame_ms must be 10, 20 or 30")
        if not 0 < self.min_speech_s <= self.span_s:
            raise ValueError("barge-in needs 0 < min_speech_s <= span_s")


class BargeInDetector:
    """Per-frame decision from (input level, speech flag, reference level); no audio, no clock."""

    def __init__(self, config: BargeInConfig | None = None) -> None:
        self.config = config or BargeInConfig()
        frame_s = self.config.frame_ms / 1000
        self._window: deque[bool] = deque(maxlen=max(1, round(self.config.span_s / frame_s)))
        self._needed = max(1, math.ceil(self.config.min_speech_s / frame_s - 1e-9))
        frames_per_s = 1000 / self.config.frame_ms
        self._observed: deque[float] = deque(
            maxlen=round(self.config.echo_history_s * frames_per_s)
        )
        self._min_observed = round(0.5 * frames_per_s)
        self.echo_gain_db = self.config.initial_echo_gain_db

    def reset(self) -> None:
        """Between turns: the window empties, the learnt echo gain stays (same room)."""
        self._window.clear()

    def threshold_dbfs(self, ref_dbfs: float) -> float:
        """Input level a frame needs to count as speech over `ref_dbfs` of playback."""
        cfg = self.config
        if ref_dbfs <= SILENCE_DBFS:
            return cfg.floor_dbfs
        return max(cfg.floor_dbfs, ref_dbfs + self.echo_gain_db + cfg.echo_margin_db)

    def process(self, level_dbfs: float, is_speech: bool, ref_dbfs: float = SILENCE_DBFS) -> bool:
        """Feed one frame; True once the window holds enough speech to stop playback."""
        cfg = self.config
        voiced = is_speech and level_dbfs >= self.threshold_dbfs(ref_dbfs)
        self._window.append(voiced)
        if not voiced and ref_dbfs > cfg.floor_dbfs:
            self._learn_echo(level_dbfs - ref_dbfs)
        return bool(voiced and sum(self._window) >= self._needed)

    def _learn_echo(self, observed_db: float) -> None:
        """Echo gain as a high percentile of recent (input - reference) levels during playback.

        A percentile over seconds of frames is not moved by the first syllables of a passenger
        talking over the reply (which a running average would learn as "echo", raising the bar
        exactly when it must not); until enough frames are seen, the configured gain is used.
        """
        cfg = self.config
        self._observed.append(observed_db)
        if len(self._observed) < self._min_observed:
            return
        ranked = sorted(self._observed)
        gain = ranked[min(len(ranked) - 1, int(len(ranked) * cfg.echo_percentile))]
        self.echo_gain_db = min(cfg.max_echo_gain_db, max(cfg.min_echo_gain_db, gain))


Reference = Callable[[float, float], float]
"""(now, window_s) -> the loudest level played in that window (`Playback.reference_dbfs`)."""


class BargeInListener:
    """Frames microphone chunks for the detector, with the playback reference at arrival time."""

    def __init__(
        self,
        config: BargeInConfig | None = None,
        *,
        detector: SpeechDetector | None = None,
        reference: Reference | None = None,
    ) -> None:
        self.config = config or BargeInConfig()
        self.decider = BargeInDetector(self.config)
        self.speech = detector or WebRtcDetector(self.config.aggressiveness)
        self.reference = reference
        self._chunker = FrameChunker(self.config.frame_ms)

    def reset(self) -> None:
        self.decider.reset()
        self._chunker = FrameChunker(self.config.frame_ms)

    def feed(self, chunk: AudioChunk, now: float) -> bool:
        """True when this chunk completes a barge-in; `now` is the chunk's arrival (loop) time."""
        if not self.config.enabled:
            return False
        ref = SILENCE_DBFS
        if self.reference is not None:
            ref = self.reference(now, self.config.echo_window_s)
        triggered = False
        for frame in self._chunker.push(chunk.samples):
            level = rms_dbfs(frame)
            speech = self.speech.is_speech(frame) if level >= self.config.floor_dbfs else False
            triggered = self.decider.process(level, speech, ref) or triggered
        return triggered
