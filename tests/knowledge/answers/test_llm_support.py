"""Generated sentences must say what their passages say, not only cite sourced numbers."""

from __future__ import annotations

import pytest

from knowledge.answers.plausibility import plausible

PASSAGES = (
    "Gangnam Station (Line 2): elevator at exit 1, next to the ticket gates. "
    "Gangnam Station: toilets inside the ticket gates near exit 5."
)


@pytest.mark.parametrize(
    "sentence",
    [
        "The elevator is at exit 1, next to the ticket gates.",
        "Toilets are inside the ticket gates near exit 5.",
    ],
)
def test_sentences_that_restate_the_passages_pass(sentence: str) -> None:
    assert plausible(sentence, PASSAGES)


@pytest.mark.parametrize(
    "sentence",
    [
        # No number, line or station the grounding checker could reject, yet invented:
        "The elevator is located at the lockers at the end of the line.",
        "PARSING: [1] elevator",
        "12345",
        "江南站的电梯在售票处旁边的咖啡店里。",
    ],
)
def test_invented_places_and_noise_fail(sentence: str) -> None:
    assert not plausible(sentence, PASSAGES)


def test_cjk_sentences_are_compared_by_character_pairs() -> None:
    passages = "江南站2号线：1号出口有电梯，在检票口旁边。"
    assert plausible("电梯在1号出口，检票口旁边。", passages)
    assert not plausible("电梯在咖啡店里面，请坐扶梯上去。", passages)


def test_generation_stops_at_its_deadline_without_half_sentences() -> None:
    import time

    from knowledge.answers.llm import LlmAnswerer

    class SlowGenerator:
        def stream(self, system: str, user: str, max_tokens: int):
            yield "The elevator is at exit 1. "
            time.sleep(0.3)
            yield "The toilets are"
            time.sleep(0.3)
            yield " near exit 5."

    llm = LlmAnswerer(SlowGenerator(), deadline_s=0.45)
    assert list(llm.sentences("where?", [PASSAGES])) == ["The elevator is at exit 1."]


def test_an_english_model_is_not_given_passages_it_cannot_read() -> None:
    from knowledge.answers.llm import LlmAnswerer

    class Unused:
        def stream(self, system: str, user: str, max_tokens: int):  # pragma: no cover
            yield ""

    english = LlmAnswerer(Unused(), languages=("en",))
    assert english.can_read("Gangnam Station, Line 2 elevator: exit 1 (in service)")
    assert english.can_read("Gangnam Station: Line 2, Shinbundang Line (신분당선)")  # a name
    assert not english.can_read("환승 엘리베이터 탑승 후 환승통로로 이동 (B3)")
    everyone = LlmAnswerer(Unused(), languages=("ko", "en", "zh", "ja"))
    assert everyone.can_read("환승 엘리베이터 탑승 후 환승통로로 이동 (B3)")
    assert everyone.can_read("エレベーターは1番出口です") and everyone.can_read("电梯在1号出口")
