"""The one small interface every speech recognizer shares.

Feed 16 kHz mono int16 little-endian PCM of any chunk size to
:meth:`Recognizer.accept`; get back a partial :class:`Hypothesis` when the
partial text changed, a final one when an utterance ended (endpoint), or
None. A final hypothesis with ``text == ""`` means speech was heard but it
was not one of the grammar's sentences ("[unk]", out of grammar): the coach
treats it as *unclear*. Pure silence or noise that decoded to nothing gives
no final at all.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voiceguide.grammar import Grammar

ENGINES = ("auto", "vosk", "pocketsphinx")


class RecognizerError(Exception):
    """A problem the user can fix; the message is one sentence saying how."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Hypothesis:
    """What the recognizer thinks was said so far (partial) or in the end (final)."""

    text: str
    final: bool
    confidence: float


class Recognizer(ABC):
    """Streaming recognizer over a closed vocabulary."""

    name: str = "recognizer"
    sample_rate: int = 16000

    @abstractmethod
    def accept(self, pcm: bytes, echo_only: bool = False) -> Hypothesis | None:
        """Feed PCM; a final at an endpoint, a partial when it changed, else None.

        ``echo_only``: the echo canceller found nothing in this audio but
        what it left of the coach's voice. It is no one speaking: it must
        not start an utterance, and it counts as silence inside one.
        """

    @abstractmethod
    def flush(self) -> Hypothesis | None:
        """Force the final result of everything fed so far (None if nothing was heard)."""

    @abstractmethod
    def reset(self) -> None:
        """Forget the utterance in progress."""

    def adaptation(self) -> str | None:
        """What the engine has learnt of the voice and room so far, to start a later session from.

        None when the engine keeps nothing between sessions.
        """
        return None

    def adapt(self, state: str) -> bool:
        """Start from ``state``, kept from an earlier session; False if it does not fit this engine."""
        return False


def _print_notice(message: str) -> None:
    print(message, file=sys.stderr)


def create_recognizer(
    engine: str,
    grammar: Grammar,
    model: Path | None = None,
    *,
    phrases: Sequence[str] | None = None,
    download: bool = False,
    notify: Callable[[str], None] = _print_notice,
) -> Recognizer:
    """Build the recognizer for ``engine`` ("auto", "vosk" or "pocketsphinx").

    ``auto`` picks vosk when a model can be found (``model``, the
    environment, the user cache, vosk's folders), downloading one only when
    ``download`` is true, else pocketsphinx with a one-line ``notify``.
    ``phrases`` overrides the grammar's sentences as the closed vocabulary.
    """
    from voiceguide.recognizers import models

    if engine not in ENGINES:
        raise RecognizerError(
            f"Unknown engine {engine!r}; choose one of {', '.join(ENGINES)}."
        )
    sentences = list(phrases) if phrases is not None else grammar.sentences

    if engine == "pocketsphinx":
        return _pocketsphinx(sentences)

    found = models.find_model(model)
    if found is None and download:
        found = models.download_model(models.default_model_dir())
    if found is None:
        if engine == "vosk":
            raise RecognizerError(
                "No vosk model found; run `voiceguide model download` "
                "or pass --model DIR (or set VOICEGUIDE_VOSK_MODEL)."
            )
        notify(
            "No vosk English model found, using pocketsphinx; "
            "run `voiceguide model download` for better recognition."
        )
        return _pocketsphinx(sentences)

    from voiceguide.recognizers.vosk_engine import VoskRecognizer

    return VoskRecognizer(found, sentences)


def _pocketsphinx(sentences: Sequence[str]) -> Recognizer:
    from voiceguide.recognizers.pocketsphinx_engine import PocketsphinxRecognizer

    return PocketsphinxRecognizer(sentences)
