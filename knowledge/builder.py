"""Build one immutable snapshot file from a validated Dataset.

Numbered migrations create the schema in a temp file; rows, passages and vectors are written;
the file is integrity-checked, switched to a single-file journal, fsynced and only then renamed
into place by the store. Embeddings of texts already embedded by the previous snapshot with the
same model, or shipped for the bundled data (`knowledge/data/embeddings/`), are copied, not
recomputed: imports cost only the new or changed passages.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from pathlib import Path

import numpy as np

import languages
from knowledge import db
from knowledge.bitindex import sign_bits
from knowledge.dataset import Dataset, complex_names, contested_names, group_complexes
from knowledge.embeddings import Embedder, precomputed_vectors, text_hash
from knowledge.errors import KnowledgeError
from knowledge.name_forms import generate_aliases

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations" / "snapshot"
EMBED_CHARS = 80
"""Embedding cost grows with text length (~1 ms per Hangul character on 2 cores), so each fact is
embedded by the first 80 characters of its Korean text: the station, line, kind and the gist."""


def apply_migrations(conn, folder: Path, dim: int) -> int:
    """Run NNNN_*.sql files above PRAGMA user_version, in order; returns the new version."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    last = current
    for path in sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        number = int(path.name[:4])
        if number <= current:
            continue
        sql = path.read_text(encoding="utf-8").replace("${EMBED_DIM}", str(dim))
        conn.executescript(sql)
        conn.execute(f"PRAGMA user_version = {number}")
        last = number
    return last


def embed_text(texts: dict[str, str]) -> str:
    return (texts.get("ko") or next(iter(texts.values())))[:EMBED_CHARS]


def build_snapshot(
    ds: Dataset,
    target: Path,
    sources: dict[str, bytes],
    embedder: Embedder | None,
    previous: Path | None,
) -> dict[str, int]:
    """Write the snapshot to `target` (a temp path the caller renames); returns counts."""
    t0 = time.perf_counter()
    dim = embedder.dim if embedder else 384
    conn = db.connect(target)
    try:
        apply_migrations(conn, MIGRATIONS, dim)
        with conn:
            counts = _write_rows(conn, ds, sources)
            embedded, reused = _write_vectors(conn, embedder, previous)
            conn.execute(
                "INSERT INTO meta VALUES ('embed_model', ?), ('built_at', ?)",
                (embedder.model_id if embedder else "", time.strftime("%Y-%m-%dT%H:%M:%S%z")),
            )
        problems = conn.execute("PRAGMA integrity_check").fetchall()
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems != [("ok",)] or fk:
            raise KnowledgeError(
                "kb-build-corrupt", f"snapshot check failed: {problems[:3]} {fk[:3]}"
            )
        conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    finally:
        conn.close()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    counts.update(embedded=embedded, reused_embeddings=reused)
    logger.info(
        "snapshot built in %.1f s (%d embedded, %d reused)",
        time.perf_counter() - t0,
        embedded,
        reused,
    )
    return counts


