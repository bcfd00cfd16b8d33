"""Building a new version from source files and publishing it: what `kb import` and
`kb reembed` share (the store holds the import lock around it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from knowledge import db, importer
from knowledge.builder import build_snapshot
from knowledge.embeddings import Embedder
from knowledge.errors import ImportRejected, KnowledgeError
from knowledge.manifest import Manifest
from knowledge.records import ImportReport
from knowledge.serving import layering_base


@contextmanager
def writing_version(manifest: Manifest, version: int, serving: int | None) -> Iterator[Path]:
    """A temporary path for `version`'s snapshot, removed afterwards. A full disk or a write
    error becomes `kb-write-failed`: the manifest still names the old version (the publish
    transaction rolled back), so it keeps serving; the error says so plainly."""
    tmp = manifest.temp_path()
    try:
        yield tmp
    except (OSError, db.sqlite.Error) as err:
        raise KnowledgeError(
            "kb-write-failed",
            f"could not write version {version} under {manifest.root}: {err} "
            f"(disk full?); version {serving if serving is not None else '-'} keeps serving",
        ) from err
    finally:
        tmp.unlink(missing_ok=True)


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
    with writing_version(manifest, version, cur[0] if cur else None) as tmp:
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
    embedded, reused = counts.pop("embedded"), counts.pop("reused_embeddings")
    return ImportReport(version, cur[0] if cur else None, counts, seconds, embedded, reused, source)
