"""How much of what the microphone heard is the coach's own voice.

The speaker's recent output is known sample for sample. The coach's voice
reaching the microphone is that output, delayed (by the audio path and the
room) and scaled: so the normalized cross-correlation between the microphone
and the output, over the delays an echo can have, is near 1 for pure echo
and near 0 for a user speaking with no echo. The listener uses it to decide
whether a hypothesis may be the coach's voice before it applies the stricter
echo rules.

After the echo canceller, :class:`ResidueDetector` tells, frame by frame,
whether anything but the residue of the coach's voice is left, so that the
recognizer does not take that residue for speech.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass

import numpy as np

MIN_DELAY_SECONDS = -0.3  # the two devices' clocks can place an echo this much too early
MAX_DELAY_SECONDS = 0.5
ECHO_LIKELY = 0.3  # above this, the coach's voice is in what was heard: its words do not count
ECHO_ONLY = 0.9  # above this, nothing but the coach's voice was heard: nothing counts

# The residue detector (see ResidueDetector):
RESIDUE_MARGIN_DB = 15.0  # a frame this much above the residue's usual level holds another voice
RESIDUE_HISTORY_FRAMES = 150  # the usual level: the median over the last 150 frames (3 s) the coach spoke
RESIDUE_MIN_FRAMES = 10  # fewer frames than this tell nothing yet
RESIDUE_LEARNT_DB = -25.0  # the residue is told apart only once it is usually this far below the coach
ROOM_TAIL_FRAMES = 12  # the coach's voice lingers in the room (and the filter) this long: 0.24 s
COACH_QUIET_DB = 50.0  # a played level below this (RMS about 300) is the coach being quiet


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


def level_db(samples: np.ndarray) -> float:
    """Mean power of int16 ``samples`` in dB (re one step squared; silence is 0)."""
    as_float = samples.astype(np.float64)
    return float(10 * np.log10(np.dot(as_float, as_float) / max(len(as_float), 1) + 1.0))


class ResidueDetector:
    """Tells the frames in which the echo canceller left nothing but residue.

    No canceller takes all of the coach's voice out, and a recognizer's
    endpointer hears what is left, even 30 dB down, as speech: it then
    decodes the coach's voice as long utterances of garbage, a user's "stop"
    said over it gets lost inside one, and the recognizer's running estimate
    of the voice (its cepstral mean) drifts away from a person's. A "stop"
    said over a -6 dB echo of the coach was heard 0 of 20 times through the
    real audio path, and 7 of 20 once the recognizer ignores the frames this
    detector calls residue.

    While the coach speaks, the residue follows the coach's level, some
    decibels down: how many depends on the room and on how well the filter
    has learnt it, so the detector keeps the usual gap (the median over the
    last seconds of the coach speaking). A frame more than
    ``RESIDUE_MARGIN_DB`` above that holds someone else's voice. Until the filter has learnt the
    room (the usual gap is under ``RESIDUE_LEARNT_DB``), a voice over the
    coach is no louder than the residue, so nothing is called residue.
    """

    def __init__(self) -> None:
        self._gaps: deque[float] = deque(maxlen=RESIDUE_HISTORY_FRAMES)  # cleaned level minus the coach's, in dB
        self._played: deque[float] = deque(maxlen=ROOM_TAIL_FRAMES)

    def only_residue(self, cleaned_db: float, played_db: float) -> bool:
        """True when a frame out of the canceller, at ``cleaned_db`` (:func:`level_db`),
        is only what is left of the speaker's output lined up with it, at ``played_db``."""
        self._played.append(played_db)
        coach = max(self._played)
        if coach < COACH_QUIET_DB:
            return False  # the coach is quiet: whatever is heard is someone else
        gap = cleaned_db - coach
        self._gaps.append(gap)
        if len(self._gaps) < RESIDUE_MIN_FRAMES:
            return False
        usual = statistics.median(self._gaps)
        if usual > RESIDUE_LEARNT_DB:
            return False  # the canceller is still learning the room: a voice would look like residue
        return gap <= usual + RESIDUE_MARGIN_DB


def residual_db(heard: np.ndarray, cleaned: np.ndarray) -> float:
    """How much of the energy ``heard`` is left in ``cleaned``, in dB (0 = all of it)."""
    heard = heard.astype(np.float64)
    cleaned = cleaned.astype(np.float64)
    heard_energy = float(np.dot(heard, heard))
    if heard_energy == 0.0:
        return 0.0
    return 10 * np.log10(max(float(np.dot(cleaned, cleaned)), 1e-9) / heard_energy)
