"""The pure state machine, exhaustively over phases x event types, plus turn-id races."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.events import EventType, KioskEvent
from kiosk.phase import INITIAL, KioskState, Phase, fold, transition

E = EventType
P = Phase


def ev(kind: EventType, **data: Any) -> KioskEvent:
    return KioskEvent.now(kind, **data)


# Expected phase after each event type from each non-degraded phase, same turn id throughout.
EXPECTED: dict[Phase, dict[EventType, Phase]] = {
    P.IDLE: {
        E.LISTENING_STARTED: P.LISTENING,
        E.SPEECH_STARTED: P.LISTENING,
        E.TRANSCRIPT: P.THINKING,
    },
    P.LISTENING: {
        E.LISTENING_STARTED: P.LISTENING,
        E.SPEECH_STARTED: P.LISTENING,
        E.SPEECH_ENDED: P.THINKING,
        E.TRANSCRIPT: P.THINKING,
        E.AUDIO_STARTED: P.SPEAKING,
        E.TURN_DONE: P.IDLE,
        E.TURN_ERROR: P.IDLE,
    },
    P.THINKING: {
        E.AUDIO_STARTED: P.SPEAKING,
        E.BARGE_IN: P.LISTENING,
        E.TURN_DONE: P.IDLE,
        E.TURN_ERROR: P.IDLE,
    },
    P.SPEAKING: {
        E.BARGE_IN: P.LISTENING,
        E.TURN_DONE: P.IDLE,
        E.TURN_ERROR: P.IDLE,
    },
}
FAULT_EVENTS = {E.DEVICE_LOST, E.DEVICE_OK, E.MODEL_FAILED, E.MODEL_LOADED}


@pytest.mark.parametrize("phase", list(EXPECTED))
@pytest.mark.parametrize("kind", [k for k in EventType if k not in FAULT_EVENTS])
def test_every_turn_event_from_every_phase(phase: Phase, kind: EventType) -> None:
    turn = None if phase is P.IDLE else "t1"
    state = KioskState(phase, turn)
    after = transition(state, ev(kind, turn_id="t1"))
    assert after.phase is EXPECTED[phase].get(kind, phase)
    assert not after.faults


@pytest.mark.parametrize("phase", list(EXPECTED))
@pytest.mark.parametrize("kind", [E.DEVICE_LOST, E.MODEL_FAILED])
def test_a_fault_degrades_from_any_phase(phase: Phase, kind: EventType) -> None:
    after = transition(KioskState(phase, "t1"), ev(kind, component="audio_input"))
    assert after == KioskState(P.DEGRADED, None, frozenset({"audio_input"}))


@pytest.mark.parametrize("kind", [k for k in EventType if k not in FAULT_EVENTS])
def test_degraded_ignores_turn_events(kind: EventType) -> None:
    state = KioskState(P.DEGRADED, None, frozenset({"stt"}))
    assert transition(state, ev(kind, turn_id="t1")) == state


def test_recovery_needs_every_fault_cleared() -> None:
    state = fold(
        [
            ev(E.DEVICE_LOST, component="audio_input", code="device-missing"),
            ev(E.MODEL_FAILED, component="models", code="model-missing"),
            ev(E.DEVICE_OK, component="audio_input"),
        ]
    )
    assert state.phase is P.DEGRADED and state.faults == {"models"}
    assert transition(state, ev(E.DEVICE_OK, component="unrelated")) == state
    assert transition(state, ev(E.MODEL_LOADED, component="models")) == INITIAL


def test_ok_for_a_healthy_component_changes_nothing() -> None:
    state = KioskState(P.SPEAKING, "t1")
    assert transition(state, ev(E.DEVICE_OK, component="audio_output")) == state


def test_a_full_turn() -> None:
    events = [
        ev(E.SPEECH_STARTED, turn_id="t1"),
        ev(E.SPEECH_ENDED, turn_id="t1"),
        ev(E.TRANSCRIPT, turn_id="t1", transcript="x"),
        ev(E.ANSWER_SENTENCE, turn_id="t1", answer="y"),
        ev(E.AUDIO_STARTED, turn_id="t1"),
        ev(E.ANSWER_DONE, turn_id="t1", answer="y"),
        ev(E.PLAYBACK_STOPPED, turn_id="t1", reason="finished"),
    ]
    phases = []
    state = INITIAL
    for event in events:
        state = transition(state, event)
        phases.append(state.phase)
    assert phases == [P.LISTENING, P.THINKING, P.THINKING, P.THINKING] + [P.SPEAKING] * 3
    assert transition(state, ev(E.TURN_DONE, turn_id="t1")) == INITIAL


def test_barge_in_late_events_of_the_old_turn_are_ignored() -> None:
    state = fold(
        [
            ev(E.SPEECH_STARTED, turn_id="t1"),
            ev(E.SPEECH_ENDED, turn_id="t1"),
            ev(E.AUDIO_STARTED, turn_id="t1"),
            ev(E.BARGE_IN, turn_id="t1"),
            ev(E.SPEECH_STARTED, turn_id="t2"),
        ]
    )
    assert state == KioskState(P.LISTENING, "t2")
    # The interrupted turn finishes after the new one started: it must not end t2.
    assert transition(state, ev(E.TURN_DONE, turn_id="t1", outcome="interrupted")) == state
    assert transition(state, ev(E.SPEECH_ENDED, turn_id="t1")) == state
    assert transition(state, ev(E.SPEECH_ENDED, turn_id="t2")).phase is P.THINKING


def test_discarded_noise_does_not_pin_the_turn_id() -> None:
    state = fold([ev(E.SPEECH_STARTED, turn_id="cough"), ev(E.SPEECH_STARTED, turn_id="t2")])
    assert state == KioskState(P.LISTENING, "t2")


def test_events_without_turn_ids_still_complete_a_turn() -> None:
    kinds = [E.SPEECH_STARTED, E.SPEECH_ENDED, E.AUDIO_STARTED, E.TURN_DONE]
    assert fold([ev(k) for k in kinds]) == INITIAL


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(EventType)),
            st.sampled_from(["t1", "t2", None]),
            st.sampled_from(["audio_input", "models"]),
        ),
        max_size=40,
    )
)
def test_invariants_hold_for_any_event_sequence(steps: list[tuple[EventType, Any, str]]) -> None:
    state = INITIAL
    for kind, turn_id, component in steps:
        state = transition(state, ev(kind, turn_id=turn_id, component=component))
        assert (state.phase is P.DEGRADED) == bool(state.faults)
        if state.phase in (P.IDLE, P.DEGRADED):
            assert state.turn_id is None
