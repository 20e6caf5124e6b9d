"""What the recognizer learnt of the user's voice and room, kept for the next session.

pocketsphinx normalises every utterance by a running average of its
spectrum (the cepstral mean), which starts each process from a generic
value and only adapts as the user speaks; until then the first commands of
a session are decoded for the wrong microphone and voice. So the mean is
kept in the app's data folder after each command the coach acts on, one
entry per engine and microphone, and the next session starts from it: its
first utterance then behaves like any later one.

The file is ``listening.json`` beside the history. Keeping it is a
convenience: a file that cannot be read is ignored (the engine starts
afresh), and one that cannot be written is reported once by the caller.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .files import write_atomically
from .folders import data_folder

if TYPE_CHECKING:
    from .recognizers.base import Recognizer

FILE_NAME = "listening.json"


@dataclass(frozen=True)
class VoiceMemory:
    """One file of engine states, each kept for an engine and a microphone."""

    path: Path

    @classmethod
    def default(cls) -> VoiceMemory:
        return cls(data_folder() / FILE_NAME)

    def recall(self, engine: str, microphone: str) -> str | None:
        """The state kept for ``engine`` on ``microphone``, or None."""
        entry = self._entries().get(_key(engine, microphone))
        state = entry.get("state") if isinstance(entry, dict) else None
        return state if isinstance(state, str) else None

    def keep(self, engine: str, microphone: str, state: str) -> None:
        """Keep ``state`` for ``engine`` on ``microphone``; raises OSError if the file cannot be written."""
        entries = self._entries()
        entries[_key(engine, microphone)] = {"state": state, "kept_at": time.time()}
        write_atomically(self.path, json.dumps(entries, indent=1, sort_keys=True) + "\n")

    def _entries(self) -> dict:
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}


def _key(engine: str, microphone: str) -> str:
    return f"{engine} | {microphone}"


class RecognizerMemory:
    """Starts a recognizer from what it learnt on this microphone last time, and keeps what it learns."""

    def __init__(self, memory: VoiceMemory, recognizer: Recognizer, microphone: str, notice: Callable[[str], None]) -> None:
        self.memory = memory
        self.recognizer = recognizer
        self.microphone = microphone
        self.notice = notice
        self._broken = False  # the file could not be written: said once, not tried again

    def recall(self) -> bool:
        """Start the recognizer from the kept state; False if there was none that fits."""
        state = self.memory.recall(self.recognizer.name, self.microphone)
        return state is not None and self.recognizer.adapt(state)

    def keep(self) -> None:
        """Keep what the recognizer has learnt so far (call it after a command it heard)."""
        state = self.recognizer.adaptation()
        if state is None or self._broken:
            return
        try:
            self.memory.keep(self.recognizer.name, self.microphone, state)
        except OSError as error:
            self._broken = True
            self.notice(
                f"Could not write {self.memory.path} ({error.strerror or error}); "
                "the next session will learn your voice afresh."
            )
