"""The runner's speaker in hands-free mode: each line rendered by the voice and played.

It also keeps a record of which lines were playing when, so that the listener
can tell the coach's own words from the user's.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ..events import Say
from .errors import AudioError
from .player import Player
from .voice_choice import SpeechVoice

KEPT_LINES = 32  # the record keeps this many of the latest lines


@dataclass
class Spoken:
    """A line the speaker played, from ``started`` to ``ended`` (None while it plays)."""

    utterance_id: int
    text: str
    started: float
    ended: float | None = None


class AudioSpeaker:
    """Renders each line with the voice and plays it; captions it as it starts."""

    def __init__(
        self,
        voice: SpeechVoice,
        player: Player,
        caption: Callable[[str], None],
        on_error: Callable[[AudioError], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.voice = voice
        self.player = player
        self.caption = caption
        self.on_error = on_error
        self.clock = clock
        self._spoken: deque[Spoken] = deque(maxlen=KEPT_LINES)
        self._lock = threading.Lock()

    def say(self, line: Say, on_done: Callable[[int], None]) -> None:
        try:
            pcm = self.voice.render(line.text, line.rate)
        except AudioError as error:  # the voice is broken: as if the speaker were lost
            self.caption(line.text)
            self.on_error(error)
            return

        def started(utterance_id: int) -> None:
            with self._lock:
                self._spoken.append(Spoken(utterance_id, line.text, self.clock()))
            self.caption(line.text)

        def done(utterance_id: int) -> None:
            self._mark_ended(utterance_id)
            on_done(utterance_id)

        self.player.play(line.utterance_id, pcm, on_start=started, on_done=done)

    def cut(self) -> None:
        self.player.cut()
        with self._lock:
            for spoken in self._spoken:
                if spoken.ended is None:
                    spoken.ended = self.clock()

    def idle(self) -> bool:
        return not self.player.is_speaking

    def close(self) -> None:
        self.player.wait_idle(timeout=60)
        self.player.close()
        self.voice.close()

    def spoken_between(self, start: float, end: float) -> list[str]:
        """The lines that were playing at some time between ``start`` and ``end``."""
        with self._lock:
            return [s.text for s in self._spoken if s.started <= end and (s.ended is None or s.ended >= start)]

    def _mark_ended(self, utterance_id: int) -> None:
        with self._lock:
            for spoken in self._spoken:
                if spoken.utterance_id == utterance_id and spoken.ended is None:
                    spoken.ended = self.clock()
