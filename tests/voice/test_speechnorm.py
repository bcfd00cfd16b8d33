from __future__ import annotations

import unicodedata

import pytest

from voice.speechnorm import (
    en_number,
    en_ordinal,
    ja_number,
    ko_native,
    ko_number,
    normalize,
    split_sentences,
    zh_number,
)


@pytest.mark.parametrize(
    ("n", "word"),
    [(0, "영"), (1, "일"), (10, "십"), (15, "십오"), (1400, "천사백"), (10000, "만"),
     (250000, "이십오만"), (2018, "이천십팔")],
)  # fmt: skip
def test_ko_number(n: int, word: str) -> None:
    assert ko_number(n) == word


def test_ko_native_counters() -> None:
    assert [ko_native(n) for n in (1, 2, 3, 4, 5, 20, 21)] == [
        "한", "두", "세", "네", "다섯", "스무", "스물한",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("2호선", "이호선"),
        ("3번 출구", "삼번 출구"),
        ("05:30", "다섯 시 삼십 분"),
        ("17:00", "십칠 시"),
        ("1,400원", "천사백 원"),
        ("₩1,400", "천사백 원"),
        ("3정거장", "세 정거장"),
        ("B1층", "지하 일 층"),
    ],
)
def test_korean(text: str, spoken: str) -> None:
    assert normalize(text, "ko") == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Line 2", "Line two"),
        ("Exit 3", "Exit three"),
        ("05:30", "five thirty"),
        ("9:05", "nine oh five"),
        ("17:00.", "five o'clock p.m."),
        ("1,400 won", "one thousand four hundred won"),
        ("₩1,400", "one thousand four hundred won"),
        ("the 21st stop", "the twenty-first stop"),
        ("B2", "basement two"),
    ],
)
def test_english(text: str, spoken: str) -> None:
    assert normalize(text, "en") == spoken


def test_english_words() -> None:
    assert en_number(1_234_567) == (
        "one million two hundred thirty-four thousand five hundred sixty-seven"
    )
    assert [en_ordinal(n) for n in (1, 2, 3, 12, 20, 40)] == [
        "first", "second", "third", "twelfth", "twentieth", "fortieth",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("2号线", "二号线"),
        ("3号出口", "三号出口"),
        ("05:30", "五点三十分"),
        ("₩1,400", "一千四百韩元"),
        ("2站", "两站"),
        ("1005", "一千零五"),
    ],
)
def test_chinese(text: str, spoken: str) -> None:
    assert normalize(text, "zh") == spoken


def test_chinese_numbers() -> None:
    assert [zh_number(n) for n in (10, 15, 110, 100000, 20000)] == [
        "十", "十五", "一百一十", "十万", "二万",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("2号線", "にごうせん"),
        ("3番出口", "さんばんでぐち"),
        ("05:30", "ごじさんじゅっぷん"),
        ("17:05", "じゅうしちじごふん"),
        ("1,400ウォン", "せんよんひゃくウォン"),
        ("3分", "さんぷん"),
    ],
)
def test_japanese(text: str, spoken: str) -> None:
    assert normalize(text, "ja") == spoken


def test_japanese_sound_changes() -> None:
    assert [ja_number(n) for n in (300, 600, 800, 3000, 8000, 11000)] == [
        "さんびゃく", "ろっぴゃく", "はっぴゃく", "さんぜん", "はっせん", "いちまんせん",
    ]  # fmt: skip


def test_output_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "강남역 2호선")
    assert normalize(decomposed, "ko") == "강남역 이호선"


@pytest.mark.parametrize(
    ("text", "lang", "count"),
    [
        ("Take Line two. Then exit three! Is that clear?", "en", 3),
        ("It is five p.m. now.", "en", 1),
        ("이호선을 타세요. 삼번 출구로 나가세요.", "ko", 2),
        ("乘坐二号线。从三号出口出去！", "zh", 2),
        ("にごうせんです。さんばんでぐちへ。", "ja", 2),
    ],
)
def test_sentence_split(text: str, lang: str, count: int) -> None:
    assert len(split_sentences(text, lang)) == count


def test_published_english_names_are_said_as_people_say_them() -> None:
    from voice.speechnorm import normalize

    said = normalize("Toward Seoul Nat`l Univ. of Education, get off at Hongik Univ.", "en")
    assert said == "Toward Seoul National University of Education, get off at Hongik University."
    assert normalize("Change at Euljiro 4(sa)-ga.", "en") == "Change at Euljiro sa-ga."


def test_a_comma_after_a_number_is_kept() -> None:
    from voice.speechnorm import normalize

    assert normalize("Exit 10, then exit 1,400 won.", "en") == (
        "Exit ten, then exit one thousand four hundred won."
    )


def test_a_long_first_sentence_is_spoken_in_clauses() -> None:
    from voice.speechnorm import split_sentences

    parts = split_sentences(
        "From Gangnam to Jamsil: one transfer, twelve stops in total. Take Line 2.", "en"
    )
    assert parts == [
        "From Gangnam to Jamsil:",
        "one transfer, twelve stops in total.",
        "Take Line 2.",
    ]
    assert split_sentences("Exit 3, please.", "en") == ["Exit 3, please."]  # short: one part
