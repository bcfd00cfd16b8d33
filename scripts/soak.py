"""Soak test: many turns in a row through the real `TurnPipeline` and the real models.

A kiosk runs for months; a leak of one file descriptor or a few kilobytes per turn takes it
down in weeks. This drives N turns (typed ko/zh/ja, spoken English from Piper with and without
noise, real recordings, pure noise, barge-ins that cut a reply short or the LLM mid-prompt, LLM
answers), samples RSS, open file descriptors and OS threads after a warm-up and at the end, and
prints the figures.

    .venv/bin/python scripts/soak.py --turns 1000            # the full soak (about 30 min)
    .venv/bin/python scripts/soak.py --turns 30 --json       # what CI runs

Exit status 1 when a turn crashed or a limit was broken (RSS growth after warm-up over
`--max-rss-growth`, any fd or thread growth).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.app import Kiosk, build_kiosk  # noqa: E402
from kiosk.config import DataSettings, Settings  # noqa: E402
from kiosk.samples import speak_with_silence  # noqa: E402
from kiosk.stages import Timing  # noqa: E402
from knowledge.store import KnowledgeBase  # noqa: E402
from voice.audio import SAMPLE_RATE, AudioChunk, read_wav  # noqa: E402
from voice.frames import mix_at_snr  # noqa: E402

logger = logging.getLogger("soak")

SPEECH = ROOT / "tests" / "data" / "speech"
TYPED = {
    "ko": ["엘리베이터는 어디에 있나요?", "잠실역까지 어떻게 가요?", "화장실 어디예요?"],
    "zh": ["电梯在哪里？", "去蚕室站怎么走？"],
    "ja": ["エレベーターはどこですか？", "蚕室駅までどうやって行きますか？"],
}
SPOKEN_EN = ["Where is the elevator?", "Which lines stop at Jamsil station?"]
LLM_EN = "What should I know about this station?"
"""A question no structured answer takes: it goes to retrieval and the LLM."""
KINDS = (
    "typed_ko",
    "typed_zh",
    "spoken_en",
    "typed_ja",
    "recording_en",
    "noise",
    "barge_in",
    "spoken_en_noisy",
    "barge_in_llm",
    "llm_en",
    "recording_ja",
)
"""One cycle of turn kinds; a warm-up of at least one cycle warms every code path."""


class NullSink:
    """A speaker that plays instantly and keeps nothing (a memory sink would grow by itself).

    `first_audio` is set on the first chunk of a turn: the barge-in turns wait for it and cut.
    """

    sample_rate = SAMPLE_RATE

    def __init__(self) -> None:
        self.samples = 0
        self.stops = 0
        self.first_audio = asyncio.Event()

    async def play(self, chunk: AudioChunk) -> None:
        self.samples += len(chunk.samples) // 2
        self.first_audio.set()

    async def drain(self) -> None:
        return None

    def stop(self) -> None:
        self.stops += 1

    def reset(self) -> None:
        self.first_audio = asyncio.Event()


@dataclasses.dataclass
class Sample:
    """Process figures at one point of the soak."""

    turn: int
    rss_kb: int
    fds: int
    threads: int
    thread_names: dict[str, int] = dataclasses.field(default_factory=dict)
    """OS threads by name: Python's by their `threading` name, native ones by their comm."""

    @classmethod
    def now(cls, turn: int) -> Sample:
        gc.collect()
        status = _proc_status()
        return cls(
            turn,
            status["VmRSS"],
            len(os.listdir("/proc/self/fd")),
            status["Threads"],
            _thread_names(),
        )

    def threads_added_since(self, earlier: Sample) -> dict[str, int]:
        """Names with more threads now than at `earlier` (what a thread growth consists of)."""
        return {
            name: count - earlier.thread_names.get(name, 0)
            for name, count in sorted(self.thread_names.items())
            if count > earlier.thread_names.get(name, 0)
        }


