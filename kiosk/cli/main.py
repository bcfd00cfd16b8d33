"""`kiosk`: the command line of the station kiosk.

Each concern registers its own subcommands (`kb`, `answer`, `voice`, ...); this module only
assembles them and turns KioskError into one clear line and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.cli.answer import add_answer_commands
from kiosk.cli.bench import add_bench_commands
from kiosk.cli.common import add_global_flags, configure_logging, settings_from_args
from kiosk.cli.kb import add_kb_commands
from kiosk.cli.models import add_models_commands
from kiosk.cli.serve import add_serve_commands
from kiosk.cli.voice import add_voice_commands
from kiosk.errors import KioskError
from knowledge.errors import KnowledgeError
from voice.errors import VoiceError

EXIT_ERROR = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Offline voice information kiosk for subway stations (ko/en/zh/ja).",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    add_global_flags(common)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    config = subparsers.add_parser(
        "config",
        parents=[common],
        help="validate the settings file and print the effective settings",
        description="Load the settings (file + flags), validate them and print the result.",
    )
    config.set_defaults(func=cmd_config)

    for register in (
        add_models_commands,
        add_kb_commands,
        add_answer_commands,
        add_voice_commands,
        add_bench_commands,
        add_serve_commands,
    ):
        register(subparsers, common)
    return parser


def cmd_config(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    print(f"# from {settings.source or 'built-in defaults'}")
    for section in ("station", "languages", "models", "audio", "http", "data", "privacy"):
        print(f"[{section}]")
        values = getattr(settings, section)
        for name in values.__dataclass_fields__:
            value = getattr(values, name)
            if name == "admin_token":
                value = "(set)" if value else "(empty: admin API disabled)"
            print(f"{name} = {value!r}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    verbose = getattr(args, "verbose", False)
    library_debug = False
    if verbose:  # a bad settings file is reported by the command itself, in one line
        with contextlib.suppress(KioskError):
            library_debug = settings_from_args(args).privacy.debug
    configure_logging(verbose, library_debug)
    try:
        return int(args.func(args) or 0)
    except (KioskError, KnowledgeError, VoiceError) as err:
        # Every package's errors carry a stable code; print one line, never a traceback.
        print(f"kiosk: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