def _write_rows(conn, ds: Dataset, sources: dict[str, bytes]) -> dict[str, int]:
    complexes = group_complexes(ds.stations)
    contested = contested_names(ds.stations)
    code_to_cx: dict[str, str] = {}
    facts: list[tuple] = []
    for line_id in sorted(ds.used_lines):
        line = ds.lines.get(line_id)
        conn.execute(
            "INSERT INTO lines VALUES (?, ?)", (line.id, json.dumps(line.names, ensure_ascii=False))
        )
    for key, members in complexes.items():
        names, fallback = complex_names(members, contested)
        lats = [m.lat for m in members if m.lat is not None]
        lons = [m.lon for m in members if m.lon is not None]
        conn.execute(
            "INSERT INTO complexes VALUES (?, ?, ?, ?, ?, ?)",
            (
                key,
                json.dumps(names, ensure_ascii=False),
                json.dumps(fallback),
                sum(lats) / len(lats) if lats else None,
                sum(lons) / len(lons) if lons else None,
                f"complex:{key}",
            ),
        )
        _write_aliases(conn, key, names, members, contested)
        for m in members:
            code_to_cx[m.code] = key
            conn.execute(
                "INSERT INTO stations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    m.code,
                    key,
                    m.line_id,
                    m.fr_code,
                    json.dumps(m.names, ensure_ascii=False),
                    json.dumps(m.fallback),
                    m.lat,
                    m.lon,
                    m.coord_source,
                    m.source_id,
                ),
            )
        facts.append(_station_fact(ds, key, names, members))
    for cx, lang, alias, kind in ds.aliases:
        conn.execute("INSERT INTO aliases VALUES (?, ?, ?, ?)", (cx, lang, alias, kind))
    for e in ds.edges:
        conn.execute(
            "INSERT OR IGNORE INTO edges VALUES (?, ?, ?, ?, ?)",
            (e.source_id, e.line_id, e.a, e.b, e.distance_m),
        )
    for f in ds.facts:
        cx = f.complex_key or code_to_cx.get(f.station_code or "")
        facts.append((f.source_id, f.kind, cx, f.line_id, f.station_code, f.texts, f.data))
    # Station by station (stable: the station's own fact first, then the data's order): one
    # station's facts and passages share pages, and the kiosk's queries are about one station.
    for fact in sorted(facts, key=lambda fact: fact[2] or ""):
        _insert_fact(conn, *fact)
    for path, content in sorted(sources.items()):
        conn.execute(
            "INSERT INTO sources VALUES (?, ?, ?)",
            (path, hashlib.sha256(content).hexdigest(), content),
        )
    index_text(conn)
    return {
        "stations": len(ds.stations),
        "complexes": len(complexes),
        "lines": len(ds.used_lines),
        "edges": len(ds.edges),
        "facts": conn.execute("SELECT count(*) FROM facts").fetchone()[0],
        "passages": conn.execute("SELECT count(*) FROM passages").fetchone()[0],
    }


def _write_aliases(conn, key: str, names: dict, members: list, contested: set) -> None:
    """Every name form of a complex and its member stations, once each; a name two stations
    contest stays only with the complex that won it."""
    seen_alias: set[tuple[str, str]] = set()
    member_names = [names] + [
        {lang: n for lang, n in m.names.items() if (lang, n) not in contested or names[lang] == n}
        for m in members
    ]
    for nm in member_names:
        for lang, alias, kind in generate_aliases(nm):
            if (lang, alias) not in seen_alias:
                seen_alias.add((lang, alias))
                conn.execute("INSERT INTO aliases VALUES (?, ?, ?, ?)", (key, lang, alias, kind))


def _station_fact(ds: Dataset, key: str, names: dict, members: list) -> tuple:
    """The fact every station has: its names, lines and codes (the `_insert_fact` fields)."""
    lines = [ds.lines.get(m.line_id) for m in members]
    codes = ", ".join(m.code for m in members)
    texts = {
        "ko": f"{names['ko']}역: {', '.join(ln.names['ko'] for ln in lines)} (역 코드 {codes})",
        "en": f"{names['en']} Station: {', '.join(ln.names['en'] for ln in lines)} (codes {codes})",
        "zh": f"{names['zh']}站：{'、'.join(ln.names['zh'] for ln in lines)}（车站代码 {codes}）",
        "ja": f"{names['ja']}駅：{'、'.join(ln.names['ja'] for ln in lines)}（駅コード {codes}）",
    }
    data = {"lines": [ln.id for ln in lines], "codes": [m.code for m in members]}
    return f"complex:{key}", "station", key, None, None, texts, data


