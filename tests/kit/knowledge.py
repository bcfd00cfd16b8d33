"""Fakes for the answer tests: a tiny KB with the real record types, and a scripted LLM.

Both record what they were asked (`calls`, `prompts`) so tests can check the answerer's
requests, not only its output.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from knowledge.lines import LineRegistry
from knowledge.records import (
    Fact,
    Leg,
    Notice,
    OperatorFacts,
    Passage,
    Route,
    StationComplex,
    StationMatch,
)

_REG = LineRegistry()
_NAMES = {
    "강남": {"ko": "강남", "en": "Gangnam", "zh": "江南", "ja": "カンナム"},
    "역삼": {"ko": "역삼", "en": "Yeoksam", "zh": "驿三", "ja": "ヨクサム"},
    "잠실": {"ko": "잠실", "en": "Jamsil", "zh": "蚕室", "ja": "チャムシル"},
}
_LINES = {"강남": ("2", "shinbundang"), "역삼": ("2",), "잠실": ("2", "8")}
_CODES = {"강남": ("0222", "4307"), "역삼": ("0221",), "잠실": ("0216", "2815")}


def cx(key: str) -> StationComplex:
    return StationComplex(key, _NAMES[key], _LINES[key], _CODES[key], f"complex:{key}")


@dataclass
class FakeKB:
    calls: list[tuple[str, Any]] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    version: int = 1

    def complexes(self) -> list[StationComplex]:
        return [cx(k) for k in _NAMES]

    def complex(self, key: str | StationComplex) -> StationComplex:
        return key if isinstance(key, StationComplex) else cx(key)

    def resolve_station(self, text: str, lang: str | None = None) -> list[StationMatch]:
        self.calls.append(("resolve_station", text))
        for key, names in _NAMES.items():
            if text.strip().lower() in {n.lower() for n in names.values()}:
                return [StationMatch(cx(key), 1.0, text, "exact")]
        return []

    def best_station(self, text: str, lang: str | None = None) -> StationMatch | None:
        return next(iter(self.resolve_station(text, lang)), None)

    def find_stations(
        self, question: str, lang: str | None = None, *, fuzzy: bool = True
    ) -> list[StationMatch]:
        self.calls.append(("find_stations", question))
        found = []
        for key, names in _NAMES.items():
            for name in names.values():
                if name.lower() in question.lower():
                    found.append((question.lower().index(name.lower()), key, name))
                    break
        return [StationMatch(cx(k), 1.0, n, "exact") for _, k, n in sorted(found)]

    def lines_at(self, complex: str | StationComplex) -> list:
        c = self.complex(complex)
        self.calls.append(("lines_at", c.key))
        return [_REG.get(i) for i in c.line_ids]

    def line(self, line_id: str):
        return _REG.get(line_id)

    def route(self, a: str | StationComplex, b: str | StationComplex) -> Route | None:
        a, b = self.complex(a), self.complex(b)
        self.calls.append(("route", (a.key, b.key)))
        if (a.key, b.key) != ("강남", "잠실"):
            return None
        leg = Leg(
            _REG.get("2"),
            a,
            b,
            6,
            "역삼",
            ("station:0222", "edge:2:0222-0221", "station:0216"),
            cx("역삼"),
        )
        return Route((leg,))

    def elevators(self, complex: str | StationComplex, lang: str = "ko") -> list[Fact]:
        c = self.complex(complex)
        self.calls.append(("elevators", c.key))
        if c.key != "강남":
            return []
        texts = {
            "ko": "강남역 2호선 엘리베이터: 1번 출입구 (사용가능, 2026-07-28 기준)",
            "en": "Gangnam Station, Line 2 elevator: 1번 출입구 (in service as of 2026-07-28)",
        }
        data = {
            "location": "1번 출입구",
            "status": "사용가능",
            "status_date": "2026-07-28",
            "exit": "1",
            "line": "2",
            "texts": texts,
        }
        return [Fact("elevator:0222:3", texts.get(lang, texts["ko"]), "elevator", data)]

    def toilets(self, complex: str | StationComplex, lang: str = "ko") -> list[Fact]:
        return []

    def transfer_steps(self, complex, from_line: str, to_line: str, lang: str = "ko") -> list[Fact]:
        self.calls.append(("transfer_steps", (self.complex(complex).key, from_line, to_line)))
        return []

    def operator_facts(self, complex: str | StationComplex, lang: str = "ko") -> OperatorFacts:
        c = self.complex(complex)
        self.calls.append(("operator_facts", c.key))
        return OperatorFacts(c.key)

    def active_notices(self, complex, now: datetime) -> list[Notice]:
        self.calls.append(("active_notices", now))
        return [n for n in self.notices if n.active(now)]

    def search(self, query: str, lang: str = "ko", station=None, line=None, k: int = 5):
        self.calls.append(("search", (query, lang, getattr(station, "key", station), k)))
        return list(self.passages)[:k]

    def source_text(self, source_id: str, lang: str = "ko") -> str | None:
        return {
            "station:0222": "Gangnam (Line 2, 0222)" if lang == "en" else "강남 (2호선, 0222)",
            "station:0216": "Jamsil (Line 2, 0216)" if lang == "en" else "잠실 (2호선, 0216)",
            "edge:2:0222-0221": "Line 2: Gangnam – Yeoksam"
            if lang == "en"
            else "2호선: 강남 – 역삼",
        }.get(source_id)


@dataclass
class ScriptedGenerator:
    """A fake `TokenGenerator`: streams the queued reply in small pieces, records prompts."""

    replies: list[str] = field(default_factory=list)
    prompts: list[tuple[str, str]] = field(default_factory=list)

    def enqueue(self, reply: str) -> None:
        self.replies.append(reply)

    def stream(self, system: str, user: str, max_tokens: int) -> Iterator[str]:
        self.prompts.append((system, user))
        reply = self.replies.pop(0)
        for i in range(0, len(reply), 5):
            yield reply[i : i + 5]
