"""`kiosk bench`: where a turn's time goes on this machine, against the naive baseline.

One run measures, with the same models and data as the kiosk: speech end to first audio over
the bundled sample questions (split by stage) for the kiosk's pipeline and for the naive
sequential baseline; each model's speed; retrieval at the real knowledge base and at generated
100,000 (and with `full`, 1,000,000) passage corpora; knowledge import; cold start and peak
memory of a fresh kiosk process. Figures on a 2-core box move with whatever else runs, so the
load average is recorded before and after; compare runs only at similar load.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from kiosk.app import Kiosk, build_kiosk
from kiosk.bench.engines import llm_speed, stt_speed, tts_speed
from kiosk.bench.latency import (
    BASELINE_STAGES,
    STAGES,
    baseline_turns,
    endpointed,
    kiosk_turns,
)
from kiosk.bench.process import measure as measure_process
from kiosk.bench.retrieval import import_figures, real_retrieval, synthetic_retrieval
from kiosk.config import Settings
from kiosk.hardware import profile_for, segmenter_config
from kiosk.samples import Sample, prepare_samples
from kiosk.stages import Timing
from knowledge.answers.evaluation import percentile
from voice.tts import PhraseCache

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BenchOptions:
    rounds: int = 2
    """Times each sample question is asked (p95 over 9 questions is nearly the max)."""
    repeat: int = 2
    """Runs per model-speed figure (median taken)."""
    queries: int = 200
    """Retrieval queries per corpus."""
    corpora: tuple[int, ...] = (100_000,)
    """Generated corpus sizes (passages)."""
    reimport: bool = True
    one_per_language: bool = False
    """Only the first spoken sample of each language (the quick run)."""
    process: bool = True
    """Measure cold start and peak RSS in a fresh process."""
    languages: tuple[str, ...] = ()
    """Only sample questions in these languages (empty: all)."""

    @classmethod
    def preset(
        cls, *, quick: bool = False, full: bool = False, languages: tuple[str, ...] = ()
    ) -> BenchOptions:
        if quick:
            return cls(1, 1, 20, (2_000,), False, True, True, languages)
        if full:
            return cls(corpora=(100_000, 1_000_000), languages=languages)
        return cls(languages=languages)


TARGETS = (
    (
        "speech end to first audio p50, answered right",
        ("latency", "kiosk_answered_right", "p50"),
        800.0,
        "ms",
    ),
    (
        "speech end to first audio p95, answered right",
        ("latency", "kiosk_answered_right", "p95"),
        1500.0,
        "ms",
    ),
    ("speech end to first audio p50, all turns", ("latency", "kiosk", "p50"), 800.0, "ms"),
    ("faster than baseline at p50", ("latency", "speedup", "p50"), -3.0, "x"),
    *(
        (
            f"retrieval p99 at {size:,}, {where}",
            ("retrieval", "synthetic", str(size), f"search_{scope}_ms", "p99"),
            limit,
            "ms",
        )
        for size, limit in ((100_000, 20.0), (1_000_000, 100.0))
        for where, scope in (("at a station", "at_station"), ("network-wide", "whole_network"))
    ),
    ("peak RSS", ("process", "peak_rss_mb"), 1536.0, "MB"),
    ("cold start to ready", ("process", "cold_start_s"), 10.0, "s"),
)
"""(name, path into the result, limit, unit); a negative limit is a lower bound."""


def run_bench(settings: Settings, options: BenchOptions) -> dict[str, Any]:
    """Run every measurement; returns the JSON-ready result (see BENCHMARKS.md)."""
    result: dict[str, Any] = {"machine": machine(), "options": asdict(options)}
    t_start = time.perf_counter()
    t = time.perf_counter()
    kiosk = build_kiosk(settings)
    result["build_s"] = round(time.perf_counter() - t, 2)
    try:
        samples = [s for s in prepare_samples(settings, settings.cache_dir / "samples") if s.path]
        if options.languages:
            samples = [s for s in samples if s.lang in options.languages]
        if options.one_per_language:
            samples = list({s.lang: s for s in reversed(samples)}.values())[::-1]
        result["latency"] = asyncio.run(_latency(kiosk, samples, options))
        result["models"] = asyncio.run(_models(kiosk, samples, options))
        result["retrieval"] = _retrieval(kiosk, settings, options)
        if options.reimport:
            result["import"] = import_figures(kiosk.kb)
    finally:
        kiosk.close()
    if options.process:
        result["process"] = measure_process(settings.data.dir, settings.source)
    result["machine"]["load_average_end"] = list(os.getloadavg())
    result["bench_s"] = round(time.perf_counter() - t_start, 1)
    result["targets"] = targets(result)
    return result


async def _latency(kiosk: Kiosk, samples: Sequence[Sample], options: BenchOptions) -> dict:
    vad = segmenter_config(profile_for(kiosk.settings).vad)
    if kiosk.preparing is not None:
        kiosk.preparing.join()  # a kiosk in service has its phrases ready seconds after start
    cache = kiosk.speaker.synthesizer
    before = (getattr(cache, "hits", 0), getattr(cache, "misses", 0))
    turns = await kiosk_turns(kiosk, samples, vad, rounds=options.rounds)
    phrase_cache = {
        "hits": getattr(cache, "hits", 0) - before[0],
        "misses": getattr(cache, "misses", 0) - before[1],
    }
    # The same turns with the phrase cache emptied before each: every sentence is one the
    # kiosk has never said (only the first sentence prepared during the hangover is cached);
    # then so again without the name check (the old path), to show what re-scoring adds.
    cold = PhraseCache(kiosk.speaker.uncached)
    kiosk.speaker.synthesizer = cold
    names = kiosk.runner.names
    try:
        uncached = await kiosk_turns(
            kiosk, samples, vad, rounds=options.rounds, before_each=cold.clear
        )
        kiosk.runner.names = None
        unchecked = await kiosk_turns(
            kiosk, samples, vad, rounds=options.rounds, before_each=cold.clear
        )
    finally:
        kiosk.speaker.synthesizer = cache
        kiosk.runner.names = names
    utterances = await endpointed(samples, vad)
    naive = baseline_turns(kiosk, utterances, rounds=options.rounds)
    ours, theirs = _latencies(turns), _latencies(naive)
    kiosk_stats, naive_stats = summary(ours), summary(theirs)
    return {
        "kiosk": kiosk_stats,
        "kiosk_answered_right": summary(_latencies([t for t in turns if t.get("right")])),
        "expected_turns": sum(t.get("right") is not None for t in turns),
        "phrase_cache": phrase_cache,
        "kiosk_cold_phrase_cache": summary(_latencies(uncached)),
        "name_check": name_check_cost(uncached, unchecked),
        "baseline": naive_stats,
        "speedup": {
            k: round(naive_stats[k] / kiosk_stats[k], 2) if kiosk_stats[k] else None
            for k in ("p50", "p95", "max")
        },
        "stages_p50_ms": stage_medians(turns, [k for k, _ in STAGES]),
        "baseline_stages_p50_ms": stage_medians(naive, BASELINE_STAGES),
        "per_language_p50_ms": {
            lang: round(percentile(_latencies([r for r in turns if r["lang"] == lang]), 50), 1)
            for lang in sorted({r["lang"] for r in turns})
        },
        "turns": turns,
        "baseline_turns": naive,
    }


async def _models(kiosk: Kiosk, samples: Sequence[Sample], options: BenchOptions) -> dict:
    vad = segmenter_config(profile_for(kiosk.settings).vad)
    utterances = await endpointed(samples, vad)
    out: dict[str, Any] = {
        "stt": stt_speed(kiosk.transcriber, utterances, options.repeat),
        "tts": tts_speed(kiosk.speaker.uncached, kiosk.settings.languages.enabled),
    }
    llm = kiosk.answerer.llm
    if llm is not None:
        out["llm"] = llm_speed(
            llm.generator,  # type: ignore[arg-type]
            kiosk.settings.station.name,
            repeat=max(1, options.repeat + 1),
        )
    return out


def _retrieval(kiosk: Kiosk, settings: Settings, options: BenchOptions) -> dict:
    here = kiosk.answerer.here(None)
    folder = settings.cache_dir / "bench"
    return {
        "real": real_retrieval(kiosk.kb, here, options.queries),
        "synthetic": {
            str(n): synthetic_retrieval(n, folder, options.queries) for n in options.corpora
        },
    }


def name_check_cost(
    checked: Sequence[dict[str, Any]], unchecked: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """What re-scoring adds to the wait: each turn beside the same turn without the name check,
    apart for the turns where it ran and the others (where it must add nothing)."""
    if len(checked) != len(unchecked):  # a run heard its samples as other turns: no pairs
        return {}
    added: dict[bool, list[float]] = {True: [], False: []}
    stage: list[float] = []
    for turn, old in zip(checked, unchecked, strict=True):
        waits = _latencies([turn]), _latencies([old])
        if not waits[0] or not waits[1]:
            continue
        ran = Timing.NAME_CHECK in turn["timings_ms"]
        added[ran].append(waits[0][0] - waits[1][0])
        stage += [turn["timings_ms"][Timing.NAME_CHECK]] if ran else []
    return {
        "turns_checked": len(added[True]),
        "added_ms_checked": summary(added[True]),
        "added_ms_others": summary(added[False]),
        "stage_ms": summary(stage),
    }


def _latencies(records: Sequence[dict[str, Any]]) -> list[float]:
    return [
        r["timings_ms"][Timing.SPEECH_END_TO_FIRST_AUDIO]
        for r in records
        if Timing.SPEECH_END_TO_FIRST_AUDIO in r["timings_ms"]
    ]


def summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "max": 0.0, "mean": 0.0}
    return {
        "n": len(values),
        "p50": round(percentile(list(values), 50), 1),
        "p95": round(percentile(list(values), 95), 1),
        "max": round(max(values), 1),
        "mean": round(statistics.fmean(values), 1),
    }


def stage_medians(records: Sequence[dict[str, Any]], keys: Sequence[str]) -> dict[str, float]:
    return {
        key: round(statistics.median(r["timings_ms"].get(key, 0.0) for r in records), 1)
        if records
        else 0.0
        for key in keys
    }


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value (None when that part was not run) and verdict."""
    rows = []
    for name, path, limit, unit in TARGETS:
        value: Any = result
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        met = None if value is None else (value >= -limit if limit < 0 else value <= limit)
        bound = f">= {-limit:g}" if limit < 0 else f"<= {limit:g}"
        rows.append({"target": name, "limit": f"{bound} {unit}", "measured": value, "met": met})
    return rows


def machine() -> dict[str, Any]:
    """What the figures were measured on; the load matters as much as the CPU on 2 cores."""
    cpu = platform.processor() or platform.machine()
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=5).stdout
        cpu = next(
            (ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if "Model name" in ln), cpu
        )
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average_start": list(os.getloadavg()),
    }
