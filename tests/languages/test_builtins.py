"""Every built-in language declares everything the code looks up by key, so none can fail at
run time on a missing template, keyword table, pattern, phrase or word."""

from __future__ import annotations

import re

import pytest

import languages
from knowledge.answers.lexicon import CUES, KEYWORD_INTENTS
from knowledge.answers.phrases import _STEP_RULES
from knowledge.answers.templates import DAY_KEYS, TEMPLATE_KEYS
from knowledge.operator import SECTIONS

BUILT_IN = ("ko", "en", "zh", "ja")
SOURCE_LANGUAGE = "ko"
"""The public files' language: their phrases are spoken as written, not rendered."""
PATTERNS = ("station_mark", "destination", "numbered_line", "exit_number")


def test_the_built_ins_register_on_import_in_order() -> None:
    assert languages.codes()[:4] == BUILT_IN
    assert [lang.code for lang in languages.all()][:4] == list(BUILT_IN)


@pytest.mark.parametrize("code", BUILT_IN)
def test_every_template_keyword_table_and_pattern_is_declared(code: str) -> None:
    lang = languages.get(code)
    assert set(TEMPLATE_KEYS) <= set(lang.templates), set(TEMPLATE_KEYS) - set(lang.templates)
    assert {i.value for i in KEYWORD_INTENTS} <= set(lang.keywords)
    assert all(lang.keywords[i.value] for i in KEYWORD_INTENTS), "an intent without words"
    assert set(CUES) <= set(lang.cues)
    assert set(lang.keywords) <= {i.value for i in KEYWORD_INTENTS}, "a table nobody reads"
    for name in PATTERNS:
        re.compile(lang.patterns[name])
    assert set(DAY_KEYS) <= set(lang.days)
    assert set(SECTIONS.values()) <= set(lang.kind_words)
    if code != SOURCE_LANGUAGE:
        rules = {rule for rule, _ in _STEP_RULES} | {"between_exits", "concourse"}
        assert rules <= set(lang.phrases), rules - set(lang.phrases)


@pytest.mark.parametrize("code", BUILT_IN)
def test_every_template_fills_from_the_composers_placeholders(code: str) -> None:
    """A template may only use placeholders the other languages' same template uses."""
    english = languages.get("en").templates
    for key in TEMPLATE_KEYS:
        used = set(re.findall(r"{(\w+)}", languages.get(code).templates[key]))
        assert used <= set(re.findall(r"{(\w+)}", english[key])) | {"josa"}, (code, key)


@pytest.mark.parametrize("code", BUILT_IN)
def test_every_built_in_speaks_numbers_as_words(code: str) -> None:
    lang = languages.get(code)
    assert not re.search(r"\d", lang.normalize("12 3,400 05:30"))
    assert lang.read_number(12) and not re.search(r"\d", lang.read_number(12))
    assert lang.espeak_voice and lang.whisper and lang.sample and lang.scripts
