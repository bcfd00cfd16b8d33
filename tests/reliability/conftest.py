"""Shared fixtures of the reliability suite.

The bundled knowledge base is imported once per session without embeddings (about a second);
tests that write get a private copy. The real kiosk (Whisper, Piper, espeak-ng, SmolLM2) is
built once per session on top of such a copy and shared by the model, soak and privacy tests.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app import Kiosk, build_kiosk
from kiosk.config import Settings
from kiosk.conversation import ApologyBank
from knowledge.store import KnowledgeBase
from tests.kit.scripts import load_script
from tests.kit.settings import make_settings
from tests.reliability.kbcheck import Fingerprint, fingerprint


@pytest.fixture(scope="session")
def kb_template(bundled_kb_template: Path) -> Path:
    return bundled_kb_template


kill_import = load_script("kill_import")
soak = load_script("soak")


@pytest.fixture(scope="session")
def small_kb_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight real stations: imports take a tenth of a second (fuzzing imports many times)."""
    base = kill_import.write_subset(tmp_path_factory.mktemp("subset") / "seoul")
    root = tmp_path_factory.mktemp("kb-small")
    KnowledgeBase(root, None).import_path(base, actor="pytest")
    KnowledgeBase(root, None).import_path(kill_import.GANGNAM, actor="pytest")
    return root


@pytest.fixture
def small_kb_root(small_kb_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(small_kb_template, tmp_path / "kb-small"))


@pytest.fixture(scope="session")
def template_fingerprint(kb_template: Path) -> Fingerprint:
    """What the bundled version answers; every copy must answer the same until it changes."""
    return fingerprint(kb_template)


@pytest.fixture
def kb_root(kb_template: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the bundled knowledge base (version 1)."""
    return Path(shutil.copytree(kb_template, tmp_path / "kb"))


@pytest.fixture(scope="session")
def kiosk_settings(tmp_path_factory: pytest.TempPathFactory, kb_template: Path) -> Settings:
    data = tmp_path_factory.mktemp("kiosk-var")
    settings = make_settings(data)
    shutil.copytree(kb_template, settings.kb_dir)
    return settings


@pytest.fixture(scope="session")
def real_kiosk(kiosk_settings: Settings) -> Iterator[Kiosk]:
    """The real kiosk, as `kiosk serve` builds it, over the bundled KB (no embeddings)."""
    kb = KnowledgeBase.open(kiosk_settings.kb_dir, None)
    kiosk = build_kiosk(kiosk_settings, kb=kb, languages=("en", "ko"))
    yield kiosk
    kiosk.close()


@pytest.fixture(scope="session")
def apologies(real_kiosk: Kiosk) -> ApologyBank:
    return asyncio.run(ApologyBank.build(real_kiosk.speaker, ("en", "ko"), "ko"))


@pytest.fixture(scope="session")
def two_questions_wav(real_kiosk: Kiosk, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Piper-spoken question, a pause long enough for a budget and an apology, the question
    again: the microphone input of 'one turn meets a fault, the next one must work'."""
    import numpy as np

    from kiosk.samples import speak_with_silence
    from voice.audio import SAMPLE_RATE, write_wav

    voice = real_kiosk.speaker.uncached.voices["en"]  # type: ignore[attr-defined]
    question = speak_with_silence(voice, "Where is the elevator?", "en")
    gap = np.zeros(SAMPLE_RATE * 3, dtype=np.int16)
    path = tmp_path_factory.mktemp("speech") / "two-questions.wav"
    write_wav(path, np.concatenate([question, gap, question]))
    return path
