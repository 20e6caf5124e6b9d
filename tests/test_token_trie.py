"""The closed-grammar beam search over a token trie, with a made-up model: no Whisper needed."""

from __future__ import annotations

import math

import numpy as np

from voiceguide.recognizers.token_trie import TokenTrie

END = 0
VOCABULARY = 8


def model(table: dict[tuple[int, ...], dict[int, float]], asked: list[list[int]]):
    """Next-token log probabilities from ``table`` (prefix -> token -> probability; the rest share what is left)."""

    def next_log_probs(prefixes: list[list[int]]) -> list[np.ndarray]:
        asked.extend(prefixes)
        out = []
        for prefix in prefixes:
            given = table.get(tuple(prefix), {})
            left = (1.0 - sum(given.values())) / (VOCABULARY - len(given))
            out.append(np.log(np.array([given.get(token, left) for token in range(VOCABULARY)])))
        return out

    return next_log_probs


def test_a_sentence_that_is_not_the_best_start_still_wins_when_the_model_says_so() -> None:
    trie = TokenTrie([(0, [1]), (1, [2, 3])], END)
    # token 1 leads, but the model does not end a sentence after it; "start" (2, 3) ends soundly.
    table = {(): {1: 0.5, 2: 0.45}, (1,): {END: 0.01}, (2,): {3: 0.95}, (2, 3): {END: 0.95}}
    asked: list[list[int]] = []
    found = trie.search(model(table, asked), beam_width=6, prune=6.0)
    assert [item.sentence for item in found] == [1, 0]
    assert math.isclose(found[0].log_prob, math.log(0.45 * 0.95 * 0.95))
    assert [1] in asked and [2] in asked and [2, 3] in asked
