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
        self._hushed = False
        self.clock = clock
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
            cleaned = self._cancel_echo(heard)
            self.echo_policy.hear(heard, cleaned)
            hypothesis = self.recognizer.accept(cleaned.samples.tobytes(), cleaned.echo_only)
            if hypothesis is not None:
                self._consider(hypothesis, cleaned.time)
            confirmed = self.decider.poll(self.clock())
            if confirmed is not None:
                self._post(confirmed, confirmed.text, "partial")

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
        if hypothesis.maybe and coach_playing and self.hush is not None and not self._hushed:
            # The word may not be over ("stop" is "start" before its "p"): the coach holds its breath.
            self.hush(HUSH_SECONDS)
            self._hushed = True
            if self.show is not None:
                self.show(f"hushed the coach: {hypothesis.heard!r} may yet be {hypothesis.maybe!r}")
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

    def _end_hush(self) -> None:
        """The utterance is over, and no stop or pain came of it: a hush it began ends, and the coach goes on."""
        if self._hushed and self.hush is not None:
            self.hush(0.0)
        self._hushed = False

    def _post(self, event: Heard | Unclear, text: str, stage: str) -> None:
        self.post(event)
        if isinstance(event, Heard) and event.intent in SAFETY_INTENTS:
            self._hushed = False  # the stop or pain cuts the coach, and the hush with it
        if stage == "final" and isinstance(event, Heard) and self.after_command is not None:
            self.after_command()
        if self.show is not None:
            name = event.intent if isinstance(event, Heard) else "unclear"
            confidence = event.confidence if isinstance(event, Heard) else 0.0
            echo = "" if self.last_echo_score is None else f", echo {self.last_echo_score:.2f}"
            why = f"; {self.decider.why}" if stage == "final" and self.decider.why else ""
            self.show(f"heard: {name} ({text!r}, confidence {confidence:.2f}, {stage}{echo}{why})")
