"""The listener thread: microphone frames in, the coach's events out.

Each frame goes, in this order, through the echo canceller, the recognizer,
the echo policy and the decider; what the decider makes of it is posted to
the runner.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ..audio.microphone import Frame, Microphone
from ..events import DeviceLost, Heard, Unclear
from ..grammar import SAFETY_INTENTS
from ..recognizers.base import Hypothesis, Recognizer
from .decider import IntentDecider
from .echo_canceller import EchoCanceller, SpeakerReference
from .echo_policy import EchoPolicy

# A hushed coach goes on by itself after this, if no stop or pain came: the decode after the
# word's end, and a partial's confirmation, come well within it.
HUSH_SECONDS = 0.75
# Someone speaking over the coach hushes it before the decode that may hear a stop (a decode takes 80 ms on a quiet
# machine and twice that on a busy one): at the utterance's first pause, and only when it comes as soon as a word said
# alone ends (a lone "stop" pauses 0.3-0.6 s in, pre-roll included), so that talk over the coach does not stutter it.
PAUSE_HUSH_MAX_SECONDS = 0.7


class Listener:
    """Microphone → echo canceller → recognizer → echo policy → decider → the runner's queue."""

    def __init__(
        self,
        microphone: Microphone,
        canceller: EchoCanceller | None,
        reference: SpeakerReference,
        recognizer: Recognizer,
        echo_policy: EchoPolicy,
        decider: IntentDecider,
        post: Callable[[object], None],
        on_lost: Callable[[str], None] | None = None,
        show: Callable[[str], None] | None = None,
        after_command: Callable[[], None] | None = None,
        hush: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.microphone = microphone
        self.canceller = canceller  # None: the frames reach the recognizer as heard
        self.reference = reference  # what the speaker played, shared with the canceller
        self.recognizer = recognizer
        self.echo_policy = echo_policy
        self.decider = decider
        self.post = post
        self.on_lost = on_lost  # called with the reason when the microphone is lost
        self.show = show  # shown what was heard and ignored (--show-heard)
        self.after_command = after_command  # called after each final the coach is told of as a command
        # hush(seconds) pauses the coach's voice where it is, hush(0) lets it go on: while a word may yet be a stop.
        self.hush = hush
        # When the coach goes on by itself (an utterance that ends as a click has no final to lift its hush).
        self._hush_ends = 0.0
        self._hushed_at_pause = False  # the hush began at a pause, before its decode said whether it may be a stop
        self.clock = clock
        if hush is not None:
            recognizer.on_pause(self._pausing)
        self.last_echo_score: float | None = None  # how much the microphone sounded like the coach
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="listener", daemon=True)

    def start(self) -> None:
        self.recognizer.listen_live()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        if self.canceller is not None and not self._thread.is_alive():
            self.canceller.close()

    def _listen(self) -> None:
        while not self._stop.is_set():
            heard = self.microphone.read(timeout=0.2)
            if heard is None:
                error = self.microphone.error
                if error is not None:
                    self._lost(str(error))
                    return
                continue
            self.hear(heard)

    def hear(self, heard: Frame) -> None:
        """One frame of the microphone, through to the events it makes."""
        cleaned = self._cancel_echo(heard)
        self.echo_policy.hear(heard, cleaned)
        hypothesis = self.recognizer.accept(cleaned.samples.tobytes(), cleaned.echo_only)
        if hypothesis is not None:
            self._consider(hypothesis, cleaned.time)
        confirmed = self.decider.poll(self.clock())
        if confirmed is not None:
            self._post(confirmed, confirmed.text, "partial")
        if self._hushed_at_pause:
            self._hushed_at_pause = False
            if not self.decider.waiting and (hypothesis is None or not hypothesis.maybe):
                self._end_hush()  # the pause's words are no stop and no pain, nor may yet be: the coach goes on

    def _pausing(self, utterance_seconds: float) -> None:
        """The speech paused and is about to be decoded: hush the coach if someone is speaking over it."""
        if self._hushed or utterance_seconds > PAUSE_HUSH_MAX_SECONDS:
            return
        if self.echo_policy.someone_over_the_coach(self.clock(), utterance_seconds):
            self._begin_hush(f"someone spoke over it, {utterance_seconds:.2f} s into the utterance")
            self._hushed_at_pause = True

    def _begin_hush(self, why: str) -> None:
        """Pause the coach's voice where it is, once an utterance, until :meth:`_end_hush` or a stop."""
        if self._hushed or self.hush is None:
            return
        self.hush(HUSH_SECONDS)
        self._hush_ends = self.clock() + HUSH_SECONDS
        if self.show is not None:
            self.show(f"hushed the coach: {why}")

    def _lost(self, reason: str) -> None:
        self.post(DeviceLost("microphone", reason))
        if self.on_lost:
            self.on_lost(reason)

    def _cancel_echo(self, frame: Frame) -> Frame:
        if self.canceller is not None:
            return self.canceller.process(frame)  # takes in what the speaker played, too
        self.reference.pull()
        return frame

    def _consider(self, hypothesis: Hypothesis, heard_at: float) -> None:
        verdict = self.echo_policy.judge(hypothesis, heard_at, self.clock())
        self.last_echo_score = verdict.score
        if verdict.own_voice:
            # Nothing the user said: the decider is given an empty hypothesis in its place.
            self.decider.decide(Hypothesis("", hypothesis.final, 0.0), coach_speaking=True, echo_text=verdict.coach_words)
            if self.show is not None and hypothesis.text:
                left = "" if verdict.residual_db is None else f", {verdict.residual_db:.0f} dB left after cancelling"
                self.show(f"ignored: {hypothesis.text!r}, the coach's own voice (echo {verdict.score:.2f}{left})")
            if hypothesis.final:
                self._end_hush()
            return
        coach_playing = bool(verdict.coach_lines) or verdict.barge_in  # a barge-in leaves coach_lines empty
        if hypothesis.maybe and coach_playing:
            # The word may not be over ("stop" is "start" before its "p"): the coach holds its breath.
            self._begin_hush(f"{hypothesis.heard!r} may yet be {hypothesis.maybe!r}")
        event = self.decider.decide(
            hypothesis,
            coach_speaking=bool(verdict.coach_lines),
            echo_text=verdict.coach_words,
            now=self.clock(),
            barge_in=verdict.barge_in,
        )
        if event is not None:
            self._post(event, hypothesis.text or hypothesis.heard, "final" if hypothesis.final else "partial")
        elif hypothesis.final and verdict.coach_lines and self.show is not None and (hypothesis.text or hypothesis.heard):
            # Too unsure, or only the coach's words, while it talked: shown, so that a missed command can be told why.
            self.show(
                f"ignored: {hypothesis.text or hypothesis.heard!r} (confidence {hypothesis.confidence:.2f}, "
                f"said while the coach spoke{'' if verdict.score is None else f', echo {verdict.score:.2f}'})"
            )
        if hypothesis.final:
            self._end_hush()

    @property
    def _hushed(self) -> bool:
        return self.clock() < self._hush_ends

    def _end_hush(self) -> None:
        """The utterance is over, and no stop or pain came of it: a hush it began ends, and the coach goes on."""
        if self._hushed and self.hush is not None:
            self.hush(0.0)
            if self.show is not None:
                self.show(f"the coach goes on, hushed {1000 * (self.clock() - self._hush_ends + HUSH_SECONDS):.0f} ms")
        self._hush_ends = 0.0

    def _post(self, event: Heard | Unclear, text: str, stage: str) -> None:
        self.post(event)
        if isinstance(event, Heard) and event.intent in SAFETY_INTENTS:
            self._hush_ends = 0.0  # the stop or pain cuts the coach, and the hush with it
        if stage == "final" and isinstance(event, Heard) and self.after_command is not None:
            self.after_command()
        if self.show is not None:
            name = event.intent if isinstance(event, Heard) else "unclear"
            confidence = event.confidence if isinstance(event, Heard) else 0.0
            echo = "" if self.last_echo_score is None else f", echo {self.last_echo_score:.2f}"
            why = f"; {self.decider.why}" if stage == "final" and self.decider.why else ""
            self.show(f"heard: {name} ({text!r}, confidence {confidence:.2f}, {stage}{echo}{why})")
