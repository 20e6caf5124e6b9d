"""The cosines the understanding stage needs, by kind of intent: each sentence encoder has its own.

Cosine scales differ between encoders (a static embedding's paraphrases sit
near 0.8, a sentence encoder's near 0.6), so each encoder carries the rule
chosen for it on the development data only (docs/understanding.md, and
``python -m bench.tune_understanding`` to choose again).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..intents import SAFETY_INTENTS, Context, Intent
from .context import EXPECTED, MOVES


@dataclass(frozen=True)
class Rule:
    """The cosine a transcript needs to its nearest example, by kind of intent (docs/understanding.md)."""

    safety: float = 0.72  # stop, pain, symptoms: a false one costs a question, a missed one is paused for anyway
    command: float = 0.78
    move: float = 0.84  # next, previous, skip, start: never from room talk
    expected_bonus: float = 0.08  # less for what the coach is asking for
    sound: float = 0.35  # the free transcript's mean token probability a word-for-word sentence needs
    during_speech: float = 0.9  # a command that is not a safety one, over the coach's voice: only a very near match

    def needed(self, intent: Intent, context: Context) -> float:
        base = self.safety if intent.value in SAFETY_INTENTS else self.move if intent in MOVES else self.command
        return base - (self.expected_bonus if intent in EXPECTED[context] else 0.0)
