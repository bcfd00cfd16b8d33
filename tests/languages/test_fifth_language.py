"""Adding a language is one declaration: a fifth one flows through understanding, templates,
speech normalisation and configuration with no other change. Each assertion fails if that
consumer kept its own list of languages."""

from __future__ import annotations

from pathlib import Path

import pytest

import languages
from kiosk.cli.main import build_parser
from kiosk.config import load_settings
from knowledge.answers.answerer import Answerer, AnswerSettings
from knowledge.answers.lexicon import lexicon
from knowledge.answers.types import Intent, Outcome
from voice.speechnorm import normalize, split_sentences


def test_a_lines_question_in_the_fifth_language_is_understood_and_answered(
    real_kb, esperanto
) -> None:
    answerer = Answerer(real_kb, AnswerSettings(station="강남"))
    answer = answerer.answer("Kiuj linioj haltas en la stacio Jamsil?", lang="eo")
    assert answer.language == "eo"
    assert answer.intent == Intent.LINES.value
    assert answer.outcome is Outcome.ANSWERED
    assert answer.text.startswith("Al la stacio ")
    assert " kaj " in answer.text  # the language's own list join: Jamsil has two lines
    assert " du" in normalize(answer.text, "eo")  # Line 2, read by the toy reader


def test_the_fifth_language_reads_numbers_with_its_own_reader(esperanto) -> None:
    assert normalize("Prenu linion 2 al elirejo 13.", "eo") == "Prenu linion du al elirejo dek tri."
    assert split_sentences("Unu. Du!", "eo") == ["Unu.", "Du!"]


def test_registration_after_import_reaches_the_keyword_tables(esperanto) -> None:
    assert lexicon().keywords[Intent.LINES]["eo"] == esperanto.keywords["lines"]
    assert lexicon().keywords[Intent.FARE]["eo"] == ()


def test_configuration_and_cli_accept_a_registered_language(tmp_path: Path, esperanto) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[languages]\nenabled = ["eo", "ko"]\ndefault = "eo"\n', encoding="utf-8")
    assert load_settings(config).languages.enabled == ("eo", "ko")
    assert build_parser().parse_args(["ask", "Saluton", "--lang", "eo"]).lang == "eo"


def test_an_unregistered_language_is_rejected_by_name() -> None:
    with pytest.raises(KeyError, match=r"unknown language 'eo'.*ko, en, zh, ja"):
        languages.get("eo")
