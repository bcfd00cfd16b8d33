"""Number shapes every language's speech normaliser reads: clock times and grouped digits."""

from __future__ import annotations

import re

TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")  # 05:30, not 1:2:3 or 12:345
NUMBER = r"\d+(?:,\d{3})+|\d+"
"""A number with optional thousands separators; a comma after it ("exit 10, then") stays."""


def to_int(digits: str) -> int:
    return int(digits.replace(",", ""))
