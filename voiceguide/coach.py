"""The coach: the dialogue state machine. Events in, actions out, no I/O.

Everything the coach decides lives here and is tested without audio. Time
comes from an injected clock; speech and timers are actions the runner
carries out, and their ends come back as events.

Safety rules kept here (DESIGN.md):
- "stop", pain and symptom words act in every state and cut speech at once;
- after pain the session never goes on until the user says resume or skip;
- a command that does not fit gets a short spoken hint, never silence;
- everything that happens is recorded as it happens.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from .events import (
    Action,
    Begin,
    CancelTimer,
    CutSpeech,
    DeviceLost,
    EndSession,
    Event,
    Heard,
    Record,
    Say,
    SetTimer,
    SpeechDone,
    TimerFired,
    Unclear,
)
from .plan import Step, StepKind, Where, build_plan
from .routine import Exercise, Range, Routine

PACE_LIMIT = 2
REST_SECONDS = 3.0
PACE_FACTOR = 1.4  # each step slower multiplies rests by this
RATE_FACTOR = 0.88  # ... and the speaking rate by this

SAFE_INTENTS = frozenset({"Stop", "Pain", "Symptom"})

# The coach asks for "let's begin", not "start": said with a British vowel,
# "start" and "stop" differ only in their last consonant, and a recognizer
# hears one for the other (measured in the issue note: a bare "start" was
# taken for "stop" 9 % of the time, "let's begin" never). "start" still works.
READY_PROMPT = "When you're ready, say let's begin."


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


class Coach:
    """The dialogue state machine for one session."""

    def __init__(
        self,
        routine: Routine,
        clock: Callable[[], float],
        settings: CoachSettings | None = None,
        resume_offer: ResumeOffer | None = None,
        returning: bool = False,
    ) -> None:
        self.routine = routine
        self.returning = returning  # the user has had a session before: a short welcome
        self.clock = clock
        self.settings = settings or CoachSettings()
        self.plan: list[Step] = build_plan(routine, self.settings.level)
        self.mode = Mode.READY
        self.halt: Halt | None = None
        self.question: Question | None = None
        self.cursor = 0
        self.pace = 0
        self._resume_index = self._resume_index_for(resume_offer) if resume_offer else None
        self.resume_offer = resume_offer if self._resume_index is not None else None
        self.started_at: float | None = None
        self.done_exercises: list[int] = []
        self.skipped_exercises: list[int] = []
        self.pain_reports = 0
        self._next_id = 0
        self._awaiting: int | None = None  # the utterance we wait to finish
        self._awaiting_step = False  # ... and whether it is the current step
        self._asides: deque[tuple[str, str]] = deque()
        self._timer_token = 0
        self._hold_left = 0
        self._hold_counting = False
        self._last_said: tuple[str, str] = ("", "info")
        self._halted_from = Mode.READY
        self._pending_start = 0  # where "start" begins: 0, or an accepted resume offer
        self._exercise_announced: int | None = None
        self._started = False  # the first exercise has begun
        self._hold_in_full = True  # the next hold says how long it lasts
        self._full_instruction = False  # the next repetition is said in full, not as its short cue
        self._out: list[Action] = []

    # ------------------------------------------------------------ interface

    def handle(self, event: Event) -> list[Action]:
        """Feed one event; return the actions to carry out, in order."""
        self._out = []
        if self.mode is Mode.ENDED:
            return []
        if isinstance(event, Begin):
            self._begin()
        elif isinstance(event, Heard):
            self._heard(event)
        elif isinstance(event, Unclear):
            self._unclear(event)
        elif isinstance(event, SpeechDone):
            self._speech_done(event.utterance_id)
        elif isinstance(event, TimerFired):
            self._timer_fired(event.token)
        elif isinstance(event, DeviceLost):
            self._device_lost(event)
        return self._out

    @property
    def step(self) -> Step:
        return self.plan[self.cursor]

    @property
    def exercise(self) -> Exercise:
        return self.routine.exercises[self.step.where.exercise]

    @property
    def speaking(self) -> bool:
        return self._awaiting is not None

    @property
    def waiting_for_user(self) -> bool:
        """Nothing more happens until the user says something."""
        return self.mode in (Mode.READY, Mode.WAITING, Mode.HALTED) and self._awaiting is None and not self._asides

    # ---------------------------------------------------------- the basics

    def _say(self, text: str, kind: str = "info", step: bool = False) -> None:
        """Speak a line that the coach waits for before going on."""
        self._next_id += 1
        self._awaiting = self._next_id
        self._awaiting_step = step
        if kind != "count":
            self._last_said = (text, kind)
        self._out.append(Say(self._next_id, text, kind, self._rate))

    def _say_aside(self, *lines: str, kind: str = "answer") -> None:
        """Interrupt whatever is going on with lines; the plan resumes after them."""
        self._silence()
        self._asides.extend((line, kind) for line in lines)
        self._say_next_aside()

    def _say_next_aside(self) -> None:
        text, kind = self._asides.popleft()
        self._say(text, kind)

    def _count(self, text: str) -> None:
        """A countdown number: spoken, but the hold's timer does not wait for it."""
        self._next_id += 1
        self._out.append(Say(self._next_id, text, "count", self._rate))

    def _silence(self) -> None:
        """Cut speech and halt timers at once."""
        self._out.append(CutSpeech())
        self._out.append(CancelTimer())
        self._timer_token += 1
        self._awaiting = None
        self._asides.clear()
        self._hold_counting = False
        self._hold_in_full = True  # after any interruption, a hold says its length again

    def _timer(self, seconds: float) -> None:
        self._timer_token += 1
        self._out.append(SetTimer(self._timer_token, seconds))

    def _record(self, kind: str, **data: object) -> None:
        self._out.append(Record(kind, self.clock(), dict(data)))

    def _position(self, where: Where | None = None) -> dict[str, object]:
        """Where in the routine something happened; nowhere before the first exercise begins."""
        if where is None:
            if not self._started:
                return {}
            where = self.step.where
        exercise = self.routine.exercises[where.exercise]
        return {
            "exercise": exercise.id,
            "exercise_name": exercise.name,
            "exercise_index": where.exercise,
            "set": where.set,
            "side": where.side,
            "rep": where.rep,
        }

    def _report_position(self) -> dict[str, object]:
        """Where pain is reported: between exercises, in the one just done, not the one to come."""
        between = self.mode is Mode.WAITING or (self.mode is Mode.HALTED and self._halted_from is Mode.WAITING)
        if between and self._started:
            return self._position(Where(self.plan[self.cursor - 1].where.exercise))
        return self._position()

    @property
    def _rate(self) -> float:
        return RATE_FACTOR**-self.pace

    # ---------------------------------------------------------- the session

    def _begin(self) -> None:
        self.started_at = self.clock()
        self._record("session_start", routine=self.routine.name)
        self._asides.extend(self._welcome_lines())
        if self.resume_offer is not None:
            self.question = Question.RESUME_OFFER
            self._asides.append((self._resume_offer_line(), "prompt"))
        else:
            self._asides.append((READY_PROMPT, "prompt"))
        self._say_next_aside()

    def _welcome_lines(self) -> list[tuple[str, str]]:
        """The doctor's-approval disclaimer every session; how to talk to the coach in full only the first time."""
        safety = self.routine.safety
        if self.returning:
            return [
                ("Welcome back.", "info"),
                (safety.disclaimer, "safety"),
                ("Say help at any time. If anything hurts, say it hurts, or stop, and I will stop at once.", "info"),
            ]
        return [
            ("Hello. I'm your back exercise coach.", "info"),
            (safety.disclaimer, "safety"),
            (safety.do_not_push, "safety"),
            (
                "You can talk to me at any time. Say next, repeat, pause, or how do I check my form. "
                "If anything hurts, say it hurts, or stop, and I will stop at once.",
                "info",
            ),
        ]

    def _resume_index_for(self, offer: ResumeOffer) -> int | None:
        """The plan step where an accepted offer starts, or None if nothing is left."""
        if not offer.done:
            return self._rep_start_index(offer.where)
        finished = [i for i, step in enumerate(self.plan) if step.kind is StepKind.REP_DONE and step.where == offer.where]
        if not finished:
            return self._exercise_start(offer.where.exercise)
        return next((i for i in range(finished[0], len(self.plan)) if self.plan[i].rep_start), None)

    def _resume_offer_line(self) -> str:
        """The offer says when pain was reported; after a skipped or painful exercise it offers the next one."""
        assert self._resume_index is not None and self.resume_offer is not None
        offer = self.resume_offer
        where = self.plan[self._resume_index].where
        name = self.routine.exercises[where.exercise].name.lower()
        if offer.pain_in:
            hurt = _join([self.routine.exercises[i].name.lower() for i in offer.pain_in])
            opening = (
                f"Last time you reported pain during {hurt}, and stopped before the end. "
                "If you still feel it, please contact your spine professional before you exercise."
            )
        else:
            opening = "Last time you stopped before the end."
        if offer.next_exercise:
            return f"{opening} Do you want to go on with the next exercise, {name}? Say yes or no."
        side = f", {where.side} side" if where.side else ""
        return f"{opening} Do you want to continue where you left off, at {name}{side}? Say yes or no."

    def _start_at(self, index: int) -> None:
        self._started = True
        self.mode = Mode.RUNNING
        self.halt = None
        self.question = None
        self.cursor = index
        self._exercise_announced = None  # begun here, also when it is the same exercise again
        self._note_exercise_start()
        self._run()

    def _note_exercise_start(self) -> None:
        """Record the start of work in an exercise, once each time the coach goes to it."""
        if self.step.where.exercise != self._exercise_announced:
            self._exercise_announced = self.step.where.exercise
            self._record("exercise_start", **self._position())

    def _exercise_start(self, exercise_index: int) -> int:
        for index, step in enumerate(self.plan):
            if step.where.exercise == exercise_index and step.kind is StepKind.SAY:
                return index
        raise ValueError(exercise_index)

    def _run(self) -> None:
        """Carry out plan steps from the cursor until one has to wait."""
        if self._asides:
            self._say_next_aside()  # the plan goes on when they have been said
            return
        while self.mode is Mode.RUNNING:
            step = self.step
            if step.kind is StepKind.SAY:
                self._note_exercise_start()
                self._say_step(step)
                return
            if step.kind is StepKind.HOLD:
                seconds = self._hold_seconds(step)
                self._hold_left = seconds
                self._hold_counting = False
                self._say(self._hold_line(step, seconds), "instruction", step=True)
                return
            if step.kind is StepKind.REST:
                self._timer(REST_SECONDS * PACE_FACTOR ** -self.pace)
                return
            if step.kind is StepKind.REP_DONE:
                self._record("rep_done", hold_seconds=self._hold_seconds(step), reps=step.reps, **self._position())
                if step.ends_exercise:
                    self._exercise_done(step.where.exercise)
                self.cursor += 1
                continue
            if step.kind is StepKind.WAIT:
                if self.settings.wait_between_exercises:
                    self.mode = Mode.WAITING
                    self._say(self._waiting_prompt(), "prompt")
                    return
                self.cursor += 1
                continue
            if step.kind is StepKind.FINISH:
                self._finish(completed=True)
                return

    def _say_step(self, step: Step) -> None:
        """Say a line of the plan; a repetition asked for again is said in full, for all its lines."""
        text = step.text
        if step.rep_start:
            if self._full_instruction and step.full:
                text = step.full
                self.cursor = self._last_instruction_line(self.cursor)
            self._full_instruction = False
        text = text.replace("{hold}", _seconds(self._hold_seconds(step)))
        self._say(text, step.kind_of_line, step=True)

    def _last_instruction_line(self, index: int) -> int:
        """The last of the instruction lines said before this repetition's hold."""
        where = self.plan[index].where
        while self.plan[index + 1].kind is StepKind.SAY and self.plan[index + 1].where == where:
            index += 1
        return index

    def _hold_line(self, step: Step, seconds: int) -> str:
        """A set's first repetition, and a hold after any interruption, say how long; later ones just "Hold."."""
        in_full = step.where.rep <= 1 or self._hold_in_full
        self._hold_in_full = False
        return f"Hold for {_seconds(seconds)}." if in_full else "Hold."

    def _hold_seconds(self, step: Step) -> int:
        hold = step.hold or self._current_set_hold(step)
        if hold is None:
            return 0
        base = hold.for_level(self.settings.level)
        stride = max(1, math.ceil((hold.max - hold.min) / 4))
        return hold.clamp(base - self.pace * stride)

    def _current_set_hold(self, step: Step) -> Range | None:
        exercise = self.routine.exercises[step.where.exercise]
        return exercise.sets[step.where.set].hold if exercise.sets else None

    def _exercise_done(self, exercise_index: int) -> None:
        """Its last repetition is done: the exercise counts as done, also if it was skipped before."""
        if exercise_index in self.done_exercises:
            return
        if exercise_index in self.skipped_exercises:
            self.skipped_exercises.remove(exercise_index)
        self.done_exercises.append(exercise_index)
        self._record("exercise_done", **self._position(Where(exercise_index)))

    def _waiting_prompt(self) -> str:
        upcoming = self.routine.exercises[self.step.where.exercise]
        return f"Next is {upcoming.name.lower()}. Take a moment, and say next when you're ready."

    def _advance(self) -> None:
        self.cursor += 1
        self._run()

    def _speech_done(self, utterance_id: int) -> None:
        if utterance_id != self._awaiting:
            return
        was_step = self._awaiting_step
        self._awaiting = None
        if self._asides:
            self._say_next_aside()
            return
        if self.mode is not Mode.RUNNING:
            return
        if not was_step:
            self.cursor = self._resume_point(restart_rep=False)  # an aside interrupted the current step
            self._run()
        elif self.step.kind is StepKind.HOLD:
            self._hold_counting = True
            self._timer(1.0)
        else:
            self._advance()

    def _timer_fired(self, token: int) -> None:
        if token != self._timer_token or self.mode is not Mode.RUNNING:
            return
        if self.step.kind is StepKind.HOLD and self._hold_counting:
            self._hold_left -= 1
            if self._hold_left <= 0:
                self._hold_counting = False
                self._advance()
                return
            if self._hold_left <= 5 or self._hold_left % 5 == 0:
                self._count(str(self._hold_left))
            self._timer(1.0)
        elif self.step.kind is StepKind.REST:
            self._advance()

    def _finish(self, completed: bool) -> None:
        self._silence()
        minutes = max(1, round((self.clock() - (self.started_at or self.clock())) / 60))
        done = [self.routine.exercises[i].name.lower() for i in self.done_exercises]
        if completed:
            opening = "Well done. That's the whole routine."
        else:
            opening = "Okay, we'll end the session here."
        if done:
            summary = f"You did {len(done)} of {len(self.routine.exercises)} exercises: {_join(done)}, in about {_minutes(minutes)}."
        else:
            summary = f"We did no exercises this time, and that's fine. We spent about {_minutes(minutes)}."
        lines = [opening, summary]
        if self.pain_reports:
            times = "once" if self.pain_reports == 1 else f"{self.pain_reports} times"
            lines.append(f"You reported pain {times}. {self.routine.safety.pain_advice}")
        lines.append(self.routine.safety.consistency)
        lines.append("Take care.")
        self._record(
            "session_end",
            completed=completed,
            exercises_done=[self.routine.exercises[i].id for i in self.done_exercises],
            pain_reports=self.pain_reports,
            duration_seconds=round(self.clock() - (self.started_at or self.clock()), 1),
            **self._position(),
        )
        self._out.extend(Say(self._new_id(), line, "summary", self._rate) for line in lines)
        self._out.append(EndSession(completed=completed))
        self.mode = Mode.ENDED

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # --------------------------------------------------------- the user

    def _heard(self, event: Heard) -> None:
        handler = getattr(self, f"_on_{event.intent.lower()}", None)
        if handler is None:
            self._hint(f"Sorry, I can't do that here. {self._help_line()}")
            return
        handler(event)

    def _hint(self, text: str) -> None:
        """A short spoken hint; in the middle of an exercise, the plan resumes after it."""
        if self.mode is Mode.RUNNING:
            self._say_aside(text, kind="hint")
        else:
            self._say(text, "hint")

    def _answer(self, *lines: str) -> None:
        if self.mode is Mode.RUNNING:
            self._say_aside(*lines)
        else:
            self._silence()
            self._asides.extend((line, "answer") for line in lines)
            self._say_next_aside()

    def _halt(self, halt: Halt) -> None:
        self._silence()
        if self.mode is not Mode.HALTED:
            self._halted_from = self.mode
        self.mode = Mode.HALTED
        self.halt = halt

    # Safety first: these work in every mode.

    def _on_stop(self, event: Heard) -> None:
        if self.mode is Mode.HALTED and self.halt is Halt.PAIN:
            self._silence()
            self._say(f"I've stopped. Rest as long as you need. When you're ready, {self._pain_choices()}", "safety")
            return
        self._halt(Halt.STOP)
        self._record("stop", words=event.text, **self._position())
        self.question = Question.IN_PAIN
        self._say("Stopped. Are you in pain? Say yes or no.", "safety")

    def _on_pain(self, event: Heard, kind: str = "pain") -> None:
        self._halt(Halt.PAIN)
        self.pain_reports += 1
        self._record(kind, words=event.text, **self._report_position())
        safety = self.routine.safety
        if kind == "symptom":
            self.question = None
            self._asides.extend([(safety.pain_stop, "safety"), (safety.symptom_advice, "safety"), (self._after_pain_line(), "prompt")])
        else:
            self.question = Question.SYMPTOMS
            self._asides.extend([(safety.pain_stop, "safety"), (safety.pain_advice, "safety"), (safety.symptom_question, "prompt")])
        self._say_next_aside()

    def _on_symptom(self, event: Heard) -> None:
        self._on_pain(event, kind="symptom")

    def _after_pain_line(self) -> str:
        return f"Rest as long as you need. I won't go on by myself. When you're ready, {self._pain_choices()}"

    def _pain_choices(self) -> str:
        """What can be said after pain, offering only what exists here (no "skip" before the first exercise)."""
        if not self._started:
            return "say resume, or end to finish the session."
        if self._halted_from is Mode.WAITING:
            upcoming = self.routine.exercises[self.step.where.exercise].name.lower()
            return f"say resume, skip to leave out {upcoming}, or end to finish the session."
        if self.step.where.exercise + 1 >= len(self.routine.exercises):
            return "say resume to carry on gently, or end to finish the session."
        return "say resume to carry on gently, skip to move to the next exercise, or end to finish the session."

    def _on_quit(self, event: Heard) -> None:
        self._record("quit", words=event.text, **self._position())
        self._finish(completed=False)

    # Answers to questions.

    def _on_yes(self, event: Heard) -> None:
        question, self.question = self.question, None
        if question is Question.IN_PAIN:
            self._on_pain(event)
        elif question is Question.SYMPTOMS:
            self._record("symptom", words=event.text, **self._report_position())
            self._say(self.routine.safety.symptom_advice + " " + self._after_pain_line(), "safety")
        elif question is Question.ALL_RIGHT:
            self._resume()
        elif question is Question.RESUME_OFFER:
            assert self._resume_index is not None and self.resume_offer is not None
            self._pending_start = self._resume_index
            where = self.plan[self._resume_index].where
            self._record("resume", offered=True, **self._position(where))
            self._silence()
            if self.resume_offer.next_exercise:
                line = f"Okay, let's go on with {self.routine.exercises[where.exercise].name.lower()}. Stop at once if anything hurts."
            else:
                line = "Okay, let's continue where you left off."
            self._asides.append((line, "info"))
            self._full_instruction = True  # after a break, the first repetition is said in full
            self._start_at(self._pending_start)
        elif self.mode in (Mode.READY, Mode.WAITING):
            self._on_next(event)
        else:
            self.question = question
            self._hint(f"Okay. {self._help_line()}")

    def _on_no(self, event: Heard) -> None:
        question, self.question = self.question, None
        if question is Question.IN_PAIN:
            self._say("Okay, no pain. Say continue when you're ready, or end to finish the session.", "prompt")
        elif question is Question.SYMPTOMS:
            self._say("Okay, no other symptoms. " + self._after_pain_line(), "prompt")
        elif question is Question.ALL_RIGHT:
            self._on_pain(event)
        elif question is Question.RESUME_OFFER:
            self._record("resume_declined")
            self._say(f"Okay, we'll start from the beginning. {READY_PROMPT}", "prompt")
        else:
            self.question = question
            self._hint(f"Okay. {self._help_line()}")

    def _on_okay(self, event: Heard) -> None:
        """ "I'm okay": a no to "are you in pain?", a yes to "is all well?"."""
        if self.question in (Question.IN_PAIN, Question.SYMPTOMS):
            self._on_no(event)
        elif self.question is not None or self.mode in (Mode.READY, Mode.WAITING):
            self._on_yes(event)
        elif self.mode is Mode.HALTED:
            self._hint(self._halted_hint())
        # While an exercise runs, "okay" is an acknowledgement, not a command.

    # Moving through the routine.

    def _on_start(self, event: Heard) -> None:
        if self.mode is Mode.READY:
            self.question = None
            self._silence()
            self._start_at(self._pending_start)
        elif self.mode is Mode.WAITING:
            self._on_next(event)
        elif self.mode is Mode.HALTED:
            self._hint(self._halted_hint())
        else:
            self._hint("We've already started. Say skip for the next exercise, or end to finish.")

    def _on_next(self, event: Heard) -> None:
        if self.mode is Mode.READY:
            self._on_start(event)
        elif self.mode is Mode.WAITING:
            self._silence()
            self._start_at(self.cursor + 1)
        elif self.mode is Mode.RUNNING:
            self._silence()
            self._advance()
        else:
            self._hint(self._halted_hint())

    def _on_skip(self, event: Heard) -> None:
        if not self._started:
            self._hint(f"We haven't started yet. {self._not_started_prompt()}")
            return
        exercise_index = self.step.where.exercise
        self._record("exercise_skipped", words=event.text, **self._position())
        if exercise_index not in self.done_exercises and exercise_index not in self.skipped_exercises:
            self.skipped_exercises.append(exercise_index)
        name = self.routine.exercises[exercise_index].name.lower()
        self._silence()
        self.halt = None
        self.question = None
        following = exercise_index + 1
        if following >= len(self.routine.exercises):
            self._finish(completed=False)
            return
        if not self.settings.wait_between_exercises:
            self._asides.append((f"Skipping {name}.", "info"))
            self._start_at(self._exercise_start(following))
            return
        # Like the end of an exercise: the next one waits for the user's word.
        self.mode = Mode.WAITING
        self.cursor = self._exercise_start(following) - 1  # the WAIT step before it
        self._say(f"Skipping {name}. {self._waiting_prompt()}", "prompt")

    def _not_started_prompt(self) -> str:
        return self._halted_hint() if self.mode is Mode.HALTED else READY_PROMPT

    def _on_previous(self, event: Heard) -> None:
        if self.mode is Mode.READY:
            self._hint(f"We haven't started yet. {READY_PROMPT}")
            return
        if self.mode is Mode.HALTED:
            self._hint(self._halted_hint())
            return
        current = self.step.where.exercise
        target = max(0, current - 1)
        name = self.routine.exercises[target].name.lower()
        first = self.mode is Mode.RUNNING and current == 0
        self._silence()
        self._asides.append((f"This is the first exercise. Starting {name} again." if first else f"Going back to {name}.", "info"))
        self._start_at(self._exercise_start(target))  # an exercise done before stays done

    def _on_repeat(self, event: Heard) -> None:
        """The instruction again, in full: this repetition's if it is under way, else the next one's.

        A finished repetition is not done (or counted) again.
        """
        if self.mode is Mode.RUNNING:
            self._silence()
            self.cursor = self._resume_point(restart_rep=True)
            self._full_instruction = True
            self._run()
        else:
            text, kind = self._last_said
            self._silence()
            self._say(text or self._help_line(), kind)

    def _last_instruction_index(self) -> int:
        for index in range(self.cursor, -1, -1):
            step = self.plan[index]
            if step.rep_start and step.where.exercise == self.step.where.exercise:
                return index
        return self.cursor

    def _resume_point(self, restart_rep: bool) -> int:
        """Where the plan goes on after an interruption (an answer, a pause, a stop, pain, "repeat").

        A finished repetition is not done or counted again: its count line,
        the rest after it and the exercise's closing line are passed over.
        An unfinished one goes on at the interrupted step (a hold starts again
        from its full length), or from its first line when ``restart_rep``.
        """
        index = self.cursor
        while self.plan[index].after_rep:
            index += 1
        if index == self.cursor and restart_rep:
            return self._last_instruction_index()
        return index

    def _rep_start_index(self, where: Where) -> int:
        for index, step in enumerate(self.plan):
            if step.rep_start and step.where == where:
                return index
        return self._exercise_start(where.exercise)

    def _on_pause(self, event: Heard) -> None:
        if self.mode is Mode.RUNNING:
            self._halt(Halt.PAUSE)
            self._record("pause", words=event.text, **self._position())
            self._say("Paused. Say continue when you're ready.", "prompt")
        elif self.mode is Mode.HALTED:
            self._hint(self._halted_hint())
        else:
            self._hint("I'm waiting for you anyway. Take your time, and say next when you're ready.")

    def _on_resume(self, event: Heard) -> None:
        if self.mode is Mode.HALTED:
            self._resume()
        elif self.mode in (Mode.WAITING, Mode.READY):
            self._on_next(event)
        else:
            self._hint("We're going. Say pause if you need a moment.")

    def _resume(self) -> None:
        halt = self.halt
        self._silence()
        self._record("resume", after=halt.value if halt else None, **self._position())
        after_pain = halt is Halt.PAIN
        if after_pain:
            self._asides.append(("Okay, let's carry on gently. Stop at once if it hurts again.", "safety"))
        else:
            self._asides.append(("Continuing.", "info"))
        self.halt = None
        self.question = None
        if self._halted_from is Mode.RUNNING:
            # After pain the repetition starts again, said in full; otherwise the interrupted step is redone.
            self.cursor = self._resume_point(restart_rep=after_pain)
            self._full_instruction = after_pain
            self.mode = Mode.RUNNING
            self._run()
            return
        self.mode = self._halted_from
        prompt = self._waiting_prompt() if self.mode is Mode.WAITING else READY_PROMPT
        self._asides.append((prompt, "prompt"))
        self._say_next_aside()

    def _device_lost(self, event: DeviceLost) -> None:
        """Without a microphone the user cannot say stop: never go on counting."""
        self._record("device_lost", what=event.what, reason=event.reason, **self._position())
        if self.mode is Mode.RUNNING:
            self._halt(Halt.PAUSE)
        else:
            self._silence()
        if event.what == "microphone":
            line = "I can't hear you any more, so I've paused. Type what you would say, or restart me when the microphone works."
        else:
            line = "The speaker stopped working, so I've paused. I'll show what I say as text. Say or type continue when you're ready."
        self._say(line, "safety")

    def _unclear(self, event: Unclear) -> None:
        if self.mode is Mode.RUNNING and self.settings.pause_on_unclear:
            self._halt(Halt.UNCLEAR)
            self._record("unclear", words=event.text, **self._position())
            self.question = Question.ALL_RIGHT
            self._say("I heard something. Is everything all right? Say continue, or stop.", "safety")
        elif self.mode is not Mode.RUNNING:
            self._say(f"Sorry, I didn't catch that. {self._help_line()}", "hint")

    # Questions about the exercise: answered, then back to where we were.

    def _subject(self) -> Exercise | None:
        if not self._started:
            return None
        return self.routine.exercises[self.step.where.exercise]

    def _on_form(self, event: Heard) -> None:
        exercise = self._subject()
        if exercise is None:
            self._hint(f"Once we've started, ask how do I check my form during any exercise. {self._not_started_prompt()}")
            return
        upcoming = "For the next exercise, " if self.mode is Mode.WAITING else ""
        self._answer(f"{upcoming}{exercise.name}. {exercise.form[0]}", *exercise.form[1:])

    def _on_why(self, event: Heard) -> None:
        exercise = self._subject()
        if exercise is None:
            self._answer("These five exercises stretch and strengthen your low back, abdomen and legs, to help relieve back pain and prevent it.")
            return
        self._answer(f"{exercise.name}: {exercise.purpose}")

    def _on_status(self, event: Heard) -> None:
        self._answer(self._status_line())

    def _status_line(self) -> str:
        count = len(self.routine.exercises)
        if not self._started:
            return f"We haven't started. There are {count} exercises. {self._not_started_prompt()}"
        where = self.step.where
        exercise = self.routine.exercises[where.exercise]
        if self.mode is Mode.WAITING:
            return f"You've done {len(self.done_exercises)} of {count} exercises. Next is {exercise.name.lower()}."
        parts = [f"This is {exercise.name.lower()}, exercise {where.exercise + 1} of {count}."]
        if where.rep:
            reps = exercise.sets[where.set].reps.for_level(self.settings.level)
            side = f", {where.side} side" if where.side else ""
            parts.append(f"Repetition {where.rep} of {reps}{side}.")
        if where.exercise + 1 < count:
            parts.append(f"After this comes {self.routine.exercises[where.exercise + 1].name.lower()}.")
        else:
            parts.append("It's the last one.")
        return " ".join(parts)

    def _on_slower(self, event: Heard) -> None:
        self._change_pace(-1)

    def _on_faster(self, event: Heard) -> None:
        self._change_pace(+1)

    def _change_pace(self, direction: int) -> None:
        """Pace: negative is slower (longer rests and holds, slower speech)."""
        pace = self.pace + direction
        word = "faster" if direction > 0 else "slower"
        if abs(pace) > PACE_LIMIT:
            self._hint(f"This is already the {'fastest' if direction > 0 else 'slowest'} pace.")
            return
        self.pace = pace
        self._answer(f"Okay, I'll go {word}.")

    def _on_help(self, event: Heard) -> None:
        self._answer(self._help_line())

    def _help_line(self) -> str:
        if self.question is Question.IN_PAIN:
            return "Are you in pain? Say yes or no."
        if self.question is Question.SYMPTOMS:
            return self.routine.safety.symptom_question + " Say yes or no."
        if self.question is Question.RESUME_OFFER:
            return "Say yes to continue where you left off, or no to start from the beginning."
        if self.question is Question.ALL_RIGHT:
            return "Say continue if all is well, or stop."
        if self.mode is Mode.READY:
            return "Say let's begin to start the first exercise. You can also ask why, or say end to finish."
        if self.mode is Mode.WAITING:
            return "Say next to begin the next exercise, skip to leave it out, previous to do the last one again, or end to finish."
        if self.mode is Mode.HALTED:
            return self._halted_hint()
        return (
            "You can say next, repeat, pause, skip, slower, faster, how many left, why, "
            "or how do I check my form. Say stop or it hurts at any time."
        )

    def _halted_hint(self) -> str:
        if self.halt is Halt.PAIN:
            choices = self._pain_choices()
            return f"We've stopped because of pain. {choices[0].upper()}{choices[1:]}"
        return "We're stopped. Say continue when you're ready, or end to finish."


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _minutes(minutes: int) -> str:
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _seconds(seconds: int) -> str:
    return "1 second" if seconds == 1 else f"{seconds} seconds"
