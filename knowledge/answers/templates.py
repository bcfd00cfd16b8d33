"""Spoken-answer templates: short sentences, the most important fact first.

The texts live in each language's folder (`languages/ko/templates.py`, ...). Templates only
arrange facts; every `{placeholder}` is filled from a KB record by the composers
in `structured.py`. Korean reads numbers the way a passenger says them (`2호선`, `3번 출구`).
"""

from __future__ import annotations

import re
from typing import Any

import languages
from knowledge.records import StationComplex

TEMPLATE_KEYS: tuple[str, ...] = (
    "lines",
    "route_direct",
    "route_summary",
    "route_first_leg",
    "route_next_leg",
    "same_station",
    "elevator_head",
    "elevator_item",
    "elevator_repair",
    "elevators_ok",
    "toilet_item",
    "exit_for",
    "exit_item",
    "transfer_head",
    "first_last",
    "first_only",
    "last_only",
    "no_notices",
    "notices_unavailable",
    "no_information",
    "unknown_station",
    "out_of_scope",
    "refused",
    "nothing_to_repeat",
    "example_warning",
    "clarify",
    "confirm",
    "confirm_declined",
    "which_station",
    "unknown_place",
    "more_on_screen",
    "board_bound_for",
    "board_stops_at",
    "transfer_unrendered",
    "or_word",
)
"""Every template the composers use; each language declares all of them (`Language.templates`)."""
DAY_KEYS: tuple[str, ...] = ("weekday", "saturday", "holiday")


_STATION_TWICE = re.compile(r"\b(Station) [Ss]tation\b")
_ONE_PLURAL = re.compile(r"\b(1|one) (stop|transfer|elevator|toilet|locker|exit)s\b")


def say(key: str, lang: str, **values: object) -> str:
    """Fill a template; a name ending in a period (`Hongik Univ.`) does not double the stop."""
    text = languages.get(lang).templates[key].format(**values)
    if lang == "en":  # templates are written in the plural: "1 stops" -> "1 stop"
        text = _ONE_PLURAL.sub(r"\1 \2", text)
    # Some source names already end in the word for station (`서울역`, `Seoul Station`, `首爾站`):
    # do not say it twice.
    text = _STATION_TWICE.sub(r"\1", text.replace("..", ".").replace(".,", ","))
    return text.replace("站站", "站").replace("駅駅", "駅").replace("역역", "역")


def join(items: list[str], lang: str) -> str:
    """`A, B and C` per language; Korean picks 과/와 by the last syllable's final consonant."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    sep, last = languages.get(lang).join
    if lang == "ko":
        last = " 및 "
    return sep.join(items[:-1]) + last + items[-1]


def join_or(items: list[str], lang: str) -> str:
    """`A, B or C`: the choices of a clarifying question."""
    if len(items) < 2:
        return "".join(items)
    sep, _and = languages.get(lang).join
    return sep.join(items[:-1]) + say("or_word", lang) + items[-1]


def day_name(day: str, lang: str) -> str:
    """A timetable day (`weekday`, `saturday`, `holiday`) as `lang` says it; unknown days as is."""
    known = languages.find(lang)
    return known.days.get(day, day) if known else day


def ko_topic(word: str) -> str:
    """`이`/`가` after a Korean word, chosen by whether it ends in a consonant (받침)."""
    ch = word[-1] if word else ""
    if "가" <= ch <= "힣":
        return "이" if (ord(ch) - 0xAC00) % 28 else "가"
    return "이" if ch.isdigit() and ch in "013678" else "가"


def station_options(kb: Any, choices: tuple[StationComplex, ...], lang: str) -> list[str]:
    """The stations a clarifying question offers; one name for two stations says their lines."""
    options = [cx.name(lang) for cx in choices]
    if len(set(options)) == len(options):
        return options
    gap = " " if lang == "en" else ""
    return [
        f"{name}{gap}({join([ln.name(lang) for ln in kb.lines_at(cx)], lang)})"
        for name, cx in zip(options, choices, strict=True)
    ]
