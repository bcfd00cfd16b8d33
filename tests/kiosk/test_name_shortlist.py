"""The name check's shortlist (`kiosk.name_shortlist`): which stations a doubtful place could be.

Fast tests run over the real knowledge base's names; the model test has flite (a voice the
kiosk never speaks with) say a station Whisper writes as other words, and Whisper's own
runners-up bring the station into the offers."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.heard_words import put_between, trim, words_around
from kiosk.name_check import NameChecker
from kiosk.name_shortlist import Shortlister
from knowledge.answers.understand import Understander
from tests.voice.audio_helpers import flite_say
from voice.sounds_like import EnglishSounds


def _shortlister(real_kb) -> Shortlister:
    sounds = EnglishSounds()
    if not sounds.available:
        pytest.fail("espeak-ng is part of the set-up")
    return Shortlister(real_kb, 8, sounds)


def _names(candidates) -> list[str]:
    return [c.station.names["en"] for c in candidates]


def test_runners_up_add_a_station_the_written_words_miss(real_kb) -> None:
    """On a held-out draw, flite's "Gireum" was written "Gairung" (Gireum ranked 44th by the
    written words) and Whisper's runners-up for it were "gyroom", "gyrum", "guy room"."""
    shortlister = _shortlister(real_kb)
    text = "How do I go to Gairung from here?"
    assert "Gireum" not in _names(shortlister.shortlist(text, "Gairung"))
    found = shortlister.shortlist(text, "Gairung", runners_up=["gyroom", "gyrum from", "guy room"])
    assert "Gireum" in _names(found)
    assert all(c.span == "Gairung" for c in found if c.station.names["en"] == "Gireum")
    assert len(found) <= 8 + shortlister.extra


def test_runners_up_unlike_any_name_add_nothing(real_kb) -> None:
    shortlister = _shortlister(real_kb)
    text = "How do I go to Gairung from here?"
    plain = shortlister.shortlist(text, "Gairung")
    unlike = shortlister.shortlist(text, "Gairung", runners_up=["from", "the", "and then"])
    assert _names(unlike) == _names(plain)  # no words to go on
    english = shortlister.shortlist(text, "Gairung", runners_up=["refrigerator", "umbrella"])
    assert _names(english) == _names(plain)  # words like no station (below GUESS_LIKENESS)


def test_a_dropped_name_is_shortlisted_from_the_runners_up_only(real_kb) -> None:
    """ "Where is the elevator at the station?": no written word stands for the name."""
    shortlister = _shortlister(real_kb)
    text = "Where is the elevator at the station?"
    assert shortlister.shortlist(text, "") == []
    found = shortlister.shortlist(text, "", runners_up=["Sillim station?", "cell in station"])
    assert "Sillim" in _names(found)
    assert all(c.span == "" for c in found)


def test_the_place_of_a_slot_or_of_a_dropped_name() -> None:
    assert words_around("How do I go to Jong-ok from here?", "jong ok") == (
        "How do I go to ",
        " from here?",
    )
    before, after = words_around("Where is the elevator at the station?", "")
    assert put_between(before, "Sillim", after) == "Where is the elevator at Sillim station?"
    assert words_around("Which lines go to Jongk?", "Jongk") == ("Which lines go to ", "?")
    assert put_between("Which lines go to ", "Jonggak", "?") == "Which lines go to Jonggak?"
    assert words_around("Is this station accessible?", "") is None
    assert words_around("How do I get there?", "Jamsil") is None


def test_words_around_a_name_are_not_part_of_it() -> None:
    """The rules' place "Sonson from" put a name in place of "from" too ("…to Songsan here?")."""
    assert trim("Sonson from") == "Sonson"
    assert trim("the OMM station") == "OMM"
    assert trim("to") == "to"


@pytest.mark.models
def test_whispers_runners_up_bring_the_said_station_into_the_offers(real_kb, transcriber):
    """flite's kal16 saying "Moraenae Market" is written "the market": the written words
    shortlist other markets; Whisper's runners-up at that place reach Moraenae Market."""
    pad = np.zeros(6400, dtype=np.int16)
    said = flite_say("Where is the elevator at Moraenae Market station?", "kal16")
    heard = transcriber.transcribe(np.concatenate([pad, said, pad, pad]), "en")
    sounds = EnglishSounds()
    with_runners_up = NameChecker(transcriber, Understander(real_kb), sounds=sounds)
    check = with_runners_up.check(heard, "강남")
    assert "Moraenae Market" in [o.name for o in check.offers], (heard.text, check)
    readings = transcriber.continue_reading(heard, "Where is the elevator at", 8)
    assert 1 <= len(readings) <= 8 and not any(r.startswith("Where") for r in readings)


@pytest.mark.models
@pytest.mark.parametrize(("said", "voice"), [("Yes.", "slt"), ("No.", "awb"), ("Yes.", "rms")])
def test_yes_or_no_to_one_offer_is_told_by_the_real_audio(real_kb, transcriber, said, voice):
    """`ReplyChecker._yes_or_no` on flite voices through the real Whisper: the reply's own
    audio leads the other by `REPLY_MARGIN` (the spoken set's speakers: 3.7-12.4 nats)."""
    from knowledge.answers.types import Offer

    pad = np.zeros(6400, dtype=np.int16)
    heard = transcriber.transcribe(np.concatenate([pad, flite_say(said, voice), pad, pad]), "en")
    from kiosk.name_replies import ReplyChecker

    checker = ReplyChecker(transcriber, Understander(real_kb))
    check = checker._yes_or_no(heard, Offer("소사", "Sosa", "Which lines stop at Sosa?"))
    assert check.question == said and not check.unheard, (heard.text, check)
