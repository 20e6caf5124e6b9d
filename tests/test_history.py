"""Session history: durability under SIGKILL, damaged files, export, stats, CLI."""

from __future__ import annotations

import argparse
import csv
import io
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

import pytest
from rich.console import Console

from voiceguide import history_cli
from voiceguide.events import Record
from voiceguide.history import History, SessionJournal, default_history_path


def ts(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> float:
    """A local wall-clock time as epoch seconds."""
    return datetime(year, month, day, hour, minute).timestamp()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


def full_session(h: History, start: float, completed: bool = True, pain: bool = False) -> int:
    sid = h.start_session("back exercises", start)
    h.record(sid, "session_start", start, {})
    for n, exercise in enumerate(("pelvic_tilt", "bridge")):
        at = start + 60 * (n + 1)
        position = {"exercise": exercise, "index": n, "rep": 1}
        h.record(sid, "exercise_start", at, {"exercise": exercise, "position": position})
        h.record(sid, "rep_done", at + 5, {"exercise": exercise, "rep": 1, "side": "left",
                                           "hold_seconds": 5, "position": position})
        if pain and exercise == "bridge":
            h.record(sid, "pain", at + 10, {"words": "it hurts", "position": position})
            h.end_session(sid, at + 11, completed=False)
            return sid
        h.record(sid, "exercise_done", at + 30, {"exercise": exercise,
                                                 "exercise_name": exercise.title()})
    h.end_session(sid, start + 300, completed=completed)
    return sid


# ------------------------------------------------------------ recording


def test_path_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path / "data"))
    assert default_history_path() == tmp_path / "data" / "history.sqlite3"
    with History.open() as h:
        assert h.path == tmp_path / "data" / "history.sqlite3"
        assert h.warning is None
    assert (tmp_path / "data" / "history.sqlite3").is_file()


