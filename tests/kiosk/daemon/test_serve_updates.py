"""`kiosk serve` with `[updates] url` set: its poller refuses a tampered release from a real
TUF repository over HTTP, counts it in `/metrics`, and the kiosk keeps serving its version."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from kiosk.config import UpdateSettings
from kiosk.daemon import DaemonConfig
from kiosk.service import KioskService, ServeOptions
from kiosk.updates.repository import FileRepository, KeyStore
from knowledge.store import KnowledgeBase
from tests.kit.events import Recorder
from tests.knowledge.kb_helpers import write_subset


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def tampered_repository(base: Path) -> FileRepository:
    """A repository whose one release's artifact was altered on the server."""
    ws = KnowledgeBase(base / "workstation", None)
    ws.import_path(write_subset(base / "data" / "seoul"), actor="pytest")
    ws.close()
    repo = FileRepository(base / "repo", KeyStore(base / "keys"))
    repo.init()
    repo.publish_snapshot(base / "workstation" / "versions" / "v000001.sqlite")
    artifact = next((repo.targets_dir / "kb").glob("*.snapshot.sqlite.gz"))
    data = bytearray(artifact.read_bytes())
    data[100] ^= 0xFF
    artifact.write_bytes(bytes(data))
    return repo


def test_the_serving_kiosk_refuses_a_tampered_release_and_counts_it(settings, kiosk, tmp_path):
    repo = tampered_repository(tmp_path)
    handler = functools.partial(_Quiet, directory=str(repo.repo))
    http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    updates = UpdateSettings(
        url=f"http://127.0.0.1:{http.server_address[1]}",
        trusted_root=repo.metadata_dir / "1.root.json",
        interval_s=0.1,
        jitter=0.0,
        backoff_initial_s=0.1,
        backoff_max_s=0.1,
    )
    served = dataclasses.replace(settings, updates=updates)
    config = DaemonConfig(turn_budget_s=25.0, realtime_playback=False)
    service = KioskService(
        served,
        ServeOptions(port=0, input="no-such-microphone", device_retry_s=0.2),
        kiosk=kiosk,
        daemon_config=config,
    )
    events = Recorder(service.bus)
    version = kiosk.kb.version

    async def scenario() -> tuple[str, dict]:
        stop = asyncio.Event()
        task = asyncio.create_task(service.run(stop))
        try:
            for _ in range(1500):
                if len(events.of("kb_update_failed")) >= 2:
                    break
                await asyncio.sleep(0.02)
            async with httpx.AsyncClient(base_url=service.server.url) as client:
                return (await client.get("/metrics")).text, (await client.get("/status")).json()
        finally:
            stop.set()
            await task

    try:
        metrics, status = asyncio.run(scenario())
    finally:
        http.shutdown()
        http.server_close()
    failures = events.of("kb_update_failed")
    assert len(failures) >= 2 and {e.data["reason"] for e in failures} == {"tampered"}
    count = next(
        line for line in metrics.splitlines() if line.startswith("kiosk_kb_update_failures_total")
    )
    assert count.startswith('kiosk_kb_update_failures_total{reason="tampered"} ')
    assert float(count.split()[-1]) >= 2
    assert kiosk.kb.version == version and f"kiosk_kb_version {version}" in metrics
    assert status["versions"]["kb"] == version
