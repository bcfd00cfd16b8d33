"""Where a heard sentence holds, or dropped, a station name (`kiosk.heard_words`).

The dropped names are what Whisper base wrote for synthetic speakers naming a station on the
spoken set's earlier draws (scripts/spoken_set.py), each answered then for the kiosk's own
station; the questions about here are the spoken set's unnamed questions and other ways a
passenger asks about the station they stand in."""

from __future__ import annotations

import pytest

from kiosk.heard_words import dropped_place, names_apart, unglued
from knowledge.answers.question_text import says_here
from tests.kit.scripts import load_script

DROPPED = {
    "Where is the elevator at the station?": "",  # said: at Sinjeong station
    "Is there an elevator at the station?": "",  # said: at Yeonsinnae station
    "There is the elevator at the station": "",
    "Which line do you see on stations?": "you see",  # said: Which lines go to Guseong station?
    "What line is 10G on-man?": "10G on-man",  # said: What line is Tangjeong on?
    "Which lines do Tachogistation?": "Tachogistation",  # said: Which lines go to Choji station?
    "Which lines tops at G-O-B-Y-On?": "G-O-B-Y-On",  # said: Geolpo Bukbyeon
    "Where can I find the elevator at the front of the bus stop?": "front",  # Mongchontoseong
    "Which line stops and government complex graduate?": "government complex graduate",
    "How do I get to the station?": "",
    "Which line stops at an eyeing?": "eyeing",  # said: Unyang
    "What subway line is being stationed on?": "being stationed",  # said: Baengma station
    "Which lines dota sit on taxation?": "taxation",  # said: Seonhak station
    "Which line stops at 3?": "3",  # said: Taereung
    "Where is the elevator at from the out station?": "",  # said: at Gongdeok station
    "Which line stops Edel?": "Edel",  # said: Which line stops at Guil?
    "Where can I find the elevator at my innmok?": "my innmok",  # said: at Myeonmok?
    "Which lines go the bar and park stations?": "bar",  # said: to Boramae Park station
    "What line does go say it on?": "go say it",  # said: What line is Gosaek on?
    "Which line's got a ticket or media service station?": "ticket or media service",  # DMC
    "Which lines have stopped using?": "using",  # said: Which line stops at Yeonsinnae?
}

HERE = [
    # The spoken set's questions about the kiosk's own station, and a few more.
    *(q for questions in load_script("spoken_set").HERE_TEMPLATES.values() for q in questions),
    "Is there an elevator for my wheelchair?",
    "Where is the nearest toilet?",
    "Which exit should I take?",
    "Is this Line 2?",
    "Where do I transfer to Line 9?",
    "How do I get to this station's exit 3?",
    "Is the toilet in the station?",
    "Where does this train go?",
    "Which lines stop here, please?",
    "The rail lines are at this stage.",  # said: Which subway lines stop at this station?
    "Which lines go through this station?",
    "Which lines go the way to this station?",
    "What line is it on?",
    "Which line is the next station on?",
    "Where is the nearest station?",
    "What line is the station on?",
    "Which lines have stopped here?",
]


@pytest.mark.parametrize("heard", sorted(DROPPED))
def test_a_name_dropped_or_written_as_other_words_is_found(heard: str) -> None:
    assert dropped_place(heard, "en") == DROPPED[heard]


@pytest.mark.parametrize("heard", HERE)
def test_a_question_about_here_drops_no_name(heard: str) -> None:
    assert dropped_place(heard, "en") is None


def test_station_glued_to_a_name_is_written_apart() -> None:
    assert unglued("Which lines go to Jongkestation?") == "Which lines go to Jongke station?"
    assert unglued("Which lines go to Jamsil station?") == "Which lines go to Jamsil station?"
    assert unglued("Which station is this? Stations.") == "Which station is this? Stations."


def test_a_reply_naming_an_offer_by_ordinary_words_names_it() -> None:
    """Held-out draw 6: "Seoul Station" said back to "Sosa, Seoul Station or Chowol?" was
    written right and pointed to the staff: "Seoul" and "Station" had been dropped as ordinary
    words. Ordinary words the reply adds to another name still say nothing."""
    offered = ["Sosa", "Seoul Station", "Chowol"]
    assert names_apart("Seoul Station.", "en", "Seoul Station", offered)
    assert names_apart("Chowol station.", "en", "Chowol", offered)
    assert not names_apart("Seoul.", "en", "Sosa", offered)


def test_a_reply_names_an_offer_by_what_sets_it_apart() -> None:
    offered = ["Anguk", "Hanyang Univ.", "Hongik Univ."]
    assert names_apart("Hongik University.", "en", "Hongik Univ.", offered)
    assert names_apart("Hanyang.", "en", "Hanyang Univ.", offered)
    for other in offered:  # "University" is shared: "Hanik" alone is like none of them
        assert not names_apart("Hanik University.", "en", other, offered)
    assert names_apart("Sillim.", "en", "Sillim", ["Itaewon", "Sillim", "Sinimun"])


def test_this_says_here_only_where_it_points_at_a_station() -> None:
    """Whisper writes "this" inside a name it did not know ("What line this by our by our
    grandma?", Byeollae Byeolgaram): that sentence names no station here."""
    for said in ("What line is this?", "Is there an elevator in this station?", "Is this Line 2?",
                 "Which lines stop here?", "Is this stop Gangnam?",
                 "What line is this? It's known."):  # fmt: skip
        assert says_here(said, "en"), said
    for heard in ("What line this by our by our grandma?", "This way is at Simbaung.",
                  "What is this taxi on?"):  # fmt: skip
        assert not says_here(heard, "en"), heard
