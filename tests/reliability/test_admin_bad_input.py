"""Odd requests to the operator API get a 4xx that says what is wrong, never a 500 (#17 low):
a junk zip, 50,000-deep YAML, a lone surrogate, a chunked body over the cap, a trailing slash
with a forged Host, and a rollback that expects another version than the one serving."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from kiosk.config import Settings
from knowledge.store import KnowledgeBase
from tests.kit.settings import make_settings
from tests.reliability.conftest import kill_import
from tests.reliability.http_harness import live_server


def test_junk_zip_deep_yaml_and_a_lone_surrogate_are_refused_with_a_reason(
    kb_root: Path, tmp_path: Path
) -> None:
    deep = ("a: " + "[" * 50_000 + "]" * 50_000 + "\n").encode()
    notice = (  # JSON allows the escape; the text it stands for cannot be encoded
        b'{"effect": "NO_SERVICE", "informed_entity": [{"station": "gangnam"}],'
        b' "header_text": {"ko": "\\ud800"}}'
    )
    with live_server(make_settings(tmp_path / "var"), kb_root) as live, live.admin() as http:
        junk = http.post("/admin/kb/import?format=zip", content=b"PK\x03\x04" + os.urandom(4000))
        nested = http.post("/admin/kb/import?format=yaml&filename=places.yaml", content=deep)
        checked = http.post("/admin/kb/validate?format=yaml&filename=places.yaml", content=deep)
        surrogate = http.post(
            "/admin/notices", content=notice, headers={"Content-Type": "application/json"}
        )
        assert live.kb.version == 1

    assert junk.status_code == 422
    assert junk.json()["detail"]["issues"][0]["field"] == "zip"
    assert "not a readable zip archive" in junk.json()["detail"]["message"]
    assert nested.status_code == 422
    assert "nested deeper than 64 levels" in nested.json()["detail"]["message"]
    assert checked.status_code == 200 and checked.json()["ok"] is False
    assert surrogate.status_code == 422
    assert surrogate.json()["detail"][0]["loc"] == ["body", "header_text", "ko"]


def _small_cap(settings: Settings, limit: int) -> Settings:
    return dataclasses.replace(
        settings, http=dataclasses.replace(settings.http, max_upload_bytes=limit)
    )


def test_a_chunked_body_over_the_cap_is_413_on_a_json_route_too(
    kb_root: Path, tmp_path: Path
) -> None:
    """FastAPI turned the overflow inside its JSON body parsing into 400 "error parsing the
    body"; and the client, still sending, must be able to read the answer."""

    def chunks():
        for _ in range(20):
            yield b" " * 8192  # 160 kB of JSON whitespace against a 64 kB cap

    settings = _small_cap(make_settings(tmp_path / "var"), 64_000)
    with live_server(settings, kb_root) as live, live.admin() as http:
        response = http.post(
            "/admin/notices", content=chunks(), headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 413
    assert response.json()["detail"]["code"] == "body-too-large"


def test_a_trailing_slash_is_not_redirected_to_the_host_header(
    kb_root: Path, tmp_path: Path
) -> None:
    with live_server(make_settings(tmp_path / "var"), kb_root) as live, live.client() as http:
        response = http.get("/status/", headers={"Host": "evil.example"})
    assert response.status_code == 404 and "location" not in response.headers


def test_rollback_refuses_when_another_version_serves_than_expected(
    kb_root: Path, tmp_path: Path
) -> None:
    KnowledgeBase(kb_root, None).import_path(kill_import.GANGNAM, actor="pytest")  # version 2
    with live_server(make_settings(tmp_path / "var"), kb_root) as live, live.admin() as http:
        stale = http.post("/admin/kb/rollback?expected=1")
        assert live.kb.version == 2
        done = http.post("/admin/kb/rollback?expected=2")
        again = http.post("/admin/kb/rollback?expected=2")  # a second operator's same click
        assert live.kb.version == 1
        audit = http.get("/admin/audit").json()
    assert stale.status_code == 409
    assert stale.json()["detail"]["code"] == "kb-version-mismatch"
    assert "version 2 serves, not 1" in stale.json()["detail"]["message"]
    assert done.status_code == 200 and done.json() == {"version": 1}
    assert again.status_code == 409
    assert [e["outcome"] for e in audit if e["action"] == "kb.rollback"] == [
        "refused", "ok", "refused",
    ]  # fmt: skip
