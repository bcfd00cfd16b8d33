"""`kiosk kb keys|publish|refresh|pull`: signed knowledge-base updates for a fleet (TUF).

`keys`, `publish` and `refresh` run on the operator's workstation, where the private keys are;
`pull` runs on a kiosk, which holds only the repository's public root.json.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from kiosk.cli.common import settings_from_args

Common = Callable[[argparse.ArgumentParser], argparse.ArgumentParser]


def add_update_commands(sub: argparse._SubParsersAction, common: Common) -> None:
    """Register the signed-update subcommands under `kiosk kb`."""

    def repo_flags(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--repo", type=Path, required=True, help="TUF repository folder (what is served)"
        )
        p.add_argument(
            "--keys", type=Path, required=True, help="private key folder (never on a kiosk)"
        )
        return common(p)

    keys = sub.add_parser("keys", help="create or rotate the signing keys of a TUF repository")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    p = repo_flags(
        keys_sub.add_parser(
            "init",
            help="create one key per role and the first root",
            description="Create a new TUF repository in --repo with a new ed25519 key per role "
            "(root, targets, snapshot, timestamp) in --keys. Ship REPO/metadata/root.json to "
            "every kiosk as its trusted root; keep --keys off the kiosks.",
        )
    )
    p.set_defaults(func=_cmd_keys_init)
    p = repo_flags(
        keys_sub.add_parser(
            "rotate",
            help="replace a role's key (new root signed by old and new root keys)",
            description="Replace ROLE's key with a new one: a new root version lists it and is "
            "signed by the old and the new root keys, so kiosks trusting the old root accept "
            "it on their next pull. The old key moves to KEYS/retired/.",
        )
    )
    p.add_argument("role", choices=("root", "targets", "snapshot", "timestamp"))
    p.set_defaults(func=_cmd_keys_rotate)

    p = repo_flags(
        sub.add_parser(
            "publish",
            help="sign a snapshot into the TUF repository as the next release",
            description="Make PATH the next signed release in --repo. PATH is data to import "
            "(as `kb import`: a Seoul CSV folder, GTFS folder/zip, operator YAML) into the "
            "workstation's knowledge base (--kb-dir), or a snapshot file (vNNNNNN.sqlite); "
            "without PATH the workstation's serving snapshot is published. The snapshot is "
            "checked as a kiosk will check it before anything is signed.",
        )
    )
    p.add_argument("path", nargs="?", type=Path, help="data folder/file or a .sqlite snapshot")
    p.add_argument("--no-embed", action="store_true", help="import without embeddings")
    p.add_argument("--actor", default=os.environ.get("USER", "operator"), help="who publishes")
    p.set_defaults(func=_cmd_publish)

    p = repo_flags(
        sub.add_parser(
            "refresh",
            help="re-sign the metadata with fresh expiry dates (run daily from cron)",
            description="Re-sign targets, snapshot and timestamp with new expiry dates (and "
            "root with --root). Kiosks refuse expired metadata, so run this more often than "
            "the timestamp lifetime (7 days).",
        )
    )
    p.add_argument("--root", action="store_true", help="also re-sign root (needs the root key)")
    p.set_defaults(func=_cmd_refresh)

    p = common(
        sub.add_parser(
            "pull",
            help="fetch, verify and publish the newest signed release",
            description="Fetch the newest release through TUF (signatures, versions, expiry, "
            "hashes), check it as an import is checked and publish it atomically. A refused "
            "update leaves the serving version unchanged and exits 1.",
        )
    )
    p.add_argument("--url", help="repository URL (default: updates.url from the settings)")
    p.add_argument("--root", type=Path, help="trusted root.json (default: updates.trusted_root)")
    p.set_defaults(func=_cmd_pull)


def _repository(args: argparse.Namespace):
    from kiosk.updates.repository import FileRepository, KeyStore

    return FileRepository(args.repo, KeyStore(args.keys))


def _cmd_keys_init(args: argparse.Namespace) -> int:
    from kiosk.cli.kb import _emit

    made = _repository(args).init()
    lines = [f"  {role:<9} {keyid}" for role, keyid in made.items()]
    root = args.repo / "metadata" / "root.json"
    _emit(
        args,
        {"keys": made, "trusted_root": str(root)},
        "keys created in {}:\n{}\nship {} to every kiosk (updates.trusted_root); keep {} "
        "offline".format(args.keys, "\n".join(lines), root, args.keys),
    )
    return 0


def _cmd_keys_rotate(args: argparse.Namespace) -> int:
    from kiosk.cli.kb import _emit

    repo = _repository(args)
    old, new = repo.rotate(args.role)
    versions = repo.versions()
    _emit(
        args,
        {"role": args.role, "retired": old, "new": new, "versions": versions},
        f"{args.role} key {', '.join(k[:12] for k in old)} replaced by {new[:12]}; "
        f"root is now version {versions['root']} (kiosks follow on their next pull)",
    )
    return 0


def _cmd_refresh(args: argparse.Namespace) -> int:
    from kiosk.cli.kb import _emit

    versions = _repository(args).refresh(root=args.root)
    _emit(args, {"versions": versions}, f"re-signed: {versions}")
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from kiosk.cli.kb import _emit
    from knowledge.errors import ImportRejected

    repo = _repository(args)
    repo.current_target()  # no repository: say so before a long import
    try:
        snapshot = _snapshot_to_publish(args)
        source = str(args.path or snapshot)
        target = repo.publish_snapshot(snapshot, actor=args.actor, source=source)
    except ImportRejected as err:
        issues = [asdict(i) for i in err.issues]
        text = "\n".join(f"  {i}" for i in err.issues)
        _emit(args, {"ok": False, "issues": issues}, f"not published:\n{text}")
        return 1
    about, versions = target.custom, repo.versions()
    _emit(
        args,
        {"ok": True, "length": target.length, **about, "versions": versions},
        f"release {about['release']} signed into {args.repo}: {target.length:,} bytes "
        f"({about['size']:,} unpacked), targets v{versions['targets']}, "
        f"timestamp v{versions['timestamp']}; counts {about['counts']}",
    )
    return 0


def _snapshot_to_publish(args: argparse.Namespace) -> Path:
    """The snapshot file PATH names, or the workstation KB's serving one (after importing)."""
    from kiosk.cli.kb import _kb_dir, _open
    from knowledge.errors import KnowledgeError

    if args.path is not None and args.path.suffix == ".sqlite":
        if not args.path.is_file():
            raise KnowledgeError("kb-not-found", f"no snapshot file {args.path}")
        return args.path
    kb = _open(args, embed=not args.no_embed)
    if args.path is not None:
        kb.import_path(args.path, actor=args.actor)
    status = kb.status()
    entry = next((h for h in status["history"] if h["version"] == status["version"]), None)
    if entry is None:
        raise KnowledgeError(
            "kb-empty", f"nothing to publish in {_kb_dir(args)}: give PATH or run kb import"
        )
    return _kb_dir(args) / "versions" / entry["file"]


