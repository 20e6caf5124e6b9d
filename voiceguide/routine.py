"""The routine as data: loading and validating a routine YAML file.

A bad file raises :class:`RoutineError` with one sentence that names the
file, the exercise and the field, so a user can fix it without a traceback.
The file's shape is checked by pydantic models, one per mapping, each field
defined once with its check; one formatter makes the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, GetCoreSchemaHandler, PlainValidator, ValidationError, create_model,
)
from pydantic_core import PydanticCustomError, core_schema

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
    data = _load_yaml(text, source)
    if not isinstance(data, dict):
        what = "is empty" if data is None else "is not a routine"
        raise RoutineError(
            f"{source}: the file {what}: a routine has a name, optional safety texts and a list of "
            "exercises; start from a copy of voiceguide/routines/back.yaml."
        )
    try:
        checked = _RoutineIn.model_validate(data)
    except ValidationError as error:
        raise _refusal(source, *_first_problem(error, data)) from None
    ids = [exercise.id for exercise in checked.exercises]
    for exercise_id in ids:
        if ids.count(exercise_id) > 1:
            raise _refusal(source, f"exercise '{exercise_id}'", "field 'id' is used by more than one exercise")
    return checked.routine(source)


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


# ------------------------------------------------- the file's fields, each checked
#
# The file is read into the pydantic models below (one per mapping of the file),
# then turned into the dataclasses above. Each field's check raises _problem
# with what the field must be; _first_problem puts the file, the exercise and the
# field before it.


def _problem(text: str) -> PydanticCustomError:
    """What a field must be, without the field's name (the formatter adds it)."""
    return PydanticCustomError("routine", text)


@dataclass(frozen=True)
class _Spoken:
    """A line the coach says (``lines``: a list of them, or one), whitespace joined, its placeholders checked.

    Left out or null, a ``required`` field is an error and any other is None (or no lines); ``side``
    lines may use {side} when their set has sides (the field ``sides``, checked before them).
    """

    lines: bool = False
    required: bool = True
    side: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.with_info_plain_validator_function(self.parse)

    def parse(self, value: Any, info: core_schema.ValidationInfo) -> str | tuple[str, ...] | None:
        if value is None and not self.required:
            return () if self.lines else None
        if self.lines:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not items or not all(_is_text(item) for item in items):
                raise _problem("must be a list of lines to speak")
        elif _is_text(value):
            items = [value]
        else:
            raise _problem("must be a non-empty text")
        lines = tuple(" ".join(item.split()) for item in items)
        side = self.side and bool(info.data.get("sides"))
        for line in lines:
            _check_placeholders(line, side)
        return lines if self.lines else lines[0]


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_placeholders(line: str, side: bool) -> None:
    """Every {...} in a spoken line must be one the coach fills in, or it would be said aloud."""
    for found in _PLACEHOLDER.findall(line):
        if found != SIDE:
            raise _problem(f"has {found}, which is not known (the only placeholder is {SIDE}, in sets with sides)")
        if not side:
            raise _problem(f"uses {SIDE} but the set has no 'sides'")


def _must(test: Callable[[Any], bool], problem: str) -> BeforeValidator:
    """A field that must pass ``test`` (before its type, if it has items, checks them)."""

    def check(value: Any) -> Any:
        if not test(value):
            raise _problem(problem)
        return value

    return BeforeValidator(check)


def _is_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value)


def _sides(value: Any) -> tuple[str, ...]:
    sides = value or []
    if sides and (not isinstance(sides, list) or sorted(map(str, sides)) != sorted(SIDES)):  # the coach counts "on each side"
        raise _problem("must be [right, left] or [left, right]")
    return tuple(sides)


