"""The Japanese voice (Open JTalk + HTS voice Mei), and names given to voices by their reading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.bench.voices import character_error_rate, comparable
from tests.voice.test_tts import RecordingVoice
from voice.errors import TtsError
from voice.openjtalk import OpenJTalkVoice, bundled_files
from voice.tts import MultiVoice, is_audible, speakable_sentences

ROUTE = "2号線のキョデ方面に乗り、17駅目のホンデイック駅で降りてください。出口は3番です。"


@pytest.fixture(scope="module")
def voice() -> OpenJTalkVoice:
    return OpenJTalkVoice()


def test_open_jtalk_speaks_one_chunk_per_sentence_without_clipping(voice) -> None:
    chunks = list(voice.synthesize(ROUTE, "ja"))
    assert len(chunks) == len(speakable_sentences(ROUTE, "ja")) >= 2
    assert all(c.rate == voice.sample_rate == 48_000 for c in chunks)
    for chunk in chunks:
        assert is_audible(chunk.array)
        assert int(np.abs(chunk.array.astype(np.int32)).max()) <= 32_000  # scaled, not clipped


def test_open_jtalk_rate_below_one_speaks_slower(voice) -> None:
    normal = sum(c.seconds for c in voice.synthesize("エレベーターは1番出口にあります。", "ja"))
    slow = sum(c.seconds for c in voice.synthesize("エレベーターは1番出口にあります。", "ja", 0.8))
    assert slow > normal * 1.15


def test_missing_and_corrupt_open_jtalk_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(TtsError, match="voice not found") as missing:
        OpenJTalkVoice(tmp_path / "gone.htsvoice")
    assert missing.value.code == "voice-missing"
    with pytest.raises(TtsError, match="dictionary not found"):
        OpenJTalkVoice(dictionary=tmp_path)
    bundled = bundled_files()
    assert bundled is not None
    truncated = tmp_path / "mei.htsvoice"
    truncated.write_bytes(bundled[0].read_bytes()[:5000])
    with pytest.raises(TtsError) as corrupt:
        OpenJTalkVoice(truncated)
    assert corrupt.value.code == "model-corrupt"


@pytest.mark.models
def test_whisper_reads_open_jtalk_back(voice, transcriber) -> None:
    speaker = MultiVoice({"ja": voice})
    audio = np.concatenate([c.array for c in speaker.synthesize(ROUTE, "ja")])
    heard = transcriber.transcribe(audio, "ja").text
    edits, length = character_error_rate(comparable(ROUTE, "ja"), comparable(heard, "ja"))
    assert edits / length < 0.3, heard


def test_the_voice_hears_the_reading_and_the_screen_keeps_the_name() -> None:
    fake = RecordingVoice()
    speaker = MultiVoice(
        {"ja": fake}, readings={"ja": {"大谷": "テゴク", "仁川大公園": "インチョン"}}
    )
    list(speaker.synthesize("カンナムから大谷まで。仁川大公園駅です。", "ja"))
    assert [said for said, _, _ in fake.received] == [
        "カンナムからテゴクまで。",
        "インチョン駅です。",
    ]
    assert speaker.spoken_text("大谷", "en") == "大谷"  # readings are per language


def test_comparison_forgives_script_and_number_form_but_not_sounds() -> None:
    assert comparable("2号線で降ります。", "ja") == comparable("二号線でおります", "ja")
    assert comparable("Take Line 2.", "en") == comparable("take line two", "en")
    assert comparable("請乘坐2號線", "zh") == comparable("请乘坐二号线", "zh")
    assert comparable("カンナム駅", "ja") != comparable("カンダム駅", "ja")
