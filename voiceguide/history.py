"""Session history: every recorded event, written down at once, in SQLite.

The file is ``platformdirs.user_data_dir("voiceguide")/history.sqlite3``
(or ``$VOICEGUIDE_DATA_DIR/history.sqlite3``, or a path given to
:meth:`History.open`).

Durability. Each :meth:`History.record` is one INSERT in autocommit mode, so
one commit per event. The database is in WAL mode with
``synchronous=FULL``: when ``record`` returns, the event is in the WAL file
*and* the WAL has been fsync'ed. A SIGKILL (or any crash of the process)
cannot lose it: a commit's pages reach the kernel with write() before
``record`` returns and the kernel keeps them whatever happens to the process
(``NORMAL`` would already be enough for that); FULL also keeps it through a
power cut or a kernel crash (the laptop's battery running out on the floor),
where NORMAL could lose the last events. Events come a few per minute and a
commit with its fsync measured 0.4 ms here (0.03 ms with
NORMAL), so the fsync is cheap.

Robustness. Opening never raises: a damaged file (not SQLite, malformed) or
one locked by another program is moved aside as
``history.sqlite3.broken-<timestamp>`` (with its -wal/-shm files) and a new
file is started; where even that fails, the history lives in memory for this
run. Writing never raises either: an event that cannot be written stays
queued in memory and is written with the next one. Either way
:attr:`History.warning` holds one sentence for the CLI to print.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TextIO

import platformdirs

FILE_NAME = "history.sqlite3"
DATA_DIR_ENV = "VOICEGUIDE_DATA_DIR"
PAIN_KINDS = ("pain", "symptom")
POSITION_KEYS = ("exercise", "exercise_name", "exercise_index", "set", "side", "rep")
SCHEMA_VERSION = 1

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS sessions (
        id INTEGER PRIMARY KEY,
        started_at REAL NOT NULL,
        ended_at REAL,
        completed INTEGER NOT NULL DEFAULT 0,
        routine_name TEXT NOT NULL DEFAULT '',
        offer_dismissed INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        at REAL NOT NULL,
        kind TEXT NOT NULL,
        exercise TEXT,
        side TEXT,
        rep INTEGER,
        data_json TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX IF NOT EXISTS events_session ON events(session_id, id)",
    "CREATE INDEX IF NOT EXISTS events_kind ON events(kind, at)",
    "CREATE INDEX IF NOT EXISTS sessions_started ON sessions(started_at)",
)


def data_folder() -> Path:
    """The app's user data folder (``$VOICEGUIDE_DATA_DIR`` overrides it)."""
    return Path(os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir("voiceguide"))


def default_history_path() -> Path:
    """Where the history lives unless told otherwise."""
    return data_folder() / FILE_NAME


# ------------------------------------------------------------------ rows


@dataclass(frozen=True)
class SessionSummary:
    """One session, with what was done in it."""

    id: int
    started_at: float
    ended_at: float | None
    completed: bool
    routine_name: str
    exercises_done: int
    exercises_skipped: int
    pain_reports: int
    last_event_at: float | None

    @property
    def duration(self) -> float:
        """Seconds from start to end (or to the last event if it never ended)."""
        end = self.ended_at if self.ended_at is not None else self.last_event_at
        return max(0.0, (end or self.started_at) - self.started_at)


@dataclass(frozen=True)
class EventRow:
    """One recorded event."""

    id: int
    session_id: int
    at: float
    kind: str
    exercise: str | None
    side: str | None
    rep: int | None
    data: dict[str, Any]


@dataclass(frozen=True)
class PainReport:
    """A "pain" or "symptom" event: when, what was said, where in the routine."""

    session_id: int
    at: float
    kind: str
    exercise: str | None
    side: str | None
    rep: int | None
    words: str
    position: dict[str, Any] | None

    @property
    def exercise_name(self) -> str | None:
        """The exercise's name as the coach said it (its id for records without one)."""
        name = (self.position or {}).get("exercise_name")
        return str(name) if name else self.exercise


@dataclass(frozen=True)
class UnfinishedSession:
    """The last session, when it did not finish: offered as "continue?"."""

    session_id: int
    routine_name: str
    started_at: float
    ended_at: float | None
    last_event_at: float | None
    position: dict[str, Any] | None  # from the last event that had one
    position_kind: str | None  # that event's kind, e.g. "rep_done" or "exercise_done"
    exercises_done: tuple[str, ...]
    pain_reported: bool
    pain_exercises: tuple[str, ...] = ()  # ids of the exercises in which pain or symptoms were reported


