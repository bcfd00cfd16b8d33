"""`kiosk serve` with no readable knowledge-base version (#17.3): it starts degraded, not in a
crash loop; `/readyz` says why; the admin API stays up and an operator's import brings the
kiosk to serving without a restart."""

from __future__ import annotations

from pathlib import Path

from knowledge.store import KnowledgeBase
from tests.reliability.conftest import kill_import
from tests.reliability.serve_process import kiosk_serve, write_config


def test_serve_starts_degraded_and_an_operator_import_brings_it_back(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    subset = kill_import.write_subset(tmp_path / "data" / "seoul")
    KnowledgeBase(data_dir / "kb", None).import_path(subset, actor="pytest")
    snapshot = data_dir / "kb" / "versions" / "v000001.sqlite"
    snapshot.write_bytes(b"\x00" * snapshot.stat().st_size)  # the only version, unreadable

    config = write_config(tmp_path / "kiosk.toml")
    with kiosk_serve(config, data_dir) as served, served.admin() as http:

        def kb_state() -> dict:
            return http.get("/readyz").json()["components"]["knowledge_base"]

        assert served.wait_for(lambda: kb_state().get("code") != "starting")
        ready = http.get("/readyz")
        assert ready.status_code == 503
        reason = ready.json()["failing"]["knowledge_base"]
        assert reason["code"] == "kb-unreadable" and "import" in reason["detail"]
        assert http.get("/livez").status_code == 200
        status = http.get("/admin/status")
        assert status.status_code == 200 and status.json()["problem"]["code"] == "kb-unreadable"
        rollback = http.post("/admin/kb/rollback")
        assert rollback.status_code == 409  # refused with a reason, not a 500
        assert rollback.json()["detail"]["code"] == "kb-no-previous"

        upload = (subset / "stations.csv").read_bytes()
        imported = http.post("/admin/kb/import?format=csv&filename=stations.csv", content=upload)
        assert imported.status_code == 200, imported.text

        assert served.wait_for(lambda: kb_state()["ok"] and http.get("/readyz").json()[
            "components"]["models"]["ok"]), "".join(served.log[-20:])  # fmt: skip
        assert http.get("/status").json()["versions"]["kb"] == 2
    assert not any("Traceback" in line for line in served.log), "".join(served.log)
