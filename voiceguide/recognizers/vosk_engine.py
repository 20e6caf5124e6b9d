"""vosk (Kaldi) with a closed vocabulary: the grammar's sentences plus "[unk]".

Speech outside the sentences decodes to "[unk]"; a segment with any
"[unk]" in it comes out as a final with empty text (unclear, so the coach
pauses rather than acting on half a sentence). Words the model's lexicon lacks would make vosk drop them
with a warning (and the sentence would then mean something else), so
sentences containing them are left out; ``skipped_sentences`` lists them.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from pathlib import Path

import vosk

from voiceguide.grammar import distinct_sentences, normalize
from voiceguide.recognizers.base import Hypothesis, Recognizer, RecognizerError
from voiceguide.recognizers.vosk_model import DOWNLOAD_HINT, validate_model

UNKNOWN = "[unk]"


class VoskRecognizer(Recognizer):
    """Streaming vosk recognizer restricted to ``sentences``."""

    name = "vosk"

    def __init__(self, model_dir: Path, sentences: Sequence[str]) -> None:
        vosk.SetLogLevel(-1)
        model_dir = validate_model(Path(model_dir))
        try:
            self._model = vosk.Model(str(model_dir))
        except Exception as error:  # vosk raises a bare Exception
            raise RecognizerError(
                f"vosk could not load the model in {model_dir}; {DOWNLOAD_HINT} to get it again."
            ) from error
        clean = distinct_sentences(sentences)
        self.missing_words = sorted(
            {w for s in clean for w in s.split() if self._model.vosk_model_find_word(w) < 0}
        )
        missing = set(self.missing_words)
        self.sentences = [s for s in clean if not set(s.split()) & missing]
        self.skipped_sentences = [s for s in clean if set(s.split()) & missing]
        self._known = set(self.sentences)
        if not self.sentences:
            raise RecognizerError(
                "None of the grammar's sentences can be said with this vosk model; "
                "use a model for the grammar's language."
            )
        # A model without "[unk]" in its lexicon cannot reject other speech.
        self.rejects_unknown = self._model.vosk_model_find_word(UNKNOWN) >= 0
        phrases = [*self.sentences, UNKNOWN] if self.rejects_unknown else self.sentences
        self._grammar = json.dumps(phrases, ensure_ascii=False)
        self._recognizer = self._new_recognizer()
        self._partial = ""
        self._fed = False

    def _new_recognizer(self) -> vosk.KaldiRecognizer:
        recognizer = vosk.KaldiRecognizer(self._model, float(self.sample_rate), self._grammar)
        recognizer.SetWords(True)
        return recognizer

    def accept(self, pcm: bytes, echo_only: bool = False) -> Hypothesis | None:
        if not pcm:
            return None
        if echo_only:  # vosk's endpointer cannot be told: it hears silence instead
            pcm = bytes(len(pcm))
        self._fed = True
        if self._recognizer.AcceptWaveform(pcm):
            return self._final(self._recognizer.Result())
        partial = _clean(json.loads(self._recognizer.PartialResult()).get("partial", ""))
        if partial == self._partial:
            return None
        self._partial = partial
        return Hypothesis(partial, final=False, confidence=0.0)

    def flush(self) -> Hypothesis | None:
        if not self._fed:
            return None
        return self._final(self._recognizer.FinalResult())

    def reset(self) -> None:
        self._recognizer.Reset()
        self._partial = ""
        self._fed = False

    def _final(self, result_json: str) -> Hypothesis | None:
        """A final, or None when the segment held no word at all (silence)."""
        self._partial = ""
        self._fed = False
        result = json.loads(result_json)
        words = result.get("result", [])
        if not words and not result.get("text"):
            return None
        text = _clean(result.get("text", ""))
        heard_unknown = UNKNOWN in result.get("text", "").split()
        if heard_unknown or text not in self._known:
            return Hypothesis("", final=True, confidence=0.0, heard=text)
        known = [float(w.get("conf", 0.0)) for w in words if w.get("word") != UNKNOWN]
        confidence = sum(known) / len(known) if known else 0.0
        return Hypothesis(text, final=True, confidence=confidence, heard=text)


def _clean(text: str) -> str:
    return normalize(" ".join(w for w in text.split() if w != UNKNOWN))


def create(model_dir: Path | None, sentences: Sequence[str], safety_sentences: Collection[str] = ()) -> VoskRecognizer:
    if model_dir is None:
        raise RecognizerError(f"No vosk model found; {DOWNLOAD_HINT}.")
    return VoskRecognizer(model_dir, sentences)
