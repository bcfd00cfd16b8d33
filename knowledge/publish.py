"""Building a new version from source files and publishing it: what `kb import` and
`kb reembed` share (the store holds the import lock around it)."""

from __future__ import annotations

import time

from knowledge import db, importer
from knowledge.builder import build_snapshot
from knowledge.embeddings import Embedder
from knowledge.errors import ImportRejected, KnowledgeError
from knowledge.manifest import Manifest
from knowledge.records import ImportReport
from knowledge.serving import layering_base


def build_and_publish(
    manifest: Manifest,
    embedder: Embedder | None,
    new: dict[str, bytes],
    source: str,
    actor: str,
    t0: float,
) -> ImportReport:
    """`new` files layered on the serving version's, validated, built with `embedder`'s vectors
    (only its own earlier or shipped vectors are reused) and published; `t0` started the clock."""
    cur = layering_base(manifest)  # the serving version, unless it is unreadable
    sources = importer.merge(importer.previous_sources(cur[1] if cur else None), new)
    notices = {k: v for k, v in new.items() if k.startswith("notices/")}
    ds = importer.parse(sources, notices)
    if ds.issues:
        raise ImportRejected(ds.issues)
    version = manifest.next_version()
    tmp = manifest.temp_path()
    try:
        counts = build_snapshot(ds, tmp, sources, embedder, cur[1] if cur else None)
        seconds = time.perf_counter() - t0
        counts["notices"] = len(ds.notices)
        manifest.publish(
            tmp,
            version,
            actor=actor,
            source=source,
            counts=counts,
            embed_model=embedder.model_id if embedder else "",
            seconds=round(seconds, 2),
            notices=ds.notices,
        )
    except (OSError, db.sqlite.Error) as err:
        # A full disk or a write error: the manifest still names the old version (the
        # publish transaction rolled back), so it keeps serving; say so plainly.
        raise KnowledgeError(
            "kb-write-failed",
            f"could not write version {version} under {manifest.root}: {err} "
            f"(disk full?); version {cur[0] if cur else '-'} keeps serving",
        ) from err
    finally:
        tmp.unlink(missing_ok=True)
    embedded, reused = counts.pop("embedded"), counts.pop("reused_embeddings")
    return ImportReport(version, cur[0] if cur else None, counts, seconds, embedded, reused, source)
