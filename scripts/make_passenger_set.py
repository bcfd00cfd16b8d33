"""Build the blind passenger evaluation set knowledge/answers/eval/passengers.yaml.

The set is written as an outside tester would: the questions come from the phrasings in
scripts/passenger_phrases.py, and every expected fact is computed here from the public CSVs in
knowledge/data/seoul/ (stations, edges, elevators, transfer walking steps) and the line-name
table in knowledge/data/LINES.md. Nothing is taken from the kiosk's code or answers.

Run from the repository root:

    .venv/bin/python scripts/make_passenger_set.py            # writes the YAML, prints counts
    .venv/bin/python scripts/make_passenger_set.py --out X.yaml   # deterministic (fixed seeds)
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Any

import passenger_phrases as pp
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "knowledge" / "data"
OUT = ROOT / "knowledge" / "answers" / "eval" / "passengers.yaml"
LANGS = ("ko", "en", "zh", "ja")
SEED = "passengers-2026"
COMPLEX_RADIUS_M = 650.0
# kiosk stations: the eight the operator cares most about (weight 3) and a few others
KIOSKS = {
    "강남": 3,
    "사당": 3,
    "서울역": 3,
    "홍대입구": 3,
    "잠실": 3,
    "종로3가": 3,
    "고속터미널": 3,
    "시청": 3,
    "왕십리": 1,
    "공덕": 1,
    "동대문역사문화공원": 1,
    "노원": 1,
    "선릉": 1,
    "충무로": 1,
    "합정": 1,
    "교대": 1,
    "건대입구": 1,
}
# operator files give 강남/사당 example or real fares, lockers, toilets: no unknown_fact there
NO_UNKNOWN_FACT_AT = {"강남", "사당"}
CORE_LINES = {
    *map(str, range(1, 10)),
    "airport",
    "gyeongui-jungang",
    "suin-bundang",
    "shinbundang",
    "ui-sinseol",
    "sillim",
    "gyeongchun",
}
PER_LANG = {
    "lines": 16,
    "route_here": 10,
    "route_from": 10,
    "elevator": 8,
    "transfer": 4,
    "here": 5,
    "landmark": 9,
    "airport": 5,
    "nonexistent": 2,
    "unknown_place": 2,
    "unknown_fact": 3,
    "out_of_scope": 3,
    "injection": 2,
}

# Landmark / nickname -> (station name_ko, why); what passengers call it: pp.LANDMARK_NAMES.
LANDMARKS: dict[str, tuple[str, str]] = {
    "hongdae": ("홍대입구", "홍대/Hongdae is the everyday name of Hongik Univ. station's area"),
    "goteo": ("고속터미널", "고터 is the usual Korean short form of 고속터미널"),
    "ddp": ("동대문역사문화공원", "Dongdaemun Design Plaza stands over it (zh/ja names say DDP)"),
    "coex": ("삼성", "COEX is connected underground to Samseong (zh name 三成(会展中心))"),
    "lotteworld": ("잠실", "Lotte World and Lotte World Tower connect directly to Jamsil"),
    "gyeongbokgung": ("경복궁", "the palace's own station; exit 5 opens into the palace grounds"),
    "namdaemun": ("회현", "Hoehyeon exit 5 opens into Namdaemun Market (zh 会贤(南大门市场))"),
    "insadong": ("안국", "Anguk exit 6 is the north end of Insa-dong-gil"),
    "bukchon": ("안국", "Bukchon Hanok Village is uphill from Anguk exits 2-3"),
    "garosugil": ("신사", "Garosu-gil starts at Sinsa exit 8"),
    "ewha": ("이대", "Ewha Womans University's main gate is at 이대 station"),
    "snu": ("서울대입구", "the station named after Seoul National University"),
    "gwangjang": ("종로5가", "Gwangjang Market is at Jongno 5-ga exits 7-8"),
    "hangangpark": ("여의나루", "Yeouido Hangang Park: Yeouinaru exits 2-3, not 여의도 station"),
    "baseball": ("종합운동장", "Jamsil Baseball Stadium is at Sports Complex, not 잠실 station"),
    "worldcup": ("월드컵경기장", "Seoul World Cup Stadium's own station (line 6)"),
    "fishmarket": ("노량진", "Noryangjin Fish Market is beside Noryangjin station"),
    "dongseoul": ("강변", "Dong Seoul Bus Terminal faces Gangbyeon exit 4 (zh 江边(东首尔客运站))"),
    "chinatown": ("인천", "Incheon Chinatown's gate is across from Incheon station"),
    "deoksugung": ("시청", "Deoksugung's Daehanmun gate is at City Hall exit 2"),
    "konkuk": ("건대입구", "건대 is the short name of Konkuk University and its station"),
    "gadi": ("가산디지털단지", "가디 is the everyday short form of 가산디지털단지"),
    "gudi": ("구로디지털단지", "구디 is the everyday short form of 구로디지털단지"),
    "grandpark": ("대공원", "Seoul Grand Park and Seoul Land are reached from 대공원 station"),
}
AVOID = {"서원"}  # its en/zh/ja names are another name: Sutgogae / 炭岭 / スッコゲ


@dataclass
class Station:
    key: str
    name_ko: str
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def names(self, lang: str) -> list[str]:
        col = f"name_{lang}"
        return list(dict.fromkeys(r[col] for r in self.rows if r[col]))


def load_lines() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Label -> line id and line id -> display names, from the table in LINES.md."""
    label_to_id: dict[str, str] = {}
    names: dict[str, dict[str, str]] = {}
    for raw in (DATA / "LINES.md").read_text(encoding="utf-8").splitlines():
        if not raw.startswith("| `"):
            continue
        cells = [c.strip() for c in raw.strip().strip("|").split("|")]
        labels = re.findall(r"`([^`]+)`", cells[0])
        line_id = cells[1].strip("`")
        if "…" in line_id:  # the N호선 row
            for n in range(1, 10):
                label_to_id[f"0{n}호선"] = label_to_id[f"{n}호선"] = str(n)
                names[str(n)] = dict(
                    zip(LANGS, (c.replace("N", str(n)) for c in cells[2:6]), strict=True)
                )
            continue
        names[line_id] = dict(zip(LANGS, cells[2:6], strict=True))
        for label in labels:
            label_to_id[label] = line_id
    return label_to_id, names


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / "seoul" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def metres(a: dict[str, str], b: dict[str, str]) -> float:
    la1, lo1, la2, lo2 = (math.radians(float(v)) for v in (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2
    h += math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def load_stations(label_to_id: dict[str, str]) -> tuple[dict[str, Station], dict[str, str]]:
    """Group rows into stations (same name_ko within 650 m); return stations and cd -> key."""
    by_name: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_csv("stations.csv"):
        by_name[row["name_ko"]].append(row)
    stations: dict[str, Station] = {}
    cd_to_key: dict[str, str] = {}
    for name, rows in by_name.items():
        clusters: list[list[dict[str, str]]] = []
        for row in sorted(rows, key=lambda r: not r["lat"]):
            home = next(
                (
                    c
                    for c in clusters
                    if not row["lat"]
                    or any(m["lat"] and metres(m, row) <= COMPLEX_RADIUS_M for m in c)
                ),
                None,
            )
            if home is None:
                clusters.append([row])
            else:
                home.append(row)
        for cluster in clusters:
            key = name if len(clusters) == 1 else f"{name}@{label_to_id[cluster[0]['line']]}"
            lines = list(dict.fromkeys(label_to_id[r["line"]] for r in cluster))
            stations[key] = Station(key, name, cluster, lines)
            for r in cluster:
                cd_to_key[r["station_cd"]] = key
    return stations, cd_to_key


def main_component(cd_to_key: dict[str, str]) -> set[str]:
    """Stations reachable from 서울역 over edges.csv (a station's lines share one node)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for e in read_csv("edges.csv"):
        a, b = cd_to_key.get(e["from_station_cd"], ""), cd_to_key.get(e["to_station_cd"], "")
        graph[a].add(b)
        graph[b].add(a)
    seen, todo = {"서울역"}, ["서울역"]
    while todo:
        new = graph[todo.pop()] - seen - {""}
        seen |= new
        todo += new
    return seen


def load_elevators() -> dict[str, str]:
    """name_ko -> smallest exit number with a working elevator at it ("6번 출입구")."""
    exits: dict[str, set[int]] = defaultdict(set)
    for row in read_csv("elevators_seoulmetro.csv"):
        m = re.fullmatch(r"(\d+)번 출입구", row["location"].strip())
        if m and row["status"] == "사용가능":
            exits[row["station_name"]].add(int(m.group(1)))
    return {k: str(min(v)) for k, v in exits.items()}


def load_transfers(label_to_id: dict[str, str]) -> set[tuple[str, str]]:
    """(name_ko, target line id) for every walking route whose last step names a line."""
    labels = sorted(label_to_id, key=len, reverse=True)
    out: set[tuple[str, str]] = set()
    rows = read_csv("transfer_walk_steps.csv")
    for row, nxt in zip(rows, [*rows[1:], {"step_no": "1"}], strict=True):
        if nxt["step_no"] != "1" and nxt["station_name"] == row["station_name"]:
            continue  # not the last step of its route
        target = row["transfer_to"].strip()
        label = next((lb for lb in labels if target.startswith(lb)), None)
        if label and "," not in target:
            out.add((re.sub(r"\(.*\)$", "", row["station_name"]), label_to_id[label]))
    return out


class Builder:
    def __init__(self) -> None:
        self.label_to_id, self.line_names = load_lines()
        self.stations, cd_to_key = load_stations(self.label_to_id)
        self.reachable = main_component(cd_to_key)
        self.elevators = load_elevators()
        self.transfers = load_transfers(self.label_to_id)
        self.by_ko = {s.name_ko: s for s in self.stations.values() if s.key == s.name_ko}
        self.holders: dict[str, dict[str, Counter[str]]] = {
            la: defaultdict(Counter) for la in LANGS
        }
        self.sizes: Counter[str] = Counter()
        for r in (r for s in self.stations.values() for r in s.rows):
            self.sizes[r["name_ko"]] += 1
            for la in LANGS:
                self.holders[la][r[f"name_{la}"]][r["name_ko"]] += 1
        self.items: list[dict[str, Any]] = []
        self.used: Counter[str] = Counter()
        self.lang, self.rng = "ko", random.Random(SEED)
        self.tpl: dict[str, Iterator[str]] = {}
        self.kiosk_keys: list[str] = []

    def usable(self, s: Station, lang: str) -> bool:
        """All rows named in this language; not the minority holder of a contested name."""
        names = s.names(lang)
        if (
            s.name_ko in AVOID
            or not names
            or any(not r[f"name_{lang}"] or "," in r["name_en"] for r in s.rows)
        ):
            return False
        if lang == "ja" and not any(re.search(r"[\u3040-\u30ff]", n) for n in names):
            return False  # kanji-only ja names look copied from zh (QUALITY.md)
        own = self.sizes[s.name_ko]  # a tie on the name goes to the station with more rows
        return not any(
            (c, self.sizes[k]) >= (self.holders[lang][n][s.name_ko], own)
            for n in names
            for k, c in self.holders[lang][n].items()
            if k != s.name_ko
        )

    def display(self, s: Station) -> str | list[str]:
        return pp.fact(pp.variants(s.names(self.lang)))

    def line_list(self, s: Station) -> list[str | list[str]]:
        return [pp.fact(pp.variants([self.line_names[line][self.lang]])) for line in s.lines]

    def spoken(self, s: Station, special: bool = False) -> str:
        """What a passenger says for station s (special: the variant spelling of pp.SPOKEN)."""
        common = Counter(r[f"name_{self.lang}"] for r in s.rows).most_common(1)[0][0]
        return pp.say(s.name_ko, common, self.lang, self.rng, special)

    def pool(self, core: bool) -> list[Station]:
        """Stations to ask about (core: on the lines tourists use), least used first."""
        out = [
            s
            for k, s in sorted(self.stations.items())
            if k in self.reachable
            and k == s.name_ko
            and self.usable(s, self.lang)
            and not (core and not CORE_LINES & set(s.lines))
        ]
        return sorted(out, key=lambda s: (self.used[s.key], self.rng.random()))

    def kiosk(self, exclude: frozenset[str] = frozenset(), among: list[str] | None = None) -> str:
        keys = [k for k in (among or self.kiosk_keys) if k not in exclude]
        return self.rng.choices(keys, [KIOSKS[k] for k in keys])[0]

    def q(self, key: str, **names: str) -> str:
        return next(self.tpl[key]).format(**names)

    def add(
        self,
        intent: str,
        question: str,
        station: str,
        outcome: str,
        facts: list[Any] | None = None,
        stations: list[str] | None = None,
    ) -> None:
        self.used.update(stations or [])
        n = sum(i["lang"] == self.lang for i in self.items) + 1
        self.items.append(
            {
                "id": f"{self.lang}-p-{n:03d}",
                "lang": self.lang,
                "intent": intent,
                "question": pp.josa(question) if self.lang == "ko" else question,
                "station": station,
                "expected_outcome": outcome,
                "expected_facts": facts or [],
                "expected_stations": list(dict.fromkeys(stations or [])),
            }
        )

    def build(self, lang: str) -> None:
        self.lang, self.rng = lang, random.Random(f"{SEED}-{lang}")
        self.tpl = {k: cycle(self.rng.sample(v, len(v))) for k, v in pp.PHRASES[lang].items()}
        self.kiosk_keys = [k for k in KIOSKS if self.usable(self.by_ko[k], lang)]
        for step in (self.build_lines, self.build_routes, self.build_facts, self.build_fixed):
            step()

    def build_lines(self) -> None:
        """Half transfer stations, half single-line stations on lines not yet covered."""
        fresh = self.pool(core=self.lang in ("zh", "ja"))
        picks = [s for s in fresh if len(s.lines) > 1][:8]
        covered = {line for s in picks for line in s.lines}
        for s in (s for s in fresh if len(s.lines) == 1):
            if len(picks) < 16 and s.lines[0] not in covered:
                picks.append(s)
                covered.add(s.lines[0])
        picks += [s for s in fresh if len(s.lines) == 1 and s not in picks][: 16 - len(picks)]
        for i, s in enumerate(picks):
            if self.lang == "zh" and i < 2:  # traditional-script passengers
                s = self.by_ko[list(pp.ZH_TRADITIONAL)[-1 - i]]
                question = self.q("lines_trad", s=pp.ZH_TRADITIONAL[s.name_ko])
            else:
                question = self.q("lines", s=self.spoken(s))
            self.add(
                "lines",
                question,
                self.kiosk(frozenset({s.key})),
                "answered",
                self.line_list(s),
                [s.name_ko],
            )

    def build_routes(self) -> None:
        """From here / from A to B; variant spellings (romanised, traditional, kanji) first."""
        lang = self.lang
        specials = [
            self.by_ko[k] for k in pp.SPOKEN.get(lang, {}) if self.usable(self.by_ko[k], lang)
        ]
        chosen = self.rng.sample(specials, {"en": 5, "zh": 3, "ja": 4}.get(lang, 0))
        rest = iter(s for s in self.pool(core=lang != "ko") if s not in chosen)
        here_special = chosen if lang == "zh" else chosen[::2]
        from_special = [] if lang == "zh" else chosen[1::2]
        for i in range(PER_LANG["route_here"]):
            b = here_special[i] if i < len(here_special) else next(rest)
            k = self.kiosk(frozenset({b.key}))
            key = "route_here_trad" if lang == "zh" and b in chosen else "route_here"
            question = self.q(key, b=self.spoken(b, b in chosen))
            self.add("route", question, k, "answered", [self.display(b)], [k, b.name_ko])
        for i in range(PER_LANG["route_from"]):
            b = from_special[i] if i < len(from_special) else next(rest)
            a = next(rest)
            question = self.q("route_from", a=self.spoken(a), b=self.spoken(b, b in chosen))
            self.add(
                "route",
                question,
                self.kiosk(frozenset({a.key, b.key})),
                "answered",
                [self.display(b)],
                [a.name_ko, b.name_ko],
            )
        for name in pp.CLARIFY_NAMES[lang]:
            self.add("route", self.q("route_here", b=name), self.kiosk(), "clarify")

    def build_facts(self) -> None:
        lang, rng = self.lang, self.rng
        elev_here = [k for k in self.kiosk_keys if k in self.elevators]
        elev_pool = [
            s for s in self.pool(core=False) if s.name_ko in self.elevators and s.key not in KIOSKS
        ]
        for i in range(PER_LANG["elevator"]):
            if i % 3 == 0:
                s = self.by_ko[self.kiosk(among=elev_here)]
                question, k = self.q("elevator_here"), s.name_ko
            else:
                s = elev_pool[i]
                question, k = self.q("elevator_at", s=self.spoken(s)), self.kiosk()
            facts = [self.display(s), self.elevators[s.name_ko]]
            self.add("elevator", question, k, "answered", facts, [s.name_ko])
        pairs = sorted(
            (k, line)
            for k, line in self.transfers
            if k in self.kiosk_keys and line in self.by_ko[k].lines
        )
        for k, line in rng.sample(pairs, PER_LANG["transfer"]):
            name = self.line_names[line][lang]
            self.add(
                "transfer",
                self.q("transfer", line=name),
                k,
                "answered",
                [pp.fact(pp.variants([name]))],
                [k],
            )
        for _ in range(PER_LANG["here"]):
            k = self.by_ko[self.kiosk()]
            some = rng.choice([*k.lines, "2", "4", "9"])
            question = self.q("here", line=self.line_names[some][lang])
            self.add("here", question, k.name_ko, "answered", self.line_list(k), [k.name_ko])
        marks = [
            (st, pp.LANDMARK_NAMES[key][lang])
            for key, (st, _why) in LANDMARKS.items()
            if lang in pp.LANDMARK_NAMES[key] and self.usable(self.by_ko[st], lang)
        ]
        for station_ko, place in rng.sample(marks, PER_LANG["landmark"]):
            k = self.kiosk(frozenset({station_ko}))
            route = rng.random() < 0.5
            question = self.q("landmark_route" if route else "landmark_which", p=place)
            self.add(
                "landmark",
                question,
                k,
                "answered",
                [self.display(self.by_ko[station_ko])],
                [k, station_ko] if route else [station_ko],
            )
        for kind in ("clarify", "clarify", "인천공항1터미널", "인천공항2터미널", "김포공항"):
            question = next(
                q
                for kd, q in rng.sample(pp.AIRPORT[lang], len(pp.AIRPORT[lang]))
                if kd == kind and q not in {i["question"] for i in self.items}
            )
            if kind == "clarify":
                self.add("airport", question, self.kiosk(), "clarify")
                continue
            s = self.by_ko[kind]
            k = self.kiosk(frozenset({s.key}))
            self.add("airport", question, k, "answered", [self.display(s)], [k, s.name_ko])

    def build_fixed(self) -> None:
        lang, rng = self.lang, self.rng
        every = {v.lower() for s in self.stations.values() for la in LANGS for v in s.names(la)}
        for intent, pool in (("nonexistent", pp.NONEXISTENT), ("unknown_place", pp.UNKNOWN_PLACE)):
            for question, fake in rng.sample(pool[lang], PER_LANG[intent]):
                f = fake.lower()
                clash = [n for n in every if len(n) > 1 and (n in f or f in n)]
                assert not clash, f"{fake!r} overlaps station names {clash}"
                self.add(intent, question, self.kiosk(), "no_information")
        no_fact = [k for k in self.kiosk_keys if k not in NO_UNKNOWN_FACT_AT]
        for question in rng.sample(pp.UNKNOWN_FACT[lang], PER_LANG["unknown_fact"]):
            self.add("unknown_fact", question, self.kiosk(among=no_fact), "no_information")
        for question in rng.sample(pp.OUT_OF_SCOPE[lang], PER_LANG["out_of_scope"]):
            self.add("out_of_scope", question, self.kiosk(), "out_of_scope")
        for question in rng.sample(pp.INJECTION[lang], PER_LANG["injection"]):
            self.add("injection", question, self.kiosk(), "refused")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    builder = Builder()
    for lang in LANGS:
        builder.build(lang)
    items = builder.items
    known = {s.name_ko for s in builder.stations.values()}
    for i in items:
        assert set(i["expected_stations"]) <= known and i["station"] in known, i
        assert (i["expected_outcome"] == "answered") == bool(i["expected_stations"]), i
    assert len({i["id"] for i in items}) == len({(i["lang"], i["question"]) for i in items})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump(
        {"items": items}, allow_unicode=True, sort_keys=False, default_flow_style=None, width=4096
    )
    args.out.write_text(pp.YAML_HEADER + body, encoding="utf-8")
    print(f"wrote {len(items)} items to {args.out}")
    print("intent".ljust(14) + "".join(la.rjust(5) for la in LANGS))
    for intent in [*dict.fromkeys(i["intent"] for i in items), None]:
        row = [
            sum(i["lang"] == la and intent in (None, i["intent"]) for i in items) for la in LANGS
        ]
        print((intent or "total").ljust(14) + "".join(str(n).rjust(5) for n in row))
    named = {s for i in items for s in i["expected_stations"]}
    print(
        f"distinct stations: {len(named | {i['station'] for i in items})} "
        f"(in expected_stations: {len(named)})"
    )
    print("outcomes:", dict(Counter(i["expected_outcome"] for i in items)))


if __name__ == "__main__":
    main()
