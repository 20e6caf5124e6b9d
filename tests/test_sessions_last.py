"""Sessions that last: a killed session is offered back; pain reports reach the history."""

from __future__ import annotations

import json
import os
import signal
import subprocess

import pytest

from tests.support.coach_process import VOICEGUIDE
from tests.support.typed_session import TextSession

pytestmark = pytest.mark.subprocess  # each test runs the installed command


def test_a_killed_session_is_offered_back_where_it_stopped(data_dirs):
    env = data_dirs
    first = TextSession("--speed", "40", env=env)
    first.expect("say let's begin")
    first.type("start")
    first.expect("Next is knee to chest")
    first.type("next")
    first.expect("Bring your left knee toward your chest.")
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)

    second = TextSession("--speed", "40", env=env)
    offer = second.expect("Do you want to continue where you left off")
    assert "at knee to chest, left side?" in offer
    second.type("yes")
    second.expect("Okay, let's continue where you left off.")
    assert second.expect("Bring your left knee toward your chest.")
    second.type("end")
    second.expect("Take care.")
    assert second.finish() == 0

    # "end" also stops before the end: offered again, declined this time.
    third = TextSession("--speed", "40", env=env)
    third.expect("continue where you left off, at knee to chest, left side?")
    third.type("no")
    third.expect("Okay, we'll start from the beginning.")
    third.process.send_signal(signal.SIGKILL)
    third.process.wait(timeout=10)

    # An offer is made once, and a session that did nothing leaves nothing to offer.
    fourth = TextSession("--speed", "40", env=env)
    fourth.expect("When you're ready, say let's begin.")
    assert not [line for line in fourth.lines if "continue where you left off" in line]
    fourth.type("end")
    fourth.expect("Take care.")
    assert fourth.finish() == 0


def test_after_pain_skip_and_end_of_input_the_offer_is_the_next_exercise(data_dirs):
    first = TextSession("--speed", "40", env=data_dirs)
    first.expect("say let's begin")
    first.type("start")
    first.expect("Next is knee to chest")
    first.type("next")
    first.expect("Bring your left knee toward your chest.")
    first.type("it hurts")
    first.expect("weakness, tingling or numbness?")
    first.type("skip")
    first.expect("Next is lower trunk rotation")
    assert first.finish() == 0  # end of input

    second = TextSession("--speed", "40", env=data_dirs)
    offer = second.expect("Do you want to")
    assert "reported pain during knee to chest" in offer and "go on with the next exercise, lower trunk rotation?" in offer
    second.type("yes")
    second.expect("Exercise 3 of 5: Lower trunk rotation.")
    second.type("end")
    second.expect("Take care.")
    assert second.finish() == 0


def test_pain_reports_are_in_the_history_export(data_dirs):
    env = data_dirs
    session = TextSession("--speed", "40", env=env)
    session.expect("say let's begin")
    session.type("start")
    session.expect("That's 2 of 10.")
    session.type("my back hurts")
    session.expect("weakness, tingling or numbness?")
    session.type("end")
    session.expect("Take care.")
    assert session.finish() == 0

    result = subprocess.run(
        [VOICEGUIDE, "history", "--export", "json"], capture_output=True, text=True, timeout=60,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    text = json.dumps(exported)
    assert "my back hurts" in text and "pelvic_tilt" in text
    table = subprocess.run([VOICEGUIDE, "history"], capture_output=True, text=True, timeout=60, env={**os.environ, **env})
    assert table.returncode == 0 and "Traceback" not in table.stderr


def test_settings_choose_the_level(data_dirs):
    env = data_dirs
    result = subprocess.run([VOICEGUIDE, "config", "set", "level", "full"], capture_output=True, text=True, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    bad = subprocess.run([VOICEGUIDE, "config", "set", "level", "extreme"], capture_output=True, text=True, env={**os.environ, **env})
    assert bad.returncode == 2 and "level" in bad.stdout + bad.stderr and "Traceback" not in bad.stderr
    session = TextSession("--speed", "100", env=env)
    session.expect("say let's begin")
    session.type("start")
    session.expect("Next is knee to chest")
    session.type("next")
    assert "5 times on each side" in session.expect("We'll do this")
    session.type("end")
    session.expect("Take care.")
    assert session.finish() == 0
