"""The endpointer's decisions, on a detector whose speech probabilities are scripted."""

from __future__ import annotations

import numpy as np

from voiceguide.recognizers.endpointing import Ended, Endpointer, EndpointSettings, Started

WINDOW = 512  # 32 ms at 16 kHz, as Silero's


class Scripted:
    """A speech detector that gives the probabilities it is given, one per window, then silence."""

    name = "scripted"
    window = WINDOW

    def __init__(self, probabilities: list[float]) -> None:
        self._left = list(probabilities)

    def probability(self, samples: np.ndarray) -> float:
        return self._left.pop(0) if self._left else 0.0

    def reset(self) -> None:
        pass


def boundaries(probabilities: list[float], settings: EndpointSettings, windows: int = 40) -> list[object]:
    endpointer = Endpointer(Scripted(probabilities), settings)
    return list(endpointer.feed(np.zeros(windows * WINDOW, np.int16)))


# A short word as Silero hears a synthetic voice say "next": never above 0.66, four windows above 0.5.
SHORT_WORD = [0.0, 0.17, 0.36, 0.35, 0.25, 0.53, 0.59, 0.66, 0.52, 0.24, 0.1, 0.0]


def test_a_short_word_is_an_utterance_where_the_minimum_is_the_start() -> None:
    usual = boundaries(SHORT_WORD, EndpointSettings())
    assert [b.enough_speech for b in usual if isinstance(b, Ended)] == [False]  # taken for a click
    found = boundaries(SHORT_WORD, EndpointSettings(min_speech=0.09))  # the Whisper engine's
    assert isinstance(found[0], Started)
    assert [b.enough_speech for b in found if isinstance(b, Ended)] == [True]


def test_echo_only_audio_is_never_speech() -> None:
    endpointer = Endpointer(Scripted([0.9] * 20), EndpointSettings())
    assert list(endpointer.feed(np.zeros(20 * WINDOW, np.int16), echo_only=True)) == []
