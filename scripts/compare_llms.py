"""LLMs side by side, per language, for the two jobs the kiosk gives an LLM (BENCHMARKS.md, "LLMs").

(a) Reading questions: the bundled question sets answered by the rules alone and by the rules
    with the model reading what they cannot (`models.llm_reads_questions`): items recovered
    (wrong -> right) and broken, answers about a station the question did not name, and the
    reader's latency over the turns that asked it.
(b) Grounded free-form answers: questions about a station's elevators and lines, with the
    expected exits and lines read from the knowledge base's records by this script (not from
    the kiosk's answers); each model answers from the passages the kiosk retrieves, and every
    sentence passes the kiosk's own checks (`knowledge.answers.generated`): right (grounded and
    holding an expected fact), grounded but wrong, rejected by the checker, NO_INFO, the answer
    in another language, and the time to the first accepted sentence (what a voice waits for).

A fixed sample per language keeps the run bounded on 2 shared cores; the load average is
printed beside the figures.

    .venv/bin/python scripts/compare_llms.py [--llm NAME|PATH ...] [--per-lang N]
        [--langs ko,ja,zh,en] [--reader-items N] [--data-dir DIR] [--show]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.app import build_answerer, open_knowledge  # noqa: E402
from kiosk.config import Settings, load_settings  # noqa: E402
from knowledge.answers.answerer import Answerer  # noqa: E402
from knowledge.answers.evaluation import load_set, percentile, run  # noqa: E402
from knowledge.answers.grounding import numbers  # noqa: E402
from knowledge.answers.llm import NO_INFO  # noqa: E402
from knowledge.answers.llm_query import SYSTEM_PROMPT as READER_PROMPT  # noqa: E402
from knowledge.answers.llm_query import needs_reading  # noqa: E402
from knowledge.answers.plausibility import plausible  # noqa: E402
from knowledge.answers.question_text import LineFinder  # noqa: E402
from knowledge.answers.types import Source  # noqa: E402
from knowledge.records import StationComplex  # noqa: E402
from knowledge.store import KnowledgeBase  # noqa: E402
from languages.scripts import has_script  # noqa: E402

EVAL = REPO / "knowledge" / "answers" / "eval"
SETS = ["questions.yaml", "heldout.yaml", "places.yaml", "passengers.yaml", "fresh.yaml"]
LANGS = ("ko", "ja", "zh", "en")
DEFAULT_LLMS = ("smollm2", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b")
HERE = "강남"
ELEVATOR_Q = {
    "ko": "{s}역에 휠체어로 탈 수 있는 엘리베이터가 있나요? 몇 번 출구 쪽이에요?",
    "en": "I use a wheelchair. Is there an elevator at {s} station, and near which exit?",
    "zh": "{s}站有没有轮椅可以用的电梯？在几号出口附近？",
    "ja": "{s}駅に車いすで使えるエレベーターはありますか？何番出口の近くですか？",
}
LINES_Q = {
    "ko": "{s}역에서는 어떤 지하철 노선을 탈 수 있어요?",
    "en": "Which subway lines can I take at {s} station?",
    "zh": "在{s}站可以坐哪些地铁线路？",
    "ja": "{s}駅ではどの地下鉄の路線に乗れますか？",
}
SCRIPT_OF_LANG = {"ko": "hangul", "ja": "kana", "zh": "han", "en": "latin"}


@dataclass(frozen=True, slots=True)
class FreeItem:
    """A free-form question whose expected facts were read from the records."""

    lang: str
    kind: str  # "elevator": facts are exit numbers; "lines": facts are line ids
    station: str  # complex key
    question: str
    facts: frozenset[str]


@dataclass(slots=True)
class FreeResult:
    item: FreeItem
    outcome: str  # right, wrong, rejected, no_info, silent
    text: str
    first_ms: float | None
    total_ms: float
    in_language: bool
    fact_in_passages: bool
    problems: list[str] = field(default_factory=list)


def free_items(
    kb: KnowledgeBase, per_lang: int, langs: tuple[str, ...] = LANGS, seed: int = 16
) -> list[FreeItem]:
    """`per_lang` questions per language (half elevators, half lines), stations sampled with a
    fixed seed among those whose records give the fact."""
    rng = random.Random(seed)
    with_exits = {}
    for cx in sorted(kb.complexes(), key=lambda c: c.key):
        exits = {str(f.data["exit"]) for f in kb.elevators(cx) if f.data.get("exit")}
        if exits:
            with_exits[cx.key] = exits
    elevator_keys = rng.sample(sorted(with_exits), per_lang)
    line_keys = rng.sample(sorted(c.key for c in kb.complexes()), per_lang)
    items = []
    for lang in langs:
        for n in range(per_lang):
            if n % 2 == 0:
                cx = kb.complex(elevator_keys[n])
                q = ELEVATOR_Q[lang].format(s=cx.name(lang))
                items.append(FreeItem(lang, "elevator", cx.key, q, frozenset(with_exits[cx.key])))
            else:
                cx = kb.complex(line_keys[n])
                facts = frozenset(line.id for line in kb.lines_at(cx))
                items.append(
                    FreeItem(lang, "lines", cx.key, LINES_Q[lang].format(s=cx.name(lang)), facts)
                )
    return items


def facts_in(text: str, item: FreeItem, lines: LineFinder) -> set[str]:
    if item.kind == "elevator":
        return numbers(text) & item.facts
    return {line.id for line in lines.find(text.lower(), item.lang)} & item.facts


def answer_free(answerer: Answerer, item: FreeItem, lines: LineFinder) -> FreeResult:
    """One question through retrieval, the model and the kiosk's sentence checks."""
    llm, kb = answerer.llm, answerer.kb
    cx = kb.complex(item.station)
    passages = kb.search(item.question, item.lang, station=cx, k=answerer.settings.search_k)
    passages = [p for p in passages if llm.can_read(p.text)]
    joined = " ".join(p.text for p in passages)
    in_passages = bool(facts_in(joined, item, lines)) or (
        item.kind == "elevator" and bool(numbers(joined) & item.facts)
    )
    sources = [Source(p.source_id, p.text) for p in passages]
    t0 = time.perf_counter()
    accepted: list[str] = []
    first_ms, outcome, problems = None, "silent", []
    for sentence in llm.sentences(item.question, [p.text for p in passages], item.lang):
        if NO_INFO in sentence:
            outcome = "no_info" if not accepted else outcome
            break
        check = answerer.grounding.check(
            sentence, sources, item.lang, allowed_stations=[cx.key], thorough=True
        )
        if not plausible(sentence, joined) or not check.ok:
            problems = [*(check.unsupported or ["no content word of the passages"]), sentence]
            outcome = "rejected" if not accepted else outcome
            break
        if first_ms is None:
            first_ms = (time.perf_counter() - t0) * 1000
        accepted.append(sentence)
    total_ms = (time.perf_counter() - t0) * 1000
    text = " ".join(accepted)
    if accepted:
        outcome = "right" if facts_in(text, item, lines) else "wrong"
    in_language = (
        not accepted
        or has_script(text, SCRIPT_OF_LANG[item.lang])
        or (item.lang == "en" and any(ch.isascii() and ch.isalpha() for ch in text))
    )
    return FreeResult(item, outcome, text, first_ms, total_ms, in_language, in_passages, problems)


