"""What the coach remembers between events, and how a session is set up."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum

from ..intents import Context
from .plan import Where


class Mode(str, Enum):
    READY = "ready"  # disclaimer said, waiting for "let's begin"
    RUNNING = "running"  # walking through the plan
    WAITING = "waiting"  # between exercises, waiting for the user's word
    HALTED = "halted"  # paused, stopped, after pain, or checking on the user
    ENDED = "ended"


class Halt(str, Enum):
    PAUSE = "pause"
    STOP = "stop"
    PAIN = "pain"
    UNCLEAR = "unclear"


class Question(str, Enum):
    IN_PAIN = "in_pain"  # after "stop": are you in pain?
    SYMPTOMS = "symptoms"  # after pain: weakness, tingling, numbness?
    ALL_RIGHT = "all_right"  # after unclear speech: is everything all right?
    RESUME_OFFER = "resume_offer"  # continue the unfinished session?
    END_OFFER = "end_offer"  # after a symptom: shall I end the session?
    END_CHECK = "end_check"  # after an end of the session said beside other talk: shall I end it?


@dataclass(frozen=True)
class CoachSettings:
    level: str = "standard"
    pause_on_unclear: bool = True
    wait_between_exercises: bool = True


@dataclass(frozen=True)
class ResumeOffer:
    """An unfinished earlier session the user may continue.

    ``where`` is the last place recorded; ``done`` says that repetition was
    finished, so the offer is to continue with the one after it. ``pain_in``
    are the exercises (indices) in which pain was reported and that were not
    finished after it; ``next_exercise`` says the offer is the exercise after
    one that was skipped or hurt, not where the user left off.
    """

    where: Where
    done: bool = False
    pain_in: tuple[int, ...] = ()
    next_exercise: bool = False
    # What the earlier session (and any it continued) did, counted in this one's summary when the offer is taken.
    exercises_done: tuple[int, ...] = ()
    exercises_skipped: tuple[int, ...] = ()
    holds: tuple[Where, ...] = ()  # the places of the holds done


@dataclass(frozen=True)
class Line:
    """A line to say and what kind of line it is (see :class:`~voiceguide.events.Say`)."""

    text: str
    kind: str = "info"


@dataclass
class Speech:
    """What the coach is saying, what waits to be said, and its one timer; the outbox keeps it in step.

    Only the awaited line's end moves the coach on; queued lines are said
    one after another before the plan goes on. Every timer gets a new token,
    so a timer that fires after it was replaced or cancelled is ignored.
    """

    awaited: int | None = None  # the line whose end the coach waits for
    awaited_is_step: bool = False  # ... and whether that line is the plan's current step
    queued: deque[Line] = field(default_factory=deque)
    last_said: Line = Line("")  # what "repeat" says again outside an exercise
    timer_token: int = 0
    last_id: int = 0  # the last utterance id given


@dataclass
class HoldCount:
    """The countdown of the hold under way."""

    length: int = 0  # seconds, as the hold's line said when it began
    seconds_left: int = 0
    counting: bool = False  # the hold's line has been said: the seconds are being counted
    say_length: bool = True  # the next hold's line says how long it lasts
    carry_on: int | None = None  # after a change of pace, the seconds the hold under way goes on for


@dataclass
class CoachState:
    """Where the conversation and the routine are; what the coach decides from."""

    mode: Mode = Mode.READY
    halt: Halt | None = None  # why the session is halted
    halted_from: Mode = Mode.READY  # the mode "continue" goes back to
    question: Question | None = None  # what a yes or a no answers now
    cursor: int = 0  # the plan step under way
    pace: int = 0  # negative is slower
    started: bool = False  # the first exercise has begun
    exercise_recorded: int | None = None  # the exercise whose start was last recorded
    needs_professional: bool = False  # a symptom was reported: only an explicit resume or skip goes on
    full_instruction: bool = False  # the next repetition is said in full, not as its short cue
    # Unclear speech has had its reply, and nothing has been understood since: more of it gets none
    # (it may be the coach hearing that reply, and a reply to it would be the same line again).
    unclear_answered: bool = False
    hold: HoldCount = field(default_factory=HoldCount)
    speech: Speech = field(default_factory=Speech)
    # What the summary and the session's record tell.
    started_at: float | None = None
    done_exercises: list[int] = field(default_factory=list)
    skipped_exercises: list[int] = field(default_factory=list)
    holds_done: set[Where] = field(default_factory=set)  # the places of the holds done
    pain_reports: int = 0
    pain_in: list[int] = field(default_factory=list)  # the exercise of each report made in one
    resumed: ResumeOffer | None = None  # the earlier session this one continues

    @property
    def context(self) -> Context:
        """What the coach is waiting for: an answer to its question, else what its mode waits for."""
        return Context.QUESTION if self.question is not None else _CONTEXTS[self.mode]


_CONTEXTS = {
    Mode.READY: Context.READY,
    Mode.RUNNING: Context.EXERCISE,
    Mode.WAITING: Context.BETWEEN,
    Mode.HALTED: Context.HALTED,
    Mode.ENDED: Context.ENDED,
}
