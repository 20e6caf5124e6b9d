"""The session journal: the runner's ``Journal``, writing the coach's records to the history."""

from __future__ import annotations

from ..events import Record
from .store import History


class SessionJournal:
    """Writes each coach ``Record`` to the history as it happens.

    The session row is made at the first record (with its time); a
    ``session_end`` record (``data["completed"]``) ends it. Never raises.
    """

    def __init__(self, history: History, routine_name: str, speed: float = 1.0) -> None:
        self.history = history
        self.routine_name = routine_name
        self.speed = speed
        self.session_id: int | None = None

    def record(self, record: Record) -> None:
        if self.session_id is None:
            self.session_id = self.history.start_session(self.routine_name, record.at, self.speed)
        self.history.record(self.session_id, record.kind, record.at, record.data)
        if record.kind == "session_end":
            completed = bool(record.data.get("completed", False))
            self.history.end_session(self.session_id, record.at, completed)
