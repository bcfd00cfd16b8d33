"""The operator API over real HTTP: token, rate limit, size cap, audit log, the protocol."""

from __future__ import annotations

import hmac
import inspect
import json
import socket
import time
from urllib.parse import urlsplit

import httpx

from kiosk.web.admin import AdminAuth, FailedAuthLimiter
from kiosk.web.kb_admin import KnowledgeBaseAdmin
from tests.kiosk.web.conftest import TOKEN, Harness
from tests.kit.admin import FakeKnowledgeAdmin

NOTICE = {
    "id": "N42",
    "cause": "MAINTENANCE",
    "effect": "ACCESSIBILITY_ISSUE",
    "active_period": [{"start": "2030-01-01T05:00:00+09:00", "end": "2030-01-02T01:00:00+09:00"}],
    "informed_entity": [{"station": "강남", "facility": "elevator:exit3"}],
    "header_text": {"ko": "3번 출구 엘리베이터 점검", "en": "Exit 3 elevator under maintenance"},
}


def audit_lines(h: Harness) -> list[dict]:
    path = h.settings.data.dir / "audit.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_fake_mirrors_the_real_operator_interface() -> None:
    """The fake may leave actions out, but what it has takes what the real one takes."""
    real_actions = {n for n in dir(KnowledgeBaseAdmin) if not n.startswith("_")}
    fake_actions = {n for n in dir(FakeKnowledgeAdmin) if not n.startswith("_")} - {"names"}
    assert fake_actions <= real_actions
    for name in fake_actions:
        fake = inspect.signature(getattr(FakeKnowledgeAdmin, name))
        real = inspect.signature(getattr(KnowledgeBaseAdmin, name))
        assert list(fake.parameters) == list(real.parameters), name


def test_admin_needs_the_token(harness: Harness) -> None:
    with harness.client() as client:
        missing = client.get("/admin/notices")
        wrong = client.get("/admin/notices", headers={"Authorization": f"Bearer {TOKEN}x"})
        basic = client.get("/admin/notices", headers={"Authorization": f"Basic {TOKEN}"})
    for response in (missing, wrong, basic):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert harness.admin.calls == []  # refused before reaching the knowledge store
    with harness.admin_client() as client:
        assert client.get("/admin/notices").status_code == 200


