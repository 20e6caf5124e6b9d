"""The whisper-base engine: the Whisper engine with Systran's base model and the judge fitted for it.

Base is multilingual: the decoder forces English (``<|en|><|transcribe|>``);
its model is joined from two pinned packages (:mod:`.whisper_base_model`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from voiceguide.recognizers import whisper_engine
from voiceguide.recognizers.utterances import UtteranceRecognizer
from voiceguide.recognizers.whisper_base_model import DOWNLOAD_HINT


def create(model_dir: Path | None, sentences: Sequence[str], safety_sentences: Collection[str] = ()) -> UtteranceRecognizer:
    """The Whisper base recognizer for ``sentences``; RecognizerError when the model cannot be loaded."""
    return whisper_engine.create(model_dir, sentences, safety_sentences, model="base", name="whisper-base", hint=DOWNLOAD_HINT)
