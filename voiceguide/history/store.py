"""The history store: sessions and their events, each written down at once, in SQLite.

Durability. Each :meth:`History.record` is one INSERT in autocommit mode, so
one commit per event. The database is in WAL mode with
``synchronous=FULL``: when ``record`` returns, the event is in the WAL file
*and* the WAL has been fsync'ed. A crash of the process (SIGKILL included)
cannot lose it, since the kernel already has its pages; FULL also keeps it
through a power cut or a kernel crash (the laptop's battery running out on
the floor), where NORMAL could lose the last events. Events come a few per
minute, so an fsync each is cheap.

Robustness. Opening never raises: a damaged file (not SQLite, malformed) or
one locked by another program is moved aside as
``history.sqlite3.broken-<timestamp>`` (with its -wal/-shm files) and a new
file is started; where even that fails, the history lives in memory for this
run. Writing never raises either: an event that cannot be written stays
queued in memory and is written with the next one. Either way
:attr:`History.warning` holds one sentence for the CLI to print.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import date
from pathlib import Path
from typing import Any, Literal, TextIO

from ..folders import data_folder
from .database import connect, is_locked, move_aside
from .export import write_export
from .records import (
    PAIN_KINDS,
    EventColumns,
    EventRow,
    PainReport,
    SessionSummary,
    UnfinishedSession,
    from_json,
    position_of,
    to_json,
)
from .progress import progress
from .stats import WeekCount, local_date, streak_length, weekly_counts

FILE_NAME = "history.sqlite3"

# Each session with what was done in it; {order} and a LIMIT (-1: none) are filled in.
_SUMMARIES = """SELECT s.id, s.started_at, s.ended_at, s.completed, s.routine_name, s.speed,
    (SELECT COUNT(DISTINCT COALESCE(e.exercise, e.id)) FROM events e
      WHERE e.session_id = s.id AND e.kind = 'exercise_done') AS done,
    (SELECT COUNT(DISTINCT COALESCE(e.exercise, e.id)) FROM events e
      WHERE e.session_id = s.id AND e.kind = 'exercise_skipped') AS skipped,
    (SELECT COUNT(*) FROM events e
      WHERE e.session_id = s.id AND e.kind IN ('pain', 'symptom')) AS pain,
    (SELECT MAX(e.at) FROM events e WHERE e.session_id = s.id) AS last_at
   FROM sessions s ORDER BY {order} LIMIT ?"""

# Sessions that count in the statistics and charts: not sped up with --speed.
_REAL = "s.speed <= 1"


def default_history_path() -> Path:
    """Where the history lives unless told otherwise."""
    return data_folder() / FILE_NAME


class History:
    """The session history. Thread-safe; never raises from its write methods."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path | None,
        warning: str | None = None,
        lock_timeout: float = 2.0,
        problem: str | None = None,
    ) -> None:
        self._conn = conn
        self.path = path  # None when the history only lives in memory
        self.warning = warning
        self.problem = problem  # why there is no history file (when path is None), in words for reading
        self._lock_timeout = lock_timeout
        self._lock = threading.RLock()
        self._pending: list[tuple[str, tuple[Any, ...]]] = []

    # ---------------------------------------------------------- opening

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        lock_timeout: float = 2.0,
        synchronous: Literal["FULL", "NORMAL", "EXTRA"] = "FULL",
    ) -> History:
        """Open (or create) the history; a broken or locked file is moved aside."""
        file = Path(path) if path is not None else default_history_path()
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            return cls(connect(str(file), lock_timeout, synchronous), file, None, lock_timeout)
        except (sqlite3.Error, OSError) as error:
            first_error = error
        if file.is_dir():
            return cls._in_memory(f"{file} is a folder, not a history file; move or rename that folder")
        if not file.is_file():
            return cls._in_memory(f"the file {file} cannot be opened ({first_error})")
        try:
            moved = move_aside(file)
        except OSError as error:
            return cls._in_memory(f"{file} is unusable and cannot be moved ({error})")
        if is_locked(first_error):
            why = "was locked by another program"
        else:
            why = f"was damaged ({first_error})"
        warning = (
            f"The history file {file} {why}; it was moved to {moved.name} "
            "and a new history was started."
        )
        try:
            conn = connect(str(file), lock_timeout, synchronous)
        except (sqlite3.Error, OSError) as error:
            return cls._in_memory(f"a new history file {file} cannot be made ({error})")
        return cls(conn, file, warning, lock_timeout)

    @classmethod
    def _in_memory(cls, reason: str) -> History:
        conn = connect(":memory:", 0.0, "OFF")
        return cls(conn, None, f"History cannot be saved: {reason}; this run is not recorded.", problem=reason)

    def close(self) -> None:
        with self._lock:
            self._flush()
            self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------- writing

    def start_session(self, routine_name: str, at: float, speed: float = 1.0) -> int:
        """Begin a session and return its id (never raises); ``speed`` above 1 marks a sped-up rehearsal."""
        sql = "INSERT INTO sessions (started_at, routine_name, speed) VALUES (?, ?, ?)"
        with self._lock:
            self._flush()
            try:
                return int(self._conn.execute(sql, (at, routine_name, speed)).lastrowid or 0)
            except sqlite3.Error as error:
                fallback = self._in_memory(f"the history file stopped working ({error})")
                self._conn.close()
                self._conn, self.path, self.warning = fallback._conn, None, fallback.warning
                self.problem = fallback.problem
                self._pending.clear()
                return int(self._conn.execute(sql, (at, routine_name, speed)).lastrowid or 0)

    def record(
        self, session_id: int, kind: str, at: float, data: dict[str, Any] | None = None
    ) -> bool:
        """Write one event, committed before returning. False if it is only queued."""
        data = dict(data or {})
        columns = EventColumns.of(data)
        params = (
            session_id, at, kind, columns.exercise, columns.side, columns.rep, to_json(data),
        )
        sql = (
            "INSERT INTO events (session_id, at, kind, exercise, side, rep, data_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        return self._write(sql, params)

    def end_session(self, session_id: int, at: float, completed: bool) -> bool:
        """Mark the session ended; ``completed`` is False when it ended early."""
        sql = "UPDATE sessions SET ended_at = ?, completed = ? WHERE id = ?"
        return self._write(sql, (at, int(bool(completed)), session_id))

    def dismiss_unfinished(self, session_id: int) -> bool:
        """Never offer this session again for "continue where you left off"."""
        sql = "UPDATE sessions SET offer_dismissed = 1 WHERE id = ?"
        return self._write(sql, (session_id,))

    def _write(self, sql: str, params: tuple[Any, ...]) -> bool:
        with self._lock:
            self._pending.append((sql, params))
            return self._flush()

    def _flush(self) -> bool:
        while self._pending:
            sql, params = self._pending[0]
            try:
                self._conn.execute(sql, params)  # autocommit: one commit each
            except sqlite3.Error as error:
                self.warning = (
                    f"The history could not be written ({error}); "
                    f"{len(self._pending)} event(s) are kept in memory and retried."
                )
                return False
            self._pending.pop(0)
        return True

    # ---------------------------------------------------------- reading

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self._conn.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    def recent_sessions(self, limit: int = 10) -> list[SessionSummary]:
        """The latest sessions, newest first."""
        return self._summaries("s.started_at DESC, s.id DESC", limit)

    def sessions(self) -> list[SessionSummary]:
        """Every session, oldest first."""
        return self._summaries("s.started_at, s.id", -1)

    def _summaries(self, order: str, limit: int) -> list[SessionSummary]:
        rows = self._query(_SUMMARIES.format(order=order), (limit,))
        return [
            SessionSummary(
                id=r["id"], started_at=r["started_at"], ended_at=r["ended_at"],
                completed=bool(r["completed"]), routine_name=r["routine_name"],
                exercises_done=r["done"], exercises_skipped=r["skipped"],
                pain_reports=r["pain"], last_event_at=r["last_at"], speed=float(r["speed"]),
            )
            for r in rows
        ]

    def events(self, session_id: int | None = None) -> list[EventRow]:
        """Recorded events in the order they happened (all, or one session's)."""
        where: str = ""
        params: tuple[int, ...] = ()
        if session_id is not None:
            where, params = "WHERE session_id = ?", (session_id,)
        rows = self._query(f"SELECT * FROM events {where} ORDER BY id", params)
        return [
            EventRow(
                id=r["id"], session_id=r["session_id"], at=r["at"], kind=r["kind"],
                exercise=r["exercise"], side=r["side"], rep=r["rep"],
                data=from_json(r["data_json"]),
            )
            for r in rows
        ]

    def pain_reports(
        self,
        session_id: int | None = None,
        since: float | None = None,
        limit: int | None = None,
        real_only: bool = False,
    ) -> list[PainReport]:
        """Pain and symptom reports, oldest first (the latest ``limit`` of them);
        ``real_only`` leaves out those of sped-up sessions."""
        sql = "SELECT * FROM events WHERE kind IN ('pain', 'symptom')"
        params: list[Any] = []
        if real_only:
            sql += f" AND session_id IN (SELECT s.id FROM sessions s WHERE {_REAL})"
        if session_id is not None:
            sql += " AND session_id = ?"
            params.append(session_id)
        if since is not None:
            sql += " AND at >= ?"
            params.append(since)
        sql += " ORDER BY at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        reports = []
        for r in reversed(self._query(sql, tuple(params))):
            data = from_json(r["data_json"])
            reports.append(
                PainReport(
                    session_id=r["session_id"], at=r["at"], kind=r["kind"],
                    exercise=r["exercise"], side=r["side"], rep=r["rep"],
                    words=str(data.get("words", "")),
                    position=position_of(data),
                    answer=str(data.get("answer", "")),
                    question=str(data.get("question", "")),
                )
            )
        return reports

    def unfinished_session(self, sped_up: bool | None = None) -> UnfinishedSession | None:
        """The latest session, if it never ended or ended early and was not dismissed.

        ``sped_up`` looks only at sped-up rehearsals (True) or only at real
        sessions (False), so neither kind is offered back as the other.
        """
        kind = {None: "", True: "WHERE s.speed > 1", False: f"WHERE {_REAL}"}[sped_up]
        rows = self._query(
            f"SELECT * FROM sessions s {kind} ORDER BY started_at DESC, id DESC LIMIT 1"
        )
        if not rows or rows[0]["offer_dismissed"]:
            return None
        s = rows[0]
        if s["ended_at"] is not None and s["completed"]:
            return None
        events = self.events(s["id"])
        # "quit" and "session_end" repeat the place of the event before them, and would hide a skip.
        placed = [e for e in events if e.kind not in ("quit", "session_end") and position_of(e.data) is not None]
        last = placed[-1] if placed else None
        done = progress(events)
        return UnfinishedSession(
            session_id=s["id"], routine_name=s["routine_name"],
            started_at=s["started_at"], ended_at=s["ended_at"],
            last_event_at=events[-1].at if events else None,
            position=position_of(last.data) if last else None,
            position_kind=last.kind if last else None,
            exercises_done=done.done,
            pain_reported=any(e.kind in PAIN_KINDS for e in events),
            pain_exercises=done.pain_in,
            exercises_skipped=done.skipped,
            holds_done=done.holds,
        )

    # ------------------------------------------------ statistics, export

    def active_days(self) -> set[date]:
        """Local dates with a real (not sped-up) session that was completed or finished an exercise."""
        rows = self._query(
            f"""SELECT started_at FROM sessions s WHERE {_REAL} AND (s.completed = 1 OR EXISTS
               (SELECT 1 FROM events e WHERE e.session_id = s.id
                AND e.kind = 'exercise_done'))"""
        )
        return {local_date(r["started_at"]) for r in rows}

    def streak_days(self, today: date | None = None) -> int:
        """Consecutive active days ending today (or yesterday, if not yet today)."""
        return streak_length(self.active_days(), today or date.today())

    def sessions_per_week(
        self, today: date | None = None, weeks: int | None = None
    ) -> list[WeekCount]:
        """Real (not sped-up) sessions per week (Monday first), oldest first, empty weeks included.

        Covers the last ``weeks`` weeks up to the week of ``today``, or every
        week since the first session when ``weeks`` is None.
        """
        rows = self._query(f"SELECT started_at, completed FROM sessions s WHERE {_REAL}")
        starts = [(r["started_at"], bool(r["completed"])) for r in rows]
        return weekly_counts(starts, today or date.today(), weeks)

    def export(self, fmt: Literal["csv", "json"], out: TextIO) -> int:
        """Write every session and event for a clinician; return the event count."""
        return write_export(fmt, self.sessions(), self.events(), out)
