"""What the coach does when the user says X in state Y: one table, read top to bottom.

Each intent (and each other event) has rows of (mode, question open,
handler, only if); the first row that fits the coach's state runs.
``ANY`` fits every mode, or every question (open or none); ``None`` in the
question column is "no question open". Shared rows:

- :data:`FIRST`, before every trigger's own rows: an ended session hears nothing;
- :data:`OTHERWISE`, after an intent's own rows: halted, a command that does
  not fit gets the halted hint (a short hint, never silence).

A row that names a question answers it: the question is closed before its
handler runs. Every (mode, question) of every trigger must have a row that
fits without an "only if", else importing this module fails: nothing the
user says goes unanswered. The README's "What you can say" is this table in
words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..events import Begin, DeviceLost, Event, Heard, SpeechDone, TimerFired, Unclear
from ..intents import Intent
from . import answers, navigation, opening, prompts, safety, user_questions, wording
from .dialogue import Dialogue
from .rows import ANY, Row, complete, hint, ignore
from .state import Halt, Mode, Question

READY, RUNNING, WAITING, HALTED, ENDED = Mode.READY, Mode.RUNNING, Mode.WAITING, Mode.HALTED, Mode.ENDED
IN_PAIN, SYMPTOMS, ALL_RIGHT = Question.IN_PAIN, Question.SYMPTOMS, Question.ALL_RIGHT
RESUME_OFFER, END_OFFER, END_CHECK = Question.RESUME_OFFER, Question.END_OFFER, Question.END_CHECK


# ------------------------------------------------ "only if", and the plan's clockwork


def not_started(coach: Dialogue) -> bool:
    return not coach.state.started


def after_pain(coach: Dialogue) -> bool:
    return coach.state.halt is Halt.PAIN


def halted_by_the_user(coach: Dialogue) -> bool:
    """Paused or stopped, or checking on the user; not after pain or a symptom, and no safety or end question open."""
    state = coach.state
    return (
        state.halt in (Halt.PAUSE, Halt.STOP, Halt.UNCLEAR)
        and state.question in (None, ALL_RIGHT)
        and not state.needs_professional
    )


def pausing_on_unclear(coach: Dialogue) -> bool:
    return coach.settings.pause_on_unclear


def unclear_unanswered(coach: Dialogue) -> bool:
    return not coach.state.unclear_answered


def line_ended(coach: Dialogue, event: SpeechDone) -> None:
    coach.line_ended(event.utterance_id)


def timer_fired(coach: Dialogue, event: TimerFired) -> None:
    coach.timer_fired(event.token)


def move_from_halt(coach: Dialogue, event: Heard) -> None:
    """A "next" or "go back" while paused: the halt ends, and the command does what it does where the session was."""
    navigation.leave_halt(coach)
    dispatch(coach, event)


# ------------------------------------------------------------- the table

FIRST = (Row(ENDED, ANY, ignore),)  # a session that ended hears nothing
OTHERWISE = (Row(HALTED, ANY, hint(prompts.halted_hint)),)  # a command that does not fit a halt: what does


def intent_table(rows: Mapping[Intent, Sequence[Row]]) -> Mapping[Intent, tuple[Row, ...]]:
    """Every intent's rows, checked: an intent without rows, or a state none answers, is an error on import."""
    return complete(rows, FIRST, OTHERWISE, required=Intent)


# Rows several intents share.
GO_ON = (  # "start", "next", "continue", and a yes with no question open, when the user is waited for
    Row(READY, ANY, navigation.begin_routine),
    Row(WAITING, ANY, navigation.next_exercise),
)
AGREED = (  # "yes", and "I'm okay" too, to these questions
    Row(ANY, END_OFFER, answers.end_as_offered),
    Row(ANY, END_CHECK, answers.end_as_offered),
    Row(ANY, ALL_RIGHT, navigation.carry_on),
    Row(ANY, RESUME_OFFER, answers.accept_resume_offer),
)

