"""The coach's reply to speech it cannot place can never start it answering its own voice.

The coach hears itself through the room. If its reply to unclear speech were
a command (it was: "Sorry, I didn't catch that." is a Repeat sentence, and
Repeat says the last line again) or were answered again when heard back, a
moment when the echo path fails would become a loop of the same line.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.driver import Driver
from tests.support.coaching import STATES, moves, play
from voiceguide.coach import Mode
from voiceguide.events import Say
from voiceguide.grammar import Grammar, normalize


@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return Grammar.load()


def sentences(line: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", line) if s]


@pytest.mark.parametrize("state", sorted(STATES))
def test_the_reply_to_unclear_speech_holds_no_command(grammar, state):
    driver = STATES[state]()
    replies = [a.text for a in driver.unclear("the cat sat") if isinstance(a, Say)]
    if driver.coach.mode is Mode.HALTED:  # unclear again, as when the reply itself was not placed
        replies += [a.text for a in driver.unclear("the cat sat") if isinstance(a, Say)]
    assert replies
    commands = {s: parsed.intent for line in replies for s in sentences(line) if (parsed := grammar.parse(normalize(s)))}
    assert commands == {}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(moves, max_size=30), st.integers(min_value=2, max_value=6))
def test_the_coach_hearing_its_own_reply_back_answers_it_at_most_once(sequence, echoes):
    driver = Driver.new().begin()
    play(driver, sequence)
    if driver.ended is not None:
        return
    replies = []
    for _ in range(echoes):  # its last line, heard back and placed nowhere, while it plays and after
        mark = len(driver.actions)
        driver.unclear(driver.said[-1].text if driver.said else "mumble")
        replies += [a.text for a in driver.actions[mark:] if isinstance(a, Say) and a.kind == "hint"]
        driver.settle()
    assert len(replies) <= 1, replies


def test_once_understood_the_user_gets_the_reply_again():
    driver = Driver.new().begin()
    driver.settle()
    assert driver.unclear("the cat sat") and not driver.unclear("the cat sat")
    driver.hear("Help")
    driver.settle()
    assert any(isinstance(a, Say) for a in driver.unclear("mumble"))