def test_token_is_compared_in_constant_time(make_harness) -> None:
    compared: list[tuple[bytes, bytes]] = []

    def recording_compare(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return hmac.compare_digest(a, b)

    h = make_harness(auth=AdminAuth({"admin": TOKEN}, compare=recording_compare))
    with h.client() as client:
        client.get("/admin/notices", headers={"Authorization": "Bearer guess"})
    with h.admin_client() as client:
        assert client.get("/admin/notices").status_code == 200
    assert compared == [(b"guess", TOKEN.encode()), (TOKEN.encode(), TOKEN.encode())]


def test_admin_is_disabled_without_a_token(make_harness) -> None:
    h = make_harness(admin_token="")
    with h.client() as client:
        response = client.get("/admin/notices", headers={"Authorization": "Bearer x"})
    assert response.status_code == 403
    assert "disabled" in response.json()["detail"]


def test_failed_attempts_are_rate_limited_per_client(make_harness) -> None:
    limiter = FailedAuthLimiter(max_failures=3, window_seconds=60)
    h = make_harness(auth=AdminAuth({"admin": TOKEN}, limiter=limiter))
    with h.client(headers={"Authorization": "Bearer nope"}) as client:
        codes = [client.get("/admin/notices").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    with h.client(headers={"Authorization": "Bearer nope"}) as client:
        locked = client.get("/admin/notices")
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 61
    with h.admin_client() as client:
        # The real operator shares 127.0.0.1 with the guesser: the right token still passes.
        assert client.get("/admin/notices").status_code == 200


def test_a_forwarded_for_header_neither_dodges_the_limit_nor_enters_the_audit(
    make_harness,
) -> None:
    """No proxy sits in front of a kiosk: X-Forwarded-For is the client's own claim (#17.4)."""
    limiter = FailedAuthLimiter(max_failures=3, window_seconds=60)
    h = make_harness(auth=AdminAuth({"admin": TOKEN}, limiter=limiter))
    with h.client(headers={"Authorization": "Bearer nope"}) as client:
        codes = [
            client.get("/admin/notices", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
            for i in range(4)
        ]
    assert codes == [401, 401, 401, 429]  # one client, whatever it claims to be
    h = make_harness()
    with h.admin_client() as client:
        created = client.post("/admin/notices", json=NOTICE, headers={"X-Forwarded-For": "6.6.6.6"})
        entries = client.get("/admin/audit").json()
    assert created.status_code == 201
    clients = {e["who"]["client"] for e in entries}
    assert clients == {"127.0.0.1"}, entries


def test_the_token_is_checked_before_any_of_the_body_is_read(harness: Harness) -> None:
    """An unauthenticated client announcing a 1 MB body and sending 10 bytes of it is answered
    401 at once: its body is never waited for, read or parsed (#17.6)."""
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(harness.url)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(
            b"POST /admin/notices HTTP/1.1\r\nHost: kiosk\r\nContent-Type: application/json\r\n"
            b'Authorization: Bearer wrong\r\nContent-Length: 1000000\r\n\r\n{"id": "x'
        )
        reply = sock.recv(4096).decode("latin-1")
    assert reply.startswith("HTTP/1.1 401"), reply
    assert harness.admin.names() == []  # nothing reached the knowledge base


def test_notices_create_list_expire_through_the_protocol(harness: Harness) -> None:
    with harness.admin_client() as client:
        created = client.post("/admin/notices", json=NOTICE)
        assert created.status_code == 201, created.text
        listed = client.get("/admin/notices").json()
        expired = client.post("/admin/notices/N42/expire")
        missing = client.post("/admin/notices/nope/expire")
        everything = client.get("/admin/notices", params={"include_expired": "true"})
    assert [n["id"] for n in listed] == ["N42"]
    assert expired.status_code == 200 and expired.json()["id"] == "N42"
    assert missing.status_code == 404 and missing.json()["detail"]["code"] == "kb-not-found"
    assert everything.status_code == 200
    names = harness.admin.names()
    assert names == [
        "add_notice",
        "list_notices",
        "expire_notice",
        "expire_notice",
        "list_notices",
    ]
    sent = harness.admin.calls[0][1][0]
    assert sent["header_text"]["ko"] == "3번 출구 엘리베이터 점검"
    assert sent["active_period"][0]["start"].startswith("2030-01-01T05:00:00")
    assert harness.admin.calls[4][2] == {"include_expired": True}
    assert harness.admin.calls[0][2] == {"actor": "admin:Kim@127.0.0.1"}


def test_invalid_notice_is_refused_before_the_store(harness: Harness) -> None:
    bad = {**NOTICE, "effect": "SOMETHING", "header_text": {"en": "no Korean"}}
    with harness.admin_client() as client:
        response = client.post("/admin/notices", json=bad)
    assert response.status_code == 422
    assert harness.admin.calls == []


def test_changes_are_audited_with_who_what_when(harness: Harness) -> None:
    with harness.admin_client() as client:
        client.post("/admin/notices", json=NOTICE)
        client.post("/admin/notices/missing/expire")
        client.get("/admin/notices")  # reads are not audited
        tail = client.get("/admin/audit").json()
    lines = audit_lines(harness)
    assert [(e["action"], e["target"], e["outcome"]) for e in lines] == [
        ("notice.add", "N42", "ok"),
        ("notice.expire", "missing", "refused"),
    ]
    first = lines[0]
    assert first["who"] == {"token": "admin", "client": "127.0.0.1", "operator": "Kim"}
    assert first["kiosk_id"] == harness.settings.station.kiosk_id
    assert abs(time.time() - _epoch(first["at"])) < 60
    assert tail[0]["action"] == "notice.expire"  # newest first


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()


def test_upload_validate_import_and_rollback(harness: Harness) -> None:
    yaml_body = "stations:\n  - name: 강남\n".encode()
    with harness.admin_client() as client:
        report = client.post(
            "/admin/kb/validate", content=yaml_body, headers={"Content-Type": "application/yaml"}
        )
        rejected = client.post(
            "/admin/kb/import",
            content=b"bad rows",
            params={"format": "csv", "filename": "stations.csv"},
        )
        imported = client.post(
            "/admin/kb/import",
            content=b"PK\x03\x04zip",
            headers={"Content-Type": "application/zip"},
        )
        unknown = client.post("/admin/kb/import", content=b"x", headers={"Content-Type": "a/b"})
        rolled = client.post("/admin/kb/rollback")
        status = client.get("/admin/status")
    assert report.status_code == 200 and report.json() == {
        "ok": True,
        "issues": [],
        "format": "yaml",
    }
    assert rejected.status_code == 422 and rejected.json()["ok"] is False
    assert imported.status_code == 200 and imported.json()["version"] == 2
    assert unknown.status_code == 415
    assert rolled.json() == {"version": 1, "previous": 2}
    assert status.json()["version"] == 1
    actor = "admin:Kim@127.0.0.1"
    assert harness.admin.calls[:3] == [
        ("validate_upload", (len(yaml_body),), {"fmt": "yaml", "filename": None}),
        ("import_upload", (8,), {"fmt": "csv", "filename": "stations.csv", "actor": actor}),
        ("import_upload", (7,), {"fmt": "zip", "filename": None, "actor": actor}),
    ]
    actions = [(e["action"], e["detail"].get("version")) for e in audit_lines(harness)]
    assert ("kb.import", 2) in actions and ("kb.rollback", 1) in actions


def test_oversized_upload_is_refused(make_harness) -> None:
    h = make_harness(max_upload_bytes=1000)
    with h.admin_client() as client:
        too_big = client.post("/admin/kb/import?format=csv", content=b"x" * 1001)
        chunked = client.post("/admin/kb/import?format=csv", content=iter([b"x" * 600] * 3))
        fits = client.post("/admin/kb/import?format=csv", content=b"x" * 1000)
    assert too_big.status_code == 413
    assert chunked.status_code == 413
    assert fits.status_code == 200
    assert [c[1] for c in h.admin.calls] == [(1000,)]


def test_oversized_upload_is_refused_before_the_body_is_sent(make_harness) -> None:
    """A 1 GB Content-Length with no body: the answer comes without waiting for the body."""
    h = make_harness(max_upload_bytes=1000)
    parts = urlsplit(h.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(
            b"POST /admin/kb/import?format=zip HTTP/1.1\r\nHost: kiosk\r\n"
            + f"Authorization: Bearer {TOKEN}\r\n".encode()
            + b"Content-Type: application/zip\r\nContent-Length: 1000000000\r\n\r\n"
        )
        head = sock.recv(4096).decode("latin-1")
    assert head.startswith("HTTP/1.1 413")
    assert h.admin.calls == []


def test_admin_without_a_knowledge_base_answers_503(make_harness) -> None:
    h = make_harness(with_kb=False)
    with h.admin_client() as client:
        response = client.get("/admin/status")
    assert response.status_code == 503
    assert response.json()["detail"]["code"] == "kb-unavailable"
    with httpx.Client(base_url=h.url) as client:
        assert client.get("/livez").status_code == 200