@dataclass(frozen=True)
class WeekCount:
    """Sessions started in the week beginning on Monday ``week_start``."""

    week_start: date
    sessions: int
    completed: int


# ------------------------------------------------------------ helpers


def local_date(at: float) -> date:
    return datetime.fromtimestamp(at).date()


def iso_time(at: float | None) -> str:
    """Local time with its UTC offset, e.g. 2024-03-04T09:00:00+01:00."""
    if at is None:
        return ""
    return datetime.fromtimestamp(at).astimezone().isoformat(timespec="seconds")


def position_of(data: dict[str, Any]) -> dict[str, Any] | None:
    """Where in the routine an event happened: ``data["position"]`` if it is a
    dict, else the coach's flattened form (``exercise_index`` and friends)."""
    nested = data.get("position")
    if isinstance(nested, dict):
        return nested
    if "exercise_index" in data:
        return {key: data[key] for key in POSITION_KEYS if key in data}
    return None


def _text_field(data: dict[str, Any], key: str) -> str | None:
    """``data[key]``, or the same key in its "position" dict, as text."""
    value = data.get(key)
    position = data.get("position")
    if value is None and isinstance(position, dict):
        value = position.get(key)
    return None if value is None else str(value)


def _exercise_of(data: dict[str, Any]) -> str | None:
    return _text_field(data, "exercise")


def _side_of(data: dict[str, Any]) -> str | None:
    return _text_field(data, "side")


def _rep_of(data: dict[str, Any]) -> int | None:
    value = data.get("rep")
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    return None


def _to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, default=str, sort_keys=True, ensure_ascii=False)


