"""`kiosk ask` and `kiosk eval`: answer one question, or score a question set, from the shell.

Both build the same `Answerer` the daemon uses, through `kiosk.app` (KB + configured LLM).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import yaml

import languages
from kiosk.cli.common import print_json, settings_from_args
from kiosk.errors import KioskError

logger = logging.getLogger(__name__)

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
    ask.add_argument("--lang", default="auto", choices=["auto", *languages.codes()])
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
    ev.add_argument("--lang", choices=languages.codes(), help="only this language")
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
        "--kb-dir",
        type=Path,
        default=None,
        help="knowledge base folder (default: DATA_DIR/kb; imported on first use)",
    )
    p.add_argument(
        "--llm",
        type=Path,
        default=None,
        metavar="GGUF",
        help="LLM for free-form questions (default: bundled SmolLM2)",
    )
    p.add_argument("--no-llm", action="store_true", help="structured answers and retrieval only")


def build_answerer_from_args(args: argparse.Namespace) -> Any:
    """The daemon's answerer (same composition root), with --station/--llm/--kb-dir applied."""
    from kiosk.app import build_answerer, open_knowledge

    settings = settings_from_args(args, **{"station.name": args.station, "models.llm": args.llm})
    kb = open_knowledge(settings, kb_dir=args.kb_dir)
    return build_answerer(settings, kb, with_llm=not args.no_llm)


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
    try:
        items = load_set(args.set or DEFAULT_SET)
    except (OSError, ValueError, yaml.YAMLError) as err:  # JSONDecodeError is a ValueError
        raise KioskError(
            "eval-set-invalid", f"--set: cannot read the question set: {err}"
        ) from None
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
        "wrong_station": r.wrong_station,
        "question": r.item.question,
        "answer": r.answer.text,
    }
