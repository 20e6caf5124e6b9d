"""The routine as data: loading and validating a routine YAML file.

A bad file raises :class:`RoutineError` with one sentence that names the
file, the exercise and the field, so a user can fix it without a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

LEVELS = ("gentle", "standard", "full")
DEFAULT_ROUTINE = "back.yaml"

# What a routine file may ask for. The seed's longest hold is 20 seconds and
# its most repetitions 10; these bounds leave room for a physiotherapist's
# own routine while turning a typo (a hold of 5000) into an error.
HOLD_SECONDS = (1, 60)
REPETITIONS = (1, 30)

# "{side}" is the one placeholder a routine line may use: it is replaced by
# the side being done, in the lines said once per side.
SIDE = "{side}"
SIDES = ("right", "left")  # the sides the coach can name ("Now your left leg")
_PLACEHOLDER = re.compile(r"{[^{}]*}")


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
    say_form: bool = False  # the form tips are said once before the first repetition


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
    except IsADirectoryError:
        raise RoutineError(f"{path}: this is a folder; name a routine file (YAML) in it.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RoutineError(f"{path}: cannot read this routine file ({error}).") from None
    return parse_routine(text, str(path))


def parse_routine(text: str, source: str) -> Routine:
    return _Validator(source).routine(_load_yaml(text, source))


def _load_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RoutineError(f"{source}: not valid YAML{where}; check the indentation and quotes there.") from None


def default_safety_texts() -> dict[str, str]:
    """The packaged routine's safety texts (the seed's): what a routine without its own gets."""
    resource = resources.files("voiceguide.routines") / DEFAULT_ROUTINE
    data = _load_yaml(resource.read_text(encoding="utf-8"), DEFAULT_ROUTINE)
    return {key: " ".join(str(value).split()) for key, value in data["safety"].items()}


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

    def text(
        self, data: dict[str, Any], key: str, where: str, required: bool = True, side: bool = False
    ) -> str | None:
        """A line to speak; ``side`` says whether it may use {side}."""
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"field '{key}' must be a non-empty text")
        line = " ".join(value.split())
        self.placeholders(line, key, where, side)
        return line

    def lines(
        self, data: dict[str, Any], key: str, where: str, required: bool = True, side: bool = False
    ) -> tuple[str, ...]:
        value = data.get(key)
        if value is None and not required:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where, f"field '{key}' must be a list of lines to speak")
        lines = tuple(" ".join(v.split()) for v in value)
        for line in lines:
            self.placeholders(line, key, where, side)
        return lines

    def placeholders(self, line: str, key: str, where: str, side: bool) -> None:
        """Every {...} in a spoken line must be one the coach fills in, or it would be said aloud."""
        for found in _PLACEHOLDER.findall(line):
            if found != SIDE:
                raise self.fail(where, f"field '{key}' has {found}, which is not known (the only placeholder is {SIDE}, in sets with sides)")
            if not side:
                raise self.fail(where, f"field '{key}' uses {SIDE} but the set has no 'sides'")

    def range(self, data: dict[str, Any], key: str, where: str, bounds: tuple[int, int], unit: str) -> Range:
        value = data.get(key)
        low, high = bounds
        if isinstance(value, int) and not isinstance(value, bool):
            if not low <= value <= high:  # the field as written, not a part of it the file does not have
                raise self.fail(where, f"field '{key}' must be a whole number of {unit} from {low} to {high}")
            value = {"min": value, "max": value, "default": value}
        if not isinstance(value, dict):
            raise self.fail(where, f"field '{key}' must be a number or {{min, max, default}}")
        numbers = {}
        for part in ("min", "max", "default"):
            number = value.get(part)
            if not isinstance(number, int) or isinstance(number, bool) or not low <= number <= high:
                raise self.fail(where, f"field '{key}.{part}' must be a whole number of {unit} from {low} to {high}")
            numbers[part] = number
        if not numbers["min"] <= numbers["default"] <= numbers["max"]:
            raise self.fail(where, f"field '{key}' needs min <= default <= max")
        return Range(**numbers)

    def routine(self, data: Any) -> Routine:
        if not isinstance(data, dict):
            what = "is empty" if data is None else "is not a routine"
            raise RoutineError(
                f"{self.source}: the file {what}: a routine has a name, optional safety texts and a list of "
                "exercises; start from a copy of voiceguide/routines/back.yaml."
            )
        data = self.mapping(data, "the file", ("name", "safety", "exercises"))
        name = self.text(data, "name", "the routine")
        safety = self.safety(data.get("safety"))
        exercises_data = data.get("exercises")
        if not isinstance(exercises_data, list) or not exercises_data:
            raise self.fail("the routine", "field 'exercises' must be a list with at least one exercise")
        exercises = tuple(self.exercise(item, number) for number, item in enumerate(exercises_data, 1))
        ids = [exercise.id for exercise in exercises]
        for exercise_id in ids:
            if ids.count(exercise_id) > 1:
                raise self.fail(f"exercise '{exercise_id}'", "field 'id' is used by more than one exercise")
        return Routine(name=name, safety=safety, exercises=exercises, source=self.source)

    def safety(self, data: Any) -> Safety:
        """The routine's safety texts; any left out are the seed's."""
        keys = tuple(f.name for f in fields(Safety))
        given = self.mapping({} if data is None else data, "safety", keys)
        defaults = default_safety_texts() if set(given) != set(keys) else {}
        texts = {key: self.text(given, key, "safety") if key in given else defaults[key] for key in keys}
        return Safety(**texts)

    def exercise(self, data: Any, number: int) -> Exercise:
        where = f"exercise {number}"
        data = self.mapping(data, where, ("id", "name", "purpose", "setup", "sets", "form", "say_form"))
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
            say_form=self.flag(data, "say_form", where),
        )

    def flag(self, data: dict[str, Any], key: str, where: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(where, f"field '{key}' must be true or false")
        return value

    def exercise_set(self, data: Any, where: str) -> ExerciseSet:
        data = self.mapping(data, where, ("reps", "steps", "hold", "sides", "cue", "release", "intro", "side_prompt"))
        sides = data.get("sides") or []
        if sides and (not isinstance(sides, list) or sorted(map(str, sides)) != sorted(SIDES)):  # the coach counts "on each side"
            raise self.fail(where, "field 'sides' must be [right, left] or [left, right]")
        has_sides = bool(sides)
        return ExerciseSet(
            reps=self.range(data, "reps", where, REPETITIONS, "repetitions"),
            steps=self.lines(data, "steps", where, side=has_sides),
            hold=self.range(data, "hold", where, HOLD_SECONDS, "seconds"),
            sides=tuple(sides),
            cue=self.text(data, "cue", where, required=False, side=has_sides),
            release=self.text(data, "release", where, required=False, side=has_sides),
            intro=self.text(data, "intro", where, required=False),
            side_prompt=self.text(data, "side_prompt", where, required=False, side=has_sides),
        )
