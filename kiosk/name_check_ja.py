"""Doubtful station names in Japanese questions, re-scored against the audio (`kiosk.name_check`
does English).

Whisper writes a Korean station name it half-hears in a Japanese sentence as other katakana
(チャムシル as シャムシル), as hiragana or as kanji of like sounds (ソッス駅 as 即席), and 駅 as
a homophone (液, エキ) or glued to the name (ヤモクエキ). The rules then find no station there
and the kiosk said it knew none by that name. Here the heard place is read for its sounds
(`languages.ja.sounds`), the stations whose names sound likeliest are put in its place, and
Whisper's decoder scores each sentence against the same encoder output. The kiosk then asks
("チャムシルのことですか？"): a Japanese reading is never taken unasked. Measured on the
spoken Japanese set (`scripts/spoken_set_ja.py`, README "Japanese").
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from kiosk.name_decision import NameCheck, Reading, decide
from kiosk.name_neighbours import Scorer
from knowledge.answers.offers import here_unsaid
from knowledge.answers.types import Intent
from knowledge.answers.understand import Understood
from knowledge.records import StationComplex
from languages.ja.hangul_kana import hangul_to_katakana
from languages.ja.sounds import sound_key
from voice.stt_guards import Transcript

SHORTLIST_JA = 12
"""Stations scored per doubtful place (~10 ms each on two cores)."""
STATION_SOUNDS = re.compile(r"(?:駅|液|えき|エキ|ネキ|ゲキ|激|的)$")
"""駅 as Whisper writes it after a name it did not know: the homophone 液, in kana, or run
into the name's last sound (サンヨン駅 as "3ヨネキ", ポムゲ駅 as "ポムゲーキ"), or as 的 and 激."""
STATION_SOUND = "eki"
"""駅 said after the name, in `sound_key`: written into kanji with it (ソッス駅 as 即席)."""


def said_name(station: StationComplex) -> str:
    """The station's name as a Japanese passenger says it: the data's katakana name, or the
    Korean name read in katakana where the data gives kanji (검암 黔岩 -> コマム)."""
    name = station.names.get("ja", "")
    if name and all("\u30a0" <= ch <= "\u30ff" for ch in name):
        return name
    return hangul_to_katakana(station.names.get("ko", "")) or name


class KanaNameChecker:
    """Shortlists and scores the stations a Japanese question's unknown place may be."""

    def __init__(self, scorer: Scorer, kb: Any, shortlist: int = SHORTLIST_JA) -> None:
        self.scorer = scorer
        self.kb = kb
        self.size = shortlist
        self._keys: tuple[int, list[StationComplex], list[str], list[str]] | None = None

    def check(self, transcript: Transcript, understood: Understood) -> NameCheck | None:
        """Offers for a doubtful place in a Japanese question (`doubtful_place`), or None when
        there is none or nothing sounds like it."""
        text = transcript.text
        place, current = doubtful_place(text, understood)
        if place is None:
            return None
        name = STATION_SOUNDS.sub("", place) or place
        heard = sound_key(name)
        if len(heard) < 2:
            return None
        stations, said, keys = self._station_keys()
        bare = cdist([heard], keys, scorer=Levenshtein.normalized_similarity, workers=1)[0]
        with_eki = cdist([sound_key(place)], [k + STATION_SOUND for k in keys],
                         scorer=Levenshtein.normalized_similarity, workers=1)[0]  # fmt: skip
        like = np.maximum(bare, with_eki)
        best = sorted(range(len(stations)), key=lambda i: -like[i])[: self.size]
        if current is not None:  # the rules' own pick is always scored
            own = next(i for i, cx in enumerate(stations) if cx.key == current.key)
            best = [own, *(i for i in best if i != own)][: self.size]
        followed = text[text.index(place) + len(place) :].startswith("駅")
        eki = [not followed and (name != place or with_eki[i] > bare[i]) for i in best]
        sentences = [
            text.replace(place, said[i] + ("駅" if add else ""), 1)
            for i, add in zip(best, eki, strict=True)
        ]
        heard_score, *scores = self.scorer.score_readings(transcript, "ja", [text, *sentences])
        readings = sorted(
            (
                Reading(stations[i], s, score)
                for i, s, score in zip(best, sentences, scores, strict=True)
            ),
            key=lambda r: -r.score,
        )
        return decide(NameCheck(text), readings, heard_score, "ja", current, unsure=True)

    def warm(self) -> None:
        """Read every station's name as sounds now (about a second), not in a turn."""
        self._station_keys()

    def _station_keys(self) -> tuple[list[StationComplex], list[str], list[str]]:
        version = getattr(self.kb, "version", 0)
        if self._keys is None or self._keys[0] != version:
            stations = list(self.kb.complexes())
            said = [said_name(cx) for cx in stations]
            self._keys = (version, stations, said, [sound_key(s) for s in said])
        return self._keys[1], self._keys[2], self._keys[3]


_PARTICLES = re.compile(r"(?:まで|から|には|って|へ|に|は|の|で|を|が|と|、|。|[?？!！\s])+")
"""What ends a place in a Japanese question."""


def doubtful_place(text: str, understood: Understood) -> tuple[str | None, StationComplex | None]:
    """(the heard words a station's name may stand for, the station the rules took them for):
    a place no station was found for; a station found only by likeness (the words most like
    it); a station found exactly but glued to more words (プチョン of "プチョン視聴液":
    プチョンシチョン was said, Bucheon City Hall; 中央 of "オンジョン中央は", ウンジョンジュンアン).
    (None, None) when the rules are sure."""
    place = understood.heard_place
    if understood.unresolved_place:
        return (place, None) if place and place in text else (None, None)
    for match in understood.stations:
        if match.method == "fuzzy":
            chunks = [c for c in _PARTICLES.split(text) if c]
            key = sound_key(match.matched)
            near = max(chunks, key=lambda c: Levenshtein.normalized_similarity(sound_key(c), key))
            return near, match.complex
        at = text.find(match.matched)
        if at >= 0:
            rest = _PARTICLES.split(text[at + len(match.matched) :], maxsplit=1)[0]
            if rest.startswith("駅") or not STATION_SOUNDS.sub("", rest):
                rest = ""
            before = _PARTICLES.split(text[:at])[-1]  # "オンジョン中央は": ウンジョンジュンアン
            if rest or before:
                return before + match.matched + rest, match.complex
    return None, None


_ASKS_FIRST = re.compile(r"^\s*(?:何|なに|なん|どの|どこの)")
"""A sentence that begins with its question word: nothing before it said which station."""


def names_nothing(text: str, understood: Understood, here: StationComplex | None) -> bool:
    """A lines question that begins with its question word and says neither a station nor
    "here" ("何号線ですか?"): a Japanese passenger asking about here says ここ or この駅, and
    this is what is left when a slow speaker's pause cut the station off into its own turn
    ("トンス駅は … 何号線ですか", answered with the kiosk's own lines on the held-out set).
    The kiosk asks which station."""
    return (
        understood.intent is Intent.LINES
        and here is not None
        and understood.about() == [here.key]
        and not understood.lines
        and bool(_ASKS_FIRST.match(text))
        and here_unsaid(understood, text)
    )
