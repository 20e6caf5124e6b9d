"""Answers to the coach's own questions that are not a safety report (those are in :mod:`.safety`).

The table (:mod:`.table`) picks the handler by the question open
(:class:`~voiceguide.coach.state.Question`) and closes the question first.
"""

from __future__ import annotations

from ..events import Heard
from . import navigation, prompts, wording
from .dialogue import Dialogue
from .plan import exercise_start, opening_lines
from .state import Halt


def not_in_pain(coach: Dialogue, event: Heard) -> None:
    """A no to "are you in pain?"."""
    _write_down(coach, event, wording.ARE_YOU_IN_PAIN)
    coach.say(wording.NO_PAIN, "prompt")


def no_other_symptoms(coach: Dialogue, event: Heard) -> None:
    """A no to "do you also feel any weakness, tingling or numbness?"."""
    _write_down(coach, event, coach.routine.safety.symptom_question)
    coach.say(wording.no_other_symptoms(prompts.after_pain(coach)), "prompt")


def end_as_offered(coach: Dialogue, event: Heard) -> None:
    """A yes to "shall I end the session?"."""
    coach.record("quit", answer=event.text, question=wording.SHALL_I_END, **coach.position())
    coach.finish(completed=False)


def rest_instead(coach: Dialogue, event: Heard) -> None:
    """A no to "shall I end the session?"."""
    _write_down(coach, event, wording.SHALL_I_END)
    coach.say(wording.REST_AFTER_SYMPTOM, "prompt")


def carry_on_instead(coach: Dialogue, event: Heard) -> None:
    """A no to "shall I end the session?" asked after an end said beside other talk: on as before it."""
    _write_down(coach, event, wording.SHALL_I_END)
    if coach.state.halt is Halt.UNCLEAR:  # halted to ask: go on where the session was
        navigation.carry_on(coach, event)
    else:  # halted before, by a stop or pain: it stays halted
        coach.hint(prompts.halted_hint(coach))


def _write_down(coach: Dialogue, event: Heard, question: str) -> None:
    """The answer to a safety question, written down with the question as the coach asked it."""
    coach.record("answer", answer=event.text, question=question)


def decline_resume_offer(coach: Dialogue, event: Heard) -> None:
    coach.record("resume_declined")
    coach.say(wording.RESUME_DECLINED, "prompt")


def accept_resume_offer(coach: Dialogue, event: Heard) -> None:
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
