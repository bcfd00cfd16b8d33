"""What every subcommand shares: the global flags and settings built from them."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from kiosk.config import Settings, load_settings
from kiosk.log_limit import RepeatLimiter


def add_global_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="settings file (default: $KIOSK_CONFIG, ./kiosk.toml, /etc/kiosk/kiosk.toml, "
        "else built-in defaults)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="writable state folder: knowledge base, model cache, audit log (default: ./var)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")


def settings_from_args(args: argparse.Namespace, **overrides: Any) -> Settings:
    """Settings from --config, with --data-dir and the subcommand's own flags applied."""
    merged = {"data.dir": getattr(args, "data_dir", None), **overrides}
    return load_settings(getattr(args, "config", None), merged)


OWN_LOGGERS = ("kiosk", "knowledge", "voice", "languages")
"""Packages whose debug lines are written to hold no passenger words (the style rule)."""


def configure_logging(verbose: bool, library_debug: bool = False) -> None:
    """INFO, or with `-v` the kiosk's own DEBUG detail. Libraries' debug logs carry what was
    heard and said (Piper logs every sentence it speaks), so they open up only when
    `privacy.debug` is on as well (`library_debug`)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose and library_debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.NOTSET)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RepeatLimiter())  # a flood of one message cannot fill the disk
    # faster-whisper logs every utterance's duration at INFO; that is per-passenger detail.
    quiet = not (verbose and library_debug)
    logging.getLogger("faster_whisper").setLevel(logging.WARNING if quiet else logging.DEBUG)
    # python-tuf logs each signature it looks for and does not find at INFO: routine, not news.
    logging.getLogger("tuf").setLevel(logging.WARNING if quiet else logging.DEBUG)


def print_json(payload: Any) -> None:
    print(json.dumps(payload, ensure_ascii=False, default=str))
