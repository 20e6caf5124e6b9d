"""A private PulseAudio server with virtual devices, for real-audio tests.

The server runs in a temporary directory with its own socket, cookie-less
anonymous auth, no autospawn and no default configuration (``-n``), so it
never touches the user's own sound server. It works as root too (PulseAudio
only warns). It has:

* ``coach_speaker`` - a null sink, the default sink: what the coach says.
  Record it with :meth:`PulseServer.record_speaker`.
* ``user_mouth`` - a null sink whose monitor, ``user_mouth.monitor``, is the
  default source: the coach's microphone. Speak into it with
  :meth:`PulseServer.play_into_mic`.

PortAudio (sounddevice) reaches it through the ALSA ``pulse`` plugin
(Debian: libasound2-plugins), as the devices named ``pulse`` and
``default``, once the variables in :attr:`PulseServer.client_env` are in the
environment *before* PortAudio initialises (see :func:`reinit_portaudio`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

import numpy as np

from voiceguide.audio.wav import write_wav

SPEAKER = "coach_speaker"
MOUTH = "user_mouth"
MIC_SOURCE = f"{MOUTH}.monitor"
SPEAKER_MONITOR = f"{SPEAKER}.monitor"

Sound = Union[str, Path, np.ndarray, "tuple[np.ndarray, int]"]


class PulseUnavailable(RuntimeError):
    """PulseAudio cannot be started here (the reason is the message)."""


# ------------------------------------------------------------------ helpers


def reinit_portaudio() -> None:
    """Make sounddevice see the current environment's sound server."""
    import sounddevice as sd

    sd._terminate()
    sd._initialize()


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a block."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


# -------------------------------------------------------------- recordings


@dataclass(frozen=True)
class Recording:
    """What a virtual device played; sample ``i`` was heard at ``start_time + i / rate``."""

    samples: np.ndarray
    sample_rate: int
    start_time: float

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def time_of(self, index: int) -> float:
        return self.start_time + index / self.sample_rate

    def index_at(self, t: float) -> int:
        return int(round((t - self.start_time) * self.sample_rate))

    def rms(self, start: float | None = None, end: float | None = None) -> float:
        """Level between two clock times (the whole recording by default)."""
        a = 0 if start is None else max(0, self.index_at(start))
        b = len(self.samples) if end is None else max(a, self.index_at(end))
        chunk = self.samples[a:b].astype(np.float64)
        return float(np.sqrt(np.mean(chunk**2))) if len(chunk) else 0.0

    def loud_times(self, threshold: int = 300, window_ms: float = 5.0) -> np.ndarray:
        """Clock times of the windows whose peak exceeds ``threshold``."""
        w = max(1, int(self.sample_rate * window_ms / 1000))
        n = len(self.samples) // w
        peaks = np.abs(self.samples[: n * w].astype(np.int32)).reshape(n, w).max(axis=1)
        return np.array([self.time_of(i * w + w) for i in np.flatnonzero(peaks > threshold)])

    def silent_from(self, after: float, threshold: int = 300, window_ms: float = 5.0) -> float | None:
        """The end time of the last loud window heard after ``after``'s speech.

        That is when the device went silent for good; None if it never did.
        """
        loud = self.loud_times(threshold, window_ms)
        if len(loud) == 0:
            return None
        last = float(loud[-1])
        end = self.time_of(len(self.samples))
        return last if last < end - 0.05 else None


