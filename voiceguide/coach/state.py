"""What the coach remembers between events, and how a session is set up."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

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
    are the exercises (indices) in which pain was reported; ``next_exercise``
    says the offer is the exercise after one that was skipped or hurt, not
    where the user left off.
    """

    where: Where
    done: bool = False
    pain_in: tuple[int, ...] = ()
    next_exercise: bool = False


@dataclass
class HoldCount:
    """The countdown of the hold under way."""

    seconds_left: int = 0
    counting: bool = False  # the hold's line has been said: the seconds are being counted
    say_length: bool = True  # the next hold's line says how long it lasts


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
    full_instruction: bool = False  # the next repetition is said in full, not as its short cue
    # Unclear speech has had its reply, and nothing has been understood since: more of it gets none
    # (it may be the coach hearing that reply, and a reply to it would be the same line again).
    unclear_answered: bool = False
    hold: HoldCount = field(default_factory=HoldCount)
    # What the summary and the session's record tell.
    started_at: float | None = None
    done_exercises: list[int] = field(default_factory=list)
    skipped_exercises: list[int] = field(default_factory=list)
    pain_reports: int = 0
