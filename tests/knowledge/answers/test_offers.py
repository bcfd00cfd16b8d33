"""The kiosk's one question back ("Did you mean Sema?") and the passenger's reply, through the
real answerer and knowledge base, in all four languages."""

from __future__ import annotations

import pytest

from knowledge.answers.types import Context, Offer, Outcome


def _offer(real_kb, *names: str, question: str = "How do I get to {} station?") -> list[Offer]:
    offers = []
    for name in names:
        cx = real_kb.resolve_station(name)[0].complex
        offers.append(Offer(cx.key, cx.name("en"), question.format(cx.name("en"))))
    return offers


def _asked(answerer, offers: list[Offer], lang: str = "en") -> Context:
    context = Context()
    answer = answerer.answer("How do I get to Seema station?", lang=lang, context=context,
                             offers=offers, station="강남")  # fmt: skip
    assert answer.outcome is Outcome.CLARIFY and answer.about == []
    assert all(o.name in answer.text for o in offers)
    assert context.offered == tuple(offers)
    return context


@pytest.mark.parametrize(
    ("lang", "yes"), [("en", "Yes."), ("ko", "네"), ("zh", "是的"), ("ja", "はい")]
)
def test_yes_answers_the_one_station_offered(answerer, real_kb, lang, yes) -> None:
    offers = _offer(real_kb, "세마")
    context = _asked(answerer, offers, lang)
    answer = answerer.answer(yes, lang=lang, context=context, station="강남")
    assert answer.outcome is Outcome.ANSWERED
    assert answer.about[-1] == offers[0].station
    assert context.offered == ()  # asked once


@pytest.mark.parametrize(
    ("lang", "no"), [("en", "No."), ("ko", "아니요"), ("zh", "不是"), ("ja", "いいえ")]
)
def test_no_ends_with_a_pointer_to_staff_not_another_question(answerer, real_kb, lang, no) -> None:
    context = _asked(answerer, _offer(real_kb, "세마", "서울역"), lang)
    answer = answerer.answer(no, lang=lang, context=context, station="강남")
    assert answer.outcome is Outcome.NO_INFORMATION and answer.about == []
    assert context.offered == ()


def test_a_name_picks_among_several_even_misheard(answerer, real_kb) -> None:
    offers = _offer(real_kb, "세마", "서울역", "신원")
    context = _asked(answerer, offers)
    answer = answerer.answer("Seema.", lang="en", context=context, station="강남")
    assert answer.outcome is Outcome.ANSWERED and answer.about[-1] == offers[0].station


@pytest.mark.parametrize("yes", ["Yes.", "Yeah"])
def test_yes_to_several_stations_picks_none(answerer, real_kb, yes) -> None:
    """It points to the staff, as a no does: not "I can only help with the subway"."""
    context = _asked(answerer, _offer(real_kb, "세마", "서울역"))
    answer = answerer.answer(yes, lang="en", context=context, station="강남")
    assert answer.outcome is Outcome.NO_INFORMATION and answer.about == []
    assert "staff" in answer.text


@pytest.mark.parametrize("said", ["So?", "Tickopark", "Syndrome"])
def test_a_short_reply_the_kiosk_cannot_read_points_to_the_staff(answerer, real_kb, said) -> None:
    """Replies of blind draws 9 and 10 ("So?" for "Sau.", "Tickopark" for "Technopark.") used
    to get "Sorry, I can only help with the subway" after "Did you mean …?"."""
    context = _asked(answerer, _offer(real_kb, "시우", "사우"))
    answer = answerer.answer(said, lang="en", context=context, station="강남")
    assert answer.outcome is Outcome.NO_INFORMATION and answer.about == []
    assert "staff" in answer.text and context.offered == ()


def test_a_new_question_after_an_offer_is_answered_as_asked(answerer, real_kb) -> None:
    context = _asked(answerer, _offer(real_kb, "세마"))
    answer = answerer.answer("Which lines stop at Jamsil?", lang="en", context=context,
                             station="강남")  # fmt: skip
    assert answer.about == [real_kb.resolve_station("잠실")[0].complex.key]
    context = _asked(answerer, _offer(real_kb, "세마"))
    answer = answerer.answer("Can you sing me a song?", lang="en", context=context)
    assert answer.outcome is Outcome.OUT_OF_SCOPE  # a longer question is read as a question


def test_a_reply_names_the_longer_station_not_the_one_inside_it(answerer, real_kb) -> None:
    """Among "Uijeongbu City Hall or City Hall", "Yujongbu City Hall" is the first (the name
    search alone finds the City Hall inside it)."""
    offers = _offer(real_kb, "의정부시청", "시청")
    context = _asked(answerer, offers)
    answer = answerer.answer("Yujongbu City Hall.", lang="en", context=context, station="강남")
    assert answer.about[-1:] == [offers[0].station]


@pytest.mark.parametrize(
    ("offered", "reply"),
    [(("의정부시청", "의정부"), "City Hall."), (("삼양사거리", "미아"), "Samyang.")],
)
def test_a_reply_naming_part_of_an_offered_name_is_not_answered(
    answerer, real_kb, offered, reply
) -> None:
    """ "City Hall." to "Uijeongbu City Hall or Uijeongbu?" may be Whisper keeping the part it
    knows, "Samyang." to "Samyang Sageori or Mia?" a passenger correcting the kiosk: no answer
    about either station, a pointer to the staff (the question is asked once)."""
    context = _asked(answerer, _offer(real_kb, *offered))
    answer = answerer.answer(reply, lang="en", context=context, station="강남")
    assert answer.outcome is Outcome.NO_INFORMATION and answer.about == []


