"""Hands-free, for real: the `voiceguide` command on a private PulseAudio server.

The coach runs as users run it (a subprocess, default devices). Its speaker
is the null sink ``coach_speaker``, which the tests record; its microphone is
the monitor of ``user_mouth``, into which the tests play the user's commands,
synthesised with Festival and espeak-ng. Speech recognition is Whisper, the
default engine (the whole session runs on pocketsphinx too, the fallback).
Time is compressed with --speed; speech is real-time, so the session uses a
routine with one repetition of everything.
"""

from __future__ import annotations

import json
import subprocess
import time
from importlib import resources
from pathlib import Path

import pytest
import yaml

from tests.support.coach_process import VOICEGUIDE, CoachProcess, quiet_from, word_end
from tests.support.pulse import MIC_SOURCE, PulseServer
from tests.support.speech import FESTIVAL_USER
from voiceguide.coach import READY_PROMPT
from voiceguide.voice_memory import FILE_NAME

pytestmark = [pytest.mark.audio, pytest.mark.slow]

# The users: Festival's HTS voice and espeak-ng's. The engines hear both
# worse than a person (see the benchmark), so a test, like a person, says a
# command again (in the other voice) when it was not heard.
VOICES = (FESTIVAL_USER, "en-us")
# How the users begin: what the coach asks for (READY_PROMPT). A bare
# "start" is sometimes taken for "stop" (see voiceguide.coach.READY_PROMPT).
USER_START = "let's begin"


def short_routine(folder: Path) -> Path:
    """The packaged routine with one repetition and short holds: same shape, less time."""
    data = yaml.safe_load(resources.files("voiceguide.routines").joinpath("back.yaml").read_text())
    for exercise in data["exercises"]:
        for part in exercise["sets"]:
            part["reps"] = 1
            part["hold"] = 2
    path = folder / "short.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


class HandsFree(CoachProcess):
    """The hands-free coach, as a person would use it."""

    def __init__(self, pulse: PulseServer, tmp_path: Path, *args: str, engine: str = "whisper") -> None:
        super().__init__(pulse, tmp_path, "--rate", "210", *args, engine=engine)

    def say_until(self, text: str, words: str, attempts: int = 6, timeout: float = 8) -> tuple[float, str]:
        """Say a command, and say it again (as a person would) if the coach did not react."""
        for attempt in range(attempts):
            self.say(text, voice=VOICES[attempt % len(VOICES)])
            try:
                return self.expect(words, timeout=timeout)
            except AssertionError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")


@pytest.fixture
def coach(pulse, tmp_path):
    sessions: list[HandsFree] = []

    def start(*args: str, engine: str = "whisper") -> HandsFree:
        session = HandsFree(pulse, tmp_path, *args, engine=engine)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.kill()


@pytest.mark.parametrize("engine", ["whisper", "pocketsphinx"])
def test_a_whole_session_hands_free(coach, tmp_path, engine):
    session = coach("--routine", str(short_routine(tmp_path)), "--speed", "20", engine=engine)
    session.expect(READY_PROMPT)
    time.sleep(2.5)  # the user answers once the coach is quiet
    session.say_until(USER_START, "Exercise 1 of 5: Pelvic tilt.")
    for name in ("Knee to chest", "Lower trunk rotation", "Hamstring stretch", "Bridge"):
        session.expect("say next when you're ready", timeout=120)
        session.say_until("next", f": {name}.")
    session.expect("That's the whole routine", timeout=120)
    session.expect("Take care.", timeout=60)
    assert session.finish() == 0
    said = [text for _, text in session.captions]
    assert "You did 5 of 5 exercises" in " ".join(said)
    assert said.count("Hold for 2 seconds.") == 1 + 2 + 1 + 2 + 2 + 1  # each side counts
    assert not [line for line in session.heard() if "Pain" in line or "Stop" in line]
    if engine != "pocketsphinx":  # Whisper keeps nothing of a voice between sessions
        assert not (tmp_path / "data" / FILE_NAME).exists()
        return
    # What pocketsphinx learnt of the user's voice is kept, and the next session starts from it.
    kept = json.loads((tmp_path / "data" / FILE_NAME).read_text())
    assert [key.split(" | ")[0] for key in kept] == ["pocketsphinx"]
    next_session = coach("--routine", str(short_routine(tmp_path)), "--speed", "20", engine=engine)
    next_session.expect(READY_PROMPT)
    assert [line for line in next_session.errors if "starts from what it learnt of your voice" in line]


def test_form_check_during_pelvic_tilt_is_spoken_and_the_session_goes_on(coach, pulse, tmp_path):
    session = coach("--speed", "4")
    session.expect(READY_PROMPT)
    time.sleep(2.5)  # the user answers once the coach is quiet
    session.say_until(USER_START, "Exercise 1 of 5: Pelvic tilt.")
    session.expect("That's 1 of 10.")
    recorder = pulse.record_speaker().start()
    session.say_until("how do i check my form", "Pelvic tilt. Using the same hand, place your pinky finger on your hip bone")
    answer_start, _ = session.captions[-1]
    second, _ = session.expect("the space between your pinky and thumb should get smaller")
    back, _ = session.expect("Hold for 5 seconds.")
    session.expect("That's 2 of 10.", timeout=60)
    recording = recorder.stop()
    assert recording.rms(answer_start, second) > 300  # the answer is real sound on the speaker
    assert recording.rms(second, back) > 300
    assert [line for line in session.heard() if "Form" in line]


