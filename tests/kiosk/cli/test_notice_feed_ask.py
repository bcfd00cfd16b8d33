"""A change in the operator's alerts feed reaches `kiosk ask` at the first poll after it.

Real parts throughout: the feed server on 127.0.0.1, the daemon's poller loop (`run()`, on an
event loop as `kiosk serve` runs it), the knowledge base opened as the daemon opens it, and
`kiosk ask` reading the same data folder with the same settings file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from pathlib import Path

import pytest

from kiosk.app import open_knowledge
from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.notice_feed import NoticeFeedPoller
from tests.conftest import copy_bundled_kb
from tests.kit.alert_feeds import alert_entity, feed_bytes, feed_server
from tests.kit.loop_thread import LoopThread
from tests.kit.scripts import load_script

QUESTION = "Is the elevator at Gangnam working?"
NOTICE = {
    "ko": "강남역 10번 출구 엘리베이터는 점검 중입니다.",
    "en": "The exit 10 elevator at Gangnam is out of service for repairs.",
}


def _ask(config: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["ask", QUESTION, "--config", str(config), "--no-llm", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_feed_change_is_spoken_after_the_next_poll(
    bundled_kb_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "var"
    copy_bundled_kb(bundled_kb_template, data / "kb")
    with feed_server() as server:
        server.publish(feed_bytes())  # nothing to report yet
        config = tmp_path / "kiosk.toml"
        config.write_text(
            f'[data]\ndir = "{data}"\n\n[notice_feed]\nurl = "{server.url}"\n'
            "interval_s = 1.0\nmax_age_s = 60.0\ntimeout_s = 5.0\n",
            encoding="utf-8",
        )
        settings = load_settings(config)
        kb = open_knowledge(settings)  # as `kiosk serve` opens it
        done = threading.Condition()

        def published(kind: object, **data: object) -> None:
            with done:
                done.notify_all()

        poller = NoticeFeedPoller(settings.notice_feed, kb, publish=published)
        loop = LoopThread()
        running = asyncio.run_coroutine_threadsafe(poller.run(), loop.loop)

        def polls_done(count: int) -> None:
            with done:
                assert done.wait_for(lambda: poller.polls >= count, 30), poller.polls

        try:
            polls_done(1)
            before = _ask(config, capsys)
            assert before["outcome"] == "answered"
            assert not any(s["id"].startswith("notice:") for s in before["sources"])

            server.publish(feed_bytes(alert_entity("lift-10", NOTICE, stops=["0222"])))
            asked_before_change = len(server.requests)
            # The first poll whose request came after the change has finished: no more.
            polls_done(asked_before_change + 1)
            after = _ask(config, capsys)
        finally:
            running.cancel()
            with contextlib.suppress(BaseException):
                running.result(5)  # the loop has seen the cancellation
            loop.close()
            poller.close()
            kb.close()
    assert NOTICE["en"] in after["answer"]
    assert {"id": "notice:feed-lift-10", "text": NOTICE["en"]} in after["sources"]
    assert server.requests[-1].get("if-none-match")  # polls in between were conditional


def test_the_sample_feed_through_kb_poll_feed_and_ask(
    bundled_kb_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's try-out: the sample script's feed, one poll from the CLI, then `ask`."""
    data = tmp_path / "var"
    copy_bundled_kb(bundled_kb_template, data / "kb")
    sample = tmp_path / "feed" / "alerts.pb"
    script = load_script("sample_alert_feed")
    assert script.main([str(sample), "--stop", "0222", "--en", NOTICE["en"]]) == 0
    with feed_server() as server:
        server.publish(sample.read_bytes(), content_type="application/octet-stream")
        config = tmp_path / "kiosk.toml"
        config.write_text(
            f'[data]\ndir = "{data}"\n\n[notice_feed]\nurl = "{server.url}"\n', encoding="utf-8"
        )
        poll = ["kb", "poll-feed", "--config", str(config), "--json"]
        capsys.readouterr()
        assert main(poll) == 0
        stored = json.loads(capsys.readouterr().out)
        assert (stored["result"], stored["notices"], stored["skipped"]) == ("updated", 1, {})
        assert NOTICE["en"] in _ask(config, capsys)["answer"]
        server.publish(b"<html>maintenance page</html>", content_type="text/html")
        assert main(poll) == 1  # refused, said why, and the copy stays
        refused = json.loads(capsys.readouterr().out)
        assert (refused["result"], refused["reason"]) == ("error", "wrong-content")
        assert NOTICE["en"] in _ask(config, capsys)["answer"]