@dataclasses.dataclass
class SoakReport:
    turns: int
    warmup: int
    seconds: float
    outcomes: dict[str, int]
    errors: list[str]
    start: Sample
    warm: Sample
    end: Sample
    barge_ins: int
    seconds_by_kind: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def rss_growth(self) -> float:
        """RSS growth from the end of the warm-up to the end, as a fraction."""
        return (self.end.rss_kb - self.warm.rss_kb) / self.warm.rss_kb

    def threads_added(self) -> dict[str, int]:
        return self.end.threads_added_since(self.warm)

    def as_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["rss_growth"] = round(self.rss_growth, 4)
        out["fd_growth"] = self.end.fds - self.warm.fds
        out["thread_growth"] = self.end.threads - self.warm.threads
        return out

    def text(self) -> str:
        def mb(kb: int) -> str:
            return f"{kb / 1024:.1f} MB"

        return "\n".join(
            [
                f"soak: {self.turns} turns in {self.seconds:.0f} s "
                f"({self.seconds / max(self.turns, 1):.2f} s/turn), {self.barge_ins} barge-ins",
                f"outcomes: {dict(sorted(self.outcomes.items()))}",
                f"seconds by kind: {self.seconds_by_kind}",
                f"errors: {len(self.errors)}"
                + (f", first: {self.errors[0]}" if self.errors else ""),
                f"RSS: start {mb(self.start.rss_kb)}, after warm-up ({self.warmup} turns) "
                f"{mb(self.warm.rss_kb)}, end {mb(self.end.rss_kb)} "
                f"(growth after warm-up {self.rss_growth * 100:+.2f} %)",
                f"open fds: start {self.start.fds}, warm {self.warm.fds}, end {self.end.fds}",
                f"threads: start {self.start.threads}, warm {self.warm.threads}, "
                f"end {self.end.threads}"
                + (f", added: {added}" if (added := self.threads_added()) else ""),
            ]
        )


def _thread_names() -> dict[str, int]:
    """Python threads by their name, the others (native pools) as "native:<comm>"."""
    python_names = {t.native_id: t.name for t in threading.enumerate()}
    names: Counter[str] = Counter()
    for task in os.listdir("/proc/self/task"):
        if (name := python_names.get(int(task))) is not None:
            names[name] += 1
            continue
        try:
            with open(f"/proc/self/task/{task}/comm", encoding="utf-8") as fh:
                names["native:" + fh.read().strip()] += 1
        except FileNotFoundError:  # the thread ended while we listed
            continue
    return dict(names)


def _proc_status() -> dict[str, int]:
    out: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "Threads"):
                out[key] = int(value.split()[0])
    return out


@dataclasses.dataclass
class Assets:
    """The audio of the spoken turns, prepared once (Piper) before the soak starts."""

    spoken_en: list[bytes]
    spoken_en_noisy: list[bytes]
    recordings_en: list[bytes]
    recordings_ja: list[bytes]
    noise: list[bytes]

    @classmethod
    def prepare(cls, kiosk: Kiosk) -> Assets:
        voice = kiosk.speaker.uncached.voices["en"]  # type: ignore[attr-defined]
        spoken = [speak_with_silence(voice, text, "en") for text in SPOKEN_EN]
        noises = [read_wav(p) for p in sorted(SPEECH.glob("speechbrain__noise*.wav"))]
        noisy = [mix_at_snr(s, noises[i % len(noises)], snr_db=15.0) for i, s in enumerate(spoken)]
        rec_en = [read_wav(p) for p in sorted(SPEECH.glob("en_*.wav"))]
        rec_ja = [read_wav(SPEECH / "ja_julius_sample.wav")]  # short: STT cost is not the point
        return cls(
            [s.tobytes() for s in spoken],
            [s.tobytes() for s in noisy],
            [s.tobytes() for s in rec_en],
            [s.tobytes() for s in rec_ja],
            [n.tobytes() for n in noises],
        )


async def _cut(turn: asyncio.Task[Any]) -> str:
    """Cancel a turn as the daemon does on barge-in; the outcome label of the soak."""
    if turn.done():
        return "finished-before-cut"
    turn.cancel()
    try:
        await turn
    except asyncio.CancelledError:
        return "interrupted"
    return "finished-before-cut"


