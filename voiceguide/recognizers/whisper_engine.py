"""The Whisper engine: Whisper tiny.en decoding each utterance the endpointer finds.

Finals: the whole utterance, cut to its speech (plus a short tail), decoded
against the grammar (:mod:`.whisper_decoder`) and judged (:func:`judge`).
The final is decoded as soon as the speech has been followed by the tail's
silence, while the endpointer still waits for the end of the utterance, so
the answer is ready when the utterance ends.

Partials, every ``partial_every`` of speech: the free transcript of what was
said so far, so "stop" and pain act before the end of the utterance.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceguide.grammar import normalize
from voiceguide.recognizers.base import Hypothesis, RecognizerError
from voiceguide.recognizers.endpointing import SAMPLE_RATE, EndpointSettings
from voiceguide.recognizers.utterances import UtteranceDecoder, UtteranceRecognizer
from voiceguide.recognizers.whisper_decoder import Decoded, WhisperDecoder
from voiceguide.recognizers.whisper_model import DOWNLOAD_HINT

TAIL_SECONDS = 0.1  # audio kept after the last speech; the final is decoded once this much silence followed
MIN_PARTIAL_SECONDS = 0.3  # no partial for less audio than this: too little to be a word
ENDPOINT = EndpointSettings(partial_every=0.2)
THREADS_VARIABLE = "VOICEGUIDE_WHISPER_THREADS"  # CPU threads for Whisper (default 2); the benchmark's workers use 1


@dataclass(frozen=True)
class Judgement:
    """How far a decoded utterance is trusted to be its grammar sentence."""

    accepted: bool
    confidence: float  # 0..1


# Confidence: a logistic function of the grammar sentence's mean log
# probability per token and its agreement with the free transcript, fitted on
# the development voices (docs/benchmark.md). A safety sentence needs less of
# it than a command: a false "it hurts" costs a question, a missed one more.
WEIGHT_LOG_PROB = 1.88
WEIGHT_AGREEMENT = 2.085
BIAS = 3.254
ACCEPT = 0.8
ACCEPT_SAFETY = 0.35


def agreement(sentence: str, free_text: str) -> float:
    """How alike the grammar sentence and the free transcript are, 0..1 (character alignment)."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, sentence, free_text).ratio() if sentence or free_text else 1.0


def judge(decoded: Decoded, safety: bool) -> Judgement:
    """Whether to take ``decoded`` for its grammar sentence; ``safety`` when that sentence is stop, pain or a symptom."""
    if decoded.sentence is None or decoded.tokens == 0:
        return Judgement(False, 0.0)
    per_token = decoded.log_prob / decoded.tokens
    z = WEIGHT_LOG_PROB * per_token + WEIGHT_AGREEMENT * agreement(decoded.sentence, decoded.free_text) + BIAS
    confidence = 1.0 / (1.0 + math.exp(-z))
    return Judgement(confidence >= (ACCEPT_SAFETY if safety else ACCEPT), confidence)


class WhisperUtterances(UtteranceDecoder):
    """Utterance audio → grammar sentence, with partials and an early final."""

    name = "whisper"

    def __init__(self, decoder: WhisperDecoder, safety_sentences: Collection[str] = ()) -> None:
        self.decoder = decoder
        self.safety_sentences = {normalize(s) for s in safety_sentences}
        self.start()

    def start(self) -> None:
        self._chunks: list[np.ndarray] = []
        self._length = 0
        self._last_speech = 0
        self._ready: tuple[int, Hypothesis | None] | None = None  # (audio length decoded, final)
        self._news: str | None = None  # "pause" or "final": a partial to give before the next one is due
        self._partial: Hypothesis | None = None

    def add(self, samples: np.ndarray, speech: bool) -> None:
        was_speaking = self._length > 0 and self._last_speech == self._length
        self._chunks.append(samples)
        self._length += len(samples)
        if speech:
            self._last_speech = self._length
            self._ready = None
        elif was_speaking:
            self._news = "pause"  # speech just stopped: a word has ended
        elif self._ready is None and self._length - self._last_speech >= TAIL_SECONDS * SAMPLE_RATE:
            length = self._speech_length()
            self._ready = (length, self._final(self._audio()[:length]))
            self._news = "final"

    @property
    def partial_ready(self) -> bool:
        return self._news is not None

    def partial(self) -> Hypothesis | None:
        news, self._news = self._news, None
        if self._ready is not None:  # the speech is over: its final says it best
            final = self._ready[1]
            partial = None if final is None else Hypothesis(final.text, False, final.confidence, final.heard)
        elif self._length < MIN_PARTIAL_SECONDS * SAMPLE_RATE:
            return None
        else:
            decoded = self.decoder.decode(self._audio(), grammar=False)
            # At a pause the words said so far are whole: the free transcript's
            # own probability says how sure it is. Mid-word it is a guess.
            sure = math.exp(decoded.free_log_prob) if news == "pause" else 0.0
            partial = Hypothesis(decoded.free_text, False, sure, decoded.free_text)
        previous = self._partial
        if partial is None or (previous is not None and partial.text == previous.text and partial.confidence <= previous.confidence):
            return None
        self._partial = partial
        return partial

    def finish(self) -> Hypothesis | None:
        length = self._speech_length()
        if self._ready is not None and self._ready[0] == length:
            return self._ready[1]
        return self._final(self._audio()[:length])

    def _speech_length(self) -> int:
        return min(self._length, self._last_speech + int(TAIL_SECONDS * SAMPLE_RATE))

    def _audio(self) -> np.ndarray:
        if len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        return self._chunks[0] if self._chunks else np.zeros(0, np.int16)

    def _final(self, audio: np.ndarray) -> Hypothesis | None:
        decoded = self.decoder.decode(audio)
        if not decoded.free_text and decoded.sentence is None:
            return None
        verdict = judge(decoded, decoded.sentence in self.safety_sentences)
        if not verdict.accepted or decoded.sentence is None:
            return Hypothesis("", final=True, confidence=verdict.confidence, heard=decoded.free_text)
        return Hypothesis(decoded.sentence, final=True, confidence=verdict.confidence, heard=decoded.free_text)


def create(model_dir: Path | None, sentences: Sequence[str], safety_sentences: Collection[str] = ()) -> UtteranceRecognizer:
    """The Whisper recognizer for ``sentences``; RecognizerError when the model cannot be loaded."""
    if model_dir is None:
        raise RecognizerError(f"No Whisper model found; {DOWNLOAD_HINT}.")
    try:
        threads = int(os.environ.get(THREADS_VARIABLE) or 2)
        decoder = WhisperDecoder(Path(model_dir), [normalize(s) for s in sentences], threads=threads)
    except (ImportError, OSError, RuntimeError, ValueError) as error:
        raise RecognizerError(
            f"Whisper could not load the model in {model_dir} ({error}); {DOWNLOAD_HINT}."
        ) from error
    return UtteranceRecognizer(WhisperUtterances(decoder, safety_sentences), sentences, endpoint=ENDPOINT)
