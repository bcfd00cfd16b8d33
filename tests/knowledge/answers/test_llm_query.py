"""The LLM as a question reader: its grammar lets it write only the passenger's own words, and
what it writes is used only when the knowledge base names every place surely."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from knowledge.answers.answerer import Answerer, AnswerSettings
from knowledge.answers.llm_query import (
    QueryReader,
    needs_reading,
    parse_query,
    query_grammar,
    word_runs,
)
from knowledge.answers.types import Intent, Outcome


class ScriptedReader:
    """A `GrammarGenerator` that answers with a fixed JSON reply and records what it was asked."""

    def __init__(self, reply: dict[str, str]) -> None:
        self.reply = json.dumps(reply)
        self.asked: list[tuple[str, str]] = []

    def complete(self, system: str, user: str, max_tokens: int, grammar: str) -> str:
        self.asked.append((user, grammar))
        return self.reply


def _query(intent: str, src: str = "none", dst: str = "none", line: str = "none") -> dict:
    return {"intent": intent, "from": src, "to": dst, "line": line}


def _answerer(
    real_kb, reply: dict[str, str], langs: tuple[str, ...] = ("en",)
) -> tuple[Answerer, ScriptedReader]:
    model = ScriptedReader(reply)
    return Answerer(
        real_kb, AnswerSettings(station="강남"), reader=QueryReader(model, langs)
    ), model


def test_the_grammar_offers_only_runs_of_the_question_words() -> None:
    runs = word_runs("how to get Singeumho?")
    assert "Singeumho" in runs and "get Singeumho" in runs and "how to get Singeumho" in runs
    grammar = query_grammar("how to get Singeumho?")
    words_rule = next(line for line in grammar.splitlines() if line.startswith("words ::="))
    assert '"\\"Singeumho\\""' in words_rule and "Jamsil" not in grammar
    assert '"\\"none\\""' in words_rule


def test_korean_and_japanese_names_are_runs_inside_their_words() -> None:
    """Particles glue onto Korean names and Japanese has no spaces: the grammar offers the
    name inside the word, and still nothing the passenger did not say."""
    runs = word_runs("강남역에서 잠실까지 어떻게 가요?")
    assert {"강남역", "강남", "잠실"} <= set(runs) and "사당" not in runs
    assert "サダン駅" in word_runs("サダン駅のエレベーターはどこ")
    assert "동대문역사문화공원" in word_runs("동대문역사문화공원역에 가고 싶어요")
    grammar = query_grammar("잠실까지 가요")
    assert '"\\"잠실\\""' in grammar and "강남" not in grammar


def test_a_korean_reading_of_here_is_answered_by_the_templates(real_kb) -> None:
    """The rules took "갈아타려면" for a place; the model reads Line 1, and "여기서" (here,
    glued to its particle) says where."""
    answerer, model = _answerer(real_kb, _query("transfer", line="1호선"), ("ko",))
    answer = answerer.answer("여기서 1호선 갈아타려면 어디로 가요?", station="용산", lang="ko")
    assert model.asked and answer.outcome is Outcome.ANSWERED and answer.path == "structured"
    assert answer.about == [real_kb.resolve_station("용산")[0].complex.key]
    assert "1호선" in answer.text


def test_output_outside_the_grammar_is_no_query() -> None:
    assert parse_query("not json") is None
    assert parse_query(json.dumps(_query("weather"))) is None
    query = parse_query(json.dumps(_query("route", dst="Singeumho")))
    assert query is not None and query.intent is Intent.ROUTE
    assert query.destination == "Singeumho" and query.origin is None and query.line is None


def test_a_question_the_rules_read_is_never_sent_to_the_model(real_kb) -> None:
    answerer, model = _answerer(real_kb, _query("route", dst="Jamsil"))
    answer = answerer.answer("Which lines stop at Sadang?", lang="en")
    assert model.asked == [] and answer.about == [real_kb.resolve_station("사당")[0].complex.key]


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        # a place the KB does not know surely: the rules' safe answer stands
        ("how to get Hogwarts castle", _query("route", dst="Hogwarts castle")),
        # a place the rules could not name, and the model names none: not taken as here
        ("how do I switch to Line 5 at Gotham", _query("transfer", line="Line 5")),
        # no intent: the rules' answer stands
        ("Is it going to rain this afternoon?", _query("other")),
    ],
)
def test_an_unsafe_reading_is_not_used(real_kb, question: str, reply: dict[str, str]) -> None:
    answerer, model = _answerer(real_kb, reply)
    plain = Answerer(real_kb, AnswerSettings(station="강남")).answer(question, lang="en")
    answer = answerer.answer(question, lang="en")
    assert model.asked
    assert (answer.outcome, answer.text, answer.about) == (plain.outcome, plain.text, plain.about)


def test_a_reading_the_kb_confirms_is_answered_by_the_templates(real_kb) -> None:
    """The rules took "switch to" for a place; the model reads a line, and "this station" says
    where, so the templates answer for here."""
    answerer, model = _answerer(real_kb, _query("transfer", line="Shinbundang Line"))
    question = "Can you tell me how to switch to Shinbundang Line at this station?"
    answer = answerer.answer(question, lang="en")
    assert model.asked and answer.outcome is Outcome.ANSWERED and answer.path == "structured"
    assert answer.about == [real_kb.resolve_station("강남")[0].complex.key]
    assert "Shinbundang" in answer.text and "llm_query" in answer.timings_ms
    assert answer.about == [real_kb.resolve_station("강남")[0].complex.key]


def test_refusals_and_repeats_are_never_read() -> None:
    from knowledge.answers.understand import Understood

    assert not needs_reading(Understood(Intent.REFUSED, "en", unresolved_place=True))
    assert needs_reading(Understood(Intent.UNKNOWN, "en"))
    assert not needs_reading(Understood(Intent.LINES, "en"))


QUESTION = "Can you tell me how to switch to Line 5 at this station?"
"""The rules take "switch to" for a place they do not know."""


@pytest.mark.models
def test_the_real_model_reads_a_question_through_kiosk_ask(tmp_path) -> None:
    """The bundled SmolLM2 under the grammar, through the real entry point: whatever it reads,
    the answer is about the station the passenger named or about none."""
    config = tmp_path / "kiosk.toml"
    config.write_text("[models]\nllm_reads_questions = true\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "ask", QUESTION, "--station", "왕십리",
         "--lang", "en", "--json", "--config", str(config), "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    answer = json.loads(out.stdout)
    assert "llm_query" in answer["timings_ms"]
    assert answer["outcome"] in ("answered", "no_information")
    if answer["outcome"] == "answered":
        assert "Wangsimni" in answer["answer"]


@pytest.mark.models
def test_the_real_model_reads_a_korean_question_through_kiosk_ask(tmp_path) -> None:
    """The Korean grammar (runs inside words) with the bundled SmolLM2, through the real entry
    point: whatever it reads, the answer is about the station the passenger named or none."""
    config = tmp_path / "kiosk.toml"
    config.write_text(
        '[models]\nllm_reads_questions = true\nllm_languages = ["ko"]\n', encoding="utf-8"
    )
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "ask", "여기서 1호선 갈아타려면 어디로 가요?",
         "--station", "용산", "--lang", "ko", "--json", "--config", str(config),
         "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    answer = json.loads(out.stdout)
    assert "llm_query" in answer["timings_ms"]
    if answer["outcome"] == "answered":
        assert "용산" in answer["answer"]
