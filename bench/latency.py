"""Latency and cost, end to end through the real audio path.

The coach runs as users run it (the `voiceguide` command, hands-free) on a
private PulseAudio server: its speaker is a null sink that is recorded, its
microphone the monitor of another null sink into which espeak-ng commands
are played. Times come from the recordings themselves: the end of the
user's word in the microphone, and the coach's audio in the speaker.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tests.support.coach_process import CoachProcess, quiet_from, sound_from, word_end
from tests.support.pulse import MIC_SOURCE, PulseServer, PulseUnavailable
from voiceguide.audio.wav import read_pcm
from voiceguide.coach import READY_PROMPT

LONG_LINE = "Do not push too hard."  # a long line the coach says at the start, mid-way through which we speak


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def cut_trial(
    pulse: PulseServer, engine: str, words: str, reaction: str, rng: random.Random, echo_db: float | None = None,
    echo_from_start: bool = True,
) -> dict:
    """Say ``words`` in the middle of a long line; how long until the coach is silent?

    With ``echo_db``, the speaker is looped into the microphone at that level
    (barge-in over the coach's own voice): from the session's start, as in a
    room, or (``echo_from_start`` False) only from the long line on, as when
    headphones are unplugged, before the canceller has learnt the new path.
    The microphone then carries the echo too, so the end of the word is taken
    from the played file instead: when its playback ended, less its trailing silence.
    """
    with tempfile.TemporaryDirectory() as folder:
        coach = CoachProcess(pulse, Path(folder), "--speed", "4", engine=engine)
        echo = None if echo_db is None or not echo_from_start else pulse.loopback_speaker_to_mic(gain_db=echo_db)
        try:
            coach.expect(LONG_LINE, 30)
            if echo_db is not None and echo is None:
                echo = pulse.loopback_speaker_to_mic(gain_db=echo_db)
            mic = pulse.record_speaker(source=MIC_SOURCE).start()
            speaker = pulse.record_speaker().start()
            time.sleep(rng.uniform(0.6, 2.0))
            path = coach.say(words)
            played_until = time.monotonic()
            try:
                reacted, _ = coach.expect(reaction, 6)
            except AssertionError:
                reacted = None
            time.sleep(0.2)
            heard_in_mic, recording = mic.stop(), speaker.stop()
            end = word_end(heard_in_mic) if echo is None else played_until - trailing_silence(path)
            if reacted is None or end is None:
                return {"ok": False, "why": f"not recognised ({coach.heard()[-1:] or 'nothing heard'})"}
            return {"ok": True, "ms": 1000 * (quiet_from(recording, reacted) - end), "heard": coach.heard()[-1:]}
        except AssertionError as error:
            return {"ok": False, "why": str(error)[:200]}
        finally:
            if echo is not None:
                echo.unload()
            coach.kill()


def trailing_silence(path: Path, threshold: int = 500) -> float:
    """Seconds of quiet at the end of a WAV file."""
    pcm = read_pcm(path)
    samples, rate = pcm.samples, pcm.sample_rate
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    return (len(samples) - (loud[-1] + 1 if len(loud) else 0)) / rate


def until_silent(pulse: PulseServer, timeout: float = 15.0) -> None:
    """Wait until the coach's speaker has been silent for a moment (or ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        recorder = pulse.record_speaker().start()
        time.sleep(0.3)
        if recorder.stop().rms() < 30:
            return


def answer_trials(pulse: PulseServer, engine: str, commands: list[tuple[str, str]], rounds: int) -> list[dict]:
    """Commands said while the coach is quiet: end of speech → its answer starts."""
    results: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        coach = CoachProcess(pulse, Path(folder), "--speed", "4", engine=engine)
        try:
            coach.expect(READY_PROMPT, 60)
            time.sleep(2.5)
            for _ in range(rounds):
                for words, reaction in commands:
                    mic = pulse.record_speaker(source=MIC_SOURCE).start()
                    speaker = pulse.record_speaker().start()
                    coach.say(words)
                    try:
                        reacted, _ = coach.expect(reaction, 6)
                    except AssertionError:
                        reacted = None
                    time.sleep(0.3)
                    heard_in_mic, recording = mic.stop(), speaker.stop()
                    end = word_end(heard_in_mic)
                    # The answer's own first sound: not the end of an earlier line still playing.
                    onset = None if end is None or reacted is None else sound_from(recording, max(end, reacted - 0.2))
                    if reacted is None or onset is None:
                        results.append({"ok": False, "words": words, "why": "not recognised"})
                    else:
                        results.append({"ok": True, "words": words, "ms": 1000 * (onset - end)})
                    coach.drain(2.0)
                    until_silent(pulse)  # the next command is said once the answer has ended
        except AssertionError as error:
            results.append({"ok": False, "why": str(error)[:200]})
        finally:
            coach.kill()
    return results


def cost(pulse: PulseServer, engine: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        coach = CoachProcess(pulse, Path(folder), "--speed", "4", engine=engine)
        try:
            first, _ = coach.expect("Hello", 30)
            time.sleep(1.0)
            start_cpu, start = coach.cpu_seconds(), time.monotonic()
            time.sleep(4.0)
            speaking = 100 * (coach.cpu_seconds() - start_cpu) / (time.monotonic() - start)
            coach.expect(READY_PROMPT, 60)
            time.sleep(3.0)  # the last line has ended: listening, idle
            start_cpu, start = coach.cpu_seconds(), time.monotonic()
            time.sleep(10.0)
            idle = 100 * (coach.cpu_seconds() - start_cpu) / (time.monotonic() - start)
            memory = coach.peak_memory_mb()
        finally:
            coach.kill()
        # The caption is printed when the line's first sample reaches the device.
        first_word = first - coach.started
        return {
            "CPU while listening, idle": {"target": "≤ 15 % of one core", "value": f"{idle:.1f} %"},
            "CPU while speaking": {"target": "", "value": f"{speaking:.1f} %"},
            "peak memory": {"target": "", "value": f"{memory:.0f} MB"},
            "start to first spoken word": {"target": "≤ 3 s", "value": f"{first_word:.2f} s"},
        }


def run_latency(out_dir: Path, quick: bool = False, engine: str = "pocketsphinx") -> dict:
    """Latency and cost numbers: {"latency": {...}, "cost": {...}} (empty when no PulseAudio)."""
    try:
        pulse = PulseServer.start()
    except PulseUnavailable as error:
        print(f"Latency not measured: {error}", file=sys.stderr)
        return {}
    rng = random.Random(5)
    trials = 3 if quick else 10
    try:
        latency: dict[str, dict] = {}
        for name, words, reaction, echo_db, from_start in (
            ("stop → coach silent", "stop", "Stopped.", None, True),
            ("pain → coach silent", "it hurts", "Stop now", None, True),
            ("stop over a −6 dB echo of the coach → coach silent", "stop", "Stopped.", -6.0, True),
            ("stop over a −6 dB echo that begins mid-line → coach silent", "stop", "Stopped.", -6.0, False),
        ):
            rows = [cut_trial(pulse, engine, words, reaction, rng, echo_db, from_start) for _ in range(trials)]
            ms = [r["ms"] for r in rows if r["ok"]]
            latency[name] = {"kind": "cut", "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "trials": f"{len(ms)} of {len(rows)} recognised", "raw": rows}
        commands = [("what can i say", "Say let's begin"), ("why", "These five exercises")]
        rows = answer_trials(pulse, engine, commands, rounds=2 if quick else 5)
        ms = [r["ms"] for r in rows if r["ok"]]
        latency["command → answer starts"] = {"kind": "answer", "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "trials": f"{len(ms)} of {len(rows)} recognised", "raw": rows}
        return {"latency": latency, "cost": cost(pulse, engine)}
    finally:
        pulse.stop()
