"""Fixtures of the kiosk's tests."""

from __future__ import annotations

import dataclasses

import pytest


@pytest.fixture(scope="session")
def transcriber():
    """The kiosk's real Whisper (English), loaded once."""
    from kiosk.config import DataSettings, Settings
    from kiosk.model_files import whisper_model_dir
    from tests.kit.paths import REPO
    from voice.stt import WhisperTranscriber

    settings = dataclasses.replace(Settings(), data=DataSettings(dir=REPO / "var"))
    stt = WhisperTranscriber(whisper_model_dir(settings), ["en"])
    stt.load()
    yield stt
    stt.close()
