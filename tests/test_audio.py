"""The audio edges with real libraries: espeak-ng via pyttsx3, PortAudio, PulseAudio.

Needs the fixtures of ``audio_fixtures`` (imported by conftest.py): a private
PulseAudio server whose null sink ``coach_speaker`` is the speaker and whose
``user_mouth.monitor`` is the microphone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import numpy as np
import pytest

from tests.support.pulse import PulseServer
from tests.support.speech import speech_file
from voiceguide.audio import AudioError, Frame, Microphone, Pcm, Player, Voice, list_devices, resample

SENTENCE = "Lie on your back with your knees bent and your feet flat on the floor."
LOUD = 300  # a peak above this is sound, below it silence (int16)


@pytest.fixture(scope="module")
def voice() -> Iterator[Voice]:
    v = Voice()
    yield v
    v.close()


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


# ------------------------------------------------------------------- voice


def test_voice_renders_a_sentence_to_speech(voice: Voice) -> None:
    pcm = voice.render(SENTENCE)
    assert voice.backend == "pyttsx3"
    assert pcm.sample_rate == 22050
    assert 2.0 < pcm.duration < 6.0
    assert pcm.rms() > 1000
    assert np.abs(pcm.samples[: int(0.05 * pcm.sample_rate)]).max() > LOUD  # leading silence trimmed


def test_voice_caches_and_prerenders(voice: Voice) -> None:
    first = voice.render("Relax.")
    started = time.perf_counter()
    again = voice.render("Relax.")
    assert again is first and time.perf_counter() - started < 0.005
    faster = voice.render("Relax.", rate_multiplier=1.5)
    assert faster.duration < first.duration
    numbers = [str(n) for n in range(10, 0, -1)]
    voice.prerender(numbers)
    assert voice.wait_prerendered(timeout=10)
    assert all(voice.is_cached(n) for n in numbers)


def test_voice_settings_and_errors(voice: Voice) -> None:
    ids = {v.id for v in voice.list_voices()}
    assert "gmw/en-us" in ids
    with pytest.raises(AudioError, match="no voice 'no-such-voice'"):
        Voice(voice="no-such-voice")
    with Voice(voice="English (America)") as named:
        assert named.voice == "gmw/en-us"
        named.voice = "de"
        assert named.voice == "gmw/de" and named.render("Hallo").rms() > 500
    slow = Voice(rate_wpm=100)
    try:
        assert slow.render("one two three four").duration > voice.render("one two three four").duration
    finally:
        slow.close()


FIRST_LINE_SCRIPT = """
import hashlib, sys
from voiceguide.audio import Voice
voice = Voice(rate_wpm=150, cache_size=0)
first = voice.render(sys.argv[1]).samples
short = voice.render(sys.argv[2]).samples
print(len(first), len(short), hashlib.sha1(first.tobytes()).hexdigest())
"""


@pytest.mark.subprocess
def test_a_fresh_voice_speaks_its_first_long_line_whole() -> None:
    """pyttsx3 2.99's first runAndWait in a process returns after one 10 ms
    tick, before espeak-ng (asynchronous) has written the file. Read then, the
    line was missing and said again, or half written (a crash in CI). A fresh
    espeak-ng renders a line the same way every time, so every process must
    give the same first line: waiting for the driver's own end of the line
    made that 42 of 42 here, against 22 of 30 before."""
    long_line = (
        "Before we start: these exercises are for general back care. Get your doctor's approval "
        "before you start this or any new physical activity."
    )
    firsts = set()
    for _ in range(6):
        done = subprocess.run(
            [sys.executable, "-c", FIRST_LINE_SCRIPT, long_line, "One."], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr[-500:]
        first, second, digest = done.stdout.split()
        assert int(first) > 22050 * 5 and int(second) > 22050 * 0.2
        firsts.add(digest)
    assert len(firsts) == 1, "fresh processes said their first line differently"


def test_a_voice_that_fails_is_a_lost_speaker_and_the_line_is_still_shown() -> None:
    from voiceguide.events import Say
    from voiceguide.audio import AudioSpeaker

    broken = Voice()
    broken.close()  # rendering now fails, as a broken synthesiser would
    captions: list[str] = []
    errors: list[AudioError] = []
    done: list[int] = []
    speaker = AudioSpeaker(broken, player=None, caption=captions.append, on_error=errors.append)  # type: ignore[arg-type]
    speaker.say(Say(1, "Hold for 5 seconds."), done.append)
    assert captions == ["Hold for 5 seconds."]
    assert len(errors) == 1 and isinstance(errors[0], AudioError)
    assert done == []  # the runner gets a lost speaker, not a line that was said


def test_resampling_keeps_speech_and_drops_aliases() -> None:
    t = np.arange(48000) / 48000
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    too_high = (8000 * np.sin(2 * np.pi * 12000 * t)).astype(np.int16)
    assert len(resample(tone, 48000, 16000)) == 16000
    assert Pcm(resample(tone, 48000, 16000), 16000).rms() == pytest.approx(8000 / np.sqrt(2), rel=0.02)
    assert Pcm(resample(too_high, 48000, 16000)[50:-50], 16000).rms() < 100
    assert abs(len(resample(tone[:22050], 22050, 44100)) - 44100) <= 1


# ------------------------------------------------------------------ player


def test_player_speaks_on_the_coach_speaker(pulse: PulseServer, voice: Voice) -> None:
    pcm = voice.render(SENTENCE)
    started, done = [], []
    with pulse.record_speaker() as recorder, Player() as player:
        t0 = time.monotonic()
        player.play(7, pcm, on_start=started.append, on_done=done.append)
        assert wait_for(lambda: player.is_speaking, 1.0)
        assert wait_for(lambda: player.current_utterance == 7, 1.0)
        assert player.wait_idle(timeout=pcm.duration + 2)
        t1 = time.monotonic()
        sent, _, heard_until = player.output_since(0)
        recording = recorder.stop()
    assert started == [7] and done == [7]
    assert Pcm(sent, player.sample_rate).rms() > 1000 and heard_until <= time.monotonic() + 0.2
    assert player.last_output_end is not None and t0 < player.last_output_end <= t1 + 0.05
    assert recording.rms(t0, t1) > 1000
    loud = recording.loud_times(LOUD)
    assert loud[0] - t0 < 0.2, "speech should start within 200 ms of play()"
    assert loud[-1] - loud[0] == pytest.approx(pcm.duration, abs=0.15)


def test_player_queues_lines_in_order(pulse: PulseServer, voice: Voice) -> None:
    order: list[tuple[str, int]] = []
    with Player() as player:
        for n, text in enumerate(["Three.", "Two.", "One."]):
            player.play(n, voice.render(text), on_start=lambda i: order.append(("start", i)),
                        on_done=lambda i: order.append(("done", i)))
        assert player.wait_idle(timeout=5)
        time.sleep(0.05)
    assert order == [("start", 0), ("done", 0), ("start", 1), ("done", 1), ("start", 2), ("done", 2)]


def test_cut_silences_the_speaker_within_100_ms(pulse: PulseServer, voice: Voice) -> None:
    pcm = voice.render(SENTENCE)
    latencies = []
    for _ in range(3):
        done: list[int] = []
        with pulse.record_speaker() as recorder, Player() as player:
            player.play(1, pcm, on_done=done.append)
            player.play(2, voice.render("Relax."), on_done=done.append)
            time.sleep(0.9)  # mid-sentence
            cut_at = time.monotonic()
            player.cut()
            assert not player.is_speaking or wait_for(lambda: not player.is_speaking, 0.1)
            time.sleep(0.4)
            recording = recorder.stop()
        loud = recording.loud_times(LOUD)
        assert loud[0] < cut_at - 0.5, "it was speaking before the cut"
        latencies.append(loud[-1] - cut_at)
        assert done == [], "on_done is never called for a cut line"
    print(f"cut -> silence on coach_speaker: {[round(x * 1000) for x in latencies]} ms")
    assert max(latencies) < 0.100
    assert np.median(latencies) < 0.050


def test_hold_pauses_the_line_where_it_is_and_it_goes_on_whole(pulse: PulseServer, voice: Voice) -> None:
    """The listener hushes the coach while a word may yet be "stop": silence at once, then the line goes on
    from where it paused (nothing of it lost), by itself after the hold or sooner when told."""
    pcm = voice.render(SENTENCE)
    length = len(pcm.samples) / pcm.sample_rate
    for early in (False, True):
        done: list[float] = []
        with pulse.record_speaker() as recorder, Player() as player:
            started = time.monotonic()
            player.play(1, pcm, on_done=lambda _: done.append(time.monotonic()))
            time.sleep(0.9)  # mid-sentence
            held_at = time.monotonic()
            player.hold(0.6)
            time.sleep(0.3)
            assert player.is_speaking  # a held line is still the coach's: the echo rules stay on
            if early:
                player.hold(0)
            assert wait_for(lambda: bool(done), length + 2)
            recording = recorder.stop()
        pause = 0.3 if early else 0.6
        loud = recording.loud_times(LOUD)
        assert not ((loud > held_at + 0.1) & (loud < held_at + pause - 0.05)).any(), "silent while held"
        assert ((loud > held_at + pause + 0.05) & (loud < held_at + pause + 0.5)).any(), "then it goes on"
        # Nothing of the line was lost: it ends later than it would unheld, by the pause (and the sound server's lag).
        assert length + pause - 0.05 <= done[0] - started <= length + pause + 0.5
    with Player() as player:
        player.hold(0.6)  # nothing playing: nothing held, and the next line starts at once
        player.play(1, pcm)
        assert wait_for(lambda: player.speaking_since is not None, 0.3)


def test_player_reports_a_vanished_speaker(pulse: PulseServer) -> None:
    errors: list[AudioError] = []
    with Player(on_error=errors.append) as player:
        time.sleep(0.2)
        assert pulse.kill_app_streams("sink-inputs")
        assert wait_for(lambda: bool(errors), 3.0)
        player.play(1, Pcm(np.zeros(100, np.int16), 22050))  # no crash after the loss
    assert "stopped" in str(errors[0])


# -------------------------------------------------------------- microphone


def hear(pulse: PulseServer, mic: Microphone, text: str) -> list[Frame]:
    time.sleep(0.2)
    mic.drain()
    pulse.play_into_mic(speech_file(text))
    time.sleep(0.2)
    return mic.drain()


def check_heard(frames: list[Frame], mic: Microphone) -> None:
    assert frames, "no frames"
    assert all(f.sample_rate == 16000 and len(f.samples) == mic.frame_samples for f in frames)
    assert sum(np.abs(f.samples).max() > LOUD for f in frames) * 0.02 > 0.3, "under 0.3 s of speech"
    times = np.array([f.time for f in frames])
    assert np.all(np.diff(times) > 0) and np.median(np.diff(times)) == pytest.approx(0.02, abs=0.003)
    assert [f.index for f in frames] == list(range(frames[0].index, frames[0].index + len(frames)))


def test_microphone_hears_speech_at_16_khz(pulse: PulseServer) -> None:
    with Microphone(frame_ms=20) as mic:
        assert not mic.resampling
        t0 = time.monotonic()
        frames = hear(pulse, mic, "Next exercise, please.")
    check_heard(frames, mic)
    first_loud = next(f for f in frames if np.abs(f.samples).max() > LOUD)
    assert t0 < first_loud.time < t0 + 0.6


def test_microphone_resamples_from_the_device_rate(pulse: PulseServer) -> None:
    with Microphone(device_rate=48000) as mic:
        assert mic.resampling and mic.device_rate == 48000
        frames = hear(pulse, mic, "How do I check my form?")
    check_heard(frames, mic)


def test_microphone_on_frame_callback(pulse: PulseServer) -> None:
    got: list[Frame] = []
    with Microphone(on_frame=got.append, frame_ms=30):
        time.sleep(0.5)
    assert len(got) > 10 and all(len(f.samples) == 480 for f in got)


def test_microphone_hears_the_speaker_through_a_loopback(pulse: PulseServer, voice: Voice) -> None:
    with pulse.loopback_speaker_to_mic(gain_db=-6), Microphone() as mic, Player() as player:
        time.sleep(0.3)
        mic.drain()
        player.play(1, voice.render("Hold it there."))
        assert player.wait_idle(timeout=5)
        time.sleep(0.2)
        frames = mic.drain()
    assert sum(np.abs(f.samples).max() > LOUD for f in frames) > 10


def test_microphone_reports_a_vanished_device(pulse: PulseServer) -> None:
    errors: list[AudioError] = []
    with Microphone(on_error=errors.append) as mic:
        time.sleep(0.3)
        assert pulse.kill_app_streams("source-outputs")
        assert wait_for(lambda: bool(errors), 3.0)
        assert mic.error is errors[0] and not mic.is_alive
    assert "microphone" in str(errors[0]) and "unplugged" in str(errors[0])


def test_microphone_reports_a_device_that_goes_quiet(pulse: PulseServer) -> None:
    errors: list[AudioError] = []
    with Microphone(on_error=errors.append, stall_timeout=0.5):
        time.sleep(0.3)
        pulse.pactl("suspend-sink", "user_mouth", "1")
        try:
            assert wait_for(lambda: bool(errors), 3.0)
        finally:
            pulse.pactl("suspend-sink", "user_mouth", "0")
    assert "no audio" in str(errors[0])


def test_unknown_devices_are_clear_errors(pulse: PulseServer) -> None:
    names = [d.name for d in list_devices()]
    assert "pulse" in names
    with pytest.raises(AudioError, match="No audio input device matches 'no such mic'.*pulse"):
        Microphone(device="no such mic")
    with pytest.raises(AudioError, match="No audio output device matches 'no such speaker'"):
        Player(device="no such speaker")
    with pytest.raises(AudioError, match="No audio input device matches 99;"):
        Microphone(device=99)


NO_DEVICE_SCRIPT = """
from voiceguide.audio import AudioError, Microphone, Player, list_devices
if list_devices():
    print("HAS-DEVICES")
for make in (Microphone, Player):
    try:
        make()
    except AudioError as exc:
        print(exc)
"""


@pytest.mark.subprocess
def test_no_device_at_all_is_a_clear_error(tmp_path) -> None:
    conf = tmp_path / "client.conf"
    conf.write_text("autospawn = no\n")
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/none", "PULSE_CLIENTCONFIG": str(conf)}
    done = subprocess.run([sys.executable, "-c", NO_DEVICE_SCRIPT], env=env, capture_output=True,
                          text=True, timeout=30)
    if "HAS-DEVICES" in done.stdout:
        pytest.skip("this machine has sound cards of its own")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("No audio input device (microphone) was found")
    assert lines[1].startswith("No audio output device (speaker) was found")
