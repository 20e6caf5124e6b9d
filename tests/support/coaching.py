"""The pure coach under test: the intents, driving it to a moment, the next session, the states it can be in, random moves.

Shared by the coach's tests (tests/test_coach_*.py), its properties and the unclear replies.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

from tests.support.driver import Driver
from voiceguide.coach.plan import StepKind
from voiceguide.events import Record
from voiceguide.history import History, SessionJournal
from voiceguide.session import resume_offer

# Every intent, written out by hand: the tests' own expectation, not read from the code.
INTENTS = [
    "Start", "Next", "Previous", "Repeat", "Pause", "Resume", "Skip", "Stop", "Quit", "Pain",
    "Symptom", "Form", "Why", "Status", "Slower", "Faster", "Help", "Yes", "No", "Okay",
]
EXERCISE_LINES = {"instruction", "count", "progress", "intro"}  # the kinds of line that go on with an exercise
PROGRESS = re.compile(r"^That's (\d+) of (\d+)")


def in_hold(driver: Driver) -> bool:
    return driver.coach.step.kind is StepKind.HOLD and driver.coach.state.hold.counting


def hold_said(driver: Driver) -> bool:
    """A hold's line is being said: its seconds are counted when it ends."""
    return driver.coach.step.kind is StepKind.HOLD and bool(driver.speaking) and driver.speaking[-1].text.startswith("Hold")


def started(**kwargs) -> Driver:
    driver = Driver.new(**kwargs).begin()
    driver.settle()
    driver.hear("Start")
    return driver


def at_hold(rep: int = 1, exercise: int = 0) -> Driver:
    driver = started()
    if exercise:
        for _ in range(exercise):
            driver.settle()
            driver.hear("Next")
    driver.run_until(lambda d: in_hold(d) and d.coach.step.where.rep == rep)
    return driver


def saying(text: str):
    return lambda d: bool(d.speaking) and d.speaking[-1].text == text


def counts(driver: Driver) -> list[int]:
    return [int(m.group(1)) for say in driver.said if (m := PROGRESS.match(say.text))]


def next_start(tmp_path, driver: Driver, interrupted: bool = True) -> Driver:
    """The records of ``driver``'s session in a history file, and the next session's coach offering."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    history = History.open(tmp_path / "history.sqlite3")
    journal = SessionJournal(history, driver.coach.routine.name)
    for record in driver.records:
        journal.record(record)
    if interrupted:
        journal.record(Record("interrupted", driver.clock.now, {"reason": "end of input"}))
    offer = resume_offer(history.unfinished_session(), driver.coach.routine)
    history.close()
    following = Driver.new(resume_offer=offer).begin()
    following.settle()
    return following


def turn(driver: Driver, text: str) -> list[str]:
    """What the coach says in answer to ``text``, up to where it waits for the user."""
    mark = len(driver.said)
    driver.say_text(text)
    driver.settle()
    return driver.texts(mark)


def whole_session(**kwargs) -> Driver:
    driver = started(**kwargs)
    for _ in range(4):
        driver.settle()
        driver.hear("Next")
    driver.settle()
    return driver


def summary_of(driver: Driver) -> str:
    return " ".join(say.text for say in driver.said if say.kind == "summary")


def finish_the_routine(driver: Driver) -> None:
    while driver.ended is None:
        driver.settle()
        if driver.ended is None:
            driver.say_text("next")


def skipped_the_hamstring_stretch() -> Driver:
    """A session that did three exercises and skipped the fourth in its first hold."""
    driver = started()
    for _ in range(3):
        driver.settle()
        driver.say_text("next")
    driver.run_until(in_hold)  # hamstring stretch
    driver.say_text("skip")
    return driver


# -------------------------------------------------------------- the states

def state_ready_speaking():
    return Driver.new().begin()


def state_ready():
    driver = Driver.new().begin()
    driver.settle()
    return driver


def state_running_instruction():
    driver = started()
    driver.run_until(lambda d: d.speaking and d.speaking[-1].kind == "instruction")
    return driver


def state_hold():
    return at_hold(rep=2)


def state_rest():
    driver = started()
    driver.run_until(lambda d: d.coach.step.kind is StepKind.REST and not d.speaking)
    return driver


def state_waiting():
    driver = started()
    driver.settle()
    return driver


def state_paused():
    driver = at_hold()
    driver.hear("Pause")
    driver.settle()
    return driver


def state_stopped():
    driver = at_hold()
    driver.hear("Stop")
    driver.settle()
    return driver


def state_pain():
    driver = at_hold()
    driver.hear("Pain", "it hurts")
    driver.settle()
    return driver


def state_pain_answered():
    driver = state_pain()
    driver.hear("No")
    driver.settle()
    return driver


def state_checking():
    driver = at_hold()
    driver.unclear()
    driver.settle()
    return driver


def state_last_exercise():
    return at_hold(rep=3, exercise=4)


STATES = {
    name[len("state_"):]: builder for name, builder in dict(globals()).items() if name.startswith("state_")
}


# -------------------------------------------------------------- random moves

moves = st.one_of(
    st.sampled_from(INTENTS).map(lambda intent: ("hear", intent)),
    st.just(("unclear", "")),
    st.integers(min_value=1, max_value=40).map(lambda n: ("time", n)),
)


def play(driver: Driver, sequence) -> None:
    for kind, value in sequence:
        if driver.ended is not None:
            return
        if kind == "hear":
            driver.hear(value)
        elif kind == "unclear":
            driver.unclear()
        else:
            for _ in range(value):
                if not driver.step():
                    break
