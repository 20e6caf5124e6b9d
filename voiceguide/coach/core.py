"""The coach: the dialogue state machine. Events in, actions out, no I/O.

Everything the coach decides lives in this package and is tested without
audio. Time comes with each event (its ``at``), so the coach has no clock of its own; speech and
timers are actions the runner carries out, and their ends come back as events.

The rules the coach keeps:
- "stop", pain and symptom words act in every state and cut speech at once;
- after pain the session never goes on until the user says resume or skip;
- a command that does not fit gets a short spoken hint, never silence;
- everything that happens is recorded as it happens.

This module walks the plan and holds the verbs every handler shares (say,
hint, halt, record: the :class:`~voiceguide.coach.dialogue.Dialogue` the
handlers see); which handler answers what, in which state, is the table in
:mod:`~voiceguide.coach.table`.
"""

from __future__ import annotations

from ..events import Action, Event
from ..intents import Context
from ..routine import Exercise, Routine
from . import prompts, wording
from .outbox import Outbox
from .pace import hold_seconds, rest_seconds, speaking_rate
from .plan import Step, StepKind, Where, build_plan, continue_from, last_instruction_line, resume_point
from .state import CoachSettings, CoachState, Halt, Line, Mode, Question, ResumeOffer
from .table import dispatch
from .tally import tally


SHORT_HOLD = 10  # a hold this long or shorter is counted every second
LAST_COUNTED = 5  # a longer one says its halfway point and counts its last seconds


