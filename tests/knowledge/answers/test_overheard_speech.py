"""Speech that is not a transit question must not be answered with transit facts.

The sentences are real transcripts Whisper produced for the project's non-transit recordings
(Zeroth-Korean, Common Voice ja): a kiosk overhears such talk all day.
"""

from __future__ import annotations

import pytest

from knowledge.answers.answerer import Answerer


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [
        # "어떤 선택" (which choice) once matched the lines keyword "어떤 선" (which line).
        (
            "만약 박근혜 대통령이 정말로 손을 내밀면 안철수 대표와 국민의당은 어떤 선택을 할까요?",
            "ko",
        ),
        # "ソックリー" once contained the station クリ (구리) and became a route.
        ("大きなやつを1枚、ソックリーメクって持ってきました", "ja"),
        ("한잔의 커피가 소비자에게 전해지기 위해서는 여러 차례의 공정을 거쳐야 한다", "ko"),
        ("After early nightfall, the yellow lamps would light up here and there.", "en"),
        ("甚至出现交易几乎停制的情况", "zh"),
    ],
)
def test_overheard_talk_gets_no_transit_answer(
    answerer: Answerer, sentence: str, lang: str
) -> None:
    answer = answerer.answer(sentence)
    assert answer.language == lang
    assert answer.outcome.value != "answered", answer.text
    assert answer.sources == []


def test_a_katakana_station_is_still_found_as_a_whole_word(answerer: Answerer) -> None:
    answer = answerer.answer("クリ駅まで行きたいです")
    assert answer.outcome.value == "answered"
    assert "クリ" in answer.text


def test_a_station_name_that_fits_several_stations_is_asked_again(answerer: Answerer) -> None:
    # Whisper's "Hong Kong University" fits 건대입구, 홍대입구 and 동대입구 about equally: a
    # route to any of them would be a guess, so the kiosk says what it heard instead.
    answer = answerer.answer("How do I get to Hong Kong University Station?")
    assert answer.outcome.value == "no_information"
    assert "hong kong" in answer.text.lower() and not answer.sources
