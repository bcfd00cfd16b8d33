"""What the name check makes of each spoken question, with and without Whisper's runners-up
and the names its decoder expects at the place.

A quick loop beside `measure_spoken.py` (which runs the whole kiosk and the passenger's reply):
each WAV of a spoken set is transcribed once by the kiosk's own recogniser, then checked by the
name check with each way of shortlisting, and the result is judged against the station the
question names (from the set's CSV-derived manifest, never from the kiosk):

- right / wrong: the answer is about that station / another one (the kiosk's own included);
- offered right / offered wrong: the kiosk asks "Did you mean …?" with / without that station;
- which station: it asks which station was meant;
- not answered: the answer is no answer ("I didn't catch the station name", out of scope);
- right here: a question about the kiosk's own station answered for it.

    .venv/bin/python scripts/spoken_set.py --seed S --out /tmp/spoken
    .venv/bin/kiosk kb import --bundled --data-dir D
    .venv/bin/python scripts/measure_name_check.py --set /tmp/spoken/manifest.jsonl \\
        --data-dir D [--show]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import spoken_set as ss

from kiosk.app import build_transcriber, station_vocabulary
from kiosk.config import load_settings
from kiosk.name_check import RUNNERS_UP, NameCheck, NameChecker
from knowledge.answers.answerer import Answerer, AnswerSettings
from knowledge.answers.types import Outcome
from knowledge.store import KnowledgeBase
from voice.audio import SAMPLE_RATE, read_wav
from voice.sounds_like import EnglishSounds

HERE = ss.HERE
NAMES_EXPECTED = 4
"""Names the decoder expects at the place, tried when the shortlist found nothing near (off in
the kiosk: `kiosk.name_check.NAMES_HEARD`)."""
OUTCOMES = (
    "right", "offered right", "which station", "offered wrong", "not answered", "wrong",
    "right here",
)  # fmt: skip


def judge(check: NameCheck, expected: str, answerer: Answerer) -> str:
    """The check's outcome for a question naming the station `expected` (Korean name)."""
    kb = answerer.kb
    if check.offers:
        offered = {kb.complex(o.station).names.get("ko") for o in check.offers}
        return "offered right" if expected in offered else "offered wrong"
    if check.unheard:
        return "which station"
    answer = answerer.answer(check.question, lang="en")
    if answer.outcome is not Outcome.ANSWERED:
        return "not answered"
    named = [kb.complex(key).names.get("ko") for key in answer.about]
    if expected == HERE:
        return "right here" if named == [HERE] else "wrong"
    return "right" if expected in named[-1:] else "wrong"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, required=True, help="spoken set manifest.jsonl")
    parser.add_argument("--data-dir", type=Path, required=True, help="kiosk data folder")
    parser.add_argument("--show", action="store_true", help="print each question's results")
    args = parser.parse_args(argv)
    if not (args.data_dir / "kb").is_dir():
        parser.error(f"no knowledge base in {args.data_dir}: run .venv/bin/kiosk kb import "
                     f"--bundled --data-dir {args.data_dir}")  # fmt: skip

    settings = load_settings(None, {"data.dir": str(args.data_dir)})
    kb = KnowledgeBase.open(settings.data.dir / "kb")
    answerer = Answerer(kb, AnswerSettings(station=HERE))
    understander = answerer.understander
    transcriber = build_transcriber(settings, station_vocabulary(kb, HERE))
    transcriber.load()
    sounds = EnglishSounds(settings.models.espeak)
    ways = {
        "text only": NameChecker(
            transcriber, understander, sounds=sounds, runners_up=0, names_heard=0
        ),
        f"+{RUNNERS_UP} runners-up": NameChecker(
            transcriber, understander, sounds=sounds, names_heard=0
        ),
        f"+{NAMES_EXPECTED} names expected": NameChecker(
            transcriber, understander, sounds=sounds, names_heard=NAMES_EXPECTED
        ),
    }
    for checker in ways.values():
        checker.warm()
    counts = {way: Counter() for way in ways}
    costs: dict[str, list[float]] = {way: [] for way in ways}
    for item in ss.load_manifest(args.set):
        heard = transcriber.transcribe(read_wav(Path(item.wav), SAMPLE_RATE))
        row = [f"{item.station_en:>20} | {heard.text}"]
        for way, checker in ways.items():
            started = time.perf_counter()
            check = checker.check(heard, HERE)
            if check.rescored:
                costs[way].append((time.perf_counter() - started) * 1000)
            verdict = judge(check, item.station_ko, answerer)
            counts[way][verdict] += 1
            row.append(f"{way}: {verdict} {[o.name for o in check.offers]}")
        if args.show:
            print(" | ".join(row), flush=True)
    print(f"{'':<20}" + "".join(f"{o:>15}" for o in OUTCOMES) + "  check p50/p95 ms")
    for way, count in counts.items():
        cost = sorted(costs[way]) or [float("nan")]
        p95 = cost[min(len(cost) - 1, int(0.95 * len(cost)))]
        figures = "".join(f"{count[o]:>15}" for o in OUTCOMES)
        print(f"{way:<20}{figures}  {statistics.median(cost):.0f}/{p95:.0f} (n={len(costs[way])})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
