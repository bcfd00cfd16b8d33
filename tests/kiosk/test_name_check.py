"""Doubtful station names re-scored against the audio (`kiosk.name_check`).

Fast tests give the checker a scripted scorer over the real knowledge base; the real-model test
speaks with flite (a voice the kiosk never uses) through `kiosk simulate`, reply included."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from kiosk.name_check import NameChecker
from kiosk.name_decision import ACCEPT_MARGIN, NOT_SAID
from knowledge.answers.types import Context
from knowledge.answers.understand import Understander
from tests.voice.audio_helpers import flite_say
from voice.audio import SAMPLE_RATE, write_wav
from voice.stt_guards import Transcript


class ScriptedScorer:
    """Scores each sentence by the station name in it; the heard sentence gets `heard`."""

    def __init__(
        self,
        by_name: dict[str, float],
        heard: float = 0.0,
        other: float = -40.0,
        again: str = "",
        runners_up: tuple[str, ...] = (),
        expected: tuple[str, ...] = (),
    ):
        self.by_name, self.heard, self.other, self.again = by_name, heard, other, again
        self.runners_up = runners_up
        self.expected = expected
        """Names the decoder expects at the place, likeliest first (`rank_names`)."""
        self.sentences: list[str] = []
        self.reread_asked = 0
        self.continued: list[str] = []

    def continue_reading(self, transcript, prefix, count):
        self.continued.append(prefix)
        return list(self.runners_up[:count])

    def rank_names(self, transcript, before, after, names, branches):
        place = {name: -float(i) for i, name in enumerate(self.expected)}
        return [place.get(name, float("-inf")) for name in names]

    def reread(self, transcript):
        self.reread_asked += 1
        return self.again or transcript.text

    def score_readings(self, transcript, lang, sentences):
        self.sentences = list(sentences)
        return [
            self.heard
            if s == transcript.text
            else next((v for n, v in self.by_name.items() if n in s), self.other)
            for s in sentences
        ]


def _heard(text: str) -> Transcript:
    return Transcript(text, "en", 1.0, -0.3, 0.0, 2.0, None, encoded=object())


def _checker(real_kb, scorer) -> NameChecker:
    return NameChecker(scorer, Understander(real_kb))


def test_a_sure_name_is_not_rescored(real_kb) -> None:
    scorer = ScriptedScorer({})
    check = _checker(real_kb, scorer).check(_heard("Which lines stop at Jamsil?"), "강남")
    assert check.question == "Which lines stop at Jamsil?" and not check.offers
    assert scorer.sentences == []  # no decoder time spent


def test_close_readings_are_offered_not_answered(real_kb) -> None:
    scorer = ScriptedScorer({"Sema": -20.0}, heard=-15.0, other=-22.0)
    check = _checker(real_kb, scorer).check(_heard("How can I get to Seema station?"), "강남")
    assert check.offers[0].name == "Sema" and 1 < len(check.offers) <= 3
    assert check.question == "How can I get to Seema station?"
    assert all("Seema" not in o.question for o in check.offers)
    assert "How can I get to Sema station?" in scorer.sentences


def test_an_overwhelming_reading_replaces_the_heard_words(real_kb) -> None:
    scorer = ScriptedScorer({"Sema": -20.0}, heard=-15.0, other=-20.0 - ACCEPT_MARGIN - 1)
    check = _checker(real_kb, scorer).check(_heard("How can I get to Seema station?"), "강남")
    assert check.question == "How can I get to Sema station?" and not check.offers


def test_no_station_said_keeps_what_was_heard(real_kb) -> None:
    scorer = ScriptedScorer({"Sema": -15.0 - NOT_SAID - 1}, heard=-15.0, other=-60.0)
    check = _checker(real_kb, scorer).check(_heard("How do I get to Hogwarts?"), "강남")
    assert check.question == "How do I get to Hogwarts?" and not check.offers


def test_a_name_with_unexplained_words_beside_it_is_doubted(real_kb) -> None:
    """'Yujongbu City Hall' is not City Hall: the words beside it are scored with it."""
    scorer = ScriptedScorer({"Uijeongbu City Hall": -20.0, "City Hall": -21.0}, heard=-18.0)
    check = _checker(real_kb, scorer).check(
        _heard("Which line stops at Yujongbu City Hall?"), "강남"
    )
    assert "Uijeongbu City Hall" in [o.name for o in check.offers]
    assert "Which line stops at Uijeongbu City Hall?" in scorer.sentences


def test_other_languages_and_transcripts_without_audio_are_left_alone(real_kb) -> None:
    scorer = ScriptedScorer({})
    checker = _checker(real_kb, scorer)
    korean = Transcript("세마역 어떻게 가요?", "ko", 1.0, -0.3, 0.0, 2.0, None, encoded=object())
    assert checker.check(korean, "강남").question == korean.text
    bare = Transcript("How can I get to Seema station?", "en", 1.0, -0.3, 0.0, 2.0)
    assert checker.check(bare, "강남").question == bare.text
    assert scorer.sentences == []


@pytest.mark.models
def test_kiosk_simulate_asks_then_answers_the_reply(tmp_path) -> None:
    """The whole path with a voice the kiosk never speaks with: a name Whisper mishears is
    asked about or answered right, never answered as another station; the reply in the same
    recording is answered about the station offered."""
    pause = np.zeros(SAMPLE_RATE, dtype=np.int16)
    question = flite_say("How can I get to Sema station?", "awb")
    reply = flite_say("Yes.", "awb")
    wav = tmp_path / "asked.wav"
    write_wav(wav, np.concatenate([pause, question, pause, pause, reply, pause, pause]))
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "simulate", "--json", "--station", "강남",
         "--data-dir", str(tmp_path / "data"), str(wav)],
        capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    turns = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    first = turns[0]
    assert first["outcome"] in ("clarify", "answered"), first
    if first["outcome"] == "answered":
        assert "Sema" in first["answer"]
        return
    assert "Sema" in first["answer"], first  # "Did you mean Sema …?"
    if " or " not in first["answer"]:
        assert len(turns) == 2 and turns[1]["outcome"] == "answered", turns
        assert "Sema" in turns[1]["answer"]


def _offers(real_kb, *names: str) -> tuple:
    from knowledge.answers.types import Offer

    out = []
    for name in names:
        cx = real_kb.resolve_station(name)[0].complex
        out.append(Offer(cx.key, cx.name("en"), f"How do I get to {cx.name('en')}?"))
    return tuple(out)


def _unsure(text: str) -> Transcript:
    """What Whisper wrote for a reply, turned down by its confidence guard."""
    return Transcript(text, "en", 0.9, -1.4, 0.1, 0.8, "low-confidence", encoded=object())


def test_an_unsure_reply_like_one_offered_name_is_let_through(real_kb) -> None:
    scorer = ScriptedScorer({})
    offered = _offers(real_kb, "지평", "지행", "신평")
    check = _checker(real_kb, scorer).choose(_unsure("Jipyoyeon."), offered)
    assert check.question == "Jipyoyeon." and check.rescored  # the answerer reads it
    assert scorer.sentences == []  # the audio does not choose among names


def test_yes_no_and_long_replies_are_left_to_the_answerer(real_kb) -> None:
    scorer = ScriptedScorer({})
    checker = _checker(real_kb, scorer)
    offered = _offers(real_kb, "지평", "지행")
    for said in ("Yes.", "No, neither.", "Which lines stop at Jamsil station then?"):
        assert checker.choose(_heard(said), offered).question == said
    assert scorer.sentences == []


def test_an_unsure_no_is_let_through_an_unsure_yes_or_other_word_points_to_the_staff(
    real_kb,
) -> None:
    """On a held-out draw, "No." scored against the offered names became an answer about
    Moran; a no now reaches the answerer (which points to the staff). A doubtful yes or a
    word like no offered name is never taken as a choice: the kiosk points to the staff
    rather than wait in silence. Noise taken for speech is not answered at all."""
    checker = _checker(real_kb, ScriptedScorer({}))
    offered = _offers(real_kb, "지평", "지행")
    no = checker.choose(_unsure("No."), offered)
    assert no.rescored and not no.unheard
    for said in ("Yes.", "Mousin."):
        check = checker.choose(_unsure(said), offered)
        assert check.rescored and check.unheard and not check.offers
    noise = replace(_unsure("Yes."), rejected_reason="no-speech")
    assert not checker.choose(noise, offered).rescored


def test_a_station_the_rules_took_is_asked_about_when_no_name_sounds_said(real_kb) -> None:
    """ "What line is saving on?" (Sadang under noise) was answered as Sapyeong by spelling
    likeness; when no station's reading comes near what was heard, the kiosk asks."""
    scorer = ScriptedScorer({}, heard=-10.0, other=-10.0 - NOT_SAID - 5)
    check = _checker(real_kb, scorer).check(_heard("What line is saving on?"), "강남")
    assert [o.name for o in check.offers] == ["Sapyeong"]