def _cmd_pull(args: argparse.Namespace) -> int:
    from kiosk.cli.kb import _emit, _kb_dir
    from kiosk.errors import KioskError
    from kiosk.updates.client import UpdateClient, UpdateRejected
    from knowledge.store import KnowledgeBase

    settings = settings_from_args(args)
    url = args.url or settings.updates.url
    if not url:
        raise KioskError("kb-update-no-url", "no repository: give --url or set updates.url")
    kb = KnowledgeBase(_kb_dir(args), None)  # a fresh kiosk may have no version yet
    client = UpdateClient(
        url,
        args.root or settings.trusted_root,
        settings.updates_dir,
        kb,
        timeout_s=settings.updates.timeout_s,
    )
    try:
        result = client.pull()
    except UpdateRejected as err:
        _emit(args, {"ok": False, "reason": err.reason, "error": err.message}, err.message)
        return 1
    finally:
        kb.close()
    text = {
        "updated": f"release {result.release} verified; now serving version {result.version}",
        "current": f"release {result.release} already imported; serving version {result.version}",
        "empty": "the repository has no release yet",
    }[result.status]
    _emit(
        args,
        {"ok": True, **asdict(result)},
        f"{text} ({result.downloaded_bytes:,} bytes in {result.seconds:.1f} s)",
    )
    return 0
