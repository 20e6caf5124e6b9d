"""Questions the user asks, and the pace: answered, then back to where the session was."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..events import Heard
from . import prompts, wording
from .pace import PACE_LIMIT
from .state import Mode

if TYPE_CHECKING:
    from .core import Coach


def on_form(coach: Coach, event: Heard) -> None:
    """The exercise's own form check, from the routine."""
    if not coach.state.started:
        coach.hint(wording.form_before_start(prompts.not_started_prompt(coach)))
        return
    exercise = coach.exercise
    coach.say_aside(*wording.form_check(exercise.name, exercise.form, upcoming=coach.state.mode is Mode.WAITING))


def on_why(coach: Coach, event: Heard) -> None:
    if not coach.state.started:
        coach.say_aside(wording.WHY_THE_ROUTINE)
        return
    coach.say_aside(wording.why_this(coach.exercise.name, coach.exercise.purpose))


def on_status(coach: Coach, event: Heard) -> None:
    coach.say_aside(_status_line(coach))


def _status_line(coach: Coach) -> str:
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


def on_slower(coach: Coach, event: Heard) -> None:
    _change_pace(coach, faster=False)


def on_faster(coach: Coach, event: Heard) -> None:
    _change_pace(coach, faster=True)


def _change_pace(coach: Coach, faster: bool) -> None:
    """Slower is longer rests and holds and slower speech; a few steps either way."""
    pace = coach.state.pace + (1 if faster else -1)
    if abs(pace) > PACE_LIMIT:
        coach.hint(wording.pace_at_limit(faster))
        return
    coach.state.pace = pace
    coach.say_aside(wording.pace_changed(faster))


def on_help(coach: Coach, event: Heard) -> None:
    coach.say_aside(prompts.help_line(coach))
