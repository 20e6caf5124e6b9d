"""The benchmark's corpus: generated, never committed.

Commands from the grammar and natural phrasings that are not in it, said by
several espeak-ng voices at several rates, with silence around them; then
the same mixed with noise (white, pink, brown, a babble of other speech) at
several signal-to-noise ratios. Negatives: every line the coach speaks and
everyday chit-chat. All audio is 16 kHz mono int16.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.support.speech import FESTIVAL_USER, SAMPLE_RATE, synthesise
from voiceguide.grammar import Grammar, normalize

from . import phrasings

# Part of every cached utterance's name: raise it whenever synthesise() makes
# different audio, so that a cache from before is never read as today's.
SYNTHESIS_VERSION = 3
SAFETY_INTENTS = ("Pain", "Symptom", "Stop")

# (voice, words per minute): espeak-ng's formant voices (men's and women's,
# accents, rates) and Festival's more natural HTS voice ("festival:NAME";
# its rate is its own). Recognizers trained on human speech hear espeak-ng's
# robotic voice far worse than a person's: the Festival voice is the closer
# stand-in for a user, and results are reported for both. These are the
# development voices: the engines were tuned on them.
SPEAKERS = (
    ("en-us", 165),
    ("en-gb+f3", 145),
    (FESTIVAL_USER, 0),
    ("en-us+m5", 190),
    ("en-gb-scotland+f2", 160),
)
# Voices nothing was tuned on, from two other synthesisers: flite's CMU
# voices ("flite:NAME") and Festival's diphone voices.
HELD_OUT_SPEAKERS = (
    ("flite:awb", 0),
    ("flite:rms", 0),
    ("flite:slt", 0),
    ("flite:kal16", 0),
    ("festival:kal_diphone", 0),
    ("festival:ked_diphone", 0),
)
VOICE_SETS = {"development": SPEAKERS, "held-out": HELD_OUT_SPEAKERS}


def voice_set(voice: str) -> str:
    """"development" or "held-out": whether the engines were tuned on ``voice``."""
    return "held-out" if voice in {v for v, _ in HELD_OUT_SPEAKERS} else "development"

# What users really say that is not written in the grammar (intent expected).
NATURAL = (
    ("please stop", "Stop"),
    ("stop stop stop", "Stop"),
    ("ow that really hurts", "Pain"),
    ("my back is killing me", "Pain"),
    ("that's painful", "Pain"),
    ("it hurts a lot", "Pain"),
    ("ouch my back", "Pain"),
    ("my foot went numb", "Symptom"),
    ("my leg feels tingly", "Symptom"),
    ("let's move on", "Next"),
    ("okay next one", "Next"),
    ("can you say that again", "Repeat"),
    ("one more time", "Repeat"),
    ("i need a break", "Pause"),
    ("hang on", "Pause"),
    ("how many more", "Status"),
    ("what exercise is this", "Status"),
    ("how do i do this one", "Form"),
    ("can you go slower", "Slower"),
    ("let's skip this one", "Skip"),
    ("what is this exercise for", "Why"),
    ("i want to stop for today", "Quit"),
)

CHIT_CHAT = (
    "what a lovely day it is today",
    "did you remember to buy milk",
    "the kids are coming home at four",
    "turn left at the next corner",
    "and now the weather for the weekend",
    "tonight on the news the latest from the city",
    "i think the game starts at seven",
    "could you pass me the remote",
    "the dog needs a walk later",
    "we should call your mother tonight",
    "next week we are going on holiday",
    "hold the door for me please",
    "that movie was really long",
    "the coffee is ready in the kitchen",
    "stock markets were up again this morning",
    "let me know when you get there",
)


@dataclass(frozen=True)
class Utterance:
    text: str
    expected: str | None  # the intent, or None for a negative
    category: str  # grammar | natural | coach | chitchat
    voice: str
    rate: int

    @property
    def key(self) -> str:
        return hashlib.sha1(f"{SYNTHESIS_VERSION}|{self.text}|{self.voice}|{self.rate}".encode()).hexdigest()[:16]


def command_utterances(
    grammar: Grammar, per_intent: int, pain_phrases: int, seed: int = 7, speakers: Sequence[tuple[str, int]] = SPEAKERS
) -> list[Utterance]:
    """A sample of each intent's sentences (more of pain's), each by every speaker."""
    rng = random.Random(seed)
    by_intent: dict[str, list[str]] = {}
    for intent, sentence in grammar.samples:
        by_intent.setdefault(intent, []).append(sentence)
    chosen: list[tuple[str, str]] = []
    for intent, sentences in by_intent.items():
        count = pain_phrases if intent in ("Pain", "Symptom") else per_intent
        shortest_first = sorted(sentences, key=len)
        picked = shortest_first[: max(1, count // 2)]
        rest = [s for s in sentences if s not in picked]
        picked += rng.sample(rest, min(len(rest), count - len(picked)))
        chosen += [(intent, sentence) for sentence in picked]
    return [Utterance(text, intent, "grammar", voice, rate) for intent, text in chosen for voice, rate in speakers]


def natural_utterances(held_out: bool = False) -> list[Utterance]:
    """Phrasings written without looking at the grammar: the tuning half, or the held-out half by the held-out voices."""
    if held_out:
        texts = [(t, i) for t, i in phrasings.PHRASINGS if not phrasings.is_development(t)]
        return _rotate(texts, "natural", HELD_OUT_SPEAKERS)
    texts = [(t, i) for t, i in phrasings.PHRASINGS if phrasings.is_development(t)]
    early = [Utterance(text, intent, "natural", voice, rate) for text, intent in NATURAL for voice, rate in SPEAKERS[:2]]
    return early + _rotate(texts, "natural", SPEAKERS)


def negative_utterances(coach_lines: Iterable[str], held_out: bool = False) -> list[Utterance]:
    """Every line the coach says and other talk in the room, by the development or the held-out voices."""
    speakers = HELD_OUT_SPEAKERS if held_out else SPEAKERS
    lines = sorted({normalize(line) for line in coach_lines if len(line.split()) > 1})
    coach = _rotate([(line, None) for line in lines], "coach", speakers)
    talk = [t for t in phrasings.NEGATIVES if phrasings.is_development(t) != held_out]
    chat = _rotate([(line, None) for line in ([] if held_out else list(CHIT_CHAT)) + talk], "chitchat", speakers)
    return coach + chat


def _rotate(texts: Sequence[tuple[str, str | None]], category: str, speakers: Sequence[tuple[str, int]]) -> list[Utterance]:
    """Each text said once, by the speakers in turn."""
    return [Utterance(text, intent, category, *speakers[i % len(speakers)]) for i, (text, intent) in enumerate(texts)]


def load_or_synthesise(utterance: Utterance, cache: Path) -> np.ndarray:
    path = cache / f"{utterance.key}.npy"
    if path.exists():
        return np.load(path)
    audio = synthesise(utterance.text, utterance.voice, utterance.rate)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, audio)
    return audio


# ------------------------------------------------------------------ noise

def coloured_noise(colour: str, length: int, rng: np.random.Generator) -> np.ndarray:
    white = rng.standard_normal(length)
    if colour == "white":
        return white
    spectrum = np.fft.rfft(white)
    frequencies = np.fft.rfftfreq(length, 1 / SAMPLE_RATE)
    frequencies[0] = frequencies[1]
    power = {"pink": 0.5, "brown": 1.0}[colour]
    shaped = np.fft.irfft(spectrum / frequencies**power, n=length)
    return shaped / (np.std(shaped) or 1.0)


def babble(length: int, rng: np.random.Generator, cache: Path) -> np.ndarray:
    """Several people talking at once (chit-chat by four voices, overlapped)."""
    mix = np.zeros(length)
    for index, (voice, rate) in enumerate(SPEAKERS):
        lines = [CHIT_CHAT[(index * 3 + k) % len(CHIT_CHAT)] for k in range(3)]
        talk = np.concatenate([load_or_synthesise(Utterance(line, None, "babble", voice, rate), cache) for line in lines]).astype(float)
        start = int(rng.integers(0, len(talk)))
        looped = np.resize(np.roll(talk, -start), length)
        mix += looped / (np.std(looped) or 1.0)
    return mix / (np.std(mix) or 1.0)


def mix_at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """Add noise so that speech power (where speech is) / noise power = snr_db."""
    speech_f = speech.astype(float)
    active = np.abs(speech_f) > 0.02 * np.max(np.abs(speech_f)) if speech_f.any() else np.ones_like(speech_f, bool)
    speech_power = np.mean(speech_f[active] ** 2)
    noise_power = np.mean(noise**2) or 1.0
    scaled = noise * np.sqrt(speech_power / (noise_power * 10 ** (snr_db / 10)))
    mixed = speech_f + scaled
    peak = np.max(np.abs(mixed))
    if peak > 32767:
        mixed *= 32767 / peak
    return mixed.astype(np.int16)


@dataclass(frozen=True)
class Condition:
    name: str
    noise: str | None = None  # white | pink | brown | babble
    snr_db: float | None = None


def conditions(snrs: Iterable[float] = (20, 10, 5)) -> list[Condition]:
    out = [Condition("clean")]
    for snr in snrs:
        for noise in ("white", "pink", "brown", "babble"):
            out.append(Condition(f"{noise}@{snr:g}dB", noise, snr))
    return out


def apply_condition(speech: np.ndarray, condition: Condition, seed: int, cache: Path) -> np.ndarray:
    if condition.noise is None or condition.snr_db is None:
        return speech
    rng = np.random.default_rng(seed)
    if condition.noise == "babble":
        noise = babble(len(speech), rng, cache)
    else:
        noise = coloured_noise(condition.noise, len(speech), rng)
    return mix_at_snr(speech, noise, condition.snr_db)
