"""The coach's table (voiceguide/coach/table.py): every state answers every intent, and the package has no import cycle."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.driver import Driver
from voiceguide.coach import Halt, Mode, Question, ResumeOffer, navigation
from voiceguide.coach.plan import Where
from voiceguide.coach.rows import ANY, Row
from voiceguide.coach.table import SAID, intent_table
from voiceguide.events import Say
from voiceguide.intents import Intent


def running() -> Driver:
    driver = Driver.new().begin()
    driver.settle()
    driver.hear("Start")  # the first line of the first exercise is being said
    return driver


def unclear_while_running() -> Driver:
    driver = running()
    driver.unclear()
    return driver


def then(first: Callable[[], Driver], *said: str) -> Callable[[], Driver]:
    def reach() -> Driver:
        driver = first()
        for intent in said:
            driver.hear(intent)
        driver.settle()
        return driver

    return reach


# Each (mode, question open) the coach can be in, and how a session gets there.
STATES: dict[str, Callable[[], Driver]] = {
    "ready": then(lambda: Driver.new().begin()),
    "ready, offered to continue": then(lambda: Driver.new(resume_offer=ResumeOffer(Where(1, 0, 2, "left"))).begin()),
    "running": running,
    "waiting": then(running),
    "paused": then(running, "Pause"),
    "stopped, asked about pain": then(running, "Stop"),
    "after pain, asked about symptoms": then(running, "Pain"),
    "after pain, answered": then(running, "Pain", "No"),
    "after unclear speech, asked if all is well": then(unclear_while_running),
    "after a symptom, offered to end": then(running, "Symptom"),
}


def test_the_states_are_the_ones_named():
    def reached(name: str) -> tuple[Mode, Question | None, Halt | None]:
        coach = STATES[name]().coach
        return coach.mode, coach.question, coach.halt

    assert reached("ready") == (Mode.READY, None, None)
    assert reached("ready, offered to continue") == (Mode.READY, Question.RESUME_OFFER, None)
    assert reached("waiting") == (Mode.WAITING, None, None)
    assert reached("paused") == (Mode.HALTED, None, Halt.PAUSE)
    assert reached("stopped, asked about pain") == (Mode.HALTED, Question.IN_PAIN, Halt.STOP)
    assert reached("after pain, asked about symptoms") == (Mode.HALTED, Question.SYMPTOMS, Halt.PAIN)
    assert reached("after pain, answered") == (Mode.HALTED, None, Halt.PAIN)
    assert reached("after unclear speech, asked if all is well") == (Mode.HALTED, Question.ALL_RIGHT, Halt.UNCLEAR)
    assert reached("after a symptom, offered to end") == (Mode.HALTED, Question.END_OFFER, Halt.PAIN)
    assert STATES["running"]().coach.mode is Mode.RUNNING


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("intent", list(Intent), ids=lambda intent: intent.value)
def test_every_intent_gets_a_spoken_answer_in_every_state(state, intent):
    """Rule 4: never a crash, never silence; only "okay" during an exercise is taken as a nod."""
    driver = STATES[state]()
    said = [action for action in driver.hear(intent.value) if isinstance(action, Say)]
    if (state, intent) == ("running", Intent.OKAY):
        assert not said
    else:
        assert said


def test_a_table_that_leaves_a_state_unanswered_is_refused():
    rows = dict(SAID)
    rows[Intent.NEXT] = (Row(Mode.READY, ANY, navigation.begin_routine),)  # halted is answered by the shared hint
    with pytest.raises(LookupError, match="Next in running") as refused:
        intent_table(rows)
    assert "Next in waiting" in str(refused.value) and "Next in halted" not in str(refused.value)


def test_a_row_that_runs_only_if_does_not_answer_for_sure():
    rows = dict(SAID)
    rows[Intent.SKIP] = (Row(ANY, ANY, navigation.skip, only_if=lambda coach: True),)
    with pytest.raises(LookupError, match="Skip in ready"):
        intent_table(rows)
