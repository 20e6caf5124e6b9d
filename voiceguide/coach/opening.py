"""How a session opens: the welcome, the doctor's-approval disclaimer, and the offer to continue."""

from __future__ import annotations

from ..events import Begin
from . import wording
from .dialogue import Dialogue
from .state import Line, Question


def begin(coach: Dialogue, event: Begin) -> None:
    """The welcome, then either the offer to continue an unfinished session or the prompt to begin."""
    coach.state.started_at = coach.now
    coach.record("session_start", routine=coach.routine.name)
    for line in _welcome_lines(coach):
        coach.queue(line.text, line.kind)
    if coach.resume_offer is not None:
        coach.state.question = Question.RESUME_OFFER
        coach.queue(_resume_offer_line(coach), "prompt")
    else:
        coach.queue(wording.READY_PROMPT, "prompt")
    coach.say_queued()


def _welcome_lines(coach: Dialogue) -> list[Line]:
    """The disclaimer every session; how to talk to the coach in full only the first time."""
    safety = coach.routine.safety
    if coach.returning:
        return [Line(wording.WELCOME_BACK), Line(safety.disclaimer, "safety"), Line(wording.HOW_TO_TALK_SHORT)]
    return [Line(wording.HELLO), Line(safety.disclaimer, "safety"), Line(safety.do_not_push, "safety"), Line(wording.HOW_TO_TALK)]


def _resume_offer_line(coach: Dialogue) -> str:
    """The offer says when pain was reported; after a skipped or painful exercise it offers the next one."""
    offer, start = coach.resume_offer, coach.resume_start
    assert offer is not None and start is not None
    where = coach.plan[start].where
    names = [exercise.name.lower() for exercise in coach.routine.exercises]
    return wording.resume_offer(names[where.exercise], where.side, [names[i] for i in offer.pain_in], offer.next_exercise)
