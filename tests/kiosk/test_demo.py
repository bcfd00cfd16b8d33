"""`kiosk demo` through its real entry point: the README's first command after set-up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kiosk.samples import load_questions


@pytest.mark.models
def test_demo_answers_or_asks_and_never_names_another_station(tmp_path) -> None:
    """Every sample is heard and answered; a spoken question the kiosk asks back about gets
    the passenger's reply in the same conversation; an answer to a spoken transit question
    holds the words its data says (`expect`), or is no answer at all."""
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "demo", "--json", "--data-dir", str(tmp_path / "data"),
         "--out", str(tmp_path / "replies")],
        capture_output=True, text=True, timeout=900, check=True,
    )  # fmt: skip
    records = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    expected = {q["speak"]: q.get("expect", []) for q in load_questions() if "speak" in q}
    asked = [r for r in records if r["outcome"] == "clarify"]
    assert len(records) >= len(load_questions()) + len(asked)
    replies = [r for r in records if r["sample"].startswith("the passenger replies")]
    assert len(replies) >= len([r for r in asked if "Did you mean" in r["answer"]])
    assert (tmp_path / "replies").is_dir()
    # Every turn in the message: a failure shows what was heard before it (a CI run's reply
    # "Yes" was answered as a route; its question turn had been cut from the message).
    turns = [(r["sample"][:40], r["transcript"], r["outcome"], r["answer"][:80]) for r in records]
    expect: list[str] = []
    for record in records:
        assert record["outcome"] != "no_speech", turns
        if not record["sample"].startswith("the passenger replies"):
            expect = expected.get(record["sample"].rsplit(" (", 1)[0], [])
        if expect and record["outcome"] == "answered":  # a reply answers the question asked
            assert all(word in record["answer"] for word in expect), turns
