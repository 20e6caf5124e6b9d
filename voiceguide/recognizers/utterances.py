"""A streaming recognizer made of the shared endpointer and an engine that decodes utterances.

The endpointer (:mod:`.endpointing`) decides where an utterance starts and
ends; the engine (:class:`UtteranceDecoder`) only turns its audio into text.
The closed-vocabulary filter is here too: a final whose text is not one of
the grammar's sentences comes out with empty text (the coach hears
"unclear"), keeping what the engine heard in ``Hypothesis.heard``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import numpy as np

from voiceguide.grammar import distinct_sentences, normalize
from voiceguide.recognizers.base import Hypothesis, Recognizer
from voiceguide.recognizers.endpointing import (
    Continued,
    Endpointer,
    EndpointSettings,
    SpeechDetector,
    Started,
    default_detector,
)


class UtteranceDecoder(ABC):
    """An engine's part: the audio of one utterance in, text out."""

    name: str = "decoder"
    pause_hook: Callable[[float], None] | None = None  # see Recognizer.on_pause

    @abstractmethod
    def start(self) -> None:
        """A new utterance begins."""

    @abstractmethod
    def add(self, samples: np.ndarray, speech: bool) -> None:
        """More audio of the utterance (16 kHz int16); ``speech`` when the detector heard speech in it."""

    @abstractmethod
    def partial(self) -> Hypothesis | None:
        """What was said so far, or None when there is nothing new to say."""

    @abstractmethod
    def finish(self) -> Hypothesis | None:
        """The final result of the whole utterance (None: nothing that sounded like words)."""

    @property
    def partial_ready(self) -> bool:
        """True when the engine has something to say before the next partial is due."""
        return False

    @property
    def complete(self) -> bool:
        """True when the words so far are a whole sentence and quiet has followed: the utterance may end now."""
        return False

    def listen_live(self) -> None:
        """See :meth:`Recognizer.listen_live`."""

    def adaptation(self) -> str | None:
        return None

    def adapt(self, state: str) -> bool:
        return False


class UtteranceRecognizer(Recognizer):
    """:class:`Recognizer` over an :class:`Endpointer` and an :class:`UtteranceDecoder`."""

    def __init__(
        self,
        decoder: UtteranceDecoder,
        sentences: Sequence[str],
        detector: SpeechDetector | None = None,
        endpoint: EndpointSettings | None = None,
    ) -> None:
        self.decoder = decoder
        self.name = decoder.name
        self.sentences = distinct_sentences(sentences)
        self._known = set(self.sentences)
        self.endpointer = Endpointer(detector or default_detector(), endpoint)

    def accept(self, pcm: bytes, echo_only: bool = False) -> Hypothesis | None:
        result: Hypothesis | None = None
        for boundary in self.endpointer.feed(np.frombuffer(pcm, dtype="<i2"), echo_only):
            hypothesis = self._on(boundary)
            if hypothesis is not None and (result is None or not result.final):
                result = hypothesis
        return result

    def flush(self) -> Hypothesis | None:
        result: Hypothesis | None = None
        for boundary in self.endpointer.flush():
            hypothesis = self._on(boundary)
            if hypothesis is not None:
                result = hypothesis
        return result

    def reset(self) -> None:
        if self.endpointer.in_utterance:
            self.decoder.finish()  # the utterance in progress is forgotten
        self.endpointer.reset()

    def listen_live(self) -> None:
        self.decoder.listen_live()

    def on_pause(self, hook: Callable[[float], None] | None) -> None:
        self.decoder.pause_hook = hook

    def adaptation(self) -> str | None:
        return self.decoder.adaptation()

    def adapt(self, state: str) -> bool:
        return self.decoder.adapt(state)

    def _on(self, boundary: object) -> Hypothesis | None:
        if isinstance(boundary, Started):
            self.decoder.start()
            self.decoder.add(boundary.audio, speech=True)
            return None
        if isinstance(boundary, Continued):
            self.decoder.add(boundary.audio, boundary.speech)
            if self.decoder.complete:  # a whole sentence, then quiet: no need to wait out the trailing silence
                return self._on(self.endpointer.end_now())
            return self.decoder.partial() if boundary.partial_due or self.decoder.partial_ready else None
        if not boundary.enough_speech:  # a click or a cough-length blip
            self.decoder.finish()
            return None
        # Speech it cannot make words of is still speech: "unclear", never nothing.
        final = self.decoder.finish() or Hypothesis("", final=True, confidence=0.0)
        text = normalize(final.text)
        heard = final.heard or text
        if text not in self._known:
            return Hypothesis("", final=True, confidence=0.0, heard=heard, heard_confidence=final.heard_confidence)
        return Hypothesis(text, final=True, confidence=final.confidence, heard=heard, heard_confidence=final.heard_confidence)
