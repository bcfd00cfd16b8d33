"""Does the LLM reading questions help? The question sets answered twice by the same kiosk:
rules only, and rules with the LLM reading what they cannot (`models.llm_reads_questions`).

Prints, per set, how many items the reader recovered (wrong -> right), broke (right -> wrong),
the answers about a station the question did not name, and the reader's latency over the
turns that asked it. Only languages the LLM reads are run (SmolLM2-135M: English).

    .venv/bin/python scripts/measure_llm_query.py [--data-dir DIR] [SET.yaml ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.app import build_answerer, open_knowledge  # noqa: E402
from kiosk.config import load_settings  # noqa: E402
from knowledge.answers.evaluation import load_set, percentile, run  # noqa: E402

EVAL = REPO / "knowledge" / "answers" / "eval"
SETS = ["questions.yaml", "heldout.yaml", "places.yaml", "passengers.yaml", "fresh.yaml"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="question sets (default: all bundled)")
    parser.add_argument("--data-dir", type=Path, default=REPO / "var")
    args = parser.parse_args()
    settings = load_settings(
        None, {"data.dir": str(args.data_dir), "models.llm_reads_questions": True}
    )
    kb = open_knowledge(settings)
    reading = build_answerer(settings, kb)
    assert reading.reader is not None
    rules = build_answerer(settings, kb)
    rules.reader = None
    langs = set(settings.models.llm_languages)
    print(
        "| set | items | rules right | with reader | recovered | broke | wrong station "
        "| reader calls | reader p50 ms | p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in args.sets or [EVAL / name for name in SETS]:
        items = [i for i in load_set(path) if i.lang in langs]
        before = run(rules.answer, items, rules.grounding)
        after = run(reading.answer, items, reading.grounding)
        recovered = [b.item.id for b, a in zip(before, after, strict=True) if a.correct > b.correct]
        broke = [b.item.id for b, a in zip(before, after, strict=True) if a.correct < b.correct]
        times = [
            r.answer.timings_ms["llm_query"] for r in after if "llm_query" in r.answer.timings_ms
        ]
        print(
            f"| {path.name} | {len(items)} | {sum(r.correct for r in before)} "
            f"| {sum(r.correct for r in after)} | {len(recovered)} | {len(broke)} "
            f"| {sum(r.wrong_station for r in after)} | {len(times)} "
            f"| {percentile(times, 50):.0f} | {percentile(times, 95):.0f} |"
        )
        for label, ids in (("recovered", recovered), ("broke", broke)):
            if ids:
                print(f"<!-- {path.name} {label}: {', '.join(ids)} -->")
    return 0


if __name__ == "__main__":
    sys.exit(main())
