"""Answers shaped for the ear (#12): about eight seconds of speech, the rest on the screen;
counts read as a native speaker says them; which train to board where a line branches."""

from __future__ import annotations

import pytest

import languages
from knowledge.answers.ear import EAR_BUDGET_SECONDS, for_the_ear, spoken_seconds


def test_a_long_list_is_cut_for_the_ear_and_says_how_many_are_on_the_screen() -> None:
    items = [f"Line 2: exit {n}." for n in range(1, 13)]
    spoken = for_the_ear(["Gangnam Station has 12 elevators.", *items], "en", keep=2)
    assert spoken[:2] == ["Gangnam Station has 12 elevators.", "Line 2: exit 1."]
    left = 13 - (len(spoken) - 1)
    assert spoken[-1] == f"And {left} more, shown on the screen."
    assert sum(spoken_seconds(s, "en") for s in spoken) <= EAR_BUDGET_SECONDS


def test_a_short_answer_is_spoken_whole_and_the_head_always() -> None:
    short = ["Gangnam Station has 2 elevators.", "Line 2: exit 1.", "Line 2: exit 10."]
    assert for_the_ear(short, "en") == short
    long_head = ["x" * 400]
    assert for_the_ear(long_head, "en") == long_head


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("1번 갈아타고, 모두 28개 역입니다.", "한 번 갈아타고, 모두 스물여덟 개 역"),
        ("강남역 엘리베이터는 4곳입니다.", "네 곳"),
        ("2호선 3번 출구.", "이호선 삼번 출구"),
        ("나머지 6개는 화면에 표시했습니다.", "나머지 여섯 개는"),
    ],
)
def test_korean_counts_are_read_with_native_numbers(text: str, said: str) -> None:
    assert said in languages.get("ko").normalize(text)


@pytest.mark.parametrize("lang", ["ko", "en", "zh", "ja"])
def test_a_list_answer_keeps_every_item_on_the_screen_and_speaks_less(answerer, lang) -> None:
    question = {
        "ko": "서울역 엘리베이터 어디 있어요?",
        "en": "Where is the elevator at Seoul Station?",
        "zh": "首尔站的电梯在哪里？",
        "ja": "ソウル駅のエレベーターはどこですか？",
    }[lang]
    answer = answerer.answer(question)
    assert answer.outcome.value == "answered"
    assert len(answer.shown) == 7  # the head and six elevators
    more = languages.get(lang).templates["more_on_screen"].split("{count}")[-1]
    assert answer.sentences[-1].endswith(more) and len(answer.sentences) < len(answer.shown)
    assert all(s in answer.text for s in answer.shown)


def test_a_station_named_station_is_not_said_twice(answerer) -> None:
    assert "서울역역" not in answerer.answer("서울역은 몇 호선이에요?").text
    assert "Station Station" not in answerer.answer("Which lines stop at Seoul Station?").text


def test_a_route_speaks_its_legs_and_shows_its_summary(answerer) -> None:
    answer = answerer.answer("How do I get from Gangnam to Macheon?")
    assert answer.text.startswith("From Gangnam to Macheon: 1 transfer")
    assert answer.sentences[0].startswith("First take Line 2")
    assert answer.sentences[-1] == "The line branches: board a train bound for Macheon."


@pytest.mark.parametrize(
    ("question", "hint"),
    [
        ("How do I get from Seoul Station to Incheon?", "board a train bound for Incheon."),
        ("인천에서 서울역까지 어떻게 가요?", None),  # from the branch's end: every train goes on
        ("How do I get from Seoul Station to Suwon?", "board a train that stops at Suwon."),
        ("How do I get from Gangnam to Jamsil?", None),  # Line 2's circle
        ("How do I get from Gangnam to Hongik University?", None),  # round the circle past forks
        ("How do I get from Gangnam to Kkachisan?", "board a train bound for Kkachisan."),
    ],
)
def test_where_a_line_branches_the_route_says_which_train_to_board(
    answerer, question: str, hint: str | None
) -> None:
    answer = answerer.answer(question)
    assert answer.outcome.value == "answered", answer.text
    if hint is None:
        assert "branch" not in answer.text and "갈라지" not in answer.text
    else:
        assert hint in answer.text and hint in " ".join(answer.sentences)
