"""Read the microphone as 16 kHz mono int16 frames, and say when it fails.

One :class:`sounddevice.InputStream` runs from :class:`Microphone`'s start to
:meth:`Microphone.close`. Its callback turns each block into mono, resamples
it to 16 kHz when the device cannot record at that rate, cuts it into frames
of ``frame_ms`` and hands them over: to ``on_frame`` (called on the audio
thread: it must be quick) or else to a bounded queue read with
:meth:`Microphone.read` (the oldest frame is dropped when nobody reads).

A device that vanishes mid-stream either ends the stream (PortAudio's
finished callback) or simply stops delivering audio; a small watchdog thread
notices both and calls ``on_error`` once, with an :class:`AudioError`.
Nothing is raised on the audio thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Union

import numpy as np
import sounddevice as sd

from .devices import DeviceInfo, DeviceSpec, find_device, list_devices
from .errors import AudioError
from .pcm import StreamResampler, Timeline

log = logging.getLogger(__name__)

__all__ = ["Frame", "Microphone", "list_devices"]

Latency = Union[str, float]


@dataclass(frozen=True, eq=False)
class Frame:
    """``samples`` (int16 mono) heard from ``time`` on, by the injected clock."""

    samples: np.ndarray
    sample_rate: int
    time: float
    index: int
    echo_only: bool = False  # the echo canceller found nothing in it but what it left of the speaker's voice

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    @property
    def end_time(self) -> float:
        return self.time + self.duration


class Microphone:
    """Frames of 16 kHz mono int16 audio from one input device.

    ``device`` is an index, (part of) a name, or None for the default input.
    ``device_rate`` forces the rate the device is opened at (default: 16 kHz
    if it can, else its native rate), resampled to ``sample_rate``.
    Raises :class:`AudioError` when there is no input device, none matches,
    or the device cannot be opened.
    """

    def __init__(
        self,
        device: DeviceSpec = None,
        sample_rate: int = 16000,
        frame_ms: float = 20.0,
        on_frame: Callable[[Frame], None] | None = None,
        on_error: Callable[[AudioError], None] | None = None,
        latency: Latency = "low",
        queue_frames: int = 500,
        stall_timeout: float = 2.0,
        device_rate: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.device: DeviceInfo = find_device(device, "input")
        self._wanted_device_rate = device_rate
        self.sample_rate = sample_rate
        self.frame_samples = max(1, int(round(sample_rate * frame_ms / 1000)))
        self._on_frame = on_frame
        self._on_error = on_error
        self._clock = clock
        self._stall_timeout = stall_timeout
        self.device_rate, self._channels = self._choose_format()
        self._resampler = (
            StreamResampler(self.device_rate, sample_rate) if self.device_rate != sample_rate else None
        )
        self._pending = np.zeros(0, dtype=np.int16)
        self._frames: queue.Queue[Frame] = queue.Queue(maxsize=max(1, queue_frames))
        self._count = 0
        self._timeline = Timeline(sample_rate)
        self.overflows = 0
        self.dropped = 0
        self._last_callback = clock()
        self._ended = threading.Event()  # the stream ended without close()
        self._closing = threading.Event()
        self._error: AudioError | None = None
        try:
            self._stream = sd.InputStream(
                device=self.device.index,
                samplerate=self.device_rate,
                channels=self._channels,
                dtype="int16",
                blocksize=max(16, int(self.device_rate * frame_ms / 1000)),
                latency=latency,
                callback=self._callback,
                finished_callback=self._ended.set,
            )
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioError(f"The microphone {self.device.name!r} could not be opened ({exc}).") from exc
        self._last_callback = clock()
        self._watchdog = threading.Thread(target=self._watch, name="microphone-watchdog", daemon=True)
        self._watchdog.start()

    def _choose_format(self) -> tuple[int, int]:
        native = int(self.device.default_sample_rate)
        first = self._wanted_device_rate or self.sample_rate
        for rate in dict.fromkeys((first, native)):
            for channels in (1, 2):
                if channels > self.device.max_input_channels:
                    continue
                try:
                    sd.check_input_settings(
                        device=self.device.index, samplerate=rate, channels=channels, dtype="int16"
                    )
                    return rate, channels
                except (sd.PortAudioError, ValueError):
                    continue
        raise AudioError(
            f"The microphone {self.device.name!r} records neither {self.sample_rate} Hz "
            f"nor {native} Hz 16-bit audio."
        )

    # -------------------------------------------------------------- public

    @property
    def resampling(self) -> bool:
        """True when the device records at another rate than ``sample_rate``."""
        return self._resampler is not None

    @property
    def error(self) -> AudioError | None:
        """Why the microphone stopped, if it did."""
        return self._error

    @property
    def is_alive(self) -> bool:
        return self._error is None and not self._closing.is_set()

    def read(self, timeout: float | None = None) -> Frame | None:
        """The next frame (queue mode), or None after ``timeout`` seconds."""
        try:
            return self._frames.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self) -> list[Frame]:
        """Every frame waiting in the queue."""
        out: list[Frame] = []
        while True:
            try:
                out.append(self._frames.get_nowait())
            except queue.Empty:
                return out

    def close(self) -> None:
        """Stop the stream and the watchdog (idempotent)."""
        if self._closing.is_set():
            return
        self._closing.set()
        try:
            self._stream.abort()
            self._stream.close()
        except sd.PortAudioError as exc:
            log.debug("closing the input stream: %s", exc)
        if self._watchdog is not threading.current_thread():
            self._watchdog.join()

    def __enter__(self) -> Microphone:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------ audio thread

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: sd.CallbackFlags) -> None:
        try:
            self._take(indata, frames, time_info, status)
        except Exception:  # never let the audio thread die
            log.exception("input callback failed")

    def _take(self, indata: np.ndarray, frames: int, time_info: Any, status: sd.CallbackFlags) -> None:
        now = self._clock()
        self._last_callback = now
        if status.input_overflow:
            self.overflows += 1
        age = float(time_info.currentTime - time_info.inputBufferAdcTime)
        if not 0.0 < age < 2.0:
            age = frames / self.device_rate + float(self._stream.latency)
        block_start = now - age  # when indata[0] was heard
        mono = indata[:, 0] if indata.shape[1] == 1 else indata.mean(axis=1).astype(np.int16)
        fresh = mono if self._resampler is None else self._resampler.process(mono)
        buf = np.concatenate([self._pending, fresh])
        t = self._timeline.place(block_start, self._count * self.frame_samples + len(self._pending)) - len(
            self._pending
        ) / self.sample_rate
        n = self.frame_samples
        whole = len(buf) // n
        for i in range(whole):
            self._deliver(Frame(buf[i * n : (i + 1) * n].copy(), self.sample_rate, t + i * n / self.sample_rate, self._count))
            self._count += 1
        self._pending = buf[whole * n :].copy()

    def _deliver(self, frame: Frame) -> None:
        if self._on_frame is not None:
            self._on_frame(frame)
            return
        while True:
            try:
                self._frames.put_nowait(frame)
                return
            except queue.Full:
                try:
                    self._frames.get_nowait()
                    self.dropped += 1
                except queue.Empty:
                    pass

    # ---------------------------------------------------------- watchdog

    def _watch(self) -> None:
        while not self._closing.wait(0.1):
            if self._ended.is_set():
                self._fail(f"The microphone {self.device.name!r} stopped (was it unplugged?).")
                return
            silent_for = self._clock() - self._last_callback
            if silent_for > self._stall_timeout:
                self._fail(
                    f"The microphone {self.device.name!r} delivered no audio for "
                    f"{silent_for:.1f} s (was it unplugged?)."
                )
                return

    def _fail(self, message: str) -> None:
        if self._closing.is_set():
            return
        self._error = AudioError(message)
        log.error("%s", message)
        if self._on_error is not None:
            try:
                self._on_error(self._error)
            except Exception:
                log.exception("microphone on_error failed")
