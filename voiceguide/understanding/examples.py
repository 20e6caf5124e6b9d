"""The examples the understanding stage matches against: the grammar's sentences, and what is not a command.

Each example is embedded once (and kept in the user cache, :mod:`.cache`);
a transcript is embedded and compared with
all of them at once. What is not a command (the coach's own lines, everyday
room talk from the grammar file) is there so that a transcript nearer to
one of those than to any command is rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..grammar import normalize
from ..intents import Intent
from .cache import embedded
from .embedding import Embedder

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences_of(lines: Iterable[str]) -> list[str]:
    """The sentences of the coach's lines, normalized, each once ("Stopped. Are you in pain?" is two)."""
    out = (normalize(part) for line in lines for part in _SENTENCE_END.split(line))
    return [s for s in dict.fromkeys(out) if s]


@dataclass(frozen=True)
class Nearest:
    """The best match of a transcript per intent, and its nearest non-command."""

    by_intent: dict[Intent, tuple[float, str]]  # intent -> (cosine, example)
    other: tuple[float, str]  # the nearest example that is not a command

    def ranked(self) -> list[tuple[Intent, float, str]]:
        return sorted(((i, c, e) for i, (c, e) in self.by_intent.items()), key=lambda item: -item[1])


class ExampleIndex:
    """Embedded examples: (intent, sentence) pairs and sentences that are no command."""

    def __init__(
        self,
        embedder: Embedder,
        examples: Sequence[tuple[str, str]],
        not_commands: Sequence[str],
        cache: Path | None = None,
    ) -> None:
        """``cache``: the folder of the kept embeddings (default: the user cache's, :mod:`.cache`)."""
        self.embedder = embedder
        self.rule = embedder.rule
        known = {intent.value: intent for intent in Intent}
        pairs = [(known[intent], normalize(text)) for intent, text in examples if intent in known]
        commands = {text for _, text in pairs}
        self.others = [text for text in dict.fromkeys(map(normalize, not_commands)) if text and text not in commands]
        self.intents = [intent for intent, _ in pairs]
        self.texts = [text for _, text in pairs]
        self._vectors = embedded(embedder, self.texts + self.others, cache)
        self._count = len(self.texts)

    def nearest(self, text: str) -> Nearest:
        vector = self.embedder.embed([normalize(text)])[0]
        cosines = self._vectors @ vector
        by_intent: dict[Intent, tuple[float, str]] = {}
        for index in np.argsort(-cosines[: self._count]):
            intent = self.intents[index]
            if intent not in by_intent:
                by_intent[intent] = (float(cosines[index]), self.texts[index])
                if len(by_intent) == len(Intent):
                    break
        other = (-1.0, "")
        if len(self.others):
            best = int(np.argmax(cosines[self._count :]))
            other = (float(cosines[self._count + best]), self.others[best])
        return Nearest(by_intent, other)