def test_a_proper_name_no_rule_explains_is_not_taken_for_here(real_kb) -> None:
    """Whisper wrote Yeongdeungpo Market as "your own Gongpo market": the question was answered
    for the kiosk's own station. A capitalised unknown name makes the place doubtful."""
    scorer = ScriptedScorer({}, heard=-10.0, other=-12.0)
    heard = _heard("Where can I find the elevator at your own Gongpo market?")
    check = _checker(real_kb, scorer).check(heard, "강남")
    assert check.offers and all("Gongpo" not in o.question for o in check.offers)
    plain = ScriptedScorer({})
    assert _checker(real_kb, plain).check(_heard("Where is the elevator?"), "강남").offers == ()
    assert plain.sentences == []


def _unsure(text: str) -> Transcript:
    return Transcript(text, "en", 0.6, -1.3, 0.1, 2.0, "low-confidence", encoded=object())


def test_an_unsure_transcript_asks_even_about_an_overwhelming_reading(real_kb) -> None:
    """Whisper was unsure of the whole sentence: its other words may be as wrong as the name,
    so the winner is asked about, never answered."""
    scorer = ScriptedScorer({"Sema": -20.0}, heard=-15.0, other=-20.0 - ACCEPT_MARGIN - 1)
    check = _checker(real_kb, scorer).check(_unsure("How can I get to Seema station?"), "강남")
    assert [o.name for o in check.offers] == ["Sema"]
    assert check.question == "How can I get to Seema station?"


