"""Japanese spoken-answer templates and phrases: short sentences, the most important fact first.

Every `{placeholder}` is filled from a KB record by the composers in
`knowledge/answers/structured.py`; the phrases render the public files' Korean location and
walking-step phrases (`knowledge/answers/phrases.py`).
"""

from __future__ import annotations

TEMPLATES: dict[str, str] = {
    "lines": "{station}駅には{lines}が通っています。",
    "route_direct": ("{line}の{toward}方面に乗り、{stops}駅目の{dest}駅で降りてください。"),
    "route_summary": ("{origin}から{dest}まで、乗り換え{transfers}回、合計{stops}駅です。"),
    "route_first_leg": ("まず{line}の{toward}方面に乗り、{stops}駅で{to}駅まで行きます。"),
    "route_next_leg": ("{at}駅で{line}の{toward}方面に乗り換え、{stops}駅で{to}駅まで行きます。"),
    "same_station": "ここが{station}駅です。",
    "elevator_head": "{station}駅のエレベーターは{count}か所です。",
    "elevator_item": "{line}：{where}。",
    "elevator_repair": ("{line}{where}のエレベーターは{date}時点で補修中です。"),
    "elevators_ok": ("{date}時点で、{station}駅のエレベーターはすべて使用可能です。"),
    "toilet_item": "{station}駅のトイレ：{where}。",
    "exit_for": ("{number}番出口をご利用ください。{landmarks}。"),
    "exit_item": "{number}番出口：{landmarks}。",
    "transfer_head": ("{station}駅で{from_line}から{to_line}への乗り換えです。"),
    "first_last": ("{line}の{direction}方面、{day}の始発は{first}、終電は{last}です。"),
    "first_only": ("{line}の{direction}方面、{day}の始発は{first}です。"),
    "last_only": ("{line}の{direction}方面、{day}の終電は{last}です。"),
    "no_notices": "現在、{station}駅のお知らせはありません。",
    "notices_unavailable": (
        "現在、{station}駅の最新のお知らせを確認できません。駅係員にお尋ねください。"
    ),
    "no_information": ("申し訳ありません。その情報はありません。駅係員にお尋ねください。"),
    "unknown_station": (
        "申し訳ありません。駅名が聞き取れませんでした。もう一度駅名をおっしゃってください。"
    ),
    "out_of_scope": (
        "申し訳ありません。地下鉄のご案内のみできます。路線、行き方、"
        "エレベーター、トイレ、出口についてお尋ねください。"
    ),
    "refused": "申し訳ありませんが、そのご要望にはお応えできません。",
    "nothing_to_repeat": "まだご案内していません。何をお手伝いしましょうか。",
    "example_warning": "ご注意：以下は例示データで、確認されていません。",
    "more_on_screen": "残りの{count}件は画面に表示しています。",
    "board_bound_for": "路線が分かれるので、{end}行きの電車に乗ってください。",
    "board_stops_at": "路線が分かれるので、{to}駅に停まる電車に乗ってください。",
    "transfer_unrendered": "{to_line}の案内表示に従って進むか、駅員にお尋ねください。",
    "or_word": "か",
    "confirm": "{options}のことですか？",
    "confirm_declined": "申し訳ありません。駅名を聞き取れませんでした。駅係員にお尋ねください。",
    "which_station": "「{heard}」と聞こえましたが、駅名は聞き取れませんでした。どの駅ですか？",
    "clarify": "{place}は、{options}のどちらの駅でしょうか。",
    "unknown_place": (
        "申し訳ありません。{place}という駅は見つかりません。"
        "駅名をご確認いただくか、駅係員にお尋ねください。"
    ),
}

JOIN: tuple[str, str] = ("、", "と")
DAYS: dict[str, str] = {"weekday": "平日", "saturday": "土曜", "holiday": "休日"}
EXIT_WORD = "{n}番出口"
PLATFORM_TOWARD = "{toward}方面ホームの{door}番乗車口付近"

PHRASES: dict[str, str] = {
    "platform_off_line": "{L}の{X}方面ホームで降ります",
    "platform_go_line": "{L}の{X}方面ホームへ移動します",
    "platform_go": "{X}方面ホームへ移動します",
    "elevator_line_toward": "{L}の{X}方面行きエレベーターに乗ります",
    "elevator_toward": "{X}方面行きエレベーターに乗ります",
    "elevator_to_concourse": "コンコース行きエレベーターに乗ります",
    "elevator_to_line_concourse": "{L}コンコース行きエレベーターに乗ります",
    "elevator_to_line_platform": "{L}ホーム行きエレベーターに乗ります",
    "elevator_line_direction": "{L}方向のエレベーターに乗ります",
    "elevator_transfer": "乗り換え用エレベーターに乗ります",
    "concourse_go": "{L}コンコースへ移動します",
    "transfer_passage": "乗り換え通路{L}へ移動します",
    "transfer_passage_toward": "{L}方向の乗り換え通路へ移動します",
    "board": "乗車します（車いすスペース）",
    "ticket_gates": "改札を通ります",
    "basement_level": "地下{N}階へ移動します",
    "floor_level": "地上{N}階へ移動します",
    "between_exits": "{a}番と{b}番出口の間",
    "transfer_passage_place": "乗り換え通路",
    "concourse": "コンコース",
}

KIND_WORDS: dict[str, str] = {
    "exit": "出口",
    "toilet": "トイレ",
    "locker": "コインロッカー",
    "lost_and_found": "遺失物センター",
    "phone": "駅の電話番号",
    "first_last_train": "始発/終電",
    "fare": "運賃",
    "accessibility": "バリアフリー案内",
}
"""Operator fact kinds as this language names them (`knowledge/operator.py`)."""
