"""Every sentence the coach composes, in one place to review and to translate.

The routine's own text (instructions, purposes, form checks, safety advice)
comes from the routine file; these are the coach's lines around it. Lines
with a slot are functions of plain values; the coach decides which line
fits the moment.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..routine import SIDE

# The coach asks for "let's begin", not "start": said with a British vowel,
# "start" and "stop" differ only in their last consonant, and a recognizer
# can hear one for the other. "start" still works.
READY_PROMPT = "When you're ready, say let's begin."

# ------------------------------------------------------------ welcome

HELLO = "Hello. I'm your back exercise coach."
HOW_TO_TALK = (
    "You can talk to me at any time. Say next, repeat, pause, or how do I check my form. "
    "If anything hurts, say it hurts, or stop, and I will stop at once."
)
WELCOME_BACK = "Welcome back."
HOW_TO_TALK_SHORT = "Say help at any time. If anything hurts, say it hurts, or stop, and I will stop at once."


def resume_offer(name: str, side: str | None, hurt_in: Sequence[str], next_exercise: bool) -> str:
    """The offer to continue an unfinished session, at exercise ``name``."""
    if hurt_in:
        opening = (
            f"Last time you reported pain during {_join(hurt_in)}, and stopped before the end. "
            "If you still feel it, please contact your spine professional before you exercise."
        )
    else:
        opening = "Last time you stopped before the end."
    if next_exercise:
        return f"{opening} Do you want to go on with the next exercise, {name}? Say yes or no."
    return f"{opening} Do you want to continue where you left off, at {name}{_on_side(side)}? Say yes or no."


def resume_accepted(name: str, next_exercise: bool) -> str:
    if next_exercise:
        return f"Okay, let's go on with {name}. Stop at once if anything hurts."
    return "Okay, let's continue where you left off."


RESUME_DECLINED = f"Okay, we'll start from the beginning. {READY_PROMPT}"

# ------------------------------------------------------------ the plan's lines


def exercise_title(number: int, count: int, name: str) -> str:
    return f"Exercise {number} of {count}: {name}."


FORM_INTRO = "Here's how to tell if you're doing it right."
HOLD_SLOT = "{hold}"  # filled by the coach with the hold's length at the user's pace


def set_announcement(reps: int, sides: bool) -> str:
    times = "once" if reps == 1 else f"{reps} times"
    each = " on each side, one side and then the other" if sides else ""
    return f"We'll do this {times}{each}, holding for {HOLD_SLOT} each time."


SIDE_PROMPT = f"Now the {SIDE} side."  # a change of side, unless the routine's lines name it


def hold(seconds: int, say_length: bool) -> str:
    return f"Hold for {seconds_text(seconds)}." if say_length else "Hold."


def hold_on(seconds: int, started: bool) -> str:
    """A hold going on after a change of pace: what is left of it."""
    return f"Hold for {seconds} more {'second' if seconds == 1 else 'seconds'}." if started else hold(seconds, True)


HALFWAY = "Halfway."  # said in a long hold, before its last seconds are counted


def rep_count(rep: int, reps: int, sides: bool) -> str:
    return f"That's {rep} of {reps}{' on each side' if sides else ''}."


def exercise_finished(name: str) -> str:
    return f"Well done. That's {name} finished."


def waiting_prompt(upcoming: str) -> str:
    return f"Next is {upcoming}. Take a moment, and say next when you're ready."


# ------------------------------------------------------------ the summary


def summary(
    *,
    whole: bool,
    reached_end: bool,
    done: Sequence[str],
    count: int,
    with_earlier: bool,
    partly: Sequence[tuple[str, int, int]],
    skipped: Sequence[str],
    minutes: int,
    pain_reports: int,
    pain_in: Sequence[str],
    earlier_pain_in: Sequence[str],
    pain_advice: str,
) -> list[str]:
    """What is said at the end, before the routine's own word on consistency and the goodbye.

    ``done`` are the exercises finished (with the earlier session's, when
    this one continued it: ``with_earlier``), ``partly`` (name, holds done,
    holds in all) those begun and not finished, ``skipped`` those left out.
    """
    if whole:
        lines = ["Well done. That's the whole routine."]
    else:
        lines = ["That's the end of the routine." if reached_end else "Okay, we'll end the session here."]
    if done:
        lead = "Counting last time, you've done" if with_earlier else "You did"
        lines.append(f"{lead} {len(done)} of {count} exercises: {_join(done)}.")
    if partly:
        parts = [f"{name}: {held} of {in_all} holds" for name, held, in_all in partly]
        lines.append(f"You did part of {'; and part of '.join(parts)}.")
    if skipped:
        lines.append(f"You skipped {_join(skipped)}.")
    if not done and not partly:
        lines.append("We did no exercises this time, and that's fine.")
    lines.append(f"{'This session' if with_earlier else 'That'} took about {_minutes_text(minutes)}.")
    if pain_reports:
        times = "once" if pain_reports == 1 else f"{pain_reports} times"
        during = f", during {_join(pain_in)}" if pain_in else ""
        lines.append(f"You reported pain {times}{during}.")
    if earlier_pain_in:
        lines.append(f"Last time you reported pain during {_join(earlier_pain_in)}.")
    if pain_reports or earlier_pain_in:
        lines.append(pain_advice)
    return lines


GOODBYE = "Take care."

# ------------------------------------------------------------ safety

ARE_YOU_IN_PAIN = "Are you in pain?"
STOPPED_ASK_PAIN = f"Stopped. {ARE_YOU_IN_PAIN} Say yes or no."
IS_ALL_WELL = "I heard something. Is everything all right? Say continue, or stop."
NO_PAIN = "Okay, no pain. Say continue when you're ready, or end to finish the session."
CARRY_ON_GENTLY = "Okay, let's carry on gently. Stop at once if it hurts again."
MICROPHONE_LOST = "I can't hear you any more, so I've paused. Type what you would say, or restart me when the microphone works."
SPEAKER_LOST = "The speaker stopped working, so I've paused. I'll show what I say as text. Say or type continue when you're ready."


def symptom_advice(symptoms: Sequence[str]) -> list[str]:
    """The advice for the symptoms a report named ("numbness", "dizziness", ...), each by its name."""
    lines = []
    others = [symptom for symptom in symptoms if symptom != "dizziness"]
    if others:
        needs = "needs" if len(others) == 1 else "need"
        names = _join(others)
        lines.append(f"{names[0].upper()}{names[1:]} {needs} a professional's attention. Please contact your spine professional immediately.")
    if "dizziness" in symptoms:
        lines.append(DIZZINESS_ADVICE)
    return lines


DIZZINESS_ADVICE = (
    "If you feel dizzy, faint or sick, stay lying down and keep still, and breathe slowly until it passes. "
    "If it does not pass, get help. Please contact your spine professional about it."
)


def another_day(next_exercise: bool) -> str:
    """After a symptom: how to go on another day."""
    if next_exercise:
        return "Another day, when your spine professional says it's fine, start me again, and I'll offer to go on with the next exercise."
    return "Another day, when your spine professional says it's fine, just start me again."


SHALL_I_END = "Shall I end the session now?"
END_OFFER = f"{SHALL_I_END} Say yes or no."
END_CHECK = f"{SHALL_I_END} Say yes to end it, or no to carry on."
REST_AFTER_SYMPTOM = "Okay. Rest as long as you need. I won't go on by myself. Say end when you want to finish the session."
HALTED_AFTER_SYMPTOM = "We've stopped because of your symptoms. Say end to finish the session."


def after_pain(choices: str) -> str:
    return f"Rest as long as you need. I won't go on by myself. When you're ready, {choices}"


def no_other_symptoms(after: str) -> str:
    return f"Okay, no other symptoms. {after}"


def stopped_again_after_pain(choices: str) -> str:
    return f"I've stopped. Rest as long as you need. When you're ready, {choices}"


# What can be said after pain: only what exists at that moment.
PAIN_CHOICES_AFTER_SYMPTOM = "say end to finish the session."
PAIN_CHOICES_BEFORE_START = "say resume, or end to finish the session."
PAIN_CHOICES_IN_LAST_EXERCISE = "say resume to carry on gently, or end to finish the session."
PAIN_CHOICES = "say resume to carry on gently, skip to move to the next exercise, or end to finish the session."


def pain_choices_between_exercises(upcoming: str) -> str:
    return f"say resume, skip to leave out {upcoming}, or end to finish the session."


def halted_by_pain(choices: str) -> str:
    return f"We've stopped because of pain. {choices[0].upper()}{choices[1:]}"


HALTED = "We're stopped. Say continue when you're ready, or end to finish."

# ------------------------------------------------------------ moving through the routine

PAUSED = "Paused. Say continue when you're ready."
CONTINUING = "Continuing."
ALREADY_STARTED = "We've already started. Say skip for the next exercise, or end to finish."
ALREADY_WAITING = "I'm waiting for you anyway. Take your time, and say next when you're ready."
ALREADY_GOING = "We're going. Say pause if you need a moment."


def not_started(prompt: str) -> str:
    return f"We haven't started yet. {prompt}"


def skipping(name: str) -> str:
    return f"Skipping {name}."


def going_back(name: str, first: bool) -> str:
    return f"This is the first exercise. Starting {name} again." if first else f"Going back to {name}."


# ------------------------------------------------------------ questions and help

WHY_THE_ROUTINE = "These five exercises stretch and strengthen your low back, abdomen and legs, to help relieve back pain and prevent it."


def why_this(name: str, purpose: str) -> str:
    return f"{name}: {purpose}"


def form_check(name: str, form: Sequence[str], upcoming: bool) -> list[str]:
    """The exercise's own form check, led by its name (and that it comes next, between exercises)."""
    lead = "For the next exercise, " if upcoming else ""
    return [f"{lead}{name}. {form[0]}", *form[1:]]