def test_a_name_heard_as_english_words_is_shortlisted_by_sound(real_kb) -> None:
    """'one C' is nothing like Wonsi in spelling; it sounds like it (espeak-ng). Whisper
    wrote it so for flite's rms voice on the spoken set."""
    from voice.sounds_like import EnglishSounds

    scorer = ScriptedScorer({})
    checker = NameChecker(scorer, Understander(real_kb), sounds=EnglishSounds())
    if not checker.shortlister.sounds.available:
        pytest.fail("espeak-ng is part of the set-up")
    checker.check(_heard("Which line stops at One C?"), "강남")
    assert any("Wonsi" in s for s in scorer.sentences[1:])
    without = ScriptedScorer({})
    _checker(real_kb, without).check(_heard("Which line stops at One C?"), "강남")
    assert not any("Wonsi" in s for s in without.sentences[1:])


PROMPT = "Seoul subway stations: Gangnam, Seoul Station, Wangsimni"


def _prompted(text: str) -> Transcript:
    return Transcript(text, "en", 1.0, -0.3, 0.0, 2.0, None, encoded=object(), prompt=PROMPT)


def test_a_name_only_the_prompt_wrote_is_checked_against_the_audio(real_kb) -> None:
    """Read again without its prompt, Whisper writes no Gangnam: the audio chooses between
    Gangnam and the names like what it wrote then, and the kiosk asks."""
    scorer = ScriptedScorer(
        {"Danggok": -20.0, "Gangnam": -22.0}, heard=-22.0, again="Which lines go to Dang gok?"
    )
    check = _checker(real_kb, scorer).check(_prompted("Which lines go to Gangnam station?"), "강남")
    assert scorer.reread_asked == 1
    assert "Which lines go to Danggok station?" in scorer.sentences
    assert [o.name for o in check.offers][:2] == ["Danggok", "Gangnam"]


