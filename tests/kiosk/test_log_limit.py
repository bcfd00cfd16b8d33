"""RepeatLimiter: a flood from one call site is cut to a burst per interval, and says so."""

from __future__ import annotations

import io
import logging

from kiosk.log_limit import RepeatLimiter


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _logger(limiter: RepeatLimiter) -> tuple[logging.Logger, io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(limiter)
    log = logging.getLogger(f"test-log-limit-{id(limiter)}")
    log.propagate = False
    log.addHandler(handler)
    return log, out


def test_a_flood_is_cut_to_the_burst_and_the_drops_are_counted() -> None:
    clock = _Clock()
    log, out = _logger(RepeatLimiter(burst=3, interval=60.0, clock=clock))

    def accept_failed(fd: int) -> None:
        log.warning("accept failed on fd %d", fd)  # one call site, changing arguments

    for fd in range(1000):
        accept_failed(fd)
    log.warning("another message")  # a different site is not held back
    clock.now = 61.0
    accept_failed(1000)
    lines = out.getvalue().splitlines()
    assert lines[:3] == ["accept failed on fd 0", "accept failed on fd 1", "accept failed on fd 2"]
    assert lines[3] == (
        "accept failed on fd 3 [repeating: more like this are dropped for up to 60 s]"
    )
    assert lines[4] == "another message"
    assert lines[5] == "accept failed on fd 1000 [996 more like this were dropped before it]"
    assert len(lines) == 6


def test_call_sites_are_forgotten_oldest_first() -> None:
    limiter = RepeatLimiter(burst=1, max_sites=2, clock=_Clock())
    log, _ = _logger(limiter)
    log.warning("one")
    log.warning("two")
    log.warning("three")
    assert len(limiter._sites) == 2
