"""Which handler answers each intent: one table, checked complete when it is built."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..events import Heard
from ..intents import Intent
from . import answers, moving, questions, safety

if TYPE_CHECKING:
    from .core import Coach

Handler = Callable[["Coach", Heard], None]


def dispatch_table(table: dict[Intent, Handler]) -> Mapping[Intent, Handler]:
    """The table, read-only; an intent without a handler is an error as soon as the coach is imported."""
    missing = [intent.value for intent in Intent if intent not in table]
    if missing:
        raise LookupError(f"no coach handler for the intents {', '.join(missing)}")
    return MappingProxyType(table)


HANDLERS = dispatch_table(
    {
        Intent.STOP: safety.on_stop,
        Intent.PAIN: safety.on_pain,
        Intent.SYMPTOM: safety.on_symptom,
        Intent.QUIT: safety.on_quit,
        Intent.START: moving.on_start,
        Intent.NEXT: moving.on_next,
        Intent.PREVIOUS: moving.on_previous,
        Intent.REPEAT: moving.on_repeat,
        Intent.PAUSE: moving.on_pause,
        Intent.RESUME: moving.on_resume,
        Intent.SKIP: moving.on_skip,
        Intent.FORM: questions.on_form,
        Intent.WHY: questions.on_why,
        Intent.STATUS: questions.on_status,
        Intent.HELP: questions.on_help,
        Intent.SLOWER: questions.on_slower,
        Intent.FASTER: questions.on_faster,
        Intent.YES: answers.on_yes,
        Intent.NO: answers.on_no,
        Intent.OKAY: answers.on_okay,
    }
)
