"""The name check beyond `test_name_check.py` (fast tests with a scripted scorer over the real
knowledge base): the names the decoder expects at a doubtful place, read when the shortlist
found nothing near what Whisper wrote (`voice.name_trie` through `NameChecker(names_heard=N)`;
off in the kiosk, kept for measuring); offers asked as questions the answerer understands;
replies Whisper was unsure of."""

from __future__ import annotations

from kiosk.name_check import NameChecker
from knowledge.answers.understand import Understander
from tests.kiosk.test_name_check import ScriptedScorer, _checker, _heard
from voice.stt_guards import Transcript


def test_a_name_written_as_no_words_is_reached_through_the_names_expected(real_kb) -> None:
    """ "Is there an elevator at the station?" was said "…at Sillim station?": neither the
    words nor Whisper's runners-up name it, but the decoder expects Sillim at that place."""
    scorer = ScriptedScorer(
        {"Sillim": -16.0}, heard=-15.0, other=-60.0, runners_up=("the station?",),
        expected=("Sillim", "Sinsa"),
    )  # fmt: skip
    check = NameChecker(scorer, Understander(real_kb), names_heard=4).check(
        _heard("Is there an elevator at the station?"), "강남"
    )
    assert [o.name for o in check.offers] == ["Sillim"]
    assert "Is there an elevator at Sillim station?" in scorer.sentences


def test_without_names_expected_the_same_question_is_asked_for(real_kb) -> None:
    scorer = ScriptedScorer({"Sillim": -16.0}, heard=-15.0, runners_up=("the station?",))
    check = NameChecker(scorer, Understander(real_kb)).check(
        _heard("Is there an elevator at the station?"), "강남"
    )
    assert check.unheard and not check.offers


def test_the_names_expected_are_asked_only_when_nothing_near_was_found(real_kb) -> None:
    class Counting(ScriptedScorer):
        ranked = 0

        def rank_names(self, *args):
            Counting.ranked += 1
            return super().rank_names(*args)

    scorer = Counting({"Sema": -16.0}, heard=-15.0)
    checker = NameChecker(scorer, Understander(real_kb), names_heard=4)
    checker.check(_heard("Which lines stop at Jamsil?"), "강남")  # a sure name
    checker.check(_heard("How can I get to Seema station?"), "강남")  # Sema is near
    assert Counting.ranked == 0
    checker = NameChecker(scorer, Understander(real_kb), names_heard=0)
    checker.check(_heard("Is there an elevator at the station?"), "강남")
    assert Counting.ranked == 0


def test_a_nickname_glued_to_odd_words_is_doubted(real_kb) -> None:
    """ "Which way is it to Hongdae-rang-on-cheon?" was said "…to Onyang oncheon?": the
    nickname inside it (Hongdae: Hongik Univ.) had been answered as a route to Hongik Univ."""
    scorer = ScriptedScorer({"Onyang": -16.0, "Hongik": -30.0}, heard=-15.0, other=-40.0)
    check = NameChecker(scorer, Understander(real_kb)).check(
        _heard("Which way is it to Hongdae-rang-on-cheon?"), "강남"
    )
    assert "Hongik" not in check.question
    said = ScriptedScorer({})
    checker = NameChecker(said, Understander(real_kb))
    check = checker.check(_heard("How do I get to Hongdae?"), "강남")
    assert check.question == "How do I get to Hongdae?" and said.sentences == []


def test_a_route_is_never_offered_to_the_kiosks_own_station(real_kb) -> None:
    """ "How can I get to Hangrao Station?" at the Gangnam kiosk had offered "Hangnyeoul or
    Gangnam?"; the reply "Hangnyeoul." was written "Gangnam" and answered for here."""
    scorer = ScriptedScorer({"Gangnam": -15.5, "Hangnyeoul": -16.0}, heard=-15.0)
    check = NameChecker(scorer, Understander(real_kb)).check(
        _heard("How can I get to Hangrao Station?"), "강남"
    )
    assert [o.name for o in check.offers] == ["Hangnyeoul"]
    lines = NameChecker(scorer, Understander(real_kb)).check(
        _heard("Which lines stop at Hangrao Station?"), "강남"
    )
    assert "Gangnam" in [o.name for o in lines.offers]  # a question about lines may be here


