"""The coach as its handlers see it: what they read, say, record and move through.

Handlers (:mod:`.navigation`, :mod:`.safety`, :mod:`.answers`,
:mod:`.user_questions`, :mod:`.opening`) and the lines of :mod:`.prompts`
take a :class:`Dialogue`, never the :class:`~voiceguide.coach.core.Coach`
itself: the outbox and the table stay the coach's own.
"""

from __future__ import annotations

from typing import Protocol

from ..routine import Exercise, Routine
from .plan import Step, Where
from .state import CoachSettings, CoachState, Halt, ResumeOffer


class Dialogue(Protocol):
    # What the session is.
    routine: Routine
    settings: CoachSettings
    plan: list[Step]
    returning: bool  # the user has had a session before
    resume_offer: ResumeOffer | None
    resume_start: int | None  # the plan step where an accepted offer begins
    # Where it is: the whole dialogue state, and the time of the event being handled.
    state: CoachState
    now: float

    @property
    def step(self) -> Step: ...

    @property
    def exercise(self) -> Exercise: ...

    # Saying.
    def say(self, text: str, kind: str = "info", step: bool = False) -> None: ...

    def queue(self, text: str, kind: str = "info") -> None: ...

    def say_queued(self) -> None: ...

    def say_aside(self, *lines: str, kind: str = "answer") -> None: ...

    def hint(self, text: str) -> None: ...

    def silence(self) -> None: ...

    def halt_for(self, halt: Halt) -> None: ...

    # Recording.
    def record(self, kind: str, **data: object) -> None: ...

    def position(self, where: Where | None = None) -> dict[str, object]: ...

    def report_position(self) -> dict[str, object]: ...

    # Moving through the plan.
    def start_at(self, index: int) -> None: ...

    def advance(self) -> None: ...

    def resume_plan(self, restart_rep: bool) -> None: ...

    def finish(self, completed: bool) -> None: ...

    def hold_length(self, step: Step) -> int: ...

    # The plan's clockwork: a line spoken to its end, a timer run out.
    def line_ended(self, utterance_id: int) -> None: ...

    def timer_fired(self, token: int) -> None: ...
