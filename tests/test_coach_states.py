"""The coach in every state it can be in: every intent and unclear speech get an answer.

The pure coach, driven with a fake clock (tests/support/driver.py); no audio.
"""

from __future__ import annotations

import pytest

from tests.support.coaching import INTENTS, STATES, state_waiting
from voiceguide.coach import Mode, Question
from voiceguide.events import CancelTimer, CutSpeech, EndSession, Say


# -------------------------------------------------- the states


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_in_every_state_answers(state, intent):
    driver = STATES[state]()
    actions = driver.hear(intent)
    said = [a for a in actions if isinstance(a, Say)]
    acknowledgement = intent == "Okay" and driver.coach.mode is Mode.RUNNING and not said
    assert said or acknowledgement, f"silence after {intent} in {state}"
    if intent in ("Stop", "Pain", "Symptom"):
        assert isinstance(actions[0], CutSpeech) and isinstance(actions[1], CancelTimer)
    driver.settle()  # and nothing breaks afterwards


@pytest.mark.parametrize("state", sorted(STATES))
def test_unclear_speech_in_every_state_answers(state):
    driver = STATES[state]()
    running = driver.coach.mode is Mode.RUNNING
    actions = driver.unclear("the cat sat")
    assert any(isinstance(a, Say) for a in actions)
    if running:
        assert driver.coach.mode is Mode.HALTED and driver.coach.question is Question.ALL_RIGHT


def test_after_the_end_nothing_happens():
    driver = state_waiting()
    driver.hear("Quit")
    assert driver.ended == EndSession(completed=False)
    assert driver.hear("Next") == [] and driver.hear("Pain") == []
