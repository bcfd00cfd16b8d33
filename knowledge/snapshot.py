"""One opened, read-only snapshot: complexes, lines, name index and line graph in memory."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

from knowledge import db
from knowledge.bitindex import EXACT_SCAN_LIMIT, SignBitIndex
from knowledge.errors import NotFound
from knowledge.graph import LineGraph
from knowledge.lines import Line
from knowledge.names import NameIndex
from knowledge.records import Fact, StationComplex

logger = logging.getLogger(__name__)

MMAP_BYTES = 2**31 - 2**16
"""SQLite's default compile-time ceiling for mmap_size (SQLITE_MAX_MMAP_SIZE)."""

SCALED_RETRIEVAL = 3
"""Snapshot schema from which vectors are partitioned by station and sign bits and trigram
counts are stored (migration 0003); older snapshots, kept for rollback, search the slow way."""


class Snapshot:
    def __init__(self, version: int, path: Path) -> None:
        self.version = version
        self.path = path
        self.conn = db.connect(path, readonly=True)
        # Read through a memory map: no read() call per page on the hot path (a station query
        # on a million-passage snapshot went from ~32 to ~19 ms). Address space, not memory.
        self.conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        self.schema: int = self.conn.execute("PRAGMA user_version").fetchone()[0]
        self.fact_count: int = self.conn.execute("SELECT count(*) FROM facts").fetchone()[0]
        self._bit_index: SignBitIndex | None = None
        self._bit_index_lock = threading.Lock()
        self.lines: dict[str, Line] = {
            lid: Line(lid, json.loads(names))
            for lid, names in self.conn.execute("SELECT id, names FROM lines")
        }
        lines_of: dict[str, list[str]] = {}
        codes_of: dict[str, list[str]] = {}
        nodes = []
        for code, cx, line_id in self.conn.execute(
            "SELECT code, complex, line_id FROM stations ORDER BY code"
        ):
            lines_of.setdefault(cx, []).append(line_id)
            codes_of.setdefault(cx, []).append(code)
            nodes.append((code, line_id, cx))
        self.complexes: dict[str, StationComplex] = {}
        for key, names, fallback, lat, lon, sid in self.conn.execute("SELECT * FROM complexes"):
            self.complexes[key] = StationComplex(
                key=key,
                names=json.loads(names),
                line_ids=tuple(dict.fromkeys(lines_of.get(key, []))),
                station_codes=tuple(codes_of.get(key, [])),
                source_id=sid,
                lat=lat,
                lon=lon,
                names_fallback=tuple(json.loads(fallback)),
            )
        aliases = list(self.conn.execute("SELECT complex, lang, alias, kind FROM aliases"))
        self.names = NameIndex(self.complexes, aliases)
        edges = list(self.conn.execute("SELECT line_id, a, b, source_id FROM edges"))
        self.graph = LineGraph(nodes, edges, self.complex, self.line)
        self.embed_model = (
            self.conn.execute("SELECT value FROM meta WHERE key = 'embed_model'").fetchone() or [""]
        )[0]

    def close(self) -> None:
        self.conn.close()

    @property
    def scaled_retrieval(self) -> bool:
        return self.schema >= SCALED_RETRIEVAL

    def preload_soon(self) -> None:
        """Read the sign-bit index in the background when searches will use it, so the first
        network-wide question after a (re)load does not wait for it (~1.5 s at a million)."""
        if self.scaled_retrieval and self.fact_count > EXACT_SCAN_LIMIT:
            threading.Thread(target=self.bit_index, name="bit-index", daemon=True).start()

    def bit_index(self) -> SignBitIndex:
        """The sign bits of every fact vector, read on first use (0.1 s per 100,000 facts)."""
        with self._bit_index_lock:
            if self._bit_index is None:
                t0 = time.perf_counter()
                rows = self.conn.execute("SELECT fact_id, bits FROM fact_bits ORDER BY fact_id")
                self._bit_index = SignBitIndex.from_rows(rows.fetchall())
                logger.info(
                    "sign-bit index of %d facts (%.1f MB) loaded in %.2f s",
                    len(self._bit_index),
                    self._bit_index.nbytes / 1e6,
                    time.perf_counter() - t0,
                )
            return self._bit_index

    def complex(self, key: str | StationComplex) -> StationComplex:
        if isinstance(key, StationComplex):
            return key
        try:
            return self.complexes[key]
        except KeyError:
            raise NotFound("station", key) from None

    def line(self, line_id: str) -> Line:
        try:
            return self.lines[line_id]
        except KeyError:
            raise NotFound("line", line_id) from None

    def facts(self, complex_key: str, kinds: tuple[str, ...], lang: str = "ko") -> list[Fact]:
        marks = ",".join("?" * len(kinds))
        rows = self.conn.execute(
            f"SELECT source_id, kind, texts, data, line_id FROM facts "
            f"WHERE complex = ? AND kind IN ({marks}) ORDER BY id",
            (complex_key, *kinds),
        ).fetchall()
        out = []
        for sid, kind, texts, data, line_id in rows:
            t = json.loads(texts)
            d = json.loads(data)
            d.setdefault("line", line_id)
            d["texts"] = t
            out.append(Fact(sid, t.get(lang) or t["ko"], kind, d))
        return out

    def source_text(self, source_id: str, lang: str = "ko") -> str | None:
        row = self.conn.execute(
            "SELECT texts FROM facts WHERE source_id = ?", (source_id,)
        ).fetchone()
        if row:
            texts = json.loads(row[0])
            return texts.get(lang) or texts["ko"]
        if source_id.startswith("station:") or source_id.startswith("gtfs:stop:"):
            row = self.conn.execute(
                "SELECT names, line_id, code, coord_source FROM stations WHERE source_id = ?",
                (source_id,),
            ).fetchone()
            if row:
                names = json.loads(row[0])
                line = self.lines[row[1]].name(lang)
                return f"{names.get(lang) or names['ko']} ({line}, {row[2]})"
        if source_id.startswith("edge:"):
            row = self.conn.execute(
                "SELECT e.line_id, a.names, b.names, e.distance_m FROM edges e "
                "JOIN stations a ON a.code = e.a JOIN stations b ON b.code = e.b "
                "WHERE e.source_id = ?",
                (source_id,),
            ).fetchone()
            if row:
                na, nb = json.loads(row[1]), json.loads(row[2])
                dist = f" ({row[3]:.0f} m)" if row[3] else ""
                line = self.lines[row[0]].name(lang)
                return f"{line}: {na.get(lang) or na['ko']} – {nb.get(lang) or nb['ko']}{dist}"
        return None