@pytest.mark.parametrize("words, reaction", [("it hurts", "Stop now, and relax gently."), ("stop", "Stopped. Are you in pain?")])
def test_stop_and_pain_cut_the_coach_mid_sentence(coach, pulse, tmp_path, words, reaction):
    session = coach("--speed", "4")
    session.expect("Before we start")
    for attempt in range(4):  # a person says it again when not heard; each try is measured on its own
        time.sleep(1.0)  # mid-sentence
        mic = pulse.record_speaker(source=MIC_SOURCE).start()
        speaker = pulse.record_speaker().start()
        time.sleep(0.2)
        session.say(words, voice=VOICES[attempt % len(VOICES)])
        try:
            reacted, _ = session.expect(reaction, timeout=4)
            break
        except AssertionError:
            mic.stop(), speaker.stop()
            if attempt == 3:
                raise
    time.sleep(0.3)
    heard_in_mic = mic.stop()
    recording = speaker.stop()
    end = word_end(heard_in_mic)
    latency = quiet_from(recording, reacted) - end
    hushes = [line for line in session.errors if line.startswith(("hushed", "the coach goes on"))]
    print(f"\n{words!r}: end of word -> coach silent: {1000 * latency:.0f} ms; {session.heard()}; {hushes}")
    # 0.07-0.12 s with both cores kept busy by another program (docs/listening.md); the design's target is 0.25 s.
    assert latency <= 0.2, (hushes, session.errors[-12:])
    assert recording.rms(end - 0.6, end - 0.1) > 300  # it was speaking while the user spoke
    if words == "stop":  # "Stopped. Are you in pain? Say yes or no."
        session.say_until("yes", "Stop now, and relax gently.")
    session.expect("spine professional")
    session.expect("weakness, tingling or numbness?")
    mark = len(session.captions)
    session.drain(4)  # 16 seconds of session time at --speed 4: nothing goes on by itself
    assert not [text for _, text in session.captions[mark:] if text.startswith(("Exercise", "Hold for", "Lie on", READY_PROMPT))]


def test_the_coachs_own_voice_is_not_a_command(coach, pulse, tmp_path):
    echo = pulse.loopback_speaker_to_mic(gain_db=-6)  # as loud as a speaker next to the microphone
    try:
        session = coach("--speed", "4")
        session.expect(READY_PROMPT)  # the disclaimer: "say it hurts, or stop"
        time.sleep(2.5)  # the user answers once the coach is quiet
        # Before the user says a word, all the microphone heard was the coach (under load it was
        # heard as unclear speech, answered with a line that was heard as Repeat, in a loop).
        assert [line for line in session.errors if line.startswith("heard:")] == []
        session.say_until(USER_START, "Exercise 1 of 5: Pelvic tilt.")
        time.sleep(1.0)
        mark = len(session.errors)
        mic = pulse.record_speaker(source=MIC_SOURCE).start()
        session.expect("That's 2 of 10.", timeout=90)  # 20 s and more of the coach alone
        assert mic.stop().rms() > 300  # the microphone heard the coach, loud
        # Only the user's own "let's begin", said again when the coach was slow to react under load, may be heard.
        heard = [line for line in session.errors[mark:] if line.startswith("heard:")]
        assert [line for line in heard if not line.startswith("heard: Start (\"let's begin\"")] == []
        # The user's "stop" over the same echo, a minute into the session (the welcome said "stop" too):
        # the canceller took the coach out of what the recognizer heard, so the stop is the user's even
        # though the microphone as a whole sounds like the coach (docs/listening.md).
        session.say("stop")
        session.expect("Stopped.", timeout=6)
    finally:
        echo.unload()


def test_a_cry_it_cannot_place_during_a_hold_pauses_and_asks(coach, pulse, tmp_path):
    session = coach("--speed", "1")
    session.expect(READY_PROMPT)
    session.say_until(USER_START, "Exercise 1 of 5: Pelvic tilt.")
    session.expect("Hold for 5 seconds.")
    time.sleep(1.5)
    # A groan, no command in it: the coach cannot place it, so it must not count on.
    session.say("aaargh oh oh mmm", voice="en-us")
    reaction = session.expect("", timeout=10)[1]
    while reaction.isdigit():  # a count already on its way
        reaction = session.expect("", timeout=10)[1]
    # A pause to ask, or a (false) pain stop: never a count that goes on.
    assert reaction.startswith(("I heard something. Is everything all right?", "Stop now, and relax gently.")), reaction


def test_no_audio_device_is_one_sentence(tmp_path):
    env = {
        "PULSE_SERVER": f"unix:{tmp_path}/nothing-here", "VOICEGUIDE_DATA_DIR": str(tmp_path / "d"),
        "VOICEGUIDE_CONFIG_DIR": str(tmp_path / "c"), "PATH": "/usr/bin:/bin",
    }
    strict = subprocess.run([VOICEGUIDE, "start", "--engine", "pocketsphinx", "--require-audio"], env=env,
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    if "No audio" not in strict.stderr:
        pytest.skip("this machine has a sound card of its own")
    assert strict.returncode == 2 and "Traceback" not in strict.stderr
    assert len([line for line in strict.stderr.splitlines() if line.strip()]) == 1
    fallback = subprocess.run([VOICEGUIDE, "start", "--engine", "pocketsphinx", "--speed", "50"], env=env, input="end\n",
                              capture_output=True, text=True, timeout=60)
    assert fallback.returncode == 0 and "Take care." in fallback.stdout and "Traceback" not in fallback.stderr
