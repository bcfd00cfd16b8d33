"""`kiosk kb` subcommands through the real argument parser (FTS-only to stay fast)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.kb import add_kb_commands
from tests.knowledge.kb_helpers import write_subset


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if "--json" in argv else out


def test_import_status_validate_diff_rollback_search(tmp_path: Path, capsys) -> None:
    kb = str(tmp_path / "kb")
    data = write_subset(tmp_path / "d1" / "seoul")
    code, rep = run(capsys, "kb", "--kb-dir", kb, "import", str(data), "--no-embed", "--json")
    assert code == 0 and rep["version"] == 1 and rep["counts"]["stations"] > 0
    code, st = run(capsys, "kb", "status", "--kb-dir", kb, "--json")
    assert st["version"] == 1 and st["counts"]["edges"] > 0 and st["imported_by"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: kiosk-operator/1\nstation: 강남\nid: Bad Slug\n", encoding="utf-8")
    code, val = run(capsys, "kb", "--kb-dir", kb, "validate", str(bad), "--json")
    assert code == 1 and val["issues"][0]["line"] == 3 and val["issues"][0]["field"] == "id"
    code, rej = run(capsys, "kb", "--kb-dir", kb, "import", str(bad), "--no-embed", "--json")
    assert code == 1 and not rej["ok"]
    data2 = write_subset(tmp_path / "d2" / "seoul", {"강남", "선릉"})
    assert run(capsys, "kb", "--kb-dir", kb, "import", str(data2), "--no-embed", "--json")[0] == 0
    code, diff = run(capsys, "kb", "--kb-dir", kb, "diff", "--json")
    assert diff["from"] == 1 and diff["to"] == 2 and "seoul/stations.csv" in diff["files_changed"]
    code, rb = run(capsys, "kb", "--kb-dir", kb, "rollback", "--json")
    assert rb == {"version": 1}
    args = ("search", "엘리베이터", "--station", "Gangnam", "--json")
    code, hits = run(capsys, "kb", "--kb-dir", kb, *args)
    assert hits and all(h["station"] == "강남" for h in hits)


def test_every_subcommand_has_help_and_json() -> None:
    parser = argparse.ArgumentParser()
    add_kb_commands(parser.add_subparsers())
    for cmd in ("import", "validate", "status", "diff", "rollback", "reembed", "search"):
        extra = ["x"] if cmd in ("validate", "search") else []
        ns = parser.parse_args(["kb", cmd, *extra, "--json"])
        assert ns.json is True and callable(ns.func)
