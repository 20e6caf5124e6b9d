"""Which intents each :class:`~voiceguide.intents.Context` makes likely or impossible.

The coach (pure) says where the conversation is as a :class:`Context`; the
understanding stage reads it when it maps words the grammar lacks to an
intent: "not now" after "shall we go on?" is a no; "okay" mid-hold is no
command at all. Safety intents (stop, pain, symptoms) are possible in every
context and never made less likely.
"""

from __future__ import annotations

import re

from ..intents import Context, Intent


_ANSWERS = frozenset({Intent.YES, Intent.NO, Intent.OKAY})
_MOVES = frozenset({Intent.START, Intent.NEXT, Intent.PREVIOUS, Intent.SKIP})

# Intents that words outside the grammar are never taken for in a context: nothing there would
# make sense of them, so a near match is more likely room talk than a command.
IMPOSSIBLE: dict[Context, frozenset[Intent]] = {
    Context.READY: frozenset({Intent.PREVIOUS, Intent.SKIP, Intent.SLOWER, Intent.FASTER}) | _ANSWERS,
    Context.QUESTION: frozenset({Intent.PREVIOUS, Intent.PAUSE, Intent.SLOWER, Intent.FASTER}),
    Context.BETWEEN: _ANSWERS,
    # Halted, "go back" moves back from a pause or a stop; "next" only in the grammar's words, since "done" and
    # "finished" there may end the session, and someone paused to talk may say "the next one is at six".
    Context.HALTED: frozenset({Intent.START, Intent.NEXT, Intent.PAUSE, Intent.SLOWER, Intent.FASTER}) | _ANSWERS,
    Context.EXERCISE: frozenset({Intent.START}) | _ANSWERS,
    Context.ENDED: frozenset(Intent) - {Intent.STOP, Intent.PAIN, Intent.SYMPTOM},
}

# Intents the coach is asking for in a context: words outside the grammar need less to be taken for them.
EXPECTED: dict[Context, frozenset[Intent]] = {
    Context.READY: frozenset({Intent.START, Intent.HELP}),
    Context.QUESTION: _ANSWERS,
    Context.BETWEEN: frozenset({Intent.NEXT, Intent.STATUS, Intent.QUIT}),
    Context.HALTED: frozenset({Intent.RESUME, Intent.QUIT}),
    Context.EXERCISE: frozenset({Intent.REPEAT, Intent.FORM, Intent.STATUS}),
    Context.ENDED: frozenset(),
}

# Intents taken in a context only when the words mean nothing else: "got it" mid-hold is an acknowledgement,
# which the coach lets pass, not unclear speech, which pauses it; "okay, next" is still a next.
ONLY_ALONE: dict[Context, frozenset[Intent]] = {Context.EXERCISE: frozenset({Intent.OKAY})}

MOVES = _MOVES


# What the coach does alike while it waits to begin or between exercises ("start", "next", "continue", and a
# yes or an okay with no question open all go on), named as the issue puts it: "continue" between exercises
# is next, before the first one start. After a pause they differ (only resume goes on), so they keep their names.
_GOING_ON = frozenset(i.value for i in (Intent.START, Intent.NEXT, Intent.RESUME, Intent.YES, Intent.OKAY))
_GOING_ON_NAMED = {Context.READY: Intent.START.value, Context.BETWEEN: Intent.NEXT.value}


# "The next exercise" names where to go: between exercises that is where "next" goes; during one, asking for
# it leaves the rest of this one (a skip), where a plain "next" only moves on a step.
_NEXT_EXERCISE = re.compile(r"\bnext (exercise|stretch)\b")


def named_in(intent: str, context: Context, words: str = "") -> str:
    """``intent`` (said in ``words``) as what it does in ``context``: "keep going" between exercises is Next."""
    if intent == Intent.NEXT.value and context is Context.EXERCISE and _NEXT_EXERCISE.search(words):
        return Intent.SKIP.value
    return _GOING_ON_NAMED.get(context, intent) if intent in _GOING_ON else intent
