"""Rendering the lines known in advance into the disk cache, in a worker process at the lowest CPU priority.

The worker is a process of its own (its own Piper, one onnxruntime thread)
under Linux's SCHED_IDLE policy (else the lowest nice level): it only gets
CPU time nobody else wants, so hearing "stop" and speaking the current line
are never delayed by it. It skips lines already on disk, so a session that
ends early leaves the rest for the next start. A progress line says what it
does, and one more when it is done.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .line_cache import LineCache, LineKey

log = logging.getLogger(__name__)

STEPS = 4  # progress is told at each quarter
START_DELAY_S = 5.0  # after the session's first lines (see Prerenderer._watch)


def lower_priority() -> None:
    """Let this process run only when the CPU is otherwise idle."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux
        try:
            os.nice(19)
        except OSError:
            pass


def _work(
    voice_folder: str, cache_folder: str, keys: Sequence[LineKey], progress: multiprocessing.Queue, parent: int
) -> None:
    """The worker: render each line not yet on disk; report how many are done, or the error that stopped it.

    It ends with the session's process, even one that was killed (when its parent is no longer ``parent``).
    """
    lower_priority()
    from .errors import AudioError
    from .piper_voice import PiperSynth

    try:
        synth = PiperSynth(Path(voice_folder), threads=1)
        cache = LineCache(Path(cache_folder))
        for done, key in enumerate(keys, 1):
            if os.getppid() != parent:
                return
            if key not in cache:
                cache.put(key, synth.render(key.text, key.scale))
            progress.put(done)
    except (AudioError, OSError) as error:
        progress.put(str(error))


class Prerenderer:
    """One worker rendering ``keys`` into ``cache``; ``notice`` gets the progress lines."""

    def __init__(
        self, voice_folder: Path, cache: LineCache, keys: Sequence[LineKey], notice: Callable[[str], None]
    ) -> None:
        self.total = len(keys)
        self.done = 0
        self._notice = notice
        self._finished = threading.Event()
        context = multiprocessing.get_context("spawn")  # a clean process: no threads or audio streams copied
        self._progress: multiprocessing.Queue = context.Queue()
        self._process = context.Process(
            target=_work, args=(str(voice_folder), str(cache.folder), list(keys), self._progress, os.getpid()),
            name="voiceguide-prerender", daemon=True,
        )
        self._started = time.monotonic()
        self._stopping = threading.Event()
        self._start_lock = threading.Lock()  # the worker starts only if not stopped first
        notice(f"Preparing the natural voice: {self.total} lines, in the background (once; later sessions start at once).")
        self._watcher = threading.Thread(target=self._watch, name="prerender-progress", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        # A new Python imports numpy and onnxruntime before it can lower its own priority:
        # that waits until the session's first lines are under way.
        self._stopping.wait(START_DELAY_S)
        with self._start_lock:
            if self._stopping.is_set():
                self._finished.set()
                return
            self._process.start()
        told = 0
        while self.done < self.total:
            try:
                item = self._progress.get(timeout=0.5)
            except Exception:  # queue.Empty, or the queue closed under us
                if not self._process.is_alive():
                    break
                continue
            if isinstance(item, str):
                self._notice(f"The voice's lines could not all be prepared ({item}); the rest are rendered when needed.")
                break
            self.done = item
            step = self.done * STEPS // self.total
            if told < step < STEPS:
                told = step
                self._notice(f"Preparing the natural voice: {self.done} of {self.total} lines.")
        if self.done == self.total:
            seconds = time.monotonic() - self._started
            self._notice(f"The natural voice is ready: {self.total} lines prepared in {seconds:.0f} s.")
        self._finished.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the worker has ended; True when every line is on disk."""
        self._finished.wait(timeout)
        return self.done == self.total

    def stop(self) -> None:
        """End the worker now (what it has written is whole and stays)."""
        with self._start_lock:
            self._stopping.set()
        if self._process.is_alive():
            self._process.terminate()
        if self._process.pid is not None:
            self._process.join(timeout=5)
        self._finished.wait(2)
