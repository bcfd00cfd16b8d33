"""`kiosk bench`: measure latency, model speed, retrieval, memory and start-up on this machine."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from kiosk.cli.common import settings_from_args
from kiosk.config import Settings


def add_bench_commands(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    bench = subparsers.add_parser(
        "bench",
        parents=[common],
        help="benchmark: speech end to first audio vs the naive baseline, models, retrieval",
        description="Run the bundled sample questions through the kiosk and through the naive "
        "sequential pipeline, time every model, retrieval at the real and generated knowledge "
        "bases, cold start and peak memory; print a table and write JSON. Takes a few minutes "
        "(the first run also imports the knowledge base and builds the generated corpora).",
    )
    size = bench.add_mutually_exclusive_group()
    size.add_argument(
        "--quick",
        action="store_true",
        help="one question per language, one round, a tiny generated corpus (a smoke run)",
    )
    size.add_argument(
        "--full",
        action="store_true",
        help="also the 1,000,000-passage corpus (builds ~1.5 GB once under the data folder)",
    )
    bench.add_argument(
        "--languages",
        default="",
        metavar="LIST",
        help="only sample questions in these languages, e.g. en,ja (default: all four)",
    )
    bench.add_argument(
        "--voices",
        action="store_true",
        help="only the voice evaluation: every voice says 20 of the kiosk's answers per "
        "language, Whisper reads them back, character error rate per voice (~3 minutes)",
    )
    bench.add_argument(
        "--out", type=Path, default=Path("bench.json"), help="JSON result (default: bench.json)"
    )
    bench.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    from kiosk.bench.run import BenchOptions, run_bench

    settings = settings_from_args(args)
    languages = tuple(lang.strip() for lang in args.languages.split(",") if lang.strip())
    if args.voices:
        return _voices_only(settings, languages, args.out)
    options = BenchOptions.preset(quick=args.quick, full=args.full, languages=languages)
    result = run_bench(settings, options)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(format_report(result))
    print(f"\nwritten: {args.out}")
    return 0


def _voices_only(settings: Settings, languages: tuple[str, ...], out: Path) -> int:
    from kiosk.bench.run import machine
    from kiosk.bench.voices import hear_voices, voice_lines

    if languages:
        settings = settings.with_overrides(
            {"languages.enabled": list(languages), "languages.default": languages[0]}
        )
    t0 = time.perf_counter()
    result = {"machine": machine(), "voices": hear_voices(settings)}
    result["bench_s"] = round(time.perf_counter() - t0, 1)
    result["machine"]["load_average_end"] = list(os.getloadavg())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print("\n".join([*_machine_lines(result), *voice_lines(result["voices"])]))
    print(f"\nwritten: {out}")
    return 0


def _phrase_cache_line(lat: dict[str, Any]) -> str:
    plain, cache = lat.get("kiosk_cold_phrase_cache"), lat.get("phrase_cache")
    if not plain or not cache:
        return "  phrase cache: not measured"
    return (
        f"  phrase cache: {cache['hits']} of {cache['hits'] + cache['misses']} sentences from "
        f"memory; emptied before every turn p50 {plain['p50']:.0f} ms, p95 {plain['p95']:.0f} ms"
    )


def _name_check_line(lat: dict[str, Any]) -> str:
    cost = lat.get("name_check")
    if not cost or not cost["turns_checked"]:
        return "  name check: no turn needed it"
    added, others = cost["added_ms_checked"], cost["added_ms_others"]
    return (
        f"  name check: {cost['turns_checked']} turns re-scored, {cost['stage_ms']['p50']:.0f} "
        f"ms p50; beside the same turns without it: {added['p50']:+.0f} ms p50, "
        f"{added['p95']:+.0f} ms p95; other turns {others['p50']:+.0f} ms p50"
    )


def _right_line(lat: dict[str, Any]) -> str:
    right = lat.get("kiosk_answered_right")
    if not right:
        return "  answered right: not measured"
    return (
        f"  answered right ({right['n']} of {lat.get('expected_turns', 0)} turns with an "
        f"expected answer): p50 {right['p50']:.0f} ms, p95 {right['p95']:.0f} ms"
    )


def format_report(result: dict[str, Any]) -> str:
    """The human table: the same figures as the JSON, the ones BENCHMARKS.md quotes."""
    sections = (_machine_lines, _latency_lines, _model_lines, _retrieval_lines, _target_lines)
    return "\n".join(line for section in sections for line in section(result))


def _machine_lines(result: dict[str, Any]) -> list[str]:
    """Where and when the figures were taken, with the load they were taken under."""
    lines: list[str] = []
    m = result["machine"]
    lines += [
        f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, {m['date']}",
        f"load average start {_load(m['load_average_start'])}, "
        f"end {_load(m.get('load_average_end', []))}; bench {result.get('bench_s', 0):.0f} s",
        "",
    ]
    return lines


def _latency_lines(result: dict[str, Any]) -> list[str]:
    """Speech end to first audio, kiosk against baseline, and where the time goes."""
    lines: list[str] = []
    lat = result["latency"]
    k, b, r = lat["kiosk"], lat["baseline"], lat["speedup"]
    lines += [
        f"speech end -> first audio (n={k['n']})   kiosk    baseline   baseline/kiosk",
        *(
            f"  {q:<34} {k[q]:>6.0f} ms {b[q]:>7.0f} ms   {r[q] or 0:>5.1f}x"
            for q in ("p50", "p95", "max")
        ),
        _right_line(lat),
        "  per language p50: "
        + ", ".join(f"{lg} {v:.0f} ms" for lg, v in lat["per_language_p50_ms"].items()),
        _phrase_cache_line(lat),
        _name_check_line(lat),
        "stage medians (kiosk): "
        + ", ".join(f"{key} {v:.0f}" for key, v in lat["stages_p50_ms"].items()),
        "stage medians (baseline): "
        + ", ".join(f"{key} {v:.0f}" for key, v in lat["baseline_stages_p50_ms"].items()),
        "",
    ]
    return lines


def _model_lines(result: dict[str, Any]) -> list[str]:
    """Each model's speed."""
    lines: list[str] = []
    models = result["models"]
    lines.append("STT (Whisper)  lang  ms/utt  RTF   forced-lang ms  RTF   detection ms")
    for lang, s in models["stt"].items():
        lines.append(
            f"               {lang:4}  {s['ms_per_utterance']:6.0f}  {s['rtf']:.2f}  "
            f"{s['ms_per_utterance_language_forced']:14.0f}  {s['rtf_language_forced']:.2f}  "
            f"{s['language_detection_ms']:12.0f}"
        )
    if "llm" in models:
        for label, s in models["llm"].items():
            lines.append(
                f"LLM {label:<21} prompt {s['prompt_tokens_evaluated']:>4}/{s['prompt_tokens']} "
                f"tokens {s['prompt_tokens_per_s']:>7.0f} tok/s, first token "
                f"{s['time_to_first_token_ms']:.0f} ms, generation "
                f"{s['generation_tokens_per_s']:.0f} tok/s"
            )
    lines.append(
        "TTS RTF: "
        + ", ".join(
            f"{lang} {s['voice']} {s['rtf']:.2f} ({s['ms']:.0f} ms for {s['audio_s']:.1f} s)"
            for lang, s in models["tts"].items()
        )
    )
    return lines


