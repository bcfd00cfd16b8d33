"""SIGKILL at random points of an import, 30 times: the KB always opens old-or-new and intact.

The rounds run in `scripts/kill_import.py` (a single-threaded process that forks each import,
so the random delay covers the import itself); the long run is the same script with more
rounds. Each round's checks (integrity of the manifest and the serving snapshot, old or new
content, no leftovers after open) are made by the script; this test reads its report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.kit.paths import REPO as ROOT

ROUNDS = 30


def test_killed_imports_always_leave_a_consistent_kb_serving_old_or_new() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "kill_import.py"),
            "--rounds",
            str(ROUNDS),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print("kill_import:", {k: v for k, v in report.items() if k != "delays_s"})
    assert report["problems"] == []
    assert report["rounds"] == ROUNDS
    assert set(report["outcomes"]) <= {"old", "new"}
    # The random delays really hit both sides of the publish, and killed imports mid-build
    # (their temp files were found and removed when the KB was next opened).
    assert report["outcomes"].get("old", 0) >= 1 and report["outcomes"].get("new", 0) >= 1
    assert report["leftovers_cleaned"] > 0
    assert done.returncode == 0


def test_stale_temp_files_are_removed_when_the_kb_is_opened(kb_root: Path) -> None:
    from knowledge.store import KnowledgeBase

    versions = kb_root / "versions"
    (versions / ".tmp-12345-abcd.sqlite").write_bytes(b"half a snapshot")
    (versions / ".tmp-12345-abcd.sqlite-wal").write_bytes(b"")
    (versions / "v000002.sqlite").write_bytes(b"renamed but never published")
    kb = KnowledgeBase.open(kb_root, None)
    assert kb.version == 1
    kb.close()
    assert sorted(p.name for p in versions.iterdir()) == ["v000001.sqlite"]
