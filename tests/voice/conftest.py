"""Shared, session-scoped real components: loading Whisper once keeps the suite fast."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def whisper_dir() -> Path:
    from kiosk.config import DataSettings, Settings
    from kiosk.models import whisper_model_dir

    settings = dataclasses.replace(Settings(), data=DataSettings(dir=REPO / "var"))
    return whisper_model_dir(settings)


@pytest.fixture(scope="session")
def transcriber(whisper_dir: Path):
    from voice.stt import WhisperTranscriber

    stt = WhisperTranscriber(whisper_dir, ["ko", "en", "zh", "ja"])
    stt.load()
    yield stt
    stt.close()
