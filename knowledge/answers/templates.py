"""Spoken-answer templates for ko/en/zh/ja: short sentences, the most important fact first.

Templates only arrange facts; every `{placeholder}` is filled from a KB record by the composers
in `structured.py`. Korean reads numbers the way a passenger says them (`2호선`, `3번 출구`).
"""

from __future__ import annotations

import re

T: dict[str, dict[str, str]] = {
    "lines": {
        "ko": "{station}역에는 {lines}{josa} 다닙니다.",
        "en": "{station} Station is served by {lines}.",
        "zh": "{station}站有{lines}。",
        "ja": "{station}駅には{lines}が通っています。",
    },
    "route_direct": {
        "ko": "{line} {toward} 방면을 타고 {stops}개 역 가서 {dest}역에서 내리세요.",
        "en": "Take {line} toward {toward}, ride {stops} stops, and get off at {dest}.",
        "zh": "乘坐{line}往{toward}方向，坐{stops}站，在{dest}站下车。",
        "ja": "{line}の{toward}方面に乗り、{stops}駅目の{dest}駅で降りてください。",
    },
    "route_summary": {
        "ko": "{origin}에서 {dest}까지 {transfers}번 갈아타고, 모두 {stops}개 역입니다.",
        "en": "From {origin} to {dest}: {transfers} transfers, {stops} stops in total.",
        "zh": "从{origin}到{dest}：换乘{transfers}次，共{stops}站。",
        "ja": "{origin}から{dest}まで、乗り換え{transfers}回、合計{stops}駅です。",
    },
    "route_first_leg": {
        "ko": "먼저 {line} {toward} 방면을 타고 {stops}개 역 가서 {to}역에서 내리세요.",
        "en": "First take {line} toward {toward} for {stops} stops to {to}.",
        "zh": "先乘坐{line}往{toward}方向坐{stops}站到{to}站。",
        "ja": "まず{line}の{toward}方面に乗り、{stops}駅で{to}駅まで行きます。",
    },
    "route_next_leg": {
        "ko": "{at}역에서 {line} {toward} 방면으로 갈아타고 {stops}개 역 가서 {to}역에서 내리세요.",
        "en": "At {at}, change to {line} toward {toward} and ride {stops} stops to {to}.",
        "zh": "在{at}站换乘{line}往{toward}方向，坐{stops}站到{to}站。",
        "ja": "{at}駅で{line}の{toward}方面に乗り換え、{stops}駅で{to}駅まで行きます。",
    },
    "same_station": {
        "ko": "지금 계신 곳이 {station}역입니다.",
        "en": "You are already at {station} Station.",
        "zh": "您现在就在{station}站。",
        "ja": "ここが{station}駅です。",
    },
    "elevator_head": {
        "ko": "{station}역 엘리베이터는 {count}곳입니다.",
        "en": "{station} Station has {count} elevators.",
        "zh": "{station}站有{count}部电梯。",
        "ja": "{station}駅のエレベーターは{count}か所です。",
    },
    "elevator_item": {
        "ko": "{line} {where}.",
        "en": "{line}: {where}.",
        "zh": "{line}：{where}。",
        "ja": "{line}：{where}。",
    },
    "elevator_repair": {
        "ko": "{line} {where} 엘리베이터는 {date} 기준 보수 중입니다.",
        "en": "The {line} elevator at {where} was under repair as of {date}.",
        "zh": "{line}{where}的电梯截至{date}正在维修。",
        "ja": "{line}{where}のエレベーターは{date}時点で補修中です。",
    },
    "elevators_ok": {
        "ko": "{date} 기준으로 {station}역 엘리베이터는 모두 운행 중입니다.",
        "en": "As of {date}, all elevators at {station} Station were in service.",
        "zh": "截至{date}，{station}站的电梯都可以使用。",
        "ja": "{date}時点で、{station}駅のエレベーターはすべて使用可能です。",
    },
    "toilet_item": {
        "ko": "{station}역 화장실: {where}.",
        "en": "Toilet at {station} Station: {where}.",
        "zh": "{station}站厕所：{where}。",
        "ja": "{station}駅のトイレ：{where}。",
    },
    "exit_for": {
        "ko": "{number}번 출구로 나가세요. {landmarks}.",
        "en": "Use exit {number}. {landmarks}.",
        "zh": "请从{number}号出口出去。{landmarks}。",
        "ja": "{number}番出口をご利用ください。{landmarks}。",
    },
    "exit_item": {
        "ko": "{number}번 출구: {landmarks}.",
        "en": "Exit {number}: {landmarks}.",
        "zh": "{number}号出口：{landmarks}。",
        "ja": "{number}番出口：{landmarks}。",
    },
    "transfer_head": {
        "ko": "{station}역에서 {from_line}에서 {to_line}으로 갈아타는 길입니다.",
        "en": "At {station}, from {from_line} to {to_line}:",
        "zh": "在{station}站从{from_line}换乘{to_line}：",
        "ja": "{station}駅で{from_line}から{to_line}への乗り換えです。",
    },
    "first_last": {
        "ko": "{line} {direction} 방면 {day} 첫차는 {first}, 막차는 {last}입니다.",
        "en": "{line} toward {direction}, {day}: first train {first}, last train {last}.",
        "zh": "{line}往{direction}方向{day}首班车{first}，末班车{last}。",
        "ja": "{line}の{direction}方面、{day}の始発は{first}、終電は{last}です。",
    },
    "first_only": {
        "ko": "{line} {direction} 방면 {day} 첫차는 {first}입니다.",
        "en": "{line} toward {direction}, {day}: the first train is at {first}.",
        "zh": "{line}往{direction}方向{day}首班车是{first}。",
        "ja": "{line}の{direction}方面、{day}の始発は{first}です。",
    },
    "last_only": {
        "ko": "{line} {direction} 방면 {day} 막차는 {last}입니다.",
        "en": "{line} toward {direction}, {day}: the last train is at {last}.",
        "zh": "{line}往{direction}方向{day}末班车是{last}。",
        "ja": "{line}の{direction}方面、{day}の終電は{last}です。",
    },
    "no_notices": {
        "ko": "지금 {station}역에 안내할 공지는 없습니다.",
        "en": "There are no current notices for {station} Station.",
        "zh": "目前{station}站没有通知。",
        "ja": "現在、{station}駅のお知らせはありません。",
    },
    "no_information": {
        "ko": "죄송합니다. 그 내용은 안내해 드릴 정보가 없습니다. 역 직원에게 문의해 주세요.",
        "en": "Sorry, I don't have that information. Please ask the station staff.",
        "zh": "抱歉，我没有这方面的信息。请咨询车站工作人员。",
        "ja": "申し訳ありません。その情報はありません。駅係員にお尋ねください。",
    },
    "unknown_station": {
        "ko": "죄송합니다. 역 이름을 알아듣지 못했습니다. 역 이름을 다시 말씀해 주세요.",
        "en": "Sorry, I didn't catch the station name. Please say it again.",
        "zh": "抱歉，我没听清站名。请再说一遍站名。",
        "ja": "申し訳ありません。駅名が聞き取れませんでした。もう一度駅名をおっしゃってください。",
    },
    "out_of_scope": {
        "ko": "죄송합니다. 저는 지하철 안내만 도와드릴 수 있습니다. "
        "노선, 길 찾기, 엘리베이터, 화장실, 출구를 물어보세요.",
        "en": "Sorry, I can only help with the subway. "
        "Ask me about lines, routes, elevators, toilets or exits.",
        "zh": "抱歉，我只能提供地铁信息。您可以问线路、路线、电梯、厕所或出口。",
        "ja": "申し訳ありません。地下鉄のご案内のみできます。"
        "路線、行き方、エレベーター、トイレ、出口についてお尋ねください。",
    },
    "refused": {
        "ko": "죄송합니다. 그 요청은 도와드릴 수 없습니다.",
        "en": "Sorry, I can't help with that.",
        "zh": "抱歉，我无法处理这个请求。",
        "ja": "申し訳ありませんが、そのご要望にはお応えできません。",
    },
    "nothing_to_repeat": {
        "ko": "아직 드린 안내가 없습니다. 무엇을 도와드릴까요?",
        "en": "I haven't said anything yet. How can I help?",
        "zh": "我还没有回答过。请问有什么可以帮您？",
        "ja": "まだご案内していません。何をお手伝いしましょうか。",
    },
}