def test_a_prompted_name_heard_without_the_prompt_too_is_sure(real_kb) -> None:
    scorer = ScriptedScorer({})
    check = _checker(real_kb, scorer).check(_prompted("Which lines go to Wangsimni?"), "강남")
    assert scorer.reread_asked == 1 and scorer.sentences == [] and not check.offers
    not_prompted = ScriptedScorer({})
    _checker(real_kb, not_prompted).check(_prompted("Which lines go to Jamsil?"), "강남")
    assert not_prompted.reread_asked == 0  # a name the prompt does not hold costs nothing


def test_a_name_heard_across_a_hyphen_is_replaced_whole(real_kb) -> None:
    scorer = ScriptedScorer({"Sagajeong": -20.0}, heard=-15.0, other=-21.0)
    _checker(real_kb, scorer).check(_heard("How do I get to Sagae-yong?"), "강남")
    assert "How do I get to Sagajeong?" in scorer.sentences
    assert all("Sagae-yong" not in s for s in scorer.sentences[1:])  # never half replaced


def test_names_a_reply_cannot_tell_apart_are_not_offered_together(real_kb) -> None:
    """'Sangbong or Sanbon?' is answered "Sangbong." and heard Sanbon: only the likelier one
    is offered, for a yes or a no."""
    scorer = ScriptedScorer({"Sanbon": -20.0, "Sangbong": -21.0, "Sinbanpo": -22.0}, heard=-18.0)
    check = _checker(real_kb, scorer).check(_heard("How do I get to Sanbang?"), "강남")
    names = [o.name for o in check.offers]
    assert names[0] == "Sanbon" and "Sangbong" not in names


def test_a_name_inside_another_is_not_offered_with_it(real_kb) -> None:
    """'Jamsil or Jamsilsaenae?': a reply "Jamsilsaenae." was heard as Jamsil."""
    scorer = ScriptedScorer({"Jamsilsaenae": -20.0, "Jamsil": -21.0}, heard=-18.0, other=-23.0)
    check = _checker(real_kb, scorer).check(_heard("How do I get to Jamsil Sane?"), "강남")
    names = [o.name for o in check.offers]
    assert names[0] == "Jamsilsaenae" and "Jamsil" not in names


def test_names_sharing_a_word_are_told_apart_by_the_rest(real_kb) -> None:
    """'University' is in both: Hongik and Dongguk are still offered together."""
    scorer = ScriptedScorer(
        {"Hanyang": -20.0, "Hongik": -21.0, "Dongguk": -22.0}, heard=-18.0, other=-30.0
    )
    check = _checker(real_kb, scorer).check(_heard("How do I get to Hanga University?"), "강남")
    names = " ".join(o.name for o in check.offers)
    assert "Hongik" in names and "Dongguk" in names


def test_a_reading_keeps_the_words_around_the_name(real_kb) -> None:
    """'to Hangaik University' read as 'Dongguk University' dropped the "to" (and the shorter
    sentence outscored the right one): names replace runs without such edge words."""
    scorer = ScriptedScorer({})
    _checker(real_kb, scorer).check(_heard("How do I get to Hangaik University Station?"), "강남")
    assert len(scorer.sentences) > 2
    assert all(s.startswith("How do I get to ") for s in scorer.sentences)