class Coach:
    """The dialogue state machine for one session."""

    def __init__(
        self,
        routine: Routine,
        settings: CoachSettings | None = None,
        resume_offer: ResumeOffer | None = None,
        returning: bool = False,
    ) -> None:
        self.routine = routine
        self.settings = settings or CoachSettings()
        self.returning = returning  # the user has had a session before: a short welcome
        self.plan: list[Step] = build_plan(routine, self.settings.level)
        self.state = CoachState()
        self.outbox = Outbox(self.state.speech)
        self.now = 0.0  # the time of the event being handled (its ``at``)
        start = continue_from(self.plan, resume_offer.where, resume_offer.done) if resume_offer else None
        self.resume_offer = resume_offer if start is not None else None
        self.resume_start = start  # the plan step where an accepted offer begins

    # ------------------------------------------------------------ interface

    def handle(self, event: Event) -> list[Action]:
        """Feed one event; return the actions to carry out, in order."""
        self.now = event.at
        dispatch(self, event)
        return self.outbox.take()

    # Read-only views of the state, for whoever drives the coach.

    @property
    def mode(self) -> Mode:
        return self.state.mode

    @property
    def context(self) -> Context:
        """What the coach is waiting for, for the understanding stage."""
        return self.state.context

    @property
    def halt(self) -> Halt | None:
        return self.state.halt

    @property
    def question(self) -> Question | None:
        return self.state.question

    @property
    def step(self) -> Step:
        return self.plan[self.state.cursor]

    @property
    def exercise(self) -> Exercise:
        return self.routine.exercises[self.step.where.exercise]

    @property
    def speaking(self) -> bool:
        return self.state.speech.awaited is not None

    @property
    def waiting_for_user(self) -> bool:
        """Nothing more happens until the user says something."""
        return self.state.mode in (Mode.READY, Mode.WAITING, Mode.HALTED) and not self.speaking and not self.state.speech.queued

    # ------------------------------------------------- verbs the handlers share

    def say(self, text: str, kind: str = "info", step: bool = False) -> None:
        """Speak a line that the coach waits for before going on."""
        self.outbox.say(Line(text, kind), self.rate, step)

    def queue(self, text: str, kind: str = "info") -> None:
        """A line to say before the plan goes on (after any queued before it)."""
        self.outbox.queue(Line(text, kind))

    def say_queued(self) -> None:
        """Say the first queued line; the others follow as each one ends."""
        self.outbox.say_next_queued(self.rate)

    def say_aside(self, *lines: str, kind: str = "answer") -> None:
        """Interrupt whatever is going on with lines; the plan resumes after them."""
        self.silence()
        for line in lines:
            self.queue(line, kind)
        self.say_queued()

    def hint(self, text: str) -> None:
        """A short spoken hint; in the middle of an exercise, the plan resumes after it."""
        if self.state.mode is Mode.RUNNING:
            self.say_aside(text, kind="hint")
        else:
            self.say(text, "hint")

    def silence(self) -> None:
        """Cut speech and halt timers at once."""
        self.outbox.cut()
        self.state.hold.counting = False
        self.state.hold.say_length = True  # after any interruption, a hold says its length again
        self.state.hold.carry_on = None  # ... and starts again from its length

    def halt_for(self, halt: Halt) -> None:
        self.silence()
        if self.state.mode is not Mode.HALTED:
            self.state.halted_from = self.state.mode
        self.state.mode = Mode.HALTED
        self.state.halt = halt

    def record(self, kind: str, **data: object) -> None:
        self.outbox.record(kind, self.now, data)

    def position(self, where: Where | None = None) -> dict[str, object]:
        """Where in the routine something happened; nowhere before the first exercise begins."""
        if where is None:
            if not self.state.started:
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

    def report_position(self) -> dict[str, object]:
        """Where pain is reported: between exercises, in the one just done, not the one to come."""
        state = self.state
        between = state.mode is Mode.WAITING or (state.mode is Mode.HALTED and state.halted_from is Mode.WAITING)
        if between and state.started:
            return self.position(Where(self.plan[state.cursor - 1].where.exercise))
        return self.position()

    @property
    def rate(self) -> float:
        return speaking_rate(self.state.pace)

    # ------------------------------------------------------ walking the plan

    def start_at(self, index: int) -> None:
        state = self.state
        state.started = True
        state.mode = Mode.RUNNING
        state.halt = None
        state.question = None
        state.cursor = index
        state.exercise_recorded = None  # begun here, also when it is the same exercise again
        self._note_exercise_start()
        self.run()

    def run(self) -> None:
        """Carry out plan steps from the cursor until one has to wait."""
        if self.state.speech.queued:
            self.say_queued()  # the plan goes on when they have been said
            return
        state = self.state
        while state.mode is Mode.RUNNING:
            step = self.step
            if step.kind is StepKind.SAY:
                self._note_exercise_start()
                self._say_step(step)
                return
            if step.kind is StepKind.HOLD:
                if state.hold.carry_on is not None and state.hold.carry_on <= 0:
                    state.hold.carry_on = None  # a faster pace: the hold is already long enough
                    state.cursor += 1
                    continue
                self.say(self._start_hold(step), "instruction", step=True)
                return
            if step.kind is StepKind.REST:
                self.outbox.set_timer(rest_seconds(state.pace))
                return
            if step.kind is StepKind.REP_DONE:
                self.record("rep_done", hold_seconds=self.hold_length(step), reps=step.reps, **self.position())
                state.holds_done.add(step.where)
                if step.ends_exercise:
                    self._exercise_done(step.where.exercise)
                state.cursor += 1
                continue
            if step.kind is StepKind.WAIT:
                if self.settings.wait_between_exercises:
                    state.mode = Mode.WAITING
                    self.say(prompts.waiting_prompt(self), "prompt")
                    return
                state.cursor += 1
                continue
            if step.kind is StepKind.FINISH:
                self.finish(completed=True)
                return

    def advance(self) -> None:
        self.state.cursor += 1
        self.run()

    def resume_plan(self, restart_rep: bool) -> None:
        """Go on with the plan after an interruption; ``restart_rep`` goes back to the repetition's first line."""
        self.state.cursor = resume_point(self.plan, self.state.cursor, restart_rep)
        self.run()

    def finish(self, completed: bool) -> None:
        self.silence()
        state = self.state
        seconds = self.now - (state.started_at or self.now)
        exercises = self.routine.exercises
        done = tally(self.plan, state, len(exercises))
        names = [exercise.name.lower() for exercise in exercises]
        lines = wording.summary(
            whole=done.whole_routine,
            reached_end=completed,
            done=[names[i] for i in done.done],
            count=len(exercises),
            with_earlier=done.resumed,
            partly=[(names[i], held, in_all) for i, held, in_all in done.partly],
            skipped=[names[i] for i in done.skipped],
            minutes=max(1, round(seconds / 60)),
            pain_reports=state.pain_reports,
            pain_in=[names[i] for i in done.pain_in],
            earlier_pain_in=[names[i] for i in done.earlier_pain_in],
            pain_advice=self.routine.safety.pain_advice,
        )
        lines += [self.routine.safety.consistency, wording.GOODBYE]
        self.record(
            "session_end",
            completed=completed,
            exercises_done=[exercises[i].id for i in state.done_exercises],
            exercises_done_with_earlier=[exercises[i].id for i in done.done],
            partly_done={exercises[i].id: [held, in_all] for i, held, in_all in done.partly},
            skipped=[exercises[i].id for i in done.skipped],
            pain_reports=state.pain_reports,
            duration_seconds=round(seconds, 1),
            **self.position(),
        )
        for line in lines:
            self.outbox.say_unawaited(Line(line, "summary"), self.rate)
        self.outbox.end_session(completed)
        state.mode = Mode.ENDED

    def _note_exercise_start(self) -> None:
        """Record the start of work in an exercise, once each time the coach goes to it."""
        if self.step.where.exercise != self.state.exercise_recorded:
            self.state.exercise_recorded = self.step.where.exercise
            self.record("exercise_start", **self.position())

    def _say_step(self, step: Step) -> None:
        """Say a line of the plan; a repetition asked for again is said in full, for all its lines."""
        text = step.text
        if step.rep_start:
            if self.state.full_instruction and step.full:
                text = step.full
                self.state.cursor = last_instruction_line(self.plan, self.state.cursor)
            self.state.full_instruction = False
        text = text.replace(wording.HOLD_SLOT, wording.seconds_text(self.hold_length(step)))
        self.say(text, step.kind_of_line, step=True)

    def _start_hold(self, step: Step) -> str:
        """Set up the hold's count and give its line.

        A set's first repetition, and a hold after any interruption, say how
        long; later ones just "Hold.". A hold that goes on after a change of
        pace says what is left of it.
        """
        hold = self.state.hold
        hold.counting = False
        carry_on, hold.carry_on = hold.carry_on, None
        if carry_on is not None:
            hold.seconds_left = carry_on
            hold.say_length = False
            return wording.hold_on(carry_on, started=carry_on < hold.length)
        hold.seconds_left = hold.length = self.hold_length(step)
        say_length = step.where.rep <= 1 or hold.say_length
        hold.say_length = False
        return wording.hold(hold.length, say_length)

    def hold_length(self, step: Step) -> int:
        """The seconds a hold step lasts at the level and pace now."""
        exercise = self.routine.exercises[step.where.exercise]
        hold = step.hold or (exercise.sets[step.where.set].hold if exercise.sets else None)
        return hold_seconds(hold, self.settings.level, self.state.pace) if hold is not None else 0

    def _exercise_done(self, exercise_index: int) -> None:
        """Its last repetition is done: the exercise counts as done, also if it was skipped before."""
        state = self.state
        if exercise_index in state.done_exercises:
            return
        if exercise_index in state.skipped_exercises:
            state.skipped_exercises.remove(exercise_index)
        state.done_exercises.append(exercise_index)
        self.record("exercise_done", **self.position(Where(exercise_index)))

    # The plan's clockwork (the table hands these events here).

    def line_ended(self, utterance_id: int) -> None:
        """A line was spoken to its end: the next queued line, or the plan's next move."""
        if not self.outbox.ended(utterance_id):
            return
        if self.state.speech.queued:
            self.say_queued()
            return
        if self.state.mode is not Mode.RUNNING:
            return
        if not self.state.speech.awaited_is_step:
            self.resume_plan(restart_rep=False)  # an aside interrupted the current step
        elif self.step.kind is StepKind.HOLD:
            self.state.hold.counting = True
            self._count_second()
        else:
            self.advance()

    def timer_fired(self, token: int) -> None:
        """The timer ran out: a second of the hold, or the end of a rest (a replaced timer is ignored)."""
        state = self.state
        if token != state.speech.timer_token:
            return
        hold = state.hold
        if self.step.kind is StepKind.HOLD and hold.counting:
            hold.seconds_left -= 1
            if hold.seconds_left <= 0:
                hold.counting = False
                self.advance()
                return
            self._count_second()
        elif self.step.kind is StepKind.REST:
            self.advance()

    def _count_second(self) -> None:
        """A second of the hold begins: a short hold says every second, a long one its halfway point and last five."""
        hold = self.state.hold
        left, length = hold.seconds_left, hold.length
        if length <= SHORT_HOLD or left <= LAST_COUNTED:
            self.outbox.say_unawaited(Line(str(left), "count"), self.rate)
        elif left == length - length // 2:
            self.outbox.say_unawaited(Line(wording.HALFWAY, "count"), self.rate)
        self.outbox.set_timer(1.0)
