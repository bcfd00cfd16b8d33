"""Operator-fact composers (toilets, exits, timetables, lockers, phone, fares, lost and found)
and the `Composed` value every structured composer returns.

Operator values come from the station's YAML (`knowledge/data/operator/`), in the languages the
operator wrote; a missing Chinese or Japanese text falls back to English, then Korean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from knowledge.answers.phrases import render_location
from knowledge.answers.templates import day_name, say
from knowledge.answers.types import Source
from knowledge.answers.understand import Understood
from knowledge.records import Fact, StationComplex

MAX_ITEMS = 8
"""Items a list answer shows on the screen; the voice says those that fit `ear.py`'s budget."""


@dataclass(slots=True)
class Composed:
    sentences: list[str]
    sources: list[Source] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    """Numbers computed from the sources (stop and item counts), declared for grounding."""
    lines: list[str] = field(default_factory=list)
    """Line ids read from the sources' structured fields (a timetable row's `line: "2"`)."""
    spoken: list[str] | None = None
    """What the voice says when it is not the first `sentences` that fit the ear's budget
    (`knowledge/answers/ear.py`); the screen always shows `sentences`."""
    keep: int = 1
    """Leading sentences always spoken (a head sentence, the first item)."""


def with_example_warning(
    composed: Composed, kb: Any, understood: Understood, allowed: bool
) -> Composed | None:
    """Placeholder operator facts are either announced as examples (`allowed`) or not used."""
    if not any(_is_example(kb, understood, s.id) for s in composed.sources):
        return composed
    if not allowed:
        return None
    warning = say("example_warning", understood.lang)
    return Composed(
        [warning, *composed.sentences],
        composed.sources,
        composed.derived,
        composed.lines,
        spoken=None if composed.spoken is None else [warning, *composed.spoken],
        keep=composed.keep + 1,
    )


def _is_example(kb: Any, understood: Understood, source_id: str) -> bool:
    if not source_id.startswith("op:") or understood.subject is None:
        return False
    facts = kb.operator_facts(understood.subject, understood.lang).all()
    return any(f.source_id == source_id and f.data.get("example") for f in facts)


def fact_text(fact: Any, lang: str) -> str:
    """The fact's text in `lang` when the KB carries translations, else its (Korean) text."""
    texts = getattr(fact, "texts", None) or (getattr(fact, "data", None) or {}).get("texts")
    if isinstance(texts, dict):
        for candidate in (lang, "en" if lang in ("zh", "ja") else lang, "ko"):
            if texts.get(candidate):
                return str(texts[candidate])
    return str(fact.text)


