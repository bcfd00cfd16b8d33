"""Whisper as a judge of readings: a station name it misheard, put back in the sentence as each
candidate name, is scored against the same audio (teacher-forced log-probability). The ground
for re-scoring mis-heard names (#13): flite's voice is one the kiosk never speaks with."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from voice.audio import read_wav

CANDIDATES = ["Yeouido", "Anguk", "Nowon", "Myeong-dong", "Samseong", "Konkuk University",
              "Oido", "Hapjeong", "Jamsil", "Itaewon"]  # fmt: skip


def _flite(text: str, voice: str, tmp_path) -> np.ndarray:
    if shutil.which("flite") is None:
        pytest.fail("flite is not installed (scripts/setup.sh installs it)")
    out = tmp_path / "said.wav"
    subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(out)], check=True)
    said = read_wav(out)
    pad = np.zeros(6400, dtype=np.int16)
    return np.concatenate([pad, said, pad, pad])


@pytest.mark.models
@pytest.mark.parametrize(
    ("voice", "name"), [("slt", "Anguk"), ("awb", "Nowon"), ("rms", "Samseong")]
)
def test_the_audio_prefers_the_name_that_was_said(transcriber, tmp_path, voice, name) -> None:
    audio = _flite(f"How do I get to {name} station?", voice, tmp_path)
    sentences = [f"How do I get to {c} station?" for c in CANDIDATES]
    scores = transcriber.score_readings(audio, "en", sentences)
    ranked = sorted(zip(scores, CANDIDATES, strict=True), reverse=True)
    assert ranked[0][1] == name, ranked[:3]
    assert ranked[0][0] - ranked[1][0] > 3.0, ranked[:3]  # nats: a clear margin, not a tie


def test_no_readings_no_work(transcriber) -> None:
    assert transcriber.score_readings(np.zeros(16000, dtype=np.int16), "en", []) == []
