"""English spoken-answer templates and phrases: short sentences, the most important fact first.

Every `{placeholder}` is filled from a KB record by the composers in
`knowledge/answers/structured.py`; the phrases render the public files' Korean location and
walking-step phrases (`knowledge/answers/phrases.py`).
"""

from __future__ import annotations

TEMPLATES: dict[str, str] = {
    "lines": "{station} Station is served by {lines}.",
    "route_direct": ("Take {line} toward {toward}, ride {stops} stops, and get off at {dest}."),
    "route_summary": ("From {origin} to {dest}: {transfers} transfers, {stops} stops in total."),
    "route_first_leg": "First take {line} toward {toward} for {stops} stops to {to}.",
    "route_next_leg": ("At {at}, change to {line} toward {toward} and ride {stops} stops to {to}."),
    "same_station": "You are already at {station} Station.",
    "elevator_head": "{station} Station has {count} elevators.",
    "elevator_item": "{line}: {where}.",
    "elevator_repair": ("The {line} elevator at {where} was under repair as of {date}."),
    "elevators_ok": ("As of {date}, all elevators at {station} Station were in service."),
    "toilet_item": "Toilet at {station} Station: {where}.",
    "exit_for": "Use exit {number}. {landmarks}.",
    "exit_item": "Exit {number}: {landmarks}.",
    "transfer_head": "At {station}, from {from_line} to {to_line}:",
    "first_last": ("{line} toward {direction}, {day}: first train {first}, last train {last}."),
    "first_only": ("{line} toward {direction}, {day}: the first train is at {first}."),
    "last_only": ("{line} toward {direction}, {day}: the last train is at {last}."),
    "no_notices": "There are no current notices for {station} Station.",
    "notices_unavailable": (
        "Live notices for {station} Station cannot be checked right now; please ask the staff."
    ),
    "no_information": ("Sorry, I don't have that information. Please ask the station staff."),
    "unknown_station": "Sorry, I didn't catch the station name. Please say it again.",
    "out_of_scope": (
        "Sorry, I can only help with the subway. Ask me about lines, "
        "routes, elevators, toilets or exits."
    ),
    "refused": "Sorry, I can't help with that.",
    "nothing_to_repeat": "I haven't said anything yet. How can I help?",
    "example_warning": "Note: this is example data, not verified.",
    "more_on_screen": "And {count} more, shown on the screen.",
    "board_bound_for": "The line branches: board a train bound for {end}.",
    "board_stops_at": "The line branches: board a train that stops at {to}.",
    "transfer_unrendered": "Please follow the signs for {to_line}; the staff can guide you.",
    "or_word": " or ",
    "confirm": "Did you mean {options}?",
    "confirm_declined": "Sorry, I could not make out the station. Please ask the station staff.",
    "which_station": 'I heard "{heard}", but not the station name. Which station do you mean?',
    "clarify": "By {place}, do you mean {options}?",
    "unknown_place": (
        "Sorry, I don't know a station called {place}. "
        "Please check the name or ask the station staff."
    ),
}

JOIN: tuple[str, str] = (", ", " and ")
DAYS: dict[str, str] = {"weekday": "weekdays", "saturday": "Saturdays", "holiday": "holidays"}
EXIT_WORD = "exit {n}"
PLATFORM_TOWARD = "on the platform toward {toward}, near door {door}"

PHRASES: dict[str, str] = {
    "platform_off_line": "Get off at the {L} platform toward {X}",
    "platform_go_line": "Go to the {L} platform toward {X}",
    "platform_go": "Go to the platform toward {X}",
    "elevator_line_toward": "Take the elevator for {L} toward {X}",
    "elevator_toward": "Take the elevator toward {X}",
    "elevator_to_concourse": "Take the elevator to the concourse",
    "elevator_to_line_concourse": "Take the elevator to the {L} concourse",
    "elevator_to_line_platform": "Take the elevator to the {L} platform",
    "elevator_line_direction": "Take the elevator toward {L}",
    "elevator_transfer": "Take the transfer elevator",
    "concourse_go": "Go to the {L} concourse",
    "transfer_passage": "Go through the transfer passage {L}",
    "transfer_passage_toward": "Go through the transfer passage toward {L}",
    "board": "Board the train (wheelchair car)",
    "ticket_gates": "Pass through the ticket gates",
    "basement_level": "Go to basement level {N}",
    "floor_level": "Go to floor {N}",
    "between_exits": "between exits {a} and {b}",
    "transfer_passage_place": "the transfer passage",
    "concourse": "the concourse",
}

KIND_WORDS: dict[str, str] = {
    "exit": "exit",
    "toilet": "toilet",
    "locker": "lockers",
    "lost_and_found": "lost and found",
    "phone": "station phone",
    "first_last_train": "first/last train",
    "fare": "fare",
    "accessibility": "accessibility",
}
"""Operator fact kinds as this language names them (`knowledge/operator.py`)."""