class OperatorComposers:
    """Mixed into `StructuredComposer`; needs `self.kb`, `self.station_name`, `self._names`."""

    kb: Any

    def station_name(self, ko_name: str, lang: str) -> str:  # pragma: no cover - see subclass
        raise NotImplementedError

    def _names(self, lang: str) -> Any:  # pragma: no cover - see subclass
        raise NotImplementedError

    def toilet(self, u: Understood) -> Composed | None:
        cx = u.subject
        # Operator entries summarise the public rows; use the rows only when there are none.
        facts = [*self.kb.operator_facts(cx, u.lang).toilets] or self._kind_facts(
            cx, "toilet", u.lang
        )
        if not facts:
            return None
        lang = u.lang
        sentences = []
        for f in _dedupe_by_location(facts)[:MAX_ITEMS]:
            if where := self._where(f, lang):
                sentences.append(say("toilet_item", lang, station=cx.name(lang), where=where))
        if not sentences:
            return None
        sources = [Source(f.source_id, fact_text(f, lang)) for f in facts[:MAX_ITEMS]]
        return Composed(sentences, sources)

    def _kind_facts(self, cx: StationComplex, kind: str, lang: str) -> list[Fact]:
        getter = getattr(self.kb, f"{kind}s", None)  # kb.toilets(complex, lang)
        return list(getter(cx, lang)) if getter is not None else []

    def _where(self, f: Fact, lang: str) -> str:
        item = f.data.get("item")
        if isinstance(item, dict) and isinstance(item.get("text"), dict):
            texts = item["text"]
            text = texts.get(lang) or (lang in ("zh", "ja") and texts.get("en")) or texts["ko"]
            return text if lang == "ko" else _without_hangul_notes(text)
        loc = f.data.get("location")
        if loc:
            return render_location(str(loc), lang, self._names(lang))
        return fact_text(f, lang)

    def exit(self, u: Understood) -> Composed | None:
        cx = u.subject
        exits = self.kb.operator_facts(cx, u.lang).exits
        if not exits:
            return None
        lang = u.lang
        chosen = [f for f in exits if _exit_no(f) == u.exit_number] if u.exit_number else []
        if not chosen:
            chosen = [f for f in exits if self._landmark_hit(f, u)]
        if not chosen:
            return None
        sentences = []
        for f in chosen[:MAX_ITEMS]:
            key = "exit_for" if len(chosen) == 1 else "exit_item"
            sentences.append(say(key, lang, number=_exit_no(f), landmarks=_landmarks(f, lang)))
        return Composed(sentences, [Source(f.source_id, fact_text(f, lang)) for f in chosen])

    @staticmethod
    def _landmark_hit(f: Fact, u: Understood) -> bool:
        """A landmark word of the exit (a Latin word of 3+ letters, a CJK/Hangul word of 2+
        characters, minus generic words) occurs in the question."""
        item = f.data.get("item") or {}
        for text in (item.get("landmarks") or {}).values():
            for word in re.split(r"[\s,，、/·:：()（）.]+", text.lower()):
                word = word.rstrip("의을를이가은는에로으")
                if word in _GENERIC or len(word) < (3 if word.isascii() else 2):
                    continue
                if re.search(r"\b" + re.escape(word), u.text) if word.isascii() else word in u.text:
                    return True
        return False

    def first_last(self, u: Understood) -> Composed | None:
        cx = u.subject
        facts = self.kb.operator_facts(cx, u.lang).first_last_trains
        if u.lines:
            facts = [
                f
                for f in facts
                if str((f.data.get("item") or {}).get("line")) in {ln.id for ln in u.lines}
            ] or facts
        if not facts:
            return None
        lang = u.lang
        key = {"first": "first_only", "last": "last_only"}.get(u.which_train, "first_last")
        sentences = []
        lines = {ln.id: ln for ln in self.kb.lines_at(cx)}
        for f in facts[:MAX_ITEMS]:
            item = f.data.get("item") or {}
            line = lines.get(str(item.get("line")))
            day, times = next(iter(item.get("times", {}).items()), (None, None))
            if line is None or not times:
                continue
            direction = self.station_name(str(item.get("direction", "")), lang)
            sentences.append(
                say(
                    key,
                    lang,
                    line=line.name(lang),
                    direction=direction,
                    day=day_name(day, lang),
                    first=times["first"],
                    last=times["last"],
                )
            )
        if not sentences:
            return None
        shown = facts[:MAX_ITEMS]
        line_ids = [str((f.data.get("item") or {}).get("line")) for f in shown]
        return Composed(
            sentences, [Source(f.source_id, fact_text(f, lang)) for f in shown], [], line_ids
        )

    def operator(self, u: Understood, section: str) -> Composed | None:
        facts = getattr(self.kb.operator_facts(u.subject, u.lang), section)
        if not facts:
            return None
        lang = u.lang
        shown = facts[:MAX_ITEMS]
        sentences = [_sentence(self._where(f, lang), lang) for f in shown]
        return Composed(sentences, [Source(f.source_id, fact_text(f, lang)) for f in shown])


_GENERIC = {
    "example",
    "toward",
    "towards",
    "the",
    "this",
    "exit",
    "here",
    "near",
    "nearby",
    "and",
    "go",
    "goes",
    "of",
    "예시",
    "방향",
    "출구",
    "주변",
    "시설",
    "정보를",
    "여기에",
    "적습니다",
}


def _sentence(text: str, lang: str) -> str:
    text = text.strip()
    return (
        text
        if text.endswith((".", "。", "!", "?", "！", "？"))
        else text + ("。" if lang in ("zh", "ja") else ".")
    )


def _exit_no(f: Fact) -> str:
    item = f.data.get("item") or {}
    return str(item.get("number") or f.data.get("number") or "")


def _landmarks(f: Fact, lang: str) -> str:
    item = f.data.get("item") or {}
    marks = item.get("landmarks") or {}
    fallback = marks.get("en") if lang in ("zh", "ja") else None
    return str(marks.get(lang) or fallback or marks.get("ko") or fact_text(f, lang))


def _dedupe_by_location(facts: list[Fact]) -> list[Fact]:
    seen: set[str] = set()
    out = []
    for f in facts:
        key = str(f.data.get("location") or f.text)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


_HANGUL_NOTE = re.compile(r"\s*[(（][^)）]*[\uac00-\ud7a3][^)）]*[)）]\s*")


def _without_hangul_notes(text: str) -> str:
    """A bracketed Korean note inside another language's text ("(지하1층) toilets") is left out:
    an answer says less rather than switch scripts mid-sentence."""
    return _HANGUL_NOTE.sub(" ", text).strip()
