"""Crash-safety check: SIGKILL a knowledge-base import at random points, many times over.

Each round starts a child process that imports an operator file into the KB folder and kills
it with SIGKILL after a random delay (anywhere from "still starting" to "already published").
After each kill the KB is opened as the kiosk opens it and must: serve either the old or the
new version (never a mix), pass `PRAGMA integrity_check` on the manifest and the serving
snapshot, and have no temp or orphaned snapshot files left (they are cleaned at open).

    .venv/bin/python scripts/kill_import.py --rounds 300            # the long run
    .venv/bin/python scripts/kill_import.py --rounds 30 --json      # what CI runs
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import db  # noqa: E402
from knowledge.importer import BUNDLED  # noqa: E402
from knowledge.manifest import TMP_PREFIX  # noqa: E402
from knowledge.store import KnowledgeBase  # noqa: E402

GANGNAM = BUNDLED / "operator" / "강남.yaml"
PLACEHOLDER = "02-0000-0000"


@dataclass
class Round:
    delay_s: float
    before: int
    after: int
    outcome: str
    """old (killed before publishing), new (published), or a problem description."""
    removed: list[str] = field(default_factory=list)


@dataclass
class KillReport:
    rounds: list[Round]
    import_seconds: float
    problems: list[str]

    @property
    def outcomes(self) -> dict[str, int]:
        return dict(Counter(r.outcome for r in self.rounds))

    def as_json(self) -> dict[str, object]:
        return {
            "rounds": len(self.rounds),
            "import_seconds": round(self.import_seconds, 2),
            "outcomes": self.outcomes,
            "leftovers_cleaned": sum(len(r.removed) for r in self.rounds),
            "delays_s": sorted(round(r.delay_s, 3) for r in self.rounds),
            "problems": self.problems,
        }


SUBSET = {"강남", "역삼", "교대", "사당", "선릉", "잠실", "신논현", "양재"}


def write_subset(folder: Path, names: set[str] = SUBSET) -> Path:
    """Real rows of the bundled CSVs for a few stations: an import of a tenth of a second, so
    many kill points fit in a CI run (what is tested does not depend on the data size)."""
    seoul = BUNDLED / "seoul"
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(csv.DictReader((seoul / "stations.csv").open(encoding="utf-8")))
    keep = [r for r in rows if r["name_ko"] in names]
    codes = {r["station_cd"] for r in keep}
    edges = [
        r
        for r in csv.DictReader((seoul / "edges.csv").open(encoding="utf-8"))
        if r["from_station_cd"] in codes and r["to_station_cd"] in codes
    ]
    for name, table in (("stations.csv", keep), ("edges.csv", edges)):
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
        (folder / name).write_text(buf.getvalue(), encoding="utf-8")
    return folder


def write_variant(folder: Path, n: int) -> str:
    """An operator upload whose phone text says which round wrote it."""
    phone = f"02-0000-{n:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    text = GANGNAM.read_text(encoding="utf-8").replace(PLACEHOLDER, phone)
    (folder / "강남.yaml").write_text(text, encoding="utf-8")
    return phone


def _fork_import(root: Path, upload: Path) -> int:
    """Fork a child that imports `upload` into `root` and exits; returns its pid.

    Forking (instead of starting a new interpreter) keeps each round to the import itself, so
    the random delay covers the import and not Python's start-up. This process is
    single-threaded and holds no KB connection when it forks.
    """
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        code = 0
        try:
            KnowledgeBase(root, None).import_path(upload, actor="kill-test")
        except BaseException:
            code = 1
        os._exit(code)
    return pid


def _integrity(path: Path) -> list[str]:
    conn = db.connect(path, readonly=True)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def _phone(kb: KnowledgeBase) -> str:
    facts = kb.operator_facts("강남").phone
    return facts[0].text if facts else ""


def inspect(root: Path, checked: set[int]) -> tuple[int, str, list[str], list[str]]:
    """Open like the kiosk; (version, phone text, files removed at open, problems)."""
    stale = {p.name for p in (root / "versions").iterdir()}
    kb = KnowledgeBase.open(root, None)
    try:
        version, phone = kb.version, _phone(kb)
        known = {f"v{v:06d}.sqlite" for v in kb.status()["versions"]}
    finally:
        kb.close()
    left = {p.name for p in (root / "versions").iterdir()}
    problems = [f"leftover {n}" for n in sorted(left) if n.startswith(TMP_PREFIX) or n not in known]
    if (r := _integrity(root / "manifest.sqlite")) != ["ok"]:
        problems.append(f"manifest integrity: {r[:3]}")
    if version not in checked:  # a snapshot never changes once published: check it once
        if (r := _integrity(root / "versions" / f"v{version:06d}.sqlite")) != ["ok"]:
            problems.append(f"v{version} integrity: {r[:3]}")
        checked.add(version)
    return version, phone, sorted(stale - left), problems


def kill_rounds(root: Path, rounds: int, *, seed: int = 8, work: Path | None = None) -> KillReport:
    """`rounds` imports into `root`, each SIGKILLed after a random delay; checks after each."""
    rng = random.Random(seed)
    work = work or Path(tempfile.mkdtemp(prefix="kill-import-"))
    checked: set[int] = set()
    if threading.active_count() > 1:
        raise RuntimeError("kill_rounds forks: run it in a single-threaded process")
    # One import run to the end measures how long an import takes on this machine.
    write_variant(work / "u0", 0)
    t0 = time.perf_counter()
    _, status = os.waitpid(_fork_import(root, work / "u0"), 0)
    import_s = time.perf_counter() - t0
    if status != 0:
        raise RuntimeError("the unkilled import failed")
    version, phone, _, problems = inspect(root, checked)
    done: list[Round] = []
    for n in range(1, rounds + 1):
        upload = work / f"u{n}"
        new_phone = write_variant(upload, n)
        delay = rng.uniform(0.0, import_s * 1.5)
        pid = _fork_import(root, upload)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        after, after_phone, removed, found = inspect(root, checked)
        if after == version and after_phone == phone:
            outcome = "old"
        elif after == version + 1 and new_phone in after_phone:
            outcome = "new"
        else:
            outcome = "inconsistent"
            found.append(f"round {n}: v{version}->{after}, phone {after_phone!r}")
        problems.extend(f"round {n}: {p}" for p in found)
        done.append(Round(delay, version, after, outcome, removed))
        version, phone = after, after_phone
        shutil.rmtree(upload, ignore_errors=True)
    return KillReport(done, import_s, problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--full", action="store_true", help="start from the whole bundled data (slower rounds)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kill-import-") as tmp:
        root = Path(tmp) / "kb"
        base = None if args.full else write_subset(Path(tmp) / "subset")
        KnowledgeBase(root, None).import_path(base, actor="kill-test")
        report = kill_rounds(root, args.rounds, seed=args.seed, work=Path(tmp) / "work")
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print(
            f"{len(report.rounds)} SIGKILLs (import takes {report.import_seconds:.2f} s): "
            f"{report.outcomes}; leftovers cleaned at open: "
            f"{sum(len(r.removed) for r in report.rounds)}; problems: {len(report.problems)}"
        )
        for problem in report.problems[:10]:
            print("  " + problem)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
