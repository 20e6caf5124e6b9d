"""Sentence embeddings: what an encoder offers, and the app's, WordLlama's static ``l2_supercat_256``.

Every encoder is loaded from an installed package only (never a download),
each file checked against its SHA-256 first. An embedding is a unit vector,
so the dot product of two is their cosine similarity. all-MiniLM-L6-v2
(:mod:`.minilm`), a real sentence encoder, was measured against WordLlama
and did not clearly win (docs/understanding.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ..recognizers.model_files import sha256_of
from .rule import Rule

CONFIG = "l2_supercat"
DIMENSIONS = 256
# The files of wordllama 0.4.0.post1 (pinned in pyproject.toml), relative to its package folder.
FILES = {
    "weights/l2_supercat_256.safetensors": "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5",
    "tokenizers/l2_supercat_tokenizer_config.json": "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68",
}


class EmbeddingError(Exception):
    """The embedding model cannot be used; the message is one sentence."""


class Embedder(Protocol):
    name: str  # for messages and the docs: "all-MiniLM-L6-v2"
    fingerprint: str  # changes with the model's files: the cached example embeddings are keyed by it
    rule: Rule  # the cosines this encoder's matches need (chosen on the development data for it)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text (rows), float32."""


class WordLlamaEmbedder:
    """WordLlama's static embeddings: a token lookup and a mean, about a tenth of a millisecond a sentence."""

    name = "WordLlama l2_supercat_256"
    fingerprint = hashlib.sha256(f"{CONFIG}-{DIMENSIONS};{sorted(FILES.items())}".encode()).hexdigest()
    rule = Rule()  # chosen on the first 60 development paraphrases and 26 lines of room talk (docs/understanding.md)

    def __init__(self, package_dir: Path | None = None) -> None:
        try:
            import wordllama
            from wordllama import WordLlama
        except ImportError as error:
            raise EmbeddingError(f"the wordllama package does not load ({error})") from error
        folder = Path(package_dir or Path(wordllama.__file__).parent)
        for name, expected in FILES.items():
            path = folder / name
            if not path.is_file():
                raise EmbeddingError(f"{path} is missing")
            if sha256_of(path) != expected:
                raise EmbeddingError(f"{path} is damaged (its checksum is not the published one)")
        # The package's own folder serves as the cache folder: its loader looks for the tokenizer
        # under "tokenizers/" there, and finds the weights beside it, so nothing is downloaded.
        try:
            self._model = WordLlama.load(CONFIG, cache_dir=folder, dim=DIMENSIONS, disable_download=True)
        except (OSError, ValueError, RuntimeError) as error:
            raise EmbeddingError(f"the WordLlama model does not load ({error})") from error

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.asarray(self._model.embed(list(texts), norm=True), dtype=np.float32)
        return vectors.reshape(len(texts), -1)
