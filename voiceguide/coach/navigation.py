"""Navigation through the routine: begin, next, previous, repeat, pause, continue and skip.

Which of these runs in which state is the table's call (:mod:`.table`);
each handler does one thing.
"""

from __future__ import annotations

from ..events import Heard
from . import prompts, wording
from .dialogue import Dialogue
from .plan import exercise_start
from .state import Halt, Mode


def begin_routine(coach: Dialogue, event: Heard) -> None:
    """From the first exercise (also the answer to a resume offer: from the beginning)."""
    coach.silence()
    coach.start_at(0)


def next_exercise(coach: Dialogue, event: Heard) -> None:
    """Between exercises: the one that waits begins."""
    coach.silence()
    coach.start_at(coach.state.cursor + 1)


def next_step(coach: Dialogue, event: Heard) -> None:
    """During an exercise: on to the plan's next step."""
    coach.silence()
    coach.advance()


def go_back(coach: Dialogue, event: Heard) -> None:
    """Back to the start of the previous exercise (of this one, in the first); an exercise done stays done."""
    current = coach.step.where.exercise
    target = max(0, current - 1)
    first = coach.state.mode is Mode.RUNNING and current == 0
    coach.silence()
    coach.queue(wording.going_back(coach.routine.exercises[target].name.lower(), first))
    coach.start_at(exercise_start(coach.plan, target))


def repeat_repetition(coach: Dialogue, event: Heard) -> None:
    """The instruction again, in full: this repetition's if it is under way, else the next one's.

    A finished repetition is not done (or counted) again.
    """
    coach.silence()
    coach.state.full_instruction = True
    coach.resume_plan(restart_rep=True)


def repeat_what_is_next(coach: Dialogue, event: Heard) -> None:
    """Between exercises: what comes next (not an answer given since)."""
    coach.silence()
    coach.say(prompts.waiting_prompt(coach), "prompt")


def say_again(coach: Dialogue, event: Heard) -> None:
    """The last line said (what can be said now, when nothing was)."""
    last = coach.state.speech.last_said
    coach.silence()
    coach.say(last.text or prompts.help_line(coach), last.kind)


def pause(coach: Dialogue, event: Heard) -> None:
    coach.halt_for(Halt.PAUSE)
    coach.record("pause", **event.words(), **coach.position())
    coach.say(wording.PAUSED, "prompt")


def leave_halt(coach: Dialogue) -> Halt | None:
    """Back to the mode the halt interrupted, as the user asked; returns why it had halted."""
    state = coach.state
    halt = state.halt
    coach.silence()
    coach.record("resume", after=halt.value if halt else None, **coach.position())
    state.needs_professional = False  # asked for: the user goes on
    state.halt = None
    state.question = None
    state.mode = state.halted_from
    return halt


def carry_on(coach: Dialogue, event: Heard) -> None:
    """Leave a halt: back to the exercise (after pain, its repetition again in full) or to the wait before it."""
    state = coach.state
    after_pain = leave_halt(coach) is Halt.PAIN
    if after_pain:
        coach.queue(wording.CARRY_ON_GENTLY, "safety")
    else:
        coach.queue(wording.CONTINUING)
    if state.mode is Mode.RUNNING:
        state.full_instruction = after_pain
        coach.resume_plan(restart_rep=after_pain)
        return
    coach.queue(prompts.waiting_prompt(coach) if state.mode is Mode.WAITING else wording.READY_PROMPT, "prompt")
    coach.say_queued()


def skip(coach: Dialogue, event: Heard) -> None:
    """Leave out the exercise under way (or the one to come, between exercises)."""
    state = coach.state
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
