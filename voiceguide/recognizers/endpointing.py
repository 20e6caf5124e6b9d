"""Where an utterance starts and ends: a voice activity detector over the microphone's frames.

The detector gives each short window of audio a speech probability. An
utterance starts after ``start_speech`` of speech in a row (with the
``pre_roll`` before it, so the first sound is not lost) and ends after
``trailing_silence`` without speech, or at ``max_utterance``. Frames the echo
canceller marked as only the coach's voice count as silence.

Two detectors: Silero's neural VAD (the model ships with faster-whisper and
runs on onnxruntime), which tells speech from babble and coloured noise far
better than signal energy; and pocketsphinx's WebRTC-style VAD, for a machine
where onnxruntime cannot be loaded.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Protocol

import numpy as np

from voiceguide.recognizers.base import SAMPLE_RATE


class SpeechDetector(Protocol):
    """Speech probability of consecutive windows of ``window`` samples."""

    name: str
    window: int

    def probability(self, samples: np.ndarray) -> float:
        """Probability (0..1) that this window (int16, ``window`` samples) is speech."""

    def reset(self) -> None:
        """Forget the audio heard so far."""


class SileroDetector:
    """Silero VAD (v6, from faster-whisper's assets) on onnxruntime, one 32 ms window at a time."""

    name = "silero"
    window = 512
    _CONTEXT = 64

    def __init__(self) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.log_severity_level = 4
        model = resources.files("faster_whisper") / "assets" / "silero_vad_v6.onnx"
        self._session = onnxruntime.InferenceSession(
            model.read_bytes(), providers=["CPUExecutionProvider"], sess_options=options
        )
        self.reset()

    def probability(self, samples: np.ndarray) -> float:
        audio = samples.astype(np.float32) / 32768.0
        window = np.concatenate([self._context, audio])[None, :]
        output, self._h, self._c = self._session.run(None, {"input": window, "h": self._h, "c": self._c})
        self._context = audio[-self._CONTEXT :]
        return float(np.asarray(output).reshape(-1)[0])

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), np.float32)
        self._c = np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(self._CONTEXT, np.float32)


class WebRtcDetector:
    """pocketsphinx's WebRTC-style VAD: 30 ms windows, speech or not."""

    name = "webrtc"

    def __init__(self) -> None:
        from pocketsphinx import Vad

        self._vad = Vad(Vad.STRICT, SAMPLE_RATE)
        self.window = self._vad.frame_bytes // 2

    def probability(self, samples: np.ndarray) -> float:
        return 1.0 if self._vad.is_speech(samples.astype("<i2").tobytes()) else 0.0

    def reset(self) -> None:
        pass


def default_detector() -> SpeechDetector:
    """Silero when onnxruntime and faster-whisper's model load, else the WebRTC-style VAD."""
    try:
        return SileroDetector()
    except Exception:  # an import or model-loading failure: fall back, never stop listening
        return WebRtcDetector()


@dataclass(frozen=True)
class EndpointSettings:
    """When an utterance starts and ends (seconds), and what counts as speech."""

    start_speech: float = 0.09  # this much speech in a row starts an utterance
    trailing_silence: float = 0.4  # this much non-speech ends it
    pre_roll: float = 0.3  # audio kept from before the start
    max_utterance: float = 10.0  # force an end after this long
    min_speech: float = 0.15  # less speech than this in an utterance is a click: no final
    partial_every: float = 0.1  # how often, in audio time, a partial result is due
    threshold: float = 0.5  # speech probability at which a window is speech


@dataclass(frozen=True)
class Started:
    """An utterance began; ``audio`` is its start (pre-roll included)."""

    audio: np.ndarray


@dataclass(frozen=True)
class Continued:
    """More audio of the utterance; ``partial_due`` when a partial result should be given."""

    audio: np.ndarray
    partial_due: bool
    speech: bool = False  # the detector heard speech in this audio


@dataclass(frozen=True)
class Ended:
    """The utterance ended; ``enough_speech`` is False for a click or a cough-length blip."""

    enough_speech: bool


Boundary = Started | Continued | Ended


class Endpointer:
    """16 kHz int16 samples in, utterance boundaries out."""

    def __init__(self, detector: SpeechDetector, settings: EndpointSettings | None = None) -> None:
        self.detector = detector
        self.settings = settings or EndpointSettings()
        window_seconds = detector.window / SAMPLE_RATE
        s = self.settings
        self._start_windows = max(1, round(s.start_speech / window_seconds))
        self._end_windows = max(1, round(s.trailing_silence / window_seconds))
        self._max_windows = max(1, round(s.max_utterance / window_seconds))
        self._partial_windows = max(1, round(s.partial_every / window_seconds))
        self._min_speech_windows = max(1, round(s.min_speech / window_seconds))
        self._pre_roll: deque[np.ndarray] = deque(maxlen=max(1, round(s.pre_roll / window_seconds)))
        self._pending = np.zeros(0, np.int16)
        self._pending_echo = np.zeros(0, bool)
        self.in_utterance = False
        self._speech_run = self._silence_run = self._windows = self._speech_windows = 0

    def feed(self, samples: np.ndarray, echo_only: bool = False) -> Iterator[Boundary]:
        """Boundaries found in ``samples`` (any length); echo-only audio is never speech."""
        self._pending = np.concatenate([self._pending, samples.astype(np.int16, copy=False)])
        self._pending_echo = np.concatenate([self._pending_echo, np.full(len(samples), echo_only)])
        size = self.detector.window
        while len(self._pending) >= size:
            window, self._pending = self._pending[:size], self._pending[size:]
            echo, self._pending_echo = self._pending_echo[:size], self._pending_echo[size:]
            probability = self.detector.probability(window)
            speech = probability >= self.settings.threshold and not echo.any()
            yield from self._window(window, speech)

    def flush(self) -> Iterator[Boundary]:
        """End the utterance in progress with what was fed so far."""
        if self.in_utterance:
            if len(self._pending):
                yield Continued(self._pending, partial_due=False)
            yield self._end()
        self._pending = np.zeros(0, np.int16)
        self._pending_echo = np.zeros(0, bool)

    def end_now(self) -> Ended:
        """End the utterance in progress here (its engine knows it is whole); audio still pending is kept."""
        return self._end()

    def reset(self) -> None:
        self.in_utterance = False
        self._pending = np.zeros(0, np.int16)
        self._pending_echo = np.zeros(0, bool)
        self._pre_roll.clear()
        self._speech_run = self._silence_run = self._windows = self._speech_windows = 0

    def _window(self, window: np.ndarray, speech: bool) -> Iterator[Boundary]:
        if not self.in_utterance:
            self._pre_roll.append(window)
            self._speech_run = self._speech_run + 1 if speech else 0
            if self._speech_run >= self._start_windows:
                self.in_utterance = True
                self._windows = len(self._pre_roll)
                self._speech_windows = self._speech_run
                self._silence_run = 0
                yield Started(np.concatenate(list(self._pre_roll)))
                self._pre_roll.clear()
            return
        self._windows += 1
        self._silence_run = 0 if speech else self._silence_run + 1
        self._speech_windows += int(speech)
        yield Continued(window, partial_due=self._windows % self._partial_windows == 0, speech=speech)
        if self._silence_run >= self._end_windows or self._windows >= self._max_windows:
            yield self._end()

    def _end(self) -> Ended:
        enough = self._speech_windows >= self._min_speech_windows
        self.in_utterance = False
        self._speech_run = self._silence_run = self._windows = self._speech_windows = 0
        return Ended(enough)
