"""The coach's natural voice: Piper, with the lines it has already rendered kept in memory and on disk.

Lines known in advance are rendered into the disk cache (:mod:`.line_cache`)
by a worker at the lowest priority (:mod:`.prerender`); a line not there is
rendered when it is needed. A cache that cannot be written is one sentence,
and the voice goes on without it. It offers what the speaker needs of any voice: ``ready`` (the line at once,
or None when it must be rendered), ``stream`` (the line sentence by
sentence, as each is rendered) and ``render`` (the whole line).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from .errors import AudioError
from .pcm import Pcm
from .line_cache import CacheUnwritable, LineCache, LineKey
from .piper_voice import VOICE_ID, VOICE_NAME, PiperSynth, find_voice, length_scale, synth_version
from .prerender import Prerenderer
from .voice import Line, VoiceInfo

log = logging.getLogger(__name__)

MEMORY_LINES = 256  # rendered lines kept in memory (the counts and "Relax." come back often)


class NaturalVoice:
    """Renders lines with Piper's en_US-joe-medium; AudioError (one sentence) when it cannot load."""

    backend = "piper"
    voice = VOICE_ID

    def __init__(
        self,
        rate_wpm: int = 150,
        cache_folder: Path | None = None,
        notice: Callable[[str], None] = log.warning,
        threads: int | None = None,
    ) -> None:
        self._folder = find_voice()
        # Piper loads in the background: a session whose lines are all on disk need not wait for it.
        self._loaded: PiperSynth | AudioError | None = None
        # Not a daemon: a process that ends meanwhile waits for it (onnxruntime aborts if torn down mid-load).
        self._loading = threading.Thread(target=self._load, args=(threads,), name="piper-load")
        self._loading.start()
        self._version = synth_version()
        self.rate_wpm = int(rate_wpm)
        self._notice = notice
        self.cache = self._open_cache(cache_folder)
        self._memory: OrderedDict[LineKey, Pcm] = OrderedDict()
        self._lock = threading.Lock()
        self._prerenderer: Prerenderer | None = None
        self._closed = False

    def _load(self, threads: int | None) -> None:
        try:
            self._loaded = PiperSynth(self._folder, threads)
        except AudioError as error:
            self._loaded = error

    @property
    def _synth(self) -> PiperSynth:
        """Piper, once loaded; AudioError (one sentence) if it could not be."""
        self._loading.join()
        if isinstance(self._loaded, AudioError):
            raise self._loaded
        assert self._loaded is not None
        return self._loaded

    def _open_cache(self, folder: Path | None) -> LineCache | None:
        if folder is None:
            return None
        try:
            return LineCache(folder)
        except CacheUnwritable as error:
            self._notice(
                f"The voice cache folder {folder} cannot be written ({error.strerror}); each line is rendered when it is needed."
            )
            return None

    def list_voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(VOICE_ID, VOICE_NAME, ("en-us",), "Male")]

    def scale(self, rate_multiplier: float = 1.0) -> float:
        """Piper's length scale for this line's pace."""
        return length_scale(self.rate_wpm * rate_multiplier)

    # ------------------------------------------------------------ lines

    def key(self, text: str, rate_multiplier: float = 1.0) -> LineKey:
        """What the line's audio depends on: its text, the voice, the pace and Piper's version."""
        return LineKey(text.strip(), VOICE_ID, self.scale(rate_multiplier), self._version)

    def ready(self, text: str, rate_multiplier: float = 1.0) -> Pcm | None:
        """The line if it is already rendered (in memory or on disk), else None."""
        self._check_open()
        key = self.key(text, rate_multiplier)
        with self._lock:
            pcm = self._memory.get(key)
            if pcm is not None:
                self._memory.move_to_end(key)
                return pcm
        pcm = self.cache.get(key) if self.cache is not None else None
        if pcm is not None:
            self._remember(key, pcm)
        return pcm

    def stream(self, text: str, rate_multiplier: float = 1.0) -> Iterator[Pcm]:
        """The line sentence by sentence; kept (in memory and on disk) once all of it was rendered."""
        pcm = self.ready(text, rate_multiplier)
        if pcm is not None:
            yield pcm
            return
        key = self.key(text, rate_multiplier)
        parts: list[np.ndarray] = []
        for part in self._synth.sentences(key.text, key.scale):
            parts.append(part.samples)
            yield part
        whole = self._joined(parts)
        self._remember(key, whole)
        self._store(key, whole)

    def render(self, text: str, rate_multiplier: float = 1.0) -> Pcm:
        """The whole line."""
        return self._joined([part.samples for part in self.stream(text, rate_multiplier)])

    def prerender(self, lines: Iterable[Line]) -> None:
        """Render the lines not yet on disk, in a worker at the lowest priority (once: later calls add nothing)."""
        if self.cache is None or self._prerenderer is not None or self._closed:
            return
        keys: dict[LineKey, None] = {}
        for line in lines:
            text, rate = (line, 1.0) if isinstance(line, str) else line
            key = self.key(text, rate)
            if key.text and key not in self.cache:
                keys[key] = None
        if keys:
            self._prerenderer = Prerenderer(self._folder, self.cache, list(keys), self._notice)

    def wait_prerendered(self, timeout: float | None = None) -> bool:
        """Wait until the worker has ended; True when every line it was given is on disk."""
        return self._prerenderer is None or self._prerenderer.wait(timeout)

    def close(self) -> None:
        """Stop the worker (what it rendered stays on disk), after Piper has finished loading."""
        self._closed = True
        self._loading.join()
        if self._prerenderer is not None:
            self._prerenderer.stop()

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

    def _remember(self, key: LineKey, pcm: Pcm) -> None:
        with self._lock:
            self._memory[key] = pcm
            self._memory.move_to_end(key)
            while len(self._memory) > MEMORY_LINES:
                self._memory.popitem(last=False)

    def _store(self, key: LineKey, pcm: Pcm) -> None:
        if self.cache is None:
            return
        try:
            self.cache.put(key, pcm)
        except OSError as error:
            self._notice(
                f"The voice cache folder {self.cache.folder} cannot be written ({error.strerror or error}); "
                "each line is rendered when it is needed."
            )
            self.cache = None
