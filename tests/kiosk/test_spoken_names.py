"""Station names the data writes in kanji or Latin reach the Japanese voice as katakana."""

from __future__ import annotations

import languages
from kiosk.app import build_answerer, build_speaker
from kiosk.config import Settings
from kiosk.spoken_names import japanese_readings
from tests.voice.test_tts import RecordingVoice


def test_names_a_japanese_voice_would_misread_get_readings(real_kb) -> None:
    readings = japanese_readings(real_kb.complexes())
    assert readings["大谷"] == "テゴク"  # kanji copied from Chinese: read as おおたに
    assert readings["Dongtan"] == "トンタン"  # no Japanese name: filled from English
    assert readings["サムソン(三成)"] == "サムソン"  # a kanji aside is not said
    assert "カンナム" not in readings  # katakana names are the data's own reading
    assert all(any("\u30a1" <= ch <= "\u30fa" for ch in spoken) for spoken in readings.values())


def test_no_fixed_japanese_wording_is_rewritten(real_kb) -> None:
    """Readings replace text, so no template or phrase may contain a written name."""
    readings = japanese_readings(real_kb.complexes())
    ja = languages.get("ja")
    fixed = [*ja.templates.values(), *ja.phrases.values()]
    clashes = [(name, text) for text in fixed for name in readings if name in text]
    assert not clashes


def test_a_route_answer_reaches_the_voice_with_kana_names(real_kb, tmp_path) -> None:
    settings = Settings().with_overrides(
        {"data.dir": tmp_path, "models.llm_languages": [], "models.voices": {"ja": "espeak"}}
    )
    answerer = build_answerer(settings, real_kb, with_llm=False)
    answer = answerer.answer("大谷駅へはどう行きますか", station="강남", lang="ja")
    assert "大谷" in answer.text  # the screen shows the data's name
    speaker = build_speaker(settings, real_kb)
    voices = speaker.uncached
    fake = RecordingVoice()
    voices.voices["ja"] = fake  # type: ignore[attr-defined]
    list(voices.synthesize(answer.text, "ja"))
    said = "".join(sentence for sentence, _, _ in fake.received)
    assert "テゴク" in said and "大谷" not in said
    speaker.close()
