"""A short soak in CI: turns of every kind through the real pipeline and models, in a row, with
no crash, RSS growth under 5 % after the warm-up and no file-descriptor or thread growth.

The same code runs the long soak: `.venv/bin/python scripts/soak.py --turns 1000`.
"""

from __future__ import annotations

import asyncio

from kiosk.app import Kiosk
from tests.reliability.conftest import soak

TURNS = 24
WARMUP = 12  # more than one cycle of turn kinds: every code path and cache is warm


def test_short_soak_has_no_crash_and_no_leak(real_kiosk: Kiosk):
    report = asyncio.run(soak.soak(real_kiosk, TURNS, WARMUP))
    print("\n" + report.text())
    assert report.errors == []
    assert sum(report.outcomes.values()) == TURNS
    kinds = {key.split(":")[0] for key in report.outcomes}
    assert kinds == set(soak.KINDS)
    assert report.outcomes.get("barge_in:interrupted")  # a reply really was cut short
    assert report.outcomes.get("barge_in_llm:interrupted")  # abandoned inside the LLM
    assert "llm_en:llm-not-asked" not in report.outcomes
    assert report.rss_growth < 0.05
    assert report.end.fds <= report.warm.fds
    # soak() has already given abandoned answer workers up to 10 s to end: what is left stays.
    assert report.end.threads <= report.warm.threads, report.threads_added()