def test_a_name_heard_as_other_words_where_a_station_goes_is_asked_about(real_kb) -> None:
    """ "Which lines do Tachogistation?" (Choji) was answered for the kiosk's own station: the
    words where the question puts a station are scored as names, and only ever asked about."""
    scorer = ScriptedScorer({"Choji": -20.0}, heard=-18.0, other=-20.0 - ACCEPT_MARGIN - 1)
    check = _checker(real_kb, scorer).check(_heard("Which lines do Chojee?"), "강남")
    assert [o.name for o in check.offers] == ["Choji"] and not check.unheard
    assert "Which lines do Choji?" in scorer.sentences


def test_a_dropped_name_no_station_sounds_like_is_asked_for(real_kb) -> None:
    scorer = ScriptedScorer({}, heard=-10.0, other=-10.0 - NOT_SAID - 5)
    heard = _heard("Where can I find the elevator at the front of the bus stop?")
    check = _checker(real_kb, scorer).check(heard, "강남")
    assert check.unheard and not check.offers and check.question == heard.text
    none_said = ScriptedScorer({})
    check = _checker(real_kb, none_said).check(
        _heard("Where is the elevator at the station?"), "강남"
    )
    assert check.unheard and none_said.sentences == []  # nothing heard to score


def test_questions_about_here_are_not_asked_back(real_kb) -> None:
    scorer = ScriptedScorer({})
    for text in (
        "Where is the elevator?",
        "Which lines stop at this station?",
        "What line is this?",
    ):
        check = _checker(real_kb, scorer).check(_heard(text), "강남")
        assert (check.question, check.offers, check.unheard) == (text, (), False)
    assert scorer.sentences == []


def test_right_after_a_question_back_nothing_is_offered_again(real_kb) -> None:
    """ "Which station?" answered "Sema station." heard as "Seema station": the kiosk asked
    once already, so the close readings are not offered: the answerer points to the staff."""
    context = Context()
    context.asked = True
    scorer = ScriptedScorer({"Sema": -20.0}, heard=-15.0, other=-22.0)
    check = _checker(real_kb, scorer).check(_heard("Seema station."), "강남", context)
    assert check.unheard and not check.offers


def test_a_name_said_back_is_answered_only_when_the_audio_agrees(real_kb) -> None:
    """`kiosk demo`'s "Hongik University." was written "Hanuk University." and answered as
    Hanyang University: the audio scarcely preferred it, so the kiosk points to the staff."""
    offered = _offers(real_kb, "안국", "한양대", "홍대입구")
    close = ScriptedScorer({"Hanyang": -27.2, "Hongik": -29.2, "Anguk": -48.6})
    check = _checker(real_kb, close).choose(_heard("Hanuk University."), offered)
    assert check.unheard and check.rescored
    assert close.sentences == ["Anguk.", "Hanyang University.", "Hongik University.", "No."]
    clear = ScriptedScorer({"Hanyang": -20.0, "Hongik": -29.2, "Anguk": -48.6})
    check = _checker(real_kb, clear).choose(_heard("Hanyang University"), offered)
    assert not check.unheard and check.question == "Hanyang University"
    disagree = ScriptedScorer(
        {"Hanyang": -40.0, "Hongik": -20.0, "Anguk": -48.6}, again="Hongik University"
    )
    assert _checker(real_kb, disagree).choose(_heard("Hanyang University"), offered).unheard
    # A fresh clone's demo wrote "Hanik University." and the audio leaned to Hanyang: the
    # words name neither Hanyang nor Hongik by what sets them apart, so neither is answered.
    leaning = ScriptedScorer({"Hanyang": -20.0, "Hongik": -29.2, "Anguk": -48.6})
    assert _checker(real_kb, leaning).choose(_heard("Hanik University"), offered).unheard


