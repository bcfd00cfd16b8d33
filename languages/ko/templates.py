"""Korean spoken-answer templates and phrases: short sentences, the most important fact first.

Every `{placeholder}` is filled from a KB record by the composers in
`knowledge/answers/structured.py`; the phrases render the public files' Korean location and
walking-step phrases (`knowledge/answers/phrases.py`).
"""

from __future__ import annotations

TEMPLATES: dict[str, str] = {
    "lines": ("{station}역에는 {lines}{josa} 다닙니다."),
    "route_direct": ("{line} {toward} 방면을 타고 {stops}개 역 가서 {dest}역에서 내리세요."),
    "route_summary": ("{origin}에서 {dest}까지 {transfers}번 갈아타고, 모두 {stops}개 역입니다."),
    "route_first_leg": ("먼저 {line} {toward} 방면을 타고 {stops}개 역 가서 {to}역에서 내리세요."),
    "route_next_leg": (
        "{at}역에서 {line} {toward} 방면으로 갈아타고 {stops}개 역 가서 {to}역에서 내리세요."
    ),
    "same_station": "지금 계신 곳이 {station}역입니다.",
    "elevator_head": "{station}역 엘리베이터는 {count}곳입니다.",
    "elevator_item": "{line} {where}.",
    "elevator_repair": ("{line} {where} 엘리베이터는 {date} 기준 보수 중입니다."),
    "elevators_ok": ("{date} 기준으로 {station}역 엘리베이터는 모두 운행 중입니다."),
    "toilet_item": "{station}역 화장실: {where}.",
    "exit_for": ("{number}번 출구로 나가세요. {landmarks}."),
    "exit_item": "{number}번 출구: {landmarks}.",
    "transfer_head": ("{station}역에서 {from_line}에서 {to_line}으로 갈아타는 길입니다."),
    "first_last": ("{line} {direction} 방면 {day} 첫차는 {first}, 막차는 {last}입니다."),
    "first_only": ("{line} {direction} 방면 {day} 첫차는 {first}입니다."),
    "last_only": ("{line} {direction} 방면 {day} 막차는 {last}입니다."),
    "no_notices": "지금 {station}역에 안내할 공지는 없습니다.",
    "notices_unavailable": (
        "지금은 {station}역의 실시간 안내를 확인할 수 없습니다. 역 직원에게 문의해 주세요."
    ),
    "no_information": (
        "죄송합니다. 그 내용은 안내해 드릴 정보가 없습니다. 역 직원에게 문의해 주세요."
    ),
    "unknown_station": ("죄송합니다. 역 이름을 알아듣지 못했습니다. 역 이름을 다시 말씀해 주세요."),
    "out_of_scope": (
        "죄송합니다. 저는 지하철 안내만 도와드릴 수 "
        "있습니다. 노선, 길 찾기, 엘리베이터, 화장실, "
        "출구를 물어보세요."
    ),
    "refused": "죄송합니다. 그 요청은 도와드릴 수 없습니다.",
    "nothing_to_repeat": "아직 드린 안내가 없습니다. 무엇을 도와드릴까요?",
    "example_warning": "안내: 아래는 예시 데이터로, 확인되지 않은 정보입니다.",
    "more_on_screen": "나머지 {count}개는 화면에 표시했습니다.",
    "board_bound_for": "노선이 갈라지니 {end}행 열차를 타세요.",
    "board_stops_at": "노선이 갈라지니 {to}역에 서는 열차를 타세요.",
    "transfer_unrendered": "{to_line} 표지판을 따라가시거나 역 직원에게 문의해 주세요.",
    "or_word": " 또는 ",
    "confirm": "{options} 말씀이신가요?",
    "confirm_declined": "죄송합니다. 역 이름을 알아듣지 못했습니다. 역 직원에게 문의해 주세요.",
    "which_station": '"{heard}"라고 들었지만 역 이름을 못 들었습니다. 어느 역을 말씀하시나요?',
    "clarify": "{place}(이)라고 하시면 {options} 중 어느 역을 말씀하시나요?",
    "unknown_place": (
        "{place}(이)라는 역은 찾지 못했습니다. 역 이름을 확인하시거나 역 직원에게 문의해 주세요."
    ),
}

JOIN: tuple[str, str] = (", ", "과 ")
DAYS: dict[str, str] = {"weekday": "평일", "saturday": "토요일", "holiday": "휴일"}
EXIT_WORD = "{n}번 출구"
PLATFORM_TOWARD = "{toward} 방면 승강장 {door}"

PHRASES: dict[str, str] = {}

KIND_WORDS: dict[str, str] = {
    "exit": "출구",
    "toilet": "화장실",
    "locker": "물품보관함",
    "lost_and_found": "유실물센터",
    "phone": "역 전화번호",
    "first_last_train": "첫차/막차",
    "fare": "운임",
    "accessibility": "교통약자 안내",
}
"""Operator fact kinds as this language names them (`knowledge/operator.py`)."""