def reader_rows(
    answerer: Answerer, sets: list[Path], langs: tuple[str, ...], cap: int | None = None
) -> list[str]:
    """(a): each set per language, rules alone vs rules with the model reading; `cap` keeps
    the first items of each language, in set order."""
    llm, reader = answerer.llm, answerer.reader
    kb, understander = answerer.kb, answerer.understander
    items = [
        i
        for path in sets
        for i in load_set(path)
        if i.lang in langs
        and not i.context
        and needs_reading(understander.understand(i.question, i.lang, _here(kb, i.station)))
    ]  # the reader is asked only for these: the other items are answered alike both ways
    items = [i for lang in langs for i in [i for i in items if i.lang == lang][:cap]]
    rows = []
    try:
        answerer.llm = None  # free-form answers are (b)'s business: here only the reader differs
        answerer.reader = None
        before = run(answerer.answer, items, answerer.grounding)
        answerer.reader = reader
        after = run(answerer.answer, items, answerer.grounding)
    finally:
        answerer.llm, answerer.reader = llm, reader
    for lang in langs:
        pairs = [(b, a) for b, a in zip(before, after, strict=True) if b.item.lang == lang]
        times = [
            a.answer.timings_ms["llm_query"] for _, a in pairs if "llm_query" in a.answer.timings_ms
        ]
        rows.append(
            f"| {lang} | {len(pairs)} | {sum(b.correct for b, _ in pairs)} "
            f"| {sum(a.correct for _, a in pairs)} "
            f"| {sum(a.correct > b.correct for b, a in pairs)} "
            f"| {sum(a.correct < b.correct for b, a in pairs)} "
            f"| {sum(a.wrong_station for _, a in pairs)} | {len(times)} "
            f"| {percentile(times, 50):.0f} | {percentile(times, 95):.0f} |"
        )
    return rows


