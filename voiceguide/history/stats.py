"""Statistics of the sessions: the streak of active days and the sessions per week."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class WeekCount:
    """Sessions started in the week beginning on Monday ``week_start``."""

    week_start: date
    sessions: int
    completed: int


def local_date(at: float) -> date:
    """The local calendar day of a timestamp."""
    return datetime.fromtimestamp(at).date()


def streak_length(active_days: set[date], today: date) -> int:
    """Consecutive active days ending today (or yesterday, if not yet today)."""
    day = today if today in active_days else today - timedelta(days=1)
    streak = 0
    while day in active_days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def weekly_counts(
    sessions: Iterable[tuple[float, bool]], today: date, weeks: int | None
) -> list[WeekCount]:
    """Count ``sessions`` (start time, completed) per week: see :meth:`History.sessions_per_week`."""
    this_monday = today - timedelta(days=today.weekday())
    counts: dict[date, list[int]] = {}
    for started_at, completed in sessions:
        day = local_date(started_at)
        monday = day - timedelta(days=day.weekday())
        entry = counts.setdefault(monday, [0, 0])
        entry[0] += 1
        entry[1] += int(completed)
    if weeks is not None:
        first = this_monday - timedelta(weeks=max(weeks, 1) - 1)
    elif counts:
        first = min(min(counts), this_monday)
    else:
        return []
    result = []
    monday = first
    while monday <= this_monday:
        sessions_started, completed_count = counts.get(monday, (0, 0))
        result.append(WeekCount(monday, sessions_started, completed_count))
        monday += timedelta(weeks=1)
    return result
