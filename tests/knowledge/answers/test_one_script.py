"""Answers wholly in the passenger's language (#12): the public files describe elevators,
toilets and transfer walks in Korean; what no rule renders is left out, never read out in
Korean to an English, Chinese or Japanese passenger."""

from __future__ import annotations

import itertools

import pytest

from knowledge.answers.phrases import render_location
from languages.scripts import has_script

QUESTIONS = {
    "en": ("Where is the elevator?", "Where are the toilets?"),
    "zh": ("电梯在哪里？", "厕所在哪里？"),
    "ja": ("エレベーターはどこですか", "トイレはどこですか"),
}
TRANSFER = {
    "en": "How do I transfer from {a} to {b} at {s}?",
    "zh": "在{s}站怎么从{a}换乘{b}？",
    "ja": "{s}駅で{a}から{b}への乗り換え方法は？",
}


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
def test_no_elevator_or_toilet_answer_at_any_station_mixes_in_korean(
    answerer, real_kb, lang: str
) -> None:
    answered = 0
    for cx in real_kb.complexes():
        for question in QUESTIONS[lang]:
            answer = answerer.answer(question, station=cx.key)
            if answer.outcome.value == "answered":
                answered += 1
                assert not has_script(answer.text, "hangul"), (cx.key, answer.text)
    assert answered > 200


@pytest.mark.parametrize("lang", sorted(TRANSFER))
def test_no_transfer_walk_mixes_in_korean(answerer, real_kb, lang: str) -> None:
    walks = 0
    for cx in real_kb.complexes():
        for a, b in itertools.permutations(real_kb.lines_at(cx), 2):
            question = TRANSFER[lang].format(a=a.name(lang), b=b.name(lang), s=cx.name(lang))
            answer = answerer.answer(question, station=cx.key)
            if answer.intent == "transfer" and answer.outcome.value == "answered":
                walks += 1
                assert not has_script(answer.text, "hangul"), (cx.key, answer.text)
    assert walks > 300


@pytest.mark.parametrize(
    ("location", "en"),
    [
        ("1-1번 출입구", "exit 1-1"),
        ("4번 출입구(육교) 측", "exit 4"),
        ("신답방면2-2", "on the platform toward Sindap, near door 2-2"),
        ("대합실(6,7번 출입구 사이)", "the concourse (between exits 6 and 7)"),
        ("환승통로(경사형)", "the transfer passage"),
        ("고객안전실 측", ""),  # no rule: said less, not in Korean
        ("8번 출입구, 고객안전실 측", "exit 8"),
    ],
)
def test_elevator_locations_render_by_rule_or_are_left_out(location: str, en: str) -> None:
    names = {"신답": "Sindap"}
    assert render_location(location, "en", lambda ko: names.get(ko, ko)) == en
    assert render_location(location, "ko", lambda ko: ko)  # Korean keeps every part
