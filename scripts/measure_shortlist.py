"""How often the name check's shortlist holds the station the passenger said.

Re-scoring can only pick a station it scores, so the shortlist's recall bounds the whole name
check. This replays saved transcripts (from `measure_spoken.py --turns`) through the checker's
doubt and shortlist steps, without Whisper, and prints for each way of shortlisting how many
doubtful questions had the said station in their shortlist and its rank:

    .venv/bin/python scripts/measure_spoken.py --out S --data-dir D --turns T.jsonl
    .venv/bin/python scripts/measure_shortlist.py --set S/manifest.jsonl --turns T.jsonl \\
        --data-dir D [--show]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import spoken_set as ss

from kiosk.config import load_settings
from kiosk.name_check import SHORTLIST, NameChecker
from knowledge.answers.understand import Understander
from knowledge.store import KnowledgeBase
from voice.sounds_like import EnglishSounds
from voice.stt_guards import Transcript

HERE = "강남"
DEEP = 50
"""Shortlist length at which ranks are read (the kiosk scores the first `SHORTLIST`)."""


def first_question(turns: list[dict[str, Any]], wav: str) -> str | None:
    """The transcript of the first turn heard from `wav` (later turns are replies)."""
    for turn in turns:
        if Path(turn["input"]).resolve() == Path(wav).resolve() and turn.get("transcript"):
            return turn["transcript"]
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, required=True, help="spoken set manifest.jsonl")
    parser.add_argument("--turns", type=Path, required=True, help="saved turns (JSON lines)")
    parser.add_argument("--data-dir", type=Path, required=True, help="kiosk data folder")
    parser.add_argument("--show", action="store_true", help="print each doubtful question")
    args = parser.parse_args(argv)

    settings = load_settings(None, {"data.dir": str(args.data_dir)})
    kb = KnowledgeBase.open(settings.data.dir / "kb")
    understander = Understander(kb)
    here = kb.resolve_station(HERE)[0].complex
    ways = {
        "spelling": NameChecker(None, understander, shortlist=DEEP),
        "spelling+sound": NameChecker(
            None, understander, shortlist=DEEP, sounds=EnglishSounds(settings.models.espeak)
        ),
    }
    turns = [json.loads(line) for line in args.turns.read_text(encoding="utf-8").splitlines()]
    ranks: dict[str, list[int | None]] = {way: [] for way in ways}
    for item in ss.load_manifest(args.set):
        text = first_question(turns, item.wav)
        if text is None:
            continue
        heard = Transcript(text, "en", 1.0, 0.0, 0.0, 0.0)
        doubt = ways["spelling"]._doubt(heard, understander.understand(text, "en", here), here)
        if doubt is None:
            continue
        row = [f"{item.station_en:>22} | {text} | slot {doubt.slot!r}"]
        for way, checker in ways.items():
            shortlist = checker.shortlister.shortlist(text, doubt.slot, doubt.current)
            said = [c.station.names.get("ko") for c in shortlist]
            rank = next((i + 1 for i, ko in enumerate(said) if ko == item.station_ko), None)
            ranks[way].append(rank)
            row.append(f"{way}: {rank}")
        if args.show:
            print("  ".join(row))
    kept = f"in top {SHORTLIST}"
    print(f"{'shortlist':<16}{'doubtful':>9}{kept:>10}{'in top 20':>10}{'median rank':>13}")
    for way, found in ranks.items():
        hit = [r for r in found if r is not None]
        kept_hits = sum(r <= SHORTLIST for r in hit)
        top20 = sum(r <= 20 for r in hit)
        median = statistics.median(hit) if hit else float("nan")
        print(f"{way:<16}{len(found):>9}{kept_hits:>10}{top20:>10}{median:>13}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
