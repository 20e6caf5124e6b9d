"""The history's SQLite file: its schema, opening it with checks, moving a broken one aside."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..files import set_aside

SCHEMA_VERSION = 2  # 2: sessions.speed

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS sessions (
        id INTEGER PRIMARY KEY,
        started_at REAL NOT NULL,
        ended_at REAL,
        completed INTEGER NOT NULL DEFAULT 0,
        routine_name TEXT NOT NULL DEFAULT '',
        offer_dismissed INTEGER NOT NULL DEFAULT 0,
        speed REAL NOT NULL DEFAULT 1
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


def connect(target: str, lock_timeout: float, synchronous: str) -> sqlite3.Connection:
    """Open, check and prepare a history database; raise sqlite3.Error if unusable.

    The connection is in autocommit mode and the database in WAL mode, so
    each statement is one commit.
    """
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
        if "speed" not in {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}:  # a version 1 file
            conn.execute("ALTER TABLE sessions ADD COLUMN speed REAL NOT NULL DEFAULT 1")
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        raise
    return conn


def is_locked(error: BaseException) -> bool:
    """Whether opening failed because another program holds the file."""
    text = str(error).lower()
    return "locked" in text or "busy" in text


def move_aside(path: Path) -> Path:
    """Rename ``path`` and its -wal/-shm/-journal files; return the new name."""
    return set_aside(path, ("-wal", "-shm", "-journal"))
