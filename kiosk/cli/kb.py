"""`kiosk kb ...`: import, validate, status, diff, rollback and search the knowledge base;
signed fleet updates (keys, publish, refresh, pull) are in `kiosk.cli.kb_updates`."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import languages
from kiosk.cli.common import settings_from_args
from kiosk.cli.kb_updates import add_update_commands


def add_kb_commands(
    subparsers: argparse._SubParsersAction, common_flags: argparse.ArgumentParser | None = None
) -> None:
    """Register `kb` and its subcommands; each handler is stored as `args.func`."""
    kb = subparsers.add_parser("kb", help="station knowledge base: import, validate, status, ...")
    kb.add_argument(
        "--kb-dir",
        type=Path,
        default=None,
        help="knowledge base folder (default: DATA_DIR/kb from the settings)",
    )
    sub = kb.add_subparsers(dest="kb_command", required=True)
    if common_flags is not None:  # --config/--data-dir/-v on every subcommand, after its name
        sub.add_parser = functools.partial(sub.add_parser, parents=[common_flags])  # type: ignore[method-assign]

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--json", action="store_true", help="print machine-readable JSON")
        p.add_argument("--kb-dir", type=Path, default=argparse.SUPPRESS, help="as kb --kb-dir")
        return p

    p = common(
        sub.add_parser(
            "import",
            help="validate and publish a new version",
            description="Validate PATH (Seoul CSV folder, GTFS folder/zip, operator/notices YAML) "
            "layered on the serving version, build a new snapshot and publish it atomically. "
            "Without PATH (or with --bundled) the bundled Seoul data and example operator files "
            "are imported.",
        )
    )
    p.add_argument("path", nargs="?", type=Path, help="data to import (default: bundled data)")
    p.add_argument("--bundled", action="store_true", help="import the bundled data")
    p.add_argument("--actor", default=os.environ.get("USER", "operator"), help="who imports")
    p.add_argument("--no-embed", action="store_true", help="skip embeddings (FTS-only search)")
    p.set_defaults(func=_cmd_import)
    p = common(
        sub.add_parser(
            "reembed",
            help="publish the serving data again with the configured embedder's vectors",
            description="Build a new version of the serving version's data whose vectors are "
            "made by the configured embedder (models.embedding_model): how a kiosk switches "
            "embedders, since vectors of two models are never searched together. The kiosk "
            "does this itself at start-up when they differ.",
        )
    )
    p.add_argument("--actor", default=os.environ.get("USER", "operator"), help="who re-embeds")
    p.set_defaults(func=_cmd_reembed)
    p = common(sub.add_parser("validate", help="check PATH without publishing; exit 1 on errors"))
    p.add_argument("path", type=Path)
    p.set_defaults(func=_cmd_validate)
    p = common(sub.add_parser("status", help="serving version, counts, who imported it and when"))
    p.set_defaults(func=_cmd_status)
    p = common(
        sub.add_parser("diff", help="what changed between two versions (default: last import)")
    )
    p.add_argument("a", nargs="?", type=int, help="older version (default: parent of B)")
    p.add_argument("b", nargs="?", type=int, help="newer version (default: serving)")
    p.set_defaults(func=_cmd_diff)
    p = common(sub.add_parser("rollback", help="serve the previous version again"))
    p.add_argument("--actor", default=os.environ.get("USER", "operator"))
    p.add_argument(
        "--expect",
        type=int,
        default=None,
        metavar="N",
        help="refuse unless version N serves now (two operators cannot go back twice)",
    )
    p.set_defaults(func=_cmd_rollback)
    p = common(
        sub.add_parser(
            "poll-feed",
            help="poll the notice feed once, as `serve` does every interval; exit 1 on failure",
            description="Fetch the GTFS-Realtime alerts feed (notice_feed.url) once, map its "
            "alerts to stations and lines and store them beside the operator's notices, exactly "
            "as the daemon's poller does. Shows what was left out (unknown stops, ended alerts).",
        )
    )
    p.add_argument("--url", help="the feed to poll (default: notice_feed.url in the settings)")
    p.set_defaults(func=_cmd_poll_feed)
    p = common(sub.add_parser("search", help="hybrid search (vectors + full text) over passages"))
    p.add_argument("query")
    p.add_argument("--lang", default="ko", choices=languages.codes())
    p.add_argument("--station", help="restrict to a station (any name form, e.g. 강남, Gangnam)")
    p.add_argument("--line", help="restrict to a line id (e.g. 2, shinbundang)")
    p.add_argument("-k", type=int, default=5, help="number of passages")
    p.set_defaults(func=_cmd_search)
    add_update_commands(sub, common)


def _kb_dir(args: argparse.Namespace) -> Path:
    return getattr(args, "kb_dir", None) or settings_from_args(args).kb_dir


def _open(args: argparse.Namespace, embed: bool = True):
    from kiosk.app import build_embedder
    from knowledge.store import KnowledgeBase

    settings = settings_from_args(args)
    embedder = build_embedder(settings) if embed else None
    kb = KnowledgeBase(_kb_dir(args), embedder)
    kb.keep_versions = settings.data.keep_versions
    return kb


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text)


@contextlib.contextmanager
def _audited(args: argparse.Namespace, action: str, target: str | None) -> Iterator[dict]:
    """Record a change made from the command line in the audit log `/admin/audit` shows
    (DATA_DIR/audit.jsonl, beside the knowledge-base folder), refused or not; the caller
    fills in `detail`."""
    from kiosk.web.admin import AUDIT_FILE, AuditLog

    kiosk_id = settings_from_args(args).station.kiosk_id
    log = AuditLog(_kb_dir(args).parent / AUDIT_FILE, kiosk_id=kiosk_id)
    who = {"token": "cli", "operator": args.actor, "client": socket.gethostname()}
    detail: dict[str, Any] = {}
    try:
        yield detail
    except Exception as err:
        code = getattr(err, "code", type(err).__name__)
        log.record(who, action, target=target, outcome="refused", detail={"code": code})
        raise
    log.record(who, action, target=target, outcome="ok", detail=detail)


def _cmd_import(args: argparse.Namespace) -> int:
    from knowledge.errors import ImportRejected

    kb = _open(args, embed=not args.no_embed)
    path = None if args.bundled else args.path
    try:
        with _audited(args, "kb.import", str(path or "bundled")) as detail:
            report = kb.import_path(path, actor=args.actor)
            detail.update(version=report.version, previous=report.previous)
    except ImportRejected as err:
        _emit(
            args,
            {"ok": False, "issues": [asdict(i) for i in err.issues]},
            "import rejected; serving version unchanged:\n"
            + "\n".join(f"  {i}" for i in err.issues),
        )
        return 1
    _emit(
        args,
        {"ok": True, **asdict(report)},
        f"version {report.version} published in {report.seconds:.1f} s "
        f"({report.embedded} embedded, {report.reused} reused): {report.counts}",
    )
    return 0


def _cmd_reembed(args: argparse.Namespace) -> int:
    report = _open(args).reembed(actor=args.actor)
    _emit(
        args,
        {"ok": True, **asdict(report)},
        f"version {report.version} published in {report.seconds:.1f} s: {report.source} "
        f"({report.embedded} embedded, {report.reused} reused)",
    )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    report = _open(args, embed=False).validate(args.path)
    lines = [f"  {i}" for i in report.issues] or ["  ok"]
    _emit(
        args,
        {"ok": report.ok, "counts": report.counts, "issues": [asdict(i) for i in report.issues]},
        f"{report.path}: {report.counts}\n" + "\n".join(lines),
    )
    return 0 if report.ok else 1


def _cmd_status(args: argparse.Namespace) -> int:
    st = _open(args, embed=False).status()
    text = (
        f"version {st['version']} (of {st['versions']}) imported {st['imported_at']} "
        f"by {st['imported_by']} from {st['source']}\ncounts: {st['counts']}"
        f"\nvectors: {st['embed_model'] or 'none (text search only)'}"
    )
    problem = st["problem"]
    if problem:  # the files are there but nothing can serve: say so, not only the numbers
        text += f"\nNOT SERVING: {problem['message']} [{problem['code']}]"
    _emit(args, st, text)
    return 1 if problem else 0


def _cmd_diff(args: argparse.Namespace) -> int:
    d = _open(args, embed=False).diff(args.a, args.b)
    _emit(args, d, json.dumps(d, ensure_ascii=False, indent=2))
    return 0


def _cmd_rollback(args: argparse.Namespace) -> int:
    with _audited(args, "kb.rollback", None) as detail:
        version = _open(args, embed=False).rollback(actor=args.actor, expected=args.expect)
        detail["version"] = version
    _emit(args, {"version": version}, f"now serving version {version}")
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    from knowledge.errors import KnowledgeError

    kb = _open(args)
    if why := kb.embedder_mismatch():  # a text-only answer would pass for the hybrid one
        raise KnowledgeError("kb-embedder-mismatch", f"{why}: run `kiosk kb reembed` first")
    station = None
    if args.station:
        matches = kb.resolve_station(args.station)
        station = matches[0].complex.key if matches else None
    hits = kb.search(args.query, args.lang, station=station, line=args.line, k=args.k)
    _emit(
        args,
        [asdict(h) for h in hits],
        "\n".join(f"{h.score:.4f} [{h.source_id}] {h.text}" for h in hits) or "no results",
    )
    return 0


def _cmd_poll_feed(args: argparse.Namespace) -> int:
    from kiosk.app import open_knowledge
    from kiosk.errors import ConfigError
    from kiosk.notice_feed import NoticeFeedPoller

    settings = settings_from_args(args, **{"notice_feed.url": args.url})
    feed = settings.notice_feed
    if not feed.url:
        raise ConfigError("notice_feed.url", "no feed configured: set it or pass --url")
    kb = open_knowledge(settings, kb_dir=getattr(args, "kb_dir", None))  # as `serve` opens it
    poller = NoticeFeedPoller(feed, kb, kiosk_id=settings.station.kiosk_id)
    try:
        result = poller.poll()
    finally:
        poller.close()
    left_out = ", ".join(f"{n} {why}" for why, n in sorted(result.skipped.items()))
    text = {
        "updated": f"stored {result.notices} notice(s) ({result.bytes_read} bytes)"
        + (f"; left out: {left_out}" if left_out else ""),
        "unchanged": "unchanged since the last poll (304): the stored copy is confirmed",
        "error": f"poll failed [{result.reason}]: {result.detail}; the stored copy is kept",
    }[result.result]
    _emit(args, asdict(result), f"{text} in {result.seconds * 1000:.0f} ms")
    return 1 if result.result == "error" else 0
