"""The echo measure on real synthesised speech: echo scores high, a user's voice low."""

from __future__ import annotations

import numpy as np
import pytest

from voiceguide.bench.corpus import synthesise
from voiceguide.echo import ECHO_LIKELY, echo_correlation

RATE = 16000


@pytest.fixture(scope="module")
def coach_voice() -> np.ndarray:
    return synthesise("Slowly raise your hips off the floor while contracting your glutes and your hamstrings.", "en-us", 170)


@pytest.fixture(scope="module")
def user_voice() -> np.ndarray:
    return synthesise("stop it hurts", "en-gb+f3", 150)


def mic_of(output: np.ndarray, delay: float, gain: float, extra: np.ndarray | None = None, at: int = 16000) -> np.ndarray:
    shift = int(delay * RATE)
    mic = np.zeros(len(output) + shift)
    mic[shift:] = output * gain
    if extra is not None:
        mic[at : at + len(extra)] += extra[: len(mic) - at]
    rng = np.random.default_rng(0)
    return mic + rng.standard_normal(len(mic)) * 30


@pytest.mark.parametrize("delay", [0.0, 0.04, 0.2, 0.45])
def test_pure_echo_correlates(coach_voice, delay):
    mic = mic_of(coach_voice, delay, 0.3)
    window = mic[16000:32000]  # one second of the microphone, during the line
    score = echo_correlation(window, 1.0, coach_voice, 0.0)
    assert score > 0.9


def test_a_user_with_no_echo_does_not(coach_voice, user_voice):
    mic = np.zeros(len(coach_voice))
    mic[16000 : 16000 + len(user_voice)] = user_voice[: len(mic) - 16000]
    score = echo_correlation(mic[16000:32000], 1.0, coach_voice, 0.0)
    assert score < ECHO_LIKELY


def test_a_user_louder_than_the_echo_drops_it(coach_voice, user_voice):
    mic = mic_of(coach_voice, 0.05, 0.1, extra=user_voice)
    score = echo_correlation(mic[16000:32000], 1.0, coach_voice, 0.0)
    assert score < 0.6


def test_silence_and_short_output_score_zero(coach_voice):
    assert echo_correlation(np.zeros(8000), 1.0, coach_voice, 0.0) == 0.0
    assert echo_correlation(coach_voice[:16000], 1.0, coach_voice[:100], 0.0) == 0.0
