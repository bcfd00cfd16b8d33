"""The operator API bound to the real knowledge store (bundled data, no embedder) over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.web.kb_admin import KnowledgeBaseAdmin
from knowledge.operator import validate_notice
from knowledge.store import KnowledgeBase
from tests.kiosk.web.conftest import Harness
from tests.kit.paths import REPO

GANGNAM_YAML = REPO / "knowledge" / "data" / "operator" / "강남.yaml"


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase(tmp_path / "kb", None)
    kb.import_path(None, actor="test")  # the bundled data, about a second without embeddings
    yield kb
    kb.close()


@pytest.fixture
def real(make_harness, kb: KnowledgeBase, tmp_path: Path) -> Harness:
    return make_harness(admin=KnowledgeBaseAdmin(kb, tmp_path / "uploads"))


def notice(notice_id: str, minutes: float) -> dict:
    now = datetime.now(UTC)
    return {
        "id": notice_id,
        "cause": "MAINTENANCE",
        "effect": "ACCESSIBILITY_ISSUE",
        "active_period": [
            {
                "start": (now - timedelta(minutes=1)).isoformat(timespec="seconds"),
                "end": (now + timedelta(minutes=minutes)).isoformat(timespec="seconds"),
            }
        ],
        "informed_entity": [{"station": "강남"}],
        "header_text": {"ko": "엘리베이터 점검 중", "en": "Elevator under maintenance"},
    }


def test_notice_over_http_reaches_the_store_and_expires(real: Harness, kb: KnowledgeBase) -> None:
    with real.admin_client() as client:
        created = client.post("/admin/notices", json=notice("E1", minutes=30))
        assert created.status_code == 201, created.text
        assert created.json()["header_text"]["ko"] == "엘리베이터 점검 중"
        now = datetime.now(UTC)
        assert [n.id for n in kb.active_notices("강남", now)] == ["E1"]
        assert [n["id"] for n in client.get("/admin/notices").json()] == ["E1"]
        assert client.post("/admin/notices/E1/expire").status_code == 200
        assert kb.active_notices("강남", datetime.now(UTC)) == []
        again = client.post("/admin/notices/E1/expire")
        assert again.status_code == 404 and again.json()["detail"]["code"] == "kb-not-found"
        assert client.get("/admin/notices", params={"include_expired": True}).status_code == 409
    store_audit = kb.status()["audit"]
    assert any(e.get("actor") == "admin:Kim@127.0.0.1" for e in store_audit), store_audit


def test_notice_ending_before_it_starts_is_refused(real: Harness, kb: KnowledgeBase) -> None:
    bad = notice("E2", minutes=5)
    bad["active_period"] = [
        {"start": "2030-01-01T05:00:00+09:00", "end": "2030-01-01T04:00:00+09:00"}
    ]
    with real.admin_client() as client:
        response = client.post("/admin/notices", json=bad)
    assert response.status_code == 422
    assert "end must be after start" in response.text
    assert kb.active_notices(None, datetime(2030, 1, 1, 4, 30, tzinfo=UTC)) == []


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\r"])
def test_a_control_character_in_a_notice_is_refused_as_in_yaml(
    real: Harness, kb: KnowledgeBase, tmp_path: Path, char: str
) -> None:
    """A NUL posted through the JSON API once broke every spoken answer that used it, while
    the YAML path refused it (#17.10): one validation for both."""
    bad = notice("E3", minutes=5)
    bad["header_text"]["en"] = f"Elevator{char} out of service"
    with real.admin_client() as client:
        response = client.post("/admin/notices", json=bad)
    assert response.status_code == 422, response.text
    assert f"U+{ord(char):04X}" in response.text and "header_text.en" in response.text
    assert kb.active_notices("강남", datetime.now(UTC)) == []
    # The YAML files' notices go through the same check (`validate_doc`).
    assert [i.message for i in validate_notice(bad)] == [
        f"character U+{ord(char):04X} is not text (a control character or half a pair)"
    ]


def test_yaml_uploads_without_a_filename_keep_their_station_names(
    real: Harness, kb: KnowledgeBase
) -> None:
    """Two stations' operator files uploaded without ?filename= are two files, not one
    `upload.yaml` replacing the other (#17.11)."""
    sadang = GANGNAM_YAML.with_name("사당.yaml").read_bytes()
    with real.admin_client() as client:
        first = client.post("/admin/kb/import", content=GANGNAM_YAML.read_bytes(),
                            params={"format": "yaml"})  # fmt: skip
        second = client.post("/admin/kb/import", content=sadang, params={"format": "yaml"})
        nameless = client.post("/admin/kb/import", content=b"foo: 1\n", params={"format": "yaml"})
    assert first.status_code == 200 and second.status_code == 200, second.text
    since_bundled = kb.diff(1, second.json()["version"])
    assert since_bundled["files_added"] == [], since_bundled  # no operator/upload.yaml
    assert nameless.status_code == 409
    assert nameless.json()["detail"]["code"] == "upload-name-needed"


def test_upload_validate_import_rollback(real: Harness, kb: KnowledgeBase) -> None:
    body = GANGNAM_YAML.read_bytes()
    params = {"format": "yaml", "filename": "강남.yaml"}
    with real.admin_client() as client:
        report = client.post("/admin/kb/validate", content=body, params=params)
        broken = client.post(
            "/admin/kb/validate", content=b"schema: kiosk-operator/1\nstation: [", params=params
        )
        imported = client.post("/admin/kb/import", content=body, params=params)
        rejected = client.post("/admin/kb/import", content=b"station: 1\n", params=params)
        status = client.get("/admin/status").json()
        rolled = client.post("/admin/kb/rollback")
    assert report.status_code == 200 and report.json()["ok"] is True, report.text
    assert report.json()["counts"], report.text
    assert broken.status_code == 200 and broken.json()["ok"] is False
    assert broken.json()["issues"][0]["file"]
    assert imported.status_code == 200 and imported.json()["version"] == 2
    assert rejected.status_code == 422 and rejected.json()["detail"]["issues"]
    assert status["version"] == 2
    assert rolled.json() == {"version": 1} and kb.version == 1
    actions = [line for line in (real.settings.data.dir / "audit.jsonl").read_text().splitlines()]
    assert len(actions) == 5  # validate x2, import ok, import refused, rollback


def test_feed_notices_are_listed_and_an_operator_can_silence_one(
    real: Harness, kb: KnowledgeBase
) -> None:
    from kiosk.config import NoticeFeedSettings
    from kiosk.notice_feed import NoticeFeedPoller, feed_policy
    from tests.kit.alert_feeds import alert_entity, feed_bytes, feed_server

    lift = {"ko": "3번 출구 엘리베이터 고장", "en": "Exit 3 elevator out of order"}
    with feed_server() as server:
        settings = NoticeFeedSettings(server.url, 1.0, 60.0, 5.0)
        kb.use_feed(feed_policy(settings))
        poller = NoticeFeedPoller(settings, kb)
        server.publish(feed_bytes(alert_entity("L3", lift, stops=["0222"])))
        assert poller.poll().result == "updated"
        with real.admin_client() as client:
            assert client.post("/admin/notices", json=notice("OP1", 30)).status_code == 201
            listed = {n["id"]: n["origin"] for n in client.get("/admin/notices").json()}
            assert listed == {"OP1": "operator", "feed-L3": "feed"}
            assert client.post("/admin/notices/feed-L3/expire").status_code == 200
            assert [n["id"] for n in client.get("/admin/notices").json()] == ["OP1"]
            server.publish(
                feed_bytes(alert_entity("L3", {"en": "Exit 3 lift: still out"}, stops=["0222"]))
            )
            assert poller.poll().result == "updated"  # the feed refreshes the same alert
            assert [n["id"] for n in client.get("/admin/notices").json()] == ["OP1"]
            audit = client.get("/admin/audit").json()
        poller.close()
    assert audit[0]["action"] == "notice.expire" and audit[0]["target"] == "feed-L3"
