"""The operator's TUF repository: keys, root, signed publishing and key rotation.

The repository is a folder any static file server (or object store) can serve as it is:
`metadata/` holds `N.root.json`, `N.targets.json`, `N.snapshot.json` and `timestamp.json`
(consistent snapshots, so a kiosk reading while a release is written still sees one whole
repository state), `targets/kb/` the snapshot artifacts, named by their hash. The private keys
live in a separate folder, one PKCS8 PEM file per key named by its key id, that never goes to
a kiosk: the root key can stay on a removable disk and is only needed to create or rotate keys.

Built on python-tuf's `tuf.repository.Repository`, which implements the snapshot and
timestamp bookkeeping; this module stores metadata in files and signs with the keys it finds.
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from securesystemslib.signer import CryptoSigner, Key
from tuf.api.exceptions import UnsignedMetadataError
from tuf.api.metadata import (
    Metadata,
    MetaFile,
    Role,
    Root,
    Signed,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.repository import Repository

from kiosk.errors import KioskError
from kiosk.updates import artifact
from knowledge.received import check_snapshot

logger = logging.getLogger(__name__)

ROLES = (Root.type, Targets.type, Snapshot.type, Timestamp.type)
TARGET = "kb/snapshot.sqlite.gz"
"""The one target a kiosk asks for; its `custom` field carries the release number."""
EXPIRY = {
    Root.type: timedelta(days=365),
    Targets.type: timedelta(days=90),
    Snapshot.type: timedelta(days=30),
    Timestamp.type: timedelta(days=7),
}
"""How long each role's signature is trusted. A kiosk refuses metadata past its expiry, so a
repository frozen by an attacker (or forgotten) stops updates within a week: re-sign the
timestamp with `kiosk kb refresh` more often than that (a daily cron job)."""
KEEP_ARTIFACTS = 2
"""Artifacts kept on the server: the new one and the one a kiosk may still be downloading."""


class RepositoryError(KioskError):
    """The repository or key folder cannot do what was asked; nothing was written."""


class KeyStore:
    """Private keys in one folder, `<keyid>.pem` (mode 0600); retired keys in `retired/`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def generate(self) -> CryptoSigner:
        signer = CryptoSigner.generate_ed25519()
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{signer.public_key.keyid}.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(signer.private_bytes)
        return signer

    def signer(self, key: Key) -> CryptoSigner | None:
        """The signer for a public key from root, or None when its private key is not here."""
        path = self.folder / f"{key.keyid}.pem"
        if not path.is_file():
            return None
        return CryptoSigner.from_priv_key_uri(f"file2:{path}", key)  # type: ignore[return-value]

    def retire(self, keyids: Iterable[str]) -> None:
        """Move replaced keys aside (destroy them once every kiosk has the new root)."""
        for keyid in keyids:
            path = self.folder / f"{keyid}.pem"
            if path.is_file():
                (self.folder / "retired").mkdir(exist_ok=True)
                path.rename(self.folder / "retired" / path.name)


