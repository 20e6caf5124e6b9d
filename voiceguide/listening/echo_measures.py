"""How alike the microphone is to what the speaker played, and how loud a signal is.

Plain measures, no decisions: the echo canceller uses them to find the delay
of the coach's voice, and :mod:`.echo_policy` to tell how much of what was
heard is that voice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_DELAY_SECONDS = -0.3  # the two devices' clocks can place an echo this much too early
MAX_DELAY_SECONDS = 0.5  # an echo is looked for up to this late


@dataclass(frozen=True)
class Alignment:
    """How alike the microphone and the output are (0..1), at the best ``delay`` (s)."""

    score: float
    delay: float


def echo_alignment(
    mic: np.ndarray,
    mic_start: float,
    output: np.ndarray,
    output_start: float,
    sample_rate: int = 16000,
    min_delay: float = MIN_DELAY_SECONDS,
    max_delay: float = MAX_DELAY_SECONDS,
) -> Alignment:
    """Max normalized correlation of ``mic`` with ``output`` delayed by min..max_delay.

    Both are mono at ``sample_rate``; the starts are clock times.
    """
    correlation = window_correlation(mic, output)
    delay = mic_start - (output_start + np.arange(len(correlation)) / sample_rate)
    usable = np.flatnonzero((delay >= min_delay) & (delay <= max_delay) & (correlation > 0))
    if len(usable) == 0:
        return Alignment(0.0, 0.0)
    best = usable[int(np.argmax(correlation[usable]))]
    return Alignment(float(correlation[best]), float(delay[best]))


def window_correlation(near: np.ndarray, far: np.ndarray) -> np.ndarray:
    """How alike ``near`` is to each window ``far[p : p + len(near)]`` (0..1, one per ``p``).

    The magnitude of the normalized cross-correlation; empty when ``far`` is
    shorter than ``near``, zero where either is silent.
    """
    near = near.astype(np.float64)
    far = far.astype(np.float64)
    near_energy = float(np.dot(near, near))
    if len(near) == 0 or len(far) < len(near):
        return np.zeros(0)
    if near_energy == 0.0:
        return np.zeros(len(far) - len(near) + 1)
    size = 1 << int(np.ceil(np.log2(len(far) + len(near))))
    spectrum = np.fft.rfft(far, size) * np.conj(np.fft.rfft(near, size))
    numerator = np.fft.irfft(spectrum, size)[: len(far) - len(near) + 1]
    squares = np.concatenate([[0.0], np.cumsum(far**2)])
    window_energy = squares[len(near):] - squares[: len(far) - len(near) + 1]
    audible = window_energy > 0
    correlation = np.zeros(len(numerator))
    correlation[audible] = np.abs(numerator[audible]) / np.sqrt(window_energy[audible] * near_energy)
    return correlation


def echo_correlation(mic: np.ndarray, mic_start: float, output: np.ndarray, output_start: float) -> float:
    """How much ``mic`` sounds like ``output`` at any delay an echo can have (0..1)."""
    return echo_alignment(mic, mic_start, output, output_start).score


def residual_db(heard: np.ndarray, cleaned: np.ndarray) -> float:
    """How much of the energy ``heard`` is left in ``cleaned``, in dB (0 = all of it)."""
    heard = heard.astype(np.float64)
    cleaned = cleaned.astype(np.float64)
    heard_energy = float(np.dot(heard, heard))
    if heard_energy == 0.0:
        return 0.0
    return 10 * np.log10(max(float(np.dot(cleaned, cleaned)), 1e-9) / heard_energy)


def decimate(samples: np.ndarray, factor: int) -> np.ndarray:
    """Every ``factor``-th sample of a moving average (enough for finding a delay)."""
    usable = len(samples) // factor * factor
    return samples[:usable].astype(np.float64).reshape(-1, factor).mean(axis=1)
