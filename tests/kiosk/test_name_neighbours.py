"""A station named exactly is checked against its sound-alikes (`kiosk.name_neighbours`):
Whisper base writes a half-heard name as another real station ("Sanbon" for Sangbong)."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.name_check import NameChecker
from kiosk.name_neighbours import NEIGHBOUR_MARGIN
from knowledge.answers.understand import Understander
from tests.kiosk.test_name_check import ScriptedScorer, _heard
from tests.voice.audio_helpers import flite_say


def _check(real_kb, scorer, text: str):
    return NameChecker(scorer, Understander(real_kb)).check(_heard(text), "강남")


def test_a_sound_alike_as_likely_as_the_name_written_is_asked_about(real_kb) -> None:
    close = ScriptedScorer({"Sangbong": -1.0}, heard=0.0, other=-30.0)
    check = _check(real_kb, close, "Which line stops at Sanbon?")
    assert check.offers and check.question == "Which line stops at Sanbon?"
    assert "Which line stops at Sangbong?" in close.sentences


def test_a_name_well_ahead_of_its_sound_alikes_is_answered(real_kb) -> None:
    far = ScriptedScorer({"Sangbong": -NEIGHBOUR_MARGIN - 0.1}, heard=0.0, other=-30.0)
    check = _check(real_kb, far, "Which line stops at Sanbon?")
    assert not check.offers and check.question == "Which line stops at Sanbon?"
    assert check.rescored  # scored: `kiosk bench` counts its cost with the name check's


def test_a_sound_alike_far_likelier_is_still_only_asked_about(real_kb) -> None:
    """Whisper wrote a real station: a neighbour scoring better is offered, never taken."""
    better = ScriptedScorer({"Sangbong": 25.0}, heard=0.0, other=-30.0)
    check = _check(real_kb, better, "Which line stops at Sanbon?")
    assert check.offers and "Sanbon" in check.question


def test_a_longer_name_beginning_with_the_name_written_is_scored_too(real_kb) -> None:
    """Blind draw 14: "Which line starts at Samyang subway?" (Samyang Sageori) was answered
    with Samyang's lines. The longer name takes the word written after the short one."""
    close = ScriptedScorer({"Samyang Sageori": -2.0}, heard=0.0, other=-30.0)
    check = _check(real_kb, close, "Which line starts at Samyang subway?")
    assert "Which line starts at Samyang Sageori?" in close.sentences
    assert [o.name for o in check.offers] == ["Samyang"]  # asked, not answered
    likelier = ScriptedScorer({"Samyang Sageori": 3.0}, heard=0.0, other=-30.0)
    check = _check(real_kb, likelier, "Which line starts at Samyang subway?")
    assert [o.name for o in check.offers] == ["Samyang Sageori"]


def test_names_without_sound_alikes_and_nicknames_cost_no_decoding(real_kb) -> None:
    for said in ("Which lines stop at Jamsil?", "How do I get to Hongdae?"):
        untouched = ScriptedScorer({})
        check = _check(real_kb, untouched, said)
        assert not check.offers and not check.rescored and untouched.sentences == []


@pytest.mark.models
def test_sangbong_written_sanbon_by_real_whisper_is_not_answered(real_kb, transcriber) -> None:
    """flite's kal16 saying "Which line stops at Sangbong?" is written "…pop at Sanbon?" (as
    two speakers' questions of blind draw 11 were): the kiosk asks, it does not answer."""
    pad = np.zeros(6400, dtype=np.int16)
    checker = NameChecker(transcriber, Understander(real_kb))
    said = flite_say("Which line stops at Sangbong?", "kal16")
    heard = transcriber.transcribe(np.concatenate([pad, said, pad, pad]), "en")
    assert "Sanbon" in heard.text  # the mishearing this guards against
    check = checker.check(heard, "강남")
    assert check.offers, check
