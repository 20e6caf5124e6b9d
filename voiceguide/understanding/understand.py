"""The understanding stage: what the user meant, from the words heard and what the coach is waiting for.

One rule, in this order, for a typed line or a recognizer's free transcript:

1. a sentence of the grammar, word for word, is its intent (heard soundly enough);
   one of the coach's own lines said again is nothing (:mod:`.coach_lines`);
2. a pain or symptom word anywhere is a safety event ("my ankle went numb");
   otherwise, half a sentence ("is it okay if i") means nothing;
3. an intent's key phrase with only filler around it is that intent ("could
   you go over that again for me"), settled by the context when a phrase
   may mean two (:mod:`.key_phrases`); else what follows a correction
   ("go back, no sorry, next") is understood in place of the whole;
4. otherwise the transcript is compared with every example (the grammar's
   sentences, and what is not a command: the coach's own lines, room talk).
   The nearest intent is taken when it is possible in the context (and
   not the end of the session, which a resemblance never ends), near
   enough for its kind (a move needs most, a safety phrase least; an intent
   the coach is asking for needs less), and nearer than anything that is
   not a command.

Every decision, taken or not, keeps the words heard and why. What the coach
does alike in a context is named as it is there: "keep going" between
exercises is next, after a pause resume.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..grammar import Grammar, normalize
from ..intents import SAFETY_INTENTS, Context, Intent
from .coach_lines import CoachLines
from .context import EXPECTED, IMPOSSIBLE, MOVES, ONLY_ALONE, named_in
from .examples import ExampleIndex
from .key_phrases import Found, KeyPhrases, Vocabulary
from .spelling import Spelling

# Which safety intent words with several key phrases mean: pain is asked about first.
_SAFETY_FIRST = (Intent.PAIN, Intent.SYMPTOM, Intent.STOP)
# Which answer "nope i'm alright" or "yeah i'm fine" is: a no, then all right, then a yes.
_ANSWER_FIRST = (Intent.NO, Intent.OKAY, Intent.YES)
# With no question open, a yes or an all right is filler ("yeah let's move on"), and so is a bare no
# ("nah, go back to the last one"); a no of more words never is ("i don't think i did it properly").
_MARKERS = frozenset({Intent.YES, Intent.OKAY})
_WORD_MARKERS = frozenset({Intent.NO})
# A command beside a clause of its own may be a stop, a pause, a question...; never an answer ("yes, i can
# hear you now" on the phone). A move only in more than one word of command, neither quoted nor in a question
# about someone else: "go back a step, i wasn't ready", never "next, i'm going to the shop". The end is asked
# about first ("i'm done for today, i've got to go").
_NEVER_BESIDE_A_CLAUSE = _MARKERS | _WORD_MARKERS
_ASKED_ABOUT_BESIDE_A_CLAUSE = frozenset({Intent.QUIT})


@dataclass(frozen=True)
class Understood:
    """What the stage made of some words: an intent, or None with the reason."""

    intent: str | None
    confidence: float
    heard: str
    why: str
    confirm: bool = False  # to be asked about before it is acted on


@dataclass(frozen=True)
class Rule:
    """The cosine a transcript needs to its nearest example, by kind of intent (docs/understanding.md)."""

    safety: float = 0.72  # stop, pain, symptoms: a false one costs a question, a missed one is paused for anyway
    command: float = 0.86  # key phrases come first now: by meaning is for what they miss, so it needs more
    move: float = 0.89  # next, previous, skip, start: never from room talk (people's phrasings are examples too)
    expected_bonus: float = 0.08  # less for what the coach is asking for
    sound: float = 0.35  # the free transcript's mean token probability a word-for-word sentence needs
    key_phrase: float = 0.9  # the confidence of a key phrase among filler: acts over the coach's voice too

    def needed(self, intent: Intent, context: Context) -> float:
        base = self.safety if intent.value in SAFETY_INTENTS else self.move if intent in MOVES else self.command
        return base - (self.expected_bonus if intent in EXPECTED[context] else 0.0)


class Understanding:
    """Words heard (typed or transcribed) + the coach's context → an intent, or a reason for none."""

    def __init__(
        self,
        grammar: Grammar,
        index: ExampleIndex | None = None,
        rule: Rule | None = None,
        topics: Iterable[str] = (),
        key_phrases: KeyPhrases | None = None,
        coach_lines: Iterable[str] = (),
    ) -> None:
        """``topics``: the routine's exercise names ("the bridge"): their words are filler around a key phrase, and a name is "this".

        ``coach_lines``: what the coach says; heard again, from someone else or late, it is no command.

        ``key_phrases``: read from the grammar when not given; ``KeyPhrases.none()`` for the grammar alone.
        """
        self.grammar = grammar
        self.key_phrases = key_phrases or key_phrases_of(grammar, topics)
        self.index = index  # None: the grammar alone (no embedding model)
        self.rule = rule or Rule()
        self.coach_lines = CoachLines.of(coach_lines)
        self.spelling = Spelling.of(grammar)

    def understand(self, heard: str, context: Context, sound: float = 1.0) -> Understood:
        understood = self._understand(heard, context, sound)
        if understood.intent is None:
            return understood
        return replace(understood, intent=named_in(understood.intent, context, understood.heard))

    def coach_line(self, heard: str) -> str | None:
        """The coach's own line that ``heard`` says again, or None; a grammar sentence word for word is never one."""
        text = normalize(heard)
        line = self.coach_lines.read_out(text, self._is_command)  # cheap first: most words heard are no line
        if line is None or self.grammar.parse(text) is not None:
            return None
        return line

    def _is_command(self, words: str) -> bool:
        return self.grammar.parse(words) is not None or self.grammar.safety_word(words) is not None

    def safety_in_part(self, heard: str, context: Context) -> Understood | None:
        """A stop, pain or symptom key phrase among filler in words heard so far (a partial), or None.

        Cheap (no embedding), so a partial "no no stop" or "i felt something" acts as a grammar sentence would.
        """
        text = self.spelling.standard(normalize(heard))
        found = self._by_key_phrase(text, context, 1.0) if text else None
        return found if found is not None and found.intent in SAFETY_INTENTS else None

    def _understand(self, heard: str, context: Context, sound: float) -> Understood:
        text = self.spelling.standard(normalize(heard))
        if not text:
            return Understood(None, 0.0, text, "nothing heard")
        parsed = self.grammar.parse(text)
        if parsed is not None:
            if sound < self.rule.sound:
                return Understood(None, sound, text, f"a {parsed.intent} sentence, but heard unsurely ({sound:.2f})")
            return Understood(parsed.intent, 1.0, text, "a sentence of the grammar")
        line = self.coach_lines.read_out(text, self._is_command)
        if line is not None:
            return Understood(None, 0.0, text, f"the coach's own line {line!r}")
        found = self.grammar.safety_word(text)
        if found is not None:
            return Understood(found[0], 1.0, text, f"the safety word {found[1]!r}")
        if self.key_phrases.unfinished(text):
            return Understood(None, 0.0, text, "half a sentence")
        by_key_phrase = self._by_key_phrase(text, context, sound)
        if by_key_phrase is not None:
            return by_key_phrase
        if context is Context.QUESTION and self.grammar.denies_safety(text):  # "nothing hurts", "i'm not in pain"
            return Understood(Intent.OKAY.value, self.rule.key_phrase, text, "its safety words denied, while question")
        corrected = self.key_phrases.corrected(text)
        if corrected is not None:  # "go back, no sorry, next": what they said instead is what they mean
            head, tail = corrected
            before = self._understand(head, context, sound) if head else None
            if before is not None and before.intent in SAFETY_INTENTS:  # a stop or pain is never taken back
                return replace(before, heard=text, why=f"{before.why}, before a correction")
            instead = self._understand(tail, context, sound)
            if instead.intent is not None:
                return replace(instead, heard=text, why=f"{instead.why}, said instead of what came before")
        index = self.index  # set by the loader's thread once the examples are embedded
        if index is None:
            return Understood(None, 0.0, text, "not a sentence of the grammar")
        return self._by_meaning(index, text, context)

    def _by_key_phrase(self, text: str, context: Context, sound: float) -> Understood | None:
        """The intent of the best reading of ``text`` as key phrases and filler, if one settles.

        The best reading settles on an intent, is the whole of what was said
        rather than a command beside a clause of its own, has the most words
        in key phrases, the fewest meanings, the fewest phrases.
        """
        possible = frozenset(Intent) - IMPOSSIBLE[context]
        about_someone = self.key_phrases.about_someone(text)  # a question to someone else is a clause of its own
        # "next, no no, go back": that no is a correction, not a no of its own
        word_markers = frozenset() if self.key_phrases.corrected(text) is not None else _WORD_MARKERS
        best = self._best_reading(text, context, possible, _MARKERS, word_markers, about_someone)
        if best is None and (alone := ONLY_ALONE.get(context)) and not self.grammar.denies_safety(text):
            # words about pain are never let pass: "it's not painful" mid-hold may be "it's painful" misheard
            best = self._best_reading(text, context, possible | alone, _MARKERS - alone, word_markers, about_someone)
            if best is None and Intent.OKAY in alone and self.key_phrases.acknowledgement(text, possible):
                return self._heard_surely(Intent.OKAY, text, sound, "an acknowledgement among filler", context)
        if best is None:
            return None
        intent, how, found = best
        phrases = " + ".join(repr(phrase) for phrase, _ in found.phrases)
        if found.aside:
            how += f", beside {found.aside!r}"
        if confirm := _beside_a_clause(found, about_someone) and intent in _ASKED_ABOUT_BESIDE_A_CLAUSE:
            how += ", to be asked about"
        return self._heard_surely(intent, text, sound, f"the key phrase {phrases}{how}", context, confirm)

    def _heard_surely(
        self, intent: Intent, text: str, sound: float, what: str, context: Context, confirm: bool = False
    ) -> Understood:
        """``intent``, found as ``what`` says, unless it was heard too unsurely for anything but safety to act on."""
        if intent.value not in SAFETY_INTENTS and sound < self.rule.sound:
            return Understood(None, sound, text, f"{what}, but heard unsurely ({sound:.2f})")
        return Understood(intent.value, self.rule.key_phrase, text, f"{what}, while {context.value}", confirm)

    def _best_reading(
        self,
        text: str,
        context: Context,
        possible: frozenset[Intent],
        markers: frozenset[Intent],
        word_markers: frozenset[Intent],
        about_someone: bool,
    ) -> tuple[Intent, str, Found] | None:
        """The best reading of ``text`` that settles on one intent: (intent, how it settled, the reading), or None."""
        splits = self.key_phrases.splits(text, possible, markers=markers, word_markers=word_markers)
        readings = [(settle(found, context), found) for found in splits]
        settled = [
            (intent, how, found) for (intent, how), found in readings
            if intent is not None
            and (not _beside_a_clause(found, about_someone) or _may_stand_beside_a_clause(intent, found, about_someone))
        ]
        if not settled:
            return None
        return min(settled, key=lambda r: (bool(r[2].aside), -r[2].covered, len(r[2].intents), len(r[2].phrases)))

    def _by_meaning(self, index: ExampleIndex, text: str, context: Context) -> Understood:
        nearest = index.nearest(text)
        possible = [(i, c, e) for i, c, e in nearest.ranked() if i not in IMPOSSIBLE[context] and i is not Intent.QUIT]
        if not possible:
            return Understood(None, 0.0, text, f"nothing fits while {context.value}")
        intent, cosine, example = possible[0]
        other, other_example = nearest.other
        needed = self.rule.needed(intent, context)
        like = f"like {example!r} ({intent.value}, {cosine:.2f})"
        if cosine < needed:
            return Understood(None, cosine, text, f"{like}: not near enough (needs {needed:.2f} while {context.value})")
        if cosine < other:
            return Understood(None, cosine, text, f"{like}: nearer to {other_example!r}, no command ({other:.2f})")
        if intent.value in SAFETY_INTENTS and self.grammar.denies_safety(text):  # the embedding does not see a "not"
            return Understood(None, cosine, text, f"{like}, but its safety words are denied")
        return Understood(intent.value, cosine, text, f"{like}, while {context.value}")