def test_an_unsure_reply_to_did_you_mean_gets_the_staff_line_not_silence(real_kb, tmp_path) -> None:
    """Through the turn pipeline with the real answerer: a reply Whisper was unsure of and
    whose words fit no offered name is neither taken as a choice nor left unanswered (the
    passenger did reply; `make demo` waited in silence); noise is still not answered."""
    import asyncio

    from kiosk.app import build_answerer
    from kiosk.config import Settings
    from kiosk.pipeline import TurnPipeline
    from knowledge.answers.types import Answer, Context, Offer, Outcome
    from voice.audio import MemorySink

    class Heard:
        def __init__(self, reason: str) -> None:
            self.reason = reason

        async def transcribe_async(self, audio, language=None, names=None) -> Transcript:
            return Transcript("Yes.", "en", 0.9, -1.4, 0.1, 0.8, self.reason, encoded=object())

    class Silent:
        async def stream(self, text, lang, rate=1.0):
            return
            yield

    settings = Settings().with_overrides({"data.dir": tmp_path, "models.llm_languages": []})
    answerer = build_answerer(settings, real_kb, with_llm=False)
    offered = (Offer("잠실", "Jamsil", "Which lines stop at Jamsil?"),
               Offer("잠원", "Jamwon", "Which lines stop at Jamwon?"))  # fmt: skip
    asked = Answer("?", "en", Outcome.CLARIFY, "Did you mean Jamsil or Jamwon?", [])

    async def reply(reason: str, offers=offered, scorer=None):
        names = NameChecker(scorer or ScriptedScorer({}), Understander(real_kb))
        runner = TurnPipeline(Heard(reason), answerer, Silent(), station="강남", names=names)
        context = Context(last_answer=asked, offered=offers, asked=True)
        result = await runner.run(b"\0" * 3200, MemorySink(), context=context)
        runner.close()
        return result

    staff = asyncio.run(reply("low-confidence"))
    assert staff.outcome == "no_information" and "staff" in staff.answer
    assert "Jamsil" not in staff.answer and "Jamwon" not in staff.answer
    assert asyncio.run(reply("no-speech")).outcome == "no_speech"
    # To one offered name, the audio says yes or no (`_yes_or_no`).
    heard_yes = ScriptedScorer({"No.": -12.0}, heard=-2.0, other=-20.0)  # heard: "Yes."
    yes = asyncio.run(reply("low-confidence", offered[:1], heard_yes))
    assert yes.outcome == "answered" and "Jamsil" in yes.answer
    unsure = ScriptedScorer({"No.": -12.0}, heard=-9.0, other=-20.0)
    assert "staff" in asyncio.run(reply("low-confidence", offered[:1], unsure)).answer


