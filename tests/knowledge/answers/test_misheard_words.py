"""Question words Whisper mishears for voices it hears badly, still understood."""

from __future__ import annotations

import pytest

from knowledge.answers.answerer import Answerer
from knowledge.answers.types import Outcome


@pytest.mark.parametrize(
    "heard",
    [
        "Which lane stop at Jamsil station?",  # a `make demo` run in CI: answered as a route
        "What lane is Jamsil on?",  # draw 9 wrote "What lane is on Siwon?" for Onsu
    ],
)
def test_lane_is_line(answerer: Answerer, heard: str) -> None:
    answer = answerer.answer(heard, lang="en")
    assert answer.outcome is Outcome.ANSWERED and answer.intent == "lines", answer.text
    assert "Line 2" in answer.text and "Line 8" in answer.text