@pytest.mark.parametrize("lang", ["en", "ko", "zh", "ja"])
def test_a_station_said_but_not_heard_is_asked_for(answerer, lang) -> None:
    """The voice heard a station where the question puts one, but not which ("Which lines do
    Tachogistation?"): the kiosk says what it heard and asks, in the passenger's language."""
    context = Context()
    asked = answerer.answer("Which lines do Tachogistation?", lang=lang, context=context,
                            unheard=True, station="강남")  # fmt: skip
    assert asked.outcome is Outcome.CLARIFY and asked.about == [] and asked.offered == ()
    assert "Tachogistation" in asked.text and context.asked


@pytest.mark.parametrize(
    ("question", "intent"),
    [("Which lines do Tachogistation?", "lines"), ("Where is the elevator at the station?",
     "elevator"), ("How do I get to the station?", "route")],
)  # fmt: skip
def test_the_name_alone_then_answers_the_question_asked(answerer, real_kb, question, intent):
    context = Context()
    answerer.answer(question, lang="en", context=context, unheard=True, station="강남")
    answer = answerer.answer("Sadang station.", lang="en", context=context, station="강남")
    sadang = real_kb.resolve_station("사당")[0].complex.key
    assert answer.outcome is Outcome.ANSWERED and answer.about[-1] == sadang
    assert answer.intent == intent and not context.asked


def test_this_station_answers_for_here_not_a_station_asked_about_before(answerer, real_kb):
    context = Context()
    answerer.answer("Which lines stop at Jamsil?", lang="en", context=context, station="강남")
    answerer.answer("Where is the elevator at the station?", lang="en", context=context,
                    unheard=True, station="강남")  # fmt: skip
    answer = answerer.answer("This station.", lang="en", context=context, station="강남")
    gangnam = real_kb.resolve_station("강남")[0].complex.key
    assert answer.outcome is Outcome.ANSWERED and answer.about == [gangnam]
    assert answer.intent == "elevator"


def test_a_second_miss_points_to_the_staff(answerer) -> None:
    context = Context()
    answerer.answer("What line is 10G on-man?", lang="en", context=context, unheard=True)
    answer = answerer.answer("Mmm.", lang="en", context=context, unheard=True, station="강남")
    assert answer.outcome is Outcome.NO_INFORMATION and not context.asked


def test_a_short_reply_to_which_station_the_kiosk_cannot_read_points_to_the_staff(
    answerer,
) -> None:
    """ "This station." said back to "Which station do you mean?" was written "Distration"
    (blind draw 12) and got "I can only help with the subway"."""
    for reply, outcome in (("Distration", Outcome.NO_INFORMATION), ("This station.", None)):
        context = Context()
        asked = answerer.answer("Where is the elevator at the station?", lang="en",
                                context=context, unheard=True, station="강남")  # fmt: skip
        assert asked.outcome is Outcome.CLARIFY and context.asked
        answer = answerer.answer(reply, lang="en", context=context, station="강남")
        if outcome is None:
            assert answer.outcome is Outcome.ANSWERED and answer.about == ["강남"], reply
        else:
            assert answer.outcome is outcome and "staff" in answer.text, reply


def test_a_japanese_name_said_back_picks_its_offer_by_sound(answerer, real_kb) -> None:
    """Whisper writes a name said back in Japanese as it heard it ("どんでもです" for
    "トンデムンです"): the offered name that sounds most like it is meant."""
    offers = []
    for ko in ("동대문", "동묘앞"):
        cx = real_kb.resolve_station(ko)[0].complex
        offers.append(Offer(cx.key, cx.name("ja"), f"{cx.name('ja')}駅までどうやって行きますか？"))
    for reply, meant in (("どんでもです。", 0), ("トンミョアプです", 1)):
        context = _asked(answerer, offers, lang="ja")
        answer = answerer.answer(reply, lang="ja", context=context, station="강남")
        assert answer.about[-1:] == [offers[meant].station], reply


@pytest.mark.parametrize(
    ("lang", "rest", "here"),
    [("ja", "何号線ですか？", "ここは何号線ですか？"),
     ("en", "What line is it on?", "Which lines stop here?")],
)  # fmt: skip
def test_the_rest_of_a_sentence_cut_at_a_pause_is_not_answered_for_here(
    answerer, real_kb, lang, rest, here
) -> None:
    """A slow "ヨンジョン駅は … 何号線ですか" was cut in two at the pause: the kiosk asked about
    the first part and answered the second with its own station's lines."""
    for said, about_here in ((rest, False), (here, True)):
        context = _asked(answerer, _offer(real_kb, "영종"), lang=lang)
        answer = answerer.answer(said, lang=lang, context=context, station="강남")
        if about_here:
            assert answer.about == ["강남"], said
        else:
            assert answer.outcome is Outcome.NO_INFORMATION and answer.about == [], said


@pytest.mark.parametrize("said", ["ハイ!", "はーい", "ハイエ", "ハイ"])
def test_a_japanese_yes_written_as_whisper_half_heard_it_is_a_yes(answerer, real_kb, said) -> None:
    """Held-out Japanese draw 3: Kokoro's "はい。" was written ハイ!, はーい, ハイエ or ハイ 22
    times, and each went to the staff."""
    offers = [Offer("구로", "クロ", "クロ駅は何号線ですか？")]
    context = _asked(answerer, offers, lang="ja")
    answer = answerer.answer(said, lang="ja", context=context, station="강남")
    assert answer.outcome is Outcome.ANSWERED and answer.about == ["구로"], answer.text
    context = _asked(answerer, offers, lang="ja")
    no = answerer.answer("イイエ", lang="ja", context=context, station="강남")
    assert no.outcome is Outcome.NO_INFORMATION and no.about == []
