"""Take the coach's own voice out of the microphone before the recognizer hears it.

What the speaker played, lined up with the microphone on one clock
(:class:`SpeakerReference`), goes with each microphone frame into Speex's
adaptive echo filter (:class:`EchoCanceller`), which learns the path from the
speaker to the microphone and subtracts the echo; docs/echo-canceller.md says
how it finds the delay, follows a jump of the path, and what was measured.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

import numpy as np

from ..audio.microphone import Frame
from ..audio.pcm import StreamResampler, Timeline, level_db
from ..audio.player import Player
from .echo_measures import MAX_DELAY_SECONDS, MIN_DELAY_SECONDS, decimate, echo_alignment, window_correlation
from .residue import ResidueDetector

LEAD_SECONDS = 0.03  # the reference goes in this early, so that the echo falls inside the filter
TAIL_SECONDS = 0.25  # the length of echo path the filter learns
MAX_WAIT_SECONDS = 0.1  # a frame waits at most this long for the output that goes with it
ALIGN_WINDOW_SECONDS = 0.6  # the delay is measured on this much of the microphone...
ALIGN_EVERY_SECONDS = 0.5  # ...this often...
ALIGN_SURE = 0.5  # ...and believed when the correlation is at least this
ALIGN_DECIMATION = 4  # measured at a quarter of the sample rate
FIRST_PLACE_SECONDS = 0.005  # the echo must come at least this late in the filter...
ROOM_SECONDS = 0.1  # ...and leave this much of it for the room's reflections
RESYNC_SECONDS = 0.05  # the clocks line the reference up again when it drifts this far
# Following a jump of the echo path (see EchoCanceller._follow_path):
FOLLOW_EVERY_FRAMES = 2  # look every 40 ms while the coach speaks (and at every frame the filter got wrong)
FOLLOW_WINDOW_SECONDS = 0.15  # on this much of the microphone
LEARNT_SURE = 0.8  # the place the filter learns the echo at is believed at this correlation
MOVED_SURE = 0.5  # the echo has moved when it is found elsewhere at this correlation...
MOVED_AGREE = 2  # ...this many times in a row...
MOVED_LEFT = 0.5  # ...while the learnt place explains at most this fraction as much
SPEAKING_LEVEL = 300  # peak level of the reference that counts as the coach speaking
FARTHEST_DELAY_SECONDS = 3.0  # the echo is looked for around the last delay found, never beyond this
SEARCH_FURTHER_SECONDS = 0.8  # when it was not found around the last delay, also this much earlier and later
# How much of the speaker's output is kept: more than the microphone's queue holds (10 s), so that a
# listener held up by slow decodes on a busy machine still finds what was played with each frame.
REFERENCE_SECONDS = 12.0


class SpeakerReference:
    """What the speaker played, at ``sample_rate``, indexed by the time it was heard."""

    def __init__(self, player: Player, sample_rate: int = 16000) -> None:
        self.player = player
        self.sample_rate = sample_rate
        self._resampler = StreamResampler(player.sample_rate, sample_rate)
        self._position = 0  # samples of the player's output taken so far
        self._ring = np.zeros(int(REFERENCE_SECONDS * sample_rate), dtype=np.int16)
        self._count = 0  # samples ever put in the ring
        self._timeline = Timeline(sample_rate)

    def pull(self) -> None:
        """Take in what the player has sent since the last pull."""
        samples, self._position, end_time = self.player.output_since(self._position)
        if len(samples) == 0:
            return
        block = self._resampler.process(samples)[-len(self._ring):]
        size = len(self._ring)
        at = np.arange(self._count, self._count + len(block)) % size
        self._ring[at] = block
        self._count += len(block)
        self._timeline.place(end_time, self._count)

    @property
    def count(self) -> int:
        """Samples taken in so far: the index the next one will have."""
        return self._count

    def index_at(self, t: float) -> int | None:
        """The index of the sample heard at time ``t`` (None before any output)."""
        start = self._timeline.start
        return None if start is None else int(round((t - start) * self.sample_rate))

    def samples(self, first: int, length: int) -> np.ndarray:
        """Samples ``first`` to ``first + length`` (silence where not known)."""
        out = np.zeros(length, dtype=np.int16)
        lo = max(first, self._count - len(self._ring), 0)
        hi = min(first + length, self._count)
        if lo < hi:
            out[lo - first : hi - first] = self._ring[np.arange(lo, hi) % len(self._ring)]
        return out

    def heard(self, start: float, length: int) -> np.ndarray:
        """The ``length`` samples heard from ``start`` on (silence where unknown)."""
        first = self.index_at(start)
        return np.zeros(length, dtype=np.int16) if first is None else self.samples(first, length)

    def echo_source(self, start: float, length: int) -> tuple[np.ndarray, float]:
        """What the speaker played that can be echoed in the ``length`` microphone
        samples from ``start`` on (at every delay an echo can have), and when it starts."""
        output_start = start - MAX_DELAY_SECONDS
        span = length / self.sample_rate + MAX_DELAY_SECONDS - MIN_DELAY_SECONDS
        return self.heard(output_start, int(span * self.sample_rate)), output_start


class EchoCanceller:
    """Microphone frames of ``frame_samples`` in, the same with the coach's voice taken out.

    A frame never leaves louder than it came in, and is marked ``echo_only``
    when nothing but the residue of the coach's voice is left in it.
    """

    def __init__(
        self,
        reference: SpeakerReference,
        frame_samples: int = 320,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from speexdsp_aec import SpeexAec  # loads libspeexdsp (RuntimeError if it is missing)

        self.reference = reference
        self.sample_rate = reference.sample_rate
        self.frame_samples = frame_samples
        self._filter: SpeexAec | None = SpeexAec(
            sample_rate=self.sample_rate,
            frame_ms=round(1000 * frame_samples / self.sample_rate),
            filter_tail_ms=int(TAIL_SECONDS * 1000),
        )
        self.clock = clock
        self._residue = ResidueDetector()
        self.delay = 0.0  # seconds from "heard from the speaker" to "recorded by the microphone"
        self.delay_score = 0.0  # how sure the last delay measurement was
        self._raw: deque[Frame] = deque()
        self._next: int | None = None  # the reference sample that goes with the next frame
        self._since_estimate = 0.0
        self._found_last = False  # the last measurement found the echo (the next looks only around it)
        self._learnt_lag: int | None = None  # samples from the reference fed to the echo in the microphone
        self._moved_to: tuple[int, int] | None = None  # (lag, times found) of an echo found elsewhere
        self._since_follow = 0
        self.path_jumps = 0  # jumps of the echo path followed so far

    def process(self, frame: Frame) -> Frame:
        """``frame`` with the echo of what the speaker played removed."""
        samples = frame.samples
        if len(samples) != self.frame_samples or self._filter is None:
            return frame  # a frame the filter cannot take whole (or closed): left as it is
        self._measure_delay(frame)
        self.reference.pull()
        # The reference runs on sample for sample with the microphone; the
        # clocks only line it up at the start, after a new delay, or when the
        # two have drifted apart by RESYNC_SECONDS.
        target = self.reference.index_at(frame.time - self.delay + LEAD_SECONDS)
        if target is not None and (self._next is None or abs(target - self._next) > RESYNC_SECONDS * self.sample_rate):
            self._next = target
            self._learnt_lag = None  # the filter must learn the path anew (a drift, or a delay out of its reach)
        played = np.zeros(len(samples), dtype=np.int16)
        if self._next is not None:
            self._wait_for_reference(self._next + len(samples))
            played = self.reference.samples(self._next, len(samples))
            self._next += len(samples)
        cleaned = np.frombuffer(self._filter.process(samples, played), dtype=np.int16)
        heard_db, cleaned_db = level_db(samples), level_db(cleaned)
        louder = cleaned_db > heard_db
        self._follow_path(wrong=louder)
        if louder:
            # The filter predicts an echo the microphone did not hear (it learnt a
            # wrong path while the user spoke over the coach, or the path changed):
            # subtracting it would put the coach's voice in, so keep what was heard.
            cleaned, cleaned_db = samples, heard_db
        echo_only = self._residue.only_residue(cleaned_db, level_db(played))
        return Frame(cleaned, frame.sample_rate, frame.time, frame.index, echo_only)

    @property
    def hears_speaker(self) -> bool:
        """Whether the coach's voice has been found in the microphone (False with headphones)."""
        return self.delay_score >= ALIGN_SURE

    def _wait_for_reference(self, until: int) -> None:
        missing = until - self.reference.count
        if missing <= 0 or missing > MAX_WAIT_SECONDS * self.sample_rate:  # ready, or the speaker is not playing
            return
        deadline = self.clock() + MAX_WAIT_SECONDS
        while self.reference.count < until and self.clock() < deadline:
            time.sleep(0.002)
            self.reference.pull()

    def _measure_delay(self, frame: Frame) -> None:
        """Every so often while the coach speaks: how late its voice reaches the microphone."""
        self._raw.append(frame)
        while self._raw and self._raw[0].time < frame.end_time - ALIGN_WINDOW_SECONDS:
            self._raw.popleft()
        self._since_estimate += frame.duration
        if self._since_estimate < ALIGN_EVERY_SECONDS:
            return
        self._since_estimate = 0.0
        mic = np.concatenate([f.samples for f in self._raw])
        # Looked for around the delay last found: on a busy machine the devices' times drift
        # and jump, and the echo came from 0.8 s earlier to 1.6 s later than they say
        # (docs/echo-canceller.md, under load); when it was not found there, also further out.
        far = SEARCH_FURTHER_SECONDS
        arounds = (self.delay,) if self._found_last else (self.delay, self.delay - far, self.delay + far)
        best = None
        for around in arounds:
            start = self._raw[0].time - around
            output, output_start = self.reference.echo_source(start, len(mic))
            if np.abs(output).max(initial=0) < SPEAKING_LEVEL:
                continue
            # At a quarter of the rate (4 kHz still places the echo to 0.25 ms):
            # a small FFT, so the audio threads never wait long for this one.
            found = echo_alignment(
                decimate(mic, ALIGN_DECIMATION), start, decimate(output, ALIGN_DECIMATION), output_start,
                self.sample_rate // ALIGN_DECIMATION,
            )
            if best is None or found.score > best[0]:
                best = (found.score, around + found.delay)
        if best is None:
            return
        score, delay = best
        self._found_last = score >= ALIGN_SURE and abs(delay) <= FARTHEST_DELAY_SECONDS
        if not self._found_last:
            return
        self.delay_score = score
        place = LEAD_SECONDS + delay - self.delay  # where the echo sits in the filter
        if not FIRST_PLACE_SECONDS <= place <= TAIL_SECONDS - ROOM_SECONDS:
            # Out of the filter's reach: line up again (it must then learn the path anew,
            # so a delay the filter can follow is left to it).
            self.delay = delay
            self._next = None

    def _follow_path(self, wrong: bool) -> None:
        """Keep the echo where the filter learnt it when the path jumps.

        Every 40 ms while the coach speaks, and at once after a frame the filter
        made louder, the echo is looked for at every place the filter holds;
        found clearly elsewhere twice in a row, the output given to the filter
        is moved by as much. A user talking over the coach is not a jump: the
        echo is still found where it was.
        """
        self._since_follow += 1
        if self._next is None or (self._since_follow < FOLLOW_EVERY_FRAMES and not wrong):
            return
        self._since_follow = 0
        window = int(FOLLOW_WINDOW_SECONDS * self.sample_rate)
        reach = int(TAIL_SECONDS * self.sample_rate)
        output = self.reference.samples(self._next - window - reach, window + reach)
        if np.abs(output[reach:]).max(initial=0) < SPEAKING_LEVEL:
            self._moved_to = None
            return  # the coach is quiet: nothing to find
        recent = list(self._raw)[-(window // self.frame_samples + 1) :]
        mic = np.concatenate([f.samples for f in recent])[-window:]
        output = output[window - len(mic) :]  # a microphone shorter than the window (the first frames)
        correlation = window_correlation(mic, output)  # at index p the echo lags the output by reach - p
        best = int(np.argmax(correlation))
        lag, score = reach - best, float(correlation[best])
        if self._learnt_lag is None:
            if score >= LEARNT_SURE:
                self._learnt_lag = lag
            return
        learnt_score = float(correlation[reach - self._learnt_lag])
        if score < MOVED_SURE or lag == self._learnt_lag or learnt_score > MOVED_LEFT * score:
            self._moved_to = None
            return
        times = self._moved_to[1] + 1 if self._moved_to is not None and self._moved_to[0] == lag else 1
        self._moved_to = (lag, times)
        if times >= MOVED_AGREE:
            shift = lag - self._learnt_lag
            self._next -= shift
            self.delay += shift / self.sample_rate
            self._moved_to = None
            self.path_jumps += 1

    def close(self) -> None:
        if self._filter is not None:
            self._filter.close()
            self._filter = None


def open_echo_canceller(
    reference: SpeakerReference, frame_samples: int, notice: Callable[[str], None]
) -> EchoCanceller | None:
    """An echo canceller on ``reference``, or None (said in one line) if Speex is missing."""
    try:
        return EchoCanceller(reference, frame_samples)
    except (ImportError, RuntimeError, OSError):
        notice(
            "Echo cancellation is off because libspeexdsp is missing (install libspeexdsp1);"
            " the coach may not hear you while it speaks."
        )
        return None