def form_before_start(prompt: str) -> str:
    return f"Once we've started, ask how do I check my form during any exercise. {prompt}"


def status_before_start(count: int, prompt: str) -> str:
    return f"We haven't started. There are {count} exercises. {prompt}"


def status_between_exercises(done: int, count: int, upcoming: str) -> str:
    return f"You've done {done} of {count} exercises. Next is {upcoming}."


def status_in_exercise(name: str, number: int, count: int, rep: int, reps: int, side: str | None, following: str | None) -> str:
    """Where the user is: the exercise, the repetition if one is under way, and what comes after."""
    parts = [f"This is {name}, exercise {number} of {count}."]
    if rep:
        parts.append(f"Repetition {rep} of {reps}{_on_side(side)}.")
    parts.append(f"After this comes {following}." if following else "It's the last one.")
    return " ".join(parts)


def pace_changed(faster: bool) -> str:
    return f"Okay, I'll go {'faster' if faster else 'slower'}."


def pace_at_limit(faster: bool) -> str:
    return f"This is already the {'fastest' if faster else 'slowest'} pace."


HELP_IN_PAIN_QUESTION = "Are you in pain? Say yes or no."
HELP_END_OFFER = f"After those symptoms, it's best to stop for today. {END_OFFER}"
HELP_RESUME_OFFER = "Say yes to continue where you left off, or no to start from the beginning."
HELP_ALL_WELL = "Say continue if all is well, or stop."
HELP_READY = "Say let's begin to start the first exercise. You can also ask why, or say end to finish."
HELP_WAITING = "Say next to begin the next exercise, skip to leave it out, previous to do the last one again, or end to finish."
HELP_RUNNING = (
    "You can say next, repeat, pause, skip, slower, faster, how many left, why, "
    "or how do I check my form. Say stop or it hurts at any time."
)


def help_symptom_question(question: str) -> str:
    return f"{question} Say yes or no."


def okay_then(help_line: str) -> str:
    return f"Okay. {help_line}"


def cannot_do_here(help_line: str) -> str:
    return f"Sorry, I can't do that here. {help_line}"


def did_not_catch(help_line: str) -> str:
    # Not "Sorry, I didn't catch that": that is a Repeat sentence, and the coach hears itself.
    return f"I couldn't make out those words. {help_line}"


# ------------------------------------------------------------ small pieces


def _join(names: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _on_side(side: str | None) -> str:
    return f", {side} side" if side else ""


def seconds_text(seconds: int) -> str:
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def _minutes_text(minutes: int) -> str:
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
