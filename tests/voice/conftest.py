"""Shared, session-scoped real components: loading Whisper once keeps the suite fast."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.kit.paths import REPO


@pytest.fixture(scope="session")
def whisper_dir() -> Path:
    from kiosk.config import DataSettings, Settings
    from kiosk.model_files import whisper_model_dir

    settings = dataclasses.replace(Settings(), data=DataSettings(dir=REPO / "var"))
    return whisper_model_dir(settings)


@pytest.fixture(scope="session")
def transcriber(whisper_dir: Path):
    from voice.stt import WhisperTranscriber

    stt = WhisperTranscriber(whisper_dir, ["ko", "en", "zh", "ja"])
    stt.load()
    yield stt
    stt.close()
