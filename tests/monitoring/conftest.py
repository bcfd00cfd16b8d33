"""Monitoring tests scrape the same real kiosk HTTP server as tests/kiosk/web."""

from tests.kiosk.web.conftest import harness, make_harness  # noqa: F401  (fixtures)