def _insert_fact(conn, sid, kind, cx, line_id, code, texts, data) -> None:
    cur = conn.execute(
        "INSERT INTO facts (source_id, kind, complex, line_id, station_code, texts, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            sid,
            kind,
            cx,
            line_id,
            code,
            json.dumps(texts, ensure_ascii=False),
            json.dumps(data, ensure_ascii=False),
        ),
    )
    fact_id = cur.lastrowid
    for lang in languages.codes():
        text = texts.get(lang)
        if text:
            conn.execute(
                "INSERT INTO passages (fact_id, lang, text) VALUES (?, ?, ?)", (fact_id, lang, text)
            )


def _write_vectors(conn, embedder: Embedder | None, previous: Path | None) -> tuple[int, int]:
    if embedder is None:
        return 0, 0
    rows = conn.execute("SELECT id, texts, complex FROM facts").fetchall()
    wanted: dict[str, str] = {}
    fact_hash: list[tuple[int, str, str | None]] = []
    for fact_id, texts, cx in rows:
        text = embed_text(json.loads(texts))
        h = text_hash(text)
        wanted.setdefault(h, text)
        fact_hash.append((fact_id, h, cx))
    cached = _previous_embeddings(previous, embedder.model_id, set(wanted))
    cached.update(precomputed_vectors(embedder.model_id, set(wanted) - set(cached)))
    missing = [h for h in wanted if h not in cached]
    missing.sort(key=lambda h: len(wanted[h]))  # similar lengths per batch: less padding
    batch = 8  # measured on 2 cores: per-text cost rises again with larger, padded batches
    for i in range(0, len(missing), batch):
        hs = missing[i : i + batch]
        vecs = embedder.embed_passages([wanted[h] for h in hs])
        for h, v in zip(hs, vecs, strict=True):
            cached[h] = np.asarray(v, dtype=np.float32).tobytes()
    for h in wanted:
        conn.execute("INSERT INTO embeddings VALUES (?, ?, ?)", (h, embedder.model_id, cached[h]))
    insert_vectors(conn, [(fact_id, cached[h], cx) for fact_id, h, cx in fact_hash])
    return len(missing), len(wanted) - len(missing)


def insert_vectors(conn, rows: list[tuple[int, bytes, str | None]]) -> None:
    """(fact id, float32 vector bytes, complex) into vec0 and the sign-bit table, station by
    station so each vec0 partition's chunks are written together (3x faster station k-NN at
    1,000,000 facts than partitions interleaved through the file)."""
    if not rows:
        return
    rows = sorted(rows, key=lambda row: row[2] or "")
    conn.executemany(
        "INSERT INTO fact_vec (fact_id, embedding, complex) VALUES (?, ?, ?)",
        [(fact_id, vec, cx or "") for fact_id, vec, cx in rows],
    )
    vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
    bits = sign_bits(vectors.reshape(len(rows), -1))
    conn.executemany(
        "INSERT INTO fact_bits VALUES (?, ?)",
        [(r[0], row.tobytes()) for r, row in zip(rows, bits, strict=True)],
    )


def index_text(conn) -> None:
    """Rebuild the FTS5 index over `passages` and count the passages holding each trigram."""
    conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")
    conn.execute("CREATE VIRTUAL TABLE temp.gram_vocab USING fts5vocab(main, passages_fts, row)")
    try:
        conn.execute("INSERT INTO passage_grams SELECT term, doc FROM temp.gram_vocab")
    finally:
        conn.execute("DROP TABLE temp.gram_vocab")


def _previous_embeddings(
    previous: Path | None, model_id: str, hashes: set[str]
) -> dict[str, bytes]:
    if previous is None or not previous.exists():
        return {}
    try:
        old = db.connect(previous, readonly=True)
    except db.sqlite.Error:
        return {}
    try:
        return {
            h: vec
            for h, model, vec in old.execute("SELECT text_hash, model, vec FROM embeddings")
            if model == model_id and h in hashes
        }
    except db.sqlite.Error:
        return {}
    finally:
        old.close()
