"""Voice subcommands: `simulate` (whole turns from WAV files) and `demo` (the README's main job)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.common import print_json, settings_from_args
from kiosk.config import Settings
from kiosk.stages import Timing


def add_voice_commands(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    simulate = subparsers.add_parser(
        "simulate",
        parents=[common],
        help="run whole turns from WAV files: VAD, Whisper, answer, speech (no microphone)",
        description="Feed each INPUT.wav through the kiosk (file source -> VAD -> STT -> answer "
        "-> TTS -> file sink). Prints one line per turn; models load once for all inputs.",
    )
    simulate.add_argument("inputs", nargs="+", type=Path, metavar="INPUT.wav")
    simulate.add_argument("--station", default=None, help="station the kiosk stands in")
    simulate.add_argument(
        "--reply-wav",
        type=Path,
        default=None,
        metavar="OUT",
        help="write the spoken reply here: a .wav file (numbered when there are several "
        "turns) or a folder (one file per input and turn)",
    )
    simulate.add_argument(
        "--realtime",
        action="store_true",
        help="feed audio at its real rate; latency is then pure wall time",
    )
    simulate.add_argument(
        "--no-speculative",
        action="store_true",
        help="wait for the endpoint before starting recognition (the naive pipeline)",
    )
    simulate.add_argument("--json", action="store_true", help="print one JSON object per turn")
    simulate.set_defaults(func=cmd_simulate)

    demo = subparsers.add_parser(
        "demo",
        parents=[common],
        help="run the bundled sample questions through the whole kiosk and write spoken replies",
        description="The kiosk's main job without a microphone: sample questions in Korean, "
        "English, Chinese and Japanese go through VAD, Whisper, the answerer and the voices; "
        "prints transcript, answer and speech-end-to-first-audio per question. When the "
        "kiosk asks back which station was meant, the sample's passenger replies (the name, "
        "yes or no) in the same voice.",
    )
    demo.add_argument(
        "--out",
        type=Path,
        default=Path("replies"),
        help="folder for the reply WAV files (default: ./replies)",
    )
    demo.add_argument("--json", action="store_true", help="print one JSON object per question")
    demo.set_defaults(func=cmd_demo)


def cmd_simulate(args: argparse.Namespace) -> int:
    settings = settings_from_args(args, **{"station.name": args.station})
    missing = [str(p) for p in args.inputs if not p.is_file()]
    if missing:
        print(f"kiosk simulate: input not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    records = asyncio.run(
        _simulate(
            settings,
            args.inputs,
            realtime=args.realtime,
            reply_wav=args.reply_wav,
            speculative=not args.no_speculative,
        )
    )
    for record in records:
        if args.json:
            print_json(record)
        else:
            _print_turn(record)
    return 0


async def _simulate(
    settings: Settings,
    inputs: list[Path],
    *,
    realtime: bool,
    reply_wav: Path | None,
    speculative: bool = True,
) -> list[dict[str, Any]]:
    from kiosk.hardware import profile_for, segmenter_config
    from kiosk.simulate import simulate_file

    vad = segmenter_config(profile_for(settings).vad)
    kiosk = _ready_kiosk(settings)
    try:
        records: list[dict[str, Any]] = []
        for path in inputs:
            records += await simulate_file(
                kiosk.runner,
                path,
                vad=vad,
                realtime=realtime,
                reply_wav=_reply_target(reply_wav, len(inputs), path),
                speculative=speculative,
            )
        return records
    finally:
        kiosk.close()


def _reply_target(reply_wav: Path | None, n_inputs: int, path: Path) -> Path | None:
    """With several inputs, a .wav target becomes one file per input beside it."""
    if reply_wav is None or n_inputs == 1 or reply_wav.suffix.lower() != ".wav":
        return reply_wav
    return reply_wav.with_name(f"{reply_wav.stem}-{path.stem}{reply_wav.suffix}")


def cmd_demo(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    records = asyncio.run(_demo(settings, args.out))
    for record in records:
        if args.json:
            print_json(record)
        else:
            print(f"\n[{record['sample_lang']}] {record['sample']}")
            _print_turn(record)
    latencies = sorted(
        r["timings_ms"][Timing.SPEECH_END_TO_FIRST_AUDIO]
        for r in records
        if Timing.SPEECH_END_TO_FIRST_AUDIO in r.get("timings_ms", {})
    )
    if latencies and not args.json:
        print(
            f"\n{len(records)} questions; speech end to first audio over the spoken ones: "
            f"median {latencies[len(latencies) // 2]:.0f} ms, max {latencies[-1]:.0f} ms; "
            f"replies in {args.out}/"
        )
    return 0


async def _demo(settings: Settings, out: Path) -> list[dict[str, Any]]:
    """Spoken and recorded samples go through VAD and Whisper; typed ones start at the answer."""
    from kiosk.hardware import profile_for, segmenter_config
    from kiosk.samples import prepare_samples
    from knowledge.answers.types import Context
    from voice.audio import WavFileSink

    samples = prepare_samples(settings, settings.cache_dir / "samples")
    vad = segmenter_config(profile_for(settings).vad)
    out.mkdir(parents=True, exist_ok=True)
    kiosk = _ready_kiosk(settings)
    records: list[dict[str, Any]] = []
    try:
        for index, sample in enumerate(samples, start=1):
            label = {"sample": sample.description, "sample_lang": sample.lang}
            if sample.path is not None:
                records += await _spoken_turns(settings, kiosk.runner, sample, vad, out, index)
                continue
            reply = out / f"{index:02d}-{sample.lang}-typed-reply.wav"
            sink = WavFileSink(reply)
            result = await kiosk.runner.answer_and_speak(sample.text, sink, context=Context())
            await sink.drain()
            sink.close()
            records.append({**result.as_json(), "input": "typed", "reply_wav": str(reply), **label})
    finally:
        kiosk.close()
    return records


async def _spoken_turns(
    settings: Settings, runner: Any, sample: Any, vad: Any, out: Path, index: int
) -> list[dict[str, Any]]:
    """A spoken sample's turns; when the kiosk asks back ("Did you mean …?"), the passenger's
    reply too, said by the same voice and heard in the same conversation."""
    from kiosk.samples import passenger_reply, speak_reply
    from kiosk.simulate import simulate_file
    from knowledge.answers.types import Context

    label = {"sample": sample.description, "sample_lang": sample.lang}
    context = Context()
    reply_wav = out / f"{index:02d}-{sample.lang}-reply.wav"
    turns = await simulate_file(runner, sample.path, vad=vad, reply_wav=reply_wav, context=context)
    records = [{**record, **label} for record in turns]
    if not (sample.expect and turns and turns[-1]["outcome"] == "clarify"):
        return records
    said = passenger_reply(turns[-1]["answer"], sample.expect, sample.lang)
    heard = speak_reply(settings, said, sample.lang, out / f"{index:02d}-{sample.lang}-said.wav")
    again = out / f"{index:02d}-{sample.lang}-reply-2.wav"
    label = {"sample": f"the passenger replies: {said}", "sample_lang": sample.lang}
    turns = await simulate_file(runner, heard, vad=vad, reply_wav=again, context=context)
    return records + [{**record, **label} for record in turns]


def _print_turn(record: dict[str, Any]) -> None:
    timings = record.get("timings_ms", {})
    print(f"  heard ({record.get('language') or '-'}): {record['transcript'] or '(no speech)'}")
    if record["outcome"] != "no_speech":
        print(f"  answer [{record['outcome']}]: {record['answer']}")
    if Timing.SPEECH_END_TO_FIRST_AUDIO in timings:
        print(
            f"  speech end -> first audio: {timings[Timing.SPEECH_END_TO_FIRST_AUDIO]:.0f} ms "
            f"(stt {timings.get(Timing.STT, 0):.0f}, answer {timings.get(Timing.ANSWER, 0):.0f}, "
            f"hangover {timings.get(Timing.VAD_HANGOVER, 0):.0f})"
        )
    if record.get("reply_wav"):
        print(f"  reply: {record['reply_wav']}")
    if record.get("sources"):
        print(f"  sources: {json.dumps([s['id'] for s in record['sources']])}")


def _ready_kiosk(settings: Settings) -> Any:
    """The kiosk as a passenger meets it: built, and its fixed phrases prepared (~2 s after
    start in service; waited for here so the first figure does not share the CPU with it)."""
    from kiosk.app import build_kiosk

    kiosk = build_kiosk(settings)
    if kiosk.preparing is not None:
        kiosk.preparing.join()
    return kiosk
