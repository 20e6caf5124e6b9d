"""Answers to the coach's own questions: yes, no, and "I'm okay".

The open question (:class:`~voiceguide.coach.state.Question`) says what an
answer means; with no question open, yes and okay move on like "next".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..events import Heard
from . import moving, prompts, safety, wording
from .plan import exercise_start, opening_lines
from .state import Mode, Question

if TYPE_CHECKING:
    from .core import Coach


def on_yes(coach: Coach, event: Heard) -> None:
    state = coach.state
    question, state.question = state.question, None
    if question is Question.IN_PAIN:
        safety.on_pain(coach, event, answer=(wording.ARE_YOU_IN_PAIN, event.text))
    elif question is Question.SYMPTOMS:
        safety.on_symptom_answer(coach, event)
    elif question is Question.END_OFFER:
        coach.record("quit", answer=event.text, question=wording.SHALL_I_END, **coach.position())
        coach.finish(completed=False)
    elif question is Question.ALL_RIGHT:
        moving.carry_on(coach)
    elif question is Question.RESUME_OFFER:
        _accept_resume_offer(coach)
    elif state.mode in (Mode.READY, Mode.WAITING):
        moving.on_next(coach, event)
    else:
        state.question = question
        coach.hint(wording.okay_then(prompts.help_line(coach)))


def on_no(coach: Coach, event: Heard) -> None:
    state = coach.state
    question, state.question = state.question, None
    if question in QUESTIONS_ASKED:
        coach.record("answer", answer=event.text, question=QUESTIONS_ASKED[question](coach))
    if question is Question.IN_PAIN:
        coach.say(wording.NO_PAIN, "prompt")
    elif question is Question.SYMPTOMS:
        coach.say(wording.no_other_symptoms(prompts.after_pain(coach)), "prompt")
    elif question is Question.ALL_RIGHT:
        safety.on_pain(coach, event)
    elif question is Question.END_OFFER:
        coach.say(wording.REST_AFTER_SYMPTOM, "prompt")
    elif question is Question.RESUME_OFFER:
        coach.record("resume_declined")
        coach.say(wording.RESUME_DECLINED, "prompt")
    else:
        state.question = question
        coach.hint(wording.okay_then(prompts.help_line(coach)))


# The safety questions whose answers are written down, as the coach asked them.
QUESTIONS_ASKED: dict[Question, Callable[[Coach], str]] = {
    Question.IN_PAIN: lambda coach: wording.ARE_YOU_IN_PAIN,
    Question.SYMPTOMS: lambda coach: coach.routine.safety.symptom_question,
    Question.END_OFFER: lambda coach: wording.SHALL_I_END,
}


def on_okay(coach: Coach, event: Heard) -> None:
    """ "I'm okay": a no to "are you in pain?", a yes to "is all well?"."""
    state = coach.state
    if state.question in (Question.IN_PAIN, Question.SYMPTOMS):
        on_no(coach, event)
    elif state.question is not None or state.mode in (Mode.READY, Mode.WAITING):
        on_yes(coach, event)
    elif state.mode is Mode.HALTED:
        coach.hint(prompts.halted_hint(coach))
    # While an exercise runs, "okay" is an acknowledgement, not a command.


def _accept_resume_offer(coach: Coach) -> None:
    """Start where the unfinished session left off: the exercise's name and set-up, then its repetition in full."""
    offer, start = coach.resume_offer, coach.resume_start
    assert offer is not None and start is not None
    where = coach.plan[start].where
    exercises = coach.routine.exercises
    carried = {
        "done": [exercises[i].id for i in offer.exercises_done],
        "skipped": [exercises[i].id for i in offer.exercises_skipped],
        "pain_in": [exercises[i].id for i in offer.pain_in],
        "holds": [[exercises[h.exercise].id, h.set, h.rep, h.side] for h in offer.holds],
    }
    coach.record("resume", offered=True, carried=carried, **coach.position(where))
    coach.state.resumed = offer
    coach.silence()
    coach.queue(wording.resume_accepted(coach.routine.exercises[where.exercise].name.lower(), offer.next_exercise))
    if start != exercise_start(coach.plan, where.exercise):
        for step in opening_lines(coach.plan, where.exercise):
            coach.queue(step.text, step.kind_of_line)
    coach.state.full_instruction = True
    coach.start_at(start)
