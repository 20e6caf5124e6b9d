"""Drives a Coach with a fake clock: speech ends at once, timers fire in order, each event stamped with the fake time."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from voiceguide.action_interpreter import carry_out
from voiceguide.coach import Coach, CoachSettings, ResumeOffer
from voiceguide.events import Action, Begin, EndSession, Event, Heard, Record, Say, SetTimer, SpeechDone, TimerFired, Unclear
from voiceguide.grammar import Grammar
from voiceguide.text_mode import typed_event
from voiceguide.understanding import Understanding
from voiceguide.routine import Routine, load_routine


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Driver:
    """Carries out the coach's actions the way the runner would, instantly."""

    coach: Coach
    clock: FakeClock
    grammar: Grammar | None = None
    said: list[Say] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    timer: tuple[float, int] | None = None
    ended: EndSession | None = None
    speaking: list[Say] = field(default_factory=list)

    @classmethod
    def new(
        cls,
        routine: Routine | None = None,
        settings: CoachSettings | None = None,
        resume_offer: ResumeOffer | None = None,
    ) -> Driver:
        return cls(Coach(routine or load_routine(), settings, resume_offer), FakeClock())

    # Carrying out actions. Speech is queued; `finish_speech` ends it.

    def apply(self, actions: list[Action]) -> None:
        self.actions.extend(actions)
        carry_out(actions, self)

    def speak(self, line: Say) -> None:
        self.said.append(line)
        self.speaking.append(line)

    def cut_speech(self) -> None:
        self.speaking.clear()

    def set_timer(self, timer: SetTimer) -> None:
        self.timer = (self.clock.now + timer.seconds, timer.token)

    def cancel_timer(self) -> None:
        self.timer = None

    def record(self, record: Record) -> None:
        self.records.append(record)

    def end_session(self, end: EndSession) -> None:
        self.ended = end

    def handle(self, event: Event) -> list[Action]:
        """Hand the coach ``event`` at the fake clock's time and carry out its answer; the actions it answered with."""
        mark = len(self.actions)
        self.apply(self.coach.handle(replace(event, at=self.clock.now)))
        return self.actions[mark:]

    def begin(self) -> Driver:
        self.handle(Begin())
        return self

    def step(self) -> bool:
        """Let one thing happen: the oldest line ends, else the timer fires."""
        if self.speaking:
            line = self.speaking.pop(0)
            self.clock.now += 0.1
            self.handle(SpeechDone(line.utterance_id))
            return True
        if self.timer is not None:
            deadline, token = self.timer
            self.timer = None
            self.clock.now = max(self.clock.now, deadline)
            self.handle(TimerFired(token))
            return True
        return False

    def settle(self, limit: int = 100_000) -> None:
        """Run until the coach waits for the user (or the session ended)."""
        for _ in range(limit):
            if not self.step():
                return
        raise AssertionError("the coach never settled")

    def run_until(self, predicate, limit: int = 100_000) -> None:
        for _ in range(limit):
            if predicate(self):
                return
            if not self.step():
                raise AssertionError("the coach settled before the condition held")
        raise AssertionError("condition never held")

    def hear(self, intent: str, text: str = "") -> list[Action]:
        return self.handle(Heard(intent, text or intent.lower()))

    def say_text(self, text: str) -> list[Action]:
        """What the user says, parsed by the real grammar."""
        grammar = self.grammar or Grammar.load()
        self.grammar = grammar
        # As a typed line is understood: the grammar's sentences and safety words, in the coach's context.
        return self.handle(typed_event(Understanding(grammar), self.coach.context, text))

    def unclear(self, text: str = "mumble") -> list[Action]:
        return self.handle(Unclear(text))

    # Reading what happened.

    def texts(self, start: int = 0) -> list[str]:
        return [say.text for say in self.said[start:]]

    def kinds(self, kind: str) -> list[Record]:
        return [record for record in self.records if record.kind == kind]
