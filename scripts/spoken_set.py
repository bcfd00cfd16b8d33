"""A spoken English test set from many synthetic speakers, generated on demand (nothing committed).

Stations are drawn deterministically (fixed seed) from knowledge/data/seoul/stations.csv, spread
across lines; each gets 3-4 passenger questions from a few templates (route, lines, elevator).
Every expected fact (the station complex, its English spellings, whether it has elevator rows)
comes from the public CSVs, never from the kiosk. Speakers are the Debian voices of flite,
festival and espeak-ng; the kiosk's own Piper voice (en_US-joe-medium) is never used. Speakers,
two speaking rates and clean / fan noise at 10 dB SNR rotate over the questions, so every speaker
appears about equally often with both rates and both noise conditions.

Run from the repository root:

    .venv/bin/python scripts/spoken_set.py --list              # the items as JSON lines, no audio
    .venv/bin/python scripts/spoken_set.py --out /tmp/spoken   # WAVs + manifest.jsonl
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import math
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from itertools import cycle, islice
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from voice.audio import SAMPLE_RATE, read_wav, write_wav  # noqa: E402
from voice.frames import mix_at_snr  # noqa: E402

SEOUL = REPO / "knowledge" / "data" / "seoul"
STATIONS_CSV = SEOUL / "stations.csv"
EDGES_CSV = SEOUL / "edges.csv"
ELEVATORS_CSV = SEOUL / "elevators_seoulmetro.csv"
NOISE_WAV = REPO / "tests" / "data" / "speech" / "speechbrain__noise_diffuse_4s.wav"

SEED = "spoken-set-2026"
HERE = "강남"  # the kiosk's station: asked about only without its name, as "here"
N_HERE = 24  # questions about the kiosk's own station, after the named ones
N_STATIONS = 56
FOURTH_EVERY = 3  # every third station gets a fourth question: 56 * 3 + 19 = 187 items
SNR_DB = 10.0
LEAD_S, TAIL_S = 0.4, 1.0  # silence around each utterance, so the VAD finds an endpoint
PEAK_DBFS = -6.0  # synthesisers differ in level; all speech is brought to one peak
MAX_WORDS = 4
MAX_SPREAD_M = 1000.0  # same Korean name farther apart than this: two places (양평, 신촌)
UNSAYABLE = re.compile(r"[?().`'’,]")  # abbreviations and asides a passenger would not say
RATES = {"normal": 1.0, "slow": 1.25}  # duration stretch


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    engine: str  # flite | festival | espeak-ng
    voice: str


SPEAKERS: tuple[Speaker, ...] = (
    Speaker("flite-kal16", "flite", "kal16"),
    Speaker("flite-awb", "flite", "awb"),
    Speaker("flite-rms", "flite", "rms"),
    Speaker("flite-slt", "flite", "slt"),
    Speaker("festival-kal", "festival", "voice_kal_diphone"),
    Speaker("festival-slt-hts", "festival", "voice_cmu_us_slt_arctic_hts"),
    Speaker("espeak-en-us", "espeak-ng", "en-us"),
    Speaker("espeak-en-gb", "espeak-ng", "en-gb"),
    Speaker("espeak-en-us-f3", "espeak-ng", "en-us+f3"),
)
SPEAKER_BY_NAME = {s.name: s for s in SPEAKERS}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "route": (
        "How do I get to {name}?",
        "How can I get to {station}?",
        "I want to go to {station}.",
        "Which way is it to {name}?",
        "How do I go to {name} from here?",
    ),
    "lines": (
        "Which line stops at {name}?",
        "What line is {name} on?",
        "Which lines go to {station}?",
        "What subway line is {station} on?",
    ),
    "elevator": (
        "Where is the elevator at {station}?",
        "Is there an elevator at {station}?",
        "Where can I find the elevator at {name}?",
    ),
}
HERE_TEMPLATES: dict[str, tuple[str, ...]] = {
    # A passenger at the kiosk names no station: a kiosk that hears a dropped name in every
    # unnamed place would ask these back instead of answering them.
    "here-lines": (
        "Which lines stop here?",
        "What line is this station on?",
        "Which subway lines stop at this station?",
        "What line is this?",
    ),
    "here-elevator": (
        "Where is the elevator?",
        "Is there an elevator in this station?",
        "Which exit has the elevator?",
        "I have a stroller. Where is the elevator?",
        "Where can I find an elevator here?",
        "Excuse me, is there a lift?",
    ),
}


@dataclass(frozen=True, slots=True)
class Complex:
    """One station complex of stations.csv: all rows sharing a Korean name."""

    name_ko: str
    names_en: tuple[str, ...]  # every English spelling in the CSV, the most frequent first
    lines: tuple[str, ...]
    spread_m: float  # largest distance between two of its rows
    has_edges: bool
    has_elevators: bool  # rows in elevators_seoulmetro.csv


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    wav: str
    text: str
    speaker: str
    rate: str  # a key of RATES
    noisy: bool
    station_ko: str
    station_en: str
    intent: str  # a key of TEMPLATES or HERE_TEMPLATES
    lang: str = "en"  # "ja": scripts/spoken_set_ja.py


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111_320.0
    dx = (a[1] - b[1]) * 111_320.0 * math.cos(lat)
    return math.hypot(dx, dy)


@functools.cache
def load_complexes(stations_csv: Path = STATIONS_CSV) -> dict[str, Complex]:
    """Every complex of the CSV by Korean name."""
    rows = _read_csv(stations_csv)
    linked = {
        code for e in _read_csv(EDGES_CSV) for code in (e["from_station_cd"], e["to_station_cd"])
    }
    with_elevators = {r["station_name"] for r in _read_csv(ELEVATORS_CSV)}
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        groups[row["name_ko"]].append(row)
    out = {}
    for ko, group in groups.items():
        spellings = Counter(r["name_en"].strip() for r in group if r["name_en"].strip())
        points = [(float(r["lat"]), float(r["lon"])) for r in group if r["lat"] and r["lon"]]
        spread = max((_distance_m(a, b) for a in points for b in points), default=0.0)
        out[ko] = Complex(
            name_ko=ko,
            names_en=tuple(name for name, _ in spellings.most_common()),
            lines=tuple(sorted({r["line"] for r in group})),
            spread_m=spread,
            has_edges=any(r["station_cd"] in linked for r in group),
            has_elevators=ko in with_elevators,
        )
    return out


def sayable(name: str) -> bool:
    """An English name a passenger could say as written."""
    return bool(name) and not UNSAYABLE.search(name) and len(name.split()) <= MAX_WORDS


def _compact(name: str) -> str:
    return re.sub(r"[\s\-‐‑–—]", "", name.lower())


def eligible(complexes: dict[str, Complex]) -> list[Complex]:
    """Complexes worth asking about: sayable, unambiguous, one place, on the network."""
    owners: dict[str, set[str]] = defaultdict(set)
    for c in complexes.values():
        for name in c.names_en:
            owners[_compact(name)].add(c.name_ko)
    return [
        c
        for c in complexes.values()
        if c.name_ko != HERE
        and c.names_en
        and sayable(c.names_en[0])
        and all(len(owners[_compact(n)]) == 1 for n in c.names_en)
        and c.spread_m <= MAX_SPREAD_M
        and c.has_edges
    ]


def pick_stations(n: int = N_STATIONS, seed: str = SEED) -> list[Complex]:
    """`n` complexes, drawn round-robin over the lines so every line is represented."""
    rng = random.Random(seed)
    by_line: dict[str, list[Complex]] = defaultdict(list)
    for c in sorted(eligible(load_complexes()), key=lambda c: c.name_ko):
        for line in c.lines:
            by_line[line].append(c)
    queues = {line: rng.sample(cs, len(cs)) for line, cs in sorted(by_line.items())}
    picked: dict[str, Complex] = {}
    while len(picked) < n and any(queues.values()):
        for queue in queues.values():
            while queue and queue[-1].name_ko in picked:
                queue.pop()
            if queue and len(picked) < n:
                c = queue.pop()
                picked[c.name_ko] = c
    return list(picked.values())


def _intents(c: Complex, index: int) -> list[str]:
    intents = ["route", "lines", "elevator" if c.has_elevators else "route"]
    if index % FOURTH_EVERY == 0:
        intents.append("lines")
    return intents


def _say(template: str, name: str) -> str:
    station = name if name.lower().endswith("station") else f"{name} station"
    return template.format(name=name, station=station)


def build_items(out_dir: Path | str = "spoken-set", seed: str = SEED) -> list[Item]:
    """The whole set, without audio: what is said, by whom, and what the answer must name."""
    rng = random.Random(f"{seed}/templates")
    said: list[tuple[str, Complex, str]] = []  # (sentence, station meant, intent)
    for s, c in enumerate(pick_stations(seed=seed)):
        orders = {k: rng.sample(v, len(v)) for k, v in TEMPLATES.items()}
        said += [(_say(orders[i].pop(), c.names_en[0]), c, i) for i in _intents(c, s)]
    here = load_complexes()[HERE]
    unnamed = [(t, intent) for intent, ts in HERE_TEMPLATES.items() for t in ts]
    unnamed = rng.sample(unnamed, len(unnamed))  # after the named draw, which stays as it was
    said += [(text, here, intent) for text, intent in islice(cycle(unnamed), N_HERE)]
    return [_item(i, text, c, intent, out_dir) for i, (text, c, intent) in enumerate(said)]


def _item(i: int, text: str, c: Complex, intent: str, out_dir: Path | str) -> Item:
    """Speakers, rates and noise rotate over the items in order."""
    speaker = SPEAKERS[i % len(SPEAKERS)]
    rate = ("normal", "slow")[(i // len(SPEAKERS)) % 2]
    noisy = (i // (2 * len(SPEAKERS))) % 2 == 1
    item_id = f"{i:03d}-{speaker.name}-{rate}-{'noisy' if noisy else 'clean'}"
    wav = str(Path(out_dir) / f"{item_id}.wav")
    return Item(item_id, wav, text, speaker.name, rate, noisy, c.name_ko, c.names_en[0], intent)


# --- audio --------------------------------------------------------------------------------------


def _synth_command(speaker: Speaker, text: str, stretch: float, out: Path) -> list[str]:
    if speaker.engine == "flite":
        return [
            "flite",
            "-voice",
            speaker.voice,
            "--setf",
            f"duration_stretch={stretch}",
            "-t",
            text,
            "-o",
            str(out),
        ]
    if speaker.engine == "festival":
        command = ["text2wave", "-o", str(out), "-eval", f"({speaker.voice})"]
        command += ["-eval", f"(Parameter.set 'Duration_Stretch {stretch})"]
        if speaker.voice.endswith("_hts"):  # HTS voices ignore Duration_Stretch: use its -r
            speed = f'(list "-r" {1 / stretch:.3f})'
            command += [
                "-eval",
                f"(set! hts_engine_params (append hts_engine_params (list {speed})))",
            ]
        return command
    if speaker.engine == "espeak-ng":
        wpm = round(150 / stretch)
        return ["espeak-ng", "-v", speaker.voice, "-s", str(wpm), "-w", str(out), text]
    raise ValueError(f"unknown engine {speaker.engine}")


def synthesise(speaker: str, text: str, rate: str = "normal") -> np.ndarray:
    """`text` spoken by `speaker` at `rate`: int16 mono at 16 kHz, peak at PEAK_DBFS."""
    if speaker not in SPEAKER_BY_NAME:  # a Japanese speaker
        import spoken_set_ja

        return spoken_set_ja.synthesise(speaker, text, rate)
    voice = SPEAKER_BY_NAME[speaker]
    with tempfile.TemporaryDirectory(prefix="spoken-") as tmp:
        out = Path(tmp) / "say.wav"
        command = _synth_command(voice, text, RATES[rate], out)
        stdin = text if voice.engine == "festival" else None
        subprocess.run(command, input=stdin, text=True, check=True, capture_output=True)
        samples = read_wav(out, SAMPLE_RATE).astype(np.float64)
    peak = np.max(np.abs(samples)) if samples.size else 0.0
    if peak > 0:
        samples *= 32767 * 10 ** (PEAK_DBFS / 20) / peak
    return np.round(samples).astype(np.int16)


@functools.cache
def noise() -> np.ndarray:
    """The vendored fan noise the noisy items are mixed with."""
    return read_wav(NOISE_WAV)


def render(item: Item, index: int = 0) -> np.ndarray:
    """The item's whole recording: lead silence, speech, tail silence, noise if noisy."""
    speech = synthesise(item.speaker, item.text, item.rate)
    lead = np.zeros(int(LEAD_S * SAMPLE_RATE), dtype=np.int16)
    tail = np.zeros(int(TAIL_S * SAMPLE_RATE), dtype=np.int16)
    audio = np.concatenate([lead, speech, tail])
    if item.noisy:  # a different stretch of the fan for each item
        audio = mix_at_snr(audio, np.roll(noise(), index * 7919), SNR_DB)
    return audio


