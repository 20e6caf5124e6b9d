"""Every session and event as CSV or JSON, for a clinician."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Literal, TextIO

from .database import SCHEMA_VERSION
from .records import EventRow, SessionSummary, to_json

CSV_COLUMNS = (
    "session_id", "routine_name", "session_started", "session_ended",
    "session_completed", "session_speed", "time", "kind", "exercise", "exercise_name", "side",
    "rep", "hold_seconds", "words", "data_json",
)


def iso_time(at: float | None) -> str:
    """Local time with its UTC offset, e.g. 2024-03-04T09:00:00+01:00."""
    if at is None:
        return ""
    return datetime.fromtimestamp(at).astimezone().isoformat(timespec="seconds")


def write_export(
    fmt: Literal["csv", "json"],
    sessions: Sequence[SessionSummary],
    events: Sequence[EventRow],
    out: TextIO,
) -> int:
    """Write ``sessions`` (oldest first) with their ``events``; return the event count."""
    if fmt not in ("csv", "json"):
        raise ValueError(f"export format must be csv or json, not {fmt!r}")
    grouped: dict[int, list[EventRow]] = {}
    for event in events:
        grouped.setdefault(event.session_id, []).append(event)
    if fmt == "csv":
        return _write_csv(sessions, grouped, out)
    return _write_json(sessions, grouped, out)


def _write_csv(
    sessions: Sequence[SessionSummary], grouped: dict[int, list[EventRow]], out: TextIO
) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for s in sessions:
        head = [
            s.id, s.routine_name, iso_time(s.started_at),
            iso_time(s.ended_at), "yes" if s.completed else "no", s.speed,
        ]
        for e in grouped.get(s.id, []):
            writer.writerow(
                head + [
                    iso_time(e.at), e.kind, e.exercise or "",
                    e.data.get("exercise_name", ""), e.side or "",
                    "" if e.rep is None else e.rep, e.data.get("hold_seconds", ""),
                    e.data.get("words", ""), to_json(e.data),
                ]
            )
            count += 1
    return count


def _write_json(
    sessions: Sequence[SessionSummary], grouped: dict[int, list[EventRow]], out: TextIO
) -> int:
    documented = []
    for s in sessions:
        documented.append(
            {
                "id": s.id,
                "routine_name": s.routine_name,
                "started": iso_time(s.started_at),
                "ended": iso_time(s.ended_at) or None,
                "completed": s.completed,
                "speed": s.speed,
                "events": [
                    {"time": iso_time(e.at)}
                    | {k: v for k, v in asdict(e).items() if k not in ("id", "session_id")}
                    for e in grouped.get(s.id, [])
                ],
            }
        )
    document = {
        "format": "voiceguide-history",
        "version": SCHEMA_VERSION,
        "exported": iso_time(time.time()),
        "sessions": documented,
    }
    json.dump(document, out, indent=2, ensure_ascii=False, default=str)
    out.write("\n")
    return sum(len(s["events"]) for s in documented)
