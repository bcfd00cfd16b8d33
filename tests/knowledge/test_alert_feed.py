"""GTFS-Realtime alerts -> notices: parsing, entity mapping, translations, periods, storage.

Feeds are built with the real bindings and mapped against the bundled Seoul data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knowledge.alert_feed import EntityIndex, FeedRejected, parse_alert_feed, translations
from knowledge.answers.answerer import Answerer, AnswerSettings
from knowledge.embeddings import HashEmbedder
from knowledge.manifest import Manifest
from knowledge.notice_board import FeedPolicy
from knowledge.store import KnowledgeBase
from tests.kit.alert_feeds import alert_entity, feed_bytes
from tests.knowledge.kb_helpers import copy_kb

NOW = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
T = int(NOW.timestamp())
HOUR = 3600
URL = "http://127.0.0.1:1/alerts.pb"
ELEVATOR = {"ko": "3번 출구 엘리베이터 점검 중", "en": "Exit 3 elevator out of service"}


@pytest.fixture(scope="module")
def index(seoul_kb: KnowledgeBase) -> EntityIndex:
    return seoul_kb.entity_index()


def _parse(index: EntityIndex, *entities, now: datetime = NOW):
    return parse_alert_feed(feed_bytes(*entities, timestamp=T), index, now)


def test_stop_ids_map_by_station_code_number_and_route(index: EntityIndex) -> None:
    feed = _parse(
        index,
        alert_entity("code", ELEVATOR, stops=["0222"]),  # station_cd: Gangnam, line 2
        alert_entity("number", ELEVATOR, stops=["D7"]),  # fr_code: Gangnam, Shinbundang
        alert_entity("both", ELEVATOR, stop_routes=[("0222", "Line 2")]),
        alert_entity("line", {"en": "Delays"}, routes=["2호선"], effect="SIGNIFICANT_DELAYS"),
        alert_entity("line-id", {"en": "Delays"}, routes=["2"], effect="SIGNIFICANT_DELAYS"),
    )
    places = {n["id"]: n["informed_entity"] for n in feed.notices}
    assert places == {
        "feed-code": [{"station": "강남", "line": "2"}],
        "feed-number": [{"station": "강남", "line": "shinbundang"}],
        "feed-both": [{"station": "강남", "line": "2"}],
        "feed-line": [{"line": "2"}],
        "feed-line-id": [{"line": "2"}],
    }
    assert not feed.skipped


def test_alerts_naming_nothing_known_are_left_out_and_counted(index: EntityIndex) -> None:
    feed = _parse(
        index,
        alert_entity("unknown-stop", ELEVATOR, stops=["no-such-stop"]),
        alert_entity("unknown-route", ELEVATOR, routes=["Route 66"]),
        alert_entity("partly", ELEVATOR, stops=["no-such-stop", "0226"]),  # 사당 is known
    )
    assert [n["id"] for n in feed.notices] == ["feed-partly"]
    assert feed.notices[0]["informed_entity"] == [{"station": "사당", "line": "2"}]
    assert feed.skipped == {"unmapped": 2}


def test_translations_keep_every_kiosk_language_and_fall_back() -> None:
    alert = alert_entity(
        "t",
        {
            "ko-KR": "엘리베이터 점검",
            "en": "Elevator maintenance",
            "zh-Hant": "電梯維修",
            "zh-Hans": "电梯维修",
            "ja": "エレベーター点検",
            "fr": "Ascenseur en maintenance",  # not a kiosk language: dropped
        },
    ).alert
    assert translations(alert.header_text) == {
        "ko": "엘리베이터 점검",
        "en": "Elevator maintenance",
        "zh": "电梯维修",  # Simplified preferred whatever the order
        "ja": "エレベーター点検",
    }
    untagged = alert_entity("u", {"": "엘리베이터 점검", "en": "Elevator"}).alert
    assert translations(untagged.header_text) == {"ko": "엘리베이터 점검", "en": "Elevator"}
    only_traditional = alert_entity("z", {"zh-TW": "電梯維修"}).alert
    assert translations(only_traditional.header_text) == {"zh": "電梯維修"}


def test_an_english_only_alert_is_spoken_in_english_to_everyone(
    seoul_root: Path, tmp_path: Path
) -> None:
    kb = _kb_with_feed(
        seoul_root, tmp_path, alert_entity("en", {"en": "Exit 3 closed"}, stops=["0222"])
    )
    notice = kb.active_notices("강남", NOW)[0]
    assert notice.text_in("ko") == notice.text_in("ja") == "Exit 3 closed"
    assert notice.origin == "feed"


def test_active_periods_expire_alerts_and_gaps_are_respected(
    index: EntityIndex, seoul_root: Path, tmp_path: Path
) -> None:
    ended = alert_entity("ended", ELEVATOR, stops=["0222"], periods=[(T - 2 * HOUR, T - HOUR)])
    gap = alert_entity(
        "nights",
        ELEVATOR,
        stops=["0222"],
        periods=[(T - HOUR, T + HOUR), (T + 20 * HOUR, T + 22 * HOUR)],
    )
    later = alert_entity("later", ELEVATOR, stops=["0222"], periods=[(T + HOUR, None)])
    feed = _parse(index, ended, gap, later)
    assert [n["id"] for n in feed.notices] == ["feed-nights", "feed-later"]
    assert feed.skipped == {"ended": 1}
    kb = _kb_with_feed(seoul_root, tmp_path, gap, later, max_age_s=7 * 24 * HOUR)
    ids = lambda t: [n.id for n in kb.active_notices("강남", t)]  # noqa: E731
    assert ids(NOW) == ["feed-nights"]
    assert ids(NOW + timedelta(hours=2)) == ["feed-later"]  # in the gap: nights is not active
    assert ids(NOW + timedelta(hours=21)) == ["feed-nights", "feed-later"]
    assert ids(NOW + timedelta(hours=23)) == ["feed-later"]


def test_bad_alerts_are_dropped_one_by_one(index: EntityIndex) -> None:
    feed = _parse(
        index,
        alert_entity("ok", ELEVATOR, stops=["0222"]),
        alert_entity("bell", {"en": "Exit\x07 3 closed"}, stops=["0222"]),  # a control character
        alert_entity("empty", {"en": "   "}, stops=["0222"]),
        alert_entity("backwards", ELEVATOR, stops=["0222"], periods=[(T + HOUR, T)]),
        alert_entity("ok", ELEVATOR, stops=["0226"]),  # a second entity with the same id
        alert_entity("weird id/with spaces", ELEVATOR, stops=["0222"], cause="SPECIAL_EVENT"),
    )
    first, odd = feed.notices
    assert first["id"] == "feed-ok" and first["informed_entity"] == [
        {"station": "강남", "line": "2"}
    ]
    assert odd["id"].startswith("feed-weird_id_with_spaces-") and odd["cause"] == "OTHER_CAUSE"
    assert feed.skipped == {"invalid": 3, "duplicate-id": 1}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body>Please log in</body></html>", "malformed"),
        (feed_bytes(alert_entity("x", ELEVATOR, stops=["0222"]))[:-7], "malformed"),  # cut short
        (b"\x12\x00", "malformed"),  # a FeedMessage without its required header
    ],
)
def test_a_feed_that_does_not_parse_is_rejected_whole(
    index: EntityIndex, data: bytes, reason: str
) -> None:
    with pytest.raises(FeedRejected) as err:
        parse_alert_feed(data, index, NOW)
    assert err.value.reason == reason


def test_differential_feeds_are_refused(index: EntityIndex) -> None:
    from google.transit import gtfs_realtime_pb2 as rt

    message = rt.FeedMessage()
    message.ParseFromString(feed_bytes(alert_entity("x", ELEVATOR, stops=["0222"])))
    message.header.incrementality = rt.FeedHeader.DIFFERENTIAL
    with pytest.raises(FeedRejected) as err:
        parse_alert_feed(message.SerializeToString(), index, NOW)
    assert err.value.reason == "unsupported"


def test_feed_notices_never_touch_operator_notices_and_an_operator_can_silence_one(
    seoul_root: Path, tmp_path: Path
) -> None:
    kb = _kb_with_feed(seoul_root, tmp_path, alert_entity("E1", ELEVATOR, stops=["0222"]))
    local = {
        "id": "N1",
        "effect": "NO_SERVICE",
        "informed_entity": [{"station": "강남"}],
        "header_text": {"ko": "운영자 공지"},
    }
    kb.add_notice(local, actor="op")
    assert [n.id for n in kb.active_notices("강남", NOW)] == ["N1", "feed-E1"]
    _store(kb.root, alert_entity("E2", ELEVATOR, stops=["0222"]))  # the feed changes
    assert [n.id for n in kb.active_notices("강남", NOW)] == ["N1", "feed-E2"]
    kb.expire_notice("feed-E2", actor="op")  # wrong for this station: silenced locally
    assert [n.id for n in kb.active_notices("강남", NOW)] == ["N1"]
    _store(kb.root, alert_entity("E2", ELEVATOR, stops=["0222"]))  # the next refresh keeps that
    assert [n.id for n in kb.active_notices("강남", NOW)] == ["N1"]
    assert kb.status()["audit"][0]["detail"] == {"id": "feed-E2", "origin": "feed"}


def test_a_stale_or_foreign_copy_is_not_spoken(seoul_root: Path, tmp_path: Path) -> None:
    kb = _kb_with_feed(seoul_root, tmp_path, alert_entity("E1", ELEVATOR, stops=["0222"]))
    assert len(kb.active_notices("강남", NOW + timedelta(seconds=600))) == 1
    assert kb.active_notices("강남", NOW + timedelta(seconds=601)) == []  # max_age_s 600
    other = KnowledgeBase.open(kb.root, HashEmbedder(), FeedPolicy(URL + "?v=2", 600))
    assert other.active_notices("강남", NOW) == []  # a copy of another feed
    plain = KnowledgeBase.open(kb.root, HashEmbedder())
    assert plain.active_notices("강남", NOW) == []  # no feed configured


def _store(root: Path, *entities) -> None:
    """Store a feed copy as the poller does, confirmed at NOW."""
    kb = KnowledgeBase.open(root, None)
    feed = parse_alert_feed(feed_bytes(*entities, timestamp=T), kb.entity_index(), NOW)
    state = {
        "url": URL,
        "etag": None,
        "last_modified": None,
        "kb_version": kb.version,
        "header_time": None,
        "confirmed_at": NOW.isoformat(),
        "changed_at": NOW.isoformat(),
    }
    manifest = Manifest(root)  # its own connection, like the poller's thread
    manifest.replace_feed(state, feed.notices)
    manifest.close()


def _kb_with_feed(
    seoul_root: Path, tmp_path: Path, *entities, max_age_s: float = 600
) -> KnowledgeBase:
    root = copy_kb(seoul_root, tmp_path / "kb")
    _store(root, *entities)
    return KnowledgeBase.open(root, HashEmbedder(), FeedPolicy(URL, max_age_s))


def test_answers_say_live_notices_are_unknown_once_the_feed_is_stale(
    seoul_root: Path, tmp_path: Path
) -> None:
    kb = _kb_with_feed(seoul_root, tmp_path, alert_entity("E1", ELEVATOR, stops=["0222"]))
    answerer = Answerer(kb, AnswerSettings(station="강남", llm_languages=()))
    ask = lambda q, t: answerer.answer(q, lang="en", now=t).text  # noqa: E731
    working = "Is the elevator at Gangnam working?"
    assert ask(working, NOW) == ELEVATOR["en"]
    stale = NOW + timedelta(seconds=601)
    answer = ask(working, stale)
    assert ELEVATOR["en"] not in answer  # the stale copy is not spoken as current
    assert answer.startswith("As of ")  # the elevator records, with their date
    assert answer.endswith("Live notices for Gangnam Station cannot be checked right now; "
                           "please ask the staff.")  # fmt: skip
    notices = ask("Are there any notices at Yeoksam?", stale)
    assert notices.startswith("Live notices for Yeoksam Station cannot be checked")
    assert "no current notices" not in notices
    assert ask("Are there any notices at Yeoksam?", NOW).startswith("There are no current notices")
