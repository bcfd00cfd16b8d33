"""`KnowledgeBase`: the one object the kiosk, the answerer, the CLI and the admin API use.

Reads go to the serving snapshot, opened read-only. Before each query a cheap `PRAGMA
data_version` on the manifest tells whether anything was published; only then is the current
version re-read and, when it moved, the new snapshot opened and swapped in (no restart).
Writes (import, rollback, notices) go through the manifest under an inter-process lock.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from knowledge import importer
from knowledge.alert_feed import EntityIndex
from knowledge.embeddings import Embedder
from knowledge.errors import ImportRejected, KnowledgeError, NotFound
from knowledge.lines import Line
from knowledge.manifest import Manifest
from knowledge.notice_board import FeedPolicy, NoticeBoard
from knowledge.operator import SECTIONS, notice_from_dict, validate_notice
from knowledge.publish import build_and_publish
from knowledge.received import adopt_snapshot
from knowledge.records import (
    Fact,
    ImportReport,
    Notice,
    OperatorFacts,
    Passage,
    Route,
    StationComplex,
    StationMatch,
    ValidationReport,
)
from knowledge.search import hybrid_search
from knowledge.serving import KbHealth, ServingSlot, guarded, layering_base, status_report
from knowledge.snapshot import Snapshot

logger = logging.getLogger(__name__)


class KnowledgeBase:
    def __init__(
        self, root: Path, embedder: Embedder | None, feed: FeedPolicy | None = None
    ) -> None:
        self.root = Path(root)
        self.embedder = embedder
        self.keep_versions = 0
        """Versions kept after an import (0: all); the serving and rollback ones always are."""
        self._manifest = Manifest(self.root)
        self._lock = threading.RLock()
        self._serving = ServingSlot(self._manifest, self.root, self._lock, self._check_embed_model)
        self._seen_data_version = -1
        self._board = NoticeBoard(feed)  # operator notices and, with `feed`, the feed's

    @classmethod
    def open(
        cls, root: Path, embedder: Embedder | None = None, feed: FeedPolicy | None = None
    ) -> KnowledgeBase:
        kb = cls(root, embedder, feed)
        kb._manifest.cleanup_if_idle()
        kb._refresh(force=True)
        return kb

    def close(self) -> None:
        with self._lock:
            if self._serving.snap:
                self._serving.snap.close()
            self._manifest.close()

    # -- version tracking ---------------------------------------------------------------------
    def _changed(self) -> None:
        """Our own commits do not move PRAGMA data_version on our connection: force a re-read
        (at once when nothing serves: an operator's import or rollback may have mended it)."""
        self._seen_data_version = -1
        if self._serving.snap is None:
            with contextlib.suppress(KnowledgeError):
                self._refresh()

    def _refresh(self, force: bool = False) -> Snapshot:
        with self._lock:
            dv = self._manifest.data_version()
            if force or dv != self._seen_data_version:
                self._seen_data_version = dv
                cur = self._manifest.current()
                snap = self._serving.snap
                if cur and (snap is None or snap.version != cur[0]):
                    self._serving.open(*cur)
                self._board.reload(self._manifest)
            if self._serving.snap is None:
                raise self._serving.fault or KnowledgeError(
                    "kb-empty", f"no knowledge version in {self.root}; run kb import"
                )
            return self._serving.snap

    def verify(self) -> KbHealth:
        """The service's periodic check (`ServingSlot.verify`); returns the health."""
        if self._serving.verify():
            with contextlib.suppress(KnowledgeError):
                self._refresh(force=True)
        return self.health()

    def health(self) -> KbHealth:
        return self._serving.health()

    @property
    def version(self) -> int:
        return self._refresh().version

    def embedder_mismatch(self) -> str | None:
        """Why the serving version's vectors cannot be searched with the configured embedder,
        or None when they can (or there are none: a version imported with --no-embed)."""
        return self._mismatch(self._refresh())

    def _mismatch(self, snap: Snapshot) -> str | None:
        if self.embedder is None or not snap.embed_model:
            return None
        if snap.embed_model == self.embedder.model_id:
            return None
        return (
            f"knowledge version {snap.version} holds vectors of {snap.embed_model}, but the "
            f"configured embedder is {self.embedder.model_id}"
        )

    def _check_embed_model(self, snap: Snapshot) -> None:
        """A query is embedded only by the model that embedded the passages (search.py checks
        the ids); a version built with another is searched by text alone until re-embedded."""
        if why := self._mismatch(snap):
            logger.error("%s: vector search is off until `kiosk kb reembed`", why)

    # -- stations ------------------------------------------------------------------------------
    @guarded
    def resolve_station(self, text: str, lang: str | None = None) -> list[StationMatch]:
        return self._refresh().names.resolve(text, lang)

    @guarded
    def best_station(self, text: str, lang: str | None = None) -> StationMatch | None:
        """The station `text` names, or None when resolving it would be a guess."""
        return self._refresh().names.best(text, lang)

    @guarded
    def find_stations(
        self, question: str, lang: str | None = None, *, fuzzy: bool = True
    ) -> list[StationMatch]:
        return self._refresh().names.find(question, lang, fuzzy=fuzzy)

    @guarded
    def complex(self, key: str | StationComplex) -> StationComplex:
        return self._refresh().complex(key)

    @guarded
    def complexes(self) -> list[StationComplex]:
        return list(self._refresh().complexes.values())

    @guarded
    def lines_at(self, complex: str | StationComplex) -> list[Line]:
        snap = self._refresh()
        return [snap.line(lid) for lid in snap.complex(complex).line_ids]

    @guarded
    def line(self, line_id: str) -> Line:
        return self._refresh().line(line_id)

    @guarded
    def route(
        self, a: str | StationComplex, b: str | StationComplex, prefer: str = "fewest_transfers"
    ) -> Route | None:
        snap = self._refresh()
        return snap.graph.route(snap.complex(a).key, snap.complex(b).key, prefer)

    @guarded
    def neighbours(
        self, complex: str | StationComplex, line: str | None = None
    ) -> list[tuple[Line, StationComplex]]:
        """(line, adjacent complex) per direction; empty for stations without published edges."""
        snap = self._refresh()
        return [
            (snap.line(lid), snap.complex(cx))
            for lid, cx in snap.graph.neighbours(snap.complex(complex).key, line)
        ]

    # -- facts ---------------------------------------------------------------------------------
    @guarded
    def elevators(self, complex: str | StationComplex, lang: str = "ko") -> list[Fact]:
        snap = self._refresh()
        return snap.facts(snap.complex(complex).key, ("elevator",), lang)

    @guarded
    def toilets(self, complex: str | StationComplex, lang: str = "ko") -> list[Fact]:
        snap = self._refresh()
        return snap.facts(snap.complex(complex).key, ("toilet",), lang)

    @guarded
    def transfer_steps(
        self, complex: str | StationComplex, from_line: str, to_line: str, lang: str = "ko"
    ) -> list[Fact]:
        """One fact per published transfer route (direction pair) from one line to the other."""
        snap = self._refresh()
        facts = snap.facts(snap.complex(complex).key, ("transfer",), lang)
        return [
            f
            for f in facts
            if f.data.get("from_line") == from_line and f.data.get("to_line") == to_line
        ]

    @guarded
    def operator_facts(self, complex: str | StationComplex, lang: str = "ko") -> OperatorFacts:
        snap = self._refresh()
        key = snap.complex(complex).key
        kinds = tuple(SECTIONS.values())
        facts = [f for f in snap.facts(key, kinds, lang) if f.source_id.startswith("op:")]
        grouped: dict[str, list[Fact]] = {s: [] for s in SECTIONS}
        by_kind = {v: k for k, v in SECTIONS.items()}
        for f in facts:
            grouped[by_kind[f.kind]].append(f)
        return OperatorFacts(key, **grouped)

    @guarded
    def active_notices(self, complex: str | StationComplex | None, now: datetime) -> list[Notice]:
        """Notices active at `now` (timezone-aware) that name the complex, one of its lines, or
        (when complex is None) all of them. Expired ones (and a stale feed's) drop out."""
        snap = self._refresh()
        out = self._board.active(now)
        if complex is None:
            return out
        cx = snap.complex(complex)
        return [
            n
            for n in out
            if any(
                e.get("station") == cx.key
                or (e.get("line") in cx.line_ids and not e.get("station"))
                for e in n.informed
            )
        ]

    @guarded
    def search(
        self,
        query: str,
        lang: str = "ko",
        station: str | StationComplex | None = None,
        line: str | None = None,
        k: int = 5,
    ) -> list[Passage]:
        snap = self._refresh()
        key = snap.complex(station).key if station is not None else None
        return hybrid_search(snap, self.embedder, query, lang, key, line, k)

    @guarded
    def source_text(self, source_id: str, lang: str = "ko") -> str | None:
        snap = self._refresh()
        if source_id.startswith("notice:"):
            for b, _ in self._manifest.notices():
                if f"notice:{b['id']}" == source_id:
                    return notice_from_dict(b).text_in(lang)
            found = self._board.find(source_id.removeprefix("notice:"))
            return found.text_in(lang) if found else None
        if source_id.startswith("complex:"):
            key = source_id.split(":", 1)[1]
            return snap.source_text(source_id, lang) if key in snap.complexes else None
        return snap.source_text(source_id, lang)

    # -- writes ---------------------------------------------------------------------------------
    def validate(self, path: Path) -> ValidationReport:
        """Parse `path` layered on the serving version, exactly as import would; publish nothing."""
        new = importer.collect(Path(path))
        cur = layering_base(self._manifest)
        sources = importer.merge(importer.previous_sources(cur[1] if cur else None), new)
        notices = {k: v for k, v in new.items() if k.startswith("notices/")}
        ds = importer.parse(sources, notices)
        return ValidationReport(str(path), ds.issues, ds.counts())

    def import_path(self, path: Path | None = None, actor: str = "operator") -> ImportReport:
        """Validate, build a new snapshot and publish it; raises ImportRejected on bad input."""
        path = Path(path) if path is not None else importer.BUNDLED
        t0 = time.perf_counter()
        with self._manifest.import_lock():
            new = importer.collect(path)
            if not new:
                raise KnowledgeError("kb-import-empty", f"no known data files in {path}")
            try:
                report = build_and_publish(self._manifest, self.embedder, new, str(path), actor, t0)
            finally:
                self._changed()
            self._prune(actor)
        return report

    def reembed(self, actor: str = "operator") -> ImportReport:
        """Publish the serving version's data again with its vectors made by the configured
        embedder: the way to switch embedders, since vectors of two models never mix."""
        if self.embedder is None:
            raise KnowledgeError("kb-no-embedder", "re-embedding needs an embedder")
        t0 = time.perf_counter()
        with self._manifest.import_lock():
            cur = self._manifest.current()
            if cur is None:
                raise KnowledgeError("kb-empty", f"no knowledge version in {self.root}")
            source = f"re-embed of version {cur[0]} with {self.embedder.model_id}"
            try:
                report = build_and_publish(self._manifest, self.embedder, {}, source, actor, t0)
            finally:
                self._changed()
            self._prune(actor)
        return report

    def import_snapshot(self, path: Path, actor: str, source: str) -> ImportReport:
        """Publish a snapshot built elsewhere (a signed update) after the import's checks."""
        try:
            report = adopt_snapshot(self._manifest, Path(path), actor, source)
        finally:
            self._changed()
        with self._manifest.import_lock():
            self._prune(actor)
        return report

    def _prune(self, actor: str) -> None:
        """Retention (`keep_versions`); call under the import lock."""
        if self.keep_versions:
            self._manifest.prune(self.keep_versions, actor)

    def rollback(self, actor: str = "operator", *, expected: int | None = None) -> int:
        """Serve the version before the current one (by number), unless `expected` is given and
        does not serve now (two operators at once must not go back twice); returns it."""
        with self._manifest.import_lock():
            cur = self._manifest.current()
            if cur is None:
                raise KnowledgeError("kb-empty", "nothing to roll back")
            if expected is not None and cur[0] != expected:
                mismatch = f"version {cur[0]} serves, not {expected}: check kb status, try again"
                raise KnowledgeError("kb-version-mismatch", mismatch)
            older = [h["version"] for h in self._manifest.history() if h["version"] < cur[0]]
            if not older:
                raise KnowledgeError("kb-no-previous", f"version {cur[0]} is the oldest")
            self._manifest.set_current(older[-1], actor, "rollback")
            self._changed()
        return older[-1]

    def add_notice(self, notice: dict[str, Any], actor: str = "operator") -> Notice:
        issues = validate_notice(notice)
        if issues:
            raise ImportRejected(issues)
        parsed = notice_from_dict(notice)
        self._manifest.add_notice(notice, actor)
        self._changed()
        return parsed

    def expire_notice(self, notice_id: str, actor: str = "operator") -> None:
        """End a notice now; a feed notice is ended by a local expired copy that overrides it."""
        self._refresh()
        if not self._manifest.expire_notice(notice_id, actor):
            body = self._board.feed_body(notice_id)
            if body is None:
                raise NotFound("active notice", notice_id)
            self._manifest.suppress_notice(body, actor)
        self._changed()

    def published(self) -> tuple[int | None, list[dict[str, Any]]]:
        """(the version the manifest serves, every version's history), read without opening a
        snapshot: cheap enough for every update check."""
        cur = self._manifest.current()
        return (cur[0] if cur else None), self._manifest.history()

    def use_feed(self, feed: FeedPolicy | None) -> None:
        """Speak the notices stored from this feed (None: from no feed)."""
        with self._lock:
            self._board.feed_policy = feed
            self._changed()

    def notices_current(self, now: datetime) -> bool:
        """False while a configured alerts feed is stale: "no notices" would be a guess."""
        self._refresh()
        return self._board.feed_policy is None or self._board.feed_fresh(now)

    def entity_index(self) -> EntityIndex:
        """The serving version's GTFS stop and route ids (for the alerts feed)."""
        return EntityIndex.from_snapshot(self._refresh())

    def status(self) -> dict[str, Any]:
        with contextlib.suppress(KnowledgeError):
            self._refresh()  # what would serve: a damaged version has fallen back by now
        notices = self._manifest.notices()
        return status_report(
            self.root, *self.published(), self._serving.health(),
            active_notices=sum(1 for _, e in notices if not e),
            feed_notices=len(self._board.feed.notices), audit=self._manifest.audit(10),
        )  # fmt: skip

    def diff(self, a: int | None = None, b: int | None = None) -> dict[str, Any]:
        """What changed from version a to b (default: parent of current -> current)."""
        return self._manifest.diff(a, b)
