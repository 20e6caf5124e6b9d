"""The test tiers: what makes a test slow is marked, and the fast tier is kept free of it.

``make test-fast`` runs the tests with none of :data:`SLOW_MARKERS`
(the pure coach, grammar, routine, history, settings); ``make test`` runs
them all. A test that uses the sound server's fixtures is marked ``audio``
by :func:`mark_by_fixtures`. A test left in the fast tier that starts a
program or loads a real model fails with the marker it is missing
(:class:`FastTierGuard`), so a slow test cannot slip in unmarked.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import pytest

# What makes a test slow; each marker is described in pyproject.toml.
SLOW_MARKERS = ("audio", "subprocess", "model", "slow")
FAST_TIER = "not (" + " or ".join(SLOW_MARKERS) + ")"  # the -m expression of `make test-fast`

# A test that asks for one of these fixtures gets the marker.
FIXTURE_MARKERS = {"pulse": "audio", "pulse_server": "audio", "korean_model": "model"}

# The audit events of starting a program (sys.addaudithook).
PROGRAM_EVENTS = frozenset({"subprocess.Popen", "os.system", "os.fork", "os.forkpty", "os.posix_spawn", "os.exec", "os.spawn"})
ALLOWED_PROGRAMS = frozenset({"fc-list"})  # matplotlib's font cache asks it once per run (a few milliseconds)

# Where the app loads a real model: (module, class); its constructor is the load.
MODEL_LOADERS = (
    ("voiceguide.recognizers.whisper_decoder", "WhisperTranscriber"),
    ("voiceguide.recognizers.vosk_engine", "VoskRecognizer"),
    ("voiceguide.recognizers.pocketsphinx_engine", "PocketsphinxDecoder"),
    ("voiceguide.recognizers.endpointing", "SileroDetector"),
    ("voiceguide.understanding.embedding", "WordLlamaEmbedder"),
    ("voiceguide.understanding.minilm", "MiniLMEmbedder"),
    ("voiceguide.audio.piper_voice", "PiperSynth"),
)


def mark_by_fixtures(items: Iterable[pytest.Item]) -> None:
    """Mark each test by the fixtures it uses (before ``-m`` selects)."""
    for item in items:
        for fixture in sorted(set(getattr(item, "fixturenames", ())) & FIXTURE_MARKERS.keys()):
            item.add_marker(FIXTURE_MARKERS[fixture])


def in_fast_tier(item: pytest.Item) -> bool:
    return not any(item.get_closest_marker(name) for name in SLOW_MARKERS)


class FastTierGuard:
    """While armed, starting a program or loading a model is refused and remembered."""

    def __init__(self) -> None:
        self.armed = False
        self.refused: list[str] = []
        sys.addaudithook(self._audit)  # hooks stay for the process; this one acts only while armed

    @contextmanager
    def armed_for(self, item: pytest.Item) -> Iterator[None]:
        """Armed while ``item``, if it is in the fast tier, sets up and runs (its fixtures of any scope included).

        A refusal fails the test even when it caught the error.
        """
        if not in_fast_tier(item):
            yield
            return
        self.refused = []
        with pytest.MonkeyPatch.context() as patch:
            for module_name, class_name in MODEL_LOADERS:
                cls = getattr(importlib.import_module(module_name), class_name)
                patch.setattr(cls, "__init__", self._refusing_init(f"{class_name} loads a model"))
            self.armed = True
            try:
                yield
            finally:
                self.armed = False
        if self.refused:
            pytest.fail(self.refused[0], pytrace=False)

    def _refuse(self, what: str, marker: str) -> None:
        message = f"{what} in a fast-tier test: mark it @pytest.mark.{marker} (tests/support/tiers.py)"
        self.refused.append(message)
        raise RuntimeError(message)

    def _refusing_init(self, what: str) -> Callable[..., None]:
        def refuse(*args: object, **kwargs: object) -> None:
            self._refuse(what, "model")

        return refuse

    def _audit(self, event: str, args: tuple[object, ...]) -> None:
        if self.armed and event in PROGRAM_EVENTS and not (event == "subprocess.Popen" and args[0] in ALLOWED_PROGRAMS):
            self._refuse(f"starting a program ({event} {args[:2]!r})", "subprocess")
