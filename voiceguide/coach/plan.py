"""A routine unrolled into the flat list of steps the coach walks through.

The plan is fixed for a session (reps are chosen by level when it starts);
hold lengths and rests are left to the coach, which applies the user's pace
as it goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from ..routine import SIDE, Exercise, ExerciseSet, Range, Routine
from . import wording


class StepKind(str, Enum):
    SAY = "say"  # speak a line, go on when it has been spoken
    HOLD = "hold"  # "Hold for N seconds", then a spoken countdown
    REST = "rest"  # a silent pause between repetitions
    REP_DONE = "rep_done"  # one repetition (one side) is done: record it
    WAIT = "wait"  # an exercise is over: wait for the user's word
    FINISH = "finish"  # the routine is done: summary and end


@dataclass(frozen=True)
class Where:
    """A place in the routine: exercise index, set index, rep (1-based), side."""

    exercise: int
    set: int = 0
    rep: int = 0
    side: str | None = None


@dataclass(frozen=True)
class Step:
    kind: StepKind
    where: Where
    text: str = ""
    kind_of_line: str = "info"
    hold: Range | None = None
    reps: int = 0
    rep_start: bool = False  # where a repetition (or an exercise) begins
    instruction: bool = False  # what "repeat" says again
    full: str = ""  # a short cue's full instruction, said instead when asked to repeat or after pain
    after_rep: bool = False  # a count, rest or closing line after a finished repetition: never said twice
    ends_exercise: bool = False  # the exercise's last repetition is done here


def build_plan(routine: Routine, level: str = "standard") -> list[Step]:
    steps: list[Step] = []
    count = len(routine.exercises)
    for index, exercise in enumerate(routine.exercises):
        steps.extend(_exercise_steps(exercise, index, count, level))
        if index + 1 < count:
            steps.append(Step(StepKind.WAIT, Where(index + 1)))
    steps.append(Step(StepKind.FINISH, Where(count - 1)))
    return steps


def _exercise_steps(exercise: Exercise, index: int, count: int, level: str) -> list[Step]:
    top = Where(index)
    steps = [
        Step(StepKind.SAY, top, wording.exercise_title(index + 1, count, exercise.name), "intro", rep_start=True),
        Step(StepKind.SAY, top, exercise.purpose, "intro"),
    ]
    steps += [Step(StepKind.SAY, top, line, "instruction", instruction=True) for line in exercise.setup]
    if exercise.say_form:
        steps.append(Step(StepKind.SAY, top, wording.FORM_INTRO, "instruction"))
        steps += [Step(StepKind.SAY, top, line, "instruction") for line in exercise.form]
    for set_index, exercise_set in enumerate(exercise.sets):
        steps += _set_steps(exercise_set, Where(index, set_index), level)
    _mark_last_rep(steps)
    if index + 1 < count:  # the last exercise's end is the routine's, said once in the summary
        steps.append(Step(StepKind.SAY, top, wording.exercise_finished(exercise.name.lower()), "info", after_rep=True))
    return steps


def _mark_last_rep(steps: list[Step]) -> None:
    """The exercise is done when its last repetition is, whatever is said after it."""
    last = max(i for i, step in enumerate(steps) if step.kind is StepKind.REP_DONE)
    steps[last] = replace(steps[last], ends_exercise=True)


def _set_steps(exercise_set: ExerciseSet, where: Where, level: str) -> list[Step]:
    reps = exercise_set.reps.for_level(level)
    sides: tuple[str | None, ...] = exercise_set.sides or (None,)
    steps: list[Step] = []
    if exercise_set.intro:
        steps.append(Step(StepKind.SAY, where, exercise_set.intro, "instruction", rep_start=True))
    announce = wording.set_announcement(reps, bool(exercise_set.sides))
    steps.append(Step(StepKind.SAY, where, announce, "info", rep_start=not exercise_set.intro))
    for rep in range(1, reps + 1):
        for side_number, side in enumerate(sides):
            here = Where(where.exercise, where.set, rep, side)
            steps += _instruction_steps(exercise_set, here, changes_side=side is not None and (rep > 1 or side_number > 0))
            steps.append(Step(StepKind.HOLD, here, hold=exercise_set.hold))
            if exercise_set.release:
                steps.append(Step(StepKind.SAY, here, _fill(exercise_set.release, side), "instruction"))
            steps.append(Step(StepKind.REP_DONE, here, hold=exercise_set.hold, reps=reps))
        last = Where(where.exercise, where.set, rep, sides[-1])
        steps.append(Step(StepKind.SAY, last, wording.rep_count(rep, reps, bool(exercise_set.sides)), "progress", after_rep=True))
        if rep < reps:
            steps.append(Step(StepKind.REST, last, after_rep=True))
    return steps


def _instruction_steps(exercise_set: ExerciseSet, here: Where, changes_side: bool) -> list[Step]:
    """What is said before a repetition's hold: in full the first time, later the short cue.

    A change of side is said once: by the lines themselves when they name
    the side, else by the set's side prompt. Later repetitions also carry
    their full instruction, for "repeat" and for carrying on after pain.
    """
    written = list(exercise_set.steps) if here.rep == 1 else [exercise_set.cue or exercise_set.steps[0]]
    prompt = []
    if changes_side and not any(SIDE in line for line in written):
        prompt = [exercise_set.side_prompt or wording.SIDE_PROMPT]
    lines = [_fill(line, here.side) for line in prompt + written]
    full = [_fill(line, here.side) for line in prompt + list(exercise_set.steps)]
    in_full = " ".join(full) if lines != full else ""
    return [
        Step(StepKind.SAY, here, line, "instruction", rep_start=number == 0, instruction=True, full=in_full if number == 0 else "")
        for number, line in enumerate(lines)
    ]


def _fill(line: str, side: str | None) -> str:
    return line.replace(SIDE, side) if side is not None else line


# ------------------------------------------------------------ finding places in a plan


def exercise_start(plan: Sequence[Step], exercise: int) -> int:
    """The first line of an exercise."""
    for index, step in enumerate(plan):
        if step.where.exercise == exercise and step.kind is StepKind.SAY:
            return index
    raise ValueError(exercise)


def opening_lines(plan: Sequence[Step], exercise: int) -> list[Step]:
    """An exercise's name and set-up lines: what a person coming back to it mid-way hears first."""
    title = plan[exercise_start(plan, exercise)]
    top = Where(exercise)
    return [title] + [step for step in plan if step.kind is StepKind.SAY and step.where == top and step.instruction]


