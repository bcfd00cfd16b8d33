"""The kiosk's state machine as one pure function: `transition(state, event) -> state`.

    idle --speech_started--> listening --speech_ended--> thinking --audio_started--> speaking
      ^                                                                                 |
      +---------------------------- turn_done / turn_error ----------------------------+
    speaking --barge_in--> listening            any --device_lost/model_failed--> degraded
    degraded --(last fault cleared: device_ok/model_loaded)--> idle

Pure so it can be tested exhaustively with typed events, and so every consumer (status,
captions, metrics) that folds the same event stream reaches the same state. Events that do not
apply to the current state leave it unchanged: a late event from an interrupted turn must not
drag a new turn back to idle, which is why turn events are matched on `turn_id`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from kiosk.events import EventType, KioskEvent


class Phase(StrEnum):
    IDLE = "idle"
    LISTENING = "listening"
    THINKING = "thinking"
    SPEAKING = "speaking"
    DEGRADED = "degraded"


@dataclass(frozen=True, slots=True)
class KioskState:
    """Where the kiosk is: the phase, the turn in progress and the components at fault."""

    phase: Phase = Phase.IDLE
    turn_id: str | None = None
    faults: frozenset[str] = frozenset()

    @property
    def degraded(self) -> bool:
        return bool(self.faults)


INITIAL = KioskState()

_FAULT_ON = frozenset({EventType.DEVICE_LOST, EventType.MODEL_FAILED})
_FAULT_OFF = frozenset({EventType.DEVICE_OK, EventType.MODEL_LOADED})
_TURN_PHASES = frozenset({Phase.LISTENING, Phase.THINKING, Phase.SPEAKING})


def transition(state: KioskState, event: KioskEvent) -> KioskState:
    """The state after `event`; unchanged when the event does not apply."""
    kind = event.type
    if kind in _FAULT_ON or kind in _FAULT_OFF:
        return _fault_transition(state, event)
    if state.faults:
        # Degraded: a turn cannot run without its devices and models; ignore turn events.
        return state
    turn_id = event.turn_id
    phase = state.phase

    if kind in (EventType.LISTENING_STARTED, EventType.SPEECH_STARTED):
        # A new speech start while listening (the last utterance was noise and discarded)
        # adopts the new turn id rather than being stuck on the old one.
        if phase in (Phase.IDLE, Phase.LISTENING):
            return KioskState(Phase.LISTENING, turn_id or state.turn_id)
        return state
    if kind is EventType.SPEECH_ENDED:
        if phase is Phase.LISTENING and _same_turn(state, turn_id):
            return KioskState(Phase.THINKING, turn_id or state.turn_id)
        return state
    if kind is EventType.TRANSCRIPT:
        # Text-only turns (`kiosk simulate`, tests) skip the VAD and start here.
        if phase is Phase.IDLE or (phase is Phase.LISTENING and _same_turn(state, turn_id)):
            return KioskState(Phase.THINKING, turn_id or state.turn_id)
        return state
    if kind is EventType.AUDIO_STARTED:
        if phase in (Phase.THINKING, Phase.LISTENING) and _same_turn(state, turn_id):
            return KioskState(Phase.SPEAKING, turn_id or state.turn_id)
        return state
    if kind is EventType.BARGE_IN:
        # The interrupted turn's id is forgotten, so its late turn_done is ignored; the new
        # turn's speech_started adopts its own id.
        if phase in (Phase.SPEAKING, Phase.THINKING) and _same_turn(state, turn_id):
            return KioskState(Phase.LISTENING, None)
        return state
    if kind in (EventType.TURN_DONE, EventType.TURN_ERROR):
        if phase in _TURN_PHASES and turn_id == state.turn_id:
            return KioskState(Phase.IDLE, None)
        return state
    # transcript-free progress (answer_sentence, answer_done, playback_stopped) and
    # non-turn events (kb_reloaded, audio_level) do not move the phase.
    return state


def _same_turn(state: KioskState, turn_id: str | None) -> bool:
    """Lenient match for progress events: unknown ids on either side count as the same turn."""
    return state.turn_id is None or turn_id is None or state.turn_id == turn_id


def _fault_transition(state: KioskState, event: KioskEvent) -> KioskState:
    component = str(event.data.get("component") or event.type.value)
    if event.type in _FAULT_ON:
        return KioskState(Phase.DEGRADED, None, state.faults | {component})
    if component not in state.faults:
        return state
    faults = state.faults - {component}
    if faults:
        return replace(state, faults=faults)
    return KioskState(Phase.IDLE, None, frozenset())


def fold(events: Iterable[KioskEvent], state: KioskState = INITIAL) -> KioskState:
    """Apply `events` in order (tests, replaying a recorded stream)."""
    for event in events:
        state = transition(state, event)
    return state
