"""Safety first: "stop", pain, symptoms and ending, which act in every state; unclear speech; a lost device.

Each cuts speech and halts timers at once, and nothing goes on by itself
afterwards: after pain only the user's "resume" or "skip" does.
"""

from __future__ import annotations

from ..events import DeviceLost, Heard, Unclear
from . import prompts, wording
from .dialogue import Dialogue
from .state import Halt, Mode, Question
from .symptoms import Symptom, symptoms_named


def stop(coach: Dialogue, event: Heard) -> None:
    """Halt and ask whether it hurts."""
    coach.halt_for(Halt.STOP)
    coach.record("stop", **event.words(), **coach.position())
    coach.state.question = Question.IN_PAIN
    coach.say(wording.STOPPED_ASK_PAIN, "safety")


def stop_after_pain(coach: Dialogue, event: Heard) -> None:
    """Already halted for pain: "stop" only says what can be said."""
    coach.silence()
    coach.say(wording.stopped_again_after_pain(prompts.pain_choices(coach)), "safety")


def report_pain(coach: Dialogue, event: Heard, answer: tuple[str, str] | None = None) -> None:
    """Halt, give the routine's advice, and ask about other symptoms.

    ``answer`` is (question, answer) when the report is a yes to "are you in
    pain?": it is written down as an answer, not as the words of a report.
    """
    safety = coach.routine.safety
    _report(coach, event, "pain", answer)
    coach.state.question = Question.SYMPTOMS
    coach.queue(safety.pain_advice, "safety")
    coach.queue(safety.symptom_question, "prompt")
    coach.say_queued()


def in_pain(coach: Dialogue, event: Heard) -> None:
    """A yes to "are you in pain?"."""
    report_pain(coach, event, answer=(wording.ARE_YOU_IN_PAIN, event.text))


def report_symptom(coach: Dialogue, event: Heard) -> None:
    """Weakness, tingling, numbness, dizziness: like pain, with advice that names it, and the offer to end."""
    named = symptoms_named(event.text)
    _report(coach, event, "symptom", symptoms=[symptom.value for symptom in named])
    _symptom_advice(coach, named)


def has_symptoms(coach: Dialogue, event: Heard) -> None:
    """A yes to "do you also feel any weakness, tingling or numbness?": a symptom report, written down as the answer."""
    coach.silence()
    coach.record("symptom", answer=event.text, question=coach.routine.safety.symptom_question, **coach.report_position())
    _symptom_advice(coach, ())


def _symptom_advice(coach: Dialogue, named: tuple[Symptom, ...]) -> None:
    """The advice for the symptoms named (the routine's own when none is), then the offer to end.

    A symptom needs a professional: the coach never invites carrying on in
    the same breath. Only an explicit "resume" (or "skip") goes on.
    """
    coach.state.needs_professional = True
    coach.state.question = Question.END_OFFER
    for line in wording.symptom_advice([symptom.value for symptom in named]) or [coach.routine.safety.symptom_advice]:
        coach.queue(line, "safety")
    coach.queue(wording.another_day(prompts.next_exercise_left(coach)), "safety")
    coach.queue(wording.END_OFFER, "prompt")
    coach.say_queued()


def _report(coach: Dialogue, event: Heard, kind: str, answer: tuple[str, str] | None = None, **data: object) -> None:
    """Halt for pain, count and record it (the words said, or the question answered), and queue the routine's word to stop."""
    coach.halt_for(Halt.PAIN)
    coach.state.pain_reports += 1
    said = {"question": answer[0], "answer": answer[1]} if answer else event.words()
    where = coach.report_position()
    if isinstance(exercise := where.get("exercise_index"), int):
        coach.state.pain_in.append(exercise)
    coach.record(kind, **said, **data, **where)
    coach.queue(coach.routine.safety.pain_stop, "safety")


def quit_session(coach: Dialogue, event: Heard) -> None:
    """End the session; asked first when the end was said beside other talk, which may not be for the coach."""
    if event.confirm:
        if coach.state.mode is not Mode.HALTED:  # a halt after pain or a stop stays what it is
            coach.halt_for(Halt.UNCLEAR)
        coach.record("end_asked", **event.words(), **coach.position())
        coach.state.question = Question.END_CHECK
        coach.say(wording.END_CHECK, "prompt")
        return
    coach.record("quit", **event.words(), **coach.position())
    coach.finish(completed=False)


def check_on_user(coach: Dialogue, event: Unclear) -> None:
    """Speech no intent matches during an exercise: the count pauses and the coach asks if all is well."""
    coach.halt_for(Halt.UNCLEAR)
    coach.record("unclear", **event.words(), **coach.position())
    coach.state.question = Question.ALL_RIGHT
    coach.say(wording.IS_ALL_WELL, "safety")


def did_not_catch(coach: Dialogue, event: Unclear) -> None:
    """Speech no intent matches, outside an exercise: said once until the user is understood.

    The coach never answers its own reply, heard back, in a loop.
    """
    coach.state.unclear_answered = True
    coach.say(prompts.did_not_catch(coach), "hint")


def device_lost(coach: Dialogue, event: DeviceLost) -> None:
    """Without a microphone the user cannot say stop: never go on counting."""
    coach.record("device_lost", what=event.what, reason=event.reason, **coach.position())
    if coach.state.mode is Mode.RUNNING:
        coach.halt_for(Halt.PAUSE)
    else:
        coach.silence()
    coach.say(wording.MICROPHONE_LOST if event.what == "microphone" else wording.SPEAKER_LOST, "safety")
