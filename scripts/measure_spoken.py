"""Measure the whole kiosk on the synthetic spoken set (scripts/spoken_set.py).

Generates the set (or reuses one with --set), runs `kiosk simulate --json` once over every WAV
(models load once) and scores each input against the station its question names:

- right: an answered turn whose answer contains the expected station's English name (any CSV
  spelling; case, hyphens and spaces ignored) in its first sentence, or anywhere when that
  sentence names no station (a route to another station that changes trains at the expected one
  is not right);
- clarify: the kiosk asked back;
- wrong station: an answered turn that names another complex but not the expected one, judged
  the same way (routes name the origin 강남/Gangnam, directions and transfers, so only a missing
  expected name makes it wrong);
- not answered: everything else (no speech, rejected transcript, no information, out of scope...).

One WAV can give 0, 1 or several turns; it is scored once: wrong if any turn is wrong, else right
if any turn is right, else clarify if any turn asked back, else not answered. Latency is
speech_end_to_first_audio over turns: those scored right, and all turns that have it.

    .venv/bin/python scripts/measure_spoken.py                 # temp folders, prints the table
    .venv/bin/python scripts/measure_spoken.py --out /tmp/spoken --data-dir /tmp/kiosk-data
    .venv/bin/python scripts/measure_spoken.py --set /tmp/spoken/manifest.jsonl --json
    .venv/bin/python scripts/measure_spoken.py --set S/manifest.jsonl --from-turns T.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import spoken_confirm as sc
import spoken_set as ss
import spoken_set_ja as ssj

from knowledge.lines import LineRegistry

KIOSK = Path(sys.executable).with_name("kiosk")
HERE = "강남"
LATENCY = "speech_end_to_first_audio"
VERDICTS = ("right", "clarify", "not_answered", "wrong_station")
# Line names that contain a station's name (Gyeongui–Jungang Line, Incheon Line 1, Sillim Line,
# U Line (Uijeongbu LRT)): dropped before looking for *other* stations in an answer.
LINE_NAME = re.compile(r"[\w’'–-]+ Line\b|\(Uijeongbu LRT\)")


def name_pattern(name: str) -> re.Pattern[str]:
    """`name` anywhere as whole words, case-insensitive, hyphens and spaces optional."""
    chars = [c for c in name.lower() if not re.match(r"[\s\-‐‑–—]", c)]
    body = r"[\s\-‐‑–—]*".join(re.escape(c) for c in chars)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Names:
    """Patterns for every complex's spellings in the set's language (English, or Japanese for
    scripts/spoken_set_ja.py)."""

    by_complex: dict[str, list[re.Pattern[str]]]
    lang: str = "en"

    @classmethod
    def from_csv(cls, lang: str = "en") -> Names:
        if lang == "ja":
            spellings = ssj.japanese_names()
            return cls({ko: [kana_pattern(n) for n in ns] for ko, ns in spellings.items()}, lang)
        complexes = ss.load_complexes()
        return cls({ko: [name_pattern(n) for n in c.names_en] for ko, c in complexes.items()})

    def mentions(self, ko: str, text: str) -> bool:
        return any(p.search(text) for p in self.by_complex.get(ko, []))

    def others(self, ko: str, text: str) -> list[str]:
        """Other complexes named in `text` (line names left out)."""
        text = _JA_LINE_NAME.sub(" ", text) if self.lang == "ja" else LINE_NAME.sub(" ", text)
        return [
            k for k, ps in self.by_complex.items() if k != ko and any(p.search(text) for p in ps)
        ]


def kana_pattern(name: str) -> re.Pattern[str]:
    """A Japanese name anywhere but inside a longer katakana word (クイ is not in ソックイー)."""
    katakana = r"\u30a0-\u30ff"
    return re.compile(rf"(?<![{katakana}]){re.escape(name)}(?![{katakana}])")


_JA_LINE_NAME = re.compile(
    "|".join(sorted((re.escape(ln.names["ja"]) for ln in LineRegistry().all()), key=len)[::-1])
)
"""Japanese line names that hold a station's name (仁川1号線): left out of the other names."""


