"""pocketsphinx 5 over a JSGF grammar made from the grammar's sentences.

The wheel ships an English acoustic model and dictionary, so this engine
always works offline. It does its own endpointing (pocketsphinx's WebRTC
style :class:`~pocketsphinx.Vad` per 30 ms frame plus a trailing-silence
hangover) and rejects speech outside the grammar with a phone-loop
"garbage" alternative: an utterance better explained by free phones than by
any sentence gives a final with empty text.

What it learns of the voice, microphone and room (the cepstral mean it
normalises every utterance by) can be kept and given back to a later
session (:meth:`PocketsphinxRecognizer.adaptation`, :meth:`~PocketsphinxRecognizer.adapt`).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pocketsphinx import Decoder, Vad

from voiceguide.grammar import normalize
from voiceguide.recognizers.base import Hypothesis, Recognizer, RecognizerError

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


@dataclass(frozen=True)
class EndpointSettings:
    """When an utterance starts and ends (seconds)."""

    start_speech: float = 0.09  # this much speech in a row starts an utterance
    trailing_silence: float = 0.4  # this much non-speech ends it
    pre_roll: float = 0.3  # audio kept from before the start
    max_utterance: float = 10.0  # force a final after this long
    min_speech: float = 0.15  # less speech than this in an utterance is a click: no final
    partial_every: float = 0.1  # how often to ask the decoder for a partial
    vad_mode: int = Vad.STRICT


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


class PocketsphinxRecognizer(Recognizer):
    """Closed-vocabulary streaming recognizer on pocketsphinx's en-us model."""

    name = "pocketsphinx"

    def __init__(
        self,
        sentences: Sequence[str],
        *,
        endpoint: EndpointSettings | None = None,
        garbage_weight: float | None = 1e-6,
        garbage_phone_weight: float = 0.1,
        decoder_options: dict[str, object] | None = None,
    ) -> None:
        # bestpath off: the lattice pass often returns a path that does not
        # reach the grammar's end (measured: 27 -> 32 of 40 commands right).
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
        self._known = set(self.sentences)
        garbage: list[str] = []
        if garbage_weight is not None:
            for phone in PHONES:
                word = GARBAGE_PREFIX + phone.lower()
                self._decoder.add_word(word, phone, False)
                garbage.append(word)
        self.jsgf = jsgf_from_sentences(
            self.sentences, garbage, garbage_weight or 0.0, garbage_phone_weight
        )
        self._decoder.add_jsgf_string(SEARCH_NAME, self.jsgf)
        self._decoder.activate_search(SEARCH_NAME)

        self._settings = endpoint or EndpointSettings()
        self._vad = Vad(self._settings.vad_mode, self.sample_rate)
        self._frame_bytes: int = self._vad.frame_bytes
        frame_seconds: float = self._vad.frame_length
        self._start_frames = max(1, round(self._settings.start_speech / frame_seconds))
        self._end_frames = max(1, round(self._settings.trailing_silence / frame_seconds))
        self._max_frames = max(1, round(self._settings.max_utterance / frame_seconds))
        self._partial_frames = max(1, round(self._settings.partial_every / frame_seconds))
        self._min_speech_frames = max(1, round(self._settings.min_speech / frame_seconds))
        self._pre_roll: deque[bytes] = deque(maxlen=max(1, round(self._settings.pre_roll / frame_seconds)))
        self._pending = b""
        self._in_utterance = False
        self._speech_run = self._silence_run = self._utterance_frames = self._speech_frames = 0
        self._partial = ""

    # ------------------------------------------------------------ interface

    def accept(self, pcm: bytes, echo_only: bool = False) -> Hypothesis | None:
        data = self._pending + pcm
        usable = len(data) - len(data) % self._frame_bytes
        self._pending = data[usable:]
        result: Hypothesis | None = None
        for start in range(0, usable, self._frame_bytes):
            hypothesis = self._frame(data[start : start + self._frame_bytes], echo_only)
            if hypothesis is not None and (result is None or not result.final):
                result = hypothesis
        return result

    def flush(self) -> Hypothesis | None:
        if not self._in_utterance:
            self._pending = b""
            return None
        if self._pending:
            self._decoder.process_raw(self._pending)
            self._pending = b""
        return self._finish()

    def reset(self) -> None:
        if self._in_utterance:
            self._decoder.end_utt()
        self._in_utterance = False
        self._pending = b""
        self._pre_roll.clear()
        self._speech_run = self._silence_run = self._utterance_frames = self._speech_frames = 0
        self._partial = ""

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

    # ------------------------------------------------------------- internals

    def _frame(self, frame: bytes, echo_only: bool) -> Hypothesis | None:
        speech = self._vad.is_speech(frame) and not echo_only
        if not self._in_utterance:
            self._pre_roll.append(frame)
            self._speech_run = self._speech_run + 1 if speech else 0
            if self._speech_run < self._start_frames:
                return None
            self._decoder.start_utt()
            self._decoder.process_raw(b"".join(self._pre_roll))
            self._pre_roll.clear()
            self._in_utterance = True
            self._silence_run = 0
            self._utterance_frames = 0
            self._speech_frames = self._speech_run
            self._partial = ""
            return None
        self._decoder.process_raw(frame)
        self._utterance_frames += 1
        self._silence_run = 0 if speech else self._silence_run + 1
        self._speech_frames += int(speech)
        if self._silence_run >= self._end_frames or self._utterance_frames >= self._max_frames:
            return self._finish()
        if self._utterance_frames % self._partial_frames == 0:
            return self._partial_hypothesis()
        return None

    def _partial_hypothesis(self) -> Hypothesis | None:
        hyp = self._decoder.hyp()
        text = self._clean(hyp.hypstr if hyp else "")
        if text == self._partial:
            return None
        self._partial = text
        return Hypothesis(text, final=False, confidence=0.0)

    def _finish(self) -> Hypothesis | None:
        self._decoder.end_utt()
        self._in_utterance = False
        self._speech_run = 0
        self._partial = ""
        if self._speech_frames < self._min_speech_frames:
            return None
        hyp = self._decoder.hyp()
        raw = hyp.hypstr if hyp else ""
        text = self._clean(raw)
        if text not in self._known or GARBAGE_PREFIX in raw:
            return Hypothesis("", final=True, confidence=0.0)
        return Hypothesis(text, final=True, confidence=self._confidence(hyp))

    def _confidence(self, hyp: object) -> float:
        prob = float(getattr(hyp, "prob", 0.0) or 0.0)
        if 0.0 < prob <= 1.0:
            return prob
        return 1.0

    @staticmethod
    def _clean(text: str) -> str:
        words = [w for w in text.split() if not w.startswith(GARBAGE_PREFIX)]
        return normalize(" ".join(words))
