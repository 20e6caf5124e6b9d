"""Play PCM lines through sounddevice, cut them at once, know what was sent.

One :class:`sounddevice.OutputStream` runs from :class:`Player`'s start to
:meth:`Player.close`, pulling small blocks from a queue of utterances in its
callback (silence when there is nothing to say). ``cut()`` empties the queue
under the same lock the callback takes, so the very next block is silent:
what is already in the device's buffer (``OUTPUT_BUFFER_SECONDS``) is all
that still plays. ``hold()`` pauses the line being spoken for a moment,
to go on where it paused or be cut.

The callback never calls user code: ``on_start``/``on_done`` run on one
small notifier thread, ``on_done`` at the moment the line's last sample is
expected to leave the speaker, and never for a line that was cut. Every
block sent to the device is also kept (``output_since``) with the time it
is heard, so the listener can take the coach's own voice out of the microphone.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Union

import numpy as np
import sounddevice as sd

from .devices import DeviceInfo, DeviceSpec, find_device
from .errors import AudioError
from .pcm import Pcm

log = logging.getLogger(__name__)

Callback = Callable[[int], None]
Latency = Union[str, float]

# What the device holds ahead: PortAudio's "low" (20 ms here) ran dry on a busy machine, which made
# the coach's voice stutter and moved its echo under the echo canceller (docs/echo-canceller.md).
OUTPUT_BUFFER_SECONDS = 0.03


@dataclass
class _Utterance:
    utterance_id: int
    samples: np.ndarray
    on_start: Callback | None
    on_done: Callback | None
    position: int = 0


@dataclass(frozen=True)
class _Notice:
    kind: str  # "start" | "done" | "error" | "stop"
    utterance: _Utterance | None = None
    generation: int = -1
    at: float = 0.0  # when it is heard (clock time)
    error: AudioError | None = None


class _History:
    """A ring buffer of the last ``seconds`` of output (not thread-safe)."""

    def __init__(self, seconds: float, sample_rate: int) -> None:
        self.data = np.zeros(max(1, int(seconds * sample_rate)), dtype=np.int16)
        self.written = 0  # total samples ever written

    def write(self, block: np.ndarray) -> None:
        n, size = len(block), len(self.data)
        if n >= size:
            self.data[:] = block[-size:]
        else:
            start = self.written % size
            first = min(n, size - start)
            self.data[start : start + first] = block[:first]
            self.data[: n - first] = block[first:]
        self.written += n

    def since(self, position: int) -> tuple[np.ndarray, int]:
        """What was written after ``position`` (at most the buffer), and the new position."""
        return self.last(self.written - position), self.written

    def last(self, count: int) -> np.ndarray:
        size = len(self.data)
        count = max(0, min(count, size, self.written))
        end = self.written % size
        idx = (np.arange(end - count, end)) % size
        return self.data[idx].copy()


class Player:
    """Speaks queued PCM lines on one output device, cuttable at any moment.

    ``device`` is an index, (part of) a name, or None for the default.
    ``sample_rate`` None opens the device at its default rate; lines at any
    other rate are resampled when queued. ``on_error`` is told (from an audio
    thread, once) if the device goes away.
    """

    def __init__(
        self,
        device: DeviceSpec = None,
        sample_rate: int | None = None,
        block_ms: float = 10.0,
        latency: Latency = OUTPUT_BUFFER_SECONDS,
        history_seconds: float = 10.0,
        on_error: Callable[[AudioError], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.device: DeviceInfo = find_device(device, "output")
        self._clock = clock
        self._on_error = on_error
        self.sample_rate, self._channels = self._choose_format(sample_rate)
        self._lock = threading.Lock()
        self._queue: deque[_Utterance] = deque()
        self._current: _Utterance | None = None
        self._generation = 0
        self._held_until = -1.0  # clock time: until then the callback sends silence and keeps its place
        self._delay = 0.0  # seconds from callback to the DAC, as last reported
        self._speaking_since: float | None = None
        self._last_output_end: float | None = None
        self._history = _History(history_seconds, self.sample_rate)
        self._history_end = clock()
        self._idle = threading.Event()
        self._idle.set()
        self._closing = False
        self._error_sent = False
        self.underflows = 0
        self._notices: queue.SimpleQueue[_Notice] = queue.SimpleQueue()
        self._notifier = threading.Thread(target=self._notify_loop, name="player-notify", daemon=True)
        self._notifier.start()
        try:
            self._stream = sd.OutputStream(
                device=self.device.index,
                samplerate=self.sample_rate,
                channels=self._channels,
                dtype="int16",
                blocksize=max(16, int(self.sample_rate * block_ms / 1000)),
                latency=latency,
                callback=self._callback,
                finished_callback=self._finished,
            )
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            self._stop_notifier()
            raise AudioError(f"The speaker {self.device.name!r} could not be opened ({exc}).") from exc

    def _choose_format(self, wanted: int | None) -> tuple[int, int]:
        rates = [r for r in (wanted, int(self.device.default_sample_rate)) if r]
        for rate in rates:
            for channels in (1, 2):
                if channels > self.device.max_output_channels:
                    continue
                try:
                    sd.check_output_settings(
                        device=self.device.index, samplerate=rate, channels=channels, dtype="int16"
                    )
                    return rate, channels
                except (sd.PortAudioError, ValueError):
                    continue
        raise AudioError(
            f"The speaker {self.device.name!r} accepts neither {rates} Hz mono nor stereo 16-bit audio."
        )

    # -------------------------------------------------------------- public

    @property
    def output_latency(self) -> float:
        """Seconds between handing a sample to PortAudio and hearing it."""
        return self._delay or float(self._stream.latency)

    def play(
        self,
        utterance_id: int,
        pcm: Pcm,
        on_start: Callback | None = None,
        on_done: Callback | None = None,
    ) -> None:
        """Queue a line; callbacks get ``utterance_id``, from another thread."""
        if self._closing:
            raise AudioError("The player is closed.")
        samples = pcm.resampled(self.sample_rate).samples
        with self._lock:
            self._queue.append(_Utterance(utterance_id, samples, on_start, on_done))
            self._idle.clear()

    def cut(self) -> None:
        """Silence now: drop the line being spoken and every queued line."""
        with self._lock:
            self._generation += 1
            self._current = None
            self._queue.clear()
            self._held_until = -1.0
            heard_by = self._clock() + self._delay
            if self._last_output_end is not None and self._last_output_end > heard_by:
                self._last_output_end = heard_by
            self._speaking_since = None
            self._idle.set()

    def hold(self, seconds: float) -> None:
        """Pause the line being spoken for up to ``seconds`` from the next block, keeping its place
        (``hold(0)`` ends the pause; :meth:`cut` drops the line). Nothing to hold when nothing is playing."""
        with self._lock:
            playing = self._current is not None or bool(self._queue)
            self._held_until = self._clock() + seconds if playing else -1.0

    @property
    def is_speaking(self) -> bool:
        """A line is queued or playing, or its tail is still in the device."""
        with self._lock:
            if self._current is not None or self._queue:
                return True
            end = self._last_output_end
        return end is not None and self._clock() < end

    @property
    def current_utterance(self) -> int | None:
        """The id of the line being sent to the device now."""
        with self._lock:
            return None if self._current is None else self._current.utterance_id

    @property
    def speaking_since(self) -> float | None:
        """When the current run of speech started being heard (None if silent)."""
        with self._lock:
            return self._speaking_since

    @property
    def last_output_end(self) -> float | None:
        """When the last speech sample sent is (or was) heard; None if never spoke."""
        with self._lock:
            return self._last_output_end

    def output_since(self, position: int) -> tuple[np.ndarray, int, float]:
        """What was sent to the speaker after ``position`` (a count of samples
        ever sent; start from 0), the new position, and when its last sample is heard."""
        with self._lock:
            samples, position = self._history.since(position)
            return samples, position, self._history_end

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every queued line has been heard (or cut)."""
        deadline = None if timeout is None else self._clock() + timeout
        if not self._idle.wait(timeout):
            return False
        end = self.last_output_end
        while end is not None and self._clock() < end:
            if deadline is not None and self._clock() >= deadline:
                return False
            time.sleep(min(0.005, max(0.0, end - self._clock())))
        return True

    def close(self) -> None:
        """Stop the stream and the notifier thread (idempotent)."""
        if self._closing:
            return
        self._closing = True
        self.cut()
        try:
            self._stream.abort()
            self._stream.close()
        except sd.PortAudioError as exc:
            log.debug("closing the output stream: %s", exc)
        self._stop_notifier()

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------ audio thread

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: sd.CallbackFlags) -> None:
        try:
            self._fill(outdata, frames, time_info, status)
        except Exception:  # never let the audio thread die
            log.exception("output callback failed")
            outdata.fill(0)

    def _fill(self, outdata: np.ndarray, frames: int, time_info: Any, status: sd.CallbackFlags) -> None:
        if status.output_underflow:
            self.underflows += 1
        delay = float(time_info.outputBufferDacTime - time_info.currentTime)
        if not 0.0 < delay < 2.0:
            delay = float(self._stream.latency)
        block = np.zeros(frames, dtype=np.int16)
        rate = self.sample_rate
        with self._lock:
            self._delay = delay
            now = self._clock()
            heard = now + delay  # when block[0] is heard
            filled = 0
            while filled < frames and now >= self._held_until:
                if self._current is None:
                    if not self._queue:
                        break
                    self._current = self._queue.popleft()
                    if self._speaking_since is None:
                        self._speaking_since = heard + filled / rate
                    self._post("start", heard + filled / rate)
                utt = self._current
                n = min(frames - filled, len(utt.samples) - utt.position)
                block[filled : filled + n] = utt.samples[utt.position : utt.position + n]
                utt.position += n
                filled += n
                if utt.position >= len(utt.samples):
                    self._post("done", heard + filled / rate)
                    self._current = None
            if filled:
                self._last_output_end = heard + filled / rate
            if self._current is None and not self._queue:
                self._speaking_since = None
                self._idle.set()
            self._history.write(block)
            self._history_end = heard + frames / rate
        for ch in range(outdata.shape[1]):
            outdata[:, ch] = block

    def _post(self, kind: str, at: float) -> None:
        self._notices.put(_Notice(kind, self._current, self._generation, at))

    def _finished(self) -> None:
        if self._closing or self._error_sent:
            return
        self._error_sent = True
        err = AudioError(f"The speaker {self.device.name!r} stopped playing (was it unplugged?).")
        log.error("%s", err)
        self._notices.put(_Notice("error", error=err))

    # ---------------------------------------------------- notifier thread

    def _notify_loop(self) -> None:
        while True:
            notice = self._notices.get()
            if notice.kind == "stop":
                return
            if notice.kind == "error":
                if self._on_error is not None:
                    self._safe(self._on_error, notice.error)
                continue
            utt = notice.utterance
            assert utt is not None
            if notice.kind == "start":
                if utt.on_start is not None and notice.generation == self._generation:
                    self._safe(utt.on_start, utt.utterance_id)
                continue
            wait = notice.at - self._clock()
            while wait > 0 and not self._closing and notice.generation == self._generation:
                time.sleep(min(wait, 0.005))
                wait = notice.at - self._clock()
            if utt.on_done is not None and notice.generation == self._generation and not self._closing:
                self._safe(utt.on_done, utt.utterance_id)

    @staticmethod
    def _safe(fn: Callable[..., None], arg: object) -> None:
        try:
            fn(arg)
        except Exception:
            log.exception("player callback failed")

    def _stop_notifier(self) -> None:
        self._notices.put(_Notice("stop"))
        if self._notifier is not threading.current_thread():
            self._notifier.join()
