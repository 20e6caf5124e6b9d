"""Building the understanding stage for a session: the grammar at once, the examples in the background.

The encoder is all-MiniLM-L6-v2 with WordLlama (:mod:`.combined`); when one
of them cannot be had, the other alone (one line says why, and that fewer
phrasings are understood); when neither can, the grammar alone (one line says
why). Loading the encoders takes about a second and the examples' embeddings
come from the user cache (:mod:`.cache`; the first time they are embedded in
a few seconds): the coach does not wait for either to speak its first line.
Until the examples are ready, the grammar alone understands.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from ..grammar import Grammar
from .combined import CombinedEmbedder
from .embedding import Embedder, EmbeddingError, WordLlamaEmbedder
from .examples import ExampleIndex, sentences_of
from .minilm import MiniLMEmbedder
from .understand import Understanding

NO_MODEL = "Understanding by meaning is off ({why}): only the grammar's own sentences are understood."
FALLBACK = "Understanding by meaning uses {name} alone, which understands fewer phrasings ({why})."


def default_embedder() -> Embedder:
    """The encoder the app uses: all-MiniLM-L6-v2 with WordLlama (both must load)."""
    return CombinedEmbedder(MiniLMEmbedder(), WordLlamaEmbedder())


def build_index(grammar: Grammar, coach_lines: Sequence[str], embedder: Embedder | None = None) -> ExampleIndex:
    """The grammar's sentences as examples; the coach's lines and the grammar's room talk as non-commands.

    Without ``embedder``, the default encoder (:func:`default_embedder`), which must load: the benchmark measures it.
    """
    return ExampleIndex(embedder or default_embedder(), grammar.samples, [*sentences_of(coach_lines), *grammar.not_commands])


def available_embedder(
    notice: Callable[[str], None],
    encoders: Sequence[Callable[[], Embedder]] = (MiniLMEmbedder, WordLlamaEmbedder),
    combine: Callable[[Embedder, Embedder], Embedder] = CombinedEmbedder,
) -> Embedder:
    """Both encoders combined; the one that loads alone when the other does not (one line says why); EmbeddingError when none does."""
    loaded: list[Embedder] = []
    problems: list[str] = []
    for make in encoders:
        try:
            loaded.append(make())
        except EmbeddingError as error:
            problems.append(str(error))
    if not loaded:
        raise EmbeddingError("; ".join(problems))
    if len(loaded) == 1:
        notice(FALLBACK.format(name=loaded[0].name, why="; ".join(problems)))
        return loaded[0]
    return combine(*loaded)


def load_understanding(
    grammar: Grammar,
    coach_lines: Sequence[str],
    notice: Callable[[str], None],
    background: bool = True,
    embedder: Callable[[], Embedder] | None = None,
) -> Understanding:
    """An :class:`Understanding` that understands by meaning as soon as its examples are embedded.

    ``embedder``: one encoder to use instead of :func:`available_embedder`'s choice.
    """
    understanding = Understanding(grammar)

    def load() -> None:
        try:
            encoder = embedder() if embedder is not None else available_embedder(notice)
            understanding.index = build_index(grammar, coach_lines, encoder)
        except EmbeddingError as error:
            notice(NO_MODEL.format(why=error))

    if background:
        threading.Thread(target=load, name="understanding-loader", daemon=True).start()
    else:
        load()
    return understanding
