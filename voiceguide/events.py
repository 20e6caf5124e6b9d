"""What flows into the coach (events) and out of it (actions).

Small frozen dataclasses, in the spirit of the wyoming protocol: the coach
is a function of events to actions, and the runner is the only thing that
turns actions into sound, timers and files. Each event carries its time
(``at``), so the coach needs no clock of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

# ---------------------------------------------------------------- events in


@dataclass(frozen=True)
class _Stamped:
    """An event in, and ``at``, the moment it happened: wall-clock seconds (``time.time()``), since the
    coach writes it into the records the history keeps as dates. The runner stamps each event as it
    is queued; the tests' drivers stamp their fake time. Not part of an event's equality."""

    at: float = field(default=0.0, kw_only=True, compare=False)


@dataclass(frozen=True)
class Begin(_Stamped):
    """The session starts (the runner is ready to speak and listen)."""


class _Words:
    """What heard words keep for the history: the words and how they were understood."""

    text: str
    why: str

    def words(self) -> dict[str, str]:
        """The words heard and how they were understood, as a record keeps them."""
        return {"words": self.text, "why": self.why} if self.why else {"words": self.text}


@dataclass(frozen=True)
class Heard(_Stamped, _Words):
    """The user said something understood as ``intent``; ``why`` says how (for --show-heard and the history)."""

    intent: str
    text: str = ""
    confidence: float = 1.0
    why: str = field(default="", compare=False)  # an explanation, not part of what was heard
    confirm: bool = False  # asked about before it is acted on: an end of the session said beside other talk


@dataclass(frozen=True)
class Unclear(_Stamped, _Words):
    """The user said something no intent matches (not the coach's own voice); ``why`` says why not."""

    text: str = ""
    why: str = field(default="", compare=False)


@dataclass(frozen=True)
class TimerFired(_Stamped):
    """A timer set with :class:`SetTimer` ran out."""

    token: int


@dataclass(frozen=True)
class SpeechDone(_Stamped):
    """The line with this id was spoken to its end (never sent for a cut line)."""

    utterance_id: int


@dataclass(frozen=True)
class DeviceLost(_Stamped):
    """The microphone or the speaker stopped working; ``what`` says which."""

    what: str  # "microphone" | "speaker"
    reason: str = ""


Event = Union[Begin, Heard, Unclear, TimerFired, SpeechDone, DeviceLost]

# -------------------------------------------------------------- actions out


@dataclass(frozen=True)
class Say:
    """Speak ``text`` (and print it as a caption).

    ``kind`` tells what the line is: ``instruction`` (a step of an exercise),
    ``count`` (a countdown number), ``safety``, ``answer``, ``prompt``,
    ``info``. ``rate`` is a multiplier of the speaking rate chosen by pace.
    """

    utterance_id: int
    text: str
    kind: str = "info"
    rate: float = 1.0


@dataclass(frozen=True)
class CutSpeech:
    """Stop speaking now, mid-word, and drop every queued line."""


@dataclass(frozen=True)
class SetTimer:
    """Send ``TimerFired(token)`` after ``seconds``; replaces any earlier timer."""

    token: int
    seconds: float


@dataclass(frozen=True)
class CancelTimer:
    """Drop the pending timer, if any."""


@dataclass(frozen=True)
class Record:
    """Something that happened in the session, to be written down at once."""

    kind: str
    at: float
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EndSession:
    """The session is over; ``completed`` is False when it ended early."""

    completed: bool


Action = Union[Say, CutSpeech, SetTimer, CancelTimer, Record, EndSession]
