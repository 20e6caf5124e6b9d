"""What the user can say: ``grammars/<lang>.yaml`` parsed with hassil.

One object answers both questions the rest of the app asks of the grammar:
which sentences exist (for the recognizers' closed vocabularies) and which
intent a piece of text means (for the coach).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import yaml
from hassil import Intents, recognize, sample_intents

from .intents import SAFETY_INTENTS, Intent, check_intents

_PUNCTUATION = re.compile(r"[^\w\s']")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower case, no punctuation but apostrophes, single spaces."""
    text = _PUNCTUATION.sub(" ", text.lower().replace("’", "'"))
    return _SPACES.sub(" ", text).strip()


def distinct_sentences(sentences: Iterable[str]) -> list[str]:
    """``sentences`` normalized, each once, in their order, without empty ones (a closed vocabulary)."""
    return [sentence for sentence in dict.fromkeys(map(normalize, sentences)) if sentence]


@dataclass(frozen=True)
class Parsed:
    """Text that matched one of the grammar's intents."""

    intent: str
    text: str


def packaged_file(name: str):
    """A file of the installed grammars; in a source checkout, of the top-level grammars/ folder."""
    try:
        return resources.files("voiceguide.grammars") / name
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "grammars" / name


def packaged_grammar_file(language: str = "en"):
    """The installed grammar."""
    return packaged_file(f"{language}.yaml")


class Grammar:
    """An intent grammar in hassil's template format."""

    def __init__(
        self,
        intents: Intents,
        source: str,
        safety_words: dict[str, list[str]] | None = None,
        not_commands: list[str] | None = None,
        key_phrases: dict[str, list[str]] | None = None,
        key_phrase_words: dict[str, list[str]] | None = None,
        spellings: dict[str, str] | None = None,
    ) -> None:
        self.intents = intents
        self.source = source
        self.not_commands = [normalize(text) for text in not_commands or []]  # room talk, to reject what is like it
        # intent -> words (or phrases) that make any hypothesis that intent
        self.safety_words = {intent: [normalize(w) for w in words] for intent, words in (safety_words or {}).items()}
        # intent -> templates of the words that carry it; the kinds of words around them (Vocabulary's fields)
        self.key_phrases = key_phrases or {}
        self.key_phrase_words = key_phrase_words or {}
        # a word as some people say or type it -> as the grammar spells it: "tae" -> "to", "cannae" -> "can not"
        self.spellings = {normalize(word): normalize(standard) for word, standard in (spellings or {}).items()}

    @classmethod
    def load(cls, language: str = "en", path: Path | None = None) -> Grammar:
        """Read a grammar file; its intents must be exactly the ones the coach handles."""
        if path is None:
            text = packaged_grammar_file(language).read_text(encoding="utf-8")
            source = f"grammars/{language}.yaml"
        else:
            text = Path(path).read_text(encoding="utf-8")
            source = str(path)
        data = yaml.safe_load(text)
        safety_words = data.pop("safety_words", None) or {}
        not_commands = data.pop("not_commands", None) or []
        key_phrases = data.pop("key_phrases", None) or {}
        key_phrase_words = data.pop("key_phrase_words", None) or {}
        spellings = data.pop("spellings", None) or {}
        grammar = cls(Intents.from_dict(data), source, safety_words, not_commands, key_phrases, key_phrase_words, spellings)
        check_intents(grammar.intent_names, source)
        return grammar

    @cached_property
    def key_phrase_samples(self) -> list[tuple[str, str]]:
        """Every (intent, key phrase) the key phrase templates allow, with the grammar's expansion rules."""
        if not self.key_phrases:
            return []
        rules = {name: rule.text for name, rule in self.intents.expansion_rules.items()}
        data = {name: {"data": [{"sentences": templates}]} for name, templates in self.key_phrases.items()}
        templates = Intents.from_dict({"language": self.intents.language, "expansion_rules": rules, "intents": data})
        return [(intent, normalize(phrase)) for intent, phrase in sample_intents(templates)]

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

    def safety_word(self, text: str) -> tuple[str, str] | None:
        """(safety intent, word) for the first safety word or phrase ``text`` contains, a symptom's before pain's:
        "my foot is numb" is a Symptom, and so is "it hurts and my foot is numb".

        Not one denied ("it doesn't hurt", "i'm not in any pain", "the pain has gone"): an answer to
        "are you in pain?" is no pain event. "no, it hurts", "not too sore" and "it's never hurt like this" still are.
        """
        found = [(intent, phrase) for intent, phrase, denied in self._safety_words_in(text) if not denied]
        # A symptom named beside pain is the symptom: its advice covers the pain's, and asking about it would ask again.
        return next((one for one in found if one[0] == Intent.SYMPTOM.value), found[0] if found else None)

    def denies_safety(self, text: str) -> bool:
        """Whether ``text`` holds safety words and denies every one ("nothing hurts", "it's not painful")."""
        found = self._safety_words_in(text)
        return bool(found) and all(denied for _, _, denied in found)

    def _safety_words_in(self, text: str) -> list[tuple[str, str, bool]]:
        """(safety intent, word, denied) for every safety word or phrase in ``text``."""
        words = normalize(text).split()
        found = []
        for intent, phrases in self.safety_words.items():
            for phrase in phrases:
                part = phrase.split()
                for at in range(len(words) - len(part) + 1):
                    if words[at : at + len(part)] == part:
                        found.append((intent, phrase, _denied(words, at, at + len(part))))
        return found

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
    def safety_sentences(self) -> set[str]:
        """The sentences that mean stop, pain or a symptom."""
        return {sentence for intent, sentence in self.samples if intent in SAFETY_INTENTS}

    @property
    def words(self) -> set[str]:
        return {word for sentence in self.sentences for word in sentence.split()}


# A safety word after one of these, with at most two of _WITHIN_NEGATION between, is denied, not reported.
# "never" and "without" are no denial: "it's never hurt like this", "i can't bend without pain" are pain.
_NEGATIONS = frozenset({"not", "no", "nothing", "nothing's", "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "won't",
                        "haven't", "hasn't", "ain't"})
_WITHIN_NEGATION = frozenset({"any", "really", "real", "in", "have", "got", "feel", "feeling", "longer", "so", "even"})
# A safety word followed by one of these is denied too: "pain free", "the pain has gone".
_DENIED_AFTER = (("free",), ("gone",), ("is", "gone"), ("has", "gone"), ("went", "away"))


def _denied(words: list[str], start: int, end: int) -> bool:
    """Whether the safety phrase ``words[start:end]`` is denied: "doesn't hurt", "not in any pain", "pain free"."""
    for at in range(start - 1, max(-1, start - 4), -1):
        if words[at] in _NEGATIONS:
            return True
        if words[at] not in _WITHIN_NEGATION:
            break
    return any(tuple(words[end : end + len(after)]) == after for after in _DENIED_AFTER)