def test_a_short_reply_to_one_offer_is_yes_or_no_by_the_audio(real_kb) -> None:
    """ "Yes." written "ES" (blind draw 9) or "Nice" (draw 10) is scored as "Yes.", the name
    and "No."; a clear lead either way decides, anything closer points to the staff. Words
    that settle it, and a new question, are read as before without the audio."""
    from knowledge.answers.types import Offer

    jamsil = (Offer("잠실", "Jamsil", "Which lines stop at Jamsil?"),)
    yes = ScriptedScorer({"Yes.": -2.0, "No.": -13.6}, other=-20.0)
    assert _checker(real_kb, yes).choose(_heard("ES"), jamsil).question == "Yes."
    named = ScriptedScorer({"Jamsil.": -2.0, "No.": -13.6}, other=-20.0)
    assert _checker(real_kb, named).choose(_heard("Gem"), jamsil).question == "Yes."
    no = ScriptedScorer({"Yes.": -12.0, "No.": -2.0}, other=-20.0)
    assert _checker(real_kb, no).choose(_heard("Now"), jamsil).question == "No."
    close = ScriptedScorer({"Yes.": -2.0, "No.": -3.4}, other=-20.0)
    check = _checker(real_kb, close).choose(_heard("Nice"), jamsil)
    assert check.unheard and check.rescored
    for said in ("Yes.", "No.", "Where is the toilet?"):
        untouched = ScriptedScorer({})
        assert _checker(real_kb, untouched).choose(_heard(said), jamsil).question == said
        assert untouched.sentences == []
    several = (*jamsil, Offer("잠원", "Jamwon", "Which lines stop at Jamwon?"))
    assert _checker(real_kb, yes).choose(_heard("ES"), several).question == "ES"


def test_an_offer_reading_with_part_of_the_place_left_is_asked_as_the_whole_place(
    real_kb,
) -> None:
    """On blind draw 9, "Cheong-cheon-ong" was scored as "Chuncheon-ong" and "the Army
    Center" as "the Dalmi Center" (the shortlist's run of words held part of the place); the
    passenger said yes and heard "I don't know a station called Chuncheon-ong"."""
    near = ScriptedScorer({"Chuncheon": -16.0}, heard=-15.0, other=-25.0)
    check = _checker(real_kb, near).check(_heard("What line is Cheong-cheon-ong?"), "강남")
    assert [o.name for o in check.offers] == ["Chuncheon"]
    assert check.offers[0].question == "What line is Chuncheon?"
    assert "What line is Chuncheon-ong?" in near.sentences  # scored as heard
    near = ScriptedScorer({"Dalmi": -16.0}, heard=-15.0, other=-25.0)
    check = _checker(real_kb, near).check(_heard("How do I go to the Army Center?"), "강남")
    assert [o.name for o in check.offers] == ["Dalmi"]
    assert check.offers[0].question == "How do I go to the Dalmi?"
    alone = ScriptedScorer({"Chuncheon": -16.0}, heard=-15.0, other=-40.0)
    check = _checker(real_kb, alone).check(_heard("What line is Cheong-cheon-ong?"), "강남")
    assert check.question == "What line is Chuncheon?" and not check.offers  # taken


def test_an_unsure_question_answered_for_here_without_saying_so_asks_which_station(
    real_kb,
) -> None:
    """Blind draw 12 answered "What line does the U.N. have found?" (Neunggok) and two more
    garbled questions for the kiosk's own station. Below `HERE_UNSURE` and with no word
    saying here, the kiosk asks which station; sure, or saying here, it answers."""
    from dataclasses import replace

    from kiosk.name_check import HERE_UNSURE

    checker = _checker(real_kb, ScriptedScorer({}))
    for said in (
        "Which line's half-side pavement?",
        "Where can I find the elevator?",
        "What line this by our by our grandma?",  # draw 13: "this" points at no station
    ):
        unsure = replace(_heard(said), avg_logprob=HERE_UNSURE - 0.2)
        check = checker.check(unsure, "강남")
        assert check.unheard and not check.offers, said
        assert not checker.check(_heard(said), "강남").unheard  # sure: answered for here
    # A capitalised unknown name ("U.N.") is no question about here, sure or not.
    assert checker.check(_heard("What line does the U.N. have found?"), "강남").unheard
    for said in ("Which lines stop here?", "Is there an elevator in this station?"):
        unsure = replace(_heard(said), avg_logprob=HERE_UNSURE - 0.2)
        assert not checker.check(unsure, "강남").unheard, said
    below_the_guard = replace(_heard("Where is the elevator?"), avg_logprob=-1.2,
                              rejected_reason="low-confidence")  # fmt: skip
    assert not checker.check(below_the_guard, "강남").unheard
