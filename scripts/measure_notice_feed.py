"""Live-notice figures: how soon a feed change is in the answers, and what one poll costs.

A real static feed server (`python -m http.server` in its own process, answering
If-Modified-Since with 304) serves a feed file; the daemon's poller (`NoticeFeedPoller.run`,
on an event loop as in `kiosk serve`) polls it into a copy of the bundled knowledge base; the
daemon's answerer (`kiosk.app.build_answerer`, no LLM) is asked "Is the elevator at Gangnam
working?" every 20 ms until its answer holds the new notice.

1. change -> answer: the feed file is replaced at a random moment of the poll cycle, many
   times; the delay until the answer speaks it is at most one interval plus one poll.
2. per-poll cost: wall time and this process's CPU time of `poll()` for a 304 and for a 200
   with feeds of 1, 100 and 1000 alerts (fetch, parse, map, one SQLite transaction).

    .venv/bin/python scripts/measure_notice_feed.py               # interval 2 s, 12 changes
    .venv/bin/python scripts/measure_notice_feed.py --json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from google.transit import gtfs_realtime_pb2 as rt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.app import build_answerer
from kiosk.config import NoticeFeedSettings, Settings
from kiosk.notice_feed import NoticeFeedPoller, feed_policy
from knowledge.store import KnowledgeBase

QUESTION = "Is the elevator at Gangnam working?"
STOPS = ("0222", "0221", "0226", "0223", "0224")


def feed(alerts: int, tag: str, now: int) -> bytes:
    message = rt.FeedMessage()
    message.header.gtfs_realtime_version = "2.0"
    message.header.timestamp = now
    for i in range(alerts):
        alert = message.entity.add(id=f"{tag}-{i}").alert
        alert.effect = rt.Alert.ACCESSIBILITY_ISSUE
        alert.informed_entity.add(stop_id=STOPS[i % len(STOPS)])
        alert.active_period.add(start=now - 60, end=now + 3600)
        for lang, text in (
            ("ko", f"엘리베이터 점검 {tag} {i}"),
            ("en", f"Elevator {tag} {i} closed"),
        ):
            alert.header_text.translation.add(language=lang, text=text)
    return message.SerializeToString()


class StaticFeed:
    """The feed file and the server process; every write gets a newer mtime (whole seconds:
    Last-Modified has one-second resolution, so a change must not share the last's second)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "alerts.pb"
        self.mtime = int(time.time()) - 3600
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/alerts.pb"
        self.write(feed(0, "empty", int(time.time())))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
             "--directory", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                return
            time.sleep(0.05)
        raise SystemExit("the feed server did not start")

    def write(self, data: bytes) -> None:
        self.mtime += 1
        tmp = self.path.with_name(".alerts.tmp")
        tmp.write_bytes(data)
        os.utime(tmp, (self.mtime, self.mtime))
        os.replace(tmp, self.path)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(5)


def change_to_answer(served: StaticFeed, kb_root: Path, interval: float, changes: int) -> dict:
    settings = NoticeFeedSettings(served.url, interval, max(60.0, 2 * interval), 1.0)
    kb = KnowledgeBase.open(kb_root, None, feed_policy(settings))
    answerer = build_answerer(Settings(), kb, with_llm=False)
    poller = NoticeFeedPoller(settings, KnowledgeBase.open(kb_root, None, feed_policy(settings)))
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    task = asyncio.run_coroutine_threadsafe(poller.run(), loop)
    delays = []
    try:
        time.sleep(interval * 1.5)
        for n in range(changes):
            time.sleep(random.uniform(0, interval))  # a random moment of the poll cycle
            tag = f"c{n}"
            served.write(feed(1, tag, int(time.time())))
            changed = time.perf_counter()
            while f"Elevator {tag} 0 closed" not in answerer.answer(QUESTION, lang="en").text:
                if time.perf_counter() - changed > 3 * interval + 5:
                    raise SystemExit(f"change {n} was not spoken")
                time.sleep(0.02)
            delays.append(time.perf_counter() - changed)
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            task.result(5)  # the loop has seen the cancellation
        loop.call_soon_threadsafe(loop.stop)
        poller.close()
    return {
        "interval_s": interval,
        "changes": changes,
        "median_s": round(statistics.median(delays), 3),
        "max_s": round(max(delays), 3),
        "max_over_interval": round(max(delays) / interval, 3),
    }


def poll_cost(served: StaticFeed, kb_root: Path, polls: int, sizes: list[int]) -> dict:
    settings = NoticeFeedSettings(served.url, 30.0, 300.0, 5.0)
    poller = NoticeFeedPoller(settings, KnowledgeBase.open(kb_root, None, feed_policy(settings)))
    out: dict = {}
    try:
        for size in sizes:
            walls, cpus, nbytes = [], [], 0
            for n in range(polls):
                served.write(feed(size, f"s{size}-{n}", int(time.time())))
                wall, cpu = time.perf_counter(), time.process_time()
                result = poller.poll()
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
                assert result.result == "updated", result
                nbytes = result.bytes_read
            out[f"200_{size}_alerts"] = _summary(walls, cpus) | {"bytes": nbytes}
        walls, cpus = [], []
        for _ in range(polls):
            wall, cpu = time.perf_counter(), time.process_time()
            result = poller.poll()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            assert result.result == "unchanged", result
        out["304"] = _summary(walls, cpus)
    finally:
        poller.close()
    return out


def _summary(walls: list[float], cpus: list[float]) -> dict:
    return {
        "wall_ms_median": round(statistics.median(walls) * 1000, 2),
        "wall_ms_max": round(max(walls) * 1000, 2),
        "cpu_ms_median": round(statistics.median(cpus) * 1000, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=2.0, help="poll interval (s)")
    parser.add_argument("--changes", type=int, default=12, help="feed changes to time")
    parser.add_argument("--polls", type=int, default=20, help="polls per cost figure")
    parser.add_argument("--sizes", default="1,100,1000", help="alerts per feed for 200 polls")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    random.seed(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "kb"
        KnowledgeBase(root, None).import_path(None, actor="measure")
        (Path(tmp) / "feed").mkdir()
        served = StaticFeed(Path(tmp) / "feed")
        try:
            figures = {
                "change_to_answer": change_to_answer(served, root, args.interval, args.changes),
                "poll_cost": poll_cost(
                    served, root, args.polls, [int(s) for s in args.sizes.split(",")]
                ),
            }
        finally:
            served.close()
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    c = figures["change_to_answer"]
    print(
        f"feed change -> answer (interval {c['interval_s']} s, {c['changes']} changes): "
        f"median {c['median_s']} s, max {c['max_s']} s ({c['max_over_interval']} x interval)"
    )
    for name, f in figures["poll_cost"].items():
        size = f" {f['bytes']} bytes" if "bytes" in f else ""
        print(
            f"poll {name}:{size} wall {f['wall_ms_median']} ms median ({f['wall_ms_max']} max), "
            f"CPU {f['cpu_ms_median']} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
