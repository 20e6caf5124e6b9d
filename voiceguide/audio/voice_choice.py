"""Which voice speaks: Piper's natural voice by default, espeak-ng for any other voice and as the fallback.

Piper speaks when no voice was chosen or its own was (``joe``,
``en_US-joe-medium``); every other name is an espeak-ng voice (through
pyttsx3). When Piper cannot load, one sentence says why and espeak-ng's
American English voice takes over.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Union

from .errors import AudioError
from .natural_voice import NaturalVoice
from .piper_voice import VOICE_ID, VOICE_NAME, find_voice, is_piper_name
from .voice import Voice, VoiceInfo

SpeechVoice = Union[NaturalVoice, Voice]
FALLBACK_VOICE = "en-us"


def open_voice(
    name: str | None, rate_wpm: int, notice: Callable[[str], None], cache_folder: Path | None = None
) -> SpeechVoice:
    """The voice called ``name`` (None: the default), Piper's keeping its lines in ``cache_folder``
    (None: none); AudioError only when espeak-ng cannot speak either."""
    if name is None or is_piper_name(name):
        try:
            # One onnxruntime thread: on two cores, the other stays free for listening.
            return NaturalVoice(rate_wpm=rate_wpm, cache_folder=cache_folder, notice=notice, threads=1)
        except AudioError as error:
            notice(f"{str(error).rstrip('.')}; the coach speaks with espeak-ng's voice instead.")
        name = FALLBACK_VOICE
    return Voice(voice=name, rate_wpm=rate_wpm)


def natural_voice_problem() -> str | None:
    """Why the natural voice cannot be used here (one sentence), or None."""
    try:
        find_voice()
    except AudioError as error:
        return str(error)
    return None


def all_voices() -> list[tuple[VoiceInfo, str | None]]:
    """Every voice, the natural one first, then espeak-ng's with English first; each with why it cannot be used (or None)."""
    natural = VoiceInfo(VOICE_ID, VOICE_NAME, ("en-us",), "Male")
    try:
        with Voice() as espeak:
            others = espeak.list_voices()
    except AudioError:
        if natural_voice_problem() is not None:
            raise
        others = []
    english = [v for v in others if any(lang.lower().startswith("en") for lang in v.languages)]
    rest = [v for v in others if v not in english]
    return [(natural, natural_voice_problem())] + [(v, None) for v in english + rest]
