"""`-v` shows the kiosk's own debug detail, never what it heard or said (#17 low): Piper's
debug log wrote every spoken answer ("text=..., phonemes=...") with `privacy.debug` off."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kiosk.config import Settings
from kiosk.model_files import piper_voices
from kiosk.samples import speak_with_silence
from knowledge.store import KnowledgeBase
from tests.kit.paths import REPO
from voice.audio import write_wav
from voice.tts import PiperVoice

QUESTION = "Where is the elevator?"


def test_verbose_logs_no_spoken_answer_without_the_privacy_flag(tmp_path: Path) -> None:
    data = tmp_path / "var"
    KnowledgeBase(data / "kb", None).import_path(None)  # bundled data, full-text search only
    onnx, voice_config = piper_voices(Settings())["en"]
    question = tmp_path / "question.wav"
    write_wav(question, speak_with_silence(PiperVoice(onnx, voice_config), QUESTION, "en"))
    config = tmp_path / "kiosk.toml"
    config.write_text(
        '[languages]\nenabled = ["en"]\ndefault = "en"\n[models]\nllm_languages = []\n',
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "simulate", str(question), "--json", "-v",
         "--config", str(config), "--data-dir", str(data), "--station", "강남"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    turn = json.loads(out.stdout.splitlines()[0])
    answer = turn["answer"]
    assert turn["outcome"] == "answered" and answer
    assert " DEBUG kiosk." in out.stderr or " DEBUG voice." in out.stderr  # -v took effect
    sentences = [s.strip() for s in answer.split(".") if len(s.strip()) > 12]
    assert sentences and [s for s in sentences if s in out.stderr] == []
    assert "elevator" not in out.stderr.lower(), "what the passenger asked is in the log"