def _beside_a_clause(found: Found, about_someone: bool) -> bool:
    """Whether a command was said beside a clause of its own, or in a question about someone else; not asked after it."""
    return bool(found.aside or about_someone) and not found.asked_after


def _may_stand_beside_a_clause(intent: Intent, found: Found, about_someone: bool) -> bool:
    if intent in _NEVER_BESIDE_A_CLAUSE:
        return False
    return intent not in MOVES or (not about_someone and not found.quoted and found.covered > 1)


def key_phrases_of(grammar: Grammar, topics: Iterable[str] = ()) -> KeyPhrases:
    """The grammar file's key phrases and the words around them, the routine's own words among the filler."""
    return KeyPhrases(grammar.key_phrase_samples, Vocabulary.from_data(grammar.key_phrase_words, grammar.source, topics))


def settle(found: Found, context: Context) -> tuple[Intent | None, str]:
    """The one intent key phrases mean in ``context`` (and how it was chosen), or None when they disagree.

    Safety first; then what every phrase can mean; then, of what the phrases
    mean together, an answer to an open question, the one intent the coach is
    asking for, or the one that does not move through the routine.
    """
    each = [intents for _, intents in found.phrases]
    anything = frozenset().union(*each)
    for intent in _SAFETY_FIRST:
        if intent in anything:
            return intent, ""
    shared = frozenset.intersection(*each)
    named = {intent: Intent(named_in(intent.value, context)) for intent in anything}
    if not shared and Intent.PAUSE in anything and len(anything) > 1:  # "wait, go back": a pause before what is asked
        anything = anything - {Intent.PAUSE}
    if not shared and len(set(named.values()) & MOVES) > 1:  # phrases that disagree on where to go go nowhere
        anything = frozenset(intent for intent in anything if named[intent] not in MOVES)  # ("go on, skip along and play")
    for choices in (shared, anything):
        if len(choices) == 1:
            return next(iter(choices)), ""
        if context is Context.QUESTION and (answers := [i for i in _ANSWER_FIRST if i in choices]):
            return answers[0], " (an answer first)"
        if len(expected := choices & EXPECTED[context]) == 1:
            return next(iter(expected)), " (what the coach asks for)"
        if len(calm := choices - MOVES) == 1:
            return next(iter(calm)), " (not a move)"
    return None, ""
