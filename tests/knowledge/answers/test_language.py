from __future__ import annotations

import pytest

from knowledge.answers.language import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("강남역 엘리베이터 어디 있어요?", "ko"),
        ("2호선 타려면 어디로 가요", "ko"),
        ("Where is the elevator?", "en"),
        ("电梯在哪里？", "zh"),
        ("去Jamsil站怎么走？", "zh"),
        ("エレベーターはどこですか", "ja"),
        ("渋谷駅は何線", "ja"),  # kanji only, but 駅/線 are Japanese forms
        ("江南站有几号线", "zh"),
        ("ＷＨＥＲＥ ＩＳ ＴＨＥ ＥＸＩＴ", "en"),  # full-width Latin
    ],
)
def test_script_statistics(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


def test_confident_stt_breaks_a_han_only_tie() -> None:
    assert detect_language("江南", stt_language="ja", stt_confidence=0.95).lang == "ja"
    assert detect_language("江南", stt_language="ja", stt_confidence=0.3).lang == "zh"


def test_stt_never_overrides_hangul() -> None:
    assert detect_language("강남역", stt_language="ja", stt_confidence=0.99).lang == "ko"


def test_no_letters_uses_stt_then_default() -> None:
    assert detect_language("123?", stt_language="en", stt_confidence=0.9).lang == "en"
    assert detect_language("...", default="ko").lang == "ko"


def test_disabled_language_falls_back() -> None:
    guess = detect_language("Where is the exit?", enabled=("ko", "zh"), default="ko")
    assert guess.lang == "ko" and guess.reason.endswith("not-enabled")
