"""A GTFS zip that unpacks far past the size limit is refused before it is read (#17.9),
through `kiosk kb import`; the serving version stays."""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from kiosk.cli import main
from knowledge import importer
from tests.knowledge.kb_helpers import write_subset

LIMIT = 1_000_000


def _bomb(path: Path, members: dict[str, int]) -> Path:
    """A zip of members of the given sizes (a repeated byte compresses ~1000:1)."""
    block = b"0" * 100_000
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, size in members.items():
            with zf.open(name, "w", force_zip64=True) as fh:
                for _ in range(size // len(block)):
                    fh.write(block)
    return path


@pytest.fixture
def kb(tmp_path: Path, capsys) -> Path:
    kb = tmp_path / "kb"
    data = write_subset(tmp_path / "seoul")
    assert main(["kb", "--kb-dir", str(kb), "import", str(data), "--no-embed", "--json"]) == 0
    capsys.readouterr()
    return kb


@pytest.mark.parametrize(
    "members",
    [{"stops.txt": 50_000_000}, {"stops.txt": 600_000, "stop_times.txt": 600_000}],
    ids=["one-huge-member", "members-over-the-budget-together"],
)
def test_a_zip_bomb_is_refused_without_unpacking_it(
    kb: Path, tmp_path: Path, capsys, monkeypatch, members: dict[str, int]
) -> None:
    monkeypatch.setattr(importer, "MAX_DATA_BYTES", LIMIT)
    bomb = _bomb(tmp_path / "feed.zip", members)
    assert bomb.stat().st_size < 200_000
    tracemalloc.start()
    try:
        code = main(["kb", "--kb-dir", str(kb), "import", str(bomb), "--no-embed", "--json"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and not report["ok"], report
    assert "unpacks to more than" in json.dumps(report)
    assert peak < 10 * LIMIT  # never the 50 MB: the read stops at the limit
    code = main(["kb", "status", "--kb-dir", str(kb), "--json"])
    assert json.loads(capsys.readouterr().out)["version"] == 1  # still serving