def _retrieval_lines(result: dict[str, Any]) -> list[str]:
    """Retrieval at the real and the generated knowledge bases, import and the process."""
    lines: list[str] = []
    ret = result["retrieval"]
    real = ret["real"]
    lines += [
        "",
        f"retrieval, real KB ({real.get('facts')} facts): at station p50/p99 "
        f"{_pp(real['search_at_station_ms'])}, whole network {_pp(real['search_whole_network_ms'])}"
        + (
            f", query embedding {_pp(real['query_embedding_ms'])}"
            if "query_embedding_ms" in real
            else ""
        ),
    ]
    for n, s in ret["synthetic"].items():
        built = "cached" if s["cached"] else f"built in {s['build_s']} s"
        lines.append(
            f"retrieval, {int(n):,} passages ({built}): at station "
            f"{_pp(s['search_at_station_ms'])}, whole network {_pp(s['search_whole_network_ms'])}"
        )
    if "import" in result:
        imp = result["import"]
        lines.append(
            f"KB import: first {imp['first_import_s']} s; re-import {imp['reimport_s']} s "
            f"({imp['reimport_embedded']} embedded, {imp['reimport_reused']} reused)"
        )
    if "process" in result:
        p = result["process"]
        lines.append(
            f"process: cold start to ready {p['cold_start_s']} s, RSS at ready "
            f"{p['rss_ready_mb']:.0f} MB, peak {p['peak_rss_mb']:.0f} MB"
        )
    return lines


def _target_lines(result: dict[str, Any]) -> list[str]:
    """Each target, its limit, the figure measured and the verdict."""
    lines: list[str] = []
    lines += ["", "targets:"]
    for t in result["targets"]:
        verdict = {True: "met", False: "MISSED", None: "not run"}[t["met"]]
        lines.append(f"  {t['target']:<34} {t['limit']:<12} measured {t['measured']}  {verdict}")
    return lines


def _pp(stats: dict[str, float]) -> str:
    return f"{stats['p50']:.1f}/{stats['p99']:.1f} ms"


def _load(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)
