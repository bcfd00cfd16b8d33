"""Metrics, health, status and caption board: every one fed only by events."""

from __future__ import annotations

import math

from kiosk.events import EventType, KioskEvent
from kiosk.health import ComponentStatus, Health
from kiosk.web.captions import CaptionBoard, sse_message
from kiosk.web.metrics import KioskMetrics
from kiosk.web.status import StateTracker, TurnHistory
from tests.kiosk.web import promtext

E = EventType
SAID = "강남역 막차 시간 알려줘"
ANSWER = "막차는 00시 10분입니다."


def turn(turn_id: str = "t1", outcome: str = "answered") -> list[KioskEvent]:
    return [
        KioskEvent.now(E.SPEECH_STARTED, turn_id=turn_id),
        KioskEvent.now(E.SPEECH_ENDED, turn_id=turn_id, speech_seconds=1.4),
        KioskEvent.now(E.TRANSCRIPT, turn_id=turn_id, transcript=SAID, language="ko"),
        KioskEvent.now(E.ANSWER_SENTENCE, turn_id=turn_id, answer=ANSWER, language="ko"),
        KioskEvent.now(E.AUDIO_STARTED, turn_id=turn_id),
        KioskEvent.now(E.ANSWER_DONE, turn_id=turn_id, answer=ANSWER, outcome=outcome),
        KioskEvent.now(
            E.TURN_DONE,
            turn_id=turn_id,
            outcome=outcome,
            language="ko",
            timings_ms={"stt": 420.0, "answer": 35, "speech_end_to_first_audio": 910, "bogus": 1},
        ),
    ]


def test_metrics_render_parse_and_count() -> None:
    clock = iter([100.0, 142.5]).__next__
    metrics = KioskMetrics(kiosk_id="gangnam-1", version="0.1.0", clock=clock)
    for event in [
        *turn("t1"),
        *turn("t2", outcome="no_information"),
        KioskEvent.now(E.BARGE_IN, turn_id="t3"),
        KioskEvent.now(E.TURN_ERROR, turn_id="t4", code="stt-failed", language="en"),
        KioskEvent.now(E.DEVICE_LOST, component="audio_input", code="device-missing"),
        KioskEvent.now(E.KB_RELOADED, version=7),
        KioskEvent.now(E.AUDIO_LEVEL, dbfs=-38.5),
    ]:
        metrics.observe(event)
    text = metrics.render()
    fam = promtext.parse(text)
    v = promtext.value
    assert v(fam, "kiosk_turns_total", outcome="answered", language="ko") == 1
    assert v(fam, "kiosk_turns_total", outcome="no_information", language="ko") == 1
    assert v(fam, "kiosk_turns_total", outcome="error", language="en") == 1
    assert v(fam, "kiosk_errors_total", code="stt-failed") == 1
    assert v(fam, "kiosk_errors_total", code="device-missing") == 1
    assert v(fam, "kiosk_barge_ins_total") == 1
    assert v(fam, "kiosk_kb_version") == 7
    assert v(fam, "kiosk_audio_input_level_dbfs") == -38.5
    assert v(fam, "kiosk_uptime_seconds") == 42.5
    assert v(fam, "kiosk_component_up", component="audio_input") == 0
    assert v(fam, "kiosk_state", state="degraded") == 1
    assert v(fam, "kiosk_stage_latency_seconds_count", stage="stt") == 2
    assert v(fam, "kiosk_stage_latency_seconds_sum", stage="stt") == 0.84
    assert v(fam, "kiosk_stage_latency_seconds_bucket", stage="stt", le="0.5") == 2
    assert v(fam, "kiosk_stage_latency_seconds_bucket", stage="stt", le="0.3") == 0
    end_to_audio = "speech_end_to_first_audio"
    assert v(fam, "kiosk_stage_latency_seconds_bucket", stage=end_to_audio, le="1.0") == 2
    assert "bogus" not in text
    assert fam["kiosk_turns_total"].kind == "counter"
    assert fam["kiosk_stage_latency_seconds"].kind == "histogram"
    assert SAID not in text and ANSWER not in text


def test_metrics_labels_never_carry_free_text() -> None:
    metrics = KioskMetrics()
    metrics.observe(KioskEvent.now(E.TURN_DONE, outcome='he said "hi"\n', language=SAID))
    fam = promtext.parse(metrics.render())
    assert promtext.value(fam, "kiosk_turns_total", outcome="unknown", language="unknown") == 1


def test_fresh_metrics_parse_with_infinite_level() -> None:
    fam = promtext.parse(KioskMetrics().render())
    assert math.isinf(promtext.value(fam, "kiosk_audio_input_level_dbfs"))
    assert promtext.value(fam, "kiosk_state", state="idle") == 1


