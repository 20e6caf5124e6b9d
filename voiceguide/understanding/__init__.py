"""Understanding: what the user meant, from the words heard (typed or transcribed) and the coach's context.

- ``context``: what the coach waits for, and which intents that makes likely or impossible;
- ``embedding``: the sentence embedding model (WordLlama, shipped in its wheel, checksummed);
- ``minilm``: all-MiniLM-L6-v2 run in numpy, measured against WordLlama (not the default);
- ``examples``: the grammar's sentences and the non-commands, embedded once;
- ``cache``: the examples' embeddings kept in the user cache, checked, rebuilt when damaged;
- ``rule``: the cosines a match needs, one rule per encoder;
- ``understand``: the one rule that turns words and context into an intent, or a reason for none;
- ``loading``: building it all for a session, in the background, falling back to the grammar alone.
"""

from ..intents import Context
from .rule import Rule
from .understand import Understanding, Understood

__all__ = ["Context", "Rule", "Understanding", "Understood"]