def test_wal_and_schema(db: Path) -> None:
    History.open(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    columns = {r[1] for r in conn.execute("PRAGMA table_info(events)")}
    assert {"id", "session_id", "at", "kind", "exercise", "side", "rep", "data_json"} <= columns
    columns = {r[1] for r in conn.execute("PRAGMA table_info(sessions)")}
    assert {"id", "started_at", "ended_at", "completed", "routine_name"} <= columns


def test_record_columns_and_reopen(db: Path) -> None:
    with History.open(db) as h:
        sid = h.start_session("back", 100.0)
        assert h.record(sid, "rep_done", 101.0,
                        {"exercise": "bridge", "side": "left", "rep": 3, "extra": object()})
        assert h.record(sid, "pain", 102.0,
                        {"words": "ouch", "position": {"exercise": "bridge", "side": "right"}})
    with History.open(db) as h:
        rep, pain = h.events(sid)
        assert (rep.kind, rep.exercise, rep.side, rep.rep) == ("rep_done", "bridge", "left", 3)
        assert "extra" in rep.data  # not JSON-able: stored as its text, never raised
        assert (pain.exercise, pain.side) == ("bridge", "right")  # taken from position
        (report,) = h.pain_reports()
        assert report.words == "ouch" and report.position == {"exercise": "bridge",
                                                              "side": "right"}


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from voiceguide.history import History
    h = History.open(sys.argv[1])
    sid = h.start_session("back", time.time())
    print("session", sid, flush=True)
    for i in range(1_000_000):
        position = {"exercise": "bridge", "rep": i}
        h.record(sid, "rep_done", time.time(), {"exercise": "bridge", "rep": i,
                                                "position": position})
        print("committed", i, flush=True)
    """
)


@pytest.mark.subprocess
def test_sigkill_loses_nothing_committed(db: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(db)],
        stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    try:
        first = child.stdout.readline().split()
        assert first[0] == "session", first
        session_id = int(first[1])
        for _ in range(200):  # let it get well into the stream, then kill it mid-way
            assert child.stdout.readline().startswith("committed")
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
    finally:
        child.kill()
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    printed = 200 + sum(1 for line in rest.splitlines() if line.startswith("committed "))

    with History.open(db) as h:
        assert h.warning is None
        reps = [e.rep for e in h.events(session_id)]
        # every event printed as committed is there, in order, with none missing
        assert reps[:printed] == list(range(printed))
        assert len(reps) in (printed, printed + 1)  # at most one committed, not yet printed
        offer = h.unfinished_session()
        assert offer is not None and offer.session_id == session_id
        assert offer.ended_at is None
        assert offer.position == {"exercise": "bridge", "rep": reps[-1]}


# ------------------------------------------------------- broken files


def test_garbage_file_is_moved_aside(db: Path) -> None:
    db.write_bytes(b"this is not a database\n" * 200)
    h = History.open(db)
    assert h.warning is not None and "damaged" in h.warning
    assert h.warning.count(". ") == 0 and h.warning.endswith(".")  # one sentence
    (moved,) = db.parent.glob("history.sqlite3.broken-*")
    assert moved.read_bytes().startswith(b"this is not a database")
    sid = h.start_session("back", 1.0)
    assert h.record(sid, "session_start", 1.0, {})
    h.close()
    with History.open(db) as again:
        assert again.warning is None and len(again.events()) == 1


def test_malformed_database_is_moved_aside(db: Path) -> None:
    with History.open(db) as h:
        sid = h.start_session("back", 1.0)
        for i in range(500):
            h.record(sid, "rep_done", 2.0 + i, {"words": "x" * 200, "rep": i})
    data = bytearray(db.read_bytes())
    page_size = 4096
    data[3 * page_size : 3 * page_size + 64] = b"\xab" * 64  # smash a b-tree page header
    db.write_bytes(bytes(data))
    h = History.open(db)
    assert h.warning is not None and "damaged" in h.warning, h.warning
    assert "\n" not in h.warning
    assert list(db.parent.glob("history.sqlite3.broken-*"))
    assert h.recent_sessions() == []  # a fresh history
    h.close()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_locked_database_is_moved_aside(db: Path, journal: str) -> None:
    other = sqlite3.connect(db, isolation_level=None)
    other.execute(f"PRAGMA journal_mode={journal}")
    other.execute("CREATE TABLE mine (x)")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO mine VALUES (1)")
    try:
        h = History.open(db, lock_timeout=0.1)
        assert h.warning is not None and "locked" in h.warning
        sid = h.start_session("back", 1.0)  # writes go to the fresh file
        assert h.record(sid, "session_start", 1.0, {})
        assert [s.id for s in h.recent_sessions()] == [sid]
        h.close()
    finally:
        if journal == "wal":  # the other writer goes on in the moved file
            other.execute("COMMIT")
        # in rollback mode its -journal was moved too (a journal left beside the
        # fresh file would be "hot" and rolled into it), so its transaction is lost
        other.close()
    (moved,) = db.parent.glob("history.sqlite3.broken-*[0-9]")
    rows = sqlite3.connect(moved).execute("SELECT x FROM mine").fetchall()
    assert rows == ([(1,)] if journal == "wal" else [])


def test_unusable_folder_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    h = History.open(blocker / "history.sqlite3")
    assert h.path is None and h.warning and "not recorded" in h.warning
    sid = h.start_session("back", 1.0)
    assert h.record(sid, "pain", 2.0, {"words": "ouch"})
    assert len(h.pain_reports()) == 1


def test_a_folder_in_the_historys_place_is_named_as_one(db: Path) -> None:
    db.mkdir()
    h = History.open(db)
    assert h.path is None and h.problem == f"{db} is a folder, not a history file; move or rename that folder"
    assert h.warning == f"History cannot be saved: {h.problem}; this run is not recorded."


@pytest.mark.parametrize("argv", [["history"], ["history", "--export", "csv"], ["history", "--plot", "h.png"]])
def test_cli_reading_an_unusable_history_says_what_is_wrong_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                 argv: list[str]) -> None:
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    default_history_path().mkdir()
    out = Console(file=io.StringIO(), width=160, color_system=None)
    errors = Console(file=io.StringIO(), width=160, color_system=None)
    code = history_cli.run_history(parse(argv), console=out, errors=errors)
    said = errors.file.getvalue()  # type: ignore[attr-defined]
    assert code == 1 and out.file.getvalue() == ""  # type: ignore[attr-defined]
    assert said == (f"voiceguide: the history cannot be read: {default_history_path()} is a folder, "
                    "not a history file; move or rename that folder.\n")
    assert not (tmp_path / "h.png").exists()


def test_write_failure_is_queued_not_raised(db: Path) -> None:
    h = History.open(db, lock_timeout=0.05)
    sid = h.start_session("back", 1.0)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    assert h.record(sid, "rep_done", 2.0, {"rep": 1}) is False
    assert h.warning and "retried" in h.warning
    other.execute("COMMIT")
    other.close()
    assert h.record(sid, "rep_done", 3.0, {"rep": 2}) is True
    assert [e.rep for e in h.events(sid)] == [1, 2]
    h.close()


# --------------------------------------------------- unfinished sessions


def test_unfinished_session_offer_and_dismiss(db: Path) -> None:
    with History.open(db) as h:
        assert h.unfinished_session() is None
        full_session(h, ts(2024, 3, 4))
        assert h.unfinished_session() is None  # the last one was completed
        sid = full_session(h, ts(2024, 3, 5), pain=True)
        offer = h.unfinished_session()
        assert offer is not None and offer.session_id == sid
        assert offer.pain_reported and offer.exercises_done == ("pelvic_tilt",)
        assert offer.position == {"exercise": "bridge", "index": 1, "rep": 1}
        assert h.dismiss_unfinished(sid)
        assert h.unfinished_session() is None


def coach_position(index: int, exercise: str, rep: int, side: str | None = None) -> dict:
    """The coach's own flattened form of a position, as it records it."""
    return {"exercise": exercise, "exercise_name": exercise.title(), "exercise_index": index,
            "set": 0, "side": side, "rep": rep}


def test_session_journal_with_coach_records(db: Path) -> None:
    with History.open(db) as h:
        journal = SessionJournal(h, "back exercises")
        journal.record(Record("session_start", 100.0, {}))
        journal.record(Record("rep_done", 110.0, {"hold_seconds": 5, "reps": 10,
                                                  **coach_position(0, "pelvic_tilt", 1)}))
        journal.record(Record("exercise_done", 150.0, coach_position(0, "pelvic_tilt", 1)))
        journal.record(Record("pain", 160.0, {"words": "my back hurts",
                                              **coach_position(1, "knee_to_chest", 2, "right")}))
        journal.record(Record("session_end", 170.0, {"completed": False,
                                                     **coach_position(1, "knee_to_chest", 2)}))
        (session,) = h.recent_sessions()
        assert (session.started_at, session.ended_at, session.completed) == (100.0, 170.0, False)
        assert session.exercises_done == 1 and session.pain_reports == 1
        (pain,) = h.pain_reports()
        assert (pain.exercise, pain.side, pain.rep, pain.words) == (
            "knee_to_chest", "right", 2, "my back hurts")
        assert pain.position == coach_position(1, "knee_to_chest", 2, "right")
        offer = h.unfinished_session()
        assert offer is not None and offer.session_id == journal.session_id
        # The session's end repeats the place before it: the place is the pain report's.
        assert offer.position == coach_position(1, "knee_to_chest", 2, "right")
        assert offer.position_kind == "pain"
        assert offer.exercises_done == ("pelvic_tilt",) and offer.pain_reported
        assert offer.pain_exercises == ("knee_to_chest",)


def test_a_session_in_which_the_user_did_nothing_is_not_written(db: Path) -> None:
    with History.open(db) as h:
        idle = SessionJournal(h, "back exercises")
        idle.record(Record("session_start", 100.0, {}))
        idle.record(Record("interrupted", 101.0, {"reason": "end of input"}))
        assert h.sessions() == [] and idle.session_id is None
        hurt = SessionJournal(h, "back exercises")  # a pain report before "let's begin" is something done
        hurt.record(Record("session_start", 200.0, {}))
        hurt.record(Record("pain", 201.0, {"words": "my back hurts"}))
        (session,) = h.sessions()
        assert session.started_at == 200.0 and [e.kind for e in h.events()] == ["session_start", "pain"]


# ---------------------------------------------------------- statistics


def test_streak_and_weeks_with_fixed_dates(db: Path) -> None:
    with History.open(db) as h:
        # Mon 4, Tue 5, Wed 6 March 2024; nothing on Thu 7; Fri 8 (two sessions)
        for day in (4, 5, 6):
            full_session(h, ts(2024, 3, day))
        full_session(h, ts(2024, 3, 8, 8))
        full_session(h, ts(2024, 3, 8, 19), completed=False)
        h.start_session("back", ts(2024, 3, 12))  # started, nothing done: not active
        full_session(h, ts(2024, 2, 20))  # an earlier week

        assert h.streak_days(date(2024, 3, 6)) == 3
        assert h.streak_days(date(2024, 3, 7)) == 3  # today not done yet: still running
        assert h.streak_days(date(2024, 3, 8)) == 1
        assert h.streak_days(date(2024, 3, 10)) == 0
        assert h.streak_days(date(2024, 3, 12)) == 0

        weeks = h.sessions_per_week(date(2024, 3, 13))
        assert [(w.week_start, w.sessions, w.completed) for w in weeks] == [
            (date(2024, 2, 19), 1, 1),
            (date(2024, 2, 26), 0, 0),
            (date(2024, 3, 4), 5, 4),
            (date(2024, 3, 11), 1, 0),
        ]
        last2 = h.sessions_per_week(date(2024, 3, 13), weeks=2)
        assert [w.sessions for w in last2] == [5, 1]

        recent = h.recent_sessions(2)
        assert recent[0].started_at == ts(2024, 3, 12) and recent[0].exercises_done == 0
        assert recent[1].duration == 300 and recent[1].exercises_done == 2


def test_a_sped_up_session_is_marked_and_kept_out_of_the_statistics(db: Path) -> None:
    with History.open(db) as h:
        real = full_session(h, ts(2024, 3, 4))
        sped_up = h.start_session("back exercises", ts(2024, 3, 5), speed=50)
        h.record(sped_up, "exercise_done", ts(2024, 3, 5) + 1, {"exercise": "bridge"})
        h.record(sped_up, "pain", ts(2024, 3, 5) + 2, {"words": "it hurts"})
        h.end_session(sped_up, ts(2024, 3, 5) + 3, completed=True)
        assert [(s.id, s.speed) for s in h.sessions()] == [(real, 1.0), (sped_up, 50.0)]
        assert h.streak_days(date(2024, 3, 5)) == 1  # the real Monday only
        assert [(w.sessions, w.completed) for w in h.sessions_per_week(date(2024, 3, 5))] == [(1, 1)]
        assert [r.words for r in h.pain_reports(real_only=True)] == []
        assert [r.words for r in h.pain_reports()] == ["it hurts"]  # still in the table and the export
        out = Console(file=io.StringIO(), width=120, color_system=None)
        history_cli.show_history(h, out, today=date(2024, 3, 5))
        lines = out.file.getvalue().splitlines()  # type: ignore[attr-defined]
        marked = [n for n, line in enumerate(lines) if "sped up ×50" in line]
        assert len(marked) == 1 and "Tue 05 Mar 2024" in lines[marked[0] - 1]  # under the sped-up row's result
        exported = io.StringIO()
        h.export("json", exported)
        assert [s["speed"] for s in json.loads(exported.getvalue())["sessions"]] == [1.0, 50.0]


def test_a_rehearsal_and_a_real_session_are_offered_back_each_to_its_own_kind(db: Path) -> None:
    with History.open(db) as h:
        real = full_session(h, ts(2024, 3, 4), pain=True)  # ended early
        rehearsal = h.start_session("back exercises", ts(2024, 3, 5), speed=50)
        h.record(rehearsal, "exercise_start", ts(2024, 3, 5) + 1, {"exercise": "bridge"})
        real_offer, rehearsal_offer = h.unfinished_session(sped_up=False), h.unfinished_session(sped_up=True)
        assert real_offer is not None and real_offer.session_id == real
        assert rehearsal_offer is not None and rehearsal_offer.session_id == rehearsal
        h.end_session(real, ts(2024, 3, 6), completed=True)
        assert h.unfinished_session(sped_up=False) is None  # the latest real session was finished


def test_a_history_file_from_before_the_speed_column_is_read(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, started_at REAL NOT NULL, ended_at REAL,"
                 " completed INTEGER NOT NULL DEFAULT 0, routine_name TEXT NOT NULL DEFAULT '',"
                 " offer_dismissed INTEGER NOT NULL DEFAULT 0)")
    conn.execute("INSERT INTO sessions (started_at, completed) VALUES (?, 1)", (ts(2024, 3, 4),))
    conn.commit()
    conn.close()
    with History.open(db) as h:
        assert h.warning is None and [s.speed for s in h.sessions()] == [1.0]


def test_empty_history_stats(db: Path) -> None:
    with History.open(db) as h:
        assert h.streak_days(date(2024, 1, 1)) == 0
        assert h.sessions_per_week(date(2024, 1, 1)) == []
        assert h.recent_sessions() == [] and h.pain_reports() == []


# -------------------------------------------------------------- export


def test_export_csv(db: Path) -> None:
    with History.open(db) as h:
        full_session(h, ts(2024, 3, 4))
        sid = full_session(h, ts(2024, 3, 5), pain=True)
        out = io.StringIO()
        count = h.export("csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(rows) == 7 + 7
    pain = [r for r in rows if r["kind"] == "pain"]
    assert len(pain) == 1
    assert pain[0]["words"] == "it hurts" and pain[0]["exercise"] == "bridge"
    assert pain[0]["session_id"] == str(sid) and pain[0]["session_completed"] == "no"
    assert pain[0]["time"].startswith("2024-03-05T09:02:10")
    rep = next(r for r in rows if r["kind"] == "rep_done")
    assert (rep["side"], rep["rep"], rep["hold_seconds"]) == ("left", "1", "5")
    assert json.loads(rep["data_json"])["position"]["exercise"] == "pelvic_tilt"


def test_export_json(db: Path) -> None:
    with History.open(db) as h:
        full_session(h, ts(2024, 3, 4))
        full_session(h, ts(2024, 3, 5), pain=True)
        out = io.StringIO()
        h.export("json", out)
        with pytest.raises(ValueError):
            h.export("xml", io.StringIO())  # type: ignore[arg-type]
    document = json.loads(out.getvalue())
    assert document["format"] == "voiceguide-history"
    first, second = document["sessions"]
    assert first["completed"] is True and second["completed"] is False
    assert first["started"].startswith("2024-03-04T09:00:00")
    assert [e["kind"] for e in second["events"]][-1] == "pain"
    assert second["events"][-1]["data"]["words"] == "it hurts"


# ------------------------------------------------------------------ CLI


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    history_cli.add_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_cli_table(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path))
    with History.open() as h:
        full_session(h, ts(2024, 3, 4))
        full_session(h, ts(2024, 3, 5), pain=True)
    out = Console(file=io.StringIO(), width=160, color_system=None)
    code = history_cli.run_history(parse(["history"]), console=out, today=date(2024, 3, 5))
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert code == 0
    assert "Tue 05 Mar 2024 09:00" in text and '"it hurts" (bridge)' in text
    assert "stopped early" in text and "completed" in text
    assert "Current streak: 2 days" in text
    assert "Sessions per week" in text


def test_cli_table_fits_80_columns_without_cutting_a_word(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path))
    with History.open() as h:
        full_session(h, ts(2024, 3, 4))
        full_session(h, ts(2024, 3, 5), pain=True)
        sid = h.start_session("back exercises", ts(2024, 3, 5, 18), speed=50)
        h.record(sid, "exercise_skipped", ts(2024, 3, 5, 18) + 1, {"exercise": "bridge"})
        h.end_session(sid, ts(2024, 3, 5, 18) + 700, completed=False)
    out = Console(file=io.StringIO(), width=80, color_system=None)
    history_cli.run_history(parse(["history"]), console=out, today=date(2024, 3, 5))
    lines = out.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert max(len(line) for line in lines) <= 80 and "…" not in "".join(lines)
    header = next(line for line in lines if "Date" in line)
    for title in ("Date", "Duration", "Exercises", "Result", "Pain reports"):
        assert title in header
    for cell in ("Tue 05 Mar 2024 18:00", "11 min 40 s", "+1 skipped", "stopped early", "sped up ×50",
                 "Mon 04 Mar 2024 09:00", "completed"):
        assert any(cell in line for line in lines), cell


