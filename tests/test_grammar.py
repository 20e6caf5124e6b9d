"""The grammar: every sampled sentence means its intent; the coach's own lines mean nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from tests.support.coaching import INTENTS
from tests.support.driver import Driver

from voiceguide.coach import READY_PROMPT
from voiceguide.grammar import Grammar, normalize



@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return Grammar.load()


def test_all_intents_with_several_phrasings(grammar):
    assert set(grammar.intent_names) == set(INTENTS)
    per_intent = Counter(intent for intent, _ in grammar.samples)
    for intent in INTENTS:
        assert per_intent[intent] >= 3, intent


def test_every_sampled_sentence_parses_to_its_intent(grammar):
    wrong = [(intent, text, grammar.parse(text)) for intent, text in grammar.samples if grammar.parse(text).intent != intent]
    assert wrong == []


@pytest.mark.parametrize(
    "text, intent",
    [
        ("it hurts", "Pain"), ("that hurts", "Pain"), ("ouch", "Pain"), ("pain", "Pain"),
        ("my back hurts", "Pain"), ("Stop, it hurts!", "Pain"), ("My lower back is hurting.", "Pain"),
        ("my leg is numb", "Symptom"), ("I feel tingling", "Symptom"), ("I feel weak", "Symptom"),
        ("numbness", "Symptom"), ("stop", "Stop"), ("Stop!", "Stop"), ("next", "Next"),
        ("How do I check my form?", "Form"), ("am I doing it right", "Form"), ("why", "Why"),
        ("how many left", "Status"), ("what's next", "Status"), ("where am I", "Status"),
        ("slower please", "Slower"), ("speed up", "Faster"), ("what can I say", "Help"),
        ("repeat", "Repeat"), ("say that again", "Repeat"), ("pause", "Pause"), ("hold on", "Pause"),
        ("continue", "Resume"), ("resume", "Resume"), ("skip", "Skip"), ("go back", "Previous"),
        ("let's start", "Start"), ("yes", "Yes"), ("no", "No"), ("I'm fine", "Okay"),
        ("end the session", "Quit"),
    ],
)
def test_natural_phrasings(grammar, text, intent):
    parsed = grammar.parse(text)
    assert parsed is not None and parsed.intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "Repeat 10 times, holding for 5 seconds each time.",
        "Hold this position for 5 seconds.",
        "Hold for 10 seconds, then lower your leg.",
        "Now the other leg.",
        "Repeat with the other leg and hold for 10 seconds.",
        "what a lovely day it is",
        "",
        "   ",
    ],
)
def test_not_commands(grammar, text):
    assert grammar.parse(text) is None


def test_no_line_the_coach_speaks_is_a_command(grammar):
    """Every line of a whole session, with answers, hints and safety lines."""
    driver = Driver.new().begin()
    driver.settle()
    driver.hear("Start")
    for intent in ["Form", "Why", "Status", "Help", "Slower", "Faster", "Pause", "Resume", "Repeat", "Stop", "No", "Resume", "Pain", "No", "Resume", "Unknown"]:
        driver.run_until(lambda d: d.coach.step.kind.value == "hold" or d.coach.waiting_for_user)
        driver.hear(intent)
        driver.settle() if driver.coach.waiting_for_user else None
    driver.unclear()
    driver.hear("Yes")
    for _ in range(5):
        driver.settle()
        driver.hear("Next")
    driver.settle()
    assert driver.ended is not None
    lines = {line for say in driver.said for line in [say.text]}
    assert len(lines) > 60
    commands = {line: grammar.parse(line) for line in lines if grammar.parse(line) is not None}
    assert commands == {}


def test_what_the_coach_asks_for_to_begin_is_a_start_and_not_like_stop(grammar):
    asked = normalize(READY_PROMPT.rsplit(" say ", 1)[1])
    assert grammar.parse(asked).intent == "Start"
    assert "start" not in asked.split()  # "start" and "stop" are heard for each other


def test_normalize():
    assert normalize("  Stop,  it HURTS!! ") == "stop it hurts"
    assert normalize("I’m fine.") == "i'm fine"


def test_vocabulary_has_no_exercise_names(grammar):
    """A user's own routine must work unchanged: no exercise names in the grammar."""
    for word in ("pelvic", "tilt", "bridge", "rotation", "trunk"):
        assert word not in grammar.words
