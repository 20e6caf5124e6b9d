"""The runner's speaker in hands-free mode: each line rendered by the voice and played, streamed when it must be rendered.

It also keeps a record of which lines were playing when, so that the listener
can tell the coach's own words from the user's.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..events import Say
from .errors import AudioError
from .pcm import Pcm
from .player import Player
from .voice_choice import SpeechVoice

KEPT_LINES = 32  # the record keeps this many of the latest lines
RENDER_NICENESS = 5  # added to the process's niceness: the render thread yields the CPU to listening: hearing "stop" comes first


def _lower_thread_priority() -> None:
    """Lower the calling thread's CPU priority below the process's (Linux sets niceness per thread); elsewhere nothing."""
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + RENDER_NICENESS)
    except (AttributeError, OSError):
        pass


@dataclass
class Spoken:
    """A line the speaker played, from ``started`` to ``ended`` (None while it plays)."""

    utterance_id: int
    text: str
    started: float
    ended: float | None = None


@dataclass
class _Pending:
    """A line waiting for the render thread, and the cut generation it belongs to."""

    line: Say
    on_done: Callable[[int], None]
    generation: int


class AudioSpeaker:
    """Renders each line with the voice and plays it; captions it as it starts.

    A line that is ready (cached, or from a synthesiser as fast as espeak-ng)
    is queued on the player at once. One that must be rendered goes to a
    render thread, which plays it sentence by sentence as each is rendered,
    so the runner never waits for the synthesiser and playback starts with
    the first sentence. Lines are heard in the order they were said; ``cut``
    also drops what the render thread has not played yet.
    """

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
        # The render thread's queue; the condition's lock also orders playing against cutting.
        self._pending: deque[_Pending] = deque()
        self._rendering: _Pending | None = None
        self._generation = 0
        self._wake = threading.Condition()
        self._closing = False
        self._thread: threading.Thread | None = None

    def say(self, line: Say, on_done: Callable[[int], None]) -> None:
        with self._wake:
            behind = bool(self._pending) or (
                self._rendering is not None and self._rendering.generation == self._generation
            )
        if not behind:
            try:
                pcm = self.voice.ready(line.text, line.rate)
            except AudioError as error:  # the voice is broken: as if the speaker were lost
                self._failed(line, error)
                return
            if pcm is not None:
                self._play(line, on_done, [pcm], final=True)
                return
        with self._wake:
            self._pending.append(_Pending(line, on_done, self._generation))
            if self._thread is None:
                self._thread = threading.Thread(target=self._render_loop, name="speaker-render", daemon=True)
                self._thread.start()
            self._wake.notify()

    def cut(self) -> None:
        with self._wake:
            self._generation += 1
            self._pending.clear()
            self.player.cut()
        with self._lock:
            for spoken in self._spoken:
                if spoken.ended is None:
                    spoken.ended = self.clock()

    def idle(self) -> bool:
        with self._wake:
            waiting = bool(self._pending) or (
                self._rendering is not None and self._rendering.generation == self._generation
            )
        return not waiting and not self.player.is_speaking

    def close(self) -> None:
        deadline = self.clock() + 60
        while not self.idle() and self.clock() < deadline:
            time.sleep(0.01)
        with self._wake:
            self._closing = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.player.wait_idle(timeout=60)
        self.player.close()
        self.voice.close()

    # ------------------------------------------------------------ the render thread

    def _render_loop(self) -> None:
        _lower_thread_priority()
        while True:
            with self._wake:
                while not self._pending and not self._closing:
                    self._wake.wait()
                if self._closing:
                    return
                item = self._rendering = self._pending.popleft()
            try:
                self._stream(item)
            finally:
                with self._wake:
                    self._rendering = None

    def _stream(self, item: _Pending) -> None:
        """Play the line's sentences as they are rendered; stop when it is cut."""
        first = True
        try:
            for pcm in self.voice.stream(item.line.text, item.line.rate):
                if not self._play(item.line, item.on_done, [pcm], final=False, first=first, generation=item.generation):
                    return
                first = False
        except AudioError as error:
            if item.generation == self._generation:
                self._failed(item.line, error, captioned=not first)
            return
        # The line's end: a moment of silence whose playing out says the whole line was heard.
        end = Pcm(np.zeros(1, dtype=np.int16), self.player.sample_rate)
        self._play(item.line, item.on_done, [end], final=True, first=first, generation=item.generation)

    # ------------------------------------------------------------ playing

    def _play(
        self,
        line: Say,
        on_done: Callable[[int], None],
        parts: list[Pcm],
        final: bool,
        first: bool = True,
        generation: int | None = None,
    ) -> bool:
        """Queue ``parts`` on the player (the first with the caption, the final one with ``on_done``);
        False when the line was cut meanwhile."""

        def started(utterance_id: int) -> None:
            with self._lock:
                self._spoken.append(Spoken(utterance_id, line.text, self.clock()))
            self.caption(line.text)

        def done(utterance_id: int) -> None:
            self._mark_ended(utterance_id)
            on_done(utterance_id)

        with self._wake:  # a cut cannot come between the check and the queueing
            if generation is not None and generation != self._generation:
                return False
            for index, pcm in enumerate(parts):
                last = final and index == len(parts) - 1
                self.player.play(
                    line.utterance_id, pcm,
                    on_start=started if first and index == 0 else None,
                    on_done=done if last else None,
                )
        return True

    def _failed(self, line: Say, error: AudioError, captioned: bool = False) -> None:
        if not captioned:
            self.caption(line.text)
        self.on_error(error)

    def spoken_between(self, start: float, end: float) -> list[str]:
        """The lines that were playing at some time between ``start`` and ``end``."""
        with self._lock:
            return [s.text for s in self._spoken if s.started <= end and (s.ended is None or s.ended >= start)]

    def _mark_ended(self, utterance_id: int) -> None:
        with self._lock:
            for spoken in self._spoken:
                if spoken.utterance_id == utterance_id and spoken.ended is None:
                    spoken.ended = self.clock()
