"""`kiosk simulate` through the real entry point: file source -> VAD -> Whisper -> answer -> voice.

One subprocess runs every input (models load once), as an operator would run it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import Settings
from kiosk.model_files import piper_voices, whisper_model_dir
from kiosk.samples import speak_with_silence
from knowledge.store import KnowledgeBase
from tests.kit.paths import SPEECH_DIR as SPEECH
from voice.audio import SAMPLE_RATE, read_wav, write_wav
from voice.stt import WhisperTranscriber
from voice.tts import PiperVoice

QUESTION = "Where is the elevator?"


@pytest.fixture(scope="module")
def turns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("simulate")
    data = root / "data"
    KnowledgeBase(data / "kb", None).import_path(None)  # bundled data, full-text search only
    settings = Settings().with_overrides({"data.dir": data})
    onnx, config = piper_voices(settings)["en"]
    question = root / "question.wav"
    write_wav(question, speak_with_silence(PiperVoice(onnx, config), QUESTION, "en"))
    silence = root / "silence.wav"
    write_wav(silence, np.zeros(2 * SAMPLE_RATE, dtype=np.int16))
    inputs = [
        question,
        silence,
        SPEECH / "speechbrain__noise2.wav",
        SPEECH / "ko_zeroth_104_003_0294.wav",
        SPEECH / "ja_julius_sample.wav",
        SPEECH / "zh_BAC009S0764W0121.wav",
    ]
    replies = root / "replies"
    flags = ["--json", "--station", "강남", "--reply-wav", str(replies), "--data-dir", str(data)]
    out = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "simulate", *map(str, inputs), *flags],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    records: dict[str, dict] = {}
    for line in out.stdout.splitlines():
        record = json.loads(line)
        records.setdefault(Path(record["input"]).stem, record)  # first turn of each input
    records["_settings"] = {"whisper": str(whisper_model_dir(settings))}
    return records


def test_an_english_question_is_heard_answered_and_spoken_back(turns: dict[str, dict]) -> None:
    turn = turns["question"]
    assert "elevator" in turn["transcript"].lower()
    assert turn["language"] == "en" and turn["outcome"] == "answered"
    assert turn["sources"] and all(s["id"].startswith("elevator:") for s in turn["sources"])
    timings = turn["timings_ms"]
    for stage in ("speech_end_to_first_audio", "stt", "answer", "tts_first_audio", "total"):
        assert timings[stage] >= 0, stage
    # Round trip: Whisper hears the spoken reply say what the answer says.
    stt = WhisperTranscriber(turns["_settings"]["whisper"], ["en"])
    heard = stt.transcribe(read_wav(turn["reply_wav"])).text.lower()
    stt.close()
    assert "elevator" in heard and "exit" in heard, heard
    assert re.search(r"\b(one|1|ten|10)\b", heard), heard  # the exit numbers of the answer


@pytest.mark.parametrize("name", ["silence", "speechbrain__noise2"])
def test_silence_and_noise_get_no_answer(turns: dict[str, dict], name: str) -> None:
    turn = turns[name]
    assert turn["outcome"] == "no_speech"
    assert turn["answer"] == "" and turn["reply_wav"] is None


@pytest.mark.parametrize(
    ("name", "lang", "script"),
    [
        ("ko_zeroth_104_003_0294", "ko", r"[\uac00-\ud7a3]"),
        ("ja_julius_sample", "ja", r"[\u3040-\u30ff]"),
        ("zh_BAC009S0764W0121", "zh", r"[\u4e00-\u9fff]"),
    ],
)
def test_korean_japanese_and_chinese_speech_is_answered_in_its_language(
    turns: dict[str, dict], name: str, lang: str, script: str
) -> None:
    turn = turns[name]
    assert turn["language"] == lang
    assert re.search(script, turn["answer"]), turn["answer"]
    reply = read_wav(turn["reply_wav"])
    assert len(reply) > SAMPLE_RATE // 2 and int(np.abs(reply).max()) > 1000  # spoken, audible
