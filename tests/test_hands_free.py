"""Hands-free, for real: the `voiceguide` command on a private PulseAudio server.

The coach runs as users run it (a subprocess, default devices). Its speaker
is the null sink ``coach_speaker``, which the tests record; its microphone is
the monitor of ``user_mouth``, into which the tests play the user's commands,
synthesised with espeak-ng. Speech recognition is pocketsphinx (the engine
that works without a download). Time is compressed with --speed; speech is
real-time, so the session uses a routine with one repetition of everything.
"""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import yaml

from voiceguide.bench.pulse import MIC_SOURCE, PulseServer, read_wav, synthesise
from test_text_mode import VOICEGUIDE

pytestmark = [pytest.mark.audio, pytest.mark.slow]


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


class HandsFree:
    """The hands-free coach in a subprocess; its captions come with the time they started."""

    def __init__(self, pulse: PulseServer, tmp_path: Path, *args: str) -> None:
        env = {
            **pulse.env,
            "VOICEGUIDE_DATA_DIR": str(tmp_path / "data"),
            "VOICEGUIDE_CONFIG_DIR": str(tmp_path / "config"),
        }
        self.pulse = pulse
        self.process = subprocess.Popen(
            [VOICEGUIDE, "start", "--engine", "pocketsphinx", "--require-audio", "--show-heard", "--rate", "210", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1, env=env,
        )
        self.captions: list[tuple[float, str]] = []
        self.errors: list[str] = []
        self._lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_errors, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put((time.monotonic(), line.rstrip("\n")))
        self._lines.put(None)

    def _read_errors(self) -> None:
        for line in self.process.stderr:
            self.errors.append(line.rstrip("\n"))

    def expect(self, words: str, timeout: float = 60) -> tuple[float, str]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                item = self._lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {words!r} in time; said: {[c for _, c in self.captions[-6:]]}; stderr: {self.errors[-6:]}")
            if item is None:
                raise AssertionError(f"the coach ended before {words!r}; said: {[c for _, c in self.captions[-6:]]}; stderr: {self.errors[-6:]}")
            self.captions.append(item)
            if words in item[1]:
                return item

    def say(self, text: str, wait: bool = True) -> Path:
        path = synthesise(text, voice="en-us", rate=150)
        self.pulse.play_into_mic(path, wait=wait)
        return path

    def say_until(self, text: str, words: str, attempts: int = 3, timeout: float = 8) -> tuple[float, str]:
        """Say a command, and say it again (as a person would) if the coach did not react."""
        for attempt in range(attempts):
            self.say(text)
            try:
                return self.expect(words, timeout=timeout)
            except AssertionError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def heard(self) -> list[str]:
        return [line for line in self.errors if line.startswith("heard:")]

    def finish(self, timeout: float = 60) -> int:
        self.process.stdin.close()
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def coach(pulse, tmp_path):
    sessions: list[HandsFree] = []

    def start(*args: str) -> HandsFree:
        session = HandsFree(pulse, tmp_path, *args)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.kill()


def speech_end(path: Path) -> float:
    """Seconds from the start of a synthesised file to the end of its speech."""
    samples, rate = read_wav(path)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 500)
    return (loud[-1] + 1) / rate


def quiet_from(recording, before: float, window_ms: float = 5.0, threshold: int = 300) -> float:
    """The start of the silence that lasts until ``before`` (when the next line began)."""
    w = int(recording.sample_rate * window_ms / 1000)
    end = recording.index_at(before) // w
    peaks = np.abs(recording.samples[: end * w].astype(np.int32)).reshape(end, w).max(axis=1)
    loud = np.flatnonzero(peaks > threshold)
    return recording.time_of((loud[-1] + 1) * w) if len(loud) else recording.start_time


def test_a_whole_session_hands_free(coach, tmp_path):
    session = coach("--routine", str(short_routine(tmp_path)), "--speed", "20")
    session.expect("Say start when you're ready.")
    session.say_until("start", "Exercise 1 of 5: Pelvic tilt.")
    for name in ("Knee to chest", "Lower trunk rotation", "Hamstring stretch", "Bridge"):
        session.expect("say next when you're ready", timeout=120)
        session.say_until("next", f": {name}.")
    session.expect("That's the whole routine", timeout=120)
    session.expect("Take care.", timeout=60)
    assert session.finish() == 0
    said = [text for _, text in session.captions]
    assert "You did 5 of 5 exercises" in " ".join(said)
    assert said.count("Hold for 2 seconds.") == 6
    assert not [line for line in session.heard() if "Pain" in line or "Stop" in line]


def test_form_check_during_pelvic_tilt_is_spoken_and_the_session_goes_on(coach, pulse, tmp_path):
    session = coach("--speed", "4")
    session.expect("Say start when you're ready.")
    session.say_until("start", "Exercise 1 of 5: Pelvic tilt.")
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
    long_line = "You can talk to me at any time."
    session.expect("Before we start")
    session.expect(long_line)
    mic = pulse.record_speaker(source=MIC_SOURCE).start()
    speaker = pulse.record_speaker().start()
    time.sleep(1.0)  # mid-sentence
    session.say(words)
    reacted, _ = session.expect(reaction, timeout=10)
    time.sleep(0.3)
    heard_in_mic = mic.stop()
    recording = speaker.stop()
    word_end = float(heard_in_mic.loud_times(threshold=500)[-1])
    silent_at = quiet_from(recording, reacted)
    latency = silent_at - word_end
    print(f"\n{words!r}: end of word -> coach silent: {1000 * latency:.0f} ms; {session.heard()}")
    assert latency <= 0.3
    assert recording.rms(word_end - 1.0, word_end - 0.5) > 300  # it was speaking before
    session.expect("spine professional" if words != "stop" else "Say yes or no.")
    if words == "stop":
        session.say_until("yes", "Stop now, and relax gently.")
        session.expect("spine professional")
    session.expect("weakness, tingling or numbness?")
    mark = len(session.captions)
    time.sleep(4)  # 16 seconds of session time at --speed 4: nothing goes on by itself
    with pytest.raises(AssertionError):
        session.expect("Exercise 1", timeout=1)
    assert not [text for _, text in session.captions[mark:] if text.startswith(("Exercise", "Hold for", "Lie on"))]


def test_the_coachs_own_voice_is_not_a_command_and_stop_still_cuts_it(coach, pulse, tmp_path):
    with pulse.loopback_speaker_to_mic(gain_db=-6):
        session = coach("--speed", "4")
        session.expect("Say start when you're ready.")  # the disclaimer: "say it hurts, or stop"
        session.say_until("start", "Exercise 1 of 5: Pelvic tilt.")
        session.expect("That's 2 of 10.", timeout=90)
        assert [line for line in session.heard() if "Pain" in line or "Stop" in line or "Symptom" in line] == []
        commands = [line for line in session.heard() if not line.startswith("heard: Start")]
        assert commands == []
        session.expect("Hold for 5 seconds.")
        session.say("stop")
        session.expect("Stopped. Are you in pain?", timeout=10)


def test_loud_noise_during_a_hold_pauses_and_asks(coach, pulse, tmp_path):
    session = coach("--speed", "1")
    session.expect("Say start when you're ready.")
    session.say_until("start", "Exercise 1 of 5: Pelvic tilt.")
    session.expect("Hold for 5 seconds.")
    time.sleep(1.5)
    rng = np.random.default_rng(3)
    noise = (rng.standard_normal(16000) * 8000).clip(-32767, 32767).astype(np.int16)
    pulse.play_into_mic(noise)
    session.expect("Is everything all right?", timeout=10)


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
