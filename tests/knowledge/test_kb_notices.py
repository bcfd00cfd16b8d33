"""Notices (GTFS-Realtime alert model): validation, active window, expiry, audit."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from knowledge.embeddings import HashEmbedder
from knowledge.errors import ImportRejected, NotFound
from knowledge.store import KnowledgeBase
from tests.knowledge.kb_helpers import copy_kb

KST = timezone(timedelta(hours=9))
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=KST)


def _notice(nid: str, start: str, end: str, **entity: str) -> dict:
    return {
        "id": nid,
        "cause": "MAINTENANCE",
        "effect": "ACCESSIBILITY_ISSUE",
        "active_period": [{"start": start, "end": end}],
        "informed_entity": [entity or {"station": "강남"}],
        "header_text": {
            "ko": "3번 출구 엘리베이터 점검 중",
            "en": "Exit 3 elevator out of service",
        },
        "tts_header_text": {"ko": "3번 출구 엘리베이터는 18시까지 점검 중입니다."},
    }


@pytest.fixture
def kb(seoul_root: Path, tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.open(copy_kb(seoul_root, tmp_path / "kb"), HashEmbedder())


def test_active_window_and_automatic_expiry(kb: KnowledgeBase) -> None:
    kb.add_notice(
        _notice(
            "N1",
            "2026-05-01T09:00:00+09:00",
            "2026-05-01T18:00:00+09:00",
            station="강남",
            facility="elevator:exit3",
        ),
        actor="op",
    )
    assert [n.id for n in kb.active_notices("강남", NOW)] == ["N1"]
    assert kb.active_notices("강남", NOW.replace(hour=18)) == []  # end is exclusive
    assert kb.active_notices("강남", NOW.replace(hour=8)) == []
    assert kb.active_notices("역삼", NOW) == []
    n = kb.active_notices(None, NOW)[0]
    assert n.source_id == "notice:N1" and "18시" in n.text and n.text_in("en").startswith("Exit 3")
    assert kb.source_text("notice:N1") == n.text


def test_line_notice_applies_to_stations_of_that_line(kb: KnowledgeBase) -> None:
    kb.add_notice(_notice("L2", "2026-05-01T00:00:00+09:00", "2026-05-02T00:00:00+09:00", line="2"))
    assert [n.id for n in kb.active_notices("역삼", NOW)] == ["L2"]
    assert kb.active_notices("고속터미널", NOW) == []


def test_expire_notice_is_audited(kb: KnowledgeBase) -> None:
    kb.add_notice(
        _notice("N2", "2026-05-01T00:00:00+09:00", "2026-06-01T00:00:00+09:00"), actor="op"
    )
    kb.expire_notice("N2", actor="op2")
    assert kb.active_notices("강남", NOW) == []
    assert kb.status()["audit"][0]["action"] == "notice-expire"
    with pytest.raises(NotFound):
        kb.expire_notice("N2")


def test_invalid_notice_rejected(kb: KnowledgeBase) -> None:
    bad = _notice("N3", "2026-05-01T09:00:00", "2026-05-01T18:00:00+09:00")  # no UTC offset
    with pytest.raises(ImportRejected) as err:
        kb.add_notice(bad)
    assert err.value.issues[0].field.startswith("notices.0.active_period")
    bad = _notice("N4", "2026-05-01T09:00:00+09:00", "2026-05-01T18:00:00+09:00")
    bad["effect"] = "BROKEN"
    with pytest.raises(ImportRejected):
        kb.add_notice(bad)


def test_notices_file_import(kb: KnowledgeBase, tmp_path: Path) -> None:
    f = tmp_path / "notices.yaml"
    f.write_text(
        "schema: kiosk-notices/1\nnotices:\n  - id: F1\n    effect: NO_SERVICE\n"
        "    active_period: [{start: '2026-05-01T00:00:00+09:00'}]\n"
        "    informed_entity: [{station: 사당}]\n    header_text: {ko: 예시 공지}\n"
        "    example: true\n",
        encoding="utf-8",
    )
    kb.import_path(f, actor="op")
    assert [n.id for n in kb.active_notices("사당", NOW)] == ["F1"]
