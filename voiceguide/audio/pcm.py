"""Mono 16-bit PCM and the resampling the audio edges need."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Pcm:
    """Mono int16 samples and their sample rate."""

    samples: np.ndarray
    sample_rate: int

    def __post_init__(self) -> None:
        samples = np.ascontiguousarray(self.samples, dtype=np.int16).reshape(-1)
        object.__setattr__(self, "samples", samples)
        if self.sample_rate <= 0:
            raise ValueError(f"sample rate must be positive, not {self.sample_rate}")

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate

    def resampled(self, sample_rate: int) -> Pcm:
        """The same sound at ``sample_rate`` (self if already there)."""
        if sample_rate == self.sample_rate:
            return self
        return Pcm(resample(self.samples, self.sample_rate, sample_rate), sample_rate)

    def rms(self) -> float:
        """Root mean square level (0 for silence, 32767 for a full-scale square)."""
        if len(self.samples) == 0:
            return 0.0
        return float(np.sqrt(np.mean(self.samples.astype(np.float64) ** 2)))


def level_db(samples: np.ndarray) -> float:
    """Mean power of int16 ``samples`` in dB (re one step squared; silence is 0)."""
    as_float = samples.astype(np.float64)
    return float(10 * np.log10(np.dot(as_float, as_float) / max(len(as_float), 1) + 1.0))


def lowpass_taps(from_rate: int, to_rate: int, taps: int = 63) -> np.ndarray:
    """A windowed-sinc low-pass that keeps what ``to_rate`` can carry."""
    cutoff = 0.45 * to_rate / from_rate  # in cycles per input sample
    n = np.arange(taps) - (taps - 1) / 2
    h = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
    return h / h.sum()


def to_int16(x: np.ndarray) -> np.ndarray:
    """Rounded and clipped to 16-bit samples."""
    return np.clip(np.rint(x), -32768, 32767).astype(np.int16)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample a whole int16 signal, band-limited (see :func:`resample_float`)."""
    if from_rate == to_rate or len(samples) == 0:
        return np.asarray(samples, dtype=np.int16)
    return to_int16(resample_float(np.asarray(samples, dtype=np.float64), from_rate, to_rate))


def resample_float(signal: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Band-limited resampling of a whole signal through the FFT: nothing above the lower Nyquist frequency is kept.

    A whole recording can be resampled ideally; a live stream, whose future is
    not known yet, goes through :class:`StreamResampler` instead.
    """
    if from_rate == to_rate or signal.size == 0:
        return signal
    length = int(round(signal.size * to_rate / from_rate))
    if length == 0:
        return np.zeros(0)
    spectrum = np.fft.rfft(signal)
    bins = length // 2 + 1
    if bins <= spectrum.size:
        spectrum = spectrum[:bins]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(bins - spectrum.size, complex)])
    return np.fft.irfft(spectrum, length) * (length / signal.size)


class StreamResampler:
    """Resample a stream of int16 blocks without clicks at block edges.

    Going down, a low-pass filter (zero phase: it looks half its length
    ahead) removes what would alias; then linear interpolation. State carries
    over from one block to the next.
    """

    def __init__(self, from_rate: int, to_rate: int) -> None:
        if from_rate <= 0 or to_rate <= 0:
            raise ValueError("sample rates must be positive")
        self.from_rate = from_rate
        self.to_rate = to_rate
        self._step = from_rate / to_rate
        self._taps = lowpass_taps(from_rate, to_rate) if to_rate < from_rate else None
        half = 0 if self._taps is None else (len(self._taps) - 1) // 2
        self._history = np.zeros(half)  # unfiltered input the filter still needs
        self._carry = np.zeros(0)  # the last filtered sample, for interpolation
        self._pos = 0.0  # next output position, counted from the start of carry

    def process(self, block: np.ndarray, final: bool = False) -> np.ndarray:
        """Resample the next block; ``final`` flushes the filter's tail."""
        x = np.asarray(block, dtype=np.float64).reshape(-1)
        if self.from_rate == self.to_rate:
            return to_int16(x)
        if self._taps is not None:
            x = self._filter(x, final)
        buf = np.concatenate([self._carry, x])
        if len(buf) == 0:
            return np.zeros(0, dtype=np.int16)
        last = len(buf) - 1
        count = int(np.floor((last - self._pos) / self._step)) + 1 if self._pos <= last else 0
        positions = self._pos + self._step * np.arange(count)
        out = np.interp(positions, np.arange(len(buf)), buf)
        self._pos += self._step * count - last
        self._carry = buf[last:]
        return to_int16(out)

    def _filter(self, x: np.ndarray, final: bool) -> np.ndarray:
        assert self._taps is not None
        width = len(self._taps)
        padded = np.concatenate([self._history, x])
        if final:
            padded = np.concatenate([padded, np.zeros((width - 1) // 2)])
        if len(padded) < width:
            self._history = padded
            return np.zeros(0)
        self._history = padded[len(padded) - (width - 1):]
        return np.convolve(padded, self._taps, mode="valid")


class Timeline:
    """The clock time of every sample of a continuous stream, from jittery readings.

    An audio callback's reading of when its block is heard is late by however
    long the callback waited (for the GIL, for the scheduler) and never early.
    So the timeline keeps the earliest reading, counting samples from it, and
    moves later only for a jump of more than ``gap`` seconds: samples really
    lost, or the device's clock drifted that far from the system's.
    """

    def __init__(self, sample_rate: int, gap: float = 0.05) -> None:
        self.sample_rate = sample_rate
        self.gap = gap
        self.start: float | None = None  # when sample 0 is heard

    def place(self, reading: float, index: int) -> float:
        """Sample ``index`` was read to be heard at ``reading``: when it is heard."""
        implied = reading - index / self.sample_rate
        if self.start is None or implied < self.start or implied > self.start + self.gap:
            self.start = implied
        return self.start + index / self.sample_rate