def test_cli_export_to_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path))
    with History.open() as h:
        full_session(h, ts(2024, 3, 4))
    target = tmp_path / "out.csv"
    assert history_cli.run_history(parse(["history", "--export", "csv", "-o", str(target)])) == 0
    assert target.read_text().startswith("session_id,routine_name")


def test_cli_export_to_stdout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path))
    with History.open() as h:
        full_session(h, ts(2024, 3, 4))
    assert history_cli.run_history(parse(["history", "--export", "json"])) == 0
    assert len(json.loads(capsys.readouterr().out)["sessions"]) == 1


def test_cli_plot_writes_png(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path))
    with History.open() as h:
        for day in (4, 6, 12, 20):
            full_session(h, ts(2024, 3, day), pain=day == 12)
    target = tmp_path / "chart.png"
    assert history_cli.run_history(parse(["history", "--plot", str(target)])) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 5000


def test_cli_table_names_the_exercise_in_a_pain_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path))
    with History.open() as h:
        journal = SessionJournal(h, "Exercises for a healthy back")
        position = {"exercise": "lower_trunk_rotation", "exercise_name": "Lower trunk rotation", "exercise_index": 2,
                    "set": 0, "side": "left", "rep": 2}
        journal.record(Record("session_start", ts(2024, 3, 4), {}))
        journal.record(Record("pain", ts(2024, 3, 4, 9, 5), {"words": "it hurts", **position}))
    out = Console(file=io.StringIO(), width=100, color_system=None)
    assert history_cli.run_history(parse(["history"]), console=out, today=date(2024, 3, 4)) == 0
    text = " ".join(out.file.getvalue().split())  # type: ignore[attr-defined]
    assert '"it hurts" (Lower trunk rotation)' in text and "lower_trunk" not in text


