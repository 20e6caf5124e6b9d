"""Phrasings people said, kept as data beside the grammar: more examples to compare what is heard with.

``grammars/<lang>_phrasings.tsv``: commands said in words the grammar lacks,
one a line (what the coach was waiting for, the words, the intent), written
by the developers and by helpers who read nothing of the project.
``grammars/<lang>_room_talk.txt``: talk in the room that is no command, one a
line. In both, a line starting with "#" is a note: where a batch came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..grammar import packaged_file
from ..intents import Context, Intent

_NOTE = "#"
_SUFFIXES = ("_phrasings.tsv", "_room_talk.txt")


@dataclass(frozen=True)
class Phrasing:
    """A command as someone said it, in the context they said it in."""

    context: Context
    text: str
    intent: Intent


@dataclass(frozen=True)
class SaidExamples:
    """The phrasings that are commands, and the room talk that is not."""

    commands: tuple[Phrasing, ...]
    room_talk: tuple[str, ...]


class PhrasingsError(ValueError):
    """A phrasings file cannot be read; the message is one sentence."""


def _lines(text: str) -> list[tuple[int, str]]:
    return [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith(_NOTE)]


def read_phrasings(text: str, source: str = "phrasings") -> tuple[Phrasing, ...]:
    """The commands of a phrasings file's text: tab-separated context, words, intent."""
    out = []
    for number, line in _lines(text):
        try:
            context, words, intent = line.split("\t")
            out.append(Phrasing(Context(context), words, Intent(intent)))
        except ValueError:
            raise PhrasingsError(
                f"{source} line {number} is not 'context<TAB>words<TAB>intent' with a known context and intent: {line!r}"
            ) from None
    return tuple(out)


def read_room_talk(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for _, line in _lines(text))


def packaged_texts(language: str = "en") -> tuple[str, str]:
    """The text of the phrasings file and of the room talk file that come with the app."""
    try:
        return tuple(packaged_file(f"{language}{suffix}").read_text(encoding="utf-8") for suffix in _SUFFIXES)
    except (OSError, UnicodeDecodeError) as error:
        raise PhrasingsError(f"the said phrasings cannot be read ({error})") from error


def packaged_examples(language: str = "en") -> SaidExamples:
    """The phrasings and room talk that come with the app."""
    commands, room = packaged_texts(language)
    return SaidExamples(read_phrasings(commands, f"grammars/{language}{_SUFFIXES[0]}"), read_room_talk(room))
