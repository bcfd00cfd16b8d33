"""Snapshot retention and the command line's place in the audit log (#17 low), through
`kiosk kb`: old versions beyond `data.keep_versions` are deleted after an import, never the
serving one or the one a rollback would serve; imports and rollbacks made from the command
line appear in the audit log `/admin/audit` reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.web.admin import AUDIT_FILE, AuditLog
from knowledge.manifest import Manifest
from tests.knowledge.kb_helpers import write_subset

NAMES = ({"강남", "역삼", "선릉"}, {"강남", "선릉"}, {"강남", "역삼"}, {"역삼", "선릉"})


def _kb(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["kb", *argv])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith("{") else {}


def test_old_versions_are_pruned_but_never_the_serving_or_rollback_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("[data]\nkeep_versions = 2\n", encoding="utf-8")
    kb = tmp_path / "var" / "kb"
    flags = ["--kb-dir", str(kb), "--config", str(config), "--json"]
    for n, names in enumerate(NAMES[:3], 1):
        data = write_subset(tmp_path / f"d{n}" / "seoul", names)
        code, report = _kb(capsys, "import", str(data), "--no-embed", *flags)
        assert code == 0 and report["version"] == n
    snapshots = sorted(p.name for p in (kb / "versions").iterdir())
    assert snapshots == ["v000002.sqlite", "v000003.sqlite"]
    code, status = _kb(capsys, "status", *flags)
    assert status["versions"] == [2, 3] and status["version"] == 3
    prune = next(e for e in Manifest(kb).audit() if e["action"] == "prune")
    assert prune["detail"] == {"versions": [1], "keep": 2}

    # Rolled back to 2, then an import: 4 serves and 3, where a rollback goes, stays.
    assert _kb(capsys, "rollback", "--expect", "3", *flags) == (0, {"version": 2})
    data = write_subset(tmp_path / "d4" / "seoul", NAMES[3])
    code, report = _kb(capsys, "import", str(data), "--no-embed", *flags)
    assert code == 0 and report["version"] == 4
    code, status = _kb(capsys, "status", *flags)
    assert status["versions"] == [3, 4] and status["version"] == 4
    assert _kb(capsys, "rollback", *flags) == (0, {"version": 3})

    # However few are kept, an older serving version stays beside the newest.
    assert Manifest(kb).prune(1, "pytest") == []  # 3 serves, 4 is the newest
    assert sorted(p.name for p in (kb / "versions").iterdir()) == [
        "v000003.sqlite", "v000004.sqlite",
    ]  # fmt: skip


def test_command_line_changes_are_in_the_admin_audit_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = tmp_path / "var" / "kb"
    flags = ["--kb-dir", str(kb), "--json"]
    for n, names in enumerate(NAMES[:2], 1):
        data = write_subset(tmp_path / f"d{n}" / "seoul", names)
        assert _kb(capsys, "import", str(data), "--no-embed", "--actor", "kim", *flags)[0] == 0
    assert main(["kb", "rollback", "--expect", "1", "--actor", "lee", *flags]) == 1
    assert "version 2 serves, not 1" in capsys.readouterr().err
    assert _kb(capsys, "rollback", "--expect", "2", "--actor", "lee", *flags)[0] == 0

    entries = AuditLog(tmp_path / "var" / AUDIT_FILE).tail(10)  # what /admin/audit returns
    seen = [(e["action"], e["who"]["operator"], e["outcome"]) for e in reversed(entries)]
    assert seen == [
        ("kb.import", "kim", "ok"),
        ("kb.import", "kim", "ok"),
        ("kb.rollback", "lee", "refused"),
        ("kb.rollback", "lee", "ok"),
    ]
    assert entries[0]["who"]["token"] == "cli" and entries[0]["detail"] == {"version": 1}
    assert entries[1]["detail"] == {"code": "kb-version-mismatch"}
