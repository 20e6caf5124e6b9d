"""Setting up one session: settings, routine, history and the resume offer.

Shared by text mode and hands-free mode, so both start the same coach.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .coach import Coach, CoachSettings, ResumeOffer
from .history import History, SessionJournal, UnfinishedSession
from .plan import Where
from .routine import Routine, load_routine
from .settings import Settings, load_settings


@dataclass
class Session:
    settings: Settings
    routine: Routine
    coach: Coach
    journal: SessionJournal
    history: History

    def close(self) -> None:
        self.history.close()


def prepare_session(
    routine_file: Path | None,
    level: str | None,
    notice: Callable[[str], None],
    clock: Callable[[], float] = time.time,
) -> Session:
    """Everything a session needs; problems the user can fix are told in one line each."""
    settings, warning = load_settings()
    if warning:
        notice(warning)
    routine = load_routine(routine_file)
    history = History.open()
    if history.warning:
        notice(history.warning)
    offer = resume_offer(history.unfinished_session(), routine)
    if offer is not None:
        unfinished = history.unfinished_session()
        assert unfinished is not None
        history.dismiss_unfinished(unfinished.session_id)  # offered once, whatever the answer
    coach_settings = CoachSettings(
        level=level or settings.level,
        pause_on_unclear=settings.pause_on_unclear,
        wait_between_exercises=settings.between_exercises == "wait",
    )
    coach = Coach(routine, clock=clock, settings=coach_settings, resume_offer=offer)
    return Session(settings, routine, coach, SessionJournal(history, routine.name), history)


def resume_offer(unfinished: UnfinishedSession | None, routine: Routine) -> ResumeOffer | None:
    """Where an unfinished session of this routine left off, if anywhere."""
    if unfinished is None or unfinished.position is None or unfinished.routine_name != routine.name:
        return None
    position = unfinished.position
    try:
        index = routine.index_of(str(position.get("exercise")))
    except KeyError:
        return None
    if unfinished.position_kind == "exercise_done":
        if index + 1 >= len(routine.exercises):
            return None
        return ResumeOffer(Where(index + 1))
    exercise = routine.exercises[index]
    set_index = int(position.get("set") or 0)
    rep = int(position.get("rep") or 0)
    side = position.get("side")
    if set_index >= len(exercise.sets) or rep == 0 or (side is not None and side not in exercise.sets[set_index].sides):
        return ResumeOffer(Where(index))
    return ResumeOffer(Where(index, set_index, rep, side), done=unfinished.position_kind == "rep_done")
