"""The coach's outbox: the actions one event gives, with the speech state (:class:`.state.Speech`) kept in step."""

from __future__ import annotations

from typing import Any

from ..events import Action, CancelTimer, CutSpeech, EndSession, Record, Say, SetTimer
from .state import Line, Speech


class Outbox:
    """Collects the actions of one event; what is said and timed is remembered in ``speech``."""

    def __init__(self, speech: Speech) -> None:
        self.speech = speech
        self.actions: list[Action] = []

    def take(self) -> list[Action]:
        actions, self.actions = self.actions, []
        return actions

    def say(self, line: Line, rate: float, step: bool = False) -> None:
        """Speak a line and wait for its end."""
        speech = self.speech
        speech.awaited = self._new_id()
        speech.awaited_is_step = step
        if line.kind != "count":
            speech.last_said = line
        self.actions.append(Say(speech.awaited, line.text, line.kind, rate))

    def say_unawaited(self, line: Line, rate: float) -> None:
        """Speak a line nothing waits for (a countdown number, the summary)."""
        self.actions.append(Say(self._new_id(), line.text, line.kind, rate))

    def queue(self, line: Line) -> None:
        """A line to say after the lines queued before it."""
        self.speech.queued.append(line)

    def say_next_queued(self, rate: float) -> None:
        self.say(self.speech.queued.popleft(), rate)

    def ended(self, utterance_id: int) -> bool:
        """The awaited line was spoken to its end (any other line's end changes nothing)."""
        if utterance_id != self.speech.awaited:
            return False
        self.speech.awaited = None
        return True

    def cut(self) -> None:
        """Cut speech and halt timers at once; drop the queued lines."""
        self.actions += [CutSpeech(), CancelTimer()]
        self.speech.timer_token += 1
        self.speech.awaited = None
        self.speech.queued.clear()

    def set_timer(self, seconds: float) -> None:
        self.speech.timer_token += 1
        self.actions.append(SetTimer(self.speech.timer_token, seconds))

    def record(self, kind: str, at: float, data: dict[str, Any]) -> None:
        self.actions.append(Record(kind, at, data))

    def end_session(self, completed: bool) -> None:
        self.actions.append(EndSession(completed=completed))

    def _new_id(self) -> int:
        self.speech.last_id += 1
        return self.speech.last_id
