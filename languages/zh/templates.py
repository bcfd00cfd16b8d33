"""Chinese spoken-answer templates and phrases: short sentences, the most important fact first.

Every `{placeholder}` is filled from a KB record by the composers in
`knowledge/answers/structured.py`; the phrases render the public files' Korean location and
walking-step phrases (`knowledge/answers/phrases.py`).
"""

from __future__ import annotations

TEMPLATES: dict[str, str] = {
    "lines": "{station}站有{lines}。",
    "route_direct": ("乘坐{line}往{toward}方向，坐{stops}站，在{dest}站下车。"),
    "route_summary": ("从{origin}到{dest}：换乘{transfers}次，共{stops}站。"),
    "route_first_leg": ("先乘坐{line}往{toward}方向坐{stops}站到{to}站。"),
    "route_next_leg": ("在{at}站换乘{line}往{toward}方向，坐{stops}站到{to}站。"),
    "same_station": "您现在就在{station}站。",
    "elevator_head": "{station}站有{count}部电梯。",
    "elevator_item": "{line}：{where}。",
    "elevator_repair": "{line}{where}的电梯截至{date}正在维修。",
    "elevators_ok": "截至{date}，{station}站的电梯都可以使用。",
    "toilet_item": "{station}站厕所：{where}。",
    "exit_for": "请从{number}号出口出去。{landmarks}。",
    "exit_item": "{number}号出口：{landmarks}。",
    "transfer_head": ("在{station}站从{from_line}换乘{to_line}："),
    "first_last": ("{line}往{direction}方向{day}首班车{first}，末班车{last}。"),
    "first_only": ("{line}往{direction}方向{day}首班车是{first}。"),
    "last_only": ("{line}往{direction}方向{day}末班车是{last}。"),
    "no_notices": "目前{station}站没有通知。",
    "notices_unavailable": "目前无法查看{station}站的实时通知，请咨询车站工作人员。",
    "no_information": "抱歉，我没有这方面的信息。请咨询车站工作人员。",
    "unknown_station": "抱歉，我没听清站名。请再说一遍站名。",
    "out_of_scope": ("抱歉，我只能提供地铁信息。您可以问线路、路线、电梯、厕所或出口。"),
    "refused": "抱歉，我无法处理这个请求。",
    "nothing_to_repeat": "我还没有回答过。请问有什么可以帮您？",
    "example_warning": "注意：以下是示例数据，未经核实。",
    "more_on_screen": "其余{count}项显示在屏幕上。",
    "board_bound_for": "该线路有支线，请乘坐开往{end}的列车。",
    "board_stops_at": "该线路有支线，请乘坐停靠{to}站的列车。",
    "transfer_unrendered": "请按照{to_line}的指示牌走，也可以咨询车站工作人员。",
    "or_word": "还是",
    "confirm": "您是说{options}吗？",
    "confirm_declined": "抱歉，我没能听清站名。请咨询车站工作人员。",
    "which_station": "我听到的是“{heard}”，但没听清站名。请问您说的是哪个站？",
    "clarify": "您说的{place}是指{options}中的哪一站？",
    "unknown_place": ("抱歉，我不知道叫{place}的车站。请确认站名或咨询车站工作人员。"),
}

JOIN: tuple[str, str] = ("、", "和")
DAYS: dict[str, str] = {"weekday": "工作日", "saturday": "周六", "holiday": "节假日"}
EXIT_WORD = "{n}号出口"
PLATFORM_TOWARD = "往{toward}方向站台{door}号门附近"

PHRASES: dict[str, str] = {
    "platform_off_line": "在{L}往{X}方向站台下车",
    "platform_go_line": "前往{L}往{X}方向站台",
    "platform_go": "前往往{X}方向站台",
    "elevator_line_toward": "乘坐{L}往{X}方向的电梯",
    "elevator_toward": "乘坐往{X}方向的电梯",
    "elevator_to_concourse": "乘坐去站厅的电梯",
    "elevator_to_line_concourse": "乘坐去{L}站厅的电梯",
    "elevator_to_line_platform": "乘坐去{L}站台的电梯",
    "elevator_line_direction": "乘坐往{L}方向的电梯",
    "elevator_transfer": "乘坐换乘电梯",
    "concourse_go": "前往{L}站厅",
    "transfer_passage": "经换乘通道{L}",
    "transfer_passage_toward": "经换乘通道前往{L}",
    "board": "上车（轮椅车厢）",
    "ticket_gates": "通过检票口",
    "basement_level": "前往地下{N}层",
    "floor_level": "前往地上{N}层",
    "between_exits": "{a}号和{b}号出口之间",
    "transfer_passage_place": "换乘通道",
    "concourse": "站厅",
}

KIND_WORDS: dict[str, str] = {
    "exit": "出口",
    "toilet": "厕所",
    "locker": "储物柜",
    "lost_and_found": "失物招领处",
    "phone": "车站电话",
    "first_last_train": "首末班车",
    "fare": "票价",
    "accessibility": "无障碍信息",
}
"""Operator fact kinds as this language names them (`knowledge/operator.py`)."""
