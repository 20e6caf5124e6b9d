"""The lines the coach says that are known before a session starts.

The plan's steps, the routine's form tips, purposes and safety texts, and
the fixed sentences of :mod:`.wording`: what the understanding stage knows
is the coach talking, not a command, when someone else says it.
"""

from __future__ import annotations

from ..routine import Routine
from . import wording
from .plan import build_plan


def known_lines(routine: Routine, level: str = "standard") -> list[str]:
    """Every line known in advance, each once, in the order first met."""
    lines = [text for step in build_plan(routine, level) for text in (step.text, step.full)]
    for exercise in routine.exercises:
        lines += [exercise.purpose, *exercise.form]
    lines += list(vars(routine.safety).values())
    lines += [value for name, value in vars(wording).items() if name.isupper() and isinstance(value, str)]
    lines += [wording.hold(seconds, say_length=True) for seconds in range(1, 61)] + [wording.hold(0, say_length=False)]
    holds = wording.seconds_text(5)  # a hold's length is filled in as the session goes; any length stands for it here
    return [line.replace(wording.HOLD_SLOT, holds) for line in dict.fromkeys(lines) if line]
