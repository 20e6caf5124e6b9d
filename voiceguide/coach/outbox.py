"""The coach's outbox: the actions one event gives, and what is being said and timed."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from ..events import Action, CancelTimer, CutSpeech, EndSession, Record, Say, SetTimer


@dataclass(frozen=True)
class Line:
    """A line to say and what kind of line it is (see :class:`~voiceguide.events.Say`)."""

    text: str
    kind: str = "info"


class Outbox:
    """Collects actions, and keeps track of the line the coach waits for and the lines queued after it.

    Only the awaited line's end moves the coach on; queued lines are said
    one after another before the plan goes on. Every timer gets a new token,
    so a timer that fires after it was replaced or cancelled is ignored.
    """

    def __init__(self) -> None:
        self.actions: list[Action] = []
        self.awaited: int | None = None  # the line whose end the coach waits for
        self.awaited_is_step = False  # ... and whether that line is the plan's current step
        self.queued: deque[Line] = deque()
        self.last_said = Line("")  # what "repeat" says again outside an exercise
        self.timer_token = 0
        self._last_id = 0

    def take(self) -> list[Action]:
        actions, self.actions = self.actions, []
        return actions

    def say(self, line: Line, rate: float, step: bool = False) -> None:
        """Speak a line and wait for its end."""
        self.awaited = self._new_id()
        self.awaited_is_step = step
        if line.kind != "count":
            self.last_said = line
        self.actions.append(Say(self.awaited, line.text, line.kind, rate))

    def say_unawaited(self, line: Line, rate: float) -> None:
        """Speak a line nothing waits for (a countdown number, the summary)."""
        self.actions.append(Say(self._new_id(), line.text, line.kind, rate))

    def say_next_queued(self, rate: float) -> None:
        self.say(self.queued.popleft(), rate)

    def ended(self, utterance_id: int) -> bool:
        """The awaited line was spoken to its end (any other line's end changes nothing)."""
        if utterance_id != self.awaited:
            return False
        self.awaited = None
        return True

    def cut(self) -> None:
        """Cut speech and halt timers at once; drop the queued lines."""
        self.actions += [CutSpeech(), CancelTimer()]
        self.timer_token += 1
        self.awaited = None
        self.queued.clear()

    def set_timer(self, seconds: float) -> None:
        self.timer_token += 1
        self.actions.append(SetTimer(self.timer_token, seconds))

    def record(self, kind: str, at: float, data: dict[str, Any]) -> None:
        self.actions.append(Record(kind, at, data))

    def end_session(self, completed: bool) -> None:
        self.actions.append(EndSession(completed=completed))

    def _new_id(self) -> int:
        self._last_id += 1
        return self._last_id
