"""The encoders the understanding was measured with, for ``bench.tune_understanding`` and ``bench.understanding --compare``.

The app uses WordLlama (:class:`voiceguide.understanding.embedding.WordLlamaEmbedder`).
all-MiniLM-L6-v2 (:mod:`voiceguide.understanding.minilm`), alone and combined
with WordLlama, was measured against it on 2026-12-03 and did not clearly win
on the held-out phrasings (docs/understanding.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from voiceguide.understanding import Rule
from voiceguide.understanding.embedding import Embedder, WordLlamaEmbedder
from voiceguide.understanding.minilm import MiniLMEmbedder

# Chosen by `python -m bench.tune_understanding` on the development set as it grew on 2026-12-03
# (120 paraphrases, 62 lines of room talk). The app's WordLlama keeps the rule chosen on the first 60 and 26.
COMBINED_RULE = Rule(safety=0.61, command=0.89, move=0.92, expected_bonus=0.28, during_speech=0.89)
WORDLLAMA_RECHOSEN = Rule(safety=0.74, command=0.98, move=0.87, expected_bonus=0.2, during_speech=0.98)


class CombinedEmbedder:
    """Two encoders as one: the mean of their cosines (each text's unit vectors side by side, each scaled by 1/sqrt(2)).

    MiniLM places a long paraphrase near its command where WordLlama's word average
    cannot; WordLlama keeps short answers and their polarity apart where MiniLM does not
    ("yes i am actually" is 0.73 from "no i'm not" with MiniLM).
    """

    def __init__(self, first: Embedder, second: Embedder, rule: Rule = COMBINED_RULE) -> None:
        self.parts = (first, second)
        self.name = f"{first.name} with {second.name}"
        self.fingerprint = hashlib.sha256(f"{first.fingerprint}+{second.fingerprint}".encode()).hexdigest()
        self.rule = rule

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        scale = np.float32(1 / np.sqrt(2))
        return np.concatenate([part.embed(texts) * scale for part in self.parts], axis=1)


ENCODERS: dict[str, Callable[[], Embedder]] = {
    "wordllama": WordLlamaEmbedder,  # the app's
    "minilm": MiniLMEmbedder,
    "both": lambda: CombinedEmbedder(MiniLMEmbedder(), WordLlamaEmbedder()),
}