def headline(answer: str) -> str:
    """The answer's first sentence: "From Gangnam to X: ...", "X Station is served by ...",
    "X Station has 4 elevators", "Take Line 2 toward D, ride N stops, and get off at X"."""
    return re.split(r"[.!?](?=\s+[A-Z])|。", answer, maxsplit=1)[0]


def classify_turn(turn: dict[str, Any], expected_ko: str, names: Names) -> str:
    """The headline decides when it names a station (a route's transfers and directions come
    later); otherwise the whole answer does."""
    outcome = turn.get("outcome")
    if outcome == "clarify":
        return "clarify"
    if outcome != "answered":
        return "not_answered"
    answer = turn.get("answer") or ""
    for text in (headline(answer), answer):
        if names.mentions(expected_ko, text):
            return "right"
        if names.others(expected_ko, text):
            return "wrong_station"
    return "not_answered"


def classify_item(verdicts: Sequence[str]) -> str:
    for verdict in ("wrong_station", "right", "clarify"):
        if verdict in verdicts:
            return verdict
    return "not_answered"


@dataclass(slots=True)
class Row:
    """One input WAV: the item, its turns and its verdict."""

    item: ss.Item
    verdict: str
    turns: list[dict[str, Any]] = field(default_factory=list)
    turn_verdicts: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self.item),
            "verdict": self.verdict,
            "transcripts": [t.get("transcript", "") for t in self.turns],
            "outcomes": [t.get("outcome") for t in self.turns],
            "answers": [t.get("answer", "") for t in self.turns],
            "turn_verdicts": self.turn_verdicts,
            "latency_ms": [t.get("timings_ms", {}).get(LATENCY) for t in self.turns],
        }


def score(items: Iterable[ss.Item], turns: Iterable[dict[str, Any]], names: Names) -> list[Row]:
    by_input: dict[str, list[dict[str, Any]]] = {}
    for turn in turns:
        by_input.setdefault(str(Path(turn["input"]).resolve()), []).append(turn)
    rows = []
    for item in items:
        its = by_input.get(str(Path(item.wav).resolve()), [])
        verdicts = [classify_turn(t, item.station_ko, names) for t in its]
        rows.append(Row(item, classify_item(verdicts), its, verdicts))
    return rows


def _pct(values: list[float], q: float) -> str:
    return f"{np.percentile(values, q):.0f}" if values else "-"


def _latencies(rows: Iterable[Row], only_right: bool) -> list[float]:
    out = []
    for row in rows:
        for turn, verdict in zip(row.turns, row.turn_verdicts, strict=True):
            value = turn.get("timings_ms", {}).get(LATENCY)
            if value is not None and (verdict == "right" or not only_right):
                out.append(float(value))
    return out


def table(rows: Sequence[Row]) -> str:
    groups: list[tuple[str, Callable[[Row], bool]]] = [("overall", lambda r: True)]
    for speaker in dict.fromkeys(r.item.speaker for r in rows):
        groups.append((f"speaker {speaker}", lambda r, s=speaker: r.item.speaker == s))
    for rate in ss.RATES:
        groups.append((f"rate {rate}", lambda r, x=rate: r.item.rate == x))
    groups.append(("station named", lambda r: not r.item.intent.startswith("here")))
    groups.append(("kiosk's own, unnamed", lambda r: r.item.intent.startswith("here")))
    groups.append(("clean", lambda r: not r.item.noisy))
    groups.append((f"noisy {ss.SNR_DB:.0f} dB", lambda r: r.item.noisy))
    for intent in dict.fromkeys(r.item.intent for r in rows):
        groups.append((f"intent {intent}", lambda r, x=intent: r.item.intent == x))
    head = (
        f"{'group':<26}{'n':>4}{'right':>12}{'clarify':>8}{'not ans':>8}{'wrong st':>9}"
        f"{'p50 right':>11}{'p95 right':>10}{'p50 all':>9}{'p95 all':>9}"
    )
    lines = [head, "-" * len(head)]
    for label, keep in groups:
        sel = [r for r in rows if keep(r)]
        if not sel:
            continue
        count = {v: sum(r.verdict == v for r in sel) for v in VERDICTS}
        right_lat, all_lat = _latencies(sel, True), _latencies(sel, False)
        right = f"{count['right']} ({100 * count['right'] / len(sel):.0f}%)"
        lines.append(
            f"{label:<26}{len(sel):>4}{right:>12}{count['clarify']:>8}"
            f"{count['not_answered']:>8}{count['wrong_station']:>9}"
            f"{_pct(right_lat, 50):>11}{_pct(right_lat, 95):>10}"
            f"{_pct(all_lat, 50):>9}{_pct(all_lat, 95):>9}"
        )
    return "\n".join(lines)


