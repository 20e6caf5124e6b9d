"""Hands-free mode: the microphone and the speaker are the only interface.

The coach and the runner are the same as in text mode. Here the speaker is
pyttsx3 speech played through sounddevice (cuttable at once), and a listener
thread turns microphone frames into the coach's events through a recognizer
and :mod:`voiceguide.listening`.

The coach's own voice reaching the microphone must never act as a command,
and must not drown a user's "stop". First an echo canceller takes what the
speaker played out of the microphone (:mod:`voiceguide.audio.echo_canceller`)
and marks the frames in which only its residue is left: the recognizer does
not take those for speech. Then the listener checks what is left: a
hypothesis heard while the coach was speaking (or just after) that still
sounds like the coach can only be a safety phrase, and only when its words are
not words the coach was saying; nothing heard over the coach's voice becomes
"unclear".
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from .audio import AudioError, Microphone, Player, Voice
from .audio.echo_canceller import EchoCanceller, SpeakerReference, open_echo_canceller
from .audio.microphone import Frame
from .echo import ECHO_LIKELY, ECHO_ONLY, echo_correlation, residual_db
from .events import DeviceLost, Heard, Say, Unclear
from .grammar import Grammar
from .listening import IntentDecider
from .recognizers import registry
from .recognizers.base import Hypothesis, Recognizer, RecognizerError
from .runner import Runner, Speaker
from .session import Session
from .text_mode import TextSpeaker, read_typed_lines
from .voice_memory import RecognizerMemory, VoiceMemory

ECHO_TAIL_SECONDS = 0.5  # the room (and the recognizer) still hears a line this long after it ends
UTTERANCE_LEAD_SECONDS = 1.0  # a first partial comes this long after its speech began, at most
ECHO_WINDOW_FRAMES = 30  # the last 0.6 s: about one short command
CANCELLED_DB = -12.0  # the echo canceller left less than this of what was heard: only the coach's voice


@dataclass
class Spoken:
    utterance_id: int
    text: str
    started: float
    ended: float | None = None


class AudioSpeaker:
    """The runner's speaker: renders each line with the voice and plays it."""

    def __init__(
        self,
        voice: Voice,
        player: Player,
        caption: Callable[[str], None],
        on_error: Callable[[AudioError], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.voice = voice
        self.player = player
        self.caption = caption
        self.on_error = on_error
        self.clock = clock
        self._spoken: deque[Spoken] = deque(maxlen=32)
        self._lock = threading.Lock()

    def say(self, line: Say, on_done: Callable[[int], None]) -> None:
        try:
            pcm = self.voice.render(line.text, line.rate)
        except AudioError as error:  # the voice is broken: as if the speaker were lost
            self.caption(line.text)
            self.on_error(error)
            return

        def started(utterance_id: int) -> None:
            with self._lock:
                self._spoken.append(Spoken(utterance_id, line.text, self.clock()))
            self.caption(line.text)

        def done(utterance_id: int) -> None:
            self._mark_ended(utterance_id)
            on_done(utterance_id)

        self.player.play(line.utterance_id, pcm, on_start=started, on_done=done)

    def cut(self) -> None:
        self.player.cut()
        with self._lock:
            for spoken in self._spoken:
                if spoken.ended is None:
                    spoken.ended = self.clock()

    def idle(self) -> bool:
        return not self.player.is_speaking

    def close(self) -> None:
        self.player.wait_idle(timeout=60)
        self.player.close()
        self.voice.close()

    def _mark_ended(self, utterance_id: int) -> None:
        with self._lock:
            for spoken in self._spoken:
                if spoken.utterance_id == utterance_id and spoken.ended is None:
                    spoken.ended = self.clock()

    def spoken_between(self, start: float, end: float) -> list[str]:
        """The lines that were playing at some time between ``start`` and ``end``."""
        with self._lock:
            return [
                s.text for s in self._spoken
                if s.started <= end and (s.ended is None or s.ended + ECHO_TAIL_SECONDS >= start)
            ]


class Listener:
    """Microphone frames → recognizer → decisions → events for the runner."""

    def __init__(
        self,
        microphone: Microphone,
        recognizer: Recognizer,
        decider: IntentDecider,
        speaker: AudioSpeaker,
        reference: SpeakerReference,
        post: Callable[[object], None],
        on_lost: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        show: Callable[[str], None] | None = None,
        canceller: EchoCanceller | None = None,
        after_command: Callable[[], None] | None = None,
    ) -> None:
        self.show = show
        self.after_command = after_command  # called after each final the coach is told of as a command
        self.canceller = canceller
        self.reference = reference  # what the speaker played, shared with the canceller
        self.microphone = microphone
        self.recognizer = recognizer
        self.decider = decider
        self.speaker = speaker
        self.post = post
        self.on_lost = on_lost
        self.clock = clock
        self.heard: list[tuple[float, Heard | Unclear, str]] = []  # (time, event, text), for tests
        self._utterance_start: float | None = None
        self._recent: deque[tuple[Frame, Frame]] = deque(maxlen=ECHO_WINDOW_FRAMES)  # (heard, cleaned)
        self.last_echo_score: float | None = None  # how much the microphone sounded like the coach
        self.last_residual_db = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        if self.canceller is not None and not self._thread.is_alive():
            self.canceller.close()

    def _listen(self) -> None:
        while not self._stop.is_set():
            frame = self.microphone.read(timeout=0.2)
            if frame is None:
                error = self.microphone.error
                if error is not None:
                    self.post(DeviceLost("microphone", str(error)))
                    if self.on_lost:
                        self.on_lost(str(error))
                    return
                continue
            heard = frame
            if self.canceller is not None:
                frame = self.canceller.process(frame)  # takes in what the speaker played, too
            else:
                self.reference.pull()
            self._recent.append((heard, frame))
            hypothesis = self.recognizer.accept(frame.samples.tobytes(), frame.echo_only)
            if hypothesis is not None:
                self._consider(hypothesis, frame.time)
            confirmed = self.decider.poll(self.clock())
            if confirmed is not None:
                self._post(confirmed, confirmed.text, "partial")

    def _echo_score(self) -> float:
        """How much the last 0.6 s of the microphone is the coach's own voice (0..1).

        1 when the echo canceller took out all but ``CANCELLED_DB`` of it;
        otherwise the correlation of what the microphone heard with what the
        speaker played (a user talking over the coach lowers it).
        """
        recent = list(self._recent)
        if not recent:
            return 0.0
        heard = np.concatenate([raw.samples for raw, _ in recent])
        if self.canceller is not None:
            cleaned = np.concatenate([clean.samples for _, clean in recent])
            self.last_residual_db = residual_db(heard, cleaned)
            if self.last_residual_db <= CANCELLED_DB:
                self.last_echo_score = 1.0
                return 1.0
        start = recent[0][0].time
        output, output_start = self.reference.echo_source(start, len(heard))
        self.last_echo_score = echo_correlation(heard, start, output, output_start)
        return self.last_echo_score

    def _consider(self, hypothesis: Hypothesis, heard_at: float) -> None:
        text, final = hypothesis.text, hypothesis.final
        self.last_echo_score = None
        if self._utterance_start is None:
            self._utterance_start = heard_at - UTTERANCE_LEAD_SECONDS
        playing = self.speaker.spoken_between(self._utterance_start, self.clock())
        barge_in = False
        if playing and (final or self.decider.grammar.parse(text) is not None or self.decider.grammar.safety_word(hypothesis.heard)):
            score = self._echo_score()
            if score >= ECHO_ONLY:
                self.decider.decide(Hypothesis("", final, 0.0), coach_speaking=True, echo_text=" ".join(playing))
                if self.show is not None and text:
                    left = "" if self.canceller is None else f", {self.last_residual_db:.0f} dB left after cancelling"
                    self.show(f"ignored: {text or hypothesis.heard!r}, the coach's own voice (echo {score:.2f}{left})")
                return  # only the coach's own voice: nothing the user said
            barge_in = True  # the coach is talking, and someone else too
            if score < ECHO_LIKELY:
                playing = []  # what the microphone hears is not the coach's voice
        event = self.decider.decide(
            hypothesis, coach_speaking=bool(playing), echo_text=" ".join(playing), now=self.clock(), barge_in=barge_in,
        )
        if final:
            self._utterance_start = None
        if event is not None:
            self._post(event, text or hypothesis.heard, "final" if final else "partial")

    def _post(self, event: Heard | Unclear, text: str, stage: str) -> None:
        self.heard.append((self.clock(), event, text))
        self.post(event)
        if stage == "final" and isinstance(event, Heard) and self.after_command is not None:
            self.after_command()
        if self.show is not None:
            name = event.intent if isinstance(event, Heard) else "unclear"
            confidence = event.confidence if isinstance(event, Heard) else 0.0
            echo = "" if self.last_echo_score is None else f", echo {self.last_echo_score:.2f}"
            self.show(f"heard: {name} ({text!r}, confidence {confidence:.2f}, {stage}{echo})")


class _Relay:
    """Passes a device error on to whoever is set as its target (the runner, once made)."""

    def __init__(self) -> None:
        self.target: Callable[[AudioError], None] | None = None

    def __call__(self, error: AudioError) -> None:
        if self.target is not None:
            self.target(error)


@dataclass(frozen=True)
class AudioOptions:
    engine: str = "auto"
    model: Path | None = None  # --model: a folder the user named
    configured_model: Path | None = None  # the settings file's model_path
    input_device: str | None = None
    output_device: str | None = None
    voice: str | None = None
    rate_wpm: int = 150
    require_audio: bool = False
    show_heard: bool = False


def open_recognizer(options: AudioOptions, grammar: Grammar, notice: Callable[[str], None]) -> Recognizer:
    """The engine asked for, or the next one that can run (with one line saying why). Never uses the network."""
    return registry.create_recognizer(
        options.engine, grammar.sentences, grammar.safety_sentences, options.model, options.configured_model, notify=notice
    )


def run_hands_free(
    session: Session,
    options: AudioOptions,
    speed: float,
    caption: Callable[[str], None],
    notice: Callable[[str], None],
    typed_input: TextIO,
) -> int:
    """A hands-free session; falls back to text for a device that is missing."""
    grammar = Grammar.load()
    try:
        recognizer: Recognizer | None = open_recognizer(options, grammar, notice)
    except RecognizerError as error:
        if options.require_audio:
            notice(error.message)
            return 2
        notice(f"{error.message} Type what you would say instead, one line at a time.")
        recognizer = None
    relay = _Relay()
    try:
        voice = Voice(voice=options.voice or "en-us", rate_wpm=options.rate_wpm)
        player = Player(device=options.output_device, on_error=relay)
    except AudioError as error:
        if options.require_audio:
            notice(str(error))
            return 2
        notice(f"{error} I'll show what I say as text instead.")
        return _run_with(session, TextSpeaker(sys.stdout, speed), None, grammar, speed, notice, typed_input)
    speaker = AudioSpeaker(voice, player, caption, on_error=relay)
    voice.prerender([(str(n), 1.0) for n in range(1, 21)] + [("Relax.", 1.0)])
    if recognizer is None:
        return _run_with(session, speaker, None, grammar, speed, notice, typed_input, relay=relay)
    try:
        microphone = Microphone(device=options.input_device)
    except AudioError as error:
        if options.require_audio:
            speaker.close()
            notice(str(error))
            return 2
        notice(f"{error} Type what you would say instead, one line at a time.")
        return _run_with(session, speaker, None, grammar, speed, notice, typed_input, relay=relay)
    show = notice if options.show_heard else None
    return _run_with(session, speaker, (microphone, recognizer), grammar, speed, notice, typed_input, show, relay)


def _run_with(
    session: Session,
    speaker: Speaker,
    listening: tuple[Microphone, Recognizer] | None,
    grammar: Grammar,
    speed: float,
    notice: Callable[[str], None],
    typed_input: TextIO,
    show: Callable[[str], None] | None = None,
    relay: _Relay | None = None,
) -> int:
    runner = Runner(session.coach, speaker, session.journal, speed=speed, notice=notice)
    runner.fallback_speaker = lambda: TextSpeaker(sys.stdout, speed)
    if relay is not None:  # the speaker or the voice failed: go on in text
        relay.target = lambda error: runner.post(DeviceLost("speaker", str(error)))
    if listening is None:
        read_typed_lines(typed_input, grammar, runner)
        runner.run()
        return 0
    microphone, recognizer = listening
    assert isinstance(speaker, AudioSpeaker)
    reference = SpeakerReference(speaker.player)
    memory = RecognizerMemory(VoiceMemory.default(), recognizer, microphone.device.name, notice)
    if memory.recall() and show is not None:
        show(f"listening: {recognizer.name} starts from what it learnt of your voice last time")
    listener = Listener(
        microphone, recognizer, IntentDecider(grammar), speaker, reference, runner.post,
        on_lost=lambda reason: read_typed_lines(typed_input, grammar, runner),
        show=show,
        canceller=open_echo_canceller(reference, microphone.frame_samples, notice),
        after_command=memory.keep,
    )
    listener.start()
    try:
        runner.run()
    finally:
        listener.stop()
        microphone.close()
    return 0
