"""The coach: the dialogue state machine, pure (events in, actions out, no I/O).

- ``core``: the :class:`Coach` itself, walking the plan;
- ``dispatch``: the table of intent handlers, in ``safety``, ``moving``,
  ``questions`` and ``answers``; ``opening`` starts the session;
  ``prompts`` picks what to offer the user now;
- ``state``: what the coach remembers; ``outbox``: the actions going out;
- ``plan``: the routine unrolled into steps; ``pace``: how pace changes timing;
- ``wording``: every sentence the coach composes; ``lines``: every line known
  in advance (for understanding), ``walk``: the lines a session says in order
  (for the voice to render ahead).
"""

from .core import Coach
from .state import CoachSettings, Halt, Mode, Question, ResumeOffer
from .wording import READY_PROMPT

__all__ = ["READY_PROMPT", "Coach", "CoachSettings", "Halt", "Mode", "Question", "ResumeOffer"]
