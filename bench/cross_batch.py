"""Each batch of the said phrasings left out of the examples in turn: what understanding makes of phrasings it was not given.

The phrasings in ``grammars/en_phrasings.tsv`` are examples the stage compares
what it hears with, so scoring them as they stand measures how well it recalls
its own data. Here each batch (a note "# The ... batch" starts one; the first
is the lines before any) is taken out of the examples, with its room talk, and
scored alone. The key phrases were tuned on most batches, so this is still
kinder than a stranger's phrasings: the held-out set is the fair measure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from voiceguide.grammar import Grammar
from voiceguide.intents import Context
from voiceguide.understanding import Understanding
from voiceguide.understanding.embedding import WordLlamaEmbedder
from voiceguide.understanding.loading import build_index
from voiceguide.understanding.phrasings import SaidExamples, packaged_texts, read_phrasings, read_room_talk
from voiceguide.understanding.understand import Understood

_BATCH_NOTE = re.compile(r"^# The .* batch", re.MULTILINE)


def batches(text: str) -> list[str]:
    """The text of a phrasings file, cut where each batch's note begins."""
    starts = [0, *(match.start() for match in _BATCH_NOTE.finditer(text))]
    return [text[start:end] for start, end in zip(starts, [*starts[1:], len(text)]) if text[start:end].strip()]


class LeftOut:
    """Understands each phrasing, or line of room talk, with its own batch left out of the examples."""

    def __init__(self, grammar: Grammar, coach_lines: Sequence[str], topics: Sequence[str], language: str = "en") -> None:
        commands_text, room_text = packaged_texts(language)
        commands = [read_phrasings(part) for part in batches(commands_text)]
        rooms = [read_room_talk(part) for part in batches(room_text)]
        if len(commands) != len(rooms):
            raise ValueError(f"{len(commands)} batches of phrasings but {len(rooms)} of room talk")
        embedder = WordLlamaEmbedder()
        self._batch_of: dict[str, int] = {}
        self._stages: list[Understanding] = []
        for batch, (own, room) in enumerate(zip(commands, rooms)):
            left_out = {phrasing.text for phrasing in own} | set(room)
            for text in left_out:
                self._batch_of.setdefault(text, batch)
            said = SaidExamples(
                tuple(p for other in commands for p in other if p.text not in left_out),
                tuple(t for other in rooms for t in other if t not in left_out),
            )
            index = build_index(grammar, coach_lines, embedder, said)
            self._stages.append(Understanding(grammar, index, topics=topics, coach_lines=coach_lines))

    def understand(self, heard: str, context: Context, sound: float = 1.0) -> Understood:
        return self._stages[self._batch_of[heard]].understand(heard, context, sound)
