"""The operator's and the kiosk's commands end to end: `kiosk kb keys init`, `kb publish`,
`kb pull` over real HTTP, `kb keys rotate`, and `kiosk ask` answering from the pulled data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tuf.api.metadata import Metadata

from kiosk.cli import main
from kiosk.updates.repository import KeyStore
from tests.kiosk.updates.conftest import Releases, static_server

SEOLLEUNG = "Which lines stop at Seolleung?"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def ask(capsys: pytest.CaptureFixture[str], kb_dir: Path) -> str:
    assert main(["ask", "--no-llm", "--kb-dir", str(kb_dir), SEOLLEUNG, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["answer"]


def test_publish_pull_round_trip_and_the_kiosk_answers_from_the_new_release(
    tmp_path, releases: Releases, capsys
):
    repo, keys = tmp_path / "repo", tmp_path / "keys"
    operator = ("--repo", str(repo), "--keys", str(keys), "--kb-dir", str(tmp_path / "ws"))
    code, made = run(capsys, "kb", "keys", "init", *operator)
    assert code == 0 and set(made["keys"]) == {"root", "targets", "snapshot", "timestamp"}
    code, one = run(capsys, "kb", "publish", str(releases.data_one), *operator, "--no-embed")
    assert code == 0 and one["release"] == 1 and one["counts"]["stations"] > 0
    kiosk = tmp_path / "kiosk"
    with static_server(repo) as url:
        pull = (
            "kb",
            "pull",
            "--data-dir",
            str(kiosk),
            "--url",
            url,
            "--root",
            made["trusted_root"],
        )
        code, first = run(capsys, *pull)
        assert code == 0 and (first["status"], first["release"], first["version"]) == (
            "updated",
            1,
            1,
        )
        assert "don't know a station called" in ask(capsys, kiosk / "kb")
        code, again = run(capsys, *pull)
        assert again["status"] == "current" and again["downloaded_bytes"] < 2_000
        code, two = run(capsys, "kb", "publish", str(releases.data_two), *operator, "--no-embed")
        assert code == 0 and two["release"] == 2
        code, second = run(capsys, *pull)
        assert (second["status"], second["release"], second["version"]) == ("updated", 2, 2)
        answer = ask(capsys, kiosk / "kb")
        assert "Seolleung" in answer and "Line 2" in answer
        code, status = run(capsys, "kb", "status", "--data-dir", str(kiosk))
        assert status["version"] == 2 and status["source"].startswith("tuf release 2 sha256:")


def test_rotated_keys_reach_a_kiosk_that_trusts_only_the_first_root(
    tmp_path, releases: Releases, capsys
):
    repo, keys = tmp_path / "repo", tmp_path / "keys"
    operator = ("--repo", str(repo), "--keys", str(keys))
    assert run(capsys, "kb", "keys", "init", *operator)[0] == 0
    first_root = tmp_path / "shipped-root.json"
    first_root.write_bytes((repo / "metadata" / "1.root.json").read_bytes())
    assert run(capsys, "kb", "publish", str(releases.one), *operator)[0] == 0
    kiosk = tmp_path / "kiosk"
    with static_server(repo) as url:
        pull = ("kb", "pull", "--data-dir", str(kiosk), "--url", url, "--root", str(first_root))
        assert run(capsys, *pull)[1]["version"] == 1
        code, rotated = run(capsys, "kb", "keys", "rotate", "root", *operator)
        assert code == 0 and rotated["versions"]["root"] == 2
        code, rotated = run(capsys, "kb", "keys", "rotate", "timestamp", *operator)
        assert code == 0 and rotated["versions"]["root"] == 3
        retired = rotated["retired"][0]
        assert (keys / "retired" / f"{retired}.pem").is_file()
        new_root = Metadata.from_file(str(repo / "metadata" / "2.root.json"))
        assert len(new_root.signatures) == 2  # the old root key and the new one
        assert run(capsys, "kb", "publish", str(releases.two), *operator)[0] == 0
        assert main(["kb", "publish", str(releases.two), *operator]) != 0  # the same file again
        assert "is release 2 already: nothing to publish" in capsys.readouterr().err
        code, pulled = run(capsys, *pull)
        assert code == 0 and (pulled["status"], pulled["version"]) == ("updated", 2)
        assert (kiosk / "updates" / "metadata" / "root_history" / "3.root.json").is_file()
        # A fresh kiosk shipped with root v1 walks both rotations too.
        fresh = ("kb", "pull", "--data-dir", str(tmp_path / "fresh"), "--url", url)
        assert run(capsys, *fresh, "--root", str(first_root))[1]["release"] == 2
        # The retired timestamp key no longer counts: a timestamp it signs is refused.
        timestamp = repo / "metadata" / "timestamp.json"
        forged = Metadata.from_file(str(timestamp))
        forged.signed.version += 1
        old_key = Metadata.from_file(str(repo / "metadata" / "1.root.json")).signed.keys[retired]
        signer = KeyStore(keys / "retired").signer(old_key)
        assert signer is not None
        forged.sign(signer)
        forged.to_file(str(timestamp))
        code, rejected = run(capsys, *pull)
        assert code == 1 and rejected["reason"] == "untrusted-signature"
        assert run(capsys, "kb", "status", "--data-dir", str(kiosk))[1]["version"] == 2


def test_publish_without_a_repository_says_how_to_make_one(tmp_path, releases, capsys):
    code = main(["kb", "publish", str(releases.one), "--repo", str(tmp_path / "r"), "--keys", "k"])
    assert code != 0
    assert "create one with `kiosk kb keys init`" in capsys.readouterr().err


def test_rotation_without_the_root_key_writes_nothing(tmp_path, capsys):
    repo, keys = tmp_path / "repo", tmp_path / "keys"
    assert run(capsys, "kb", "keys", "init", "--repo", str(repo), "--keys", str(keys))[0] == 0
    root_id = Metadata.from_file(str(repo / "metadata" / "1.root.json")).signed.roles["root"]
    (keys / f"{root_id.keyids[0]}.pem").rename(tmp_path / "usb-stick.pem")  # kept offline
    code = main(["kb", "keys", "rotate", "targets", "--repo", str(repo), "--keys", str(keys)])
    assert code != 0 and "root needs 1 signature(s)" in capsys.readouterr().err
    assert not (repo / "metadata" / "2.root.json").exists()
    assert len(list(keys.glob("*.pem"))) == 3  # the would-be new key was not kept
