"""The understanding stage: what the user meant, from the words heard and what the coach is waiting for.

One rule, in this order, for a typed line or a recognizer's free transcript:

1. a sentence of the grammar, word for word, is its intent (heard soundly enough);
2. a pain or symptom word anywhere is a safety event ("my ankle went numb");
3. otherwise the transcript is compared with every example (the grammar's
   sentences, and what is not a command: the coach's own lines, room talk).
   The nearest intent is taken when it is possible in the context, near
   enough for its kind (a move needs most, a safety phrase least; an intent
   the coach is asking for needs less), and nearer than anything that is
   not a command.

Every decision, taken or not, keeps the words heard and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..grammar import Grammar, normalize
from ..intents import SAFETY_INTENTS, Context, Intent
from .context import EXPECTED, IMPOSSIBLE, MOVES
from .examples import ExampleIndex


@dataclass(frozen=True)
class Understood:
    """What the stage made of some words: an intent, or None with the reason."""

    intent: str | None
    confidence: float
    heard: str
    why: str


@dataclass(frozen=True)
class Rule:
    """The cosine a transcript needs to its nearest example, by kind of intent (docs/understanding.md)."""

    safety: float = 0.72  # stop, pain, symptoms: a false one costs a question, a missed one is paused for anyway
    command: float = 0.78
    move: float = 0.84  # next, previous, skip, start: never from room talk
    expected_bonus: float = 0.08  # less for what the coach is asking for
    sound: float = 0.35  # the free transcript's mean token probability a word-for-word sentence needs

    def needed(self, intent: Intent, context: Context) -> float:
        base = self.safety if intent.value in SAFETY_INTENTS else self.move if intent in MOVES else self.command
        return base - (self.expected_bonus if intent in EXPECTED[context] else 0.0)


class Understanding:
    """Words heard (typed or transcribed) + the coach's context → an intent, or a reason for none."""

    def __init__(self, grammar: Grammar, index: ExampleIndex | None = None, rule: Rule | None = None) -> None:
        self.grammar = grammar
        self.index = index  # None: the grammar alone (no embedding model)
        self.rule = rule or Rule()

    def understand(self, heard: str, context: Context, sound: float = 1.0) -> Understood:
        text = normalize(heard)
        if not text:
            return Understood(None, 0.0, text, "nothing heard")
        parsed = self.grammar.parse(text)
        if parsed is not None:
            if sound < self.rule.sound:
                return Understood(None, sound, text, f"a {parsed.intent} sentence, but heard unsurely ({sound:.2f})")
            return Understood(parsed.intent, 1.0, text, "a sentence of the grammar")
        found = self.grammar.safety_word(text)
        if found is not None:
            return Understood(found[0], 1.0, text, f"the safety word {found[1]!r}")
        index = self.index  # set by the loader's thread once the examples are embedded
        if index is None:
            return Understood(None, 0.0, text, "not a sentence of the grammar")
        return self._by_meaning(index, text, context)

    def _by_meaning(self, index: ExampleIndex, text: str, context: Context) -> Understood:
        nearest = index.nearest(text)
        possible = [(i, c, e) for i, c, e in nearest.ranked() if i not in IMPOSSIBLE[context]]
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
        return Understood(intent.value, cosine, text, f"{like}, while {context.value}")
