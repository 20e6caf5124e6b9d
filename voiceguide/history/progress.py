"""What a session did, as its events tell it, counting the earlier session it continued.

A session that takes the offer to continue an unfinished one records what
that one had done (the "resume" event's ``carried``), so each session's
events alone tell the whole of what was done, however many sessions one
routine took.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .records import PAIN_KINDS, EventRow

Hold = tuple[str, int, int, "str | None"]  # exercise id, set, rep, side


@dataclass(frozen=True)
class Progress:
    done: tuple[str, ...] = ()  # exercise ids finished
    skipped: tuple[str, ...] = ()  # left out and not finished since
    pain_in: tuple[str, ...] = ()  # pain or a symptom reported there, and not finished since
    holds: tuple[Hold, ...] = ()  # the holds done


def progress(events: Sequence[EventRow]) -> Progress:
    done: dict[str, None] = {}
    skipped: dict[str, None] = {}
    pain: dict[str, None] = {}
    holds: dict[Hold, None] = {}
    for event in events:
        if event.kind == "resume" and isinstance(event.data.get("carried"), dict):
            carried = event.data["carried"]
            done.update(dict.fromkeys(_ids(carried.get("done"))))
            skipped.update(dict.fromkeys(_ids(carried.get("skipped"))))
            pain.update(dict.fromkeys(_ids(carried.get("pain_in"))))
            holds.update(dict.fromkeys(_holds(carried.get("holds"))))
        elif not event.exercise:
            continue
        elif event.kind == "exercise_done":
            done[event.exercise] = None
            skipped.pop(event.exercise, None)
            pain.pop(event.exercise, None)  # finished after the report: not where it hurt any more
        elif event.kind == "exercise_skipped" and event.exercise not in done:
            skipped[event.exercise] = None
        elif event.kind in PAIN_KINDS:
            pain[event.exercise] = None
        elif event.kind == "rep_done":
            hold = _hold([event.exercise, event.data.get("set", 0), event.rep, event.side])
            if hold is not None:
                holds[hold] = None
    return Progress(tuple(done), tuple(skipped), tuple(pain), tuple(holds))


def _ids(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _holds(value: Any) -> list[Hold]:
    found = [_hold(item) for item in value] if isinstance(value, list) else []
    return [hold for hold in found if hold is not None]


def _hold(item: Any) -> Hold | None:
    """An [exercise, set, rep, side] list as kept in the history; None when it is not one."""
    if not isinstance(item, list) or len(item) != 4:
        return None
    exercise, set_index, rep, side = item
    if not isinstance(exercise, str) or not isinstance(set_index, int) or not isinstance(rep, int):
        return None
    return (exercise, set_index, rep, side if isinstance(side, str) else None)
