"""A routine unrolled into the flat list of steps the coach walks through.

The plan is fixed for a session (reps are chosen by level when it starts);
hold lengths and rests are left to the coach, which applies the user's pace
as it goes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from .routine import SIDE, Exercise, ExerciseSet, Range, Routine


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
        Step(StepKind.SAY, top, f"Exercise {index + 1} of {count}: {exercise.name}.", "intro", rep_start=True),
        Step(StepKind.SAY, top, exercise.purpose, "intro"),
    ]
    steps += [Step(StepKind.SAY, top, line, "instruction", instruction=True) for line in exercise.setup]
    if exercise.say_form:
        steps.append(Step(StepKind.SAY, top, "Here's how to tell if you're doing it right.", "instruction"))
        steps += [Step(StepKind.SAY, top, line, "instruction") for line in exercise.form]
    for set_index, exercise_set in enumerate(exercise.sets):
        steps += _set_steps(exercise_set, Where(index, set_index), level)
    _mark_last_rep(steps)
    if index + 1 < count:  # the last exercise's end is the routine's, said once in the summary
        steps.append(Step(StepKind.SAY, top, f"Well done. That's {exercise.name.lower()} finished.", "info", after_rep=True))
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
    times = "once" if reps == 1 else f"{reps} times"
    each = " on each side, one side and then the other" if exercise_set.sides else ""
    announce = f"We'll do this {times}{each}, holding for {{hold}} each time."
    steps.append(Step(StepKind.SAY, where, announce, "info", rep_start=not exercise_set.intro))
    for rep in range(1, reps + 1):
        for side_number, side in enumerate(sides):
            here = Where(where.exercise, where.set, rep, side)
            steps += _instruction_steps(exercise_set, here, changes_side=side is not None and (rep > 1 or side_number > 0))
            steps.append(Step(StepKind.HOLD, here, hold=exercise_set.hold))
            if exercise_set.release:
                steps.append(Step(StepKind.SAY, here, _fill(exercise_set.release, side), "instruction"))
            steps.append(Step(StepKind.REP_DONE, here, hold=exercise_set.hold, reps=reps))
        each_side = " on each side" if exercise_set.sides else ""
        last = Where(where.exercise, where.set, rep, sides[-1])
        steps.append(Step(StepKind.SAY, last, f"That's {rep} of {reps}{each_side}.", "progress", after_rep=True))
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
        prompt = [exercise_set.side_prompt or "Now the {side} side."]
    lines = [_fill(line, here.side) for line in prompt + written]
    full = [_fill(line, here.side) for line in prompt + list(exercise_set.steps)]
    in_full = " ".join(full) if lines != full else ""
    return [
        Step(StepKind.SAY, here, line, "instruction", rep_start=number == 0, instruction=True, full=in_full if number == 0 else "")
        for number, line in enumerate(lines)
    ]


def _fill(line: str, side: str | None) -> str:
    return line.replace(SIDE, side) if side is not None else line
