"""`kiosk models`: every model the kiosk loads, its licence, and whether each file matches its
sha256 pin (kiosk/model_pins.toml). Exits 1 naming a missing or corrupt file."""

from __future__ import annotations

import argparse
import sys

from kiosk.cli.common import print_json, settings_from_args
from kiosk.model_report import ModelInfo, describe_models

EXIT_ERROR = 1


def add_models_commands(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    models = subparsers.add_parser(
        "models",
        parents=[common],
        help="list every model: role, languages, source, size, sha256 against its pin, licence",
        description="List every model the kiosk uses, hash every file it loads and compare it "
        "with the sha256 pinned in kiosk/model_pins.toml. Exits 1 naming each model that is "
        "missing or whose file differs from its pin (corrupt, or not the packaged file).",
    )
    models.add_argument("--json", action="store_true", help="print JSON instead of a table")
    models.set_defaults(func=cmd_models)


def cmd_models(args: argparse.Namespace) -> int:
    infos = describe_models(settings_from_args(args))
    if args.json:
        print_json([info.as_dict() for info in infos])
    else:
        print(models_report(infos))
    bad = [info for info in infos if not info.present]
    for info in bad:
        print(f"kiosk: model problem, {info.role}: {info.problem}", file=sys.stderr)
    return EXIT_ERROR if bad else 0


def models_report(infos: list[ModelInfo]) -> str:
    """Human-readable table."""
    lines = []
    for info in infos:
        status = "ok" if info.present else f"PROBLEM: {info.problem}"
        if info.present and info.group:
            status += ", sha256 pinned and matching" if info.pinned else ", not pinned"
        lines.append(f"{info.role}: {info.name} [{status}]")
        lines.append(f"    languages: {', '.join(info.languages) or '-'}   licence: {info.licence}")
        lines.append(f"    source: {info.source}")
        lines.append(f"    path: {info.path}")
        if info.present:
            lines.append(f"    size: {info.size_bytes / 1e6:.1f} MB   sha256: {info.sha256 or '-'}")
    return "\n".join(lines)
