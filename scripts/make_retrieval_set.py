"""Build the retrieval evaluation set kiosk/bench/retrieval_set.yaml (scripts/measure_embedders.py).

Questions passengers ask in ko, en, zh and ja about real stations of the bundled data: where
the elevators are, which lines stop, how to change lines, where the toilets, lost and found,
lockers and station phone are. Each question's relevant passages are chosen here from the
records alone (station X's elevators are the facts of kind `elevator` at complex X; X's lines
are X's station fact; a transfer is X's transfer facts from line A to line B), never from what
the kiosk retrieves. About a third of the questions are paraphrases that avoid the passage's
own words ("lift", "wheelchair to the platform", "お手洗い"); they are marked `paraphrase`.

The same stations are asked about in every language, so the languages' figures differ by
language and wording only. Fixed seed; run from the repository root and commit the output:

    .venv/bin/python scripts/make_retrieval_set.py [OUT.yaml]
"""

from __future__ import annotations

import json
import random
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from knowledge.store import KnowledgeBase  # noqa: E402

OUT = REPO / "kiosk" / "bench" / "retrieval_set.yaml"
LANGS = ("ko", "en", "zh", "ja")
SEED = "retrieval-eval-1"
COUNTS = {"elevator": 22, "lines": 16, "transfer": 14}
"""Stations per kind (the same in every language); toilets and the operator's facts exist at
two stations only and are asked about once each per template."""

