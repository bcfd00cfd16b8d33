"""Settings for tests: the defaults with a private data folder and an admin token."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from kiosk.config import HttpSettings, Settings

ADMIN_TOKEN = "test-operator-token-7f3a9c"


def make_settings(
    data_dir: Path, *, http: dict[str, Any] | None = None, privacy: dict[str, bool] | None = None
) -> Settings:
    """Default settings writing under `data_dir`, the admin API on (`ADMIN_TOKEN`), port 0."""
    settings = Settings()
    http = {"admin_token": ADMIN_TOKEN, "port": 0, **(http or {})}
    return dataclasses.replace(
        settings,
        http=dataclasses.replace(
            HttpSettings(), **{"admin_token": ADMIN_TOKEN, "port": 0, **(http or {})}
        ),
        data=dataclasses.replace(settings.data, dir=data_dir),
        privacy=dataclasses.replace(settings.privacy, **(privacy or {})),
    )
