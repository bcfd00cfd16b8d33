"""Everyday place names, ambiguity and the safety rule, through the real answerer and KB.

The rule under test: an answer is never about a station the passenger did not name. A place the
kiosk cannot pin down gets "I don't know a station called X" or a question naming the
candidates, never the kiosk's own station or the nearest spelling.
"""

from __future__ import annotations

import random
import re

import pytest

from knowledge.answers.types import Outcome
from knowledge.importer import parse
from knowledge.operator import parse_operator_file

ELSEWHERE = ("사당", "서울역", "잠실", "홍대입구", "고속터미널")


@pytest.mark.parametrize(
    ("question", "station_name"),
    [
        ("How do I get to Lotte World?", "Jamsil"),
        ("How do I get to COEX?", "Samseong"),
        ("고터 가려면 어떻게 가요?", "고속터미널"),
        ("弘大怎么走？", "弘益大学"),
        ("How do I get to Gimpo Airport?", "Gimpo"),
        ("What line is Seoul Forest on?", "Seoul-forest"),
        ("How do I get to Incheon Airport Terminal 2?", "Terminal 2"),
        ("えっと、東大門に行くには？", "トンデムン"),  # a filler, and the kanji of a katakana name
    ],
)
def test_everyday_names_reach_their_station(answerer, question, station_name) -> None:
    answer = answerer.answer(question, station="강남")
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert station_name in answer.text


def test_a_name_of_two_stations_is_asked_about_not_guessed(answerer) -> None:
    answer = answerer.answer("How do I get to Incheon Airport?", station="강남")
    assert answer.outcome is Outcome.CLARIFY
    assert "Terminal 1" in answer.text and "Terminal 2" in answer.text
    ko = answerer.answer("인천공항 어떻게 가요?", station="강남")
    assert ko.outcome is Outcome.CLARIFY and "1터미널" in ko.text and "2터미널" in ko.text


@pytest.mark.parametrize(
    "question",
    [
        "What line is Hogwarts station on?",
        "How do I get to Hogwarts?",
        "호그와트역은 몇 호선이에요?",
        "霍格沃茨站是几号线？",
        "ホグワーツ駅は何線ですか？",
        # Facility questions with no station marker were answered with Gangnam's elevators:
        "ホグワーツにエレベーターはありますか？",
        "ホグワーツ駅のトイレはどこですか？",
        "호그와트에 엘리베이터 있어요?",
        "霍格沃茨有电梯吗？",
        "请问霍格沃茨有电梯吗？",
    ],
)
def test_a_place_that_is_no_station_is_said_back_not_answered_for_here(answerer, question) -> None:
    answer = answerer.answer(question, station="강남")
    assert answer.outcome is Outcome.NO_INFORMATION, answer.text
    assert "강남" not in answer.text and "Gangnam" not in answer.text
    assert "カンナム" not in answer.text
    assert answer.sources == []


@pytest.mark.parametrize(
    ("question", "said_back"),
    [
        ("怎么去蚕食站？", "叫蚕食的"),
        ("我想去蚕食站", "叫蚕食的"),
        ("どんでも激にエレベーターはありますか", "どんでも激"),
        ("キョンチャルピョンモン、駅のエレベーターはどこですか?", "キョンチャルピョンモン"),
        ("ノンソン、エキノエレベーターはどこですか?", "ノンソン"),  # 駅の in katakana
    ],
)
def test_an_unknown_place_is_said_back_without_the_words_around_it(
    answerer, question, said_back
) -> None:
    """ "怎么去蚕食站" (蚕室 as Whisper may write it) was said back as a station 怎么去蚕食."""
    answer = answerer.answer(question, station="강남")
    assert answer.outcome is Outcome.NO_INFORMATION and said_back in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "ホームにエレベーターはありますか？",
        "この駅のエレベーターはどこですか？",
        "승강장에 엘리베이터 있어요?",
        "여기에 엘리베이터 있어요?",
        "这里有电梯吗？",
        "请问有电梯吗？",
        "站台有电梯吗？",
    ],
)
def test_places_inside_a_station_are_no_station_names(answerer, question) -> None:
    answer = answerer.answer(question, station="강남")
    assert answer.outcome is Outcome.ANSWERED and answer.about == ["강남"], answer.text


INVENTED = ("Zorbleton", "Quixmoor", "Vantaloo Park", "Brimsley", "Oxhollow")
LINES_QUESTIONS = (
    "What line is {p} on?",
    "What lines stop at {p} station?",
    "How do I get to {p}?",
    "{p}역은 몇 호선이에요?",
)


