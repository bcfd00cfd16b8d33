"""The kiosk's pull: fetch through python-tuf's `ngclient.Updater`, verify, then import.

Trust starts from the root.json shipped to the kiosk (`updates.trusted_root`); the Updater
walks any rotated roots from there, then checks timestamp, snapshot and targets (signatures by
keys the root names, thresholds, versions never going back, expiry) and finally the artifact's
length and hash. Only a verified artifact reaches `KnowledgeBase.import_snapshot`, which
applies the import's own checks before one atomic publish. Any failure leaves the serving
version as it was and raises `UpdateRejected` with a `reason` from `REASONS` (a metrics label).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import urllib3
from tuf.api import exceptions as tuf_errors
from tuf.api.serialization import DeserializationError
from tuf.ngclient import Updater, UpdaterConfig
from tuf.ngclient.urllib3_fetcher import Urllib3Fetcher

from kiosk.errors import KioskError
from kiosk.updates import artifact
from kiosk.updates.repository import TARGET
from knowledge.errors import ImportRejected, KnowledgeError

if TYPE_CHECKING:
    from knowledge.store import KnowledgeBase

logger = logging.getLogger(__name__)

REASONS = (
    "tampered",
    "rollback",
    "mix-and-match",
    "expired",
    "untrusted-signature",
    "invalid-metadata",
    "invalid-snapshot",
    "unreachable",
    "local-error",
)
"""Why an update was refused: the `reason` label of `kiosk_kb_update_failures_total`."""


class UpdateRejected(KioskError):
    """An update failed verification or could not be fetched; the serving version is kept."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__("kb-update-rejected", message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PullResult:
    status: str
    """`updated` (a new version serves), `current` (release already imported), `empty`."""
    release: int | None
    version: int | None
    """The local knowledge-base version serving after the pull."""
    downloaded_bytes: int
    seconds: float


