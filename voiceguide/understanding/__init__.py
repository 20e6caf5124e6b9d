"""Understanding: what the user meant, from the words heard (typed or transcribed) and the coach's context.

- ``context``: what the coach waits for, and which intents that makes likely or impossible;
- ``embedding``: the sentence embedding model (WordLlama, shipped in its wheel, checksummed);
- ``examples``: the grammar's sentences and the non-commands, embedded once;
- ``understand``: the one rule that turns words and context into an intent, or a reason for none;
- ``loading``: building it all for a session, in the background, falling back to the grammar alone.
"""

from ..intents import Context
from .understand import Rule, Understanding, Understood

__all__ = ["Context", "Rule", "Understanding", "Understood"]
