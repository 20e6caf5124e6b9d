"""Carrying out the coach's actions: each kind of action mapped, in one place, to what does it.

The runner (a real speaker, timers, the journal) and the tests' driver
(instant speech, a fake clock) both carry out actions through
:func:`carry_out`, so a new kind of action is added here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from .events import Action, CancelTimer, CutSpeech, EndSession, Record, Say, SetTimer


class ActionHandler(Protocol):
    """What carries out each kind of action."""

    def speak(self, line: Say) -> None: ...

    def cut_speech(self) -> None: ...

    def set_timer(self, timer: SetTimer) -> None: ...

    def cancel_timer(self) -> None: ...

    def record(self, record: Record) -> None: ...

    def end_session(self, end: EndSession) -> None: ...


def carry_out(actions: Iterable[Action], handler: ActionHandler) -> None:
    """Hand each action, in order, to the handler's method for its kind."""
    for action in actions:
        if isinstance(action, Say):
            handler.speak(action)
        elif isinstance(action, CutSpeech):
            handler.cut_speech()
        elif isinstance(action, SetTimer):
            handler.set_timer(action)
        elif isinstance(action, CancelTimer):
            handler.cancel_timer()
        elif isinstance(action, Record):
            handler.record(action)
        elif isinstance(action, EndSession):
            handler.end_session(action)
        else:
            raise TypeError(f"not an action of the coach: {action!r}")