class CountingFetcher(Urllib3Fetcher):
    """urllib3 fetcher that remembers the last URL (which role failed) and counts bytes."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(socket_timeout=int(max(1, timeout_s)), app_user_agent="station-kiosk")
        self.last_url = ""
        self.bytes = 0

    def _fetch(self, url: str) -> Iterator[bytes]:
        self.last_url = url
        for chunk in super()._fetch(url):
            self.bytes += len(chunk)
            yield chunk


class UpdateClient:
    """Pulls signed snapshots from `url` (the folder holding `metadata/` and `targets/`)."""

    def __init__(
        self,
        url: str,
        trusted_root: Path,
        cache_dir: Path,
        kb: KnowledgeBase,
        *,
        timeout_s: float = 30.0,
        actor: str = "tuf-pull",
    ) -> None:
        self.url = url.rstrip("/")
        self.trusted_root = Path(trusted_root)
        self.cache_dir = Path(cache_dir)
        self.kb = kb
        self.timeout_s = timeout_s
        self.actor = actor

    def pull(self) -> PullResult:
        """One verified update check; raises UpdateRejected (serving version unchanged)."""
        t0 = time.perf_counter()
        fetcher = CountingFetcher(self.timeout_s)
        with self._single_instance():
            updater = self._updater(fetcher)
            info = self._verified(fetcher, lambda: updater.get_targetinfo(TARGET))
            if info is None:
                return PullResult("empty", None, self._serving(), fetcher.bytes, _since(t0))
            custom = info.custom
            if not _described(custom):
                raise self._reject("invalid-metadata", f"target {TARGET} lacks its description")
            release = custom["release"]
            source = f"tuf release {release} sha256:{info.hashes['sha256']}"
            if any(h["source"] == source for h in self.kb.published()[1]):
                version = self._serving()
                return PullResult("current", release, version, fetcher.bytes, _since(t0))
            downloads = self.cache_dir / "downloads"
            try:
                path = Path(self._verified(fetcher, lambda: updater.download_target(info)))
                unpacked = downloads / f"release-{release}.sqlite"
                artifact.unpack(path, unpacked, custom)
                report = self.kb.import_snapshot(unpacked, self.actor, source)
            except ImportRejected as err:
                raise self._reject("invalid-snapshot", f"release {release}: {err.message}") from err
            except (KnowledgeError, OSError) as err:
                raise self._reject("local-error", f"release {release}: {err}") from err
            finally:
                for leftover in downloads.glob("*"):
                    leftover.unlink(missing_ok=True)
        logger.info(
            "knowledge release %d verified and published as version %d (%d bytes in %.1f s)",
            release,
            report.version,
            fetcher.bytes,
            _since(t0),
        )
        return PullResult("updated", release, report.version, fetcher.bytes, _since(t0))

    def _updater(self, fetcher: CountingFetcher) -> Updater:
        try:
            bootstrap = self.trusted_root.read_bytes()
        except OSError as err:
            raise self._reject(
                "local-error",
                f"no trusted root at {self.trusted_root} ({err.strerror}): copy the "
                "repository's root.json there (README, 'Signed data updates')",
            ) from err
        metadata = self.cache_dir / "metadata"
        metadata.mkdir(parents=True, exist_ok=True)
        try:
            return Updater(
                str(metadata),
                f"{self.url}/metadata/",
                str(self.cache_dir / "downloads"),
                f"{self.url}/targets/",
                fetcher,
                UpdaterConfig(app_user_agent="station-kiosk"),
                bootstrap=bootstrap,
            )
        except (tuf_errors.RepositoryError, DeserializationError, ValueError) as err:
            raise self._reject(
                "invalid-metadata", f"trusted root {self.trusted_root} is not valid: {err}"
            ) from err

    def _verified(self, fetcher: CountingFetcher, step: Any) -> Any:
        """Run one Updater step; map its errors to a reason and a sentence an operator reads."""
        try:
            return step()
        except Exception as err:
            reason, what = classify(err, fetcher.last_url)
            if reason is None:
                raise
            raise self._reject(reason, f"{what}: {err}") from err

    def _reject(self, reason: str, detail: str) -> UpdateRejected:
        serving = self._serving()
        message = (
            f"knowledge update from {self.url} rejected ({reason}): {detail}; "
            f"serving version {serving if serving is not None else '-'} unchanged"
        )
        logger.error("%s", message)
        return UpdateRejected(reason, message)

    def _serving(self) -> int | None:
        return self.kb.published()[0]

    @contextlib.contextmanager
    def _single_instance(self) -> Iterator[None]:
        """The Updater's cache supports one user at a time: the daemon's poller or a CLI pull."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with (self.cache_dir / "pull.lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise KioskError(
                    "kb-update-busy", f"another pull is using {self.cache_dir}; try again"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def classify(err: BaseException, last_url: str) -> tuple[str | None, str]:
    """(reason, what was being checked) for an Updater error; reason None: not an update error."""
    role = _role_of(last_url)
    if isinstance(err, tuf_errors.UnsignedMetadataError):
        return "untrusted-signature", f"{role} is not signed by the keys the trusted root names"
    if isinstance(err, tuf_errors.ExpiredMetadataError):
        return "expired", f"{role} is past its expiry (a frozen or unmaintained repository)"
    if isinstance(err, tuf_errors.BadVersionNumberError):
        if role in ("root", "timestamp"):
            return "rollback", f"{role} is older than one this kiosk already trusted"
        return "mix-and-match", f"{role} is not the version the newer metadata names"
    mismatch = tuf_errors.LengthOrHashMismatchError | tuf_errors.DownloadLengthMismatchError
    if isinstance(err, mismatch):
        return "tampered", f"{role} does not match its signed length and hash"
    if isinstance(err, tuf_errors.RepositoryError | DeserializationError):
        return "invalid-metadata", f"{role} is not valid TUF metadata"
    if isinstance(err, tuf_errors.DownloadError | urllib3.exceptions.HTTPError):
        return "unreachable", f"could not fetch {last_url or 'the repository'}"
    if isinstance(err, OSError):
        return "local-error", "could not write the update cache"
    return None, ""


def _role_of(url: str) -> str:
    folder, _, name = url.rpartition("/")
    if not folder.endswith("/metadata"):
        return "the snapshot artifact" if "/targets/" in url else "the repository metadata"
    roles = ("root", "timestamp", "snapshot", "targets")
    return next((r for r in roles if name.endswith(f"{r}.json")), "the repository metadata")


def _described(custom: Any) -> bool:
    """The signed `custom` of a target written by `kiosk kb publish` (`artifact.pack`)."""
    fields = {"release": int, "size": int, "sqlite_sha256": str}
    return isinstance(custom, dict) and all(isinstance(custom.get(k), t) for k, t in fields.items())


def _since(t0: float) -> float:
    return round(time.perf_counter() - t0, 3)
