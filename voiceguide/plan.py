"""A routine unrolled into the flat list of steps the coach walks through.

The plan is fixed for a session (reps are chosen by level when it starts);
hold lengths and rests are left to the coach, which applies the user's pace
as it goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .routine import Exercise, ExerciseSet, Range, Routine


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
        Step(StepKind.SAY, top, f"Exercise {index + 1} of {count}: {exercise.name}.", "intro", rep_start=True),
        Step(StepKind.SAY, top, exercise.purpose, "intro"),
    ]
    steps += [Step(StepKind.SAY, top, line, "instruction", instruction=True) for line in exercise.setup]
    for set_index, exercise_set in enumerate(exercise.sets):
        steps += _set_steps(exercise_set, Where(index, set_index), level)
    steps.append(Step(StepKind.SAY, top, f"Well done. That's {exercise.name.lower()} finished.", "info"))
    return steps


def _set_steps(exercise_set: ExerciseSet, where: Where, level: str) -> list[Step]:
    reps = exercise_set.reps.for_level(level)
    sides: tuple[str | None, ...] = exercise_set.sides or (None,)
    steps: list[Step] = []
    if exercise_set.intro:
        steps.append(Step(StepKind.SAY, where, exercise_set.intro, "instruction", rep_start=True))
    times = "once" if reps == 1 else f"{reps} times"
    each = " on each side, one side and then the other" if exercise_set.sides else ""
    announce = f"We'll do this {times}{each}, holding for {{hold}} seconds each time."
    steps.append(Step(StepKind.SAY, where, announce, "info", rep_start=not exercise_set.intro))
    prompt = exercise_set.side_prompt or "Now to the {side}."
    for rep in range(1, reps + 1):
        for side_number, side in enumerate(sides):
            here = Where(where.exercise, where.set, rep, side)
            lines = list(exercise_set.steps) if rep == 1 else [exercise_set.cue or exercise_set.steps[0]]
            if side is not None and (rep > 1 or side_number > 0):
                lines.insert(0, prompt)
            for number, line in enumerate(lines):
                steps.append(Step(StepKind.SAY, here, _fill(line, side), "instruction", rep_start=number == 0, instruction=True))
            steps.append(Step(StepKind.HOLD, here, hold=exercise_set.hold))
            if exercise_set.release:
                steps.append(Step(StepKind.SAY, here, _fill(exercise_set.release, side), "instruction"))
            steps.append(Step(StepKind.REP_DONE, here, hold=exercise_set.hold, reps=reps))
        each_side = " on each side" if exercise_set.sides else ""
        steps.append(Step(StepKind.SAY, Where(where.exercise, where.set, rep, sides[-1]), f"That's {rep} of {reps}{each_side}.", "progress"))
        if rep < reps:
            steps.append(Step(StepKind.REST, Where(where.exercise, where.set, rep, sides[-1])))
    return steps


def _fill(line: str, side: str | None) -> str:
    return line.replace("{side}", side) if side is not None else line