class FileRepository(Repository):
    """TUF metadata in `repo/metadata`, signed with the keys of a `KeyStore`."""

    def __init__(
        self,
        repo: Path,
        keys: KeyStore,
        *,
        expiry: dict[str, timedelta] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repo = Path(repo)
        self.metadata_dir = self.repo / "metadata"
        self.targets_dir = self.repo / "targets"
        self.keys = keys
        self.expiry = {**EXPIRY, **(expiry or {})}
        self._now = now
        self._root_before: Root | None = None

    def exists(self) -> bool:
        return (self.metadata_dir / "1.root.json").is_file()

    # -- storage (the two methods tuf.repository.Repository needs) ----------------------------
    def _latest(self, role: str) -> Path | None:
        if role == Timestamp.type:
            path = self.metadata_dir / "timestamp.json"
            return path if path.is_file() else None
        versions = [
            int(p.name.split(".", 1)[0])
            for p in self.metadata_dir.glob(f"*.{role}.json")
            if p.name.split(".", 1)[0].isdigit()
        ]
        return self.metadata_dir / f"{max(versions)}.{role}.json" if versions else None

    def open(self, role: str) -> Metadata:
        path = self._latest(role)
        if path is None:  # a first version: `close` numbers it 1
            blank: Signed = {
                Root.type: lambda: Root(consistent_snapshot=True),
                Targets.type: Targets,
                Snapshot.type: Snapshot,
                Timestamp.type: Timestamp,
            }[role]()
            blank.version = 0
            md = Metadata(blank)
        else:
            md = Metadata.from_file(str(path))
        if role == Root.type:
            self._root_before = copy.deepcopy(md.signed) if path is not None else None
        return md

    def close(self, role: str, md: Metadata) -> None:
        md.signed.version += 1
        md.signed.expires = (self._now() + self.expiry[role]).replace(microsecond=0)
        md.signatures.clear()
        if role == Root.type:
            self._sign_root(md)
        else:
            root = self.root()
            for key in _role_keys(root, role):
                if signer := self.keys.signer(key):
                    md.sign(signer, append=True)
            self._require(root, role, md)
        self.metadata_dir.mkdir(parents=True, exist_ok=True)
        data = md.to_bytes()
        name = "timestamp.json" if role == Timestamp.type else f"{md.signed.version}.{role}.json"
        _write_atomic(self.metadata_dir / name, data)
        if role == Root.type:  # the newest root, to ship to new kiosks
            _write_atomic(self.metadata_dir / "root.json", data)

    def _sign_root(self, md: Metadata) -> None:
        """A new root is signed by the keys of the root it replaces and by its own, so a kiosk
        trusting the old root can verify the step to the new one."""
        new_root = md.signed
        assert isinstance(new_root, Root)
        signers: dict[str, Key] = {k.keyid: k for k in _role_keys(new_root, Root.type)}
        if self._root_before is not None:
            signers.update({k.keyid: k for k in _role_keys(self._root_before, Root.type)})
        for key in signers.values():
            if signer := self.keys.signer(key):
                md.sign(signer, append=True)
        self._require(new_root, Root.type, md)
        if self._root_before is not None:
            self._require(self._root_before, Root.type, md)

    def _require(self, delegator: Root, role: str, md: Metadata) -> None:
        try:
            delegator.verify_delegate(role, md.signed_bytes, md.signatures)
        except UnsignedMetadataError:
            wanted = delegator.roles[role]
            raise RepositoryError(
                "kb-repo-keys-missing",
                f"{role} needs {wanted.threshold} signature(s) from key(s) "
                f"{', '.join(k[:12] for k in wanted.keyids)}; found "
                f"{len(md.signatures)} in {self.keys.folder}",
            ) from None

    @property
    def targets_infos(self) -> dict[str, MetaFile]:
        return {"targets.json": MetaFile(self.targets().version)}

    @property
    def snapshot_info(self) -> MetaFile:
        return MetaFile(self.snapshot().version)

    # -- operator actions ------------------------------------------------------------------------
    def init(self) -> dict[str, str]:
        """Create one key per role and the first version of every role; returns role -> keyid."""
        if self.exists():
            raise RepositoryError(
                "kb-repo-exists", f"{self.metadata_dir} already has a root: use `keys rotate`"
            )
        made = {role: self.keys.generate() for role in ROLES}
        with self.edit_root() as root:
            for role, signer in made.items():
                root.add_key(signer.public_key, role)
        with self.edit_targets():
            pass
        self.do_snapshot(force=True)
        self.do_timestamp(force=True)
        return {role: signer.public_key.keyid for role, signer in made.items()}

    def publish_snapshot(self, snapshot: Path, **about: Any) -> TargetFile:
        """Check `snapshot` as a kiosk will (ImportRejected if it fails), pack it and publish it
        as the next release; `about` (actor, source) joins the signed description."""
        counts, _ = check_snapshot(snapshot)
        current = self.current_target()
        previous = current.custom if current is not None else None
        release = previous["release"] + 1 if isinstance(previous, dict) else 1
        with tempfile.TemporaryDirectory(prefix="kb-publish-") as tmp:
            packed = Path(tmp) / Path(TARGET).name
            custom = artifact.pack(snapshot, packed, release)
            if (
                isinstance(previous, dict)
                and previous.get("sqlite_sha256") == custom["sqlite_sha256"]
            ):
                raise RepositoryError(
                    "kb-repo-unchanged",
                    f"{snapshot} is release {release - 1} already: nothing to publish",
                )
            return self.publish(packed, {**custom, "counts": counts, **about})

    def publish(self, artifact: Path, custom: dict) -> TargetFile:
        """Add `artifact` as the new `TARGET`, then sign targets, snapshot and timestamp."""
        self._check_exists()
        target = TargetFile.from_file(TARGET, str(artifact), ["sha256"])
        target.unrecognized_fields["custom"] = custom
        folder = self.targets_dir / Path(TARGET).parent
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / f"{target.hashes['sha256']}.{Path(TARGET).name}"
        shutil.copyfile(artifact, stored)
        with self.edit_targets() as targets:
            targets.targets[TARGET] = target
        self.do_snapshot()
        self.do_timestamp()
        self._prune(folder, keep=stored)
        return target

    def current_target(self) -> TargetFile | None:
        self._check_exists()
        return self.targets().targets.get(TARGET)

    def refresh(self, *, root: bool = False) -> dict[str, int]:
        """Re-sign with fresh expiry dates (same content); returns role -> new version."""
        self._check_exists()
        if root:
            with self.edit_root():
                pass
        with self.edit_targets():
            pass
        self.do_snapshot(force=True)
        self.do_timestamp(force=True)
        return self.versions()

    def rotate(self, role: str) -> tuple[list[str], str]:
        """Replace `role`'s keys with a new one in a new root signed by the old and new root
        keys, re-sign what the role signs, and retire the old keys; returns (old, new) ids."""
        self._check_exists()
        if role not in ROLES:
            raise RepositoryError("kb-repo-role", f"no role {role!r}; one of {', '.join(ROLES)}")
        new = self.keys.generate()
        old = list(self.root().roles[role].keyids)
        try:
            with self.edit_root() as root:
                for keyid in old:
                    root.revoke_key(keyid, role)
                root.add_key(new.public_key, role)
        except RepositoryError:
            (self.keys.folder / f"{new.public_key.keyid}.pem").unlink()
            raise
        if role == Targets.type:
            with self.edit_targets():
                pass
        self.do_snapshot(force=role in (Targets.type, Snapshot.type))
        self.do_timestamp(force=True)
        self.keys.retire(old)
        return old, new.public_key.keyid

    def versions(self) -> dict[str, int]:
        return {role: self.open(role).signed.version for role in ROLES}

    def _check_exists(self) -> None:
        if not self.exists():
            raise RepositoryError(
                "kb-repo-missing",
                f"no TUF repository at {self.repo}: create one with `kiosk kb keys init`",
            )

    def _prune(self, folder: Path, keep: Path) -> None:
        olds = sorted(
            (p for p in folder.glob(f"*.{Path(TARGET).name}") if p != keep),
            key=lambda p: p.stat().st_mtime,
        )
        for path in olds[: max(0, len(olds) - (KEEP_ARTIFACTS - 1))]:
            path.unlink()


def _role_keys(root: Root, role: str) -> list[Key]:
    wanted: Role = root.roles[role]
    return [root.keys[k] for k in wanted.keyids]


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
