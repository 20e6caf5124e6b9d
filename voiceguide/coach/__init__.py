"""The coach: the dialogue state machine, pure (events in, actions out, no I/O).

- ``table``: start here. What happens when the user says X in state Y (and
  when a line ends, a timer fires...): one table of (mode, question open)
  rows per intent, each naming its handler;
- ``core``: the :class:`Coach` itself, walking the plan, and the verbs its
  handlers share; ``dialogue``: the :class:`~.dialogue.Dialogue` protocol,
  all of the coach a handler sees;
- the handlers: ``safety`` (stop, pain, symptoms, unclear speech),
  ``navigation`` (begin, next, previous, repeat, pause, continue, skip),
  ``user_questions`` (form, why, status, help, pace), ``answers`` (to the
  coach's own questions), ``opening`` (the welcome); ``prompts`` picks what
  to offer the user now;
- ``state``: all the coach remembers (the dialogue, the speech under way);
  ``outbox``: the actions going out;
- ``plan``: the routine unrolled into steps; ``pace``: how pace changes timing;
- ``wording``: every sentence the coach composes; ``lines``: every line known
  in advance (for understanding), ``walk``: the lines a session says in order
  (for the voice to render ahead).
"""

from .core import Coach
from .state import CoachSettings, Halt, Mode, Question, ResumeOffer
from .wording import READY_PROMPT

__all__ = ["READY_PROMPT", "Coach", "CoachSettings", "Halt", "Mode", "Question", "ResumeOffer"]
