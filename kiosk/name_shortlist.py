"""Which stations a doubtful place in a heard sentence could be: the name check's shortlist.

The name check (`kiosk.name_check`) can only pick a station it scores against the audio, and
each scored reading costs ~10 ms on two cores, so the shortlist decides what it can find. The
first two sources rank every station and the shortlist takes their best in turns; the third
adds a few stations more:

- the slot's spelling: Whisper writes a name it half-knows in near spelling ("Somziong");
- the sentence's short runs of words, by spelling and by sound: a name it does not know comes
  out as English words ("your widow" for Yeouido), and the rules' slot may hold only part of
  them ("Sagae" of "Sagae-yong");
- Whisper's own runners-up for the words at the slot (`voice.stt.WhisperTranscriber.
  continue_reading`): other spellings of the same sounds ("gyroom", "guy room" beside
  "Gairung" for Gireum), which reach names the written words do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from kiosk.heard_words import NAME_WORDS, ends_a_place, spans
from knowledge.records import StationComplex
from knowledge.textnorm import latin_key, spelled_out
from voice.sounds_like import EnglishSounds, hangul_key

EXTRA = 4
"""Stations Whisper's runners-up may add to a shortlist of the written words' likeliest."""
GUESS_LIKENESS = 0.6
"""How alike a runner-up's words and a station's name must be for it to add the station."""
RUN_WORDS = 3
"""Words of a runner-up reading taken as a name ("guy room")."""
NEIGHBOURS = 4
"""Sound-alikes of a station named exactly that are scored against it (`neighbours`)."""
LONGER = 2
"""Longer names that begin with a station's name, scored beside its sound-alikes."""
NEIGHBOUR_LIKENESS = 0.7
"""How alike two stations' names must be to be sound-alikes: Sanbon and Sangbong 0.75,
Yangwon and Yangchon 0.86."""


