"""The Whisper engines: Whisper (tiny.en, or base) decoding each utterance the endpointer finds.

Finals: the utterance's speech decoded against the grammar
(:mod:`.whisper_decoder`) and judged by the model's own judge (:mod:`.whisper_judge`). The final is decoded as
soon as the speech pauses, while the endpointer still waits for the silence
that ends the utterance: it is given at once as a scored partial (so "stop"
and pain act within a decode of the end of the word), and it is the final
when it is a sentence and nothing more is heard (else the utterance is
decoded again whole: a word's last "t" may be too short to be called
speech). The voice falling quiet (``QUIET_DB`` below the utterance's
loudest) is a pause too: the VAD still calls the breath after a final "p"
speech for a tenth of a second or more. A pause's words of a word or two
that may yet be a stop or pain sentence say so (``Hypothesis.maybe``): a
"stop" is heard as "start" at the closure before its "p", and the listener
hushes the coach until the word is over. Before the first pause's decode, the listener is told
of it (:meth:`Recognizer.on_pause`), and hushes the coach for someone speaking over it.

Listening live, the encoder runs once as an utterance opens, so that the decode
at its pause does not pay for a CPU that has idled (docs/whisper-engine.md).

Partials mid-speech, every ``partial_every``: the free transcript of what was
said so far, unscored (the listener confirms a safety phrase in them).
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from voiceguide.audio.pcm import level_db
from voiceguide.grammar import normalize
from voiceguide.recognizers.base import SAMPLE_RATE, Hypothesis, RecognizerError
from voiceguide.recognizers.endpointing import EndpointSettings
from voiceguide.recognizers.utterances import UtteranceDecoder, UtteranceRecognizer
from voiceguide.recognizers.whisper_decoder import Decoded, WhisperTranscriber
from voiceguide.recognizers.whisper_judge import JUDGES, JudgeFit, judge
from voiceguide.recognizers.whisper_model import DOWNLOAD_HINT

TAIL_SECONDS = 0.1  # audio kept after the last sound when an utterance is decoded again at its end
# No mid-speech partial until this much audio has followed the utterance's opening (its pre-roll
# and the speech that started it): a word's first tenth of a second says nothing worth a decode.
MIN_PARTIAL_SECONDS = 0.3
QUIET_DB = 30.0  # speech this far below the utterance's loudest so far is a pause (a word's quiet end)
# Silero hears a short word of a synthetic voice ("next") above 0.5 for as few as three or four
# windows: no minimum beyond the three that start an utterance. Whisper and the grammar's
# judgement, not the detector, tell a word from a click (docs/whisper-engine.md).
ENDPOINT = EndpointSettings(partial_every=0.2, min_speech=0.09)
# A sentence of the grammar heard soundly at a pause, then this much quiet (nothing within QUIET_DB
# of the loudest, so never in noise): the utterance ends without waiting out the endpointer's
# trailing silence, and the answer comes sooner (docs/whisper-engine.md).
COMPLETE_AFTER_SECONDS = 0.25
THREADS_VARIABLE = "VOICEGUIDE_WHISPER_THREADS"  # CPU threads for Whisper (default 2); the benchmark's workers use 1
# Given to tiny.en as words said before a final that is no sentence: a safety word heard unclearly is then written
# as itself, not a look-alike ("it first"). Measured for tiny.en only (docs/whisper-engine.md); base has none.
INITIAL_PROMPTS = {"tiny.en": "Stop. Ouch, it hurts, the pain is sharp. I feel dizzy and numb."}


class WhisperUtteranceDecoder(UtteranceDecoder):
    """Utterance audio → grammar sentence, with partials and an early final."""

    def __init__(
        self, decoder: WhisperTranscriber, safety_sentences: Collection[str] = (), fit: JudgeFit = JUDGES["tiny.en"],
        name: str = "whisper",
    ) -> None:
        self.decoder = decoder
        self.fit = fit
        self.name = name
        self.safety_sentences = {normalize(s) for s in safety_sentences}
        self.live = False  # a microphone, not a file: warm the encoder as each utterance opens
        self.start()

    def start(self) -> None:
        self._chunks: list[np.ndarray] = []
        self._length = 0
        self._opening = 0  # samples in the utterance's first chunk: the pre-roll and the speech that started it
        self._last_speech = 0
        self._last_sound = 0  # audio length at the last speech that was not quiet
        self._last_loud = 0  # ... at the last audio that was not quiet, speech or not (a word's last "t" may not be)
        self._loudest_db = 0.0
        self._ready: tuple[int, Hypothesis | None] | None = None  # (audio length decoded, final) at the last pause
        self._final_news = False  # a final decoded at a pause, not yet given as a partial
        self._paused = False  # the speech has paused before, this utterance
        self._partial: Hypothesis | None = None

    def add(self, samples: np.ndarray, speech: bool) -> None:
        if self.live and self._length == 0:  # the utterance's opening: the decode at its pause then runs on a warm CPU
            self.decoder.warm_up()
        was_speaking = self._length > 0 and self._last_speech == self._length
        was_sounding = self._length > 0 and self._last_sound == self._length
        was_loud = self._length > 0 and self._last_loud == self._length  # speech, or a word's last "k" or "t"
        self._chunks.append(samples)
        self._opening = self._opening or len(samples)
        self._length += len(samples)
        level = level_db(samples)
        if speech:
            self._last_speech = self._length
            self._loudest_db = max(self._loudest_db, level)
        quiet = level <= self._loudest_db - QUIET_DB
        if not quiet:
            self._last_loud = self._length
            if speech:
                self._last_sound = self._length
                self._ready = None
                return
        if was_sounding or (was_speaking and not speech) or (was_loud and quiet):
            # Speech just paused or fell quiet: the words so far are whole. Decode
            # them as a final now; if no more speech comes, it is the utterance's final.
            if self.pause_hook is not None and not self._paused:
                self.pause_hook(self._length / SAMPLE_RATE)
            self._paused = True
            self._ready = (self._length, self._final(self._audio(), at_pause=True))
            self._final_news = True

    def listen_live(self) -> None:
        self.live = True

    @property
    def partial_ready(self) -> bool:
        return self._final_news

    @property
    def complete(self) -> bool:
        return self._settled() is not None

    def _settled(self) -> Hypothesis | None:
        """The sentence decoded at the last pause, once nothing loud came after it for ``COMPLETE_AFTER_SECONDS``.

        Quiet by the level: the detector may still call a word's fading end speech.
        """
        if self._ready is None or self._ready[1] is None or not self._ready[1].text:
            return None
        decoded_at, sentence = self._ready
        quiet_for = self._length - self._last_loud
        return sentence if decoded_at >= self._last_loud and quiet_for >= COMPLETE_AFTER_SECONDS * SAMPLE_RATE else None

    def partial(self) -> Hypothesis | None:
        self._final_news = False
        if self._ready is not None:  # the speech paused: its final says it best
            final = self._ready[1]
            partial = None if final is None else replace(final, final=False)
        elif self._length - self._opening < MIN_PARTIAL_SECONDS * SAMPLE_RATE:
            return None
        else:  # mid-speech, perhaps mid-word: the free transcript, a guess with no confidence
            decoded = self.decoder.decode(self._audio(), grammar=False)
            partial = Hypothesis(decoded.free_text, False, 0.0, decoded.free_text)
        previous = self._partial
        if partial is None or (previous is not None and partial.text == previous.text and partial.confidence <= previous.confidence):
            return None
        self._partial = partial
        return partial

    def finish(self) -> Hypothesis | None:
        settled = self._settled()
        if settled is not None:
            return settled
        end = max(self._last_speech, self._last_loud)
        if self._ready is not None and self._ready[0] >= end and self._ready[1] is not None and self._ready[1].text:
            return self._ready[1]  # a sentence, and nothing heard since the pause it was decoded at
        # Decoded again with all that was heard: what followed the pause may make a sentence of it.
        return self._final(self._audio()[: end + int(TAIL_SECONDS * SAMPLE_RATE)])

    def _audio(self) -> np.ndarray:
        if len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        return self._chunks[0] if self._chunks else np.zeros(0, np.int16)

    def _urgent(self, decoded: Decoded) -> bool:
        """A short stop or pain sentence trusted as much as a command needs no search of the rest."""
        return judge(decoded, True, self.fit).confidence >= self.fit.accept

    def _final(self, audio: np.ndarray, at_pause: bool = False) -> Hypothesis | None:
        """``at_pause``: the words may go on, and a word or two that is no sentence is not searched for."""
        decoded = self.decoder.decode(
            audio, urgent=self._urgent, search_short=not at_pause, guess_urgent=at_pause, prompted=not at_pause
        )
        if not decoded.free_text and decoded.sentence is None:
            return None
        verdict = judge(decoded, decoded.sentence in self.safety_sentences, self.fit)
        heard = decoded.heard
        sure = math.exp(heard.mean_log_prob) if heard.text else 0.0  # mean token probability of the transcript
        sentence = decoded.sentence if verdict.accepted and decoded.sentence is not None else ""
        # Words that would pass for a stop or pain sentence, were that what greedy decoding heard, may yet be one.
        guess = decoded.urgent_guess
        maybe = guess.sentence if guess is not None and judge(guess, True, self.fit).accepted else ""
        return Hypothesis(
            sentence, final=True, confidence=verdict.confidence, heard=heard.text, heard_confidence=sure, maybe=maybe
        )


def create(
    model_dir: Path | None, sentences: Sequence[str], safety_sentences: Collection[str] = (),
    model: str = "tiny.en", name: str = "whisper", hint: str = DOWNLOAD_HINT,
) -> UtteranceRecognizer:
    """The Whisper recognizer for ``sentences`` with ``model``'s judge; RecognizerError when the model cannot be loaded."""
    if model_dir is None:
        raise RecognizerError(f"No Whisper model found; {hint}.")
    try:
        threads = int(os.environ.get(THREADS_VARIABLE) or 2)
        decoder = WhisperTranscriber(
            Path(model_dir), [normalize(s) for s in sentences], threads=threads, urgent=[normalize(s) for s in safety_sentences],
            initial_prompt=INITIAL_PROMPTS.get(model, ""),
        )
    except (ImportError, OSError, RuntimeError, ValueError) as error:
        raise RecognizerError(f"Whisper could not load the model in {model_dir} ({error}); {hint}.") from error
    utterances = WhisperUtteranceDecoder(decoder, safety_sentences, JUDGES[model], name)
    return UtteranceRecognizer(utterances, sentences, endpoint=ENDPOINT)