def _from_json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def _is_locked(error: BaseException) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _move_aside(path: Path) -> Path:
    """Rename ``path`` and its -wal/-shm/-journal files; return the new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    number = 1
    while target.exists():
        target = path.with_name(f"{path.name}.broken-{stamp}-{number}")
        number += 1
    os.replace(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{target}{suffix}"))
    return target


def _connect(target: str, lock_timeout: float, synchronous: str) -> sqlite3.Connection:
    """Open, check and prepare a history database; raise sqlite3.Error if unusable."""
    conn = sqlite3.connect(
        target, timeout=lock_timeout, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute("PRAGMA journal_mode=WAL").fetchone()
        conn.execute(f"PRAGMA synchronous={synchronous}")
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            lines = [line for p in problems for line in str(p).splitlines()]
            first = next((line for line in lines if not line.startswith("***")), "")
            raise sqlite3.DatabaseError(f"integrity check failed: {first}".rstrip(": "))
        conn.execute("BEGIN IMMEDIATE")  # proves we can write, within lock_timeout
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        raise
    return conn


# ------------------------------------------------------------- history


class History:
    """The session history. Thread-safe; never raises from its write methods."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path | None,
        warning: str | None = None,
        lock_timeout: float = 2.0,
    ) -> None:
        self._conn = conn
        self.path = path  # None when the history only lives in memory
        self.warning = warning
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
            return cls(_connect(str(file), lock_timeout, synchronous), file, None, lock_timeout)
        except (sqlite3.Error, OSError) as error:
            first_error = error
        if not file.is_file():
            return cls._in_memory(f"the file {file} cannot be opened ({first_error})")
        try:
            moved = _move_aside(file)
        except OSError as error:
            return cls._in_memory(f"{file} is unusable and cannot be moved ({error})")
        if _is_locked(first_error):
            why = "was locked by another program"
        else:
            why = f"was damaged ({first_error})"
        warning = (
            f"The history file {file} {why}; it was moved to {moved.name} "
            "and a new history was started."
        )
        try:
            conn = _connect(str(file), lock_timeout, synchronous)
        except (sqlite3.Error, OSError) as error:
            return cls._in_memory(f"a new history file {file} cannot be made ({error})")
        return cls(conn, file, warning, lock_timeout)

    @classmethod
    def _in_memory(cls, reason: str) -> History:
        conn = _connect(":memory:", 0.0, "OFF")
        return cls(conn, None, f"History cannot be saved: {reason}; this run is not recorded.")

    def close(self) -> None:
        with self._lock:
            self._flush()
            self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------- writing

    def start_session(self, routine_name: str, at: float) -> int:
        """Begin a session and return its id (never raises)."""
        sql = "INSERT INTO sessions (started_at, routine_name) VALUES (?, ?)"
        with self._lock:
            self._flush()
            try:
                return int(self._conn.execute(sql, (at, routine_name)).lastrowid or 0)
            except sqlite3.Error as error:
                fallback = self._in_memory(f"the history file stopped working ({error})")
                self._conn.close()
                self._conn, self.path, self.warning = fallback._conn, None, fallback.warning
                self._pending.clear()
                return int(self._conn.execute(sql, (at, routine_name)).lastrowid or 0)

    def record(
        self, session_id: int, kind: str, at: float, data: dict[str, Any] | None = None
    ) -> bool:
        """Write one event, committed before returning. False if it is only queued."""
        data = dict(data or {})
        params = (
            session_id, at, kind, _exercise_of(data), _side_of(data), _rep_of(data),
            _to_json(data),
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
        rows = self._query(
            """SELECT s.id, s.started_at, s.ended_at, s.completed, s.routine_name,
                (SELECT COUNT(DISTINCT COALESCE(e.exercise, e.id)) FROM events e
                  WHERE e.session_id = s.id AND e.kind = 'exercise_done') AS done,
                (SELECT COUNT(DISTINCT COALESCE(e.exercise, e.id)) FROM events e
                  WHERE e.session_id = s.id AND e.kind = 'exercise_skipped') AS skipped,
                (SELECT COUNT(*) FROM events e
                  WHERE e.session_id = s.id AND e.kind IN ('pain', 'symptom')) AS pain,
                (SELECT MAX(e.at) FROM events e WHERE e.session_id = s.id) AS last_at
               FROM sessions s ORDER BY s.started_at DESC, s.id DESC LIMIT ?""",
            (limit,),
        )
        return [
            SessionSummary(
                id=r["id"], started_at=r["started_at"], ended_at=r["ended_at"],
                completed=bool(r["completed"]), routine_name=r["routine_name"],
                exercises_done=r["done"], exercises_skipped=r["skipped"],
                pain_reports=r["pain"], last_event_at=r["last_at"],
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
                data=_from_json(r["data_json"]),
            )
            for r in rows
        ]

    def pain_reports(
        self,
        session_id: int | None = None,
        since: float | None = None,
        limit: int | None = None,
    ) -> list[PainReport]:
        """Pain and symptom reports, oldest first (the latest ``limit`` of them)."""
        sql = "SELECT * FROM events WHERE kind IN ('pain', 'symptom')"
        params: list[Any] = []
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
            data = _from_json(r["data_json"])
            reports.append(
                PainReport(
                    session_id=r["session_id"], at=r["at"], kind=r["kind"],
                    exercise=r["exercise"], side=r["side"], rep=r["rep"],
                    words=str(data.get("words", "")),
                    position=position_of(data),
                )
            )
        return reports

    def unfinished_session(self) -> UnfinishedSession | None:
        """The latest session, if it never ended or ended early and was not dismissed."""
        rows = self._query(
            "SELECT * FROM sessions ORDER BY started_at DESC, id DESC LIMIT 1"
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
        done = dict.fromkeys(
            e.exercise for e in events if e.kind == "exercise_done" and e.exercise
        )
        return UnfinishedSession(
            session_id=s["id"], routine_name=s["routine_name"],
            started_at=s["started_at"], ended_at=s["ended_at"],
            last_event_at=events[-1].at if events else None,
            position=position_of(last.data) if last else None,
            position_kind=last.kind if last else None,
            exercises_done=tuple(done),
            pain_reported=any(e.kind in PAIN_KINDS for e in events),
            pain_exercises=tuple(dict.fromkeys(e.exercise for e in events if e.kind in PAIN_KINDS and e.exercise)),
        )

    # ------------------------------------------------------------ stats

    def active_days(self) -> set[date]:
        """Local dates with a session that was completed or finished an exercise."""
        rows = self._query(
            """SELECT started_at FROM sessions s WHERE s.completed = 1 OR EXISTS
               (SELECT 1 FROM events e WHERE e.session_id = s.id
                AND e.kind = 'exercise_done')"""
        )
        return {local_date(r["started_at"]) for r in rows}

    def streak_days(self, today: date | None = None) -> int:
        """Consecutive active days ending today (or yesterday, if not yet today)."""
        today = today or date.today()
        days = self.active_days()
        day = today if today in days else today - timedelta(days=1)
        streak = 0
        while day in days:
            streak += 1
            day -= timedelta(days=1)
        return streak

    def sessions_per_week(
        self, today: date | None = None, weeks: int | None = None
    ) -> list[WeekCount]:
        """Sessions per week (Monday first), oldest first, empty weeks included.

        Covers the last ``weeks`` weeks up to the week of ``today``, or every
        week since the first session when ``weeks`` is None.
        """
        today = today or date.today()
        this_monday = today - timedelta(days=today.weekday())
        counts: dict[date, list[int]] = {}
        for r in self._query("SELECT started_at, completed FROM sessions"):
            day = local_date(r["started_at"])
            monday = day - timedelta(days=day.weekday())
            entry = counts.setdefault(monday, [0, 0])
            entry[0] += 1
            entry[1] += int(bool(r["completed"]))
        if weeks is not None:
            first = this_monday - timedelta(weeks=max(weeks, 1) - 1)
        elif counts:
            first = min(min(counts), this_monday)
        else:
            return []
        result = []
        monday = first
        while monday <= this_monday:
            sessions, completed = counts.get(monday, (0, 0))
            result.append(WeekCount(monday, sessions, completed))
            monday += timedelta(weeks=1)
        return result

    # ----------------------------------------------------------- export

    def export(self, fmt: Literal["csv", "json"], out: TextIO) -> int:
        """Write every session and event for a clinician; return the event count."""
        if fmt == "csv":
            return _export_csv(self, out)
        if fmt == "json":
            return _export_json(self, out)
        raise ValueError(f"export format must be csv or json, not {fmt!r}")

    def _sessions(self) -> list[sqlite3.Row]:
        return self._query("SELECT * FROM sessions ORDER BY started_at, id")


CSV_COLUMNS = (
    "session_id", "routine_name", "session_started", "session_ended",
    "session_completed", "time", "kind", "exercise", "exercise_name", "side",
    "rep", "hold_seconds", "words", "data_json",
)


def _events_by_session(history: History) -> dict[int, list[EventRow]]:
    grouped: dict[int, list[EventRow]] = {}
    for event in history.events():
        grouped.setdefault(event.session_id, []).append(event)
    return grouped


def _export_csv(history: History, out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    grouped = _events_by_session(history)
    count = 0
    for s in history._sessions():
        head = [
            s["id"], s["routine_name"], iso_time(s["started_at"]),
            iso_time(s["ended_at"]), "yes" if s["completed"] else "no",
        ]
        for e in grouped.get(s["id"], []):
            writer.writerow(
                head + [
                    iso_time(e.at), e.kind, e.exercise or "",
                    e.data.get("exercise_name", ""), e.side or "",
                    "" if e.rep is None else e.rep, e.data.get("hold_seconds", ""),
                    e.data.get("words", ""), _to_json(e.data),
                ]
            )
            count += 1
    return count


def _export_json(history: History, out: TextIO) -> int:
    grouped = _events_by_session(history)
    sessions = []
    for s in history._sessions():
        events = grouped.get(s["id"], [])
        sessions.append(
            {
                "id": s["id"],
                "routine_name": s["routine_name"],
                "started": iso_time(s["started_at"]),
                "ended": iso_time(s["ended_at"]) or None,
                "completed": bool(s["completed"]),
                "events": [
                    {"time": iso_time(e.at)}
                    | {k: v for k, v in asdict(e).items() if k not in ("id", "session_id")}
                    for e in events
                ],
            }
        )
    document = {
        "format": "voiceguide-history",
        "version": SCHEMA_VERSION,
        "exported": iso_time(time.time()),
        "sessions": sessions,
    }
    json.dump(document, out, indent=2, ensure_ascii=False, default=str)
    out.write("\n")
    return sum(len(s["events"]) for s in sessions)



class SessionJournal:
    """The runner's ``Journal``: writes each coach ``Record`` to the history.

    The session row is made at the first record (with its time); a
    ``session_end`` record (``data["completed"]``) ends it. Never raises.
    """

    def __init__(self, history: History, routine_name: str) -> None:
        self.history = history
        self.routine_name = routine_name
        self.session_id: int | None = None

    def record(self, record: Any) -> None:
        """Take a ``voiceguide.events.Record`` (kind, at, data)."""
        if self.session_id is None:
            self.session_id = self.history.start_session(self.routine_name, record.at)
        self.history.record(self.session_id, record.kind, record.at, record.data)
        if record.kind == "session_end":
            completed = bool(record.data.get("completed", False))
            self.history.end_session(self.session_id, record.at, completed)