# (template, paraphrase?) per language. {s} station, {a}/{b} lines, {b_ro} {b} with 로/으로.
ELEVATOR = {
    "ko": [
        ("{s}역 엘리베이터 어디 있어요?", False),
        ("{s} 엘리베이터 위치 알려주세요", False),
        ("{s}역에 엘리베이터 있나요?", False),
        ("{s}역에서 휠체어 타고 승강장까지 내려가려면 어떻게 해요?", True),
        ("{s}역에 유모차 끌고 계단 없이 갈 수 있는 데 있어요?", True),
    ],
    "en": [
        ("Where is the elevator at {s}?", False),
        ("Is there an elevator in {s} Station?", False),
        ("{s} station elevator location", False),
        ("Where's the lift at {s}?", True),
        ("I'm in a wheelchair, how do I get down to the platform at {s}?", True),
    ],
    "zh": [
        ("{s}站的电梯在哪里？", False),
        ("{s}站有电梯吗？", False),
        ("请问{s}站电梯在哪", False),
        ("{s}站坐轮椅怎么下到站台？", True),
        ("在{s}站推婴儿车不走楼梯怎么走？", True),
    ],
    "ja": [
        ("{s}駅のエレベーターはどこですか", False),
        ("{s}駅にエレベーターはありますか", False),
        ("{s}駅 エレベーター 場所", False),
        ("{s}駅で車椅子のままホームに行くにはどうすればいいですか", True),
        ("{s}駅でベビーカーを押して階段を使わずに行ける所は？", True),
    ],
}
LINES = {
    "ko": [
        ("{s}역은 몇 호선이에요?", False),
        ("{s}역 노선 알려주세요", False),
        ("{s}역에 다니는 노선이 뭐예요?", False),
        ("{s}에는 어떤 지하철이 서요?", True),
        ("{s}에서 탈 수 있는 전철이 뭐가 있어요?", True),
    ],
    "en": [
        ("Which lines stop at {s}?", False),
        ("What line is {s} Station on?", False),
        ("{s} station lines", False),
        ("Which trains can I catch at {s}?", True),
        ("What subway runs through {s}?", True),
    ],
    "zh": [
        ("{s}站是几号线？", False),
        ("{s}站有哪些线路？", False),
        ("{s}站经过哪几条线", False),
        ("在{s}可以坐什么地铁？", True),
        ("哪些列车停靠{s}？", True),
    ],
    "ja": [
        ("{s}駅は何号線ですか", False),
        ("{s}駅の路線を教えてください", False),
        ("{s}駅を通る路線は？", False),
        ("{s}ではどの電車に乗れますか", True),
        ("{s}に止まる地下鉄は何ですか", True),
    ],
}
TRANSFER = {
    "ko": [
        ("{s}역에서 {a} {b} 환승 어떻게 해요?", False),
        ("{s}역 {a}에서 {b_ro} 환승하는 방법", False),
        ("{s}역 {a}에서 {b_ro} 갈아타는 길 알려주세요", True),
        ("{s}에서 {a} 내려서 {b} 타려면 어디로 가요?", True),
    ],
    "en": [
        ("How do I transfer from {a} to {b} at {s}?", False),
        ("Transfer at {s} from {a} to {b}", False),
        ("At {s}, I'm getting off {a}, how do I change to {b}?", True),
        ("Which way to switch to {b} after {a} at {s}?", True),
    ],
    "zh": [
        ("在{s}站怎么从{a}换乘{b}？", False),
        ("{s}站{a}换乘{b}怎么走", False),
        ("在{s}下了{a}，要转{b}往哪里走？", True),
        ("{s}站从{a}转到{b}的路线", True),
    ],
    "ja": [
        ("{s}駅で{a}から{b}への乗り換え方法は？", False),
        ("{s}駅 {a} {b} 乗り換え", False),
        ("{s}で{a}を降りて{b}に乗るにはどう行けばいいですか", True),
        ("{s}駅で{a}から{b}に乗り継ぐには？", True),
    ],
}
TOILET = {
    "ko": [
        ("{s}역 화장실 어디예요?", False),
        ("{s}역에 화장실 있어요?", False),
        ("{s}역에서 급한데 용변 볼 곳 있나요?", True),
        ("{s}역 볼일 보려면 어디로 가요?", True),
    ],
    "en": [
        ("Where is the toilet at {s}?", False),
        ("Toilets at {s} station?", False),
        ("Where can I find the bathroom at {s}?", True),
        ("Is there a restroom in {s}?", True),
    ],
    "zh": [
        ("{s}站的厕所在哪里？", False),
        ("{s}站有厕所吗", False),
        ("{s}站的洗手间在哪", True),
        ("{s}站卫生间怎么走", True),
    ],
    "ja": [
        ("{s}駅のトイレはどこですか", False),
        ("{s}駅にトイレはありますか", False),
        ("{s}駅のお手洗いはどこ？", True),
        ("{s}駅で化粧室を探しています", True),
    ],
}
# (kind of the operator's fact, station, template, paraphrase?)
OPERATOR = {
    "ko": [
        ("lost_and_found", "강남", "{s}역 유실물센터 어디예요?", False),
        ("lost_and_found", "사당", "{s}역에서 지갑을 잃어버렸는데 어디에 물어봐요?", True),
        ("locker", "강남", "{s}역에 짐 맡길 곳 있어요?", True),
        ("phone", "강남", "{s}역 전화번호 알려주세요", False),
    ],
    "en": [
        ("lost_and_found", "강남", "Where is the lost and found at {s}?", False),
        ("lost_and_found", "사당", "I left my bag on the train, who do I ask at {s}?", True),
        ("locker", "강남", "Where can I store my luggage at {s}?", True),
        ("phone", "강남", "What is the phone number of {s} station?", False),
    ],
    "zh": [
        ("lost_and_found", "강남", "{s}站的失物招领处在哪里？", False),
        ("lost_and_found", "사당", "我在{s}站丢了钱包，该去哪里问？", True),
        ("locker", "강남", "{s}站有地方寄存行李吗？", True),
        ("phone", "강남", "{s}站的电话号码是多少？", False),
    ],
    "ja": [
        ("lost_and_found", "강남", "{s}駅の忘れ物センターはどこですか", False),
        ("lost_and_found", "사당", "{s}駅で財布をなくしたのですが、どこに聞けばいいですか", True),
        ("locker", "강남", "{s}駅に荷物を預けられる所はありますか", True),
        ("phone", "강남", "{s}駅の電話番号を教えてください", False),
    ],
}


def with_ro(name: str) -> str:
    """The Korean particle 'to' after a name: 으로 after a final consonant other than ㄹ."""
    last = name[-1]
    if "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 not in (0, 8):
        return name + "으로"
    return name + "로"