@pytest.mark.parametrize("name, magic", [("chart.png", b"\x89PNG"), ("chart.svg", b"<?xml"), ("chart.pdf", b"%PDF")])
def test_cli_plot_writes_the_format_its_name_says(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str,
                                                 magic: bytes) -> None:
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path))
    with History.open() as h:
        full_session(h, ts(2024, 3, 4), pain=True)
    target = tmp_path / name
    assert history_cli.run_history(parse(["history", "--plot", str(target)])) == 0
    assert target.read_bytes().startswith(magic)


def test_cli_plot_refuses_a_format_it_cannot_write(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path))
    errors = Console(file=io.StringIO(), width=300, color_system=None)
    target = tmp_path / "h.jpg"
    assert history_cli.run_history(parse(["history", "--plot", str(target)]), errors=errors) == 2
    assert not target.exists()
    message = errors.file.getvalue()  # type: ignore[attr-defined]
    assert message.startswith("voiceguide: --plot writes PNG, SVG or PDF") and message.count("\n") == 1


def test_the_plot_has_axis_labels(tmp_path: Path) -> None:
    with History.open(tmp_path / "history.sqlite3") as h:
        full_session(h, ts(2024, 3, 4), pain=True)
        figure = history_cli.history_figure(h)
    top, bottom = figure.axes
    assert (top.get_xlabel(), top.get_ylabel()) == ("Week starting", "Sessions")
    assert (bottom.get_xlabel(), bottom.get_ylabel()) == ("Day", "Reports")


