"""Session history: every recorded event, written down at once, in SQLite.

- ``store``: :class:`History`, the file ``history.sqlite3`` in the app's data
  folder (or a path given to :meth:`History.open`): writing and reading;
- ``database``: the SQLite file itself (schema, checks, moving a broken one aside);
- ``records``: the rows it hands out and how an event's data is kept;
- ``stats``: the streak of active days and the sessions per week;
- ``export``: every session and event as CSV or JSON;
- ``journal``: :class:`SessionJournal`, the runner's journal writing to the history.
"""

from .journal import SessionJournal
from .records import EventRow, PainReport, SessionSummary, UnfinishedSession
from .stats import WeekCount, local_date
from .store import History, default_history_path

__all__ = [
    "EventRow",
    "History",
    "PainReport",
    "SessionJournal",
    "SessionSummary",
    "UnfinishedSession",
    "WeekCount",
    "default_history_path",
    "local_date",
]
