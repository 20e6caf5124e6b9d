"""What the user can say: ``grammars/<lang>.yaml`` parsed with hassil.

One object answers both questions the rest of the app asks of the grammar:
which sentences exist (for the recognizers' closed vocabularies) and which
intent a piece of text means (for the coach).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import yaml
from hassil import Intents, recognize, sample_intents

_PUNCTUATION = re.compile(r"[^\w\s']")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower case, no punctuation but apostrophes, single spaces."""
    text = _PUNCTUATION.sub(" ", text.lower().replace("’", "'"))
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Parsed:
    """Text that matched one of the grammar's intents."""

    intent: str
    text: str


def _packaged_grammar(language: str):
    """The installed grammar; in a source checkout, the top-level grammars/ folder."""
    try:
        return resources.files("voiceguide.grammars") / f"{language}.yaml"
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "grammars" / f"{language}.yaml"


class Grammar:
    """An intent grammar in hassil's template format."""

    def __init__(self, intents: Intents, source: str) -> None:
        self.intents = intents
        self.source = source

    @classmethod
    def load(cls, language: str = "en", path: Path | None = None) -> Grammar:
        if path is None:
            text = _packaged_grammar(language).read_text(encoding="utf-8")
            source = f"grammars/{language}.yaml"
        else:
            text = Path(path).read_text(encoding="utf-8")
            source = str(path)
        return cls(Intents.from_dict(yaml.safe_load(text)), source)

    @property
    def intent_names(self) -> list[str]:
        return list(self.intents.intents)

    def parse(self, text: str) -> Parsed | None:
        """The intent ``text`` means, or None when no sentence matches whole."""
        clean = normalize(text)
        if not clean:
            return None
        result = recognize(clean, self.intents)
        if result is None:
            return None
        return Parsed(intent=result.intent.name, text=clean)

    @cached_property
    def samples(self) -> list[tuple[str, str]]:
        """Every (intent, sentence) the templates allow, normalized, no repeats."""
        seen: set[str] = set()
        out: list[tuple[str, str]] = []
        for intent, sentence in sample_intents(self.intents):
            clean = normalize(sentence)
            if clean and clean not in seen:
                seen.add(clean)
                out.append((intent, clean))
        return out

    @property
    def sentences(self) -> list[str]:
        return [sentence for _, sentence in self.samples]

    @property
    def words(self) -> set[str]:
        return {word for sentence in self.sentences for word in sentence.split()}
