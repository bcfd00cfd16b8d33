"""A simulated fleet: N kiosk data folders pull one signed update from a local server.

One machine plays every part. An operator workstation creates keys and a TUF repository,
imports the bundled Seoul data and publishes it as release 1; a static HTTP server on
127.0.0.1 serves the repository; N kiosks (each its own data folder, trusted root, TUF cache
and knowledge base, pulling in parallel threads as N machines would) provision from release 1.
Then the operator changes one operator file and publishes release 2, every kiosk pulls it,
and a last round shows what an idle check costs. The script verifies that all kiosks serve
byte-identical snapshots of the same release, and prints time, bytes and versions per round.

    .venv/bin/python scripts/fleet_sim.py                  # 20 kiosks, bundled data, embedded
    .venv/bin/python scripts/fleet_sim.py --kiosks 50 --json
    .venv/bin/python scripts/fleet_sim.py --no-embed       # faster: FTS-only snapshots

Exit status 1 when the fleet did not converge.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.updates.client import PullResult, UpdateClient, UpdateRejected  # noqa: E402
from kiosk.updates.repository import FileRepository, KeyStore  # noqa: E402
from knowledge.importer import BUNDLED  # noqa: E402
from knowledge.store import KnowledgeBase  # noqa: E402

GANGNAM = BUNDLED / "operator" / "강남.yaml"
PLACEHOLDER = "02-0000-0000"


class CountingHandler(SimpleHTTPRequestHandler):
    """Static files, counting requests and body bytes sent (what the server's link carries)."""

    totals: dict[str, int]
    lock: threading.Lock

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        outputfile.write(data)
        with self.lock:
            self.totals["requests"] += 1
            self.totals["bytes"] += len(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Round:
    name: str
    seconds: float
    statuses: dict[str, int]
    server_requests: int
    server_bytes: int
    client_bytes_total: int
    pull_seconds_median: float
    pull_seconds_max: float
    releases: list[int | None]


def serve(folder: Path) -> tuple[ThreadingHTTPServer, dict[str, int]]:
    totals = {"requests": 0, "bytes": 0}
    handler = type("Handler", (CountingHandler,), {"totals": totals, "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=folder))
    threading.Thread(target=server.serve_forever, name="fleet-http", daemon=True).start()
    return server, totals


def pull_round(name: str, clients: list[UpdateClient], totals: dict[str, int]) -> Round:
    """Every kiosk pulls at once; a refusal is a result here, not a crash of the simulation."""
    totals.update(requests=0, bytes=0)

    def one(client: UpdateClient) -> PullResult | UpdateRejected:
        try:
            return client.pull()
        except UpdateRejected as err:
            return err

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        results = list(pool.map(one, clients))
    seconds = time.perf_counter() - t0
    pulls = [r for r in results if isinstance(r, PullResult)]
    statuses: dict[str, int] = {}
    for r in results:
        key = r.status if isinstance(r, PullResult) else f"refused:{r.reason}"
        statuses[key] = statuses.get(key, 0) + 1
    times = [r.seconds for r in pulls] or [0.0]
    return Round(
        name,
        round(seconds, 2),
        statuses,
        totals["requests"],
        totals["bytes"],
        sum(r.downloaded_bytes for r in pulls),
        round(statistics.median(times), 2),
        round(max(times), 2),
        sorted({r.release for r in pulls}, key=lambda v: v or 0),
    )


def fleet_state(kbs: list[KnowledgeBase]) -> dict[str, Any]:
    """What each kiosk serves: local version, release source, and the snapshot's bytes hash."""
    serving = []
    for kb in kbs:
        status = kb.status()
        entry = next(h for h in status["history"] if h["version"] == status["version"])
        digest = hashlib.sha256((kb.root / "versions" / entry["file"]).read_bytes()).hexdigest()
        serving.append((status["version"], status["source"], digest))
    return {
        "kiosks": len(kbs),
        "distinct_serving": len(set(serving)),
        "versions": sorted({v for v, _, _ in serving}),
        "source": serving[0][1] if serving else None,
        "snapshot_sha256": serving[0][2][:16] if serving else None,
    }


def workstation_release(ws: KnowledgeBase, data: Path | None) -> Path:
    """Import `data` (None: bundled) on the workstation; the new serving snapshot file."""
    report = ws.import_path(data, actor="fleet-sim")
    return ws.root / "versions" / f"v{report.version:06d}.sqlite"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=20, help="fleet size (default 20)")
    parser.add_argument("--no-embed", action="store_true", help="publish FTS-only snapshots")
    parser.add_argument("--workdir", type=Path, help="keep everything here (default: temp)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="fleet-sim-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        figures = simulate(work, args.kiosks, embed=not args.no_embed)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        print_figures(figures)
    return 0 if figures["converged"] else 1


def simulate(work: Path, kiosks: int, *, embed: bool) -> dict[str, Any]:
    embedder = None
    if embed:
        from kiosk.app import build_embedder
        from kiosk.config import Settings

        embedder = build_embedder(Settings())  # the kiosks' default embedder
    repo = FileRepository(work / "repo", KeyStore(work / "keys"))
    repo.init()
    ws = KnowledgeBase(work / "workstation", embedder)
    t0 = time.perf_counter()
    one = repo.publish_snapshot(workstation_release(ws, None), actor="fleet-sim")
    publish_one_s = time.perf_counter() - t0
    server, totals = serve(repo.repo)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    kbs, clients = [], []
    for i in range(kiosks):
        folder = work / f"kiosk-{i + 1:03d}"
        folder.mkdir()
        shutil.copyfile(repo.metadata_dir / "1.root.json", folder / "trusted-root.json")
        kb = KnowledgeBase(folder / "kb", None)
        kbs.append(kb)
        clients.append(UpdateClient(url, folder / "trusted-root.json", folder / "updates", kb))
    try:
        rounds = [pull_round("provision (release 1)", clients, totals)]
        changed = work / "operator-change" / GANGNAM.name
        changed.parent.mkdir()
        changed.write_text(
            GANGNAM.read_text(encoding="utf-8").replace(PLACEHOLDER, "02-6110-2221"), "utf-8"
        )
        t0 = time.perf_counter()
        two = repo.publish_snapshot(workstation_release(ws, changed), actor="fleet-sim")
        publish_two_s = time.perf_counter() - t0
        rounds.append(pull_round("update (release 2)", clients, totals))
        rounds.append(pull_round("idle check", clients, totals))
        state = fleet_state(kbs)
    finally:
        server.shutdown()
        server.server_close()
        for kb in kbs:
            kb.close()
        ws.close()
    return {
        "kiosks": kiosks,
        "embedded": embed,
        "artifacts": {
            "release_1": {"gzip_bytes": one.length, "sqlite_bytes": one.custom["size"]},
            "release_2": {"gzip_bytes": two.length, "sqlite_bytes": two.custom["size"]},
        },
        "publish_seconds": {
            "release_1": round(publish_one_s, 2),
            "release_2": round(publish_two_s, 2),
        },
        "rounds": [asdict(r) for r in rounds],
        "fleet": state,
        "converged": state["distinct_serving"] == 1 and state["source"].startswith("tuf release 2"),
    }


def print_figures(f: dict[str, Any]) -> None:
    mb = 1e6
    print(f"fleet of {f['kiosks']} kiosks, snapshots {'with' if f['embedded'] else 'without'} "
          "embeddings")  # fmt: skip
    for name, a in f["artifacts"].items():
        print(f"  {name}: {a['gzip_bytes'] / mb:.2f} MB gzip ({a['sqlite_bytes'] / mb:.2f} MB "
              f"SQLite), import+sign {f['publish_seconds'][name]:.1f} s")  # fmt: skip
    print(f"{'round':<24}{'wall s':>8}{'median s':>10}{'max s':>8}{'requests':>10}"
          f"{'server MB':>11}{'MB/kiosk':>10}  results")  # fmt: skip
    for r in f["rounds"]:
        per = r["server_bytes"] / f["kiosks"] / mb
        print(f"{r['name']:<24}{r['seconds']:>8.2f}{r['pull_seconds_median']:>10.2f}"
              f"{r['pull_seconds_max']:>8.2f}{r['server_requests']:>10}"
              f"{r['server_bytes'] / mb:>11.2f}{per:>10.3f}  {r['statuses']}")  # fmt: skip
    fleet = f["fleet"]
    print(f"serving: {fleet['distinct_serving']} distinct snapshot(s) across {fleet['kiosks']} "
          f"kiosks; local versions {fleet['versions']}; {fleet['source'][:40]}...; "
          f"sha256 {fleet['snapshot_sha256']}")  # fmt: skip
    print("CONVERGED" if f["converged"] else "NOT CONVERGED")


if __name__ == "__main__":
    sys.exit(main())
