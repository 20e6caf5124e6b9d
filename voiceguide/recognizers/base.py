"""The one small interface every speech recognizer shares.

Feed 16 kHz mono int16 little-endian PCM of any chunk size to
:meth:`Recognizer.accept`; get back a partial :class:`Hypothesis` when the
partial text changed, a final one when an utterance ended (endpoint), or
None. A final hypothesis with ``text == ""`` means speech was heard but it
was not one of the grammar's sentences ("[unk]", out of grammar): the coach
treats it as *unclear*. Silence, and a blip too short to be speech, give no
final at all.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

SAMPLE_RATE = 16000  # every recognizer hears 16 kHz mono int16 PCM


class RecognizerError(Exception):
    """A problem the user can fix; the message is one sentence saying how."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Hypothesis:
    """What the recognizer thinks was said so far (partial) or in the end (final).

    ``text`` is a grammar sentence (or "" for speech outside the grammar);
    ``heard`` is what the engine heard in its own words, when it can tell
    (Whisper's free transcript), so that a pain word outside the grammar
    still reaches the coach, and words outside the grammar can be understood
    by meaning.
    """

    text: str
    final: bool
    confidence: float
    heard: str = ""
    heard_confidence: float = 1.0  # how sure the engine is of ``heard`` (Whisper: its mean token probability)
    maybe: str = ""  # a stop or pain sentence this may yet turn out to be, once the word is over


class Recognizer(ABC):
    """Streaming recognizer over a closed vocabulary."""

    name: str = "recognizer"
    sample_rate: int = SAMPLE_RATE

    @abstractmethod
    def accept(self, pcm: bytes, echo_only: bool = False) -> Hypothesis | None:
        """Feed PCM; a final at an endpoint, a partial when it changed, else None.

        ``echo_only``: the echo canceller found nothing in this audio but
        what it left of the coach's voice. It is no one speaking: it must
        not start an utterance, and it counts as silence inside one.
        """

    @abstractmethod
    def flush(self) -> Hypothesis | None:
        """Force the final result of everything fed so far (None if nothing was heard)."""

    @abstractmethod
    def reset(self) -> None:
        """Forget the utterance in progress."""

    def listen_live(self) -> None:
        """The audio comes from a microphone as it is spoken: the engine may spend spare CPU so it answers sooner.

        Not called for files (``voiceguide transcribe``, the benchmark's accuracy run), which have no idle time to fill.
        """

    def on_pause(self, hook: Callable[[float], None] | None) -> None:
        """Have ``hook`` called with the utterance's length so far (seconds) as its speech first pauses, where a word said
        alone ends, before the engine decodes it: the listener can hush the coach a decode sooner. Engines that decode no
        pause never call it."""

    def adaptation(self) -> str | None:
        """What the engine has learnt of the voice and room so far, to start a later session from.

        None when the engine keeps nothing between sessions.
        """
        return None

    def adapt(self, state: str) -> bool:
        """Start from ``state``, kept from an earlier session; False if it does not fit this engine."""
        return False
