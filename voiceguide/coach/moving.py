"""Moving through the routine: start, next, skip, previous, repeat, pause and continue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..events import Heard
from . import prompts, wording
from .plan import exercise_start
from .state import Halt, Mode

if TYPE_CHECKING:
    from .core import Coach


def on_start(coach: Coach, event: Heard) -> None:
    mode = coach.state.mode
    if mode is Mode.READY:
        coach.state.question = None  # "start" also answers a resume offer: from the beginning
        coach.silence()
        coach.start_at(0)
    elif mode is Mode.WAITING:
        on_next(coach, event)
    elif mode is Mode.HALTED:
        coach.hint(prompts.halted_hint(coach))
    else:
        coach.hint(wording.ALREADY_STARTED)


def on_next(coach: Coach, event: Heard) -> None:
    mode = coach.state.mode
    if mode is Mode.READY:
        on_start(coach, event)
    elif mode is Mode.WAITING:
        coach.silence()
        coach.start_at(coach.state.cursor + 1)
    elif mode is Mode.RUNNING:
        coach.silence()
        coach.advance()
    else:
        coach.hint(prompts.halted_hint(coach))


def on_skip(coach: Coach, event: Heard) -> None:
    """Leave out the exercise under way (or the one to come, between exercises)."""
    state = coach.state
    if not state.started:
        coach.hint(wording.not_started(prompts.not_started_prompt(coach)))
        return
    skipped = coach.step.where.exercise
    coach.record("exercise_skipped", **event.words(), **coach.position())
    if skipped not in state.done_exercises and skipped not in state.skipped_exercises:
        state.skipped_exercises.append(skipped)
    name = coach.routine.exercises[skipped].name.lower()
    coach.silence()
    state.halt = None
    state.question = None
    state.needs_professional = False
    following = skipped + 1
    if following >= len(coach.routine.exercises):
        coach.finish(completed=False)
        return
    if not coach.settings.wait_between_exercises:
        coach.queue(wording.skipping(name))
        coach.start_at(exercise_start(coach.plan, following))
        return
    # Like the end of an exercise: the next one waits for the user's word.
    state.mode = Mode.WAITING
    state.cursor = exercise_start(coach.plan, following) - 1  # the WAIT step before it
    coach.say(f"{wording.skipping(name)} {prompts.waiting_prompt(coach)}", "prompt")


def on_previous(coach: Coach, event: Heard) -> None:
    """Back to the start of the previous exercise (of this one, in the first); an exercise done stays done."""
    mode = coach.state.mode
    if mode is Mode.READY:
        coach.hint(wording.not_started(wording.READY_PROMPT))
        return
    if mode is Mode.HALTED:
        coach.hint(prompts.halted_hint(coach))
        return
    current = coach.step.where.exercise
    target = max(0, current - 1)
    first = mode is Mode.RUNNING and current == 0
    coach.silence()
    coach.queue(wording.going_back(coach.routine.exercises[target].name.lower(), first))
    coach.start_at(exercise_start(coach.plan, target))


def on_repeat(coach: Coach, event: Heard) -> None:
    """The instruction again, in full: this repetition's if it is under way, else the next one's.

    A finished repetition is not done (or counted) again. Between
    exercises, what comes next is said again (not an answer given since);
    elsewhere, the last line said.
    """
    if coach.state.mode is Mode.RUNNING:
        coach.silence()
        coach.state.full_instruction = True
        coach.resume_plan(restart_rep=True)
    elif coach.state.mode is Mode.WAITING:
        coach.silence()
        coach.say(prompts.waiting_prompt(coach), "prompt")
    else:
        last = coach.outbox.last_said
        coach.silence()
        coach.say(last.text or prompts.help_line(coach), last.kind)


def on_pause(coach: Coach, event: Heard) -> None:
    mode = coach.state.mode
    if mode is Mode.RUNNING:
        coach.halt_for(Halt.PAUSE)
        coach.record("pause", **event.words(), **coach.position())
        coach.say(wording.PAUSED, "prompt")
    elif mode is Mode.HALTED:
        coach.hint(prompts.halted_hint(coach))
    else:
        coach.hint(wording.ALREADY_WAITING)


def on_resume(coach: Coach, event: Heard) -> None:
    mode = coach.state.mode
    if mode is Mode.HALTED:
        carry_on(coach)
    elif mode in (Mode.WAITING, Mode.READY):
        on_next(coach, event)
    else:
        coach.hint(wording.ALREADY_GOING)


def carry_on(coach: Coach) -> None:
    """Leave a halt: back to the exercise (after pain, its repetition again in full) or to the wait before it."""
    state = coach.state
    halt = state.halt
    coach.silence()
    coach.record("resume", after=halt.value if halt else None, **coach.position())
    after_pain = halt is Halt.PAIN
    state.needs_professional = False  # asked for: the user goes on
    if after_pain:
        coach.queue(wording.CARRY_ON_GENTLY, "safety")
    else:
        coach.queue(wording.CONTINUING)
    state.halt = None
    state.question = None
    state.mode = state.halted_from
    if state.mode is Mode.RUNNING:
        state.full_instruction = after_pain
        coach.resume_plan(restart_rep=after_pain)
        return
    coach.queue(prompts.waiting_prompt(coach) if state.mode is Mode.WAITING else wording.READY_PROMPT, "prompt")
    coach.say_queued()
