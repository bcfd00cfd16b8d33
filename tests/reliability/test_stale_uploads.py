"""Upload folders of imports killed mid-way are removed when the kiosk starts again (#17 low):
they held whole uploads (up to 20 MB each) and piled up under DATA_DIR/uploads forever."""

from __future__ import annotations

from pathlib import Path

from kiosk.service import KioskService, ServeOptions
from tests.kit.settings import make_settings


def test_a_restarted_kiosk_removes_the_upload_folders_of_killed_imports(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "var")
    uploads = settings.data.dir / "uploads"
    for name in ("upload-k1ll3d", "upload-x7q2"):  # as `_Staged` names them
        (uploads / name).mkdir(parents=True)
        (uploads / name / "upload.zip").write_bytes(b"PK" + b"\0" * 1000)
    kept = uploads / "notes"  # not ours: left alone
    kept.mkdir()

    KioskService(settings, ServeOptions(port=0))

    assert sorted(p.name for p in uploads.iterdir()) == ["notes"]
