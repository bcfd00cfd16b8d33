"""From a path an operator hands us to a validated Dataset.

An import is layered on the serving version: its raw files are kept inside every snapshot
(`sources` table), so importing only `operator/강남.yaml` keeps the base data and the other
stations' files. Importing base data (Seoul CSVs or a GTFS feed) replaces all previous base data.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
import zipfile
import zlib
from pathlib import Path

from knowledge import db
from knowledge.dataset import Dataset, group_complexes
from knowledge.errors import ImportRejected
from knowledge.gtfs import GTFS_FILES, parse_gtfs_dir
from knowledge.operator import parse_notices_file, parse_operator_file
from knowledge.records import Issue
from knowledge.seoul import parse_seoul_dir

logger = logging.getLogger(__name__)

BUNDLED = Path(__file__).parent / "data"
SEOUL_FILES = (
    "stations.csv",
    "edges.csv",
    "elevators_seoulmetro.csv",
    "transfer_walk_steps.csv",
    "station_convenience_kric.csv",
    "SOURCES.md",
    "QUALITY.md",
)
BASE_PREFIXES = ("seoul/", "gtfs/")
MAX_YAML_BYTES = 1_000_000
"""An operator station file or a notices file is a few kilobytes; a megabyte is a mistake."""
MAX_DATA_BYTES = 300_000_000
"""Largest base-data file (a city's GTFS stop_times.txt is the big one)."""
TEXT_SUFFIXES = (".csv", ".txt", ".yaml", ".yml", ".md")


def collect(path: Path) -> dict[str, bytes]:
    """Logical name -> bytes for every file we understand under `path`."""
    path = Path(path)
    out: dict[str, bytes] = {}
    if not path.exists():
        raise FileNotFoundError(path)
    if path.is_file():
        if path.suffix == ".zip":
            out.update(_gtfs_zip(path))
        elif path.suffix in (".yaml", ".yml"):
            out[_yaml_slot(path)] = path.read_bytes()
        elif path.name in SEOUL_FILES:
            out.update(_seoul(path.parent))
        elif path.name in GTFS_FILES:
            out.update(_gtfs(path.parent))
        return out
    for folder in (path, path / "seoul"):
        if (folder / "stations.csv").exists():
            out.update(_seoul(folder))
    for folder in (path, path / "gtfs"):
        if (folder / "stops.txt").exists():
            out.update(_gtfs(folder))
    for folder in (path, path / "operator", path / "notices"):
        if folder.is_dir():
            for f in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
                out[_yaml_slot(f)] = f.read_bytes()
    return out


def _gtfs_zip(path: Path) -> dict[str, bytes]:
    """The GTFS members of a zip; one that is not a readable zip is an issue, not a crash."""
    out: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            budget = MAX_DATA_BYTES
            for info in zf.infolist():
                if Path(info.filename).name in GTFS_FILES:
                    data = _unpacked(zf, info, budget)
                    budget -= len(data)
                    out[f"gtfs/{Path(info.filename).name}"] = data
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
        issue = Issue(path.name, 1, "zip", f"not a readable zip archive: {err}")
        raise ImportRejected([issue]) from err
    return out


def _unpacked(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """One member, read only as far as the size limit: a 1 MB zip whose stops.txt unpacks to
    1 GiB once took 3 GB of memory before any size check (#17.9). Declared sizes can lie, so
    the read itself is bounded too; `budget` is what the zip's other members left."""
    limit = min(MAX_DATA_BYTES, budget)
    name = Path(info.filename).name
    too_big = Issue(name, 1, "-", f"unpacks to more than {limit:,} bytes (the limit)")
    if info.file_size > limit:
        raise ImportRejected([too_big])
    with zf.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise ImportRejected([too_big])
    return data


def _seoul(folder: Path) -> dict[str, bytes]:
    return {f"seoul/{n}": (folder / n).read_bytes() for n in SEOUL_FILES if (folder / n).exists()}


def _gtfs(folder: Path) -> dict[str, bytes]:
    return {f"gtfs/{n}": (folder / n).read_bytes() for n in GTFS_FILES if (folder / n).exists()}


def _yaml_slot(path: Path) -> str:
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    is_notices = any(line.startswith("notices:") for line in head.splitlines())
    return f"{'notices' if is_notices else 'operator'}/{path.name}"


def previous_sources(snapshot: Path | None) -> dict[str, bytes]:
    if snapshot is None:
        return {}
    conn = db.connect(snapshot, readonly=True)
    try:
        return {p: bytes(c) for p, c in conn.execute("SELECT path, content FROM sources")}
    finally:
        conn.close()


def source_hashes(snapshot: Path) -> dict[str, str]:
    """Kept file name -> sha256 in a snapshot (what `kb diff` compares)."""
    conn = db.connect(snapshot, readonly=True)
    try:
        return dict(conn.execute("SELECT path, sha256 FROM sources"))
    finally:
        conn.close()


def merge(previous: dict[str, bytes], new: dict[str, bytes]) -> dict[str, bytes]:
    """New base data replaces all old base data; operator files replace files of the same name."""
    keep = dict(previous)
    if any(k.startswith(BASE_PREFIXES) for k in new):
        keep = {k: v for k, v in keep.items() if not k.startswith(BASE_PREFIXES)}
    keep.update({k: v for k, v in new.items() if not k.startswith("notices/")})
    return keep


def parse(sources: dict[str, bytes], notices: dict[str, bytes] | None = None) -> Dataset:
    """Parse a complete source set; `ds.issues` lists every problem (nothing raised)."""
    ds = Dataset()
    with tempfile.TemporaryDirectory(prefix="kb-parse-") as tmp:
        root = Path(tmp)
        for name, content in {**sources, **(notices or {})}.items():
            problems = check_file(name, content)
            if problems:  # the parsers never see a file that is not clean text
                ds.issues.extend(problems)
                continue
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        has_seoul = (root / "seoul" / "stations.csv").exists()
        has_gtfs = (root / "gtfs" / "stops.txt").exists()
        if has_seoul:
            parse_seoul_dir(root / "seoul", ds)
        if has_gtfs:
            parse_gtfs_dir(root / "gtfs", ds)
        if not has_seoul and not has_gtfs:
            ds.issues.append(
                Issue("(import)", 0, "base", "no station data (stations.csv or stops.txt)")
            )
        keys = set(group_complexes(ds.stations))
        for f in sorted((root / "operator").glob("*.y*ml")) if (root / "operator").exists() else []:
            parse_operator_file(f, ds, keys)
        for f in sorted((root / "notices").glob("*.y*ml")) if (root / "notices").exists() else []:
            parse_notices_file(f, ds)
    return ds


def check_file(name: str, content: bytes, max_reports: int = 5) -> list[Issue]:
    """Size, UTF-8 and CSV shape of one file, before any parser reads it.

    A CP949 file, a truncated row or a stray huge field must become an operator-readable
    `file:line` issue, never an exception halfway through an import.
    """
    label = Path(name).name
    is_yaml = name.startswith(("operator/", "notices/"))
    limit = MAX_YAML_BYTES if is_yaml else MAX_DATA_BYTES
    if len(content) > limit:
        return [Issue(label, 1, "-", f"file is {len(content):,} bytes; the limit is {limit:,}")]
    if not name.endswith(TEXT_SUFFIXES):
        return []
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as err:
        line = content.count(b"\n", 0, err.start) + 1
        return [
            Issue(
                label,
                line,
                "encoding",
                f"not UTF-8 (byte 0x{content[err.start]:02x}); "
                "save the file as UTF-8, not CP949/EUC-KR",
            )
        ]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return [Issue(label, line, "-", "NUL byte: not a text file (or a damaged one)")]
    if not name.endswith((".csv", ".txt")):
        return []
    issues: list[Issue] = []
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, [])
        first_line = reader.line_num + 1  # where the next row starts (a row may span lines)
        for row in reader:
            row_line, first_line = first_line, reader.line_num + 1
            if row and len(row) != len(header):
                issues.append(
                    Issue(
                        label,
                        row_line,
                        "-",
                        f"{len(row)} fields where the header has {len(header)} "
                        "(truncated file or unquoted comma?)",
                    )
                )
                if len(issues) >= max_reports:
                    break
    except csv.Error as err:
        issues.append(Issue(label, first_line, "-", f"CSV: {err}"))
    return issues