class SpeakerRecorder:
    """``parec`` from a source in the background, each chunk timestamped."""

    def __init__(self, env: Mapping[str, str], source: str, sample_rate: int = 16000) -> None:
        self._env = dict(env)
        self._source = source
        self.sample_rate = sample_rate
        self._chunks: list[bytes] = []
        self._offsets: list[float] = []  # arrival time minus (samples so far / rate)
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None

    def start(self) -> SpeakerRecorder:
        self._proc = subprocess.Popen(
            [
                "parec", "--raw", f"--device={self._source}", "--format=s16le", "--channels=1",
                f"--rate={self.sample_rate}", "--latency-msec=5", "--process-time-msec=2",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self._env,
        )
        self._reader = threading.Thread(target=self._read, name="parec-reader", daemon=True)
        self._reader.start()
        time.sleep(0.15)  # let the stream connect and settle
        return self

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        total = 0
        while True:
            data = os.read(fd, 4096)
            now = time.monotonic()
            if not data:
                return
            self._chunks.append(data)
            total += len(data)
            self._offsets.append(now - (total // 2) / self.sample_rate)

    def stop(self) -> Recording:
        if self._proc is None:
            raise RuntimeError("the recorder was not started")
        time.sleep(0.05)
        self._proc.terminate()
        self._proc.wait(timeout=5)
        if self._reader is not None:
            self._reader.join(timeout=5)
        raw = b"".join(self._chunks)
        samples = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.int16)
        start = min(self._offsets) if self._offsets else time.monotonic()
        self._proc = None
        return Recording(samples, self.sample_rate, start)

    def __enter__(self) -> SpeakerRecorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self.stop()


@dataclass
class Loopback:
    """A module-loopback from the speaker to the microphone (an echo)."""

    server: PulseServer
    module: int

    def unload(self) -> None:
        if self.module >= 0:
            self.server.pactl("unload-module", str(self.module))
            self.module = -1

    def __enter__(self) -> Loopback:
        return self

    def __exit__(self, *exc: object) -> None:
        self.unload()


@dataclass
class NullSink:
    """An extra null sink; :meth:`remove` makes it vanish like an unplugged device."""

    server: PulseServer
    name: str
    module: int
    keeper: subprocess.Popen[bytes]

    @property
    def monitor(self) -> str:
        return f"{self.name}.monitor"

    def remove(self) -> None:
        if self.module >= 0:
            self.server.pactl("unload-module", str(self.module))
            self.module = -1
            self.keeper.terminate()
            self.keeper.wait(timeout=5)

    def __enter__(self) -> NullSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


# ------------------------------------------------------------------ server


@dataclass
class PulseServer:
    """A running private PulseAudio server; stop it with :meth:`stop`."""

    root: Path
    process: subprocess.Popen[bytes]
    client_env: dict[str, str]
    owns_root: bool = True
    _players: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _keepers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @classmethod
    def start(cls, root: str | Path | None = None, timeout: float = 10.0) -> PulseServer:
        """Start the server with the virtual devices, or raise PulseUnavailable."""
        for tool in ("pulseaudio", "pactl", "parec", "paplay"):
            if shutil.which(tool) is None:
                raise PulseUnavailable(f"{tool} is not installed (apt-get install pulseaudio pulseaudio-utils)")
        owns = root is None
        base = Path(tempfile.mkdtemp(prefix="voiceguide-pulse-")) if root is None else Path(root)
        runtime = base / "runtime"
        runtime.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        socket = runtime / "native"
        client_conf = base / "client.conf"
        # Every client (pactl, paplay, PortAudio's ALSA plugin) keeps its cookie here, not in ~/.config/pulse.
        client_conf.write_text(f"autospawn = no\ncookie-file = {base / 'cookie'}\n")
        client_env = {
            "PULSE_SERVER": f"unix:{socket}",
            "PULSE_CLIENTCONFIG": str(client_conf),
            "PULSE_RUNTIME_PATH": str(runtime),
        }
        server_env = {
            **os.environ,
            **client_env,
            "HOME": str(base),  # the cookie and state files land here, not in ~
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(base / "config"),
            "PULSE_STATE_PATH": str(base / "state"),
        }
        server_env.pop("PULSE_SINK", None)
        server_env.pop("PULSE_SOURCE", None)
        log = open(base / "pulseaudio.log", "wb")
        args = [
            "pulseaudio", "-n", "--daemonize=no", "--system=false", "--exit-idle-time=-1",
            "--use-pid-file=yes", "--disallow-exit=yes", "--realtime=no", "--high-priority=no",
            "--log-target=stderr", "--log-level=notice",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            "--load=module-cli-protocol-unix",  # for pacmd (kill-source-output ...)
            f"--load=module-null-sink sink_name={SPEAKER} rate=48000 "
            "sink_properties=device.description=coach_speaker",
            f"--load=module-null-sink sink_name={MOUTH} rate=48000 "
            "sink_properties=device.description=user_mouth",
        ]
        proc = subprocess.Popen(args, env=server_env, stdout=log, stderr=subprocess.STDOUT, cwd=base)
        log.close()
        server = cls(base, proc, client_env, owns)
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                tail = (base / "pulseaudio.log").read_text(errors="replace")[-800:]
                server._cleanup()
                raise PulseUnavailable(f"pulseaudio exited with {proc.returncode}: {tail.strip()}")
            if socket.exists() and server._pactl_ok("info"):
                break
            if time.monotonic() > deadline:
                server.stop()
                raise PulseUnavailable(f"pulseaudio did not answer within {timeout:.0f} s")
            time.sleep(0.05)
        server.pactl("set-default-sink", SPEAKER)
        server.pactl("set-default-source", MIC_SOURCE)
        server._keep_sinks_prompt()
        return server

    def _keep_sinks_prompt(self) -> None:
        """Hold every null sink at a few ms of latency for the server's life.

        A null sink that nobody asked for low latency renders silence up to
        2 s ahead of the clock, and a stream that joins it then gets no
        request for up to 2 s (PortAudio stalls, paplay lags). A 5 ms
        recorder on each monitor keeps the sinks at 5 ms; a suspend/resume
        then restarts their clocks from now.
        """
        for sink in (SPEAKER, MOUTH):
            self._keepers.append(self._keep_prompt(sink))

    def _keep_prompt(self, sink: str) -> subprocess.Popen[bytes]:
        before = self.pactl("list", "short", "source-outputs").count("\n")
        keeper = subprocess.Popen(
            ["parec", "--raw", f"--device={sink}.monitor", "--latency-msec=5"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5
        while self.pactl("list", "short", "source-outputs").count("\n") <= before:
            if time.monotonic() > deadline or keeper.poll() is not None:
                keeper.kill()
                raise PulseUnavailable(f"parec could not connect to {sink}.monitor")
            time.sleep(0.02)
        self.pactl("suspend-sink", sink, "1")
        self.pactl("suspend-sink", sink, "0")
        return keeper

    def add_null_sink(self, name: str) -> NullSink:
        """Another null sink (its monitor a spare microphone), removable mid-test."""
        module = int(self.pactl("load-module", "module-null-sink", f"sink_name={name}", "rate=48000").strip())
        return NullSink(self, name, module, self._keep_prompt(name))

    # -------------------------------------------------------- controlling

    def pactl(self, *args: str) -> str:
        done = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def pacmd(self, *args: str) -> str:
        done = subprocess.run(["pacmd", *args], env=self.env, capture_output=True, text=True, timeout=10)
        if done.returncode != 0 or "No " in done.stdout[:3]:
            raise RuntimeError(f"pacmd {' '.join(args)} failed: {(done.stderr or done.stdout).strip()}")
        return done.stdout

    def streams(self, kind: str = "source-outputs") -> dict[int, str]:
        """Stream index -> application name, for ``source-outputs`` or ``sink-inputs``."""
        found: dict[int, str] = {}
        title = "Source Output #" if kind == "source-outputs" else "Sink Input #"
        for block in self.pactl("list", kind).split(title)[1:]:
            index = int(block.split("\n", 1)[0])
            name = ""
            for line in block.splitlines():
                if line.strip().startswith("application.name = "):
                    name = line.split("=", 1)[1].strip().strip('"')
            found[index] = name
        return found

    def kill_app_streams(self, kind: str = "source-outputs", app_prefix: str = "ALSA plug-in") -> list[int]:
        """End the matching streams from the server side, as if the device vanished.

        By default: every PortAudio/ALSA client's recording (or playing) stream.
        """
        command = "kill-source-output" if kind == "source-outputs" else "kill-sink-input"
        killed = [i for i, name in self.streams(kind).items() if name.startswith(app_prefix)]
        for index in killed:
            self.pacmd(command, str(index))
        return killed

    def _pactl_ok(self, *args: str) -> bool:
        try:
            self.pactl(*args)
            return True
        except (RuntimeError, subprocess.TimeoutExpired):
            return False

    @property
    def env(self) -> dict[str, str]:
        """The process environment plus this server's client variables."""
        return {**os.environ, **self.client_env}

    def play_into_mic(self, sound: Sound, wait: bool = True, device: str = MOUTH) -> subprocess.Popen[bytes]:
        """Play a WAV file or samples (``(array, rate)``; an array is 16 kHz) into the mic."""
        path = self._as_wav(sound)
        proc = subprocess.Popen(
            ["paplay", f"--device={device}", "--latency-msec=20", str(path)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self._players.append(proc)
        if wait:
            proc.wait(timeout=60)
        return proc

    def _as_wav(self, sound: Sound) -> Path:
        if isinstance(sound, (str, Path)):
            return Path(sound)
        samples, rate = sound if isinstance(sound, tuple) else (sound, 16000)
        fd, name = tempfile.mkstemp(suffix=".wav", dir=self.root)
        os.close(fd)
        return write_wav(name, samples, rate)

    def record_speaker(self, sample_rate: int = 16000, source: str = SPEAKER_MONITOR) -> SpeakerRecorder:
        """A recorder of the coach's speaker (call ``start()`` or use ``with``)."""
        return SpeakerRecorder(self.env, source, sample_rate)

    def loopback_speaker_to_mic(self, gain_db: float = 0.0, latency_ms: int = 60) -> Loopback:
        """Route the speaker into the microphone at ``gain_db`` (an echo path).

        A room's echo path never underruns; the loopback's own buffer did at 20 ms on a busy
        machine, moving the echo, so it holds 60 ms (a device's usual round trip).
        """
        module = int(
            self.pactl(
                "load-module", "module-loopback", f"source={SPEAKER_MONITOR}", f"sink={MOUTH}",
                f"latency_msec={latency_ms}", "adjust_time=0", "source_dont_move=true", "sink_dont_move=true",
            ).strip()
        )
        loop = Loopback(self, module)
        deadline = time.monotonic() + 5
        while True:  # the loopback's stream appears a moment after the module loads
            for block in self.pactl("list", "sink-inputs").split("Sink Input #")[1:]:
                if re.search(rf"^\s*Owner Module: {module}$", block, re.MULTILINE):
                    self.pactl("set-sink-input-volume", block.split()[0], f"{gain_db:+.1f}dB")
                    return loop
            if time.monotonic() > deadline:
                loop.unload()
                raise PulseUnavailable("the loopback from the speaker to the microphone did not start")
            time.sleep(0.05)

    # ----------------------------------------------------------- stopping

    def stop(self) -> None:
        """Stop players started here, then the server, and remove its files."""
        for proc in [*self._players, *self._keepers]:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=5)
        self._players.clear()
        self._keepers.clear()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._cleanup()

    def _cleanup(self) -> None:
        if self.owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PulseServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