def test_a_name_said_back_exactly_still_needs_the_full_lead(real_kb) -> None:
    """`make demo`'s "Hongik University." was once written "Hanyang Univ." (under the offered
    names' prompt Whisper writes them exactly) and the audio leaned to Hanyang by under 3 nats:
    a 1-nat lead for exact replies had answered it as Hanyang Univ., another station."""
    offered = _offers(real_kb, "홍대입구", "안국", "한양대")
    scores = {"Hanyang": -27.2, "Hongik": -29.2, "Anguk": -45.0, "No.": -55.5}
    # (written without the full stop: the scripted scorer gives the heard text `heard`)
    check = _checker(real_kb, ScriptedScorer(scores)).choose(_heard("Hanyang Univ"), offered)
    assert check.unheard and check.rescored
    leaning = dict(scores, Hanyang=-25.7)  # 3.5 nats: a demo run's "Hanhwick University."
    check = _checker(real_kb, ScriptedScorer(leaning)).choose(_heard("Hanyang Univ"), offered)
    assert check.unheard
    clear = dict(scores, Hanyang=-23.0)
    check = _checker(real_kb, ScriptedScorer(clear)).choose(_heard("Hanyang Univ"), offered)
    assert not check.unheard


def test_yes_and_no_are_not_checked_against_the_audio_a_name_to_one_offer_is(real_kb) -> None:
    """A held-out draw's "No." to "Ttukseom, Suseo or Ogeum?" was answered about one of them:
    heard under the offered names' prompt, a no is written as a name; "No." is scored too."""
    scorer = ScriptedScorer({})
    checker = _checker(real_kb, scorer)
    two = _offers(real_kb, "안국", "한양대")
    assert checker.choose(_heard("No."), two).unheard is False
    assert checker.choose(_heard("Yes."), two[1:]).unheard is False
    assert scorer.sentences == []
    said_no = ScriptedScorer({"Hanyang": -20.0, "No.": -12.0})
    check = _checker(real_kb, said_no).choose(_heard("Hanyang University"), two[1:])
    assert check.unheard and said_no.sentences == ["Hanyang University.", "No."]
    said_it = ScriptedScorer({"Hanyang": -12.0, "No.": -20.0})
    assert not _checker(real_kb, said_it).choose(_heard("Hanyang University"), two[1:]).unheard


def test_a_dropped_name_is_asked_about_from_whispers_runners_up(real_kb) -> None:
    """No word stands for the station, but Whisper's runners-up at its place name one: the
    kiosk asks about it (never answers for a dropped name unasked)."""
    scorer = ScriptedScorer(
        {"Sillim": -16.0}, heard=-15.0, other=-60.0, runners_up=("Sillim station?", "cell in")
    )
    check = _checker(real_kb, scorer).check(_heard("Where is the elevator at the station?"), "강남")
    assert scorer.continued == ["Where is the elevator at"]
    assert [o.name for o in check.offers] == ["Sillim"]
    assert "Where is the elevator at Sillim station?" in scorer.sentences


def test_a_dropped_name_no_runner_up_sounds_like_is_asked_for(real_kb) -> None:
    scorer = ScriptedScorer({}, heard=-15.0, runners_up=("the station?", "a station"))
    check = _checker(real_kb, scorer).check(_heard("Where is the elevator at the station?"), "강남")
    assert check.unheard and not check.offers


def test_a_reading_far_less_likely_than_what_whisper_wrote_is_asked_about_not_taken(
    real_kb,
) -> None:
    """ "What line is Kyrumun?" (Gireum): the best reading was 19 nats below Whisper's own
    words, and right; one that unlikely is offered, never answered unasked."""
    scorer = ScriptedScorer({"Sema": -30.0}, heard=-15.0, other=-30.0 - ACCEPT_MARGIN - 1)
    check = _checker(real_kb, scorer).check(_heard("How can I get to Seema station?"), "강남")
    assert [o.name for o in check.offers] == ["Sema"]
    assert check.question == "How can I get to Seema station?"
