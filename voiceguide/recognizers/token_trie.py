"""Closed-grammar decoding: a beam search over a trie of the grammar's token sequences.

The recognizer's language model proposes the next token; the trie allows
only tokens that continue one of the grammar's sentences. A sentence is
finished when the model gives the end-of-text token after it (directly or
after a full stop, exclamation or question mark), so a sentence that is only
the start of what was said ("stop" in "stop by the shop on the way") scores
as low as the model thinks it ends there.

Pure: the model is a function from token prefixes to next-token log
probabilities, so the search is tested without any model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

# Token prefixes (all of the same length) -> one log-probability vector each.
NextLogProbs = Callable[[list[list[int]]], Sequence[np.ndarray]]


@dataclass
class _Node:
    children: dict[int, _Node] = field(default_factory=dict)
    ends: list[int] = field(default_factory=list)  # sentences that may end here


@dataclass(frozen=True)
class Scored:
    """A grammar sentence and its log probability given the audio."""

    sentence: int  # index into the trie's sentences
    log_prob: float


class TokenTrie:
    """Every spelling of every sentence, as token sequences sharing prefixes."""

    def __init__(
        self,
        spellings: Iterable[tuple[int, Sequence[int]]],
        end_token: int,
        closing_tokens: Sequence[int] = (),
    ) -> None:
        """``spellings``: (sentence index, tokens); a sentence may have several spellings.

        ``closing_tokens`` (punctuation) may come between a sentence and ``end_token``.
        """
        self.end_token = end_token
        self.root = _Node()
        self.depth = 0
        for sentence, tokens in spellings:
            node = self.root
            for token in tokens:
                node = node.children.setdefault(token, _Node())
            node.ends.append(sentence)
            for closing in closing_tokens:
                node.children.setdefault(closing, _Node()).ends.append(sentence)
            self.depth = max(self.depth, len(tokens) + (1 if closing_tokens else 0))

    def search(
        self,
        next_log_probs: NextLogProbs,
        beam_width: int = 8,
        prune: float = 8.0,
        floor: float = -math.inf,
    ) -> list[Scored]:
        """Sentences by descending log probability (spellings of one sentence summed).

        A level-synchronous beam: at each step every live prefix is extended
        by the tokens the trie allows; the ``beam_width`` best survive, and
        any more than ``prune`` below the best of its step, below the best
        finished sentence or below ``floor`` (a score that would be rejected
        anyway) is dropped: log probabilities only fall.
        """
        beam: list[tuple[float, _Node, list[int]]] = [(0.0, self.root, [])]
        finished: dict[int, float] = {}
        while beam:
            distributions = next_log_probs([tokens for _, _, tokens in beam])
            extended: list[tuple[float, _Node, list[int]]] = []
            for (score, node, tokens), log_probs in zip(beam, distributions):
                if node.ends:
                    total = score + float(log_probs[self.end_token])
                    for sentence in node.ends:
                        finished[sentence] = float(np.logaddexp(finished.get(sentence, -math.inf), total))
                for token, child in node.children.items():
                    extended.append((score + float(log_probs[token]), child, [*tokens, token]))
            if not extended:
                break
            best = max(score for score, _, _ in extended)
            floor_now = max(floor, best - prune, max(finished.values(), default=-math.inf))
            survivors = sorted((item for item in extended if item[0] > floor_now), key=lambda item: -item[0])
            beam = survivors[:beam_width]
        return [Scored(sentence, score) for sentence, score in sorted(finished.items(), key=lambda kv: -kv[1])]


def log_softmax(logits: np.ndarray) -> np.ndarray:
    values = np.asarray(logits, dtype=np.float64)
    shifted = values - values.max()
    return shifted - math.log(float(np.exp(shifted).sum()))
