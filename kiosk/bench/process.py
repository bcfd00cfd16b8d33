"""Cold start and peak memory for `kiosk bench`, measured in a fresh process.

The parent starts `python -m kiosk.bench.process`, which builds the whole kiosk (every model
loaded and warmed, as the daemon does before it says it is ready), reports, then answers one
spoken question and one free-form question so every model has done real work, and reports its
peak resident set (VmHWM). Cold start is the parent's wall time from spawning the process to the
ready line: interpreter start, imports, knowledge base, Whisper, LLM, voices. Files are in the
page cache by then (the bench has used them), as on a kiosk restarted by its watchdog.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

READY = "ready"


def measure(data_dir: Path, config: Path | None, timeout_s: float = 300.0) -> dict[str, Any]:
    """Spawn the child, time it to ready, and collect its peak RSS."""
    cmd = [sys.executable, "-m", "kiosk.bench.process", "--data-dir", str(data_dir)]
    if config is not None:
        cmd += ["--config", str(config)]
    reports: dict[str, Any] = {}
    with tempfile.TemporaryFile("w+") as errors:  # a file: a full pipe would stall the child
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True)
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                report = json.loads(line)
                if report["stage"] == READY:
                    reports["cold_start_s"] = round(time.perf_counter() - t0, 2)
                reports[report["stage"]] = report
            proc.wait(timeout=timeout_s)
        finally:
            if proc.poll() is None:
                proc.kill()
        if proc.returncode != 0 or "done" not in reports:
            errors.seek(0)
            tail = "".join(errors.readlines()[-15:])
            raise RuntimeError(f"bench child failed (exit {proc.returncode}):\n{tail}")
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "cold_start_s": reports["cold_start_s"],
        "ready_in_process_s": reports[READY]["seconds"],
        "load_ms": reports[READY]["load_ms"],
        "rss_ready_mb": reports[READY]["rss_mb"],
        "peak_rss_mb": reports["done"]["peak_rss_mb"],
        "peak_rss_children_mb": round(children_kb / 1024, 1),
    }


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _report(stage: str, **data: Any) -> None:
    print(json.dumps({"stage": stage, **data}), flush=True)


async def _child(args: argparse.Namespace) -> None:
    from kiosk.app import build_kiosk
    from kiosk.config import load_settings
    from kiosk.hardware import profile_for, segmenter_config
    from kiosk.samples import prepare_samples
    from kiosk.simulate import simulate_file
    from voice.audio import MemorySink

    started = time.perf_counter()
    settings = load_settings(args.config, {"data.dir": args.data_dir})
    kiosk = build_kiosk(settings)
    _report(
        READY,
        seconds=round(time.perf_counter() - started, 2),
        load_ms=kiosk.load_ms,
        rss_mb=_status_mb("VmRSS"),
    )
    try:
        spoken = [s for s in prepare_samples(settings, settings.cache_dir / "samples") if s.path]
        vad = segmenter_config(profile_for(settings).vad)
        for sample in spoken[:1]:
            assert sample.path is not None
            await simulate_file(kiosk.runner, sample.path, vad=vad)
        sink = MemorySink()
        await kiosk.runner.answer_and_speak("Is there a place to charge my phone?", sink)
    finally:
        kiosk.close()
    _report("done", peak_rss_mb=_status_mb("VmHWM"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=None, metavar="FILE")
    parser.add_argument("--data-dir", type=Path, required=True, metavar="DIR")
    asyncio.run(_child(parser.parse_args()))


if __name__ == "__main__":
    main()
