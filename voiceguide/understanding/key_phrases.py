"""Key phrases: an intent's words, with only filler around them.

People wrap a command in words that carry nothing: "could you maybe go over
that again for me" is "go over that again" (a repeat), "I think I've had
enough for today" is "had enough" (quit). Words heard are split into key
phrases (``key_phrases`` in the grammar file) and filler
(``key_phrase_words``); when every word is one or the other, the key phrases
found are the candidates. One word that is neither ("next week is busy",
"don't stop the car") and nothing is found: this is what keeps room talk
that shares a command's words from being a command.

Contractions are spelt out on both sides first ("what's" is "what is",
"don't" is "do not"), so the data writes each phrase once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace

from ..grammar import normalize
from ..intents import Intent

_WHOLE_WORDS = {
    "let's": "let us", "cannot": "can not", "won't": "will not", "can't": "can not", "shan't": "shall not",
    "gimme": "give me", "lemme": "let me", "gonna": "going to", "wanna": "want to", "gotta": "got to",
    "kinda": "kind of", "sorta": "sort of", "dunno": "do not know",
    # typed, or heard, without the apostrophe
    "lets": "let us", "im": "i am", "ive": "i have", "dont": "do not", "cant": "can not", "wont": "will not",
    "didnt": "did not", "doesnt": "does not", "isnt": "is not", "thats": "that is", "whats": "what is",
    "youre": "you are",
}
_ENDINGS = (("n't", " not"), ("'m", " am"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"), ("'d", " would"), ("'s", " is"))


def spelt_out(text: str, dropped: frozenset[str] = frozenset()) -> list[str]:
    """``text`` normalized, contractions spelt out, ``dropped`` words left out: "let's not" → ["let", "us", "not"]."""
    words: list[str] = []
    for word in normalize(text).split():
        whole = _WHOLE_WORDS.get(word)
        if whole is None:
            whole = next((word[: -len(end)] + full for end, full in _ENDINGS if word.endswith(end) and len(word) > len(end)), word)
        words.extend(part for part in whole.split() if part not in dropped)
    return words


Split = tuple[tuple[str, ...], ...]  # key phrases, as words, in order
# A sentence that ends in one of these after a subject is finished ("from where we were"), not half of one.
_SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she"})
_FINISHED_AFTER_A_SUBJECT = frozenset({"is", "was", "were", "am", "are"})
# A question asked with one of these may end in "be": "how should my feet be".
_QUESTION_WORDS = frozenset({"how", "where", "what", "which", "when", "who"})
# A question begins with one of these: "is it okay to..." asks, it does not acknowledge.
_ASKING = _QUESTION_WORDS | {"is", "are", "am", "can", "could", "should", "do", "does", "did", "would", "will", "may", "shall"}
# The intents whose key phrases may stand in an acknowledgement: "yeah", "fine", "cool".
_ACKNOWLEDGING = frozenset({Intent.YES, Intent.OKAY})
# Words that only lead into what follows: "so the next" is half a sentence, "give me the next" is not.
_LEAD_INS = frozenset({"so", "and", "then", "right", "well", "but"})
# An exercise named after one of these is "this" to key phrases ("what does the bridge do"), with its noun.
_POINTING = frozenset({"the", "this", "that"})
_EXERCISE_NOUNS = frozenset({"exercise", "stretch", "one"})
# A request after one of these is quoted, not made ("when you're ready, say let's begin").
_REPORTING = frozenset({"say", "says", "said", "saying", "tell", "told", "ask", "asked", "asks"})
# Words beyond which nothing is read as a command: the longest development phrasing has 21; reading a
# monologue costs time in quadratic measure (a reading per cut before a clause) for nothing.
_LONGEST_COMMAND = 40
_MOST_SPLITS = 64  # readings kept per position: enough for any spoken command, bounded for a long monologue


@dataclass(frozen=True)
class _Markers:
    """Intents whose key phrases are filler where they are not possible: any phrase of ``phrases``, one word of ``words``."""

    phrases: frozenset[Intent]
    words: frozenset[Intent]

    def filler(self, phrase: tuple[str, ...], meanings: frozenset[Intent]) -> bool:
        return meanings <= self.phrases or (len(phrase) == 1 and meanings <= self.words)


@dataclass(frozen=True)
class Found:
    """The key phrases in some words, in order, each with the intents it may mean."""

    phrases: tuple[tuple[str, frozenset[Intent]], ...]
    aside: str = ""  # a clause of its own before or after the command ("hang on | my phone's ringing")
    asked_after: bool = False  # the aside came first, and the command is a request ("this is boring | can we skip it")
    quoted: bool = False  # the aside came first, and the request is said by someone ("and she said | can we go back")

    @property
    def intents(self) -> frozenset[Intent]:
        return frozenset(intent for _, intents in self.phrases for intent in intents)

    @property
    def covered(self) -> int:
        """How many words are in key phrases."""
        return sum(len(phrase.split()) for phrase, _ in self.phrases)


@dataclass(frozen=True)
class Vocabulary:
    """The words around key phrases, as the grammar file lists them."""

    filler: Iterable[str] = ()  # carry no command: words, or phrases ("if you don't mind")
    hesitations: Iterable[str] = ()  # left out before matching, so "what does this actually do" is "what does this do"
    clause_starts: Iterable[str] = ()  # begin a clause of their own after a command: "hang on, my phone's ringing"
    command_ends: Iterable[str] = ()  # besides a key phrase, may end a command before such a clause ("... please, i")
    object_starts: Iterable[str] = ()  # clause starts that may begin a verb's object instead ("my")
    request_starts: Iterable[str] = ()  # begin a command after a clause of its own: "that was my mum, let's resume"
    # (words or phrases: "can we", not "can", which goes on a clause's subject: "so the bus can stop")
    unfinished_endings: Iterable[str] = ()  # no sentence ends with them: "is it okay if i", "could you pass me the", "go back to"
    unfinished_questions: Iterable[str] = ()  # a question that stops where its verb would come: "how do i", "why do we"
    corrections: Iterable[str] = ()  # what follows them replaces what came before: "go back, no sorry, next"
    about_someone: Iterable[str] = ()  # a question about someone else begins so: "are you ready to go out at six"
    qualifiers: Iterable[str] = ()  # a key phrase after one names a time, not a request: "slower on the next one"
    acknowledgements: Iterable[str] = ()  # words that, among filler only, acknowledge: "okay, i'm doing it"
    topics: Iterable[str] = ()  # the routine's exercise names: "the bridge" is "this" ("what does the bridge do")

    @classmethod
    def from_data(cls, data: dict[str, list[str]], source: str, topics: Iterable[str] = ()) -> Vocabulary:
        """The grammar file's ``key_phrase_words``, with the routine's exercise names as topics, their words as filler."""
        known = {field.name for field in fields(cls)} - {"topics"}
        if unknown := sorted(set(data) - known):
            raise ValueError(f"{source}: key_phrase_words has no {', '.join(unknown)}; it has {', '.join(sorted(known))}.")
        topics = list(topics)
        topic_words = [word for name in topics for word in name.split()]
        return cls(**{**data, "filler": [*data.get("filler", []), *topic_words], "topics": topics})


class KeyPhrases:
    """Finds the key phrases in words made only of key phrases and filler, maybe beside a clause of their own."""

    def __init__(self, phrases: Iterable[tuple[str, str]], vocabulary: Vocabulary) -> None:
        self._dropped = frozenset(word for text in vocabulary.hesitations for word in spelt_out(text))
        known = {intent.value: intent for intent in Intent}
        by_words: dict[tuple[str, ...], set[Intent]] = {}
        for intent, phrase in phrases:
            if intent in known and (words := tuple(self._words(phrase))):
                by_words.setdefault(words, set()).add(known[intent])
        self._phrases = {words: frozenset(intents) for words, intents in by_words.items()}
        filler = [tuple(self._words(text)) for text in vocabulary.filler]
        self._filler = frozenset(words[0] for words in filler if len(words) == 1)
        self._filler_phrases = frozenset(words for words in filler if len(words) > 1)
        self._acknowledgements = frozenset(tuple(self._words(text)) for text in vocabulary.acknowledgements)
        self._longest = max(map(len, [*self._phrases, *self._filler_phrases, *self._acknowledgements]), default=0)
        self._clause_starts = frozenset(word for text in vocabulary.clause_starts for word in self._words(text))
        self._command_ends = frozenset(word for text in vocabulary.command_ends for word in self._words(text))
        self._object_starts = frozenset(word for text in vocabulary.object_starts for word in self._words(text))
        self._request_starts = frozenset(tuple(self._words(text)) for text in vocabulary.request_starts)
        unfinished = [*vocabulary.unfinished_endings, *vocabulary.unfinished_questions]
        self._unfinished = frozenset(words for text in unfinished if (words := tuple(self._words(text))))
        self._corrections = frozenset(tuple(self._words(text)) for text in vocabulary.corrections)
        self._about_someone = frozenset(tuple(self._words(text)) for text in vocabulary.about_someone)
        self._qualifiers = frozenset(tuple(self._words(text)) for text in vocabulary.qualifiers)
        self._topics = sorted({tuple(self._words(name)) for name in vocabulary.topics}, key=len, reverse=True)

    @classmethod
    def none(cls) -> KeyPhrases:
        """No key phrases: nothing is read this way (the grammar alone, or until they are built)."""
        return cls([], Vocabulary())

    def _words(self, text: str) -> list[str]:
        return spelt_out(text, self._dropped)

    def unfinished(self, text: str) -> bool:
        """Whether ``text`` stops where no sentence ends: half a sentence, cut off by the end of the utterance."""
        words = self._words(text)
        if len(words) >= 2 and words[-1] in _FINISHED_AFTER_A_SUBJECT and words[-2] in _SUBJECTS:
            return False  # "from where we were", "as i was": a clause of its own ends there
        if words[-1:] == ["be"] and _QUESTION_WORDS.intersection(words[:-2]):
            return False  # "where should my knees be"
        if words[-3:] == ["used", "to", "be"]:
            return False  # "i'm not as quick as i used to be"
        if words[-1:] and words[-1] in _FINISHED_AFTER_A_SUBJECT and _QUESTION_WORDS.intersection(words[:-3]):
            return False  # a question said within a sentence: "may i ask what the purpose of this one is"
        if len(words) > 2 and words[-2:] == ["the", "next"] and _LEAD_INS.issuperset(words[:-2]):
            return True  # "right so the next", trailing off before its noun
        return bool(words) and any(tuple(words[-len(ending) :]) == ending for ending in self._unfinished)

    def acknowledgement(self, text: str, possible: frozenset[Intent] = frozenset(Intent)) -> bool:
        """Whether ``text`` is an acknowledgement among filler only: "okay i'm doing it", "alright then", "sure thing";
        not a question ("is it okay if"), nor beside a key phrase of an intent in ``possible``."""
        words = self._words(text)
        if words[:1] and words[0] in _ASKING:
            return False
        acknowledged: set[int] = set()
        for at in range(len(words)):
            for end in range(at + 1, min(len(words), at + self._longest) + 1):
                span = tuple(words[at:end])
                if self._phrases.get(span, frozenset()) & possible - _ACKNOWLEDGING:
                    return False  # "just get on with it, yeah" asks for something possible, if not clearly for one thing
                if span in self._acknowledgements:
                    acknowledged.update(range(at, end))
        return bool(acknowledged) and all(at in acknowledged or word in self._filler for at, word in enumerate(words))

    def about_someone(self, text: str) -> bool:
        """Whether ``text`` asks about someone else's state ("are you done with the laptop"), as no command does."""
        words = self._words(text)
        return any(tuple(words[: len(start)]) == start for start in self._about_someone)

    def corrected(self, text: str) -> tuple[str, str] | None:
        """(what came before the first correction, what was said after the last) about corrections: ("go back",
        "next") in "go back, no sorry, next". None without one, or with nothing before it unless it says no itself
        ("no wait, yes"), or nothing after it."""
        words = self._words(text)
        sizes = sorted({len(marker) for marker in self._corrections})  # at one place, the longest last
        found = [
            (at, size) for at in range(len(words)) for size in sizes
            if (at > 0 or size > 1) and tuple(words[at : at + size]) in self._corrections
        ]
        if not found or found[-1][0] + found[-1][1] >= len(words):
            return None
        return " ".join(words[: found[0][0]]), " ".join(words[sum(found[-1]) :])

    def splits(
        self, text: str, possible: frozenset[Intent] = frozenset(Intent), markers: frozenset[Intent] = frozenset(),
        word_markers: frozenset[Intent] = frozenset(),
    ) -> list[Found]:
        """Every way to read ``text`` as key phrases with filler between them (none when a word is neither).

        Only the meanings in ``possible`` count: a phrase that can mean nothing
        possible is no key phrase ("get going" after a pause is no start).
        A phrase that can only mean ``markers``, none of them possible, is
        filler ("yeah let's move on" when no question is open), and so is a
        word that can only mean ``word_markers`` ("nah, skip this one", where
        "i do not" still means what it says). A word may be
        filler in one reading and part of a phrase in another ("let's go back":
        "let us go" and "back", or "go back").
        """
        words = self._named_as_this(self._words(text))
        if len(words) > _LONGEST_COMMAND:
            return []
        markers = _Markers(markers, word_markers)
        tails = self._tails(words, possible, markers)
        found = [self._found(split, possible) for split in tails[0] if split]
        for cut in range(1, len(words) - 1):  # a command, then a clause: "one more time please, i wasn't listening"
            if words[cut] in self._clause_starts and not self._all_filler(words[cut:]):
                found += [self._found(split, possible, words[cut:]) for split in self._ended(words, cut, possible, markers)]
        for cut in range(2, len(words)):  # a clause, then a command: "that was my mum on the phone, let's resume"
            if any(tuple(words[cut : cut + len(start)]) == start for start in self._request_starts) and not self._all_filler(words[:cut]):
                asked = words[cut - 1] not in _REPORTING
                found += [
                    replace(self._found(split, possible, words[:cut]), asked_after=asked, quoted=not asked) for split in tails[cut] if split
                ]
        return found

    def _named_as_this(self, words: list[str]) -> list[str]:
        """``words`` with an exercise named after "the", "this" or "that" said as "this": key phrases say "what
        does this do", people "what does the bridge do". An "exercise", "stretch" or "one" after the name goes too."""
        out: list[str] = []
        at = 0
        while at < len(words):
            name = self._name_after(words, at)
            if not name:
                out.append(words[at])
                at += 1
                continue
            out.append("this")
            at += 1 + len(name)
            if at < len(words) and words[at] in _EXERCISE_NOUNS:
                at += 1
        return out

    def _name_after(self, words: list[str], at: int) -> tuple[str, ...]:
        """The exercise named right after a pointing word at ``at`` ("the bridge"), or ()."""
        if words[at] not in _POINTING:
            return ()
        return next((name for name in self._topics if tuple(words[at + 1 : at + 1 + len(name)]) == name), ())

    def _ended(self, words: list[str], cut: int, possible: frozenset[Intent], markers: _Markers) -> list[Split]:
        """The readings of ``words[:cut]`` as a whole command that ends there.

        Not a question going on ("why did | you leave the gate open"), nor a
        one-word verb whose object follows ("pause | my subscription").
        """
        shortest = 2 if words[cut] in self._object_starts else 1
        before = words[:cut]
        return [
            split for split in self._tails(before, possible, markers)[0]
            if split and (before[-1] in self._command_ends or (len(split[-1]) >= shortest and tuple(before[-len(split[-1]) :]) == split[-1]))
        ]

    def _tails(self, words: list[str], possible: frozenset[Intent], markers: _Markers) -> dict[int, list[Split]]:
        """For each position, the ways to read the words from there to the end as key phrases and filler."""
        tails: dict[int, list[Split]] = {len(words): [()]}
        for start in range(len(words) - 1, -1, -1):
            ways = list(tails[start + 1]) if words[start] in self._filler else []
            qualified = any(tuple(words[max(0, start - len(q)) : start]) == q for q in self._qualifiers)
            for end in range(start + 1, min(len(words), start + self._longest) + 1):
                phrase = tuple(words[start:end])
                meanings = self._phrases.get(phrase, frozenset())
                if meanings & possible and not qualified:
                    ways.extend((phrase, *rest) for rest in tails[end])
                elif phrase in self._filler_phrases or (meanings and (markers.filler(phrase, meanings) or qualified)):
                    ways.extend(tails[end])
            tails[start] = ways[:_MOST_SPLITS]
        return tails

    def _all_filler(self, words: list[str]) -> bool:
        return all(word in self._filler for word in words)

    def _found(self, split: Split, possible: frozenset[Intent], aside: Sequence[str] = ()) -> Found:
        return Found(tuple((" ".join(p), self._phrases[p] & possible) for p in split), " ".join(aside))