JOIN: dict[str, tuple[str, str]] = {
    "ko": (", ", "과 "),
    "en": (", ", " and "),
    "zh": ("、", "和"),
    "ja": ("、", "と"),
}
DAYS: dict[str, dict[str, str]] = {
    "weekday": {"ko": "평일", "en": "weekdays", "zh": "工作日", "ja": "平日"},
    "saturday": {"ko": "토요일", "en": "Saturdays", "zh": "周六", "ja": "土曜"},
    "holiday": {"ko": "휴일", "en": "holidays", "zh": "节假日", "ja": "休日"},
}
EXIT_WORD = {"ko": "{n}번 출구", "en": "exit {n}", "zh": "{n}号出口", "ja": "{n}番出口"}
PLATFORM_TOWARD = {
    "ko": "{toward} 방면 승강장 {door}",
    "en": "on the platform toward {toward}, near door {door}",
    "zh": "往{toward}方向站台{door}号门附近",
    "ja": "{toward}方面ホームの{door}番乗車口付近",
}


_ONE_PLURAL = re.compile(r"\b(1|one) (stop|transfer|elevator|toilet|locker|exit)s\b")


def say(key: str, lang: str, **values: object) -> str:
    """Fill a template; a name ending in a period (`Hongik Univ.`) does not double the stop."""
    text = T[key][lang].format(**values)
    if lang == "en":  # templates are written in the plural: "1 stops" -> "1 stop"
        text = _ONE_PLURAL.sub(r"\1 \2", text)
    # Some source names already end in 站/駅 (`首爾站`); do not say it twice.
    return text.replace("..", ".").replace(".,", ",").replace("站站", "站").replace("駅駅", "駅")


def join(items: list[str], lang: str) -> str:
    """`A, B and C` per language; Korean picks 과/와 by the last syllable's final consonant."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    sep, last = JOIN[lang]
    if lang == "ko":
        last = " 및 "
    return sep.join(items[:-1]) + last + items[-1]


def ko_topic(word: str) -> str:
    """`이`/`가` after a Korean word, chosen by whether it ends in a consonant (받침)."""
    ch = word[-1] if word else ""
    if "가" <= ch <= "힣":
        return "이" if (ord(ch) - 0xAC00) % 28 else "가"
    return "이" if ch.isdigit() and ch in "013678" else "가"
