"""Hands-free mode: the microphone and the speaker are the only interface.

This wires a session: the speaker (the voice through the player), the
microphone, the recognizer and the listener, around the same coach and runner
as text mode. A part that is missing falls back to text for that side (typed
input, printed lines), unless the user asked for audio only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from threadpoolctl import threadpool_limits

from .audio import AudioError, AudioSpeaker, Microphone, Player
from .audio.voice_choice import open_voice
from .events import DeviceLost
from .folders import voice_cache_folder
from .coach.walk import spoken_lines
from .grammar import Grammar
from .understanding import Understanding
from .listening import IntentDecider
from .listening.echo_canceller import SpeakerReference, open_echo_canceller
from .listening.echo_policy import EchoPolicy
from .listening.listener import Listener
from .recognizers import registry
from .recognizers.base import Recognizer, RecognizerError
from .runner import Runner, Speaker
from .session import Session
from .text_mode import TextSpeaker, read_typed_lines
from .voice_memory import RecognizerMemory, VoiceMemory

PRERENDERED = [(str(n), 1.0) for n in range(1, 21)] + [("Relax.", 1.0)]  # rendered at the start, so they come without delay

# What a session that lost a part goes on with, said after the reason.
TYPED_WITH_SPEAKER = "I'll speak through the speaker and not listen: type what you would say, one line at a time."
TYPED_WITHOUT_AUDIO = (
    "This session uses neither the microphone nor a speaker: type what you would say, "
    "one line at a time; what I say is shown here."
)


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


def run_hands_free(
    session: Session,
    options: AudioOptions,
    speed: float,
    caption: Callable[[str], None],
    notice: Callable[[str], None],
    typed_input: TextIO,
) -> int:
    """A hands-free session; falls back to text for a device that is missing."""
    # One BLAS thread: numpy's spare ones spin after each small product (Whisper's mel filter bank)
    # and take the CPU from the speech encoder (docs/whisper-engine.md).
    threadpool_limits(1, user_api="blas")
    grammar = Grammar.load()
    understanding = session.understanding(grammar, notice)
    no_recognizer = ""  # why no engine can listen, when none can
    try:  # the engine asked for, or the next one that can run (with one line saying why); never the network
        recognizer: Recognizer | None = registry.create_recognizer(
            options.engine, grammar.sentences, grammar.safety_sentences, options.model, options.configured_model,
            notify=notice,
        )
    except RecognizerError as error:
        if options.require_audio:
            notice(error.message)
            return 2
        recognizer, no_recognizer = None, error.message  # said below, with what the session uses instead
    relay = _Relay()
    voice = None
    try:
        voice = open_voice(options.voice, options.rate_wpm, notice, voice_cache_folder())
        player = Player(device=options.output_device, on_error=relay)
    except AudioError as error:
        if voice is not None:
            voice.close()
        if options.require_audio:
            notice(str(error))
            return 2
        if recognizer is None:
            notice(no_recognizer)
        notice(f"{error} {TYPED_WITHOUT_AUDIO}")
        return _run_typed(session, TextSpeaker(sys.stdout, speed), understanding, speed, notice, typed_input)
    speaker = AudioSpeaker(voice, player, caption, on_error=relay)
    # espeak-ng renders in milliseconds: it warms only the counts; Piper renders every line known in advance, once, to disk.
    voice.prerender(spoken_lines(session.coach) if voice.backend == "piper" else PRERENDERED)
    if recognizer is None:
        notice(f"{no_recognizer} {TYPED_WITH_SPEAKER}")
        return _run_typed(session, speaker, understanding, speed, notice, typed_input, relay)
    try:
        microphone = Microphone(device=options.input_device)
    except AudioError as error:
        if options.require_audio:
            speaker.close()
            notice(str(error))
            return 2
        notice(f"{error} {TYPED_WITH_SPEAKER}")
        return _run_typed(session, speaker, understanding, speed, notice, typed_input, relay)
    show = notice if options.show_heard else None
    return _run_listening(session, speaker, microphone, recognizer, understanding, speed, notice, typed_input, show, relay)


def _runner(session: Session, speaker: Speaker, speed: float, notice: Callable[[str], None], relay: _Relay | None) -> Runner:
    runner = Runner(session.coach, speaker, session.journal, speed=speed, notice=notice)
    runner.fallback_speaker = lambda: TextSpeaker(sys.stdout, speed)
    if relay is not None:  # the speaker or the voice failed: go on in text
        relay.target = lambda error: runner.post(DeviceLost("speaker", str(error)))
    return runner


def _run_typed(
    session: Session,
    speaker: Speaker,
    understanding: Understanding,
    speed: float,
    notice: Callable[[str], None],
    typed_input: TextIO,
    relay: _Relay | None = None,
) -> int:
    """The session with typed input instead of the microphone."""
    runner = _runner(session, speaker, speed, notice, relay)
    read_typed_lines(typed_input, understanding, runner)
    runner.run()
    return 0


def _run_listening(
    session: Session,
    speaker: AudioSpeaker,
    microphone: Microphone,
    recognizer: Recognizer,
    understanding: Understanding,
    speed: float,
    notice: Callable[[str], None],
    typed_input: TextIO,
    show: Callable[[str], None] | None,
    relay: _Relay,
) -> int:
    """The session heard through the microphone (typed input takes over if it is lost)."""
    runner = _runner(session, speaker, speed, notice, relay)
    memory = RecognizerMemory(VoiceMemory.default(), recognizer, microphone.device.name, notice)
    if memory.recall() and show is not None:
        show(f"listening: {recognizer.name} starts from what it learnt of your voice last time")
    reference = SpeakerReference(speaker.player)
    canceller = open_echo_canceller(reference, microphone.frame_samples, notice)
    listener = Listener(
        microphone, canceller, reference, recognizer,
        EchoPolicy(understanding.grammar, speaker, reference, canceller),
        IntentDecider(understanding.grammar, understanding=understanding, context=lambda: runner.context),
        runner.post,
        on_lost=lambda reason: read_typed_lines(typed_input, understanding, runner),
        show=show,
        after_command=memory.keep,
        hush=speaker.player.hold,
    )
    listener.start()
    try:
        runner.run()
    finally:
        listener.stop()
        microphone.close()
    return 0