def _here(kb: KnowledgeBase, station: str | None) -> StationComplex | None:
    """The complex an item's `station` names (in any language), as the evaluation reads it."""
    matches = kb.resolve_station(station) if station else []
    return matches[0].complex if matches else None


def free_rows(results: list[FreeResult], langs: tuple[str, ...]) -> list[str]:
    rows = []
    for lang in langs:
        rs = [r for r in results if r.item.lang == lang]
        count = {
            k: sum(r.outcome == k for r in rs)
            for k in ("right", "wrong", "rejected", "no_info", "silent")
        }
        firsts = [r.first_ms for r in rs if r.first_ms is not None]
        totals = [r.total_ms for r in rs]
        rows.append(
            f"| {lang} | {len(rs)} | {sum(r.fact_in_passages for r in rs)} | {count['right']} "
            f"| {count['wrong']} | {count['rejected']} | {count['no_info'] + count['silent']} "
            f"| {sum(not r.in_language for r in rs)} "
            f"| {percentile(firsts, 50):.0f} | {percentile(firsts, 95):.0f} "
            f"| {percentile(totals, 50):.0f} |"
        )
    return rows


def model_settings(base: dict, llm: str, langs: tuple[str, ...]) -> Settings:
    overrides = {**base, "models.llm_languages": list(langs), "models.llm_reads_questions": True}
    if llm != "smollm2":
        overrides["models.llm"] = llm
    return load_settings(None, overrides)


def measure(llm: str, args: argparse.Namespace, say: Callable[[str], None]) -> None:
    settings = model_settings(
        {"data.dir": str(args.data_dir), "station.name": HERE}, llm, args.langs
    )
    kb = open_knowledge(settings)
    answerer = build_answerer(settings, kb)
    lines = answerer.grounding.lines
    try:
        answerer.llm.generator.warm(READER_PROMPT)  # cached like the kiosk's: not measured
        say(f"\n### {llm}: (a) reading questions, load average {_load()}\n")
        say(
            "| lang | unread by rules | rules right | with reader | recovered | broke "
            "| wrong station | reader calls | reader p50 ms | p95 ms |"
        )
        say("|---|---|---|---|---|---|---|---|---|---|")
        sets = [EVAL / name for name in args.sets]
        for row in reader_rows(answerer, sets, args.langs, args.reader_items):
            say(row)
        # The kiosk stops an answer at deadline_s (4 s) whatever it has said; a longer one
        # here lets (b) score what each model says, while its latency shows what fits.
        answerer.llm.deadline_s = args.deadline
        for lang in args.langs:
            answerer.llm.generator.warm(answerer.llm.system_prompt(lang))
        results = []
        for item in free_items(kb, args.per_lang, args.langs):
            result = answer_free(answerer, item, lines)
            results.append(result)
            if args.show:
                say(
                    f"<!-- {item.lang} {item.kind} {item.station} {result.outcome} "
                    f"{result.first_ms or 0:.0f} ms: {result.text} {result.problems} -->"
                )
        say(f"\n### {llm}: (b) grounded free-form answers, load average {_load()}\n")
        say(
            "| lang | items | fact in passages | right | wrong | rejected by checker "
            "| NO_INFO/none | other language | first sentence p50 ms | p95 ms | whole p50 ms |"
        )
        say("|---|---|---|---|---|---|---|---|---|---|---|")
        for row in free_rows(results, args.langs):
            say(row)
    finally:
        answerer.llm.close()


def _load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--llm",
        action="append",
        help="smollm2, an optional LLM or a .gguf path "
        f"(repeatable; default: {', '.join(DEFAULT_LLMS)})",
    )
    parser.add_argument("--per-lang", type=int, default=8, help="free-form questions per language")
    parser.add_argument(
        "--sets", nargs="*", default=["questions.yaml"], help="question sets for (a)"
    )
    parser.add_argument(
        "--reader-items", type=int, help="for (a), at most this many items per language"
    )
    parser.add_argument(
        "--langs", type=lambda v: tuple(v.split(",")), default=LANGS, help="default: ko,ja,zh,en"
    )
    parser.add_argument("--deadline", type=float, default=30.0, help="seconds per answer in (b)")
    parser.add_argument("--data-dir", type=Path, default=REPO / "var")
    parser.add_argument("--show", action="store_true", help="print every free-form answer")
    args = parser.parse_args(argv)
    for llm in args.llm or DEFAULT_LLMS:
        measure(llm, args, lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
