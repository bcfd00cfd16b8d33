"""Whisper as a judge of readings: a station name it misheard, put back in the sentence as each
candidate name, is scored against the same audio (teacher-forced log-probability). The ground
for re-scoring mis-heard names (#13): flite's voice is one the kiosk never speaks with."""

from __future__ import annotations

import numpy as np
import pytest

from tests.voice.audio_helpers import flite_say

CANDIDATES = ["Yeouido", "Anguk", "Nowon", "Myeong-dong", "Samseong", "Konkuk University",
              "Oido", "Hapjeong", "Jamsil", "Itaewon"]  # fmt: skip


def _flite(text: str, voice: str) -> np.ndarray:
    pad = np.zeros(6400, dtype=np.int16)
    return np.concatenate([pad, flite_say(text, voice), pad, pad])


@pytest.mark.models
@pytest.mark.parametrize(
    ("voice", "name"), [("slt", "Anguk"), ("awb", "Nowon"), ("rms", "Samseong")]
)
def test_the_audio_prefers_the_name_that_was_said(transcriber, voice, name) -> None:
    audio = _flite(f"How do I get to {name} station?", voice)
    sentences = [f"How do I get to {c} station?" for c in CANDIDATES]
    scores = transcriber.score_readings(audio, "en", sentences)
    ranked = sorted(zip(scores, CANDIDATES, strict=True), reverse=True)
    assert ranked[0][1] == name, ranked[:3]
    assert ranked[0][0] > ranked[1][0], ranked[:3]  # per-token scores: margins of a nat or less


def test_no_readings_no_work(transcriber) -> None:
    assert transcriber.score_readings(np.zeros(16000, dtype=np.int16), "en", []) == []