def spoken(name: str) -> str:
    """A station name as passengers say it: without the data's bracketed addition
    ("龙头(东大门区厅)" is asked about as "龙头")."""
    return re.sub(r"\s*[(（][^)）]*[)）]", "", name)


def build_set(kb: KnowledgeBase) -> list[dict[str, Any]]:
    # Stations whose name in every language is their own (not a fallback to another language).
    names = {c.key: c.names for c in kb.complexes() if not c.names_fallback}
    conn = kb._refresh().conn
    line_names = {lid: json.loads(n) for lid, n in conn.execute("SELECT id, names FROM lines")}
    facts: dict[tuple[str, str], list[str]] = {}
    transfers: dict[tuple[str, str, str], list[str]] = {}
    for sid, kind, cx, data in conn.execute(
        "SELECT source_id, kind, complex, data FROM facts ORDER BY id"
    ):
        facts.setdefault((kind, cx), []).append(sid)
        if kind == "transfer":
            d = json.loads(data)
            transfers.setdefault((cx, d["from_line"], d["to_line"]), []).append(sid)
    rng = random.Random(SEED)
    elevator_at = sorted({cx for kind, cx in facts if kind == "elevator" and cx in names})
    chosen = {
        "elevator": rng.sample(elevator_at, COUNTS["elevator"]),
        "lines": rng.sample(sorted(names), COUNTS["lines"]),
        "transfer": rng.sample(sorted(t for t in transfers if t[0] in names), COUNTS["transfer"]),
    }
    toilet_at = sorted(cx for kind, cx in facts if kind == "toilet")
    items: list[dict[str, Any]] = []
    for lang in LANGS:
        # (kind, station, (template, paraphrase?), relevant source ids, line names)
        asked: list[tuple[str, str, tuple[str, bool], list[str], dict[str, str]]] = []
        for n, cx in enumerate(chosen["elevator"]):
            template = ELEVATOR[lang][n % len(ELEVATOR[lang])]
            asked.append(("elevator", cx, template, facts[("elevator", cx)], {}))
        for n, cx in enumerate(chosen["lines"]):
            asked.append(("lines", cx, LINES[lang][n % len(LINES[lang])], [f"complex:{cx}"], {}))
        for n, (cx, a, b) in enumerate(chosen["transfer"]):
            la, lb = line_names[a][lang], line_names[b][lang]
            template = TRANSFER[lang][n % len(TRANSFER[lang])]
            lines = {"a": la, "b": lb, "b_ro": with_ro(lb)}
            asked.append(("transfer", cx, template, transfers[(cx, a, b)], lines))
        for n, template in enumerate(TOILET[lang]):
            cx = toilet_at[n % len(toilet_at)]
            asked.append(("toilet", cx, template, facts[("toilet", cx)], {}))
        for kind, cx, text, paraphrase in OPERATOR[lang]:
            asked.append((kind, cx, (text, paraphrase), facts[(kind, cx)], {}))
        for n, (kind, cx, (text, paraphrase), relevant, lines) in enumerate(asked, 1):
            query = text.format(s=spoken(names[cx][lang]), **lines)
            items.append(
                {
                    "id": f"{lang}-{n:03d}",
                    "lang": lang,
                    "kind": kind,
                    "paraphrase": paraphrase,
                    "query": query,
                    "station": cx,
                    "relevant": list(relevant),  # a copy: no YAML anchors
                }
            )
    return items


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else OUT
    with tempfile.TemporaryDirectory(prefix="kiosk-retrieval-set-") as tmp:
        kb = KnowledgeBase(Path(tmp), None)
        kb.import_path(None, actor="make_retrieval_set")
        kb = KnowledgeBase.open(Path(tmp), None)
        try:
            items = build_set(kb)
        finally:
            kb.close()
    header = "".join(f"# {line}\n" if line else "#\n" for line in __doc__.strip().splitlines())
    body = yaml.safe_dump({"items": items}, allow_unicode=True, sort_keys=False, width=100)
    out.write_text(header + body, encoding="utf-8")
    per_lang = {lang: sum(i["lang"] == lang for i in items) for lang in LANGS}
    print(f"{len(items)} queries {per_lang} -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
