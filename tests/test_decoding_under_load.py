"""Whisper on a busy machine: the decodes an utterance can do without never hold the listener up.

A scripted decoder stands in for Whisper (each decode takes a set time on a
fake clock) and a scripted detector for Silero, so the test is exact however
busy the machine that runs it is.
"""

from __future__ import annotations

import numpy as np
import pytest

from voiceguide.recognizers.utterances import UtteranceRecognizer
from voiceguide.recognizers.whisper_decoder import Decoded
from voiceguide.recognizers.whisper_engine import DECODE_SHARE, ENDPOINT, WhisperUtterances

RATE = 16000
WINDOW = 512  # Silero's window


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class SlowDecoder:
    """Stands in for WhisperDecoder: every decode takes ``cost`` seconds of ``clock``."""

    def __init__(self, clock: Clock, cost: float) -> None:
        self.clock = clock
        self.cost = cost
        self.decodes: list[tuple[bool, float]] = []  # (grammar, seconds of audio)

    def decode(self, samples: np.ndarray, grammar: bool = True, floor: float = float("-inf")) -> Decoded:
        self.clock.now += self.cost
        self.decodes.append((grammar, len(samples) / RATE))
        return Decoded("next" if grammar else None, -0.5, 2, "next", -0.2)


class Scripted:
    name = "scripted"
    window = WINDOW

    def __init__(self, probabilities: list[float]) -> None:
        self._left = list(probabilities)

    def probability(self, samples: np.ndarray) -> float:
        return self._left.pop(0) if self._left else 0.0

    def reset(self) -> None:
        pass


def speech(words: int, word_windows: int, pause_windows: int) -> tuple[np.ndarray, list[float]]:
    """Words of loud noise with short quiet pauses between them (too short to end the utterance)."""
    rng = np.random.default_rng(7)
    audio, probabilities = [], []
    for _ in range(words):
        audio.append((rng.standard_normal(word_windows * WINDOW) * 3000).astype(np.int16))
        probabilities += [0.9] * word_windows
        audio.append((rng.standard_normal(pause_windows * WINDOW) * 2).astype(np.int16))
        probabilities += [0.1] * pause_windows
    return np.concatenate(audio), probabilities


def listen(audio: np.ndarray, probabilities: list[float], cost: float) -> tuple[SlowDecoder, list]:
    clock = Clock()
    decoder = SlowDecoder(clock, cost)
    recognizer = UtteranceRecognizer(
        WhisperUtterances(decoder, clock=clock), ["next"], detector=Scripted(probabilities), endpoint=ENDPOINT
    )
    hypotheses = []
    for at in range(0, len(audio), 320):  # 20 ms frames, as the microphone gives them
        hypothesis = recognizer.accept(audio[at : at + 320].tobytes())
        if hypothesis is not None:
            hypotheses.append((at / RATE, hypothesis))
    return decoder, hypotheses


@pytest.mark.parametrize("cost", [0.3, 0.8])
def test_a_long_voice_on_a_busy_machine_is_decoded_in_less_time_than_it_lasts(cost):
    # The coach's voice before the canceller has learnt the room, as Whisper decoded it under load
    # (0.1-0.4 s a partial, 0.2-1 s a final): every 0.2 s a partial and a final at each pause took
    # 3-4 times as long as the audio, and the listener fell 3 to 18 s behind the microphone.
    audio, probabilities = speech(words=25, word_windows=10, pause_windows=3)  # 10.4 s
    decoder, hypotheses = listen(audio, probabilities, cost)
    seconds = len(audio) / RATE
    assert cost * len(decoder.decodes) <= 0.7 * seconds, len(decoder.decodes)
    assert any(h.final for _, h in hypotheses)  # the utterance still has its final
    assert len(decoder.decodes) >= seconds / (2 * DECODE_SHARE * cost)  # and is decoded along the way


def test_the_pause_after_a_short_command_is_decoded_at_once_however_slow_decoding_is():
    # A partial mid-word took long; the final at the pause after the word still comes at once
    # (scored, it is what a "stop" acts on).
    audio, probabilities = speech(words=1, word_windows=14, pause_windows=16)
    decoder, hypotheses = listen(audio, probabilities, cost=0.8)
    word_end = 14 * WINDOW / RATE
    scored = [at for at, h in hypotheses if not h.final and h.confidence > 0]
    assert scored and scored[0] - word_end < 0.05
