"""pocketsphinx 5 over a JSGF grammar made from the grammar's sentences.

The wheel ships an English acoustic model and dictionary, so this engine
always works offline. The shared endpointer (:mod:`.endpointing`) finds the
utterances; pocketsphinx decodes them as they come, and rejects speech
outside the grammar with a phone-loop "garbage" alternative: an utterance
better explained by free phones than by any sentence gives a final with
empty text.

What it learns of the voice, microphone and room (the cepstral mean it
normalises every utterance by) can be kept and given back to a later
session (:meth:`PocketsphinxDecoder.adaptation`, :meth:`~PocketsphinxDecoder.adapt`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

import numpy as np
from pocketsphinx import Decoder

from voiceguide.grammar import normalize
from voiceguide.recognizers.base import Hypothesis, RecognizerError
from voiceguide.recognizers.endpointing import EndpointSettings, SpeechDetector, WebRtcDetector
from voiceguide.recognizers.utterances import UtteranceDecoder, UtteranceRecognizer

# The en-us acoustic model's phones: the garbage loop's "words".
PHONES = (
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P "
    "R S SH T TH UH UW V W Y Z ZH"
).split()
GARBAGE_PREFIX = "garbage_"
SEARCH_NAME = "voiceguide"
# A cepstral mean from an earlier session beyond this is not one (c0, the
# log energy, is about 40 for speech at a usual level).
MAX_CEPSTRUM = 200.0
# Front-end options the model's feat.params set at load time, overriding
# whatever the caller passed: they are applied again after loading.
FEATURE_OPTIONS = frozenset({"remove_noise", "dither", "cmn", "cmninit", "varnorm", "agc", "lowerf", "upperf", "nfilt"})


def _trie(sentences: Iterable[str]) -> dict[str, dict]:
    root: dict[str, dict] = {}
    for sentence in sentences:
        node = root
        for word in sentence.split():
            node = node.setdefault(word, {})
        node[""] = {}
    return root


def _expression(node: dict[str, dict]) -> str:
    alternatives = []
    for word, child in node.items():
        if word:
            rest = _expression(child)
            alternatives.append(f"{word} {rest}" if rest else word)
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"
    return f"[{body}]" if "" in node else body


def jsgf_from_sentences(
    sentences: Iterable[str],
    garbage: Sequence[str] = (),
    garbage_weight: float = 1e-6,
    garbage_phone_weight: float = 0.1,
    name: str = "voiceguide",
) -> str:
    """A JSGF grammar accepting exactly ``sentences`` (a shared-prefix tree).

    With ``garbage`` words (e.g. one per phone), the public rule also
    accepts any sequence of them, weighted ``garbage_weight`` against 1 for
    the sentences and ``garbage_phone_weight`` against 1 for each extra
    garbage word, so speech outside the grammar has somewhere to go.
    """
    words = [normalize(s) for s in sentences]
    commands = _expression(_trie(s for s in words if s))
    if not commands:
        raise RecognizerError("The grammar has no sentences; add some to the grammar file.")
    lines = ["#JSGF V1.0;", f"grammar {name};"]
    if garbage:
        lines.append(f"public <utterance> = /1/ <command> | /{garbage_weight:.3e}/ <garbage>;")
        lines.append(f"<command> = {commands};")
        lines.append(f"<garbage> = /1/ <unit> | /{garbage_phone_weight:.3e}/ <unit> <garbage>;")
        lines.append(f"<unit> = {' | '.join(garbage)};")
    else:
        lines.append(f"public <utterance> = {commands};")
    return "\n".join(lines) + "\n"


class PocketsphinxDecoder(UtteranceDecoder):
    """pocketsphinx's en-us model over a JSGF grammar with a garbage loop."""

    name = "pocketsphinx"

    def __init__(
        self,
        sentences: Sequence[str],
        *,
        garbage_weight: float | None = 1e-6,
        garbage_phone_weight: float = 0.1,
        decoder_options: dict[str, object] | None = None,
    ) -> None:
        # bestpath off: the lattice pass often returns a path that does not
        # reach the grammar's end (docs/benchmark.md).
        options: dict[str, object] = {"loglevel": "FATAL", "bestpath": False, "lm": None}
        options.update(decoder_options or {})
        self._decoder = Decoder(**options)
        feature = {k: v for k, v in options.items() if k in FEATURE_OPTIONS}
        if feature:
            for key, value in feature.items():
                self._decoder.config[key] = value
            self._decoder.reinit_feat()
        self.missing_words = sorted(
            {w for s in sentences for w in normalize(s).split() if self._decoder.lookup_word(w) is None}
        )
        missing = set(self.missing_words)
        self.sentences = [s for s in map(normalize, sentences) if s and not set(s.split()) & missing]
        garbage: list[str] = []
        if garbage_weight is not None:
            for phone in PHONES:
                word = GARBAGE_PREFIX + phone.lower()
                self._decoder.add_word(word, phone, False)
                garbage.append(word)
        self.jsgf = jsgf_from_sentences(self.sentences, garbage, garbage_weight or 0.0, garbage_phone_weight)
        self._decoder.add_jsgf_string(SEARCH_NAME, self.jsgf)
        self._decoder.activate_search(SEARCH_NAME)
        self._in_utterance = False
        self._partial = ""

    def start(self) -> None:
        if self._in_utterance:
            self._decoder.end_utt()
        self._decoder.start_utt()
        self._in_utterance = True
        self._partial = ""

    def add(self, samples: np.ndarray, speech: bool) -> None:
        self._decoder.process_raw(samples.astype("<i2").tobytes())

    def partial(self) -> Hypothesis | None:
        hyp = self._decoder.hyp()
        text = _clean(hyp.hypstr if hyp else "")
        if text == self._partial:
            return None
        self._partial = text
        return Hypothesis(text, final=False, confidence=0.0, heard=text)

    def finish(self) -> Hypothesis | None:
        if not self._in_utterance:
            return None
        self._decoder.end_utt()
        self._in_utterance = False
        hyp = self._decoder.hyp()
        raw = hyp.hypstr if hyp else ""
        text = _clean(raw)
        if GARBAGE_PREFIX in raw:
            return Hypothesis("", final=True, confidence=0.0, heard=text)
        return Hypothesis(text, final=True, confidence=_confidence(hyp), heard=text)

    def adaptation(self) -> str:
        """The cepstral mean: the average spectrum of the voice, microphone and room heard so far."""
        return self._decoder.get_cmn()

    def adapt(self, state: str) -> bool:
        try:
            values = [float(value) for value in state.split(",")]
        except ValueError:
            return False
        if len(values) != len(self._decoder.get_cmn().split(",")) or not all(
            math.isfinite(value) and abs(value) < MAX_CEPSTRUM for value in values
        ):
            return False
        self._decoder.set_cmn(",".join(repr(value) for value in values))
        return True


