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
    return [line for line in dict.fromkeys(lines) if line and wording.HOLD_SLOT not in line]