def write_set(items: Sequence[Item], jobs: int = 2) -> Path:
    """Synthesise every item to its WAV path; writes manifest.jsonl beside them."""
    if not items:
        raise ValueError("no items")
    folder = Path(items[0].wav).parent
    folder.mkdir(parents=True, exist_ok=True)

    def one(pair: tuple[int, Item]) -> None:
        index, item = pair
        write_wav(item.wav, render(item, index))

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(one, enumerate(items)))
    manifest = folder / "manifest.jsonl"
    with manifest.open("w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
    return manifest


def load_manifest(path: Path) -> list[Item]:
    with path.open(encoding="utf-8") as f:
        return [Item(**json.loads(line)) for line in f if line.strip()]


def summary(items: Iterable[Item]) -> str:
    items = list(items)
    counts = {
        "items": len(items),
        "stations": len({i.station_ko for i in items}),
        "speakers": dict(Counter(i.speaker for i in items)),
        "rates": dict(Counter(i.rate for i in items)),
        "noisy": sum(i.noisy for i in items),
        "intents": dict(Counter(i.intent for i in items)),
    }
    return json.dumps(counts, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("spoken-set"), help="folder for WAVs")
    parser.add_argument("--list", action="store_true", help="print the items; no audio")
    parser.add_argument("--jobs", type=int, default=2, help="synthesisers run in parallel")
    parser.add_argument("--seed", default=SEED, help="another draw of stations and speakers")
    args = parser.parse_args(argv)
    items = build_items(args.out.resolve(), args.seed)
    if args.list:
        for item in items:
            print(json.dumps(asdict(item), ensure_ascii=False))
        return 0
    manifest = write_set(items, args.jobs)
    print(f"wrote {len(items)} WAVs and {manifest}", file=sys.stderr)
    print(summary(items))
    return 0


if __name__ == "__main__":
    sys.exit(main())
