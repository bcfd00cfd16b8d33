"""Station names heard from any voice: a doubtful name is re-scored against the audio.

Whisper base writes a Korean station name inside an English sentence as English words ("your
legal arm" for Yeouido, "Daegok Dion" for Deokgye). When the understanding finds the place
doubtful (a place it cannot name, a name matched only by spelling likeness, a name with
unexplained words beside it: "Yujongbu City Hall" is not City Hall, a capitalised unknown
name where the answer would be about the kiosk's own station, or a name of Whisper's prompt
that Whisper does not write without the prompt), station names spelled or sounding like the
heard words or like Whisper's own runners-up for them are shortlisted (`kiosk.name_shortlist`)
and Whisper's decoder scores the sentence with each of them against the same encoder output.
The likeliest readings become a question ("Did you mean Yeouido or Oido?"), answered by yes,
no or a name; an overwhelming winner replaces the heard words; readings far less likely than
what Whisper wrote mean no station was said, and the kiosk says back what it heard (that
decision: `kiosk.name_decision`). A name that is not doubtful is still checked against its
sound-alikes (`kiosk.name_neighbours`: "Sanbon" written for Sangbong); a question answered for
the kiosk's own station that does not say so, from a transcript Whisper was unsure of, asks
which station, and so does one that follows an utterance the kiosk did not hear (the rest of
a sentence cut at a pause); the reply to the question back is `kiosk.name_replies`. Japanese
questions have their own check (`kiosk.name_check_ja`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from kiosk.heard_words import (
    closest_span,
    dropped_place,
    prompted_names,
    proper_name,
    put_between,
    put_name,
    trim,
    unglued,
    with_unexplained_neighbours,
    words_around,
)
from kiosk.name_check_ja import KanaNameChecker, names_nothing
from kiosk.name_decision import NameCheck, Reading, decide, nothing_near
from kiosk.name_neighbours import sound_alikes_heard
from kiosk.name_replies import REPLIES, ReplyChecker
from kiosk.name_shortlist import Candidate, Shortlister
from knowledge.answers.offers import here_unsaid
from knowledge.answers.types import Context, Intent, Offer
from knowledge.answers.understand import Understood
from knowledge.records import StationComplex
from knowledge.textnorm import name_key, spelled_out
from voice.sounds_like import EnglishSounds
from voice.stt_guards import Transcript

HERE_UNSURE = -0.5
"""Below this mean token log-probability, a question answered for the kiosk's own station
without saying so ("here", "this station") asks which station instead. Blind draw 12 answered
"Which line's half-side pavement?" (Daebang), "…the elevator accused of?" (Gusan) and "What
line does the U.N. have found?" (Neunggok) for here. Of the spoken set's questions about
here, re-transcribed, about one in ten fell below -0.5 without a word saying here ("We can't
get past the elevator."): asked which station, they are answered after "This station."."""
SHORTLIST = 12
"""Readings scored per doubtful name by the written words (~10 ms each on two cores). On
held-out draw 3 the station said was among the first 8 for 64 of 132 doubtful questions, the
first 12 for 72, the first 16 for 75 (`scripts/measure_shortlist.py`)."""
RUNNERS_UP = 8
"""Whisper's runners-up for the words at a doubtful place, shortlisted by likeness (one beam
search from the kept encoder output, ~70 ms)."""
NAMES_HEARD = 0
"""Stations added, when the shortlist found nothing near what Whisper wrote, as the names the
decoder expects at the place out of all (`voice.name_trie`); 0: off. On draw 3 it found the
name said for 10 of 52 shortlist misses, yet right or offered right went 78 -> 80 of 187 with
4 always added and stayed 78 if added only when nothing was near; on blind draw 8, 73 of 211
right after one confirmation either way, for ~130 ms a doubtful turn."""
TRIE_BRANCHES = 4
"""First tokens followed a step further in that ranking (~20 ms each; 8 found 1 more of 52)."""


class ReadingScorer(Protocol):
    """`voice.stt.WhisperTranscriber`: readings scored against the audio, the audio read again
    without the prompt, Whisper's runners-up for what follows a part of the sentence, and
    how likely it finds each of many names between two parts."""

    def score_readings(self, heard: Transcript, lang: str, sentences: list[str]) -> list[float]: ...

    def reread(self, heard: Transcript) -> str: ...

    def continue_reading(self, heard: Transcript, prefix: str, count: int) -> list[str]: ...

    def rank_names(
        self, heard: Transcript, before: str, after: str, names: list[str], branches: int
    ) -> list[float]: ...


@dataclass(frozen=True, slots=True)
class _Doubt:
    slot: str
    """The heard words a station's name may stand for ("" when the name was dropped)."""
    current: StationComplex | None = None
    """The station the rules took them for."""
    unprompted: str = ""
    """What Whisper wrote without its prompt, when that was asked."""
    dropped: bool = False
    """The rules took no station there: the answer would have been about here."""


class NameChecker:
    """Re-scores doubtful station names in `languages` (English) and in Japanese
    (`KanaNameChecker`). Whisper writes Korean and Chinese station names in their own script,
    where the name search works; no voice could test them."""

    def __init__(
        self,
        scorer: ReadingScorer,
        understander: Any,
        *,
        languages: tuple[str, ...] = ("en",),
        shortlist: int = SHORTLIST,
        sounds: EnglishSounds | None = None,
        runners_up: int = RUNNERS_UP,
        names_heard: int = NAMES_HEARD,
    ) -> None:
        self.scorer = scorer
        self.understander = understander
        self.languages = languages
        self.runners_up = runners_up
        self.names_heard = names_heard
        self.shortlister = Shortlister(understander.kb, shortlist, sounds)
        self.kana = KanaNameChecker(scorer, understander.kb)

    def warm(self) -> None:
        """Read every station's name keys now (about a second), not in a passenger's turn."""
        self.shortlister.station_keys()
        self.kana.warm()

    def check(
        self, transcript: Transcript, station: str, context: Context | None = None
    ) -> NameCheck:
        """The question to answer for `transcript` at the kiosk in `station`."""
        text, lang = transcript.text, transcript.language
        plain = NameCheck(text)
        if lang == "ja" and transcript.encoded is not None:
            return self._check_japanese(transcript, station, context)
        if lang not in self.languages or transcript.encoded is None:
            return plain
        if (apart := unglued(text)) != text:
            transcript = replace(transcript, text=apart)
            text, plain = apart, NameCheck(apart)
        found = self.understander.kb.resolve_station(station)
        here = found[0].complex if found else None
        understood = self.understander.understand(text, lang, here, context)
        if rest_of_a_sentence(understood, here, context):
            return NameCheck(text, rescored=True, unheard=True)
        doubt = self._doubt(transcript, understood, here)
        if doubt is None:
            named = understood.stations
            away = [m for m in named if here is None or m.complex.key != here.key]
            neighbours = self.shortlister.neighbours
            checked = sound_alikes_heard(transcript, away, neighbours, self.scorer) or plain
        else:
            checked = self._rescore(transcript, doubt, here)
            checked = checked or NameCheck(text, unheard=doubt.dropped)
        if checked.offers and context is not None and context.asked:
            return NameCheck(text, rescored=True, unheard=True)  # the kiosk asks once
        return checked

    def _check_japanese(
        self, transcript: Transcript, station: str, context: Context | None
    ) -> NameCheck:
        """A Japanese question's unknown place, re-scored (`kiosk.name_check_ja`)."""
        found = self.understander.kb.resolve_station(station)
        here = found[0].complex if found else None
        understood = self.understander.understand(transcript.text, "ja", here, context)
        if names_nothing(transcript.text, understood, here) or rest_of_a_sentence(
            understood, here, context
        ):
            return NameCheck(transcript.text, rescored=True, unheard=True)
        checked = self.kana.check(transcript, understood) or NameCheck(transcript.text)
        if checked.offers and context is not None and context.asked:
            return NameCheck(transcript.text, rescored=True, unheard=True)  # it asks once
        return checked

    def _rescore(
        self, transcript: Transcript, doubt: _Doubt, here: StationComplex | None
    ) -> NameCheck | None:
        """The readings of the doubtful words as each shortlisted station, decided on; None
        when no station could stand there."""
        text, lang = transcript.text, transcript.language
        around = words_around(text, doubt.slot)
        heard_next: list[str] = []
        if around is not None and self.runners_up:
            heard_next = self.scorer.continue_reading(transcript, around[0], self.runners_up)
        candidates = self.shortlister.shortlist(
            text, doubt.slot, doubt.current, doubt.unprompted, heard_next
        )
        heard_score, readings = self._read(transcript, candidates, around)
        if around is not None and self.names_heard and nothing_near(heard_score, readings):
            # Look wider only when the shortlist found nothing near what Whisper wrote: added
            # always, the names expected pushed right ones out of the three offered as often
            # as they brought others in.
            shortlisted = {c.station.key for c in candidates}
            wider = [c for c in self._names_expected(transcript, around, doubt.slot)
                     if c.station.key not in shortlisted]  # fmt: skip
            heard_score, more = self._read(transcript, wider, around, heard_score)
            readings = sorted([*readings, *more], key=lambda r: -r.score)
        if heard_score is None or not readings:
            return None
        unsure = not transcript.ok or doubt.dropped  # a place heard as other words: ask
        checked = decide(
            NameCheck(text), readings, heard_score, lang, doubt.current, unsure=unsure,
            dropped=doubt.dropped,
        )  # fmt: skip
        checked = self._about_the_name(checked, readings[0], text, doubt.slot, lang, here)
        offers = tuple(o for o in checked.offers if here is None or o.station != here.key)
        if (
            here is not None
            and offers != checked.offers
            and self._route_to(here, text, lang, doubt.slot, around)
        ):
            return replace(checked, offers=offers, unheard=not offers)  # "… or Gangnam?"
        return checked

    def _about_the_name(
        self,
        checked: NameCheck,
        best: Reading,
        text: str,
        slot: str,
        lang: str,
        here: StationComplex | None,
    ) -> NameCheck:
        """`checked` with each question to answer (the offers', or the `best` reading taken)
        about its station. A reading scored with part of the heard place replaced keeps the
        rest ("What line is Chuncheon-ong?", "How do I go to the Dalmi Center?"): right for
        the audio, but answered, after a yes, as a station nobody knows. Such a question
        gets the whole place replaced instead."""

        def about(question: str, key: str) -> str:
            if key in self.understander.understand(question, lang, here).about():
                return question
            name = spelled_out(self.understander.kb.complex(key).name(lang))
            whole = put_name(text, slot, name) if slot else None
            if whole and key in self.understander.understand(whole, lang, here).about():
                return whole
            return question

        if checked.question == best.question and not checked.offers:
            return replace(checked, question=about(best.question, best.station.key))
        offers = tuple(replace(o, question=about(o.question, o.station)) for o in checked.offers)
        return replace(checked, offers=offers)

    def _route_to(
        self,
        here: StationComplex,
        text: str,
        lang: str,
        slot: str,
        around: tuple[str, str] | None,
    ) -> bool:
        """The question asks the way to the place, so it is not the kiosk's own station:
        "Hangnyeoul." said back to "Hangnyeoul or Gangnam?" was written "Gangnam" and answered
        for the Gangnam kiosk. Read with here's name as from nowhere (from here it reads as a
        question about here); a question about lines ("Which lines go to …") may be here."""
        reading = _reading(text, Candidate(here, slot), around, lang)
        if reading is None or {"line", "lines"} & set(reading.lower().split()):
            return False
        return self.understander.understand(reading, lang, None, None).intent is Intent.ROUTE

    def _read(
        self,
        transcript: Transcript,
        candidates: list[Candidate],
        around: tuple[str, str] | None,
        heard_score: float | None = None,
    ) -> tuple[float | None, list[Reading]]:
        """The heard sentence's score (scored too unless given) and the candidates' readings,
        likeliest first. Names as said: "Hongik Univ." would be scored as "University"."""
        text, lang = transcript.text, transcript.language
        put = [(c, _reading(text, c, around, lang)) for c in candidates]
        kept = [(c, r) for c, r in put if r is not None]
        if not kept:
            return heard_score, []
        sentences = [r for _, r in kept]
        if heard_score is None:
            heard_score, *scores = self.scorer.score_readings(transcript, lang, [text, *sentences])
        else:
            scores = self.scorer.score_readings(transcript, lang, sentences)
        pairs = zip((c.station for c, _ in kept), sentences, scores, strict=True)
        return heard_score, sorted((Reading(*pair) for pair in pairs), key=lambda r: -r.score)

    def _names_expected(
        self, transcript: Transcript, around: tuple[str, str], slot: str
    ) -> list[Candidate]:
        """The `names_heard` stations whose names the decoder finds likeliest between the
        words around the place, out of every station (`voice.name_trie`)."""
        stations, said = self.shortlister.names_said()
        ranks = self.scorer.rank_names(transcript, *around, said, TRIE_BRANCHES)
        best = sorted(range(len(said)), key=lambda i: -ranks[i])[: self.names_heard]
        return [Candidate(stations[i], slot) for i in best if ranks[i] > float("-inf")]

    def choose(self, transcript: Transcript, offered: tuple[Offer, ...]) -> NameCheck:
        """The reply to the kiosk's "Did you mean …?" (`kiosk.name_replies`)."""
        if not transcript.text or transcript.language not in REPLIES:
            return NameCheck(transcript.text)
        return ReplyChecker(self.scorer, self.understander).choose(transcript, offered)

    def _doubt(
        self, transcript: Transcript, u: Understood, here: StationComplex | None
    ) -> _Doubt | None:
        """What is doubtful about the heard place as `u` understood it, or None when sure."""
        text, lang = transcript.text, transcript.language
        if u.intent in (Intent.REFUSED, Intent.REPEAT):
            return None
        if u.unresolved_place and u.heard_place:
            return _Doubt(trim(u.heard_place))
        for m in u.stations:
            said = m.method != "fuzzy" and name_key(m.matched) in name_key(text)
            if m.method == "place" or (m.others and said):
                # A nickname or a shared name said as such: the understanding asks; not a
                # nickname glued to odd words ("Hongdae-rang-on-cheon": Onyang oncheon).
                glued = with_unexplained_neighbours(text, m.matched, lang)
                if m.method == "place" and glued is not None:
                    return _Doubt(glued, m.complex)
                continue
            if not said:
                # a likeness, or a spelling-insensitive key: "Sun" is not said "Suwon"
                return _Doubt(closest_span(text, m.matched), m.complex)
            span = with_unexplained_neighbours(text, m.matched, lang)
            if span is not None:
                return _Doubt(span, m.complex)
            name = name_key(m.complex.name(lang))
            if name in prompted_names(transcript.prompt):
                # The prompt names here and the hubs; on the spoken set it turned Danggok,
                # Sadang and Wonsi into Gangnam, Seoul Station and Wangsimni.
                again = self.scorer.reread(transcript)
                if name not in name_key(again):
                    return _Doubt(trim(m.matched), m.complex, again)
        if u.stations:
            return None
        if u.intent is not Intent.UNKNOWN and (slot := dropped_place(text, lang)) is not None:
            return _Doubt(slot, dropped=True)  # "Which lines do Tachogistation?": not here
        about_here = here is not None and u.about() == [here.key]
        if name := proper_name(text, lang):
            # "…the elevator at your own Gongpo market?": not here, so asked if not heard
            return _Doubt(name, dropped=about_here)
        if (
            about_here
            and transcript.ok  # below the guard it is dropped as before, not asked about
            and transcript.avg_logprob < HERE_UNSURE
            and here_unsaid(u, text)
        ):
            return _Doubt("", dropped=True)  # "Which line's half-side pavement?": ask which
        return None


def rest_of_a_sentence(
    understood: Understood, here: StationComplex | None, context: Context | None
) -> bool:
    """A question answered for here without saying so, right after an utterance the kiosk did
    not hear: a slow speaker's pause after the name cut the question in two, Whisper was unsure
    of the first part ("ノッポン駅に"), and the rest ("エレベーターはありますか") was answered
    with the kiosk's own elevators (held-out Japanese draw 2, five times). It asks which
    station instead."""
    return (
        context is not None
        and context.unheard_before
        and here is not None
        and understood.about() == [here.key]
        and here_unsaid(understood, understood.text)
    )


def _reading(
    text: str, candidate: Candidate, around: tuple[str, str] | None, lang: str
) -> str | None:
    """`text` with the candidate's name (as said: "Hongik University", not "Univ.") in place
    of its heard words, or where the question put a dropped name."""
    name = spelled_out(candidate.station.name(lang))
    if candidate.span:
        return put_name(text, candidate.span, name)
    return put_between(around[0], name, around[1]) if around is not None else None
