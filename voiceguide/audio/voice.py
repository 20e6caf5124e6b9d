"""Text to PCM with pyttsx3 (the espeak-ng driver on Linux).

pyttsx3 renders into a temporary WAV file (``save_to_file`` + ``runAndWait``)
which is read back as :class:`Pcm`; nothing is played here. One engine stays
alive for the life of the :class:`Voice`, rendered lines are kept in an LRU
cache (the coach repeats "Relax." and the countdown numbers), and
:meth:`Voice.prerender` warms that cache from a background thread.

If pyttsx3 cannot be used but the ``espeak-ng`` program exists, the program is
called with ``--stdout`` instead (``backend="auto"``).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, Union

import numpy as np

from .errors import AudioError
from .pcm import Pcm
from .wav import read_pcm

log = logging.getLogger(__name__)

Backend = Literal["auto", "pyttsx3", "espeak-ng"]
Line = Union[str, tuple[str, float]]

INSTALL_HINT = (
    "install espeak-ng: `sudo apt-get install espeak-ng` on Debian/Ubuntu, "
    "`brew install espeak-ng` on macOS"
)

RENDER_ATTEMPTS = 3
# espeak-ng renders far faster than real time (a 9 s line in about 8 ms here);
# a line not finished after this long means the synthesiser is stuck.
RENDER_TIMEOUT_S = 10.0

# libespeak-ng is one synthesiser per process (pyttsx3 keeps it alive and
# shares one engine per driver), so every use of it goes through this lock.
_ESPEAK_LOCK = threading.Lock()


@dataclass(frozen=True)
class VoiceInfo:
    """A voice the synthesiser offers."""

    id: str
    name: str
    languages: tuple[str, ...] = ()
    gender: str | None = None


class _Renderer(Protocol):
    name: str

    def render(self, text: str, voice: str, wpm: int) -> Pcm: ...

    def voices(self) -> list[VoiceInfo]: ...

    def close(self) -> None: ...


class _Pyttsx3Renderer:
    """pyttsx3 engine kept alive; each line goes through a temp WAV file."""

    name = "pyttsx3"

    def __init__(self) -> None:
        try:
            import pyttsx3
            import pyttsx3.drivers.espeak as espeak_driver  # noqa: F401  (Linux driver)
        except Exception as exc:  # missing libespeak-ng raises RuntimeError/OSError
            raise AudioError(f"pyttsx3 cannot load espeak-ng ({exc}); {INSTALL_HINT}.") from exc
        self._quiet(espeak_driver)
        try:
            with _ESPEAK_LOCK:
                self._engine = pyttsx3.init("espeak")
        except Exception as exc:
            raise AudioError(f"pyttsx3 could not start espeak-ng ({exc}); {INSTALL_HINT}.") from exc
        # The driver closes the WAV file, then says "finished-utterance" (from
        # espeak-ng's own thread): that, not runAndWait, says a line is done.
        self._finished = threading.Event()
        self._engine.connect("finished-utterance", lambda **_: self._finished.set())
        self._dir = Path(tempfile.mkdtemp(prefix="voiceguide-tts-"))
        self._wav = self._dir / "line.wav"
        self._current_voice: str | None = None

    @staticmethod
    def _quiet(module: object) -> None:
        # pyttsx3 2.99's espeak driver print()s "Audio saved to ..." for every
        # file; send that to the debug log instead of the user's captions.
        if getattr(module, "print", None) is None:
            setattr(module, "print", lambda *a, **k: log.debug(" ".join(map(str, a))))

    def render(self, text: str, voice: str, wpm: int) -> Pcm:
        with _ESPEAK_LOCK:
            if voice != self._current_voice:
                self._set("voice", voice)
                self._current_voice = voice
            # espeak-ng 1.51 applies espeak_SetParameter(RATE) unreliably
            # between lines (a new rate is sometimes ignored), so the rate
            # goes in as an embedded command ("\x01<wpm>S"), which always holds.
            for _ in range(RENDER_ATTEMPTS):
                pcm = self._render_once(f"\x01{wpm}S {text}")
                if pcm is not None and (len(pcm.samples) or not any(c.isalnum() for c in text)):
                    return pcm
            raise AudioError(f"pyttsx3 wrote no audio for {text!r}; {INSTALL_HINT}.")

    def _render_once(self, text: str) -> Pcm | None:
        # pyttsx3 2.99's first runAndWait in a process ends its loop before
        # espeak-ng (asynchronous in retrieval mode) has written the file: it
        # returns after one 10 ms tick, when the file is often not there yet
        # (6 first lines in 20 here) and may be half written (read so: a
        # crash in CI).
        # Saying it again while the first is still being made resets the
        # driver's buffer under it. So wait for the driver's own end of the
        # line; a line that still comes back without audio is said again
        # (not seen since this wait).
        self._wav.unlink(missing_ok=True)
        self._finished.clear()
        self._engine.save_to_file(text, str(self._wav))
        self._engine.runAndWait()
        if not self._finished.wait(RENDER_TIMEOUT_S):
            raise AudioError(f"espeak-ng did not finish a line in {RENDER_TIMEOUT_S:.0f} s; {INSTALL_HINT}.")
        try:
            return read_pcm(self._wav)
        except AudioError:  # no file, or not yet a whole one
            return None

    def _set(self, name: str, value: object) -> None:
        # pyttsx3 2.99 queues Engine.setProperty behind its run loop, where a
        # change can land after the next line was synthesised; the driver's
        # own setProperty acts at once, so use it when it exists.
        driver = getattr(getattr(self._engine, "proxy", None), "_driver", None)
        if driver is not None and hasattr(driver, "setProperty"):
            driver.setProperty(name, value)
        else:
            self._engine.setProperty(name, value)

    def voices(self) -> list[VoiceInfo]:
        with _ESPEAK_LOCK:
            found = self._engine.getProperty("voices")
        return [
            VoiceInfo(str(v.id), str(v.name), tuple(str(x) for x in v.languages), v.gender)
            for v in found
        ]

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


class _EspeakCliRenderer:
    """The ``espeak-ng`` program writing a WAV to its standard output."""

    name = "espeak-ng"

    def __init__(self) -> None:
        self._exe = shutil.which("espeak-ng") or shutil.which("espeak")
        if self._exe is None:
            raise AudioError(f"The espeak-ng program was not found; {INSTALL_HINT}.")

    def render(self, text: str, voice: str, wpm: int) -> Pcm:
        done = subprocess.run(
            [self._exe, "-v", voice, "-s", str(wpm), "--stdout", text],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0 or not done.stdout:
            raise AudioError(f"espeak-ng failed: {done.stderr.decode(errors='replace').strip()}.")
        # espeak-ng streams: the RIFF sizes are 0x7fffffff, so read by hand.
        data = done.stdout
        rate = int.from_bytes(data[24:28], "little")
        start = data.find(b"data") + 8
        return Pcm(np.frombuffer(data[start : len(data) - (len(data) - start) % 2], dtype="<i2"), rate)

    def voices(self) -> list[VoiceInfo]:
        out = subprocess.run([self._exe, "--voices"], capture_output=True, text=True, check=False)
        result = []
        for row in out.stdout.splitlines()[1:]:
            parts = row.split()
            if len(parts) >= 5:
                gender = {"M": "Male", "F": "Female"}.get(parts[2][-1:])
                result.append(VoiceInfo(parts[4], parts[3], (parts[1],), gender))
        return result

    def close(self) -> None:
        pass


def _make_renderer(backend: Backend) -> _Renderer:
    if backend == "espeak-ng":
        return _EspeakCliRenderer()
    try:
        return _Pyttsx3Renderer()
    except AudioError:
        if backend == "pyttsx3" or shutil.which("espeak-ng") is None:
            raise
        log.warning("pyttsx3 cannot use espeak-ng here; calling the espeak-ng program instead")
        return _EspeakCliRenderer()


def trim_silence(pcm: Pcm, threshold: int = 64, margin_s: float = 0.01) -> Pcm:
    """Drop the near-silence the synthesiser puts before and after a line."""
    loud = np.flatnonzero(np.abs(pcm.samples.astype(np.int32)) > threshold)
    if len(loud) == 0:
        return pcm
    margin = int(margin_s * pcm.sample_rate)
    start = max(0, loud[0] - margin)
    end = min(len(pcm.samples), loud[-1] + 1 + margin)
    return Pcm(pcm.samples[start:end], pcm.sample_rate)


@dataclass
class _Prerender:
    """Lines waiting to be rendered in the background, and the worker."""

    pending: deque[tuple[str, float]] = field(default_factory=deque)
    thread: threading.Thread | None = None
    idle: threading.Event = field(default_factory=threading.Event)


class Voice:
    """Renders lines of text to PCM, fast and cached.

    ``voice`` is an espeak-ng voice (``"en-us"``, ``"gmw/en"`` ...), ``rate_wpm``
    the base speaking rate in words per minute; ``render``'s
    ``rate_multiplier`` scales it per line.
    """

    def __init__(
        self,
        voice: str = "en-us",
        rate_wpm: int = 160,
        cache_size: int = 256,
        backend: Backend = "auto",
        trim: bool = True,
    ) -> None:
        self._renderer = _make_renderer(backend)
        self._voices = self._renderer.voices()
        self._voice = self._resolve(voice)
        self._rate_wpm = int(rate_wpm)
        self._trim = trim
        self._cache: OrderedDict[tuple[str, str, int], Pcm] = OrderedDict()
        self._cache_size = max(0, cache_size)
        self._lock = threading.Lock()  # guards the cache and the prerender state
        self._pre = _Prerender()
        self._pre.idle.set()
        self._closed = False

    # ------------------------------------------------------------ settings

    @property
    def backend(self) -> str:
        """``"pyttsx3"`` or ``"espeak-ng"`` (the program)."""
        return self._renderer.name

    @property
    def voice(self) -> str:
        return self._voice

    @voice.setter
    def voice(self, value: str) -> None:
        self._voice = self._resolve(value)

    def _resolve(self, wanted: str) -> str:
        """The id of the voice called ``wanted`` (id, short id, name or language)."""
        key = wanted.strip().lower()
        for match in (
            lambda v: v.id.lower() == key,
            lambda v: v.id.lower().rsplit("/", 1)[-1] == key,
            lambda v: v.name.lower() == key,
            lambda v: key in (lang.lower() for lang in v.languages),
        ):
            found = [v for v in self._voices if match(v)]
            if found:
                return found[0].id
        raise AudioError(f"espeak-ng has no voice {wanted!r}; try one of `voiceguide voices`, e.g. 'en-us'.")

    @property
    def rate_wpm(self) -> int:
        return self._rate_wpm

    @rate_wpm.setter
    def rate_wpm(self, value: int) -> None:
        if value <= 0:
            raise ValueError(f"rate must be positive, not {value}")
        self._rate_wpm = int(value)

    def list_voices(self) -> list[VoiceInfo]:
        """The voices espeak-ng offers."""
        return list(self._voices)

    # ------------------------------------------------------------ rendering

    def _key(self, text: str, rate_multiplier: float) -> tuple[str, str, int]:
        wpm = max(80, min(450, round(self._rate_wpm * rate_multiplier)))
        return (text.strip(), self._voice, wpm)

    def render(self, text: str, rate_multiplier: float = 1.0) -> Pcm:
        """The line spoken at ``rate_multiplier`` times the base rate."""
        if self._closed:
            raise AudioError("This Voice is closed.")
        key = self._key(text, rate_multiplier)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        pcm = self._renderer.render(*key)
        if self._trim:
            pcm = trim_silence(pcm)
        with self._lock:
            if self._cache_size:
                self._cache[key] = pcm
                self._cache.move_to_end(key)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return pcm

    def ready(self, text: str, rate_multiplier: float = 1.0) -> Pcm:
        """The line at once: espeak-ng renders far faster than real time, so it is always ready."""
        return self.render(text, rate_multiplier)

    def stream(self, text: str, rate_multiplier: float = 1.0) -> Iterator[Pcm]:
        """The line as one chunk (the speaker streams every voice the same way)."""
        yield self.render(text, rate_multiplier)

    def is_cached(self, text: str, rate_multiplier: float = 1.0) -> bool:
        with self._lock:
            return self._key(text, rate_multiplier) in self._cache

    def prerender(self, lines: Iterable[Line]) -> None:
        """Render ``lines`` (text, or (text, rate multiplier)) in the background."""
        items = [(x, 1.0) if isinstance(x, str) else (x[0], float(x[1])) for x in lines]
        with self._lock:
            if self._closed:
                return
            self._pre.pending.extend(items)
            self._pre.idle.clear()
            if self._pre.thread is None or not self._pre.thread.is_alive():
                self._pre.thread = threading.Thread(
                    target=self._prerender_worker, name="voice-prerender", daemon=True
                )
                self._pre.thread.start()

    def wait_prerendered(self, timeout: float | None = None) -> bool:
        """Wait until every line given to :meth:`prerender` is in the cache."""
        return self._pre.idle.wait(timeout)

    def _prerender_worker(self) -> None:
        while True:
            with self._lock:
                if self._closed or not self._pre.pending:
                    self._pre.pending.clear()
                    self._pre.idle.set()
                    return
                text, rate = self._pre.pending.popleft()
            try:
                self.render(text, rate)
            except AudioError as exc:
                log.warning("could not prerender %r: %s", text, exc)

    def close(self) -> None:
        """Stop prerendering and free the temp files (idempotent)."""
        with self._lock:
            self._closed = True
            thread = self._pre.thread
        if thread is not None:
            thread.join()
        self._renderer.close()

    def __enter__(self) -> Voice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
