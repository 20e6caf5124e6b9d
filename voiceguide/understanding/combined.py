"""The default encoder: all-MiniLM-L6-v2 and WordLlama together, a cosine being the mean of theirs.

MiniLM places a long paraphrase near its command ("i'll pass on this one":
"skip this one") where WordLlama's word average cannot; WordLlama keeps
short answers and their polarity apart where MiniLM does not ("not now" is
nearer to "no" than to "skip"; "yes i am actually" is 0.73 from "no i'm not"
with MiniLM). Each text's two unit vectors are put side by side, each scaled
by 1/sqrt(2): the result is a unit vector, and the dot product of two is the
mean of the two encoders' cosines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from .embedding import Embedder
from .rule import Rule

# Chosen on the development data only, by the documented criterion, on 2026-12-03
# (docs/understanding.md; `python -m bench.tune_understanding both` chooses again).
RULE = Rule(safety=0.61, command=0.89, move=0.92, expected_bonus=0.28, during_speech=0.89)


class CombinedEmbedder:
    """Two encoders as one: the mean of their cosines (their unit vectors concatenated, each scaled by 1/sqrt(2))."""

    def __init__(self, first: Embedder, second: Embedder, rule: Rule = RULE) -> None:
        self.parts = (first, second)
        self.name = f"{first.name} with {second.name}"
        self.fingerprint = hashlib.sha256(f"{first.fingerprint}+{second.fingerprint}".encode()).hexdigest()
        self.rule = rule

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        scale = np.float32(1 / np.sqrt(2))
        return np.concatenate([part.embed(texts) * scale for part in self.parts], axis=1)