class PocketsphinxRecognizer(UtteranceRecognizer):
    """Closed-vocabulary streaming recognizer on pocketsphinx's en-us model and the shared endpointer."""

    def __init__(
        self,
        sentences: Sequence[str],
        *,
        endpoint: EndpointSettings | None = None,
        detector: SpeechDetector | None = None,
        garbage_weight: float | None = 1e-6,
        garbage_phone_weight: float = 0.1,
        decoder_options: dict[str, object] | None = None,
    ) -> None:
        decoder = PocketsphinxDecoder(
            sentences,
            garbage_weight=garbage_weight,
            garbage_phone_weight=garbage_phone_weight,
            decoder_options=decoder_options,
        )
        # pocketsphinx keeps the WebRTC-style detector it was tuned with: on
        # the same commands Silero's boundaries cost it words (docs/whisper-engine.md).
        super().__init__(decoder, decoder.sentences, detector or WebRtcDetector(), endpoint)
        self.missing_words = decoder.missing_words
        self.jsgf = decoder.jsgf


def create(model: Path | None, sentences: Sequence[str], safety_sentences: Collection[str] = ()) -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer(sentences)


def _confidence(hyp: object) -> float:
    prob = float(getattr(hyp, "prob", 0.0) or 0.0)
    if 0.0 < prob <= 1.0:
        return prob
    return 1.0


def _clean(text: str) -> str:
    words = [w for w in text.split() if not w.startswith(GARBAGE_PREFIX)]
    return normalize(" ".join(words))