def wrong_cases(rows: Sequence[Row]) -> str:
    out = []
    for row in rows:
        for turn, verdict in zip(row.turns, row.turn_verdicts, strict=True):
            if verdict == "wrong_station":
                out.append(
                    f"{row.item.id}: said {row.item.text!r} (expected {row.item.station_en})\n"
                    f"    heard  {turn.get('transcript', '')!r}\n"
                    f"    answer {turn.get('answer', '')!r}"
                )
    return "\n".join(out)


def ensure_kb(kiosk: Path, data_dir: Path) -> None:
    if (data_dir / "kb").is_dir():
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [str(kiosk), "kb", "import", "--bundled", "--data-dir", str(data_dir)]
    subprocess.run(command, check=True, capture_output=True, text=True)


def simulate(
    kiosk: Path, data_dir: Path, station: str, wavs: Sequence[str], log: Path
) -> list[dict[str, Any]]:
    """One `kiosk simulate --json` over every WAV; its stderr goes to `log`. It runs in the
    log's folder: a `--kiosk` wrapper running `python -m kiosk` from another checkout (a
    "before" run) would otherwise import this checkout's code, the current folder coming first
    on `sys.path`."""
    program = str(kiosk.resolve()) if kiosk.parent != Path(".") else str(kiosk)  # or on PATH
    command = [program, "simulate", "--json", "--data-dir", str(data_dir.resolve())]
    command += ["--station", station, *(str(Path(w).resolve()) for w in wavs)]
    with log.open("w", encoding="utf-8") as err:
        done = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=err, text=True, cwd=log.resolve().parent
        )
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8").splitlines()[-20:]
        raise SystemExit(f"kiosk simulate failed ({done.returncode}):\n" + "\n".join(tail))
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _measure(args: argparse.Namespace) -> tuple[list[ss.Item], list[dict[str, Any]]]:
    """Generate (or load) the set and run the kiosk over it once."""
    with tempfile.TemporaryDirectory(prefix="measure-spoken-") as tmp:
        tmp_dir = Path(tmp)
        if args.set is not None:
            items = ss.load_manifest(args.set)
        else:
            items = ss.build_items((args.out or tmp_dir / "set").resolve(), args.seed)
        items = items[: args.limit] if args.limit else items
        if args.set is None:
            print(f"synthesising {len(items)} utterances ...", file=sys.stderr)
            ss.write_set(items, args.jobs)
        data_dir = args.data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="kiosk-data-"))
        ensure_kb(args.kiosk, data_dir)
        print(f"kiosk simulate over {len(items)} WAVs (several minutes) ...", file=sys.stderr)
        log = tmp_dir / "simulate.log"
        turns = simulate(args.kiosk, data_dir, args.station, [i.wav for i in items], log)
    return items, turns


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder for the generated WAVs (default: temp)")
    parser.add_argument("--set", type=Path, help="reuse a generated set: its manifest.jsonl")
    parser.add_argument("--data-dir", type=Path, help="kiosk data folder (default: temp, imported)")
    parser.add_argument("--station", default=HERE, help="station the kiosk stands in")
    parser.add_argument(
        "--seed", default=ss.SEED, help="another draw of stations and speakers (a held-out set)"
    )
    parser.add_argument("--kiosk", type=Path, default=KIOSK, help="the kiosk command")
    parser.add_argument("--limit", type=int, help="only the first N items (a quick look)")
    parser.add_argument("--jobs", type=int, default=2, help="synthesisers run in parallel")
    parser.add_argument(
        "--turns", type=Path, help="also save the raw turns (JSON lines) here, and the replies'"
        " turns beside them (T.replies.jsonl)",
    )  # fmt: skip
    parser.add_argument("--from-turns", type=Path, help="score saved turns (needs --set)")
    parser.add_argument("--json", action="store_true", help="print one JSON row per item")
    parser.add_argument(
        "--no-confirm", action="store_true", help="skip the passengers' replies to 'Did you mean'"
    )
    args = parser.parse_args(argv)
    if args.from_turns is not None and args.set is None:
        parser.error("--from-turns needs --set (the manifest the turns were measured on)")

    if args.from_turns is not None:
        items = ss.load_manifest(args.set)
        items = items[: args.limit] if args.limit else items
        turns = [
            json.loads(line) for line in args.from_turns.open(encoding="utf-8") if line.strip()
        ]
    else:
        items, turns = _measure(args)
    if args.turns is not None:
        args.turns.write_text(
            "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in turns), encoding="utf-8"
        )
    rows = score(items, turns, Names.from_csv(items[0].lang if items else "en"))
    if args.json:
        for row in rows:
            print(json.dumps(row.as_json(), ensure_ascii=False))
        return 0
    print(ss.summary(items))
    print(f"turns: {len(turns)} from {len(items)} WAVs; latency = {LATENCY} in ms\n")
    print(table(rows))
    wrong = wrong_cases(rows)
    print("\nwrong-station turns:\n" + (wrong or "    none"))
    if not args.no_confirm and args.from_turns is None:
        print("\n" + confirm_round(args, rows))
    return 0


