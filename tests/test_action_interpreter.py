"""One interpreter of the coach's actions: each kind goes to its own handler method, in order."""

from __future__ import annotations

import pytest

from voiceguide.action_interpreter import carry_out
from voiceguide.events import CancelTimer, CutSpeech, EndSession, Record, Say, SetTimer


class Log:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def speak(self, line: Say) -> None:
        self.calls.append(("speak", line))

    def cut_speech(self) -> None:
        self.calls.append(("cut_speech", None))

    def set_timer(self, timer: SetTimer) -> None:
        self.calls.append(("set_timer", timer))

    def cancel_timer(self) -> None:
        self.calls.append(("cancel_timer", None))

    def record(self, record: Record) -> None:
        self.calls.append(("record", record))

    def end_session(self, end: EndSession) -> None:
        self.calls.append(("end_session", end))


def test_each_action_goes_to_its_handler_in_order():
    say, timer, record, end = Say(1, "Hold."), SetTimer(3, 1.0), Record("pause", 5.0), EndSession(completed=False)
    log = Log()
    carry_out([CutSpeech(), CancelTimer(), say, timer, record, end], log)
    assert log.calls == [
        ("cut_speech", None), ("cancel_timer", None), ("speak", say), ("set_timer", timer), ("record", record), ("end_session", end),
    ]


def test_something_that_is_not_an_action_is_an_error():
    with pytest.raises(TypeError):
        carry_out(["hello"], Log())  # type: ignore[list-item]