# What the user says.
SAID = intent_table(
    {
        # Safety: heard in every state, also while the coach speaks.
        Intent.STOP: (
            Row(HALTED, ANY, safety.stop_after_pain, only_if=after_pain),
            Row(ANY, ANY, safety.stop),
        ),
        Intent.PAIN: (Row(ANY, ANY, safety.report_pain),),
        Intent.SYMPTOM: (Row(ANY, ANY, safety.report_symptom),),
        Intent.QUIT: (Row(ANY, ANY, safety.quit_session),),
        # Navigation.
        Intent.START: (
            *GO_ON,
            Row(RUNNING, ANY, hint(wording.ALREADY_STARTED)),
        ),
        Intent.NEXT: (
            *GO_ON,
            Row(RUNNING, ANY, navigation.next_step),
            Row(HALTED, ANY, move_from_halt, only_if=halted_by_the_user),
        ),
        Intent.PREVIOUS: (
            Row(READY, ANY, hint(prompts.not_started)),
            Row((RUNNING, WAITING), ANY, navigation.go_back),
            Row(HALTED, ANY, move_from_halt, only_if=halted_by_the_user),
        ),
        Intent.REPEAT: (
            Row(RUNNING, ANY, navigation.repeat_repetition),
            Row(WAITING, ANY, navigation.repeat_what_is_next),
            Row((READY, HALTED), ANY, navigation.say_again),
        ),
        Intent.PAUSE: (
            Row(RUNNING, ANY, navigation.pause),
            Row((READY, WAITING), ANY, hint(wording.ALREADY_WAITING)),
        ),
        Intent.RESUME: (
            Row(HALTED, ANY, navigation.carry_on),
            *GO_ON,
            Row(RUNNING, ANY, hint(wording.ALREADY_GOING)),
        ),
        Intent.SKIP: (
            Row(ANY, ANY, hint(prompts.not_started), only_if=not_started),
            Row(ANY, ANY, navigation.skip),
        ),
        # The user's questions, and the pace: answered, then back to where the session was.
        Intent.FORM: (
            Row(ANY, ANY, hint(prompts.form_before_start), only_if=not_started),
            Row(ANY, ANY, user_questions.form),
        ),
        Intent.WHY: (Row(ANY, ANY, user_questions.why),),
        Intent.STATUS: (Row(ANY, ANY, user_questions.status),),
        Intent.HELP: (Row(ANY, ANY, user_questions.say_help),),
        Intent.SLOWER: (Row(ANY, ANY, user_questions.slower),),
        Intent.FASTER: (Row(ANY, ANY, user_questions.faster),),
        # Answers to the coach's questions; with none open, yes and okay move on like "next".
        Intent.YES: (
            Row(ANY, IN_PAIN, safety.in_pain),
            Row(ANY, SYMPTOMS, safety.has_symptoms),
            *AGREED,
            *GO_ON,
            Row(ANY, None, hint(prompts.okay_then)),
        ),
        Intent.NO: (
            Row(ANY, IN_PAIN, answers.not_in_pain),
            Row(ANY, SYMPTOMS, answers.no_other_symptoms),
            Row(ANY, END_OFFER, answers.rest_instead),
            Row(ANY, END_CHECK, answers.carry_on_instead),
            Row(ANY, ALL_RIGHT, safety.report_pain),  # not all well: taken as pain
            Row(ANY, RESUME_OFFER, answers.decline_resume_offer),
            Row(ANY, None, hint(prompts.okay_then)),
        ),
        Intent.OKAY: (  # "I'm okay": a no to "are you in pain?" and to "any other symptoms?", else a yes
            Row(ANY, IN_PAIN, answers.not_in_pain),
            Row(ANY, SYMPTOMS, answers.no_other_symptoms),
            *AGREED,
            *GO_ON,
            Row(RUNNING, None, ignore),  # while an exercise runs, "okay" is an acknowledgement, not a command
        ),
    }
)

# What else happens.
HAPPENED = complete(
    {
        Begin: (Row(ANY, ANY, opening.begin),),
        Heard: (Row(ANY, ANY, hint(prompts.cannot_do_here)),),  # an intent the coach does not know
        Unclear: (  # speech no intent matches (rule 7: when in doubt, pause)
            Row(RUNNING, ANY, safety.check_on_user, only_if=pausing_on_unclear),
            Row(RUNNING, ANY, ignore),  # pausing on unclear speech is turned off
            Row(ANY, ANY, safety.did_not_catch, only_if=unclear_unanswered),
            Row(ANY, ANY, ignore),  # answered once already: it may be the coach hearing its own reply
        ),
        SpeechDone: (Row(ANY, ANY, line_ended),),
        TimerFired: (
            Row(RUNNING, ANY, timer_fired),
            Row(ANY, ANY, ignore),  # a timer of a plan no longer running
        ),
        DeviceLost: (Row(ANY, ANY, safety.device_lost),),
    },
    FIRST,
    otherwise=(),  # no shared rows after these: each event answers every state itself
)

_RULES: dict[Intent | type, tuple[Row, ...]] = {
    **{intent: (*FIRST, *rows, *OTHERWISE) for intent, rows in SAID.items()},
    **{kind: (*FIRST, *rows) for kind, rows in HAPPENED.items()},
}


def dispatch(coach: Dialogue, event: Event) -> None:
    """Run the first row of the event's trigger that fits the coach's state."""
    if isinstance(event, Heard):
        coach.state.unclear_answered = False  # the user was understood: unclear speech gets its reply again
    row = next(row for row in _RULES[_trigger(event)] if row.applies(coach))
    if isinstance(row.question, Question):
        coach.state.question = None  # an answer closes the question it answers
    row.handler(coach, event)


def _trigger(event: Event) -> Intent | type:
    """The intent heard, else the kind of event (``Heard`` itself for an intent the coach does not know)."""
    if isinstance(event, Heard):
        try:
            return Intent(event.intent)
        except ValueError:
            return Heard
    return type(event)
