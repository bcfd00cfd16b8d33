"""The `kiosk` command line: one module per group of subcommands, assembled by `main`."""

from kiosk.cli.main import main

__all__ = ["main"]
