"""The hands-free coach as a subprocess on a virtual PulseAudio server.

Used by the benchmark and the real-audio tests: the `voiceguide` command is
started as users start it, its captions are read with the time they
appeared (a caption is printed when its line starts playing), and what it
heard (``--show-heard``) is collected from standard error.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from .pulse import PulseServer
from .speech import FESTIVAL_USER, speech_file

VOICEGUIDE = str(Path(sys.executable).with_name("voiceguide"))


class CoachProcess:
    def __init__(self, pulse: PulseServer, folder: Path, *args: str, engine: str = "pocketsphinx") -> None:
        env = {**pulse.env, "VOICEGUIDE_DATA_DIR": str(folder / "data"), "VOICEGUIDE_CONFIG_DIR": str(folder / "config")}
        command = [VOICEGUIDE, "start", "--engine", engine, "--require-audio", "--show-heard", *args]
        self.pulse = pulse
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1, env=env
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

    def _story(self) -> str:
        """What a failure message needs: the last lines said, every command heard, the last of standard error."""
        heard = [line for line in self.errors if line.startswith("heard:")]
        return f"said: {self.last_said()}; heard: {heard}; stderr: {self.errors[-10:]}"

    def expect(self, words: str, timeout: float = 60) -> tuple[float, str]:
        """Wait for a caption containing ``words``; AssertionError if none comes in time."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                item = self._lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {words!r} in time; {self._story()}") from None
            if item is None:
                raise AssertionError(f"the coach ended before {words!r}; {self._story()}")
            self.captions.append(item)
            if words in item[1]:
                return item

    def drain(self, seconds: float) -> None:
        """Take in the captions of the next ``seconds``."""
        try:
            self.expect("\0never\0", seconds)
        except AssertionError:
            pass

    def last_said(self, count: int = 6) -> list[str]:
        return [text for _, text in self.captions[-count:]]

    def say(self, text: str, wait: bool = True, voice: str = FESTIVAL_USER) -> Path:
        """Play ``text``, synthesised, into the coach's microphone."""
        path = speech_file(text, voice=voice, rate=150)
        self.pulse.play_into_mic(path, wait=wait)
        return path

    def heard(self) -> list[str]:
        return [line for line in self.errors if line.startswith("heard:")]

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_memory_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def finish(self, timeout: float = 60) -> int:
        self.process.stdin.close()
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def quiet_from(recording, before: float, window_ms: float = 5.0, threshold: int = 300) -> float:
    """When the silence that lasts until ``before`` began (the cut, when ``before`` is the next line)."""
    w = int(recording.sample_rate * window_ms / 1000)
    end = max(1, recording.index_at(before) // w)
    peaks = np.abs(recording.samples[: end * w].astype(np.int32)).reshape(end, w).max(axis=1)
    loud = np.flatnonzero(peaks > threshold)
    return recording.time_of((loud[-1] + 1) * w) if len(loud) else recording.start_time


def sound_from(recording, after: float, threshold: int = 300) -> float | None:
    """The first time after ``after`` that the recording is loud."""
    loud = recording.loud_times(threshold=threshold)
    later = loud[loud > after]
    return float(later[0]) if len(later) else None


def word_end(mic_recording, threshold: int = 500) -> float | None:
    """When the last loud sound in the microphone ended (the end of the user's word)."""
    loud = mic_recording.loud_times(threshold=threshold)
    return float(loud[-1]) if len(loud) else None
