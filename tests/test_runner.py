"""The runner with the real coach and text speaker: how a session ends when the user's input does."""

from __future__ import annotations

import io
import threading
import time

import pytest

from voiceguide.coach import Coach
from voiceguide.coach.wording import READY_PROMPT
from voiceguide.events import Heard, Record
from voiceguide.grammar import Grammar
from voiceguide.routine import load_routine
from voiceguide.runner import InputClosed, Runner
from voiceguide.text_mode import TextSpeaker, read_typed_lines
from voiceguide.understanding import Understanding


class ListJournal:
    def __init__(self) -> None:
        self.records: list[Record] = []

    def record(self, record: Record) -> None:
        self.records.append(record)


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.slow  # a session in real time
def test_end_of_input_mid_exercise_ends_the_session_at_once_and_saves_it():
    out = io.StringIO()
    journal = ListJournal()
    notices: list[str] = []
    runner = Runner(Coach(load_routine()), TextSpeaker(out, speed=10), journal, speed=10, notice=notices.append)
    runner.post(Heard("Start", "let's begin"))
    ended: list[object] = []
    thread = threading.Thread(target=lambda: ended.append(runner.run()), daemon=True)
    thread.start()
    wait_for(lambda: "That's 1 of 10." in out.getvalue())
    runner.post(InputClosed())  # Ctrl-D, or the end of a piped script
    thread.join(timeout=5)
    assert not thread.is_alive() and ended == [None]
    assert "That's 2 of 10." not in out.getvalue()
    assert journal.records[-1].kind == "interrupted" and journal.records[-1].data == {"reason": "end of input"}
    assert [r.data["rep"] for r in journal.records if r.kind == "rep_done"] == [1]
    assert any("Input ended" in notice and "saved" in notice for notice in notices)


def test_end_of_input_after_the_end_leaves_the_summary_whole():
    out = io.StringIO()
    journal = ListJournal()
    runner = Runner(Coach(load_routine()), TextSpeaker(out, speed=20), journal, speed=20)
    runner.post(Heard("Quit", "end"))
    runner.post(InputClosed())
    result = runner.run()
    assert result is not None and not result.completed
    assert out.getvalue().rstrip().endswith("Take care.")
    assert [r.kind for r in journal.records][-1] == "session_end"


def test_the_records_have_the_times_the_runner_stamped_on_the_events():
    """The coach has no clock: it reads each event's time, which the runner stamps as the event comes."""
    journal = ListJournal()
    runner = Runner(Coach(load_routine()), TextSpeaker(io.StringIO(), speed=20), journal, speed=20,
                    wall_clock=lambda: 1234.5)
    runner.post(Heard("Quit", "end"))
    runner.post(InputClosed())
    runner.run()
    assert journal.records and {record.at for record in journal.records} == {1234.5}


def script_session(script: str, speed: float = 20) -> tuple[list[str], object, list[str], ListJournal]:
    """A session fed by a script (not a terminal): its printed lines, its end, its notices, its records."""
    out = io.StringIO()
    journal = ListJournal()
    notices: list[str] = []
    runner = Runner(Coach(load_routine()), TextSpeaker(out, speed=speed), journal, speed=speed,
                    notice=notices.append)
    read_typed_lines(io.StringIO(script), Understanding(Grammar.load()), runner)  # the grammar's sentences only
    ended = runner.run()
    return out.getvalue().splitlines(), ended, notices, journal


@pytest.mark.slow  # a session in real time
def test_a_script_is_read_one_line_at_a_time_each_when_the_coach_is_ready():
    lines, ended, notices, _ = script_session("let's begin\nwhere am I\nwhere am I\nend\n")
    assert lines.index(READY_PROMPT) < lines.index("Exercise 1 of 5: Pelvic tilt.")  # the opening is whole
    statuses = [n for n, line in enumerate(lines) if line.startswith("This is pelvic tilt, exercise 1 of 5.")]
    assert len(statuses) == 2
    assert lines.index("Hold for 5 seconds.") < statuses[0]  # "let's begin" answered up to its first pause
    assert ended is not None and lines[-1] == "Take care."  # the script's "end" ended it, not the end of input
    assert not [notice for notice in notices if "Input ended" in notice]


@pytest.mark.slow  # a session in real time
def test_the_end_of_a_script_is_handled_after_its_last_line():
    lines, ended, notices, journal = script_session("let's begin\n", speed=5)
    assert "Exercise 1 of 5: Pelvic tilt." in lines and "Hold for 5 seconds." in lines
    # Ended in the first hold, once the coach was silent: at most its count had begun, no repetition was done.
    assert all(line.isdigit() for line in lines[lines.index("Hold for 5 seconds.") + 1 :]), lines[-4:]
    assert ended is None and any("Input ended" in notice for notice in notices)
    assert [r.kind for r in journal.records][-2:] == ["exercise_start", "interrupted"]
