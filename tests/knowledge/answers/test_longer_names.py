"""A station name inside a longer place name is not that station (#12): the kiosk says it does
not know the place instead of answering for the station whose name it contains."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("Which station is closest to Gangnam Severance Hospital?", "gangnam severance hospital"),
        ("How do I get to Jamsil Lake Park?", "jamsil lake park"),
        ("How do I get to East Incheon?", "east incheon"),
        ("잠실 호수공원 어떻게 가요?", "잠실 호수공원"),
        ("去江南医院怎么走？", "江南医院"),
        ("江南大学病院への行き方は？", "江南大学病院"),
    ],
)
def test_a_place_named_after_a_station_is_not_that_station(answerer, question, place) -> None:
    answer = answerer.answer(question, station="사당")
    assert answer.outcome.value == "no_information", answer.text
    assert answer.about == [] and place in answer.text.lower()


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("How do I get from Jamsil to Olympic Park?", {"잠실", "올림픽공원"}),
        ("How do I transfer from Line 4 to AREX Airport Railroad at Seoul Station?", {"서울역"}),
        ("서울역에서 4호선에서 공항철도로 어떻게 갈아타요?", {"서울역"}),
        ("What line is Children's Grand Park on?", {"어린이대공원"}),
        ("Which station is Yeouido Hangang Park at?", {"여의나루", "사당"}),  # a place name in data
    ],
)
def test_station_names_with_lines_or_whole_place_names_still_answer(
    answerer, real_kb, question, named
) -> None:
    answer = answerer.answer(question, station="사당")
    assert answer.outcome.value == "answered", answer.text
    keys = {real_kb.resolve_station(name)[0].complex.key for name in named}
    assert set(answer.about) <= keys


@pytest.mark.parametrize(
    ("question", "origin", "destination"),
    [
        (
            "I'm starting at Ungilsan, going to Jongro 3-ga station. Change trains?",
            "운길산",
            "종로3가",
        ),
        ("Can I go from Muakjae to Maetan Gwonseon without transferring?", "무악재", "매탄권선"),
    ],
)
def test_both_ends_of_a_trip_are_heard_in_passengers_words(
    answerer, real_kb, question, origin, destination
) -> None:
    answer = answerer.answer(question, station="사당")
    assert answer.intent == "route", answer.text
    keys = [real_kb.resolve_station(name)[0].complex.key for name in (origin, destination)]
    assert answer.about == keys
