"""The lines a session will say, in order and at their pace, for the voice to render ahead.

They are not listed by hand: a copy of the coach (pure, so this costs no
I/O) is walked through the whole routine, as a user who says "let's begin"
and "next" and asks each exercise's form, purpose and help would walk it,
with every line taken as spoken and every timer as run out; fresh copies
hear "stop", "it hurts" and a symptom first, as their advice can be needed
at any moment. Whatever the coach says on
the way (steps, cues, counts, sides, prompts, answers, safety advice) is
collected, in the order it is first said; lines that depend on the time
are left out. (:mod:`.lines` lists the coach's lines by another road, every
variant of each, for telling the coach's voice from a command.)
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import replace

from ..events import Begin, CancelTimer, EndSession, Event, Heard, Say, SetTimer, SpeechDone, TimerFired
from ..intents import Intent
from .core import Coach

log = logging.getLogger(__name__)

MAX_EVENTS = 20_000  # a bound on the walk, far above what a routine takes
QUESTIONS = (Intent.FORM, Intent.WHY, Intent.STATUS, Intent.HELP)  # asked once in each exercise
SAFETY = ((Intent.STOP, "stop"), (Intent.PAIN, "it hurts"), (Intent.SYMPTOM, "my leg is numb"))


class _Walk:
    """A copy of the coach, fed as a session would feed it."""

    def __init__(self, coach: Coach, lines: dict[tuple[str, float], None], time_scale: float = 1.0) -> None:
        self.now = 1000.0  # the walk's own time, given to each event; not 0: a start time of 0 reads as "not started"
        self.time_scale = time_scale  # how much the time moves per second of timer
        self.coach = Coach(coach.routine, settings=coach.settings, resume_offer=coach.resume_offer, returning=coach.returning)
        self.lines = lines
        self.events: deque[Event] = deque()
        self.timer: SetTimer | None = None
        self.ended = False
        self.count = 0
        self.ask = False  # ask each exercise's questions once, during its first instruction
        self.asked: set[int] = set()
        self.questions: deque[Heard] = deque()  # asked one at a time, each once the coach has said all it had to

    def _ask_once(self) -> None:
        exercise = self.coach.step.where.exercise
        if exercise not in self.asked:
            self.asked.add(exercise)
            self.questions.extend(Heard(q.value, q.value.lower()) for q in QUESTIONS)

    def feed(self, event: Event) -> None:
        """Hand the coach an event, then everything it leads to (speech done, timers), until the coach waits."""
        self.events.append(event)
        while self.events and not self.ended and self.count < MAX_EVENTS:
            self.count += 1
            for action in self.coach.handle(replace(self.events.popleft(), at=self.now)):
                if isinstance(action, Say):
                    self.lines.setdefault((action.text, action.rate), None)
                    self.events.append(SpeechDone(action.utterance_id))
                    if action.kind == "instruction" and self.ask:
                        self._ask_once()
                elif isinstance(action, SetTimer):
                    self.timer = action
                elif isinstance(action, EndSession):
                    self.ended = True
                elif isinstance(action, CancelTimer):
                    self.timer = None
            if not self.events and self.questions:
                self.events.append(self.questions.popleft())
            elif not self.events and self.timer is not None:
                self.now += self.timer.seconds * self.time_scale
                self.events.append(TimerFired(self.timer.token))
                self.timer = None

    def hear(self, intent: Intent, text: str = "") -> None:
        self.feed(Heard(intent.value, text or intent.value.lower()))


def spoken_lines(coach: Coach) -> list[tuple[str, float]]:
    """Every line a session with this coach's routine and settings will say, as (text, rate multiplier).

    The routine is walked twice, with time passing at two speeds; a line
    that depends on the time (the summary's "in about 20 minutes") differs
    between the walks, and is left out.
    """
    lines: dict[tuple[str, float], None] = {}
    try:
        # The safety advice first: it can be needed at any moment, and a line not rendered yet starts late.
        for intent, words in SAFETY:
            safety = _Walk(coach, lines)
            safety.feed(Begin())
            safety.hear(Intent.START, "let's begin")
            safety.hear(intent, words)
        walked = _walk_routine(coach, 1.0)
        timeless = walked.keys() & _walk_routine(coach, 97.0).keys()
        lines.update((line, None) for line in walked if line in timeless)
    except Exception:  # the walk only warms a cache: a coach it does not understand must never stop a session
        log.warning("the walk through the coach's lines stopped early", exc_info=True)
    return list(lines)


def _walk_routine(coach: Coach, time_scale: float) -> dict[tuple[str, float], None]:
    """The lines of a walk through the whole routine, asking each exercise's questions."""
    lines: dict[tuple[str, float], None] = {}
    walk = _Walk(coach, lines, time_scale)
    walk.ask = True
    walk.feed(Begin())
    for question in QUESTIONS:  # asked before beginning too ("why" is the routine's purpose there)
        walk.hear(question)
    walk.hear(Intent.START, "let's begin")
    while not walk.ended and walk.count < MAX_EVENTS:
        before = walk.count
        walk.hear(Intent.NEXT, "next")
        if walk.count == before + 1 and not walk.ended:  # "next" did nothing here: answer a question
            walk.hear(Intent.YES, "yes")
    return lines
