"""scripts/compare_llms.py: its free-form questions take their expected facts from the records,
and the whole comparison runs through the real answerer with the bundled SmolLM2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kit.scripts import load_script


def test_free_form_facts_come_from_the_records(real_kb) -> None:
    compare = load_script("compare_llms")
    items = compare.free_items(real_kb, 2)
    assert [i.lang for i in items] == ["ko", "ko", "ja", "ja", "zh", "zh", "en", "en"]
    elevator, lines = items[0], items[1]
    records = real_kb.elevators(elevator.station)
    exits = {str(f.data["exit"]) for f in records if f.data.get("exit")}
    assert elevator.kind == "elevator" and elevator.facts and elevator.facts <= exits
    assert lines.facts == {line.id for line in real_kb.lines_at(lines.station)}
    assert real_kb.complex(elevator.station).name("ko") in elevator.question
    finder = compare.LineFinder(None)
    some_exit = sorted(elevator.facts)[0]
    assert compare.facts_in(f"Take exit {some_exit}.", elevator, finder) == {some_exit}
    assert compare.facts_in("Take exit 999.", elevator, finder) == set()


@pytest.mark.models
def test_the_comparison_runs_with_the_real_smollm2(tmp_path: Path, capsys) -> None:
    """English only: SmolLM2 reads Korean, Japanese and Chinese byte by byte, several seconds
    per prompt on 2 cores (the four languages are BENCHMARKS.md's run)."""
    args = ["--llm", "smollm2", "--per-lang", "2", "--reader-items", "1", "--langs", "en"]
    args += ["--sets", "questions.yaml", "--data-dir", str(tmp_path)]
    assert load_script("compare_llms").main(args) == 0
    out = capsys.readouterr().out
    assert "### smollm2: (a) reading questions, load average" in out
    assert "### smollm2: (b) grounded free-form answers, load average" in out
    assert "| en | 1 |" in out and "| ko |" not in out  # (a): one item the rules cannot read
    assert "| en | 2 | " in out  # (b): two questions
