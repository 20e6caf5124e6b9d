"""Safety first: "stop", pain, symptoms and ending, which act in every state; unclear speech; a lost device.

Each cuts speech and halts timers at once, and nothing goes on by itself
afterwards: after pain only the user's "resume" or "skip" does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..events import DeviceLost, Heard, Unclear
from . import prompts, wording
from .state import Halt, Mode, Question

if TYPE_CHECKING:
    from .core import Coach


def on_stop(coach: Coach, event: Heard) -> None:
    """Halt and ask whether it hurts; "stop" again after pain only says what can be said."""
    if coach.state.mode is Mode.HALTED and coach.state.halt is Halt.PAIN:
        coach.silence()
        coach.say(wording.stopped_again_after_pain(prompts.pain_choices(coach)), "safety")
        return
    coach.halt_for(Halt.STOP)
    coach.record("stop", words=event.text, **coach.position())
    coach.state.question = Question.IN_PAIN
    coach.say(wording.STOPPED_ASK_PAIN, "safety")


def on_pain(coach: Coach, event: Heard) -> None:
    """Halt, give the routine's advice, and ask about other symptoms."""
    safety = coach.routine.safety
    _report(coach, event, "pain")
    coach.state.question = Question.SYMPTOMS
    coach.queue(safety.pain_advice, "safety")
    coach.queue(safety.symptom_question, "prompt")
    coach.say_queued()


def on_symptom(coach: Coach, event: Heard) -> None:
    """Weakness, tingling, numbness: like pain, with the advice to see a professional."""
    _report(coach, event, "symptom")
    coach.state.question = None
    coach.queue(coach.routine.safety.symptom_advice, "safety")
    coach.queue(prompts.after_pain(coach), "prompt")
    coach.say_queued()


def _report(coach: Coach, event: Heard, kind: str) -> None:
    """Halt for pain, count and record it, and queue the routine's word to stop."""
    coach.halt_for(Halt.PAIN)
    coach.state.pain_reports += 1
    coach.record(kind, words=event.text, **coach.report_position())
    coach.queue(coach.routine.safety.pain_stop, "safety")


def on_quit(coach: Coach, event: Heard) -> None:
    coach.record("quit", words=event.text, **coach.position())
    coach.finish(completed=False)


def on_unclear(coach: Coach, event: Unclear) -> None:
    """Speech no intent matches: during an exercise the count pauses and the coach asks if all is well."""
    if coach.state.mode is Mode.RUNNING and coach.settings.pause_on_unclear:
        coach.halt_for(Halt.UNCLEAR)
        coach.record("unclear", words=event.text, **coach.position())
        coach.state.question = Question.ALL_RIGHT
        coach.say(wording.IS_ALL_WELL, "safety")
    elif coach.state.mode is not Mode.RUNNING and not coach.state.unclear_answered:
        # Once until the user is understood: the coach never answers its own reply, heard back, in a loop.
        coach.state.unclear_answered = True
        coach.say(wording.did_not_catch(prompts.help_line(coach)), "hint")


def on_device_lost(coach: Coach, event: DeviceLost) -> None:
    """Without a microphone the user cannot say stop: never go on counting."""
    coach.record("device_lost", what=event.what, reason=event.reason, **coach.position())
    if coach.state.mode is Mode.RUNNING:
        coach.halt_for(Halt.PAUSE)
    else:
        coach.silence()
    coach.say(wording.MICROPHONE_LOST if event.what == "microphone" else wording.SPEAKER_LOST, "safety")
