"""Building the understanding stage for a session: the grammar at once, the examples in the background.

Building the key phrases (tens of milliseconds), loading the embedding model
and embedding the examples (under a second) happen in the background;
the coach does not wait for them to speak its first line. Until it is
ready, and if it cannot load at all (one line says why), the grammar's
sentences and key phrases understand without it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from ..grammar import Grammar, normalize
from ..routine import Routine
from .embedding import Embedder, EmbeddingError, WordLlamaEmbedder
from .examples import ExampleIndex, sentences_of
from .key_phrases import KeyPhrases
from .phrasings import PhrasingsError, SaidExamples, packaged_examples
from .understand import Understanding, key_phrases_of

NO_MODEL = "Understanding by meaning is off ({why}): the grammar's sentences and key phrases are still understood."
NO_PHRASINGS = "Understanding by meaning compares with the grammar's sentences only ({why}): reinstall voiceguide to restore them."


def exercise_names(routine: Routine) -> list[str]:
    """The routine's exercise names: "can we skip the bridge" is a skip, "what does the bridge do" a why."""
    return list(dict.fromkeys(normalize(exercise.name) for exercise in routine.exercises))


def build_index(
    grammar: Grammar, coach_lines: Sequence[str], embedder: Embedder | None = None, said: SaidExamples | None = None
) -> ExampleIndex:
    """The grammar's sentences and the phrasings people said as examples; the coach's lines and room talk as non-commands."""
    said = said if said is not None else packaged_examples()
    return ExampleIndex(
        embedder or WordLlamaEmbedder(),
        [*grammar.samples, *((phrasing.intent.value, phrasing.text) for phrasing in said.commands)],
        [*sentences_of(coach_lines), *grammar.not_commands, *said.room_talk],
    )


def load_understanding(
    grammar: Grammar,
    coach_lines: Sequence[str],
    notice: Callable[[str], None],
    background: bool = True,
    embedder: Callable[[], Embedder] = WordLlamaEmbedder,
    topics: Sequence[str] = (),
    said: Callable[[], SaidExamples] = packaged_examples,
) -> Understanding:
    """An :class:`Understanding` that reads key phrases, then understands by meaning, as soon as each is built."""
    understanding = Understanding(grammar, key_phrases=KeyPhrases.none(), coach_lines=coach_lines)

    def load() -> None:
        try:
            understanding.key_phrases = key_phrases_of(grammar, topics)  # tens of ms: not before the first word
        except ValueError as error:  # a grammar file's key phrase words misspelt: said, and the rest goes on
            notice(str(error))
        try:
            examples = said()
        except PhrasingsError as error:  # damaged data files: the grammar's own sentences are examples enough
            notice(NO_PHRASINGS.format(why=error))
            examples = SaidExamples((), ())
        try:
            understanding.index = build_index(grammar, coach_lines, embedder(), examples)
        except EmbeddingError as error:
            notice(NO_MODEL.format(why=error))

    if background:
        threading.Thread(target=load, name="understanding-loader", daemon=True).start()
    else:
        load()
    return understanding
