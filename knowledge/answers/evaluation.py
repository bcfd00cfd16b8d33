"""Evaluation harness: run a question set through an `Answerer` and score it.

Metrics, per language and overall:
- accuracy: the outcome is the expected one and, when answered, every expected fact string
  occurs in the answer (NFKC, case-insensitive; a fact given as a list is met by any one of its
  strings, for names the data spells more than one way); `answerable_accuracy` counts only
  items whose expected outcome is `answered` (the >= 90% target);
- hallucination rate: answered items whose text fails the grounding check against the answer's
  own sources (plus the counts the composer declared as derived from them);
- refusal precision/recall: `refused` predicted vs expected;
- latency p50/p95 of `timings_ms.total`.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import languages
from knowledge.answers.grounding import GroundingChecker
from knowledge.answers.types import Answer, Context, Outcome

DEFAULT_SET = Path(__file__).parent / "eval" / "questions.yaml"
REQUIRED = ("id", "lang", "question", "expected_outcome")


@dataclass(frozen=True, slots=True)
class EvalItem:
    id: str
    lang: str
    question: str
    expected_outcome: str
    station: str | None = None
    expected_facts: tuple[str | tuple[str, ...], ...] = ()
    """Strings the answer must contain; a tuple is met by any one of its strings."""
    intent: str = ""
    context: tuple[str, ...] = ()
    """Questions asked before this one in the same conversation (for repeat and follow-ups)."""
    expected_stations: tuple[str, ...] | None = None
    """Stations the answer may be about (Korean names; empty: none). None: not checked."""


@dataclass(slots=True)
class ItemResult:
    item: EvalItem
    answer: Answer
    correct: bool
    hallucinated: bool
    missing: list[str] = field(default_factory=list)
    wrong_station: bool = False
    """Answered about a station the question did not name: the one unforgivable answer."""


def load_set(path: Path = DEFAULT_SET) -> list[EvalItem]:
    """Items from YAML (`items: [...]` or a list) or JSON Lines; malformed items fail loudly."""
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith(".jsonl"):
        raw = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        data = yaml.safe_load(text)
        raw = data["items"] if isinstance(data, dict) else data
    items = []
    for n, row in enumerate(raw, 1):
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise ValueError(f"{path}: item {n}: missing {', '.join(missing)}")
        items.append(
            EvalItem(
                id=str(row["id"]),
                lang=row["lang"],
                question=unicodedata.normalize("NFC", row["question"]),
                expected_outcome=row["expected_outcome"],
                station=row.get("station"),
                expected_facts=tuple(_fact(f) for f in row.get("expected_facts") or ()),
                expected_stations=(
                    None
                    if row.get("expected_stations") is None
                    else tuple(str(s) for s in row["expected_stations"])
                ),
                intent=row.get("intent", ""),
                context=tuple(row.get("context") or ()),
            )
        )
    return items


def _fact(raw: Any) -> str | tuple[str, ...]:
    return tuple(str(f) for f in raw) if isinstance(raw, list) else str(raw)


def _key(text: str) -> str:
    # One apostrophe: the public files write `Nat`l`, the kiosk shows `Nat’l`.
    text = text.replace("’", "'").replace("`", "'")
    return unicodedata.normalize("NFKC", text).casefold()


def score(item: EvalItem, answer: Answer, checker: GroundingChecker) -> ItemResult:
    text = _key(answer.text)
    missing = [
        " | ".join(fact) if isinstance(fact, tuple) else fact
        for fact in item.expected_facts
        if not any(_key(f) in text for f in (fact if isinstance(fact, tuple) else (fact,)))
    ]
    correct = answer.outcome.value == item.expected_outcome and (
        answer.outcome is not Outcome.ANSWERED or not missing
    )
    hallucinated = False
    if answer.outcome is Outcome.ANSWERED:
        numbers = [d for d in answer.derived if not d.startswith("line:")]
        lines = [d.split(":", 1)[1] for d in answer.derived if d.startswith("line:")]
        here = [answer_here] if (answer_here := _here_key(checker, item.station)) else []
        result = checker.check(
            answer.text,
            answer.sources,
            answer.language,
            derived=numbers,
            lines=lines,
            allowed_stations=here,
            thorough=answer.path == "llm",
        )
        hallucinated = not result.ok
    wrong = _wrong_station(item, answer, checker)
    return ItemResult(item, answer, correct and not wrong, hallucinated, missing, wrong)


def _wrong_station(item: EvalItem, answer: Answer, checker: GroundingChecker) -> bool:
    if item.expected_stations is None or answer.outcome is not Outcome.ANSWERED:
        return False
    allowed = {key for name in item.expected_stations if (key := _here_key(checker, name))}
    here = _here_key(checker, item.station)
    if answer.intent == "route" and here and answer.about[:1] == [here]:
        allowed.add(here)  # a route from where the passenger stands names no other station
    return any(key not in allowed for key in answer.about)


def _here_key(checker: GroundingChecker, station: str | None) -> str | None:
    if not station:
        return None
    matches = checker.kb.resolve_station(station)
    return matches[0].complex.key if matches else None


def run(
    answer_fn: Callable[..., Answer],
    items: Iterable[EvalItem],
    checker: GroundingChecker,
    *,
    progress: Callable[[ItemResult], None] | None = None,
) -> list[ItemResult]:
    results = []
    for item in items:
        context = Context()
        for earlier in item.context:
            answer_fn(earlier, station=item.station, context=context)
        answer = answer_fn(item.question, station=item.station, context=context)
        result = score(item, answer, checker)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (the smallest value with at least q % of values at or below it),
    enough for latency summaries of tens of turns; NaN when there are no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    idx = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[idx]


def summarise(results: list[ItemResult]) -> dict[str, Any]:
    """Metrics per language and overall, in the shape `kiosk eval --json` prints."""
    groups: dict[str, list[ItemResult]] = {"overall": results}
    for lang in languages.codes():
        subset = [r for r in results if r.item.lang == lang]
        if subset:
            groups[lang] = subset
    return {name: _metrics(rs) for name, rs in groups.items()}


def _metrics(rs: list[ItemResult]) -> dict[str, Any]:
    answerable = [r for r in rs if r.item.expected_outcome == Outcome.ANSWERED.value]
    answered = [r for r in rs if r.answer.outcome is Outcome.ANSWERED]
    pred_ref = [r for r in rs if r.answer.outcome is Outcome.REFUSED]
    exp_ref = [r for r in rs if r.item.expected_outcome == Outcome.REFUSED.value]
    both = [r for r in pred_ref if r.item.expected_outcome == Outcome.REFUSED.value]
    totals = [r.answer.timings_ms.get("total", 0.0) for r in rs]
    return {
        "items": len(rs),
        "accuracy": _ratio(sum(r.correct for r in rs), len(rs)),
        "answerable": len(answerable),
        "answerable_accuracy": _ratio(sum(r.correct for r in answerable), len(answerable)),
        "answered": len(answered),
        "hallucination_rate": _ratio(sum(r.hallucinated for r in answered), len(answered), 0.0),
        "wrong_station": sum(r.wrong_station for r in rs),
        "refusal_precision": _ratio(len(both), len(pred_ref)),
        "refusal_recall": _ratio(len(both), len(exp_ref)),
        "latency_ms_p50": round(percentile(totals, 50), 2),
        "latency_ms_p95": round(percentile(totals, 95), 2),
    }


def _ratio(num: float, den: float, empty: float = 1.0) -> float:
    return round(num / den, 4) if den else empty


@dataclass(frozen=True, slots=True)
class Thresholds:
    """CI gates: see README "Answer quality" for why these values."""

    min_answerable_accuracy: float = 0.9
    max_hallucination_rate: float = 0.0
    min_refusal_precision: float = 0.9
    min_refusal_recall: float = 0.9
    max_wrong_station: int = 0

    def failures(self, summary: dict[str, Any]) -> list[str]:
        out = []
        for name, m in summary.items():
            if m["answerable"] and m["answerable_accuracy"] < self.min_answerable_accuracy:
                out.append(
                    f"{name}: answerable accuracy {m['answerable_accuracy']:.3f} "
                    f"< {self.min_answerable_accuracy}"
                )
            if m["hallucination_rate"] > self.max_hallucination_rate:
                out.append(
                    f"{name}: hallucination rate {m['hallucination_rate']:.3f} "
                    f"> {self.max_hallucination_rate}"
                )
            if m["wrong_station"] > self.max_wrong_station:
                out.append(f"{name}: {m['wrong_station']} answers about a station not asked")
            if name == "overall":
                if m["refusal_precision"] < self.min_refusal_precision:
                    out.append(f"overall: refusal precision {m['refusal_precision']:.3f}")
                if m["refusal_recall"] < self.min_refusal_recall:
                    out.append(f"overall: refusal recall {m['refusal_recall']:.3f}")
        return out


def table(summary: dict[str, Any]) -> str:
    """A Markdown table of the summary (for the README and the terminal)."""
    head = (
        "set",
        "items",
        "accuracy",
        "answerable acc.",
        "hallucination",
        "wrong station",
        "refusal P",
        "refusal R",
        "p50 ms",
        "p95 ms",
    )
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, m in summary.items():
        rows.append(
            "| "
            + " | ".join(
                str(v)
                for v in (
                    name,
                    m["items"],
                    f"{m['accuracy']:.3f}",
                    f"{m['answerable_accuracy']:.3f}",
                    f"{m['hallucination_rate']:.3f}",
                    m["wrong_station"],
                    f"{m['refusal_precision']:.3f}",
                    f"{m['refusal_recall']:.3f}",
                    m["latency_ms_p50"],
                    m["latency_ms_p95"],
                )
            )
            + " |"
        )
    return "\n".join(rows)
