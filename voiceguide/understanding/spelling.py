"""Words spelt as they were said, spelt as the grammar spells them: "goin" is "going", "sooo" is "so".

Typed lines and some transcripts write speech as it sounds: a dropped g
("am i doin this right"), a word drawn out ("noooo", "pleeease"), a word of
a dialect ("can we go back tae the one before", "weh yuh seh"). A dialect's
word is read as the grammar file's ``spellings`` say; another word as the
first of its readings the grammar knows (a doubled letter before a single
one: "pleeease" is "please", "stooop" "stop"). Any word the grammar knows
is left as it is ("begin", "mmm").

A stammer is read as the words meant: a start of a word said before the word
("s s skip", "wh what", "st st stop it") is left out, and so is a run of two
or three words said twice over ("can you can you", "do you do you"), and a
word said twice ("the the next one"), unless the grammar says it twice itself
("no no", "stop stop stop").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..grammar import Grammar

_DRAWN_OUT = re.compile(r"([a-z])\1{2,}")  # a letter said three times or more: "sooo"


class Spelling:
    """Reads words as the grammar spells them."""

    def __init__(
        self, known: Iterable[str], spellings: Mapping[str, str] | None = None, said_twice: Iterable[str] = ()
    ) -> None:
        self._known = frozenset(known)
        self._spellings = {word: standard for word, standard in (spellings or {}).items() if word not in self._known}
        self._said_twice = frozenset(said_twice)

    @classmethod
    def of(cls, grammar: Grammar) -> Spelling:
        """The words of the grammar's sentences, key phrases, safety words and the words around key phrases."""
        key_phrases = [phrase for _, phrase in grammar.key_phrase_samples]
        phrases = [*key_phrases, *(word for words in grammar.safety_words.values() for word in words)]
        phrases += [word for words in grammar.key_phrase_words.values() for word in words]
        sentences = [sentence.split() for sentence in [*grammar.sentences, *key_phrases]]
        said_twice = {word for words in sentences for word, after in zip(words, words[1:]) if word == after}
        return cls(grammar.words | {word for phrase in phrases for word in phrase.split()}, grammar.spellings, said_twice)

    def standard(self, text: str) -> str:
        """``text`` (normalized) with each word the grammar does not know read as one it knows, if one fits,
        and without what a stammer repeats."""
        words = [self._word(word) for word in text.split()]
        return " ".join(_once(self._whole(words), self._said_twice))

    def _whole(self, words: list[str]) -> list[str]:
        """``words`` without the starts of words said before them: a start is a letter ("o o okay") or
        no word the grammar knows ("ne ne next"), so "no not yet" and "on one leg" stay as they are."""
        return [
            word for word, after in zip(words, [*words[1:], ""])
            if not after.startswith(word) or (word in self._known and len(word) > 1) or word in ("a", "i")
        ]

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


def _once(words: list[str], said_twice: frozenset[str]) -> list[str]:
    """``words`` with a run of two or three words said twice in a row said once, and a word said twice
    unless the grammar says it twice itself ("no no", "stop stop stop")."""
    out: list[str] = []
    for word in words:
        if out and out[-1] == word and word not in said_twice:
            continue
        out.append(word)
        for size in (2, 3):
            if len(out) >= 2 * size and out[-size:] == out[-2 * size : -size]:
                del out[-size:]
                break
    return out
