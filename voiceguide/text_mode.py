"""Text mode: the user types what they would say; the coach's lines are printed.

Speech is simulated: a line "lasts" as long as it would take to say it, so
the session keeps the same rhythm as hands-free mode (compressed by
``--speed``), and "stop" typed while a line is being "spoken" cuts it.
A script or a pipe is read as a user who listens would answer: each line
when the coach is ready for it.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import TextIO

from .events import Heard, Say, Unclear
from .intents import Context
from .runner import InputClosed, Runner
from .understanding import Understanding

WORDS_PER_SECOND = 2.7


def speaking_seconds(text: str, rate: float = 1.0) -> float:
    """About how long a voice takes to say ``text``."""
    return 0.25 + len(text.split()) / (WORDS_PER_SECOND * rate)


class TextSpeaker:
    """Prints each line as it starts and 'speaks' it for as long as a voice would."""

    def __init__(self, out: TextIO, speed: float = 1.0) -> None:
        self.out = out
        self.speed = speed
        self._lines: deque[tuple[Say, Callable[[int], None]]] = deque()
        self._wake = threading.Condition()
        self._current: Say | None = None
        self._cut = False
        self._closed = False
        self._thread = threading.Thread(target=self._speak_lines, name="text-speaker", daemon=True)
        self._thread.start()

    def say(self, line: Say, on_done: Callable[[int], None]) -> None:
        with self._wake:
            self._lines.append((line, on_done))
            self._wake.notify_all()

    def cut(self) -> None:
        with self._wake:
            self._lines.clear()
            if self._current is not None:
                self._cut = True
            self._wake.notify_all()

    def idle(self) -> bool:
        with self._wake:
            return self._current is None and not self._lines

    def close(self) -> None:
        with self._wake:
            while self._lines or self._current is not None:
                self._wake.wait(0.05)
            self._closed = True
            self._wake.notify_all()
        self._thread.join(timeout=2)

    def _print(self, text: str) -> None:
        try:
            print(text, file=self.out, flush=True)
        except (BrokenPipeError, ValueError):
            pass  # nobody reads the captions any more; the session goes on

    def _speak_lines(self) -> None:
        with self._wake:
            while not self._closed:
                if not self._lines:
                    self._wake.wait()
                    continue
                line, on_done = self._lines.popleft()
                self._current, self._cut = line, False
                self._print(line.text)
                self._wake.wait_for(lambda: self._cut or self._closed, speaking_seconds(line.text, line.rate) / self.speed)
                finished = not self._cut
                self._current = None
                self._wake.notify_all()
                if finished:
                    on_done(line.utterance_id)


def typed_event(understanding: Understanding, context: Context, text: str) -> Heard | Unclear:
    """A typed line as the coach hears it: understood as spoken words are, in the coach's context."""
    understood = understanding.understand(text, context)
    if understood.intent is None:
        return Unclear(understood.heard, understood.why)
    return Heard(understood.intent, understood.heard, understood.confidence, understood.why, understood.confirm)


def is_keyboard(source: TextIO) -> bool:
    """Whether a person types into ``source`` as the coach speaks (a terminal), rather than a script or a pipe."""
    try:
        return source.isatty()
    except (AttributeError, ValueError):  # no file behind it, or a closed one
        return False


def read_typed_lines(source: TextIO, understanding: Understanding, runner: Runner) -> threading.Thread:
    """Post what the user types to the runner, line by line, until end of input.

    At a keyboard each line goes at once, so "stop" cuts the coach mid-line.
    A script or a pipe holds all its lines at once: each line, and then the
    end of the input, goes when the coach is ready for the user (it has
    answered the line before and says nothing more), as a person would answer.
    A line is understood in the coach's context of that moment.
    """
    waits = not is_keyboard(source)

    def read() -> None:
        try:
            for raw in source:
                text = raw.strip()
                if not text:
                    continue
                if waits:
                    runner.wait_until_ready()
                runner.post(typed_event(understanding, runner.context, text))
        except (OSError, ValueError):  # the terminal went away (EIO), or the input was closed: it ended
            pass
        if waits:
            runner.wait_until_ready()
        runner.post(InputClosed())

    thread = threading.Thread(target=read, name="typed-input", daemon=True)
    thread.start()
    return thread
