"""What the history hands out, and how an event's data is kept.

An event's data is a dict from the coach. It is stored whole as JSON; its
exercise, side and rep are also copied into columns of their own, and its
place in the routine is read back from it for "continue where you left off".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

PAIN_KINDS = ("pain", "symptom")
POSITION_KEYS = ("exercise", "exercise_name", "exercise_index", "set", "side", "rep")


@dataclass(frozen=True)
class SessionSummary:
    """One session, with what was done in it."""

    id: int
    started_at: float
    ended_at: float | None
    completed: bool
    routine_name: str
    exercises_done: int
    exercises_skipped: int
    pain_reports: int
    last_event_at: float | None
    speed: float = 1.0  # --speed: above 1, a sped-up rehearsal, left out of the statistics

    @property
    def sped_up(self) -> bool:
        return self.speed > 1

    @property
    def duration(self) -> float:
        """Seconds from start to end (or to the last event if it never ended)."""
        end = self.ended_at if self.ended_at is not None else self.last_event_at
        return max(0.0, (end or self.started_at) - self.started_at)


@dataclass(frozen=True)
class EventRow:
    """One recorded event."""

    id: int
    session_id: int
    at: float
    kind: str
    exercise: str | None
    side: str | None
    rep: int | None
    data: dict[str, Any]


@dataclass(frozen=True)
class PainReport:
    """A "pain" or "symptom" event: when, what was said, where in the routine."""

    session_id: int
    at: float
    kind: str
    exercise: str | None
    side: str | None
    rep: int | None
    words: str  # what the user said to report it; empty when the report was an answer
    position: dict[str, Any] | None
    answer: str = ""  # the answer that reported it ("yes"), to ...
    question: str = ""  # ... the coach's question ("Are you in pain?")

    @property
    def exercise_name(self) -> str | None:
        """The exercise's name as the coach said it (its id for records without one)."""
        name = (self.position or {}).get("exercise_name")
        return str(name) if name else self.exercise


@dataclass(frozen=True)
class UnfinishedSession:
    """The last session, when it did not finish: offered as "continue?"."""

    session_id: int
    routine_name: str
    started_at: float
    ended_at: float | None
    last_event_at: float | None
    position: dict[str, Any] | None  # from the last event that had one
    position_kind: str | None  # that event's kind, e.g. "rep_done" or "exercise_done"
    exercises_done: tuple[str, ...]  # with those of the earlier sessions it continued
    pain_reported: bool
    pain_exercises: tuple[str, ...] = ()  # ids of the exercises where pain or symptoms were reported, not finished since
    exercises_skipped: tuple[str, ...] = ()  # left out and not finished since
    holds_done: tuple[tuple[str, int, int, str | None], ...] = ()  # (exercise id, set, rep, side) of each hold done


@dataclass(frozen=True)
class EventColumns:
    """The parts of an event's data that get columns of their own."""

    exercise: str | None
    side: str | None
    rep: int | None

    @classmethod
    def of(cls, data: dict[str, Any]) -> EventColumns:
        return cls(_text_field(data, "exercise"), _text_field(data, "side"), _whole_number(data.get("rep")))


def position_of(data: dict[str, Any]) -> dict[str, Any] | None:
    """Where in the routine an event happened: ``data["position"]`` if it is a
    dict, else the coach's flattened form (``exercise_index`` and friends)."""
    nested = data.get("position")
    if isinstance(nested, dict):
        return nested
    if "exercise_index" in data:
        return {key: data[key] for key in POSITION_KEYS if key in data}
    return None


def to_json(data: dict[str, Any]) -> str:
    """An event's data as stored (and exported): sorted keys, anything else as text."""
    return json.dumps(data, default=str, sort_keys=True, ensure_ascii=False)


def from_json(text: str | None) -> dict[str, Any]:
    """An event's data read back; a damaged value gives an empty dict, never an error."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def _text_field(data: dict[str, Any], key: str) -> str | None:
    """``data[key]``, or the same key in its "position" dict, as text."""
    value = data.get(key)
    position = data.get("position")
    if value is None and isinstance(position, dict):
        value = position.get(key)
    return None if value is None else str(value)


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    return None