def rep_start(plan: Sequence[Step], where: Where) -> int:
    """Where a repetition begins; the exercise's start when there is no such repetition."""
    for index, step in enumerate(plan):
        if step.rep_start and step.where == where:
            return index
    return exercise_start(plan, where.exercise)


def continue_from(plan: Sequence[Step], where: Where, done: bool) -> int | None:
    """Where an earlier session left off at ``where`` goes on; None when nothing is left.

    A finished repetition (``done``) goes on with the one after it.
    """
    if not done:
        return rep_start(plan, where)
    finished = [i for i, step in enumerate(plan) if step.kind is StepKind.REP_DONE and step.where == where]
    if not finished:
        return exercise_start(plan, where.exercise)
    return next((i for i in range(finished[0], len(plan)) if plan[i].rep_start), None)


def last_instruction_line(plan: Sequence[Step], index: int) -> int:
    """The last of the instruction lines said before the hold of the repetition at ``index``."""
    where = plan[index].where
    while plan[index + 1].kind is StepKind.SAY and plan[index + 1].where == where:
        index += 1
    return index


def resume_point(plan: Sequence[Step], cursor: int, restart_rep: bool) -> int:
    """Where the plan goes on after an interruption (an answer, a pause, a stop, pain, "repeat").

    A finished repetition is not done or counted again: its count line, the
    rest after it and the exercise's closing line are passed over. An
    unfinished one goes on at the interrupted step (a hold starts again from
    its full length), or from its first line when ``restart_rep``.
    """
    index = cursor
    while plan[index].after_rep:
        index += 1
    if index == cursor and restart_rep:
        return _instruction_start(plan, cursor)
    return index


def _instruction_start(plan: Sequence[Step], cursor: int) -> int:
    """The first line of the repetition under way at ``cursor``."""
    exercise = plan[cursor].where.exercise
    for index in range(cursor, -1, -1):
        if plan[index].rep_start and plan[index].where.exercise == exercise:
            return index
    return cursor
