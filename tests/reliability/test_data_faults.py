"""Bad operator data is refused with file:line, and the serving version does not move.

Each case writes one faulty file into an upload folder, imports it into a copy of the bundled
KB, and checks three things: the import raises `ImportRejected` naming the file and line, the
version number is the same, and the kiosk's answers to probe questions are identical.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import publish
from knowledge.errors import ImportRejected, KnowledgeError
from knowledge.importer import BUNDLED, MAX_YAML_BYTES
from knowledge.store import KnowledgeBase
from tests.reliability.kbcheck import Fingerprint, consistency_problems, fingerprint, leftovers

GANGNAM = (BUNDLED / "operator" / "강남.yaml").read_text(encoding="utf-8")
STATIONS = (BUNDLED / "seoul" / "stations.csv").read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def malformed_yaml(folder: Path) -> tuple[str, int]:
    text = GANGNAM.replace('  - number: "10"\n', '  - number: "10\n')  # unterminated quote
    (folder / "강남.yaml").write_text(text, encoding="utf-8")
    # The quote swallows the line end; the parser notices at the next key.
    return "강남.yaml", _line_of(text, 'ko: "예시: 버스')


def duplicate_yaml_key(folder: Path) -> tuple[str, int]:
    # A second `phone:` section: YAML would silently keep only the last one.
    text = GANGNAM + 'phone:\n  - source: "https://example.org"\n    text: {ko: "02-9999-9999"}\n'
    (folder / "강남.yaml").write_text(text, encoding="utf-8")
    return "강남.yaml", text.count("\n") - 2


def duplicate_nested_key(folder: Path) -> tuple[str, int]:
    text = GANGNAM.replace(
        '      en: "Example: toward the bus stops"\n',
        '      en: "Example: toward the bus stops"\n      en: "Exit 99 is open"\n',
    )
    (folder / "강남.yaml").write_text(text, encoding="utf-8")
    return "강남.yaml", _line_of(text, 'en: "Exit 99')


def truncated_yaml(folder: Path) -> tuple[str, int]:
    cut = GANGNAM.index('ko: "예시: 02-0000') + 12  # mid-value, inside the quotes
    (folder / "강남.yaml").write_text(GANGNAM[:cut], encoding="utf-8")
    return "강남.yaml", GANGNAM[:cut].count("\n") + 1


def cp949_yaml(folder: Path) -> tuple[str, int]:
    (folder / "강남.yaml").write_bytes(GANGNAM.encode("cp949"))
    # The first byte that is not valid UTF-8 is the first Hangul, in the header comment.
    return "강남.yaml", 1


def oversized_yaml(folder: Path) -> tuple[str, int]:
    padding = "# " + "x" * 98 + "\n"
    text = GANGNAM + padding * (MAX_YAML_BYTES // len(padding) + 1)
    (folder / "강남.yaml").write_text(text, encoding="utf-8")
    return "강남.yaml", 1


def _seoul_folder(folder: Path, stations: bytes) -> None:
    seoul = folder / "seoul"
    shutil.copytree(BUNDLED / "seoul", seoul)
    (seoul / "stations.csv").write_bytes(stations)


def truncated_csv(folder: Path) -> tuple[str, int]:
    lines = STATIONS.splitlines(keepends=True)
    keep = len(lines) // 2
    last = lines[keep]
    cut = "".join(lines[:keep]) + last[: last.index(",", last.index(",") + 1) + 3]
    _seoul_folder(folder, cut.encode("utf-8"))
    return "stations.csv", keep + 1


def malformed_csv(folder: Path) -> tuple[str, int]:
    lines = STATIONS.splitlines(keepends=True)
    lines[10] = lines[10].rstrip("\n") + ',"unclosed\n'
    _seoul_folder(folder, "".join(lines).encode("utf-8"))
    return "stations.csv", 11


def cp949_csv(folder: Path) -> tuple[str, int]:
    data = STATIONS.encode("cp949", errors="replace")
    _seoul_folder(folder, data)
    first_hangul = next(i for i, line in enumerate(STATIONS.splitlines(), 1) if not line.isascii())
    return "stations.csv", first_hangul


def duplicate_csv_row(folder: Path) -> tuple[str, int]:
    lines = STATIONS.splitlines(keepends=True)
    _seoul_folder(folder, "".join([*lines, lines[5]]).encode("utf-8"))
    return "stations.csv", len(lines) + 1


def nul_bytes_csv(folder: Path) -> tuple[str, int]:
    lines = STATIONS.splitlines(keepends=True)
    lines[20] = lines[20].replace(",", ",\x00", 1)
    _seoul_folder(folder, "".join(lines).encode("utf-8"))
    return "stations.csv", 21


FAULTS: dict[str, Callable[[Path], tuple[str, int]]] = {
    f.__name__: f
    for f in (
        malformed_yaml,
        duplicate_yaml_key,
        duplicate_nested_key,
        truncated_yaml,
        cp949_yaml,
        oversized_yaml,
        truncated_csv,
        malformed_csv,
        cp949_csv,
        duplicate_csv_row,
        nul_bytes_csv,
    )
}


@pytest.mark.parametrize("fault", FAULTS)
def test_bad_file_is_rejected_with_file_and_line_and_nothing_changes(
    fault: str, kb_root: Path, tmp_path: Path, template_fingerprint: Fingerprint
) -> None:
    upload = tmp_path / "upload"
    upload.mkdir()
    name, line = FAULTS[fault](upload)

    kb = KnowledgeBase(kb_root, None)
    with pytest.raises(ImportRejected) as caught:
        kb.import_path(upload, actor="pytest")
    kb.close()

    where = [(i.file, i.line) for i in caught.value.issues]
    assert (name, line) in where, f"{fault}: expected {name}:{line} in {caught.value}"
    assert f"{name}:{line}:" in str(caught.value)
    assert fingerprint(kb_root) == template_fingerprint
    assert leftovers(kb_root) == []


def test_validate_reports_the_same_issue_without_publishing(kb_root: Path, tmp_path: Path):
    upload = tmp_path / "upload"
    upload.mkdir()
    name, line = duplicate_yaml_key(upload)
    kb = KnowledgeBase.open(kb_root, None)
    report = kb.validate(upload)
    assert not report.ok
    assert any((i.file, i.line) == (name, line) for i in report.issues)
    assert kb.version == 1
    kb.close()


def test_a_good_import_after_the_faults_still_publishes(kb_root: Path, tmp_path: Path):
    """The refusals left no lock, temp file or half state behind that blocks the next import."""
    for fault in ("cp949_yaml", "truncated_csv"):
        folder = tmp_path / fault
        folder.mkdir()
        FAULTS[fault](folder)
        with pytest.raises(ImportRejected):
            KnowledgeBase(kb_root, None).import_path(folder)
    good = tmp_path / "good"
    good.mkdir()
    (good / "강남.yaml").write_text(GANGNAM.replace("02-0000-0000", "02-0000-0001"), "utf-8")
    report = KnowledgeBase(kb_root, None).import_path(good, actor="pytest")
    assert report.version == 2
    assert "02-0000-0001" in fingerprint(kb_root).phone[0]


# -- a full disk ---------------------------------------------------------------------------------


def _variant(folder: Path) -> Path:
    folder.mkdir()
    (folder / "강남.yaml").write_text(GANGNAM.replace("02-0000-0000", "02-0000-0002"), "utf-8")
    return folder


def _check_disk_full_is_reported(root: Path, upload: Path) -> None:
    before = fingerprint(root)
    kb = KnowledgeBase.open(root, None)
    with pytest.raises(KnowledgeError) as caught:
        kb.import_path(upload, actor="pytest")
    assert caught.value.code == "kb-write-failed"
    assert "disk full" in caught.value.message and "keeps serving" in caught.value.message
    # The same process keeps answering from the old version.
    assert kb.version == before.version
    assert kb.resolve_station("강남")
    kb.close()
    assert fingerprint(root) == before
    assert consistency_problems(root) == []


def test_disk_full_during_import_is_reported_and_the_old_version_serves(
    kb_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC injected at the snapshot writer, after it has written part of the file."""
    real_build = publish.build_snapshot

    def build_then_fail(ds, target, *args, **kwargs):
        real_build(ds, target, *args, **kwargs)
        with target.open("ab") as fh:  # the file exists and is half-useful, then the disk fills
            fh.write(b"\0" * 4096)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(publish, "build_snapshot", build_then_fail)
    _check_disk_full_is_reported(kb_root, _variant(tmp_path / "upload"))


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Path:
    """A real 14 MB tmpfs: one snapshot (about 10 MB) fits, a second does not."""
    mount = tmp_path / f"tmpfs-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=14m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_real_full_disk_during_import_is_reported(
    kb_template: Path, tiny_disk: Path, tmp_path: Path
) -> None:
    root = Path(shutil.copytree(kb_template, tiny_disk / "kb"))
    _check_disk_full_is_reported(root, _variant(tmp_path / "upload"))
