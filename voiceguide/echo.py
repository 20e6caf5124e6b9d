"""How much of what the microphone heard is the coach's own voice.

The speaker's recent output is known sample for sample. The coach's voice
reaching the microphone is that output, delayed (by the audio path and the
room) and scaled: so the normalized cross-correlation between the microphone
and the output, over the delays an echo can have, is near 1 for pure echo
and near 0 for a user speaking with no echo. The listener uses it to decide
whether a hypothesis may be the coach's voice before it applies the stricter
echo rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_DELAY_SECONDS = -0.3  # the two devices' clocks can place an echo this much too early
MAX_DELAY_SECONDS = 0.5
ECHO_LIKELY = 0.3  # above this, the coach's voice is in what was heard: its words do not count
ECHO_ONLY = 0.9  # above this, nothing but the coach's voice was heard: nothing counts


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
    mic = mic.astype(np.float64)
    output = output.astype(np.float64)
    mic_energy = float(np.dot(mic, mic))
    if len(mic) == 0 or len(output) < len(mic) or mic_energy == 0.0:
        return Alignment(0.0, 0.0)
    # Correlation at every position p of the window output[p : p + len(mic)].
    size = 1 << int(np.ceil(np.log2(len(output) + len(mic))))
    spectrum = np.fft.rfft(output, size) * np.conj(np.fft.rfft(mic, size))
    numerator = np.fft.irfft(spectrum, size)[: len(output) - len(mic) + 1]
    squares = np.concatenate([[0.0], np.cumsum(output**2)])
    window_energy = squares[len(mic):] - squares[: len(output) - len(mic) + 1]
    delay = mic_start - (output_start + np.arange(len(numerator)) / sample_rate)
    usable = np.flatnonzero((delay >= min_delay) & (delay <= max_delay) & (window_energy > 0))
    if len(usable) == 0:
        return Alignment(0.0, 0.0)
    correlation = np.abs(numerator[usable]) / np.sqrt(window_energy[usable] * mic_energy)
    best = int(np.argmax(correlation))
    return Alignment(float(correlation[best]), float(delay[usable[best]]))


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
