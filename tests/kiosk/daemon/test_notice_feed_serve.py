"""`kiosk serve` with an alerts feed: a spoken question hears the feed's notice after the next
poll; once the feed is gone for longer than `max_age_s` the notice is no longer spoken,
`/readyz` stays 200 with the feed `degraded`, and `/metrics` counts the failed polls."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime

import httpx

from kiosk.config import NoticeFeedSettings
from kiosk.daemon import DaemonConfig
from kiosk.service import KioskService, ServeOptions
from tests.kit.alert_feeds import alert_entity, feed_bytes, feed_server
from tests.kit.events import Recorder
from voice.audio import MemorySink, WavFileSource

NOTICE = {"ko": "엘리베이터 점검 중", "en": "The exit ten elevator is out of service today."}


def test_feed_notice_is_spoken_then_withheld_when_stale(settings, kiosk, question_wavs) -> None:
    with feed_server() as server:
        server.publish(feed_bytes(alert_entity("lift", NOTICE, stops=["0222"])))
        feed = NoticeFeedSettings(server.url, interval_s=1.0, max_age_s=4.0, timeout_s=2.0)
        configured = dataclasses.replace(settings, notice_feed=feed)
        config = DaemonConfig(turn_budget_s=25.0, realtime_playback=False)
        options = ServeOptions(port=0, input="no-such-microphone", device_retry_s=0.2)
        service = KioskService(configured, options, kiosk=kiosk, daemon_config=config)
        events = Recorder(service.bus)

        async def ask() -> str:
            before = len(events.of("answer_done"))
            source = WavFileSource(question_wavs["working"], realtime=False)
            await service.daemon.run(source, MemorySink())  # type: ignore[union-attr]
            return str(events.of("answer_done")[before].data["answer"])

        async def until(predicate, what: str) -> None:
            for _ in range(300):
                if predicate():
                    return
                await asyncio.sleep(0.1)
            raise AssertionError(f"timed out waiting for {what}")

        async def scenario() -> dict:
            stop = asyncio.Event()
            task = asyncio.create_task(service.run(stop))
            await asyncio.wait_for(service.loaded.wait(), 60)
            out: dict = {}
            try:
                poller = service.notice_feed
                assert poller is not None
                await until(lambda: poller.polls >= 1, "the first poll")
                out["fresh"] = await ask()
                async with httpx.AsyncClient(base_url=service.server.url) as client:
                    out["ready_fresh"] = (await client.get("/readyz")).json()
                    server.stop()  # the operator's feed server goes away
                    await until(
                        lambda: not kiosk.kb.notices_current(datetime.now(UTC)),
                        "the copy to go stale",
                    )
                    out["stale"] = await ask()
                    ready = await client.get("/readyz")
                    out["ready_stale"] = (ready.status_code, ready.json())
                    out["metrics"] = (await client.get("/metrics")).text
            finally:
                stop.set()
                await task
                kiosk.kb.use_feed(None)  # the session's kiosk serves other tests after this
            return out

        out = asyncio.run(scenario())
    assert NOTICE["en"] in out["fresh"]
    assert out["ready_fresh"]["components"]["notice_feed"]["ok"] is True
    assert NOTICE["en"] not in out["stale"]
    assert "cannot be checked right now" in out["stale"]  # not "no notices": unknown
    _, ready = out["ready_stale"]
    assert "notice_feed" not in ready["failing"]  # degraded never makes a kiosk not ready
    assert set(ready["failing"]) <= {"audio_input", "audio_output"}  # no microphone here
    degraded = ready["degraded"]["notice_feed"]
    assert degraded["code"] == "notice-feed-stale" and "unreachable" in degraded["detail"]
    assert 'kiosk_notice_feed_errors_total{reason="unreachable"}' in out["metrics"]
    assert "kiosk_notice_feed_age_seconds " in out["metrics"]