def test_a_continued_session_counts_what_it_carried_and_damaged_carried_data_is_ignored(db: Path) -> None:
    with History.open(db) as h:
        sid = h.start_session("back exercises", 1.0)
        carried = {"done": ["pelvic_tilt", 7], "skipped": "knee_to_chest", "pain_in": ["bridge"],
                   "holds": [["bridge", 0, 1, None], ["bridge", "x", 2, None], "junk"]}
        h.record(sid, "resume", 2.0, {"offered": True, "carried": carried, "exercise": "bridge", "exercise_index": 4,
                                      "set": 0, "rep": 2, "side": None})
        h.record(sid, "rep_done", 3.0, {"exercise": "bridge", "exercise_index": 4, "set": 0, "rep": 2, "side": None})
        h.record(sid, "exercise_done", 4.0, {"exercise": "lower_trunk_rotation"})
        h.record(sid, "resume", 5.0, {"carried": "not a mapping"})
        offer = h.unfinished_session()
    assert offer is not None
    assert offer.exercises_done == ("pelvic_tilt", "lower_trunk_rotation")
    assert offer.exercises_skipped == () and offer.pain_exercises == ("bridge",)
    assert offer.holds_done == (("bridge", 0, 1, None), ("bridge", 0, 2, None))


@pytest.mark.parametrize("days", [(4, 5, 6), tuple(range(1, 29))])
def test_the_weekly_chart_marks_weeks_not_days(tmp_path: Path, days: tuple[int, ...]) -> None:
    from matplotlib.dates import num2date

    with History.open(tmp_path / "history.sqlite3") as h:
        for day in days:  # one week of sessions, or four
            full_session(h, ts(2024, 2 if len(days) > 3 else 3, day), pain=day == days[0])
        figure = history_cli.history_figure(h, today=date(2024, 3, 6))
    figure.canvas.draw()
    top, bottom = figure.axes
    low, high = top.get_xlim()
    ticks = [num2date(t).date() for t in top.get_xticks() if low <= t <= high]
    assert ticks and all(tick.weekday() == 0 for tick in ticks)  # a tick per week (its Monday), none per day
    widest = max(bar.get_width() for bar in top.patches)
    assert widest <= 7 and widest < (high - low) / 2  # a week's bar is a week wide, not the whole chart
    assert not top.get_shared_x_axes().joined(top, bottom)  # the daily pain chart has its own days
    low, high = bottom.get_xlim()
    pain_ticks = [num2date(t) for t in bottom.get_xticks() if low <= t <= high]
    assert pain_ticks and all((tick.hour, tick.minute) == (0, 0) for tick in pain_ticks)  # days, not hours
    assert bottom.patches[0].get_width() < (high - low) / 2


def test_a_real_session_is_not_offered_to_continue_a_rehearsal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from voiceguide.session import prepare_session

    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VOICEGUIDE_CONFIG_DIR", str(tmp_path / "config"))
    rehearsal = prepare_session(None, None, notice=lambda message: None, speed=50)
    rehearsal.journal.record(Record("session_start", 1000.0, {}))
    rehearsal.journal.record(Record("rep_done", 1010.0, coach_position(1, "knee_to_chest", 2, "right")))
    rehearsal.close()
    real = prepare_session(None, None, notice=lambda message: None)
    assert real.coach.resume_offer is None
    real.close()
    again = prepare_session(None, None, notice=lambda message: None, speed=50)
    assert again.coach.resume_offer is not None  # a rehearsal still offers back the rehearsal
    again.close()
