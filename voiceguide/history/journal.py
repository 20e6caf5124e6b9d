"""The session journal: the runner's ``Journal``, writing the coach's records to the history."""

from __future__ import annotations

from ..events import Record
from .store import History

# Records that open or close a session: alone, they say the user did nothing in it.
OPENING_AND_CLOSING = frozenset({"session_start", "session_end", "interrupted", "quit", "resume_declined"})


class SessionJournal:
    """Writes each coach ``Record`` to the history as it happens.

    The session row is made at the first record of something the user did
    (anything but opening and closing), with the time of the first record;
    the records before it are written then. A session in which the user did
    nothing (the input ended, or they said "end", before "let's begin") is
    not kept: it would count as a session in the history without being one.
    A ``session_end`` record (``data["completed"]``) ends it. Never raises.
    ``speed`` above 1 marks a sped-up rehearsal (``--speed``).
    """

    def __init__(self, history: History, routine_name: str, speed: float = 1.0) -> None:
        self.history = history
        self.routine_name = routine_name
        self.speed = speed
        self.session_id: int | None = None
        self._held: list[Record] = []  # opening records, until the user does something

    def record(self, record: Record) -> None:
        if self.session_id is None:
            if record.kind in OPENING_AND_CLOSING:
                self._held.append(record)
                return
            held, self._held = self._held, []
            self.session_id = self.history.start_session(self.routine_name, (held or [record])[0].at, self.speed)
            for earlier in held:
                self._write(self.session_id, earlier)
        self._write(self.session_id, record)

    def _write(self, session_id: int, record: Record) -> None:
        self.history.record(session_id, record.kind, record.at, record.data)
        if record.kind == "session_end":
            completed = bool(record.data.get("completed", False))
            self.history.end_session(session_id, record.at, completed)
