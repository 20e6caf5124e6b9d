"""The intents: what the user can mean, named once for the grammar and the coach.

The grammar says how each intent is spoken; the coach has one handler for
each. Loading a grammar checks that its intents are exactly these, so an
intent nobody handles, or a handler nobody can reach, is an error at load.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Intent(str, Enum):
    """An intent's value is its name in the grammar file."""

    # Safety: heard in every state, also while the coach speaks.
    STOP = "Stop"
    PAIN = "Pain"
    SYMPTOM = "Symptom"
    QUIT = "Quit"
    # Moving through the routine.
    START = "Start"
    NEXT = "Next"
    PREVIOUS = "Previous"
    REPEAT = "Repeat"
    PAUSE = "Pause"
    RESUME = "Resume"
    SKIP = "Skip"
    # Questions about the exercise, and the pace.
    FORM = "Form"
    WHY = "Why"
    STATUS = "Status"
    HELP = "Help"
    SLOWER = "Slower"
    FASTER = "Faster"
    # Answers to the coach's questions.
    YES = "Yes"
    NO = "No"
    OKAY = "Okay"


class Context(str, Enum):
    """What the coach is waiting for right now: the understanding stage weighs what was said by it."""

    READY = "ready"  # welcome said, waiting for "let's begin"
    QUESTION = "question"  # a yes/no question is open (in pain? all right? continue last session?)
    BETWEEN = "between"  # between exercises, waiting for the user's word
    HALTED = "halted"  # paused, stopped or after pain: waiting for continue or end
    EXERCISE = "exercise"  # an exercise runs (steps, holds, counts)
    ENDED = "ended"


# What acts in every state, even over the coach's voice: "stop", pain, symptoms.
SAFETY_INTENTS = frozenset(intent.value for intent in (Intent.STOP, Intent.PAIN, Intent.SYMPTOM))


class IntentMismatch(ValueError):
    """A grammar's intents are not the ones the coach handles."""


def check_intents(names: Iterable[str], source: str) -> None:
    """Raise :class:`IntentMismatch` unless ``names`` (a grammar's intents) are exactly :class:`Intent`'s."""
    names = set(names)
    known = {intent.value for intent in Intent}
    problems = []
    if unhandled := sorted(names - known):
        problems.append(f"intents the coach has no handler for: {', '.join(unhandled)}")
    if unreachable := sorted(known - names):
        problems.append(f"intents the coach handles that the grammar lacks: {', '.join(unreachable)}")
    if problems:
        raise IntentMismatch(f"{source}: {'; '.join(problems)}")