def _range(bounds: tuple[int, int], unit: str) -> Any:
    """A number, or {min, max, default} (other keys are ignored), each a whole number within ``bounds``."""
    low, high = bounds
    rule = f"must be a whole number of {unit} from {low} to {high}"

    def whole(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high

    class Parts(BaseModel):
        model_config = ConfigDict(extra="ignore", validate_default=True)
        min: Annotated[int, _must(whole, rule)] = None  # left out: read as null, as in _Mapping
        max: Annotated[int, _must(whole, rule)] = None
        default: Annotated[int, _must(whole, rule)] = None

    def from_number(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            if not whole(value):  # the field as written, not a part of it the file does not have
                raise _problem(rule)
            return {"min": value, "max": value, "default": value}
        if not isinstance(value, dict):
            raise _problem("must be a number or {min, max, default}")
        return value

    def to_range(parts: Parts) -> Range:
        if not parts.min <= parts.default <= parts.max:
            raise _problem("needs min <= default <= max")
        return Range(parts.min, parts.max, parts.default)

    return Annotated[Parts, BeforeValidator(from_number), AfterValidator(to_range)]


_Repetitions = _range(REPETITIONS, "repetitions")
_Seconds = _range(HOLD_SECONDS, "seconds")


class _Mapping(BaseModel):
    """A mapping of the file: a field it does not know is an error. A field left out is read as null:
    its default (None, or False) goes through the field's check (validate_default), so a required
    field left out gets the same sentence as an empty one."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class _SetIn(_Mapping):
    sides: Annotated[tuple[str, ...], PlainValidator(_sides)] = None  # first: the lines below may use {side} with it
    reps: _Repetitions = None
    steps: Annotated[tuple[str, ...], _Spoken(lines=True, side=True)] = None
    hold: _Seconds = None
    cue: Annotated[str | None, _Spoken(required=False, side=True)] = None
    release: Annotated[str | None, _Spoken(required=False, side=True)] = None
    intro: Annotated[str | None, _Spoken(required=False)] = None
    side_prompt: Annotated[str | None, _Spoken(required=False, side=True)] = None


class _ExerciseIn(_Mapping):
    id: Annotated[str, _must(_is_text, "must be a short name such as 'pelvic_tilt'")] = None
    name: Annotated[str, _Spoken()] = None
    purpose: Annotated[str, _Spoken()] = None
    setup: Annotated[tuple[str, ...], _Spoken(lines=True, required=False)] = None
    sets: Annotated[tuple[_SetIn, ...], _must(_is_list, "must be a list with at least one set")] = None
    form: Annotated[tuple[str, ...], _Spoken(lines=True)] = None
    say_form: Annotated[bool, _must(lambda value: isinstance(value, bool), "must be true or false")] = False

    def exercise(self) -> Exercise:
        sets = tuple(ExerciseSet(**dict(part)) for part in self.sets)
        return Exercise(**{**dict(self), "sets": sets})


# The safety texts: each one given must be a text; one left out is the seed's.
_SafetyIn = create_model(
    "_SafetyIn",
    __config__=ConfigDict(extra="forbid"),
    **{f.name: (Annotated[str | None, _Spoken()], None) for f in fields(Safety)},  # type: ignore[call-overload]
)


class _RoutineIn(_Mapping):
    name: Annotated[str, _Spoken()] = None
    safety: Annotated[_SafetyIn, BeforeValidator(lambda value: {} if value is None else value)] = None  # type: ignore[valid-type]
    exercises: Annotated[tuple[_ExerciseIn, ...], _must(_is_list, "must be a list with at least one exercise")] = None

    def routine(self, source: str) -> Routine:
        given = dict(self.safety)
        seed = default_safety_texts() if None in given.values() else {}
        safety = Safety(**{key: seed[key] if text is None else text for key, text in given.items()})
        exercises = tuple(exercise.exercise() for exercise in self.exercises)
        return Routine(name=self.name, safety=safety, exercises=exercises, source=source)


# ------------------------------------------------------- the one sentence

_UNKNOWN = ("extra_forbidden", "invalid_key")  # a field the mapping does not have; a key that is not a word


def _refusal(source: str, where: str, problem: str) -> RoutineError:
    return RoutineError(f"{source}: {where}: {problem}.")


def _first_problem(error: ValidationError, data: dict[str, Any]) -> tuple[str, str]:
    """Where the first problem is and what it is, as the file's reader meets them: a mapping's
    unknown field before its other fields (pydantic lists those last), then in the file's order."""
    problems = error.errors()
    first = problems[0]
    unknown = [p for p in problems if p["type"] in _UNKNOWN and first["loc"][: len(p["loc"]) - 1] == p["loc"][:-1]]
    if unknown:
        first = min(unknown, key=lambda p: len(p["loc"]))
    where, path, mapping = _place(first["loc"], first["type"], data)
    if first["type"] in _UNKNOWN:
        return where, f"field '{path[-1]}' is not known (known fields: {', '.join(mapping.model_fields)})"
    if first["type"] == "model_type":
        return where, "must be a mapping of fields"
    return where, f"field '{'.'.join(map(str, path))}' {first['msg']}"


def _place(loc: tuple[int | str, ...], kind: str, data: dict[str, Any]) -> tuple[str, tuple[int | str, ...], type[BaseModel]]:
    """Where a problem is as the sentence names it ("the routine", "exercise 'bridge', set 2"), the
    field path left (("hold", "max")) and the model of the mapping it is in."""
    if loc[0] == "safety":
        return "safety", loc[1:], _SafetyIn
    if loc[0] != "exercises" or len(loc) == 1:
        return ("the file" if kind in _UNKNOWN else "the routine"), loc, _RoutineIn
    index, rest = int(loc[1]), loc[2:]
    if rest[:1] == ("id",) or not rest or (kind in _UNKNOWN and len(rest) == 1):
        return f"exercise {index + 1}", rest, _ExerciseIn  # its id is not known to be good
    where = f"exercise '{data['exercises'][index]['id']}'"
    if rest[0] == "sets" and len(rest) > 1:
        return f"{where}, set {int(rest[1]) + 1}", rest[2:], _SetIn
    return where, rest, _ExerciseIn
