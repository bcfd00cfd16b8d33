"""The languages the kiosk speaks, each declared once (`registry.Language`) in its own folder.

A leaf package: it imports nothing from voice/, knowledge/ or kiosk/, and all three read it.
Importing it registers the built-in languages in order ko, en, zh, ja; a new language is a
folder like `languages/ko/` plus one `register` call here.
"""

from __future__ import annotations

from languages import en, ja, ko, zh
from languages.registry import Language, all, codes, find, get, register, unregister, version

for _builtin in (ko, en, zh, ja):
    register(_builtin.LANGUAGE)

__all__ = ["Language", "all", "codes", "find", "get", "register", "unregister", "version"]
