"""Questions the user asks, and the pace: answered, then back to where the session was.

(The coach's own questions, and the answers to them, are :class:`~voiceguide.coach.state.Question`
and :mod:`.answers`.)
"""

from __future__ import annotations

from ..events import Heard
from . import prompts, wording
from .dialogue import Dialogue
from .pace import PACE_LIMIT, hold_left
from .plan import StepKind
from .state import Mode


def form(coach: Dialogue, event: Heard) -> None:
    """The exercise's own form check, from the routine."""
    exercise = coach.exercise
    coach.say_aside(*wording.form_check(exercise.name, exercise.form, upcoming=coach.state.mode is Mode.WAITING))


def why(coach: Dialogue, event: Heard) -> None:
    if not coach.state.started:
        coach.say_aside(wording.WHY_THE_ROUTINE)
        return
    coach.say_aside(wording.why_this(coach.exercise.name, coach.exercise.purpose))


def status(coach: Dialogue, event: Heard) -> None:
    coach.say_aside(_status_line(coach))


def _status_line(coach: Dialogue) -> str:
    exercises = coach.routine.exercises
    if not coach.state.started:
        return wording.status_before_start(len(exercises), prompts.not_started_prompt(coach))
    where = coach.step.where
    exercise = exercises[where.exercise]
    if coach.state.mode is Mode.WAITING:
        return wording.status_between_exercises(len(coach.state.done_exercises), len(exercises), exercise.name.lower())
    following = exercises[where.exercise + 1].name.lower() if where.exercise + 1 < len(exercises) else None
    reps = exercise.sets[where.set].reps.for_level(coach.settings.level) if where.rep else 0
    return wording.status_in_exercise(exercise.name.lower(), where.exercise + 1, len(exercises), where.rep, reps, where.side, following)


def slower(coach: Dialogue, event: Heard) -> None:
    _change_pace(coach, faster=False)


def faster(coach: Dialogue, event: Heard) -> None:
    _change_pace(coach, faster=True)


def _change_pace(coach: Dialogue, faster: bool) -> None:
    """Slower is longer rests and holds and slower speech; a few steps either way.

    A hold under way goes on from where it was after the answer, never
    longer: see :func:`~voiceguide.coach.pace.hold_left`.
    """
    hold = coach.state.hold
    left = _hold_under_way(coach)
    pace = coach.state.pace + (1 if faster else -1)
    if abs(pace) > PACE_LIMIT:
        coach.hint(wording.pace_at_limit(faster))
    else:
        coach.state.pace = pace
        coach.say_aside(wording.pace_changed(faster))
    if left is not None:
        carry_on = hold_left(hold.length, left, coach.hold_length(coach.step))
        hold.length, hold.carry_on = hold.length - left + carry_on, carry_on


def _hold_under_way(coach: Dialogue) -> int | None:
    """The seconds left of the hold under way (its line said or being said), None when no hold is."""
    hold, speech = coach.state.hold, coach.state.speech
    if coach.state.mode is not Mode.RUNNING or coach.step.kind is not StepKind.HOLD:
        return None
    if hold.carry_on is not None:
        return hold.carry_on
    if hold.counting or (speech.awaited is not None and speech.awaited_is_step):
        return hold.seconds_left
    return None


def say_help(coach: Dialogue, event: Heard) -> None:
    coach.say_aside(prompts.help_line(coach))
