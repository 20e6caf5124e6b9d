"""The runner: feeds events into the coach and carries out its actions.

Input (typed lines or the microphone) and the speaker post events from
their own threads into the runner's queue, which stamps each with its time;
its loop hands them to the coach one at a time, keeps the coach's single
timer, and passes speech to a :class:`Speaker`. Text mode and hands-free mode share
it unchanged; only the speaker and the input differ.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from .action_interpreter import carry_out
from .coach import Coach
from .events import Begin, DeviceLost, EndSession, Event, Record, Say, SetTimer, SpeechDone, TimerFired


class Speaker(Protocol):
    """Speaks lines in order; ``cut`` silences it at once and drops the queue."""

    def say(self, line: Say, on_done: Callable[[int], None]) -> None: ...

    def cut(self) -> None: ...

    def idle(self) -> bool: ...

    def close(self) -> None: ...


class Journal(Protocol):
    """Where session events are written down as they happen."""

    def record(self, record: Record) -> None: ...


class NullJournal:
    def record(self, record: Record) -> None:
        pass


@dataclass(frozen=True)
class InputClosed:
    """The user's input ended (end of a piped script, Ctrl-D, or the device is gone)."""

    reason: str = ""


SAVED = "What you did so far is saved; say yes next time to continue where you left off."


class Runner:
    """Runs one session; carries out the coach's actions (an :class:`~voiceguide.action_interpreter.ActionHandler`)."""

    def __init__(
        self,
        coach: Coach,
        speaker: Speaker,
        journal: Journal | None = None,
        speed: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        notice: Callable[[str], None] | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.coach = coach
        self.speaker = speaker
        self.journal = journal or NullJournal()
        self.speed = speed
        self.clock = clock  # for the timer: monotonic
        self.wall_clock = wall_clock  # the events' time, which the coach writes into the history: dates
        self.notice = notice or (lambda message: None)
        self.events: queue.Queue[Event | InputClosed] = queue.Queue()
        self.context = coach.context  # what the coach waits for; read by the input threads, set after each event
        self.ended: EndSession | None = None
        self.input_closed = False
        self.stopped_early = False  # Ctrl-C or end of input ended the session before the coach did
        self._timer: tuple[float, int] | None = None
        # What speaks when the speaker device is lost (text captions, say).
        self.fallback_speaker: Callable[[], Speaker] | None = None
        # How far the loop is, for wait_until_ready: events posted and handled, begun, over.
        self._progress = threading.Condition()
        self._posted = 0
        self._handled = 0
        self._begun = False
        self._over = False

    def post(self, event: Event | InputClosed) -> None:
        """Hand an event to the loop, stamped with the time it is queued; safe from any thread."""
        if not isinstance(event, InputClosed):
            event = replace(event, at=self.wall_clock())
        with self._progress:
            self._posted += 1
        self.events.put(event)

    def wait_until_ready(self, settle: float = 0.005) -> None:
        """Block until the coach is ready for the user, or the session is over.

        Ready: the coach has begun, has handled every event posted so far,
        and the speaker is silent. The state must hold across ``settle``
        seconds, since a speaker can fall silent just before it posts
        SpeechDone. The speaker is asked outside the lock: it posts from its
        own thread while holding its own.
        """
        while True:
            with self._progress:
                if self._over:
                    return
                seen = self._handled if self._begun and self._handled == self._posted else None
            if seen is not None and self.speaker.idle():
                time.sleep(settle)
                idle = self.speaker.idle()
                with self._progress:
                    if self._over or (idle and self._handled == self._posted == seen):
                        return
            with self._progress:
                self._progress.wait(0.02)

    def run(self) -> EndSession | None:
        """Run the session; the EndSession, or None when the user left early."""
        try:
            self._handle(Begin(at=self.wall_clock()))
            with self._progress:
                self._begun = True
            while not self._finished():
                self._wait_for_event()
        except KeyboardInterrupt:
            self._stop_early("keyboard interrupt", f"Stopped. {SAVED}")
        finally:
            with self._progress:
                self._over = True
                self._progress.notify_all()
            self.speaker.close()
        return self.ended

    def _stop_early(self, reason: str, message: str) -> None:
        """End the session now, as the user left it: nothing more is said or counted."""
        self.speaker.cut()
        self._timer = None
        self.journal.record(Record("interrupted", self.wall_clock(), {"reason": reason}))
        self.stopped_early = True
        self.notice(message)

    def _finished(self) -> bool:
        if self.stopped_early:
            return True
        if self.ended is not None:
            return self.speaker.idle() and self.events.empty()
        return False

    def _wait_for_event(self) -> None:
        timeout = 0.05
        if self._timer is not None:
            timeout = min(timeout, max(0.0, self._timer[0] - self.clock()))
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            event = None
        if event is not None:
            self._take(event)
        if self.stopped_early:
            return
        if self._timer is not None and self.clock() >= self._timer[0]:
            token = self._timer[1]
            self._timer = None
            self._handle(TimerFired(token, at=self.wall_clock()))

    def _take(self, event: Event | InputClosed) -> None:
        """One posted event, counted as handled once the coach has answered it."""
        try:
            if isinstance(event, InputClosed):
                self.input_closed = True
                if event.reason:
                    self.notice(event.reason)
                if self.ended is None:  # the user is gone: like Ctrl-C, the session ends here
                    self._stop_early("end of input", f"Input ended, so the session stopped here. {SAVED}")
            else:
                self._handle(event)
        finally:
            with self._progress:
                self._handled += 1
                self._progress.notify_all()

    def _handle(self, event: Event) -> None:
        if isinstance(event, DeviceLost) and event.what == "speaker" and self.fallback_speaker is not None:
            self.speaker.cut()
            self.speaker = self.fallback_speaker()
            self.fallback_speaker = None
        carry_out(self.coach.handle(event), self)
        self.context = self.coach.context

    # Carrying out the coach's actions.

    def speak(self, line: Say) -> None:
        self.speaker.say(line, self._speech_done)

    def cut_speech(self) -> None:
        self.speaker.cut()

    def set_timer(self, timer: SetTimer) -> None:
        self._timer = (self.clock() + timer.seconds / self.speed, timer.token)

    def cancel_timer(self) -> None:
        self._timer = None

    def record(self, record: Record) -> None:
        self.journal.record(record)

    def end_session(self, end: EndSession) -> None:
        self.ended = end

    def _speech_done(self, utterance_id: int) -> None:
        self.post(SpeechDone(utterance_id))
