"""The kiosk daemon, its configuration, models, CLI and HTTP interface."""

__version__ = "0.1.0"
