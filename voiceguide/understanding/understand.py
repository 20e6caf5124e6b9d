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
from ..intents import Context
from .context import IMPOSSIBLE
from .examples import ExampleIndex, Nearest
from .rule import Rule


@dataclass(frozen=True)
class Understood:
    """What the stage made of some words: an intent, or None with the reason."""

    intent: str | None
    confidence: float
    heard: str
    why: str


class Understanding:
    """Words heard (typed or transcribed) + the coach's context → an intent, or a reason for none."""

    def __init__(self, grammar: Grammar, index: ExampleIndex | None = None, rule: Rule | None = None) -> None:
        self.grammar = grammar
        self.index = index  # None: the grammar alone (no embedding model)
        self._rule = rule  # None: the rule of the index's encoder

    @property
    def rule(self) -> Rule:
        """The thresholds in force: the one given, else those of the encoder that embedded the examples."""
        if self._rule is not None:
            return self._rule
        index = self.index
        return index.rule if index is not None else Rule()

    def understand(self, heard: str, context: Context, sound: float = 1.0) -> Understood:
        text = normalize(heard)
        if not text:
            return Understood(None, 0.0, text, "nothing heard")
        index = self.index  # set by the loader's thread once the examples are embedded
        rule = self._rule or (index.rule if index is not None else Rule())
        parsed = self.grammar.parse(text)
        if parsed is not None:
            if sound < rule.sound:
                return Understood(None, sound, text, f"a {parsed.intent} sentence, but heard unsurely ({sound:.2f})")
            return Understood(parsed.intent, 1.0, text, "a sentence of the grammar")
        found = self.grammar.safety_word(text)
        if found is not None:
            return Understood(found[0], 1.0, text, f"the safety word {found[1]!r}")
        if index is None:
            return Understood(None, 0.0, text, "not a sentence of the grammar")
        return judge(index.nearest(text), text, context, rule)


def judge(nearest: Nearest, text: str, context: Context, rule: Rule) -> Understood:
    """Rule 3, on the examples nearest to ``text``: the nearest possible intent if near enough and nearer than any non-command."""
    possible = [(i, c, e) for i, c, e in nearest.ranked() if i not in IMPOSSIBLE[context]]
    if not possible:
        return Understood(None, 0.0, text, f"nothing fits while {context.value}")
    intent, cosine, example = possible[0]
    other, other_example = nearest.other
    needed = rule.needed(intent, context)
    like = f"like {example!r} ({intent.value}, {cosine:.2f})"
    if cosine < needed:
        return Understood(None, cosine, text, f"{like}: not near enough (needs {needed:.2f} while {context.value})")
    if cosine < other:
        return Understood(None, cosine, text, f"{like}: nearer to {other_example!r}, no command ({other:.2f})")
    return Understood(intent.value, cosine, text, f"{like}, while {context.value}")
