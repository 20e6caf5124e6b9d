"""Setting up one session: settings, routine, history and the resume offer.

Shared by text mode and hands-free mode, so both start the same coach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .coach import Coach, CoachSettings, ResumeOffer
from .history import History, SessionJournal, UnfinishedSession
from .coach.lines import known_lines
from .coach.plan import Where
from .grammar import Grammar
from .routine import Routine, load_routine
from .settings import Settings, load_settings
from .understanding import Understanding
from .understanding.loading import exercise_names, load_understanding


@dataclass
class Session:
    settings: Settings
    routine: Routine
    coach: Coach
    journal: SessionJournal
    history: History

    def close(self) -> None:
        self.history.close()

    def understanding(self, grammar: Grammar, notice: Callable[[str], None]) -> Understanding:
        """The understanding stage for this session's words: the grammar, and the coach's own lines to tell apart."""
        lines = known_lines(self.routine, self.coach.settings.level)
        return load_understanding(grammar, lines, notice, topics=exercise_names(self.routine))


def prepare_session(
    routine_file: Path | None,
    level: str | None,
    notice: Callable[[str], None],
    speed: float = 1.0,
) -> Session:
    """Everything a session needs; problems the user can fix are told in one line each."""
    settings, warning = load_settings()
    if warning:
        notice(warning)
    routine = load_routine(routine_file)
    history = History.open()
    if history.warning:
        notice(history.warning)
    returning = bool(history.recent_sessions(1))  # before this session is written down
    offer = resume_offer(history.unfinished_session(sped_up=speed > 1), routine)  # a rehearsal offers back a rehearsal
    if offer is not None:
        unfinished = history.unfinished_session(sped_up=speed > 1)
        assert unfinished is not None
        history.dismiss_unfinished(unfinished.session_id)  # offered once, whatever the answer
    coach_settings = CoachSettings(
        level=level or settings.level,
        pause_on_unclear=settings.pause_on_unclear,
        wait_between_exercises=settings.between_exercises == "wait",
    )
    coach = Coach(routine, settings=coach_settings, resume_offer=offer, returning=returning)
    return Session(settings, routine, coach, SessionJournal(history, routine.name, speed), history)


def resume_offer(unfinished: UnfinishedSession | None, routine: Routine) -> ResumeOffer | None:
    """Where an unfinished session of this routine left off, if anywhere.

    A skipped or finished exercise is not where the user left off: the offer
    is the one after it. Nor is an exercise in which pain was reported: the
    offer is the next one, and says why.
    """
    if unfinished is None or unfinished.routine_name != routine.name:
        return None
    offer = _where_left_off(unfinished, routine)
    if offer is None:
        return None
    indices = (_index_of(routine, exercise_id) for exercise_id in unfinished.pain_exercises)
    pain_in = tuple(sorted(index for index in indices if index is not None))
    where = offer.where
    while where.exercise in pain_in:
        where = Where(where.exercise + 1)
    if where.exercise >= len(routine.exercises):
        return None
    if where != offer.where:
        offer = ResumeOffer(where, next_exercise=True)
    known = (_index_of(routine, exercise_id) for exercise_id in unfinished.exercises_done)
    skipped = (_index_of(routine, exercise_id) for exercise_id in unfinished.exercises_skipped)
    return replace(
        offer,
        pain_in=pain_in,
        exercises_done=tuple(sorted(i for i in known if i is not None)),
        exercises_skipped=tuple(sorted(i for i in skipped if i is not None)),
        holds=_holds(unfinished, routine),
    )


def _holds(unfinished: UnfinishedSession, routine: Routine) -> tuple[Where, ...]:
    """The holds the unfinished session did, as places in this routine."""
    holds = []
    for exercise_id, set_index, rep, side in unfinished.holds_done:
        index = _index_of(routine, exercise_id)
        if index is not None:
            holds.append(Where(index, set_index, rep, side))
    return tuple(holds)


def _index_of(routine: Routine, exercise_id: str) -> int | None:
    try:
        return routine.index_of(exercise_id)
    except KeyError:
        return None


def _where_left_off(unfinished: UnfinishedSession, routine: Routine) -> ResumeOffer | None:
    """The place to continue from, as the last event with a place in the routine tells it."""
    position = unfinished.position
    if position is None:
        return None
    index = _index_of(routine, str(position.get("exercise")))
    if index is None:
        return None
    if unfinished.position_kind == "exercise_skipped":
        return ResumeOffer(Where(index + 1), next_exercise=True)
    if unfinished.position_kind == "exercise_done":
        return ResumeOffer(Where(index + 1))
    exercise = routine.exercises[index]
    set_index = int(position.get("set") or 0)
    rep = int(position.get("rep") or 0)
    side = position.get("side")
    if set_index >= len(exercise.sets) or rep == 0 or (side is not None and side not in exercise.sets[set_index].sides):
        return ResumeOffer(Where(index))
    return ResumeOffer(Where(index, set_index, rep, side), done=unfinished.position_kind == "rep_done")
