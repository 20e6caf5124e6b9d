"""What the coach tells the user they can say now: the prompt that fits the state, and the hints built on it."""

from __future__ import annotations

from . import wording
from .dialogue import Dialogue
from .state import Halt, Mode, Question


def help_line(coach: Dialogue) -> str:
    """What can be said now: the answers to an open question, else the commands that fit the mode."""
    question, mode = coach.state.question, coach.state.mode
    if question is Question.IN_PAIN:
        return wording.HELP_IN_PAIN_QUESTION
    if question is Question.SYMPTOMS:
        return wording.help_symptom_question(coach.routine.safety.symptom_question)
    if question is Question.RESUME_OFFER:
        return wording.HELP_RESUME_OFFER
    if question is Question.ALL_RIGHT:
        return wording.HELP_ALL_WELL
    if question is Question.END_OFFER:
        return wording.HELP_END_OFFER
    if question is Question.END_CHECK:
        return wording.END_CHECK
    if mode is Mode.READY:
        return wording.HELP_READY
    if mode is Mode.WAITING:
        return wording.HELP_WAITING
    if mode is Mode.HALTED:
        return halted_hint(coach)
    return wording.HELP_RUNNING


def halted_hint(coach: Dialogue) -> str:
    if coach.state.question is Question.END_OFFER:
        return wording.HELP_END_OFFER
    if coach.state.question is Question.END_CHECK:
        return wording.END_CHECK
    if coach.state.needs_professional:
        return wording.HALTED_AFTER_SYMPTOM
    if coach.state.halt is Halt.PAIN:
        return wording.halted_by_pain(pain_choices(coach))
    return wording.HALTED


def not_started_prompt(coach: Dialogue) -> str:
    return halted_hint(coach) if coach.state.mode is Mode.HALTED else wording.READY_PROMPT


def waiting_prompt(coach: Dialogue) -> str:
    """Between exercises: what comes next, and the word that starts it."""
    return wording.waiting_prompt(coach.exercise.name.lower())


def after_pain(coach: Dialogue) -> str:
    return wording.after_pain(pain_choices(coach))


def next_exercise_left(coach: Dialogue) -> bool:
    """An exercise comes after the one under way (or after the wait between exercises)."""
    state = coach.state
    if not state.started:
        return False
    return state.halted_from is Mode.WAITING or coach.step.where.exercise + 1 < len(coach.routine.exercises)


def pain_choices(coach: Dialogue) -> str:
    """What can be said after pain, offering only what exists here (no "skip" before the first exercise).

    After a symptom that needs a professional, only ending is offered.
    """
    if coach.state.needs_professional:
        return wording.PAIN_CHOICES_AFTER_SYMPTOM
    if not coach.state.started:
        return wording.PAIN_CHOICES_BEFORE_START
    if coach.state.halted_from is Mode.WAITING:
        return wording.pain_choices_between_exercises(coach.exercise.name.lower())
    if coach.step.where.exercise + 1 >= len(coach.routine.exercises):
        return wording.PAIN_CHOICES_IN_LAST_EXERCISE
    return wording.PAIN_CHOICES


# The hints the table gives when a command does not fit (each says what does).


def not_started(coach: Dialogue) -> str:
    return wording.not_started(not_started_prompt(coach))


def form_before_start(coach: Dialogue) -> str:
    return wording.form_before_start(not_started_prompt(coach))


def okay_then(coach: Dialogue) -> str:
    """A yes or a no with no question open."""
    return wording.okay_then(help_line(coach))


def cannot_do_here(coach: Dialogue) -> str:
    return wording.cannot_do_here(help_line(coach))


def did_not_catch(coach: Dialogue) -> str:
    return wording.did_not_catch(help_line(coach))
