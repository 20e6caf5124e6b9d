"""Words spelt as they were said, spelt as the grammar spells them: "goin" is "going", "sooo" is "so".

Typed lines and some transcripts write speech as it sounds: a dropped g
("am i doin this right"), a word drawn out ("noooo", "pleeease"), a word of
a dialect ("can we go back tae the one before", "weh yuh seh"). A dialect's
word is read as the grammar file's ``spellings`` say; another word as the
first of its readings the grammar knows (a doubled letter before a single
one: "pleeease" is "please", "stooop" "stop"). Any word the grammar knows
is left as it is ("begin", "mmm").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..grammar import Grammar

_DRAWN_OUT = re.compile(r"([a-z])\1{2,}")  # a letter said three times or more: "sooo"


class Spelling:
    """Reads words as the grammar spells them."""

    def __init__(self, known: Iterable[str], spellings: Mapping[str, str] | None = None) -> None:
        self._known = frozenset(known)
        self._spellings = {word: standard for word, standard in (spellings or {}).items() if word not in self._known}

    @classmethod
    def of(cls, grammar: Grammar) -> Spelling:
        """The words of the grammar's sentences, key phrases, safety words and the words around key phrases."""
        phrases = [phrase for _, phrase in grammar.key_phrase_samples]
        phrases += [word for words in grammar.safety_words.values() for word in words]
        phrases += [word for words in grammar.key_phrase_words.values() for word in words]
        return cls(grammar.words | {word for phrase in phrases for word in phrase.split()}, grammar.spellings)

    def standard(self, text: str) -> str:
        """``text`` (normalized) with each word the grammar does not know read as one it knows, if one fits."""
        return " ".join(self._word(word) for word in text.split())

    def _word(self, word: str) -> str:
        if word in self._known:
            return word
        stem, apostrophe, ending = word.partition("'")
        if stem in self._spellings:  # "whit's" is "what's"
            return self._spellings[stem] + apostrophe + ending
        bare = word.rstrip("'")  # "goin'"
        candidates = [bare]
        if _DRAWN_OUT.search(bare):
            candidates = [_DRAWN_OUT.sub(r"\1\1", bare), _DRAWN_OUT.sub(r"\1", bare)]  # "pleeease", then "goooo"
        candidates += [candidate + "g" for candidate in candidates if candidate.endswith("in")]  # "doin"
        return next((candidate for candidate in candidates if candidate in self._known), word)