def test_health_registry_events_and_probes() -> None:
    health = Health(clock=lambda: 5.0)
    health.register("models")
    health.register("audio_input")
    health.register("camera", required=False)
    assert set(health.failing()) == {"models", "audio_input"}
    health.set_ok("models")
    health.observe(KioskEvent.now(E.DEVICE_LOST, component="audio_input", code="device-missing"))
    assert health.failing()["audio_input"].code == "device-missing"
    health.observe(KioskEvent.now(E.DEVICE_OK, component="audio_input"))
    assert health.ready
    health.register_probe("knowledge_base", lambda: ComponentStatus(False, "kb-closed"))
    assert health.failing()["knowledge_base"].code == "kb-closed"

    def broken() -> bool:
        raise OSError("gone")

    health.register_probe("knowledge_base", broken)
    assert health.failing()["knowledge_base"].code == "probe-failed"
    health.register_probe("knowledge_base", lambda: True)
    assert health.ready


def test_status_keeps_timings_and_outcomes_but_no_text() -> None:
    tracker, history = StateTracker(), TurnHistory(size=2)
    events = [
        *turn("t1"),
        KioskEvent.now(E.BARGE_IN, turn_id="t2"),
        *turn("t2"),
        KioskEvent.now(E.TURN_ERROR, turn_id="t3", code="answer-timeout", stage="answer"),
        KioskEvent.now(E.KB_RELOADED, version=3),
    ]
    for event in events:
        tracker.observe(event)
        history.observe(event)
    recent = history.recent()
    assert [t["turn_id"] for t in recent] == ["t3", "t2"]
    assert recent[0]["outcome"] == "error" and recent[0]["code"] == "answer-timeout"
    assert recent[1]["barge_in"] is True
    timings = {"stt": 420.0, "answer": 35.0, "speech_end_to_first_audio": 910.0}
    assert recent[1]["timings_ms"] == timings
    assert tracker.kb_version == 3
    assert tracker.as_dict()["phase"] == "idle"
    assert SAID not in repr(recent) and ANSWER not in repr(recent)


def test_caption_board_follows_a_turn_and_forgets_it() -> None:
    now = [0.0]
    board = CaptionBoard(hold_seconds=10, clock=lambda: now[0])
    events = turn("t1")
    for event in events[:4]:
        board.observe(event)
    snap = board.snapshot()
    assert snap["heard"] == SAID and snap["answer"] == [ANSWER]
    assert snap["phase"] == "thinking" and not snap["done"] and snap["language"] == "ko"
    for event in events[4:]:
        board.observe(event)
    assert board.snapshot()["done"] and board.snapshot()["outcome"] == "answered"
    now[0] = 11.0
    assert board.snapshot()["heard"] == "" and board.snapshot()["phase"] == "idle"
    # A new turn clears the old caption as soon as the passenger speaks.
    board.observe(KioskEvent.now(E.SPEECH_STARTED, turn_id="t2"))
    assert board.snapshot()["heard"] == "" and board.snapshot()["phase"] == "listening"


def test_caption_board_ignores_sentences_of_an_interrupted_turn() -> None:
    board = CaptionBoard()
    for event in turn("t1")[:5]:
        board.observe(event)
    board.observe(KioskEvent.now(E.BARGE_IN, turn_id="t1"))
    board.observe(KioskEvent.now(E.SPEECH_STARTED, turn_id="t2"))
    board.observe(KioskEvent.now(E.ANSWER_SENTENCE, turn_id="t1", answer="late"))
    board.observe(KioskEvent.now(E.TRANSCRIPT, turn_id="t2", transcript="exit 3?", language="en"))
    snap = board.snapshot()
    assert snap["heard"] == "exit 3?" and snap["answer"] == [] and snap["language"] == "en"


def test_caption_text_is_nfc_and_sse_framing_is_one_line() -> None:
    board = CaptionBoard()
    decomposed = "\u1100\u1161\u11bc\u1102\u1161\u11b7"  # 강남 as conjoining jamo
    board.observe(KioskEvent.now(E.TRANSCRIPT, turn_id="t1", transcript=decomposed + "\n?"))
    snap = board.snapshot()
    assert snap["heard"].startswith("강남")
    message = sse_message(snap, id=snap["seq"])
    assert message.endswith("\n\n") and message.count("\n") == 4


def test_the_screen_shows_the_sentences_the_voice_left_to_it() -> None:
    board = CaptionBoard()
    board.observe(KioskEvent.now(E.TRANSCRIPT, turn_id="t1", transcript="Where is the elevator?"))
    spoken = ["Gangnam Station has 4 elevators.", "And 3 more, shown on the screen."]
    for sentence in spoken:
        board.observe(KioskEvent.now(E.ANSWER_SENTENCE, turn_id="t1", answer=sentence))
    shown = ["Gangnam Station has 4 elevators.", "Exit 1.", "Exit 10.", "Platform 8-1."]
    board.observe(KioskEvent.now(E.ANSWER_DONE, turn_id="t1", answer=" ".join(shown), shown=shown))
    assert board.snapshot()["answer"] == shown
    board.observe(KioskEvent.now(E.ANSWER_DONE, turn_id="t1", answer="x", shown="not a list"))
    assert board.snapshot()["answer"] == shown
