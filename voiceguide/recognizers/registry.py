"""Every speech engine in one table, in order of preference for ``auto``.

The command line, the settings, ``auto``, ``model status|download`` and the
benchmark all read this table. An engine is one module with
``create(model, sentences, safety_sentences) -> Recognizer`` and, when it
needs a model, a model module that is a :class:`.ModelLookup` (its lookup,
check and download, all with the same signatures). Modules are imported
only when an engine is used, so a broken engine never stops the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from voiceguide.recognizers.base import Recognizer, RecognizerError
from voiceguide.recognizers.model_files import ModelLocation, ModelLookup


@dataclass(frozen=True)
class Engine:
    """One speech engine: what it needs, where its model is, how to make it."""

    name: str
    summary: str
    module: str  # the engine's module, with create()
    packages: tuple[str, ...]  # Python packages it imports
    model_module: str | None = None  # its model lookup and download; None: the model ships with the package

    def missing(self) -> str | None:
        """Why this engine cannot run on this machine (a package that does not load), or None."""
        for package in self.packages:
            try:
                importlib.import_module(package)
            except Exception as error:  # ImportError, or a shared library that fails to load
                return f"{package} does not load ({_first_line(error)})"
        return None

    @property
    def needs_model(self) -> bool:
        return self.model_module is not None

    def models(self) -> ModelLookup:
        if self.model_module is None:
            raise RecognizerError(f"The {self.name} engine has no model to look for or download.")
        return cast(ModelLookup, importlib.import_module(self.model_module))  # a module; tests check its signatures

    def is_model(self, path: Path) -> bool:
        """Whether ``path`` looks like this engine's kind of model."""
        return self.needs_model and bool(self.models().is_model(Path(path)))

    def locations(self, explicit: Path | None = None, configured: Path | None = None) -> list[ModelLocation]:
        """Every place its model is looked for, in order, with what is wrong there."""
        if not self.needs_model:
            return []
        return self.models().candidate_locations(explicit, configured)

    def find_model(self, explicit: Path | None = None, configured: Path | None = None) -> Path | None:
        """Its first valid model; RecognizerError when a folder the user named is not one."""
        if not self.needs_model:
            return None
        return self.models().find_model(explicit, configured)

    def download(self, destination: Path | None = None) -> Path:
        return self.models().download_model(destination)

    @property
    def download_hint(self) -> str:
        return self.models().DOWNLOAD_HINT if self.needs_model else ""

    def create(self, model: Path | None, sentences: Sequence[str], safety_sentences: Collection[str]) -> Recognizer:
        return importlib.import_module(self.module).create(model, sentences, safety_sentences)


ENGINES: tuple[Engine, ...] = (
    Engine(
        "whisper",
        "Whisper tiny.en (faster-whisper): hears most voices, in noise too",
        "voiceguide.recognizers.whisper_engine",
        ("ctranslate2", "tokenizers", "onnxruntime", "faster_whisper"),
        "voiceguide.recognizers.whisper_model",
    ),
    Engine(
        "whisper-base",
        "Whisper base (faster-whisper), forced to English: a bigger ear, about twice tiny.en's decoding time",
        "voiceguide.recognizers.whisper_base_engine",
        ("ctranslate2", "tokenizers", "onnxruntime", "faster_whisper"),
        "voiceguide.recognizers.whisper_base_model",
    ),
    Engine(
        "vosk",
        "vosk (Kaldi) with a model of your choice",
        "voiceguide.recognizers.vosk_engine",
        ("vosk",),
        "voiceguide.recognizers.vosk_model",
    ),
    Engine(
        "pocketsphinx",
        "pocketsphinx: its English model ships with it; the fallback",
        "voiceguide.recognizers.pocketsphinx_engine",
        ("pocketsphinx",),
    ),
)
NAMES = tuple(engine.name for engine in ENGINES)
CHOICES = ("auto", *NAMES)


def engine(name: str) -> Engine:
    for candidate in ENGINES:
        if candidate.name == name:
            return candidate
    raise RecognizerError(f"Unknown engine {name!r}; choose one of {', '.join(CHOICES)}.")


def usable(candidate: Engine, model: Path | None = None, configured: Path | None = None) -> Path | None:
    """The model ``candidate`` would use (None for an engine without one); RecognizerError saying why it cannot run."""
    problem = candidate.missing()
    if problem is not None:
        raise RecognizerError(problem)
    found = candidate.find_model(model, configured)
    if candidate.needs_model and found is None:
        raise RecognizerError(f"no model found; {candidate.download_hint}")
    return found


def available(configured: Path | None = None) -> list[tuple[Engine, Path | None]]:
    """Every engine that can run here, with its model, in order of preference."""
    found: list[tuple[Engine, Path | None]] = []
    for candidate in ENGINES:
        try:
            found.append((candidate, usable(candidate, None, configured)))
        except RecognizerError:
            continue
    return found


def create_recognizer(
    name: str,
    sentences: Sequence[str],
    safety_sentences: Collection[str] = (),
    model: Path | None = None,
    configured: Path | None = None,
    notify: Callable[[str], None] = lambda message: None,
    fall_back: bool = True,
) -> Recognizer:
    """The recognizer for engine ``name`` ("auto" or one of :data:`NAMES`).

    ``auto`` tries the engines in order of preference, the one a ``model``
    folder belongs to first. A named engine comes first, and with
    ``fall_back`` the others follow it. An engine that cannot be used (not
    installed, no model, a damaged model) is passed over, and ``notify``
    gets one line saying why; without ``fall_back``, a named engine that
    cannot be used is a RecognizerError.
    """
    if name == "auto":
        order = sorted(ENGINES, key=lambda e: not (model is not None and e.is_model(model)))
    else:
        first = engine(name)
        order = [first, *(e for e in ENGINES if e is not first and fall_back)]
    reasons: list[str] = []
    for candidate in order:
        named = candidate.name == name or (name == "auto" and model is not None and candidate.is_model(model))
        try:
            recognizer = candidate.create(usable(candidate, model if named else None, configured), sentences, safety_sentences)
        except RecognizerError as error:
            if not fall_back:
                raise RecognizerError(f"The {candidate.name} engine cannot be used: {error.message}") from error
            reasons.append(f"{candidate.name}: {error.message.rstrip('.')}")
            continue
        if reasons:
            notify(f"Listening with {candidate.name} ({'; '.join(reasons)}).")
        return recognizer
    raise RecognizerError(f"No speech engine could start ({'; '.join(reasons)}); reinstall voiceguide.")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:160] if text else type(error).__name__
