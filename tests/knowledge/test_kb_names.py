"""Station-name resolution in four languages, with particles, spacing and misheard names."""

from __future__ import annotations

import pytest

from knowledge.store import KnowledgeBase
from knowledge.textnorm import jamo, latin_key, levenshtein


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("강남", "강남"),
        ("강남역", "강남"),
        ("Gangnam", "강남"),
        ("江南", "강남"),
        ("カンナム", "강남"),
        ("Gangnam Station", "강남"),
        ("江南站", "강남"),
        ("カンナム駅", "강남"),
        ("홍대입구역으로", "홍대입구"),
        ("고속 터미널", "고속터미널"),
        ("Express Bus Terminal", "고속터미널"),
        ("을지로3가에서", "을지로3가"),
        ("종로3가", "종로3가"),
        ("弘益大学", "홍대입구"),
    ],
)
def test_exact_and_alias_in_four_languages(seoul_kb: KnowledgeBase, text: str, key: str) -> None:
    best = seoul_kb.resolve_station(text)[0]
    assert best.complex.key == key
    assert best.confidence >= 0.9


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kangnam", "강남"),
        ("Hongdae", "홍대입구"),
        ("Hongik University", "홍대입구"),
        ("Shinchon", "신촌@2"),
        ("Jamsill", "잠실"),
        ("Yeoksam station", "역삼"),
        ("강람", "강남"),
        ("고속터미날", "고속터미널"),
        ("홍대이구", "홍대입구"),
        ("잠씰역", "잠실"),
    ],
)
def test_misspelt_and_misheard(seoul_kb: KnowledgeBase, text: str, key: str) -> None:
    matches = seoul_kb.resolve_station(text)
    assert matches, text
    assert key in [m.complex.key for m in matches[:2]]
    assert 0.5 < matches[0].confidence < 1.0


def test_confidence_orders_exact_above_fuzzy(seoul_kb: KnowledgeBase) -> None:
    exact = seoul_kb.resolve_station("강남")[0].confidence
    alias = seoul_kb.resolve_station("강남역에서")[0].confidence
    fuzzy = seoul_kb.resolve_station("강람")[0].confidence
    assert exact > alias > fuzzy


def test_nonsense_resolves_to_nothing(seoul_kb: KnowledgeBase) -> None:
    assert seoul_kb.resolve_station("바나나우유") == []
    assert seoul_kb.resolve_station("xylophone") == []


def test_same_name_far_apart_is_ambiguous(seoul_kb: KnowledgeBase) -> None:
    (match,) = seoul_kb.resolve_station("양평")  # one name, two stations: the others say which
    keys = {match.complex.key, *(cx.key for cx in match.others)}
    assert keys == {"양평@5", "양평@gyeongui-jungang"}


def test_traditional_chinese_names_the_same_station_as_simplified(seoul_kb) -> None:
    (traditional,) = seoul_kb.find_stations("到鐘路三街站要換車嗎？", "zh")
    assert traditional.complex.key == "종로3가"
    assert seoul_kb.resolve_station("鐘路三街")[0].complex.key == "종로3가"


@pytest.mark.parametrize(
    ("question", "keys"),
    [
        ("강남역에서 홍대입구까지 어떻게 가요?", ["강남", "홍대입구"]),
        ("강남 역 엘리베이터 어디예요", ["강남"]),
        ("How do I get from Gangnam Station to Hongik University?", ["강남", "홍대입구"]),
        ("从江南站到弘益大学怎么走", ["강남", "홍대입구"]),
        ("カンナム駅のエレベーターはどこですか", ["강남"]),
        ("강람역 화장실 어디", ["강남"]),
        ("화장실이 어디에 있나요", []),
    ],
)
def test_find_stations_in_sentences(
    seoul_kb: KnowledgeBase, question: str, keys: list[str]
) -> None:
    assert [m.complex.key for m in seoul_kb.find_stations(question, None)] == keys


def test_source_name_errors_do_not_become_aliases(seoul_kb: KnowledgeBase) -> None:
    # The source gives 신논현 (Shinbundang) the zh/ja names of 강남; 江南 must mean 강남 only.
    assert [m.complex.key for m in seoul_kb.resolve_station("江南")] == ["강남"]
    assert seoul_kb.complex("신논현").names["zh"] == "新论岘"


def test_missing_names_fall_back_and_are_marked(seoul_kb: KnowledgeBase) -> None:
    cx = seoul_kb.complex("독정")  # no zh/ja in the source (QUALITY.md)
    assert set(cx.names_fallback) == {"zh", "ja"}
    assert cx.names["ja"] == cx.names["en"]


def test_jamo_and_latin_keys() -> None:
    assert levenshtein(jamo("강남"), jamo("강람")) == 1
    assert latin_key("Kangnam") == latin_key("Gangnam")
    assert latin_key("Shinchon") == latin_key("Sinchon")


@pytest.mark.parametrize(
    "question",
    [
        "How do I get to the toilet?",  # "How do I" once fuzzy-matched Oido
        "Where is the pharmacy?",
        "How do I get to Hong Kong University Station?",  # 건대입구/홍대입구/동대입구 tie
        "어디에 있어요?",
        "エレベーターはどこですか",
    ],
)
def test_everyday_words_and_ties_are_not_station_mentions(
    seoul_kb: KnowledgeBase, question: str
) -> None:
    # A wrong station is worse than none: the kiosk asks again instead of guessing.
    assert seoul_kb.find_stations(question) == []


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("How do I get to Gangnum?", "강남"),
        ("잠실력 어떻게 가요", "잠실"),
        ("고속터미날까지 어떻게 가요", "고속터미널"),
        ("ガンナム駅のエレベーターはどこですか", "강남"),  # voicing misheard, no spaces
        ("ホンデイック駅", "홍대입구"),
    ],
)
def test_misheard_mentions_inside_sentences(
    seoul_kb: KnowledgeBase, question: str, key: str
) -> None:
    assert [m.complex.key for m in seoul_kb.find_stations(question)] == [key]


def test_in_name_punctuation_and_word_counts(seoul_kb: KnowledgeBase) -> None:
    found = seoul_kb.find_stations("What's the way to Jongno 3(sam)-ga station?")
    assert [m.complex.key for m in found] == ["종로3가"]  # not also 삼가 from "(sam)-ga"
    # "Sa dang" is not the one-word name Sadang exactly, and "sa" (the reading of the 4 in
    # "Euljiro 4(sa)-ga") is not a station name at all.
    found = seoul_kb.find_stations("How do I get to Sinchon from Sa dang?", fuzzy=False)
    assert [m.complex.key for m in found] == ["신촌@2"]


def test_a_trailing_yeok_does_not_split_a_station(seoul_kb: KnowledgeBase) -> None:
    seoul = seoul_kb.complex("서울역")
    assert "gtx-a" in seoul.line_ids and "1" in seoul.line_ids  # GTX-A publishes it as 서울
    assert seoul_kb.resolve_station("ソウル駅")[0].complex.key == "서울역"
