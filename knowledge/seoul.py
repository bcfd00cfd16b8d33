"""Parser for the vendored Seoul CSVs (see knowledge/data/seoul/SOURCES.md and QUALITY.md).

Known gaps are handled, not hidden: missing zh/ja names, and the seven whose characters the
source lost to "?" (始?大也), fall back to English and are marked in
`StationRec.fallback`; line labels are mapped through `knowledge.lines` (our table); stations
without edges stay resolvable but have no neighbours; coordinates marked `OA-21232:name(...)`
are approximate and kept with their `coord_source`.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import languages
from knowledge.dataset import Dataset, EdgeRec, FactRec, StationRec, nfc
from knowledge.lines import Line
from knowledge.records import Issue

logger = logging.getLogger(__name__)

STATION_COLUMNS = ("station_cd", "fr_code", "line", "name_ko", "name_en", "name_zh", "name_ja")
ELEVATOR_STATUS = {
    "사용가능": {"en": "in service", "zh": "可使用", "ja": "使用可能"},
    "보수중": {"en": "under repair", "zh": "维修中", "ja": "補修中"},
}
STATUS_DATE = "2026-07-28"  # snapshot date of the elevator file, per SOURCES.md D


def read_csv(path: Path, ds: Dataset, required: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """Rows with their 1-based file line numbers; a missing column is one issue for the file."""
    label = path.name
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            ds.issues.append(Issue(label, 1, ",".join(missing), "missing column"))
            return
        for row in reader:
            yield reader.line_num, {k: nfc(v or "") for k, v in row.items() if k}


def _line(ds: Dataset, file: str, lineno: int, label: str) -> Line | None:
    line = ds.lines.resolve(label)
    if line is None:
        ds.issues.append(Issue(file, lineno, "line", f"unknown line label {label!r}"))
    else:
        ds.used_lines.add(line.id)
    return line


def _float(ds: Dataset, file: str, lineno: int, name: str, value: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        ds.issues.append(Issue(file, lineno, name, f"not a number: {value!r}"))
        return None


def parse_stations(path: Path, ds: Dataset) -> None:
    seen: dict[str, int] = {}
    for lineno, row in read_csv(path, ds, STATION_COLUMNS):
        code = row["station_cd"]
        if not code:
            ds.issues.append(Issue(path.name, lineno, "station_cd", "empty"))
            continue
        if code in seen:
            ds.issues.append(
                Issue(path.name, lineno, "station_cd", f"duplicate of line {seen[code]}")
            )
            continue
        seen[code] = lineno
        line = _line(ds, path.name, lineno, row["line"])
        if not row["name_ko"]:
            ds.issues.append(Issue(path.name, lineno, "name_ko", "empty"))
        if line is None or not row["name_ko"]:
            continue
        # The file writes the apostrophe as a backtick (`Seoul Nat`l Univ.`): shown and read out.
        names = {lang: row.get(f"name_{lang}", "").replace("`", "’") for lang in languages.codes()}
        for lang in ("zh", "ja"):
            if "?" in names[lang]:  # a character lost in the source's encoding (始?大也)
                names[lang] = ""  # never shown or matched: the English name stands in
        fallback = tuple(lang for lang in ("zh", "ja") if not names[lang])
        for lang in fallback:
            names[lang] = names["en"] or names["ko"]
        lat = _float(ds, path.name, lineno, "lat", row.get("lat", ""))
        lon = _float(ds, path.name, lineno, "lon", row.get("lon", ""))
        ds.stations.append(
            StationRec(
                code=code,
                line_id=line.id,
                names=names,
                fallback=fallback,
                lat=lat,
                lon=lon,
                coord_source=row.get("coord_source", ""),
                fr_code=row["fr_code"],
                source_id=f"station:{code}",
            )
        )


def parse_edges(path: Path, ds: Dataset) -> None:
    codes = {st.code: st for st in ds.stations}
    for lineno, row in read_csv(path, ds, ("line", "from_station_cd", "to_station_cd")):
        line = _line(ds, path.name, lineno, row["line"])
        for fld in ("from_station_cd", "to_station_cd"):
            if row[fld] not in codes:
                ds.issues.append(Issue(path.name, lineno, fld, f"unknown station {row[fld]!r}"))
        if line is None or row["from_station_cd"] not in codes or row["to_station_cd"] not in codes:
            continue
        a, b = row["from_station_cd"], row["to_station_cd"]
        ds.edges.append(
            EdgeRec(
                line_id=line.id,
                a=a,
                b=b,
                distance_m=_float(ds, path.name, lineno, "distance_m", row.get("distance_m", "")),
                source_id=f"edge:{line.id}:{a}-{b}",
            )
        )


def _station_texts(st: StationRec, line: Line) -> dict[str, str]:
    n = st.names
    return {
        "ko": f"{n['ko']}역 {line.names['ko']}",
        "en": f"{n['en']} Station, {line.names['en']}",
        "zh": f"{n['zh']}站 {line.names['zh']}",
        "ja": f"{n['ja']}駅 {line.names['ja']}",
    }


def parse_elevators(path: Path, ds: Dataset) -> None:
    codes = {st.code: st for st in ds.stations}
    counter: dict[str, int] = defaultdict(int)
    for lineno, row in read_csv(path, ds, ("station_cd", "line", "location", "status")):
        st = codes.get(row["station_cd"])
        if st is None:
            ds.issues.append(Issue(path.name, lineno, "station_cd", "unknown station"))
            continue
        line = ds.lines.get(st.line_id)
        counter[st.code] += 1
        loc, status = row["location"], row["status"]
        tr = ELEVATOR_STATUS.get(
            status, {"en": "status unknown", "zh": "状态不明", "ja": "状態不明"}
        )
        where = _station_texts(st, line)
        texts = {
            "ko": f"{where['ko']} 엘리베이터: {loc} ({status or '상태 미상'}, {STATUS_DATE} 기준)",
            "en": f"{where['en']} elevator: {loc} ({tr['en']} as of {STATUS_DATE})",
            "zh": f"{where['zh']} 电梯：{loc}（{STATUS_DATE} {tr['zh']}）",
            "ja": f"{where['ja']} エレベーター：{loc}（{STATUS_DATE}時点 {tr['ja']}）",
        }
        data = {"location": loc, "status": status, "status_date": STATUS_DATE}
        exit_no = re.match(r"(\d+)번 출", loc)
        if exit_no:
            data["exit"] = exit_no.group(1)
        ds.facts.append(
            FactRec(
                f"elevator:{st.code}:{counter[st.code]}", "elevator", st.code, line.id, texts, data
            )
        )


def parse_transfer_steps(path: Path, ds: Dataset) -> None:
    """Group consecutive rows (step_no restarts at 1) into one transfer-route fact each."""
    by_line_name = {(st.line_id, st.names["ko"]): st for st in ds.stations}
    groups: list[list[tuple[int, dict]]] = []
    for lineno, row in read_csv(path, ds, ("line", "station_name", "step_no", "step_detail")):
        if row["step_no"] == "1" or not groups:
            groups.append([])
        groups[-1].append((lineno, row))
    counter: dict[str, int] = defaultdict(int)
    skipped = 0
    for group in groups:
        lineno, first = group[0]
        line = ds.lines.resolve(first["line"])
        st = by_line_name.get((line.id, first["station_name"])) if line else None
        if st is None or line is None:
            skipped += 1
            continue
        target = _transfer_target(ds, group, line)
        if target is None:
            skipped += 1
            continue
        to_line, to_dir = target
        from_dir = first.get("transfer_to", "")
        steps = [r["step_detail"] for _, r in group]
        counter[st.code] += 1
        sid = f"transfer:{st.code}:{counter[st.code]}"
        where = _station_texts(st, line)
        body = " ".join(steps)
        zh_lines = f"{line.names['zh']} → {to_line.names['zh']}"
        ja_lines = f"{line.names['ja']} → {to_line.names['ja']}"
        texts = {
            "ko": f"{st.names['ko']}역 환승 {from_dir} → {to_dir}: {body}",
            "en": f"Transfer at {where['en']} to {to_line.names['en']} ({to_dir}): {body}",
            "zh": f"{st.names['zh']}站 换乘 {zh_lines}（{to_dir}）：{body}",
            "ja": f"{st.names['ja']}駅 乗り換え {ja_lines}（{to_dir}）：{body}",
        }
        data = {
            "from_line": line.id,
            "to_line": to_line.id,
            "from_direction": from_dir,
            "to_direction": to_dir,
            "steps": steps,
            "file_line": lineno,
        }
        ds.facts.append(FactRec(sid, "transfer", st.code, line.id, texts, data))
    if skipped:
        logger.info("transfer groups without a matching station or target line: %d", skipped)


def _transfer_target(
    ds: Dataset, group: list[tuple[int, dict]], line: Line
) -> tuple[Line, str] | None:
    last = group[-1][1].get("transfer_to", "")
    found = ds.lines.prefix(last) if last else None
    if found and found[0].id != line.id:
        return found[0], last
    for _, row in group:
        m = re.search(r"(\S+?선|\S+?호선|GTXA|GTX-A)\s*방향", row["step_detail"])
        if m and (target := ds.lines.resolve(m.group(1))) and target.id != line.id:
            return target, last or row["step_detail"]
    if found:  # same-line transfer (e.g. branch change at a junction)
        return found[0], last
    return None


KRIC_KINDS = {"EV": "elevator", "TOLT": "toilet"}  # the only gubun codes SOURCES.md documents
SEX = {"male": ("남자", "men's", "男", "男性"), "female": ("여자", "women's", "女", "女性")}


def parse_kric(path: Path, ds: Dataset) -> None:
    by_fr = {(st.line_id, st.fr_code): st for st in ds.stations}
    seen: dict[tuple, int] = {}
    for lineno, row in read_csv(path, ds, ("ln_cd", "stin_cd", "gubun_raw", "location")):
        kind = KRIC_KINDS.get(row["gubun_raw"])
        if kind is None:
            continue  # ELEC/INFO/FEED codes are undocumented in the source: not guessed
        st = by_fr.get((row["ln_cd"], row["stin_cd"]))
        if st is None:
            ds.issues.append(Issue(path.name, lineno, "stin_cd", "no station with this line/code"))
            continue
        key = (st.code, kind, row["location"], row.get("toilet_sex", ""))
        if key in seen:
            continue  # the source repeats identical rows
        seen[key] = lineno
        n = len(seen)
        loc = row["location"]
        sex = SEX.get(row.get("toilet_sex", ""))
        line = ds.lines.get(st.line_id)
        where = _station_texts(st, line)
        if kind == "toilet":
            ko_kind, en_kind, zh_kind, ja_kind = (
                (f"{sex[0]} 화장실", f"{sex[1]} toilet", f"{sex[2]}厕所", f"{sex[3]}用トイレ")
                if sex
                else ("화장실", "toilet", "厕所", "トイレ")
            )
        else:
            ko_kind, en_kind, zh_kind, ja_kind = ("엘리베이터", "elevator", "电梯", "エレベーター")
        texts = {
            "ko": f"{where['ko']} {ko_kind}: {loc}",
            "en": f"{where['en']} {en_kind}: {loc}",
            "zh": f"{where['zh']} {zh_kind}：{loc}",
            "ja": f"{where['ja']} {ja_kind}：{loc}",
        }
        data = {
            "location": loc,
            "floor_code": row.get("floor", ""),
            "sex": row.get("toilet_sex", ""),
        }
        sid = f"kric:{st.code}:{n}"
        ds.facts.append(FactRec(sid, kind, st.code, line.id, texts, data))


def parse_seoul_dir(folder: Path, ds: Dataset) -> None:
    """Parse every Seoul file present in `folder`; stations.csv is required, the rest optional."""
    parse_stations(folder / "stations.csv", ds)
    for name, fn in (
        ("edges.csv", parse_edges),
        ("elevators_seoulmetro.csv", parse_elevators),
        ("transfer_walk_steps.csv", parse_transfer_steps),
        ("station_convenience_kric.csv", parse_kric),
    ):
        if (folder / name).exists():
            fn(folder / name, ds)
