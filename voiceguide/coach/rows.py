"""The rows of the coach's table (:mod:`.table`): what a row is, two handlers any table needs, and the check
that a table answers every state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..events import Event
from ..intents import Intent
from .dialogue import Dialogue
from .state import Mode, Question

Handler = Callable[[Dialogue, Any], None]  # (the coach, the event) -> None; what it does goes out through the coach
Guard = Callable[[Dialogue], bool]


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


@dataclass(frozen=True)
class Row:
    mode: Mode | tuple[Mode, ...] | _Any
    question: Question | None | _Any
    handler: Handler
    only_if: Guard | None = None

    def fits(self, mode: Mode, question: Question | None) -> bool:
        """The row is for this mode and question (its "only if" aside)."""
        modes = self.mode if isinstance(self.mode, tuple) else (self.mode,)
        return (self.mode is ANY or mode in modes) and (self.question is ANY or self.question is question)

    def applies(self, coach: Dialogue) -> bool:
        return self.fits(coach.state.mode, coach.state.question) and (self.only_if is None or self.only_if(coach))


def hint(line: str | Callable[[Dialogue], str]) -> Handler:
    """A short spoken hint: a fixed line, or one made from the state (what can be said now)."""

    def give(coach: Dialogue, event: Event) -> None:
        coach.hint(line if isinstance(line, str) else line(coach))

    return give


def ignore(coach: Dialogue, event: Event) -> None:
    """Nothing to do (each row that ignores says why)."""


def complete(
    table: Mapping[Any, Sequence[Row]], first: Sequence[Row], otherwise: Sequence[Row], required: Iterable[Intent] = ()
) -> Mapping[Any, tuple[Row, ...]]:
    """The table, read-only, once checked.

    Every intent required has rows, and every (mode, question) of every
    trigger has a row (its own, or one of ``first`` and ``otherwise``) that
    fits with no "only if".
    """
    missing = [intent.value for intent in required if intent not in table]
    if missing:
        raise LookupError(f"no coach handler for the intents {', '.join(missing)}")
    holes = [
        f"{trigger.value if isinstance(trigger, Intent) else trigger.__name__} in {mode.value}"
        + (f" with the question {question.value}" if question else "")
        for trigger, rows in table.items()
        for mode in Mode
        for question in (None, *Question)
        if not any(row.fits(mode, question) and row.only_if is None for row in (*first, *rows, *otherwise))
    ]
    if holes:
        raise LookupError(f"no row answers {'; '.join(holes)}")
    return MappingProxyType({trigger: tuple(rows) for trigger, rows in table.items()})
