"""The coach's natural voice: Piper, with the lines it has already rendered kept in memory.

It offers what the speaker needs of any voice: ``ready`` (the line at once,
or None when it must be rendered), ``stream`` (the line sentence by
sentence, as each is rendered) and ``render`` (the whole line).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator

import numpy as np

from .errors import AudioError
from .pcm import Pcm
from .piper_voice import VOICE_ID, VOICE_NAME, PiperSynth, find_voice, length_scale
from .voice import Line, VoiceInfo

MEMORY_LINES = 256  # rendered lines kept in memory (the counts and "Relax." come back often)


class NaturalVoice:
    """Renders lines with Piper's en_US-joe-medium; AudioError (one sentence) when it cannot load."""

    backend = "piper"
    voice = VOICE_ID

    def __init__(self, rate_wpm: int = 150, threads: int | None = None) -> None:
        self._synth = PiperSynth(find_voice(), threads)
        self.rate_wpm = int(rate_wpm)
        self._memory: OrderedDict[tuple[str, float], Pcm] = OrderedDict()
        self._lock = threading.Lock()
        self._closed = False

    def list_voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(VOICE_ID, VOICE_NAME, ("en-us",), "Male")]

    def scale(self, rate_multiplier: float = 1.0) -> float:
        """Piper's length scale for this line's pace."""
        return length_scale(self.rate_wpm * rate_multiplier)

    # ------------------------------------------------------------ lines

    def ready(self, text: str, rate_multiplier: float = 1.0) -> Pcm | None:
        """The line if it is already rendered, else None."""
        self._check_open()
        key = (text.strip(), self.scale(rate_multiplier))
        with self._lock:
            pcm = self._memory.get(key)
            if pcm is not None:
                self._memory.move_to_end(key)
            return pcm

    def stream(self, text: str, rate_multiplier: float = 1.0) -> Iterator[Pcm]:
        """The line sentence by sentence; kept once all of it was rendered."""
        pcm = self.ready(text, rate_multiplier)
        if pcm is not None:
            yield pcm
            return
        scale = self.scale(rate_multiplier)
        parts: list[np.ndarray] = []
        for part in self._synth.sentences(text.strip(), scale):
            parts.append(part.samples)
            yield part
        self._keep((text.strip(), scale), self._joined(parts))

    def render(self, text: str, rate_multiplier: float = 1.0) -> Pcm:
        """The whole line."""
        return self._joined([part.samples for part in self.stream(text, rate_multiplier)])

    def prerender(self, lines: Iterable[Line]) -> None:
        """Render ``lines`` in the background (the disk cache's worker does that; without it, nothing)."""

    def close(self) -> None:
        self._closed = True

    def __enter__(self) -> NaturalVoice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ helpers

    def _check_open(self) -> None:
        if self._closed:
            raise AudioError("This voice is closed.")

    def _joined(self, parts: list[np.ndarray]) -> Pcm:
        return Pcm(np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16), self._synth.sample_rate)

    def _keep(self, key: tuple[str, float], pcm: Pcm) -> None:
        with self._lock:
            self._memory[key] = pcm
            self._memory.move_to_end(key)
            while len(self._memory) > MEMORY_LINES:
                self._memory.popitem(last=False)
