"""Building the understanding stage for a session: the grammar at once, the examples in the background.

Loading the embedding model and embedding the examples takes about half a
second (the examples' embeddings are kept in the user cache, :mod:`.cache`,
and read back by the next session); the coach does not wait for it to speak
its first line. Until it is ready, and if it cannot load at all (one line
says why), the grammar alone understands.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from ..grammar import Grammar
from .embedding import Embedder, EmbeddingError, WordLlamaEmbedder
from .examples import ExampleIndex, sentences_of
from .understand import Understanding

NO_MODEL = "Understanding by meaning is off ({why}): only the grammar's own sentences are understood."


def build_index(grammar: Grammar, coach_lines: Sequence[str], embedder: Embedder | None = None) -> ExampleIndex:
    """The grammar's sentences as examples; the coach's lines and the grammar's room talk as non-commands."""
    return ExampleIndex(embedder or WordLlamaEmbedder(), grammar.samples, [*sentences_of(coach_lines), *grammar.not_commands])


def load_understanding(
    grammar: Grammar,
    coach_lines: Sequence[str],
    notice: Callable[[str], None],
    background: bool = True,
    embedder: Callable[[], Embedder] = WordLlamaEmbedder,
) -> Understanding:
    """An :class:`Understanding` that understands by meaning as soon as its examples are embedded."""
    understanding = Understanding(grammar)

    def load() -> None:
        try:
            understanding.index = build_index(grammar, coach_lines, embedder())
        except EmbeddingError as error:
            notice(NO_MODEL.format(why=error))

    if background:
        threading.Thread(target=load, name="understanding-loader", daemon=True).start()
    else:
        load()
    return understanding
