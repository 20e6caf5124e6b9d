"""`voiceguide start --text`: typed commands drive a real session, in real (compressed) time."""

from __future__ import annotations

import os
import pty
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.coach_process import VOICEGUIDE
from tests.support.typed_session import TextSession
from voiceguide.history import History

pytestmark = pytest.mark.subprocess  # each test runs the installed command


def test_a_whole_session_typed(data_dirs):
    session = TextSession("--speed", "100", env=data_dirs)
    session.expect("say let's begin")
    session.type("let's start")
    for name in ("Knee to chest", "Lower trunk rotation", "Hamstring stretch", "Bridge"):
        session.expect("say next when you're ready")
        session.type("next")
        session.expect(f": {name}.")
    session.expect("That's the whole routine")
    assert session.finish() == 0
    text = "\n".join(session.lines)
    assert "You did 5 of 5 exercises" in text
    assert text.count("Hold") == 10 + 6 + 3 + 10 + 6 + 10
    with History.open(Path(data_dirs["VOICEGUIDE_DATA_DIR"]) / "history.sqlite3") as history:
        (saved,) = history.sessions()
        assert saved.completed and saved.speed == 100  # a rehearsal, marked as one
        assert history.streak_days() == 0 and sum(w.sessions for w in history.sessions_per_week()) == 0


def test_form_check_and_pain_typed(data_dirs):
    session = TextSession("--speed", "20", env=data_dirs)
    session.expect("say let's begin")
    session.type("start")
    session.expect("That's 1 of 10.")
    session.type("how do I check my form?")
    session.expect("pinky finger on your hip bone and your thumb on your lowest rib")
    session.expect("space between your pinky and thumb should get smaller")
    session.expect("Hold for 5 seconds.")
    session.type("it hurts")
    session.expect("Stop now, and relax gently.")
    session.expect("spine professional")
    session.expect("weakness, tingling or numbness?")
    session.type("no")
    session.expect("I won't go on by myself")
    time.sleep(1.0)  # at speed 20, that is 20 seconds of rest: nothing goes on
    session.type("end")
    session.expect("Take care.")
    assert session.finish() == 0
    after_pain = session.lines[session.lines.index("Stop now, and relax gently."):]
    assert not [line for line in after_pain if line.startswith(("Hold for", "Breathe out", "That's"))]


def test_a_piped_script_ends_with_its_input(data_dirs):
    result = subprocess.run(
        [VOICEGUIDE, "start", "--text", "--speed", "5"],
        input="start\n", capture_output=True, text=True, timeout=60, env={**os.environ, **data_dirs},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Exercise 1 of 5: Pelvic tilt." in lines  # the script's line was answered before its end was
    assert "4" not in lines and "That's" not in result.stdout  # nothing counted after the input ended
    assert "Input ended" in result.stderr and "Traceback" not in result.stderr


def test_a_piped_script_is_answered_line_by_line(data_dirs):
    script = "let's begin\nwhere am I\nhow do I check my form\nend\n"
    result = subprocess.run(
        [VOICEGUIDE, "start", "--text", "--speed", "20"],
        input=script, capture_output=True, text=True, timeout=60, env={**os.environ, **data_dirs},
    )
    assert result.returncode == 0 and "Input ended" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    order = [
        "When you're ready, say let's begin.",
        "Exercise 1 of 5: Pelvic tilt.",
        "This is pelvic tilt, exercise 1 of 5. Repetition 1 of 10. After this comes knee to chest.",
        "Okay, we'll end the session here.",
        "Take care.",
    ]
    assert [line for line in lines if line in order] == order
    status = lines.index(order[2])
    assert any("space between your pinky and thumb" in line for line in lines[status:])  # the form check came after it


def test_a_session_in_which_nothing_was_done_is_not_kept(data_dirs):
    history_file = Path(data_dirs["VOICEGUIDE_DATA_DIR"]) / "history.sqlite3"
    for script in ("", "what's the weather like\n", "end\n"):
        result = subprocess.run([VOICEGUIDE, "start", "--text", "--speed", "50"], input=script, capture_output=True,
                                text=True, timeout=60, env={**os.environ, **data_dirs})
        assert result.returncode == 0, result.stderr
    with History.open(history_file) as history:
        assert history.sessions() == [] and history.unfinished_session() is None
    subprocess.run([VOICEGUIDE, "start", "--text", "--speed", "50"], input="let's begin\n", capture_output=True,
                   text=True, timeout=60, env={**os.environ, **data_dirs})
    with History.open(history_file) as history:
        assert len(history.sessions()) == 1


def test_at_a_keyboard_stop_cuts_the_coach_mid_line(data_dirs):
    keyboard, terminal = pty.openpty()
    process = subprocess.Popen([VOICEGUIDE, "start", "--text", "--speed", "2"], stdin=terminal, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, **data_dirs})
    os.close(terminal)
    try:
        assert process.stdout.readline().startswith("Hello.")  # the next line lasts about 4 s at --speed 2
        os.write(keyboard, b"stop\n")
        typed = time.monotonic()
        assert process.stdout.readline().startswith("Stopped.")
        assert time.monotonic() - typed < 2
        os.write(keyboard, b"end\n\x04")  # Ctrl-D: the end of input
        assert process.wait(timeout=30) == 0
    finally:
        os.close(keyboard)
        if process.poll() is None:
            process.kill()


def test_end_of_input_mid_exercise_ends_the_session_at_once_and_saves_it(data_dirs):
    session = TextSession("--speed", "5", env=data_dirs)
    session.expect("say let's begin")
    session.type("start")
    session.expect("That's 1 of 10.")
    closed = time.monotonic()
    assert session.finish(timeout=10) == 0
    assert time.monotonic() - closed < 3  # at --speed 5, the next repetition alone takes 2.5 s
    assert not [line for line in session.lines if line.startswith("That's 2")]
    assert "Input ended" in session.process.stderr.read()
    following = TextSession("--speed", "5", env=data_dirs)
    assert "at pelvic tilt?" in following.expect("continue where you left off")
    following.type("end")
    following.expect("Take care.")
    assert following.finish() == 0


def test_typed_words_that_are_not_commands_get_a_hint(data_dirs):
    session = TextSession("--speed", "50", env=data_dirs)
    session.expect("say let's begin")
    session.type("what's the weather like")
    session.expect("I couldn't make out those words.")
    session.type("end")
    session.expect("Take care.")
    assert session.finish() == 0
