"""Audio framing and levels: the 10/20/30 ms frames webrtcvad accepts, and dBFS meters.

Framing is separate from detection: `chunk_frames` / `FrameChunker` cut arbitrary chunks into
whole frames and carry the leftover to the next call, so any device block size works.
"""

from __future__ import annotations

import math

import numpy as np

from voice.audio import SAMPLE_RATE, SAMPLE_WIDTH

VALID_FRAME_MS = (10, 20, 30)


def frame_bytes(frame_ms: int, rate: int = SAMPLE_RATE) -> int:
    if frame_ms not in VALID_FRAME_MS:
        raise ValueError(f"webrtcvad frames must be 10, 20 or 30 ms, not {frame_ms}")
    return rate * frame_ms // 1000 * SAMPLE_WIDTH


def chunk_frames(data: bytes, frame_ms: int, leftover: bytes = b"") -> tuple[list[bytes], bytes]:
    """Split `leftover + data` into whole frames; return the frames and the new leftover."""
    size = frame_bytes(frame_ms)
    buf = leftover + data
    whole = len(buf) - len(buf) % size
    return [buf[i : i + size] for i in range(0, whole, size)], buf[whole:]


class FrameChunker:
    """Stateful wrapper around `chunk_frames` for a stream of chunks."""

    def __init__(self, frame_ms: int = 30) -> None:
        self.frame_ms = frame_ms
        self._leftover = b""

    def push(self, data: bytes) -> list[bytes]:
        frames, self._leftover = chunk_frames(data, self.frame_ms, self._leftover)
        return frames

    @property
    def pending(self) -> int:
        return len(self._leftover)


# --- level meter --------------------------------------------------------------------------------

SILENCE_DBFS = -100.0


def rms_dbfs(samples: bytes | np.ndarray) -> float:
    """RMS level relative to full scale (0 dBFS = a full-scale square wave)."""
    arr = np.frombuffer(samples, dtype=np.int16) if isinstance(samples, bytes) else samples
    if arr.size == 0:
        return SILENCE_DBFS
    rms = math.sqrt(float(np.mean(np.square(arr.astype(np.float64)))))
    return max(SILENCE_DBFS, 20.0 * math.log10(rms / 32768.0)) if rms > 0 else SILENCE_DBFS


class LevelMeter:
    """Smoothed level (fast attack, slow release), e.g. for metrics and barge-in detection."""

    def __init__(self, attack: float = 0.6, release: float = 0.1) -> None:
        self.attack = attack
        self.release = release
        self.level_dbfs = SILENCE_DBFS
        self.peak_dbfs = SILENCE_DBFS

    def update(self, samples: bytes | np.ndarray) -> float:
        level = rms_dbfs(samples)
        alpha = self.attack if level > self.level_dbfs else self.release
        self.level_dbfs += alpha * (level - self.level_dbfs)
        self.peak_dbfs = max(self.peak_dbfs, level)
        return self.level_dbfs


def mix_at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """`speech` with `noise` (looped to length) added `snr_db` below it: a station hall for the
    benchmarks and tests. Speech RMS is measured over its loud part, so leading and trailing
    silence do not distort the ratio."""
    s = speech.astype(np.float64)
    loud = s[np.abs(s) > 0.05 * (np.max(np.abs(s)) or 1)]
    speech_rms = np.sqrt(np.mean(loud**2)) if loud.size else 1.0
    bed = np.resize(noise.astype(np.float64), len(s))
    noise_rms = np.sqrt(np.mean(bed**2)) or 1.0
    bed *= speech_rms / noise_rms / 10 ** (snr_db / 20)
    return np.clip(s + bed, -32768, 32767).astype(np.int16)