def test_property_an_answer_names_no_station_but_the_one_asked(answerer, real_kb) -> None:
    """Random questions naming a random real or invented place: an answered question is
    about the place named, and an invented place is never answered."""
    rng = random.Random(20261204)
    keys = sorted(cx.key for cx in real_kb.complexes())
    for _ in range(60):
        template = rng.choice(LINES_QUESTIONS)
        if rng.random() < 0.5:
            answer = answerer.answer(template.format(p=rng.choice(INVENTED)), station="강남")
            assert answer.outcome is not Outcome.ANSWERED, answer.text
            continue
        key = rng.choice(keys)
        cx = real_kb.complex(key)
        name = cx.name("ko") if template.endswith("호선이에요?") else cx.name("en")
        answer = answerer.answer(template.format(p=name), station="강남")
        if answer.outcome is not Outcome.ANSWERED:
            continue  # not understood is safe; a wrong station is not
        said = name.replace(" Station", "").rstrip(".")
        assert said in answer.text, (template.format(p=name), answer.text)


def test_places_file_rejects_an_unknown_station_with_its_line(tmp_path) -> None:
    path = tmp_path / "places.yaml"
    path.write_text(
        "schema: kiosk-places/1\nplaces:\n"
        "  - names: {en: [Somewhere]}\n    stations: [없는역]\n"
        "    kind: landmark\n    source: a survey\n",
        encoding="utf-8",
    )
    ds = parse({})
    parse_operator_file(path, ds, {"강남"})
    assert any(i.field.startswith("places.0.stations") for i in ds.issues)
    assert not ds.aliases
    path.write_text(path.read_text().replace("    source: a survey\n", ""), encoding="utf-8")
    ds = parse({})
    parse_operator_file(path, ds, {"없는역"})
    assert any("source" in i.message for i in ds.issues)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Can I transfer to Line 9 here?", "Line 2"),
        ("这里可以换乘哪些线？", "2号线"),
        ("5号線に乗り換えたい", "2号線"),
    ],
)
def test_a_transfer_without_a_walk_to_describe_answers_with_the_stations_lines(
    answerer, question, expected
) -> None:
    """Gangnam has no Line 9 and no walk to Line 5: its lines are the true answer."""
    answer = answerer.answer(question, station="강남")
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert expected in answer.text and "9" not in answer.text


@pytest.mark.parametrize(
    ("question", "lang"),
    [("Where are the toilets?", "en"), ("厕所在哪里？", "zh"), ("トイレはどこですか？", "ja")],
)
def test_facility_answers_stay_in_the_passengers_script(answerer, question, lang) -> None:
    answer = answerer.answer(question, station="사당")
    assert answer.outcome is Outcome.ANSWERED and answer.language == lang
    assert not re.search("[\uac00-\ud7a3]", answer.text), answer.text


ASK_THE_WAY = {
    "en": "How do I get to {} station?",
    "ko": "{}역 어떻게 가요?",
    "zh": "去{}站怎么走？",
    "ja": "{}駅への行き方を教えて",
}


@pytest.mark.parametrize("lang", sorted(ASK_THE_WAY))
def test_every_station_asked_for_by_name_is_that_station_or_a_question(answerer, lang) -> None:
    """Every station of the data, asked for by its own name in each language: the answer is
    about that station, or asks which one when two stations share the name (석남 and 성남 are
    both "Seongnam" in the data's English), or admits it has no route. Never another station:
    a keyword hiding in a name ("sing" in Singeumho) or a shared name once did that."""
    kb = answerer.kb
    here = answerer.here("강남")
    wrong, unanswered = [], []
    for cx in kb.complexes():
        if cx.key == here.key or lang in cx.names_fallback:  # an English name stands in
            continue
        answer = answerer.answer(ASK_THE_WAY[lang].format(cx.name(lang)), station="강남", lang=lang)
        if answer.outcome is Outcome.ANSWERED and answer.about[-1:] != [cx.key]:
            wrong.append((cx.name(lang), answer.about))
        elif answer.outcome not in (Outcome.ANSWERED, Outcome.CLARIFY):
            unanswered.append(cx.name(lang))
    assert wrong == []
    assert len(unanswered) <= 0.02 * len(kb.complexes()), unanswered


@pytest.mark.parametrize(
    "question",
    ["What line is your legal arm?", "What line is Seemun?", "What line is Sapi Yongan?"],
)
def test_a_misheard_name_ending_the_question_is_said_back(answerer, question) -> None:
    """Whisper's readings of Yeouido, Sema and Sapyeong (flite voices): with no word after the
    name, it was taken for a question about here, and answered for the kiosk's station."""
    answer = answerer.answer(question, station="강남", lang="en")
    assert answer.outcome is Outcome.NO_INFORMATION and answer.about == []
    assert question.removeprefix("What line is ").rstrip("?") in answer.text


def test_the_topic_particle_written_as_it_sounds_still_marks_the_place(answerer) -> None:
    """は is said "wa": Whisper wrote "ソンパワー何線ですか" for ソンパは何線ですか, and the kiosk
    answered with its own station's lines."""
    answer = answerer.answer("ソンパワー何線ですか。", station="강남")
    assert answer.about == ["송파"], answer.text