async def _turn(kiosk: Kiosk, assets: Assets, sink: NullSink, index: int) -> tuple[str, str]:
    """One turn of the cycle; returns (kind, outcome)."""
    runner = kiosk.runner
    kind = KINDS[index % len(KINDS)]
    n = index // len(KINDS)
    sink.reset()
    if kind.startswith("typed_"):
        lang = kind.split("_")[1]
        texts = TYPED[lang]
        result = await runner.answer_and_speak(texts[n % len(texts)], sink, stt_language=lang)
    elif kind == "llm_en":
        result = await runner.answer_and_speak(LLM_EN, sink, stt_language="en")
        if Timing.ANSWER_LLM not in result.timings_ms:  # the soak would not be exercising the LLM
            return kind, "llm-not-asked"
    elif kind == "barge_in_llm":
        # The passenger speaks again while the LLM is still reading the prompt: the turn is
        # cancelled and its answer worker abandoned inside the model; the next turn (llm_en)
        # asks the LLM while the abandoned reader may still be there.
        task = asyncio.create_task(runner.answer_and_speak(LLM_EN, sink, stt_language="en"))
        await asyncio.sleep(0.3)
        return kind, await _cut(task)
    elif kind == "barge_in":
        texts = TYPED["ko"]
        task = asyncio.create_task(
            runner.answer_and_speak(texts[(n + 1) % len(texts)], sink, stt_language="ko")
        )
        first = asyncio.create_task(sink.first_audio.wait())
        await asyncio.wait({task, first}, return_when=asyncio.FIRST_COMPLETED)
        first.cancel()
        if task.done():
            return kind, (await task).outcome
        sink.stop()  # what the daemon does on barge-in: silence, then cancel the turn
        return kind, await _cut(task)
    else:
        audio = {
            "spoken_en": assets.spoken_en,
            "spoken_en_noisy": assets.spoken_en_noisy,
            "recording_en": assets.recordings_en,
            "recording_ja": assets.recordings_ja,
            "noise": assets.noise,
        }[kind]
        result = await runner.run(audio[n % len(audio)], sink)
    return kind, result.outcome


async def soak(
    kiosk: Kiosk,
    turns: int,
    warmup: int,
    *,
    assets: Assets | None = None,
    progress: Callable[[int, Sample], None] | None = None,
) -> SoakReport:
    """Run `turns` turns; samples are taken at the start, after `warmup` turns and at the end."""
    assets = assets or Assets.prepare(kiosk)
    sink = NullSink()
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    by_kind: dict[str, float] = {}
    start = warm = Sample.now(0)
    t0 = time.perf_counter()
    for i in range(turns):
        if i == warmup:
            warm = Sample.now(i)
        t_turn = time.perf_counter()
        try:
            kind, outcome = await _turn(kiosk, assets, sink, i)
            outcomes[f"{kind}:{outcome}"] += 1
            by_kind[kind] = by_kind.get(kind, 0.0) + time.perf_counter() - t_turn
        except Exception as err:  # a crash is a finding: count it, keep going
            errors.append(f"turn {i} ({KINDS[i % len(KINDS)]}): {type(err).__name__}: {err}")
        if progress and (i + 1) % 50 == 0:
            progress(i + 1, Sample.now(i + 1))
    # Let abandoned answer workers (barge-ins, speculative first sentences) finish so their
    # threads are not counted; a thread that outlives 10 s is growth and is reported.
    end = Sample.now(turns)
    for _ in range(40):
        if end.threads <= warm.threads:
            break
        await asyncio.sleep(0.25)
        end = Sample.now(turns)
    return SoakReport(
        turns,
        warmup,
        time.perf_counter() - t0,
        dict(outcomes),
        errors,
        start,
        warm,
        end,
        barge_ins=outcomes.get("barge_in:interrupted", 0)
        + outcomes.get("barge_in_llm:interrupted", 0),
        seconds_by_kind={k: round(v, 1) for k, v in by_kind.items()},
    )


def soak_settings(data_dir: Path) -> Settings:
    """Default settings (privacy off) with a private data folder."""
    return dataclasses.replace(Settings(), data=DataSettings(dir=data_dir))


def build(settings: Settings) -> Kiosk:
    """The real kiosk with the bundled KB imported without embeddings (seconds, not minutes)."""
    if not (settings.kb_dir / "manifest.sqlite").exists():
        KnowledgeBase(settings.kb_dir, None).import_path(None, actor="soak")
    kb = KnowledgeBase.open(settings.kb_dir, None)
    return build_kiosk(settings, kb=kb)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=None, help="default: max(2 cycles, 10 %%)")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: a temp folder")
    parser.add_argument("--max-rss-growth", type=float, default=0.05)
    parser.add_argument("--json", action="store_true", help="print one JSON report line")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    warmup = args.warmup if args.warmup is not None else max(2 * len(KINDS), args.turns // 10)
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as tmp:
        settings = soak_settings(args.data_dir or Path(tmp))
        kiosk = build(settings)
        try:

            def progress(done: int, s: Sample) -> None:
                if not args.json:
                    print(
                        f"  {done} turns: RSS {s.rss_kb / 1024:.1f} MB, fds {s.fds}, "
                        f"threads {s.threads}",
                        flush=True,
                    )

            report = asyncio.run(soak(kiosk, args.turns, warmup, progress=progress))
        finally:
            kiosk.close()
    print(json.dumps(report.as_json()) if args.json else report.text(), flush=True)
    failed = (
        report.errors
        or report.rss_growth > args.max_rss_growth
        or report.end.fds > report.warm.fds
        or report.end.threads > report.warm.threads
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
