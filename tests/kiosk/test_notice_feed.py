"""The notice-feed poller against a real feed server on 127.0.0.1: conditional requests, every
way a feed goes wrong (the last good copy stays), staleness, metrics and readiness over HTTP."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kiosk.config import NoticeFeedSettings
from kiosk.events import EventBus, KioskEvent
from kiosk.health import Health
from kiosk.notice_feed import NOTICE_FEED, NoticeFeedPoller
from kiosk.web.metrics import KioskMetrics
from knowledge.notice_board import FeedPolicy
from knowledge.store import KnowledgeBase
from tests.conftest import copy_bundled_kb
from tests.kit.alert_feeds import FeedServer, alert_entity, feed_bytes, feed_server

ELEVATOR = {"ko": "강남역 3번 출구 엘리베이터 점검 중", "en": "Gangnam exit 3 elevator closed"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class Rig:
    """A feed server, a knowledge base that speaks the feed, and the poller between them."""

    def __init__(self, server: FeedServer, root: Path, **feed: object) -> None:
        self.server = server
        self.clock = Clock()
        self.settings = NoticeFeedSettings(
            url=server.url, **{"interval_s": 1.0, "max_age_s": 60.0, "timeout_s": 5.0, **feed}
        )
        self.kb = KnowledgeBase.open(root, None, FeedPolicy(server.url, self.settings.max_age_s))
        self.events: list[KioskEvent] = []
        self.bus = EventBus()
        self.bus.add_listener(self.events.append)
        self.poller = NoticeFeedPoller(
            self.settings, self.kb, publish=self.bus.emit, clock=self.clock
        )

    def spoken(self) -> list[str]:
        """Ids of the notices an answer about Gangnam would speak now."""
        return [n.id for n in self.kb.active_notices("강남", self.clock())]


@pytest.fixture
def rig(bundled_kb_template: Path, tmp_path: Path) -> Iterator[Rig]:
    root = copy_bundled_kb(bundled_kb_template, tmp_path / "kb")
    with feed_server() as server:
        rig = Rig(server, root)
        yield rig
        rig.poller.close()
        rig.kb.close()


def _good(rig: Rig) -> bytes:
    body = feed_bytes(alert_entity("E1", ELEVATOR, stops=["0222"]))
    rig.server.publish(body)
    assert rig.poller.poll().result == "updated"
    assert rig.spoken() == ["feed-E1"]
    return body


def test_conditional_requests_get_304_and_confirm_the_copy(rig: Rig) -> None:
    _good(rig)
    first = rig.server.requests[-1]
    assert "if-none-match" not in first and "if-modified-since" not in first
    rig.clock.now += timedelta(seconds=50)
    assert rig.poller.poll().result == "unchanged"
    asked = rig.server.requests[-1]
    assert asked["if-none-match"] == rig.server.served.etag
    assert asked["if-modified-since"] == rig.server.served.last_modified
    rig.clock.now += timedelta(seconds=50)  # 100 s after the first fetch, 50 after the 304
    assert rig.spoken() == ["feed-E1"]
    assert rig.events[-1].data["result"] == "unchanged"


def test_a_changed_feed_replaces_the_copy_at_the_next_poll(rig: Rig) -> None:
    _good(rig)
    rig.server.publish(feed_bytes(alert_entity("E2", {"en": "Exit 5 closed"}, stops=["0222"])))
    assert rig.poller.poll().result == "updated"
    assert rig.spoken() == ["feed-E2"]
    rig.server.publish(feed_bytes())  # every alert withdrawn
    assert rig.poller.poll().result == "updated"
    assert rig.spoken() == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"body": b"\x08\x96\x01garbage", "content_type": "application/octet-stream"}, "malformed"),
        (
            {"body": b"<html>Log in to the Wi-Fi</html>", "content_type": "text/html"},
            "wrong-content",
        ),
        ({"status": 503}, "http-status"),
        ({"status": 404}, "http-status"),
        ({"body": feed_bytes(), "declared_length": 10_000_000}, "too-large"),
        ({"body": b"", "endless": True}, "too-large"),
        ({"body": b"\x00" * 5_000_000, "gzip": True}, "too-large"),  # 5 MB from ~5 KB of gzip
    ],
    ids=lambda v: v if isinstance(v, str) else ",".join(v),
)
def test_a_bad_feed_never_replaces_the_last_good_copy(rig: Rig, change: dict, reason: str) -> None:
    _good(rig)
    served = rig.server.served
    body = change.pop("body", served.body)
    rig.server.publish(body, **change)
    result = rig.poller.poll()
    assert (result.result, result.reason) == ("error", reason)
    assert rig.spoken() == ["feed-E1"]
    assert rig.events[-1].data == {
        "result": "error",
        "reason": reason,
        "notices": 0,
        "age_seconds": 0.0,
        "confirmed_unix": rig.clock.now.timestamp(),
    }


def test_a_slow_feed_times_out_and_the_copy_stays(rig: Rig) -> None:
    _good(rig)
    slow = Rig(rig.server, rig.kb.root, timeout_s=0.3)  # the same store, a short timeout
    try:
        rig.server.publish(feed_bytes(), delay_s=3.0)
        result = slow.poller.poll()
        assert (result.result, result.reason) == ("error", "timeout")
        assert result.seconds < 3.0  # it did not wait for the answer
    finally:
        slow.poller.close()
    assert rig.spoken() == ["feed-E1"]


def test_an_endless_body_is_never_read_whole(rig: Rig) -> None:
    rig.server.publish(b"", endless=True)
    assert rig.poller.poll().reason == "too-large"
    # The server got to write what the client read plus the sockets' buffers, not 1 GiB.
    assert rig.server.wait_for_endless_end() < 16 * rig.settings.max_bytes


def test_an_unreachable_feed_is_counted_and_the_copy_kept(rig: Rig) -> None:
    _good(rig)
    rig.server.stop()  # connection refused from now on
    result = rig.poller.poll()
    assert (result.result, result.reason) == ("error", "unreachable")
    assert rig.spoken() == ["feed-E1"]  # still fresh: spoken until max_age_s


def test_a_stale_copy_is_not_spoken_and_readiness_is_degraded(rig: Rig) -> None:
    body = _good(rig)
    health = Health(clock=lambda: 0.0)
    health.register_probe(NOTICE_FEED, rig.poller.health, required=False)
    assert health.snapshot()[NOTICE_FEED].ok
    rig.server.publish(b"", status=500)
    rig.clock.now += timedelta(seconds=61)  # past max_age_s with only failed polls since
    assert rig.poller.poll().reason == "http-status"
    assert rig.spoken() == []
    status = health.snapshot()[NOTICE_FEED]
    assert not status.ok and status.code == "notice-feed-stale" and not status.required
    assert "not confirmed for 61 s" in status.detail and "http-status" in status.detail
    assert health.ready  # degraded, still serving
    rig.server.publish(body)  # the same feed again
    assert rig.poller.poll().result == "unchanged"  # the server is back: 304 confirms the copy
    assert rig.spoken() == ["feed-E1"] and health.snapshot()[NOTICE_FEED].ok


def test_an_older_feed_than_the_copy_is_refused(rig: Rig) -> None:
    _good(rig)
    old = feed_bytes(alert_entity("OLD", ELEVATOR, stops=["0222"]), timestamp=1_000_000_000)
    rig.server.publish(old)
    assert rig.poller.poll().reason == "older-feed"
    assert rig.spoken() == ["feed-E1"]


def test_a_new_knowledge_version_refetches_the_feed_whole(rig: Rig, tmp_path: Path) -> None:
    _good(rig)
    notices = tmp_path / "notices.yaml"
    notices.write_text(
        "schema: kiosk-notices/1\nnotices:\n  - id: L1\n    effect: NO_SERVICE\n"
        "    informed_entity: [{station: 역삼}]\n    header_text: {ko: 공지}\n",
        encoding="utf-8",
    )
    rig.kb.import_path(notices, actor="op")  # version 2: stations may have changed
    assert rig.poller.poll().result == "updated"  # not a 304: mapped afresh
    assert "if-none-match" not in rig.server.requests[-1]
    assert rig.spoken() == ["feed-E1"]


def test_metrics_count_errors_by_reason_and_show_the_age(rig: Rig) -> None:
    metrics = KioskMetrics(wall_clock=lambda: rig.clock.now.timestamp())
    rig.bus.add_listener(metrics.observe)
    _good(rig)
    rig.server.publish(b"<html/>", content_type="text/html")
    rig.clock.now += timedelta(seconds=30)
    rig.poller.poll()
    rig.poller.poll()
    rig.clock.now += timedelta(seconds=15)  # the age grows between polls, read at scrape time
    families = {f.name: f for f in text_string_to_metric_families(metrics.render())}
    errors = families["kiosk_notice_feed_errors"]
    assert errors.type == "counter"
    assert [(s.labels, s.value) for s in errors.samples] == [({"reason": "wrong-content"}, 2.0)]
    assert families["kiosk_notice_feed_age_seconds"].samples[0].value == 45.0


def test_logs_name_no_feed_key_and_no_notice_text(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _good(rig)
    rig.server.publish(b"junk", content_type="application/x-protobuf")
    rig.poller.poll()
    text = caplog.text
    assert "malformed" in text and "/alerts.pb" in text
    assert "secret-feed-key" not in text and "엘리베이터" not in text