@dataclass(frozen=True, slots=True)
class StationKeys:
    """A station's keys: its English name's spelling key and its sound keys (the English name
    as espeak-ng reads it, the Korean name read by rule)."""

    station: StationComplex
    spelling: str
    sounds: tuple[str, str]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A shortlisted station and the heard words its name would replace ("" when the name was
    dropped: it goes where the question puts a station)."""

    station: StationComplex
    span: str


class Shortlister:
    """Shortlists of `size` stations over the knowledge base's names (English spelling, and
    sound through `sounds` when espeak-ng is there)."""

    def __init__(
        self, kb: Any, size: int, sounds: EnglishSounds | None = None, extra: int = EXTRA
    ) -> None:
        self.kb = kb
        self.size = size
        self.extra = extra
        self.sounds = sounds
        self._keys: tuple[int, list[StationKeys]] | None = None
        """(KB version, every station's keys), built once per version."""
        self._neighbours: dict[str, list[StationComplex]] = {}

    def station_keys(self) -> list[StationKeys]:
        version = getattr(self.kb, "version", 0)
        if self._keys is None or self._keys[0] != version:
            stations = [cx for cx in self.kb.complexes() if cx.names.get("en")]
            english = [spelled_out(cx.names["en"]) for cx in stations]
            read = self.sounds.keys(english) if self.sounds else [""] * len(stations)
            keys = [
                StationKeys(cx, latin_key(en), (said, hangul_key(cx.names.get("ko", ""))))
                for cx, en, said in zip(stations, english, read, strict=True)
            ]
            self._keys = (version, keys)
            self._neighbours = {}
        return self._keys[1]

    def neighbours(self, station: StationComplex) -> list[StationComplex]:
        """The `NEIGHBOURS` stations whose names are likeliest to be heard as `station`'s (at
        least `NEIGHBOUR_LIKENESS` alike by spelling or by sound), most alike first, then up to
        `LONGER` whose names begin with its name."""
        keys = self.station_keys()
        if station.key not in self._neighbours:
            own = next((k for k in keys if k.station.key == station.key), None)
            if own is None:
                return []
            like = _likeness([own.spelling], [k.spelling for k in keys])[0]
            for column in (0, 1):  # heard as the English name is read, or the Korean name
                said = [k.sounds[column] for k in keys]
                like = np.maximum(like, _likeness([own.sounds[0]], said)[0])
            order = np.argsort(-like, kind="stable")
            near = [keys[j].station for j in order if like[j] >= NEIGHBOUR_LIKENESS]
            near = [cx for cx in near if cx.key != station.key][:NEIGHBOURS]
            # Longer names that begin with it: Whisper wrote "Samyang subway" for Samyang
            # Sageori (blind draw 14), and Samyang was answered.
            said = spelled_out(station.names["en"]).lower() + " "
            longer = [k.station for k in keys
                      if spelled_out(k.station.names["en"]).lower().startswith(said)]  # fmt: skip
            self._neighbours[station.key] = near + [cx for cx in longer if cx not in near][:LONGER]
        return self._neighbours[station.key]

    def shortlist(
        self,
        text: str,
        slot: str,
        current: StationComplex | None = None,
        unprompted: str = "",
        runners_up: Sequence[str] = (),
    ) -> list[Candidate]:
        """Stations for the `slot` words of `text`: `current`, the rules' own pick, first; then
        `size` in all taken in turns from the rankings by the slot's spelling and by the
        sentence's runs of words; then up to `extra` more like Whisper's `runners_up` for the
        slot (the only source for a dropped name). `unprompted` is what Whisper wrote without
        its prompt of names: its words stand for the slot."""
        keys = self.station_keys()
        named = len(latin_key(slot)) >= 2  # "" or "a": the name was dropped
        # Words of the unprompted reading stand for the slot: they are not in the sentence.
        replaces = dict.fromkeys(spans(unprompted), slot) | {s: s for s in spans(text) | {slot}}
        runs = sorted(replaces) if named else []
        guesses = [run for reading in runners_up for run in _leading_runs(reading)]
        like = self._likeness([*runs, *guesses], keys)
        chosen: dict[str, Candidate] = {}
        if current is not None:
            chosen[current.key] = Candidate(current, slot)
        if named:
            by_slot = _likeness([latin_key(slot)], [k.spelling for k in keys])[0]
            by_run = like[: len(runs)]
            best_run = by_run.argmax(axis=0)
            turns = zip_longest(
                np.argsort(-by_slot, kind="stable"),
                np.argsort(-by_run.max(axis=0), kind="stable"),
            )
            for slot_pick, run_pick in turns:
                for j, span in ((slot_pick, slot), (run_pick, None)):
                    if j is not None and len(chosen) < self.size:
                        said = span or replaces[runs[best_run[j]]]
                        chosen.setdefault(keys[j].station.key, Candidate(keys[j].station, said))
                if len(chosen) >= self.size:
                    break
        if guesses:
            # Whisper's runners-up add names beyond the written words, only where alike.
            by_guess = like[len(runs) :].max(axis=0)
            added = 0
            for j in np.argsort(-by_guess, kind="stable"):
                if by_guess[j] < GUESS_LIKENESS or added == self.extra:
                    break
                if keys[j].station.key not in chosen:
                    chosen[keys[j].station.key] = Candidate(keys[j].station, slot)
                    added += 1
        return list(chosen.values())

    def names_said(self) -> tuple[list[StationComplex], list[str]]:
        """Every station with an English name, and the name as said ("University", not
        "Univ."), in the same order."""
        stations = [k.station for k in self.station_keys()]
        return stations, [spelled_out(cx.names["en"]) for cx in stations]

    def _likeness(self, words: list[str], keys: list[StationKeys]) -> np.ndarray:
        """[words, station] likeness: the best of spelling, the English name's sound and the
        Korean name's sound (one espeak-ng run for all the words)."""
        if not words:
            return np.zeros((0, len(keys)))
        like = _likeness([latin_key(w) for w in words], [k.spelling for k in keys])
        heard = self.sounds.keys(words) if self.sounds else [""] * len(words)
        for column in (0, 1):  # the English name as read aloud, the Korean name
            like = np.maximum(like, _likeness(heard, [k.sounds[column] for k in keys]))
        return like


def _leading_runs(reading: str) -> list[str]:
    """The first 1-`RUN_WORDS` words of a runner-up reading of the slot, up to a word no name
    holds ("Jonah from here" gives "Jonah")."""
    lead: list[str] = []
    for word in NAME_WORDS.findall(reading):
        if ends_a_place(word) or len(lead) == RUN_WORDS:
            break
        lead.append(word)
    return [" ".join(lead[:n]) for n in range(1, len(lead) + 1) if len(latin_key(lead[0])) >= 2]


def _likeness(heard: list[str], names: list[str]) -> np.ndarray:
    """[heard, name] similarity in [0, 1] (edit distance, in C++ over every pair); a missing
    key (no espeak-ng, no Korean name) is like nothing, not like another missing key."""
    heard = [h or "\0" for h in heard]
    names = [n or "\1" for n in names]
    return cdist(heard, names, scorer=Levenshtein.normalized_similarity, workers=1)
