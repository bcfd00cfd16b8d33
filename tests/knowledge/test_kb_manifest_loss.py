"""A lost manifest never costs the operator's snapshots (#17, item 1), through `kiosk kb`.

It once made the next start delete every snapshot as "leftovers of an interrupted import",
re-import the bundled data as version 1 and report ready, while notices posted in between
went into a deleted file."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from kiosk.cli import main
from knowledge.manifest import Manifest, ManifestMissing
from tests.knowledge.kb_helpers import write_subset


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def _two_versions(tmp_path: Path, capsys) -> Path:
    kb = tmp_path / "kb"
    for n, names in ((1, {"강남", "역삼", "선릉"}), (2, {"강남", "선릉"})):
        data = write_subset(tmp_path / f"d{n}" / "seoul", names)
        code, rep = run(
            capsys, "kb", "--kb-dir", str(kb), "import", str(data), "--no-embed", "--json"
        )
        assert code == 0 and rep["version"] == n
    return kb


def test_a_deleted_manifest_is_rebuilt_from_the_snapshots(tmp_path: Path, capsys) -> None:
    kb = _two_versions(tmp_path, capsys)
    snapshots = sorted(p.name for p in (kb / "versions").iterdir())
    for path in kb.glob("manifest.sqlite*"):
        path.unlink()
    code, status = run(capsys, "kb", "status", "--kb-dir", str(kb), "--json")
    assert code == 0 and status["version"] == 2  # the newest serves, not a fresh version 1
    assert sorted(p.name for p in (kb / "versions").iterdir()) == snapshots  # nothing deleted
    code, back = run(capsys, "kb", "--kb-dir", str(kb), "rollback", "--json")
    assert code == 0 and back == {"version": 1}  # the history is there to roll back through
    audit = Manifest(kb).audit()
    assert any(entry["action"] == "manifest-recovered" for entry in audit)


def test_nothing_is_written_into_a_manifest_deleted_under_the_kiosk(tmp_path: Path, capsys) -> None:
    kb = _two_versions(tmp_path, capsys)
    manifest = Manifest(kb)
    for path in kb.glob("manifest.sqlite*"):
        path.unlink()
    notice = {"id": "elevator-1", "text": {"ko": "엘리베이터 점검"}}
    with pytest.raises(ManifestMissing) as err:
        manifest.add_notice(notice, "operator")
    assert err.value.code == "kb-manifest-missing"
    with pytest.raises(ManifestMissing):
        manifest.set_current(1, "operator", "rollback")


def test_cleanup_removes_an_unpublished_import_but_keeps_older_unknown_snapshots(
    tmp_path: Path, capsys
) -> None:
    kb = _two_versions(tmp_path, capsys)
    versions = kb / "versions"
    (versions / "v000003.sqlite").write_bytes((versions / "v000002.sqlite").read_bytes())
    stray = versions / "v000000.sqlite"  # older than every known version: someone's data
    stray.write_bytes(b"")
    removed = Manifest(kb).cleanup()
    assert removed == ["v000003.sqlite"]
    assert stray.exists() and (versions / "v000001.sqlite").exists()


@pytest.mark.parametrize("damage", ["missing", "random bytes"])
def test_a_damaged_serving_snapshot_falls_back_to_the_last_good_one(
    tmp_path: Path, capsys, damage: str
) -> None:
    """A missing or corrupted serving snapshot made `kiosk serve` crash-loop at start or fail
    every turn (#17.2, #17.3): the newest whole version serves instead, audited."""
    kb = _two_versions(tmp_path, capsys)
    serving = kb / "versions" / "v000002.sqlite"
    if damage == "missing":
        serving.unlink()
    else:
        data = bytearray(serving.read_bytes())
        data[4096 : 4096 + 65536] = bytes(range(256)) * 256  # pages overwritten
        serving.write_bytes(bytes(data))
    code, status = run(capsys, "kb", "status", "--kb-dir", str(kb), "--json")
    assert code == 0 and status["version"] == 1
    assert any(e["action"] == "auto-rollback" for e in Manifest(kb).audit())
    code = main(["ask", "Which lines stop at 강남?", "--kb-dir", str(kb), "--no-llm", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["outcome"] == "answered"


def test_a_corrupt_manifest_is_kept_aside_and_rebuilt_not_a_traceback(
    tmp_path: Path, capsys
) -> None:
    """Random bytes in manifest.sqlite made every command, `kiosk serve` included, exit with a
    traceback (#17.3): the damaged file is kept for an engineer, the history rebuilt."""
    kb = _two_versions(tmp_path, capsys)
    gc.collect()  # the imports' connections close, as when the kiosk has stopped
    for wal in kb.glob("manifest.sqlite-*"):  # a clean stop leaves all in the main file
        wal.unlink()
    (kb / "manifest.sqlite").write_bytes(bytes(range(256)) * 96)
    code = main(["ask", "Which lines stop at 강남?", "--kb-dir", str(kb), "--no-llm", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["outcome"] == "answered"
    kept = sorted(p.name for p in kb.glob("manifest.sqlite.damaged-*"))
    assert len(kept) == 1
    recovered = next(e for e in Manifest(kb).audit() if e["action"] == "manifest-recovered")
    assert recovered["detail"] == {"versions": [1, 2], "damaged_copy": kept[0]}


def test_with_no_readable_version_the_cli_says_so_in_one_line(tmp_path: Path, capsys) -> None:
    kb = _two_versions(tmp_path, capsys)
    for snapshot in (kb / "versions").iterdir():
        snapshot.write_bytes(b"\x00" * snapshot.stat().st_size)
    code, status = run(capsys, "kb", "status", "--kb-dir", str(kb), "--json")
    assert code == 1 and status["serving"] is False
    assert status["problem"]["code"] == "kb-unreadable"
    assert main(["kb", "status", "--kb-dir", str(kb)]) == 1
    out = capsys.readouterr()
    assert "NOT SERVING: no readable knowledge version" in out.out
    assert main(["ask", "Which lines stop at 강남?", "--kb-dir", str(kb), "--no-llm"]) == 1
    err = capsys.readouterr().err
    assert "kiosk: no readable knowledge version" in err and "Traceback" not in err