def confirm_round(args: argparse.Namespace, rows: Sequence[Row]) -> str:
    """Replay every asked-back item with the passenger's reply; the figures the issue asks
    for: right on the first turn, right after one confirmation, answers about another station."""
    names = Names.from_csv(rows[0].item.lang if rows else "en")
    with tempfile.TemporaryDirectory(prefix="measure-confirm-") as tmp:
        replies = sc.write_replies(rows, Path(tmp), names)
        items = [item for item, _ in replies]
        turns = simulate(args.kiosk, args.data_dir, args.station, [i.wav for i in items],
                         Path(tmp) / "simulate.log") if items else []  # fmt: skip
    if args.turns:  # beside the first turns: T.jsonl -> T.replies.jsonl
        saved = "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in turns)
        args.turns.with_suffix(".replies.jsonl").write_text(saved, encoding="utf-8")
    second = score(items, turns, names)
    after = {
        r.item.id: (r.turn_verdicts[-1] if r.turn_verdicts else "not_answered") for r in second
    }
    first_right = sum(r.verdict == "right" for r in rows)
    confirmed = sum(v == "right" for v in after.values())
    wrong = sum(r.verdict == "wrong_station" for r in rows)
    wrong += sum(v == "wrong_station" for v in after.values())
    lines = [
        f"{r.item.id}: replied {said!r} -> {after[r.item.id]}"
        for r, (_, said) in zip(second, replies, strict=True)
    ]
    n = len(rows)
    return "\n".join([
        "after one confirmation (the passenger replies yes, no or the name):",
        *(f"    {line}" for line in lines),
        f"right on the first turn: {first_right}/{n} ({100 * first_right / n:.0f}%)",
        f"right after one confirmation: {confirmed} more; in all {first_right + confirmed}/{n} "
        f"({100 * (first_right + confirmed) / n:.0f}%); first-turn share of the right: "
        f"{100 * first_right / max(1, first_right + confirmed):.0f}%",
        f"answers about a station not said (both turns): {wrong}",
    ])  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
