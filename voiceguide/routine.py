"""The routine as data: loading and validating a routine YAML file.

A bad file raises :class:`RoutineError` with one sentence that names the
file, the exercise and the field, so a user can fix it without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

LEVELS = ("gentle", "standard", "full")
DEFAULT_ROUTINE = "back.yaml"


class RoutineError(ValueError):
    """A routine file that cannot be used, explained in one sentence."""


@dataclass(frozen=True)
class Range:
    """A number the seed gives as a range, with the default we chose in it."""

    min: int
    max: int
    default: int

    def for_level(self, level: str) -> int:
        return {"gentle": self.min, "full": self.max}.get(level, self.default)

    def clamp(self, value: int) -> int:
        return max(self.min, min(self.max, value))


@dataclass(frozen=True)
class ExerciseSet:
    """Repetitions of one movement, on each side in turn."""

    reps: Range
    steps: tuple[str, ...]
    hold: Range
    sides: tuple[str, ...] = ()
    cue: str | None = None
    release: str | None = None
    intro: str | None = None
    side_prompt: str | None = None


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    purpose: str
    setup: tuple[str, ...]
    sets: tuple[ExerciseSet, ...]
    form: tuple[str, ...]


@dataclass(frozen=True)
class Safety:
    disclaimer: str
    do_not_push: str
    pain_stop: str
    pain_advice: str
    symptom_question: str
    symptom_advice: str
    consistency: str


@dataclass(frozen=True)
class Routine:
    name: str
    safety: Safety
    exercises: tuple[Exercise, ...]
    source: str = field(default="", compare=False)

    def index_of(self, exercise_id: str) -> int:
        for index, exercise in enumerate(self.exercises):
            if exercise.id == exercise_id:
                return index
        raise KeyError(exercise_id)


def load_routine(path: Path | str | None = None) -> Routine:
    """The packaged routine, or the user's routine file at ``path``."""
    if path is None:
        resource = resources.files("voiceguide.routines") / DEFAULT_ROUTINE
        return parse_routine(resource.read_text(encoding="utf-8"), DEFAULT_ROUTINE)
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RoutineError(f"{path}: no such routine file; check the path.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RoutineError(f"{path}: cannot read this routine file ({error}).") from None
    return parse_routine(text, str(path))


def parse_routine(text: str, source: str) -> Routine:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RoutineError(f"{source}: not valid YAML{where}; check the indentation and quotes there.") from None
    return _Validator(source).routine(data)


class _Validator:
    """Turns parsed YAML into a Routine, or one clear RoutineError."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> RoutineError:
        return RoutineError(f"{self.source}: {where}: {problem}.")

    def mapping(self, value: Any, where: str, fields: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be a mapping of fields")
        unknown = [key for key in value if fields and key not in fields]
        if unknown:
            raise self.fail(where, f"field '{unknown[0]}' is not known (known fields: {', '.join(fields)})")
        return value

    def text(self, data: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"field '{key}' must be a non-empty text")
        return " ".join(value.split())

    def lines(self, data: dict[str, Any], key: str, where: str, required: bool = True) -> tuple[str, ...]:
        value = data.get(key)
        if value is None and not required:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where, f"field '{key}' must be a list of lines to speak")
        return tuple(" ".join(v.split()) for v in value)

    def range(self, data: dict[str, Any], key: str, where: str, minimum: int) -> Range:
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = {"min": value, "max": value, "default": value}
        if not isinstance(value, dict):
            raise self.fail(where, f"field '{key}' must be a number or {{min, max, default}}")
        numbers = {}
        for part in ("min", "max", "default"):
            number = value.get(part)
            if not isinstance(number, int) or isinstance(number, bool) or number < minimum:
                raise self.fail(where, f"field '{key}.{part}' must be a whole number of at least {minimum}")
            numbers[part] = number
        if not numbers["min"] <= numbers["default"] <= numbers["max"]:
            raise self.fail(where, f"field '{key}' needs min <= default <= max")
        return Range(**numbers)

    def routine(self, data: Any) -> Routine:
        data = self.mapping(data, "the file", ("name", "safety", "exercises"))
        name = self.text(data, "name", "the routine")
        safety_data = self.mapping(data.get("safety"), "safety", tuple(Safety.__dataclass_fields__))
        safety = Safety(**{key: self.text(safety_data, key, "safety") for key in Safety.__dataclass_fields__})
        exercises_data = data.get("exercises")
        if not isinstance(exercises_data, list) or not exercises_data:
            raise self.fail("the routine", "field 'exercises' must be a list with at least one exercise")
        exercises = tuple(self.exercise(item, number) for number, item in enumerate(exercises_data, 1))
        ids = [exercise.id for exercise in exercises]
        for exercise_id in ids:
            if ids.count(exercise_id) > 1:
                raise self.fail(f"exercise '{exercise_id}'", "field 'id' is used by more than one exercise")
        return Routine(name=name, safety=safety, exercises=exercises, source=self.source)

    def exercise(self, data: Any, number: int) -> Exercise:
        where = f"exercise {number}"
        data = self.mapping(data, where, ("id", "name", "purpose", "setup", "sets", "form"))
        exercise_id = data.get("id")
        if not isinstance(exercise_id, str) or not exercise_id.strip():
            raise self.fail(where, "field 'id' must be a short name such as 'pelvic_tilt'")
        where = f"exercise '{exercise_id}'"
        sets_data = data.get("sets")
        if not isinstance(sets_data, list) or not sets_data:
            raise self.fail(where, "field 'sets' must be a list with at least one set")
        return Exercise(
            id=exercise_id,
            name=self.text(data, "name", where),
            purpose=self.text(data, "purpose", where),
            setup=self.lines(data, "setup", where, required=False),
            sets=tuple(self.exercise_set(item, f"{where}, set {n}") for n, item in enumerate(sets_data, 1)),
            form=self.lines(data, "form", where),
        )

    def exercise_set(self, data: Any, where: str) -> ExerciseSet:
        data = self.mapping(data, where, ("reps", "steps", "hold", "sides", "cue", "release", "intro", "side_prompt"))
        sides = data.get("sides") or []
        if not isinstance(sides, list) or not all(isinstance(s, str) and s.strip() for s in sides):
            raise self.fail(where, "field 'sides' must be a list of side names such as [right, left]")
        steps = self.lines(data, "steps", where)
        if not sides and any("{side}" in line for line in steps):
            raise self.fail(where, "field 'steps' uses {side} but the set has no 'sides'")
        return ExerciseSet(
            reps=self.range(data, "reps", where, minimum=1),
            steps=steps,
            hold=self.range(data, "hold", where, minimum=0),
            sides=tuple(sides),
            cue=self.text(data, "cue", where, required=False),
            release=self.text(data, "release", where, required=False),
            intro=self.text(data, "intro", where, required=False),
            side_prompt=self.text(data, "side_prompt", where, required=False),
        )
