"""Whisper (CTranslate2) turning one utterance into the grammar sentence it most likely is.

Three steps per utterance:

1. **encode** the audio, zero-padded to a ``WINDOW_SECONDS`` window (not
   Whisper's 30 s: a shorter window encodes several times faster, and one
   much shorter than 10 s makes the decoder loop); the decoder attends to
   the whole window (cut to the utterance, it loops: docs/whisper-engine.md);
2. **free decode**: greedy, unconstrained, for what was really said; when it
   ended on one of the grammar's sentences, that is the answer;
3. **grammar search**: else a beam search over a token trie of the grammar's
   sentences (:mod:`.token_trie`), starting from the free decode's
   distributions, gives the best sentence and its log probability, end of
   text included. A free transcript of a word or two is first matched to
   the short urgent sentences (stop, pain), which the engine may take
   without the whole search; at a pause, the best of them is kept as what
   the words may yet turn out to be (a "stop" decoded at the closure before
   its "p" is heard as "start").

The engine (:func:`.whisper_engine.judge`) keeps the grammar sentence only
when it and the free transcript agree well enough; the free transcript's
words carry pain words that the grammar lacks to the listener.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from voiceguide.grammar import distinct_sentences, normalize
from voiceguide.recognizers.base import SAMPLE_RATE
from voiceguide.recognizers.token_trie import Scored, TokenTrie, log_softmax

WINDOW_SECONDS = 10
MAX_FREE_TOKENS = 40
URGENT_WORDS = 2  # the urgent sentences looked at first are this short, and only for a free transcript this short
GUESS_FLOOR = -10.0  # an urgent sentence scoring below this is no guess worth a model call


@dataclass(frozen=True)
class Transcript:
    """Words as Whisper wrote them, unconstrained."""

    text: str  # normalized
    mean_log_prob: float  # per token


@dataclass(frozen=True)
class Decoded:
    """What the decoder made of one utterance."""

    sentence: str | None  # the best grammar sentence (None: no sentence fits at all)
    log_prob: float  # of that sentence, end of text included
    tokens: int  # tokens in that sentence's spelling, end included
    free_text: str  # the unconstrained transcript, normalized
    free_log_prob: float  # its mean log probability per token
    # Asked for at a pause: the best short stop or pain sentence when the words were another, or None.
    urgent_guess: Decoded | None = None
    # The transcript decoded again after the initial prompt, for what the words mean (None: no prompt, or none needed).
    prompted: Transcript | None = None

    @property
    def heard(self) -> Transcript:
        """What the words are taken to be: the prompted transcript when there is one, else the free one."""
        return self.prompted or Transcript(self.free_text, self.free_log_prob)


@dataclass(frozen=True)
class FreeDecode:
    """Greedy unconstrained decoding: what Whisper itself would write."""

    text: str  # normalized
    log_prob: float  # of the whole token sequence
    tokens: int
    ended: bool  # it ended with end of text (not cut at the length limit)
    known: dict[tuple[int, ...], np.ndarray]  # next-token log probabilities after each of its prefixes

    @property
    def mean(self) -> float:
        """The mean log probability per token."""
        return self.log_prob / self.tokens if self.tokens else -math.inf


def spellings(sentence: str) -> set[str]:
    """How Whisper may write a grammar sentence: with a leading space, "I", first word capitalised or not."""
    words = ["I" + word[1:] if word == "i" or word.startswith("i'") else word for word in sentence.split()]
    forms = {" " + " ".join(words)}
    if words:
        forms.add(" " + " ".join([words[0][:1].upper() + words[0][1:], *words[1:]]))
    for form in list(forms):
        if " okay" in form or " Okay" in form:
            forms.add(form.replace(" okay", " OK").replace(" Okay", " OK"))
    return forms


class WhisperTranscriber:
    """A CTranslate2 Whisper model and a grammar's sentences: one utterance's audio in, :class:`Decoded` out.

    Not an :class:`~.utterances.UtteranceDecoder`: the engine's
    :class:`~.whisper_engine.WhisperUtteranceDecoder` is, and calls this.
    """

    def __init__(
        self, model_dir: Path, sentences: list[str], threads: int = 2, beam_width: int = 6,
        prune: float = 6.0, urgent: Collection[str] = (), initial_prompt: str = "",
    ) -> None:
        import ctranslate2
        import tokenizers
        from faster_whisper.feature_extractor import FeatureExtractor

        self._ct2 = ctranslate2
        self.model = ctranslate2.models.Whisper(
            str(model_dir), device="cpu", compute_type="int8", intra_threads=threads
        )
        self.tokenizer = tokenizers.Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        token = self.tokenizer.token_to_id
        # A multilingual model (base) is told the language and the task, or it may
        # translate or transcribe in another language; English-only tiny.en has neither token.
        english = [token("<|en|>"), token("<|transcribe|>")] if self.model.is_multilingual else []
        self.start = [token("<|startoftranscript|>"), *english, token("<|notimestamps|>")]
        # ``initial_prompt``: words given as what was said before, so that a word heard unclearly is written as one of
        # them rather than a look-alike ("it first" for "it hurts"); used only for the transcript of an utterance's
        # final that is no sentence, never for the grammar search, whose scores the judge was fitted on.
        previous = [token("<|startofprev|>"), *self.tokenizer.encode(" " + initial_prompt, add_special_tokens=False).ids]
        self.prompted_start = previous + self.start if initial_prompt else None
        self.end_of_text = token("<|endoftext|>")
        self.features = FeatureExtractor(feature_size=self.model.n_mels, chunk_length=WINDOW_SECONDS)
        self.sentences = distinct_sentences(sentences)
        self._known = set(self.sentences)
        closing = [token(mark) for mark in (".", "!", "?")]
        self.trie = self._trie(self.sentences, closing)
        # Short sentences looked at before the whole grammar is searched (stop, pain: see ``decode``).
        urgent_sentences = set(urgent)
        self.urgent = [s for s in self.sentences if s in urgent_sentences and len(s.split()) <= URGENT_WORDS]
        self._urgent = set(self.urgent)
        self.urgent_trie = self._trie(self.urgent, closing)
        self.beam_width = beam_width
        self.prune = prune

    def _trie(self, sentences: list[str], closing: list[int]) -> TokenTrie:
        return TokenTrie(
            (
                (index, self.tokenizer.encode(form, add_special_tokens=False).ids)
                for index, sentence in enumerate(sentences)
                for form in sorted(spellings(sentence))
            ),
            self.end_of_text,
            closing,
        )

    # ---------------------------------------------------------------- steps

    def encode(self, samples: np.ndarray) -> np.ndarray:
        """Encoder output for int16 or float samples, over the whole window (see the module's docstring)."""
        audio = np.asarray(samples, dtype=np.float32)
        if samples.dtype == np.int16:
            audio = audio / 32768.0
        window = np.zeros(self.features.n_samples, np.float32)
        window[: min(len(audio), len(window))] = audio[: len(window)]
        mel = self.features(window, padding=0)[:, : self.features.nb_max_frames]
        encoded = np.asarray(
            self.model.encode(self._ct2.StorageView.from_array(np.ascontiguousarray(mel[None], np.float32)), to_cpu=True)
        )
        return encoded

    def warm_up(self) -> None:
        """Encode a moment of silence, and forget it: the first encode after the CPU has idled a while takes
        about twice as long (docs/whisper-engine.md), so this is done as speech begins, not when it ends."""
        self.encode(np.zeros(SAMPLE_RATE // 10, np.int16))

    def next_log_probs(self, encoded: np.ndarray, prefixes: list[list[int]]) -> list[np.ndarray]:
        """The next-token distribution after each prefix (all of one length), in one batch."""
        found = self.log_probs_ahead(encoded, prefixes, 0)
        return [found[tuple(prefix)] for prefix in prefixes]

    def log_probs_ahead(self, encoded: np.ndarray, prefixes: list[list[int]], ahead: int) -> dict[tuple[int, ...], np.ndarray]:
        """The next-token distribution after each prefix (all of one length), in one batch, and after the prefix
        followed by up to ``ahead`` of its own greedy tokens: a step ahead costs about a fifth of another call."""
        length = len(prefixes[0])
        batch = self._ct2.StorageView.from_array(np.repeat(encoded, len(prefixes), axis=0))
        # CTranslate2 4.x returns about max_length / 2 steps for a prompt with a
        # prefix, the prompt's tokens beyond two counted too: 2 * (length + prompt) - 2
        # gives the prefix's steps and the next one (tiny.en's prompt: 2 * length + 2;
        # with base's four tokens, 2 * length + 2 left a one-token prefix without its next step).
        results = self.model.generate(
            batch,
            [self.start + prefix for prefix in prefixes],
            max_length=2 * (length + len(self.start) + ahead) - 2,
            beam_size=1,
            return_logits_vocab=True,
            suppress_blank=False,
            suppress_tokens=[],
        )
        found: dict[tuple[int, ...], np.ndarray] = {}
        for prefix, result in zip(prefixes, results):
            sequence = list(result.sequences_ids[0])  # the prefix, then the greedy tokens (end of text left out)
            path = tuple(prefix)
            for step in range(length, min(len(result.logits[0]), length + ahead + 1)):
                found[path] = log_softmax(result.logits[0][step])
                if step >= len(sequence):
                    break
                path += (sequence[step],)
        return found

    def free_decode(self, encoded: np.ndarray, seconds: float, start: list[int] | None = None) -> FreeDecode:
        """Greedy unconstrained decoding of the utterance, after ``start`` (the tokens before the transcript; an initial prompt among them)."""
        start = start or self.start
        # No one says more than 5 tokens a second; the length counts an initial prompt's tokens too.
        limit = min(MAX_FREE_TOKENS, 6 + math.ceil(5 * seconds)) + len(start) - len(self.start)
        result = self.model.generate(
            self._ct2.StorageView.from_array(encoded),
            [start],
            beam_size=1,
            max_length=limit,
            return_logits_vocab=True,
            suppress_blank=False,
            suppress_tokens=[],
        )[0]
        sequence = list(result.sequences_ids[0])  # without the end of text, which has a step of its own
        distributions = [log_softmax(logits) for logits in result.logits[0]]
        ended = len(distributions) > len(sequence) and int(np.argmax(distributions[len(sequence)])) == self.end_of_text
        if ended:
            sequence.append(self.end_of_text)
        known = {tuple(sequence[:step]): distribution for step, distribution in enumerate(distributions)}
        steps = [float(d[t]) for d, t in zip(distributions, sequence)]
        words = [t for t in sequence if t < self.end_of_text]
        return FreeDecode(normalize(self.tokenizer.decode(words)), sum(steps), len(steps), ended, known)

    def decode(
        self, samples: np.ndarray, grammar: bool = True, floor: float = -math.inf,
        urgent: Callable[[Decoded], bool] | None = None, search_short: bool = True, guess_urgent: bool = False,
        prompted: bool = False,
    ) -> Decoded:
        """The best grammar sentence for ``samples`` (16 kHz) and the free transcript.

        With ``urgent``: when the free transcript is a word or two and no sentence, the best of the short
        urgent sentences (one prefix at a time) is the answer if ``urgent`` takes it, and the grammar is not
        searched: "stop" heard as "stomp" acts a grammar search sooner (docs/whisper-engine.md). Without
        ``search_short``, such a transcript is not searched for at all (no sentence): at a pause inside a
        phrase ("what … can I say") the search of every sentence that begins with it took up to a second.
        With ``guess_urgent`` (at a pause), a free transcript of a word or two that is no stop or pain
        sentence keeps the best of them in ``urgent_guess``: the word may not be over. With ``prompted`` (the
        utterance's end, not a pause in it: cut-off words after a prompt come out as its words), words that
        are no sentence are decoded again after the initial prompt (``prompted``).
        """
        encoded = self.encode(samples)
        free = self.free_decode(encoded, len(samples) / SAMPLE_RATE)
        mean = free.mean
        if not grammar:
            return Decoded(None, -math.inf, 0, free.text, mean)
        short = 0 < len(free.text.split()) <= URGENT_WORDS
        heard_whole = free.ended and free.text in self._known
        wants_guess = guess_urgent and short and free.text not in self._urgent
        if heard_whole and not wants_guess:  # greedy already says a sentence: nothing can beat it by much
            return Decoded(free.text, free.log_prob, free.tokens, free.text, mean)
        known = free.known

        def looking_ahead(ahead: int) -> Callable[[list[list[int]]], list[np.ndarray]]:
            def next_log_probs(prefixes: list[list[int]]) -> list[np.ndarray]:
                missing = [p for p in prefixes if tuple(p) not in known]
                if missing:
                    known.update(self.log_probs_ahead(encoded, missing, ahead))
                return [known[tuple(p)] for p in prefixes]

            return next_log_probs

        quick: Decoded | None = None
        if self.urgent and short and (urgent is not None or wants_guess):
            # One prefix at a time: its own next step ("stop" then "." then the end) comes in the same call.
            found = self.urgent_trie.search(looking_ahead(1), 1, self.prune, max(floor, GUESS_FLOOR) if heard_whole else floor)
            quick = self._best(found, self.urgent, free.text, mean)
            if not heard_whole and urgent is not None and quick.sentence is not None and urgent(quick):
                return quick
        guess = quick if wants_guess and quick is not None and quick.sentence is not None else None
        if heard_whole:
            return Decoded(free.text, free.log_prob, free.tokens, free.text, mean, guess)
        if short and not search_short:
            return Decoded(None, -math.inf, 0, free.text, mean, guess)
        found = self.trie.search(looking_ahead(0), self.beam_width, self.prune, floor)
        best = replace(self._best(found, self.sentences, free.text, mean), urgent_guess=guess)
        if not prompted or self.prompted_start is None:
            return best
        again = self.free_decode(encoded, len(samples) / SAMPLE_RATE, self.prompted_start)
        return replace(best, prompted=Transcript(again.text, again.mean))

    def _best(self, found: list[Scored], sentences: list[str], free_text: str, mean: float) -> Decoded:
        if not found:
            return Decoded(None, -math.inf, 0, free_text, mean)
        best = sentences[found[0].sentence]
        tokens = len(self.tokenizer.encode(" " + best, add_special_tokens=False).ids) + 1
        return Decoded(best, found[0].log_prob, tokens, free_text, mean)
