"""A module of scripts/ (not a package) loaded by its path: the same code CI and people run."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.kit.paths import REPO


def load_script(name: str) -> ModuleType:
    path = REPO / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module
