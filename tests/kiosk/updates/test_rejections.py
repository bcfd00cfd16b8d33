"""Every attack TUF is here to stop, against a real repository over real HTTP: each update is
refused with its reason and a sentence naming what failed, and the kiosk keeps serving the
version it had (nothing published, nothing half-written)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tuf.api.metadata import Metadata

from kiosk.updates import artifact
from kiosk.updates.client import UpdateClient, UpdateRejected
from kiosk.updates.repository import FileRepository, KeyStore
from knowledge import db
from knowledge.errors import ImportRejected
from tests.kiosk.updates.conftest import Releases, World


def pull_release_one(world: World, releases: Releases) -> None:
    world.repo.publish_snapshot(releases.one)
    result = world.client.pull()
    assert (result.status, result.release, world.kb.version) == ("updated", 1, 1)


def refused(world: World, reason: str) -> UpdateRejected:
    """Pull, expect refusal for `reason`, and check the serving version did not move."""
    before = world.kb.status()
    with pytest.raises(UpdateRejected) as info:
        world.client.pull()
    after = world.kb.status()
    assert info.value.reason == reason, info.value.message
    assert (after["version"], after["versions"]) == (before["version"], before["versions"])
    assert f"serving version {before['version'] or '-'} unchanged" in info.value.message
    assert not list((world.client.cache_dir / "downloads").glob("*"))  # nothing left behind
    return info.value


def artifact_file(world: World) -> Path:
    target = world.repo.current_target()
    assert target is not None
    return next((world.served / "targets" / "kb").glob(f"{target.hashes['sha256']}.*"))


def test_a_tampered_artifact_is_refused_and_the_genuine_one_then_accepted(world, releases):
    pull_release_one(world, releases)
    world.repo.publish_snapshot(releases.two)
    path = artifact_file(world)
    genuine = path.read_bytes()
    flipped = bytearray(genuine)
    flipped[len(flipped) // 2] ^= 0xFF
    path.write_bytes(bytes(flipped))
    err = refused(world, "tampered")
    assert "snapshot artifact does not match its signed length and hash" in err.message
    path.write_bytes(genuine + b"more bytes than were signed")
    refused(world, "tampered")
    path.write_bytes(genuine)
    assert world.client.pull().status == "updated" and world.kb.version == 2


def test_a_rolled_back_timestamp_is_refused(world, releases):
    pull_release_one(world, releases)
    old_timestamp = (world.repo.metadata_dir / "timestamp.json").read_bytes()
    world.repo.publish_snapshot(releases.two)
    assert world.client.pull().status == "updated"
    (world.repo.metadata_dir / "timestamp.json").write_bytes(old_timestamp)
    err = refused(world, "rollback")
    assert "timestamp is older than one this kiosk already trusted" in err.message
    assert world.kb.version == 2


def test_a_frozen_timestamp_past_its_expiry_is_refused_until_re_signed(world, releases):
    pull_release_one(world, releases)
    # A repository frozen (by an attacker or by neglect) at a timestamp signed 8 days ago:
    # valid when signed, past its 7-day lifetime now.
    eight_days_ago = lambda: datetime.now(UTC) - timedelta(days=8)  # noqa: E731
    FileRepository(world.served, world.repo.keys, now=eight_days_ago).do_timestamp(force=True)
    err = refused(world, "expired")
    assert "timestamp is past its expiry" in err.message
    world.repo.refresh()  # `kiosk kb refresh`: a fresh signature lets updates through again
    assert world.client.pull().status == "current"


def test_expired_targets_metadata_is_refused(world, releases):
    lapsed = FileRepository(world.served, world.repo.keys, expiry={"targets": timedelta(days=-1)})
    lapsed.publish_snapshot(releases.one)
    err = refused(world, "expired")
    assert "targets is past its expiry" in err.message
    assert world.kb.status()["versions"] == []  # never served anything


def test_a_mix_and_match_of_targets_and_snapshot_is_refused(world, releases):
    pull_release_one(world, releases)
    old_targets = (world.repo.metadata_dir / "2.targets.json").read_bytes()
    world.repo.publish_snapshot(releases.two)
    # The new snapshot names targets v3; the server hands out release one's (validly signed)
    # targets under that name: an old target list mixed into a new repository state.
    (world.repo.metadata_dir / "3.targets.json").write_bytes(old_targets)
    err = refused(world, "mix-and-match")
    assert "targets is not the version the newer metadata names" in err.message


def test_targets_signed_by_a_key_not_in_root_are_refused(world, releases, tmp_path):
    pull_release_one(world, releases)
    world.repo.publish_snapshot(releases.two)
    rogue = KeyStore(tmp_path / "rogue").generate()
    path = world.repo.metadata_dir / "3.targets.json"
    forged = Metadata.from_file(str(path))
    forged.sign(rogue)  # replaces the genuine signature: only a key root never listed
    forged.to_file(str(path))
    err = refused(world, "untrusted-signature")
    assert "targets is not signed by the keys the trusted root names" in err.message


def test_a_new_root_signed_only_by_an_unknown_key_is_refused(world, releases, tmp_path):
    pull_release_one(world, releases)
    rogue = KeyStore(tmp_path / "rogue").generate()
    forged = Metadata.from_file(str(world.repo.metadata_dir / "1.root.json"))
    root = forged.signed
    root.version = 2
    for role in ("root", "targets", "snapshot", "timestamp"):
        for keyid in list(root.roles[role].keyids):
            root.revoke_key(keyid, role)
        root.add_key(rogue.public_key, role)
    forged.sign(rogue)
    forged.to_file(str(world.repo.metadata_dir / "2.root.json"))
    err = refused(world, "untrusted-signature")
    assert "root is not signed" in err.message


def test_a_verified_artifact_that_fails_the_import_checks_is_refused(world, releases, tmp_path):
    broken = tmp_path / "broken.sqlite"
    shutil.copyfile(releases.one, broken)
    conn = db.connect(broken)
    with conn:  # a CP949 stations.csv, as an operator's spreadsheet might save it
        conn.execute(
            "UPDATE sources SET content = ? WHERE path = 'seoul/stations.csv'",
            ("역,노선\n강남,2\n".encode("cp949"),),
        )
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with pytest.raises(ImportRejected, match="not UTF-8"):
        world.repo.publish_snapshot(broken)  # the workstation refuses it first ...
    packed = tmp_path / "broken.sqlite.gz"
    world.repo.publish(packed, artifact.pack(broken, packed, 1))  # ... a careless tool did not
    err = refused(world, "invalid-snapshot")
    assert "not UTF-8" in err.message and "release 1" in err.message


def test_an_unreachable_repository_is_reported(world, releases, tmp_path):
    pull_release_one(world, releases)
    closed = UpdateClient(
        "http://127.0.0.1:9", world.root, world.client.cache_dir, world.kb, timeout_s=2
    )
    with pytest.raises(UpdateRejected) as info:
        closed.pull()
    assert info.value.reason == "unreachable" and "serving version 1 unchanged" in str(info.value)


def test_a_missing_trusted_root_says_where_to_put_it(world, tmp_path):
    lost = UpdateClient(world.url, tmp_path / "nope.json", tmp_path / "cache", world.kb)
    with pytest.raises(UpdateRejected, match=r"no trusted root at .*nope\.json"):
        lost.pull()
