"""The audio edges: text to PCM, PCM to the speaker, the microphone to frames.

:class:`AudioSpeaker` is the first two together as the runner's speaker. No
dialogue logic lives here.

The names are imported when first used: the voice's worker process
(:mod:`.prerender`) imports this package, and must not start PortAudio
(sounddevice does on import) to render lines.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import AudioError

if TYPE_CHECKING:
    from .devices import DeviceInfo, DeviceSpec, find_device, list_devices
    from .microphone import Frame, Microphone
    from .pcm import Pcm, StreamResampler, resample
    from .player import Player
    from .speaker import AudioSpeaker
    from .voice import Voice, VoiceInfo

_WHERE = {
    "DeviceInfo": "devices",
    "DeviceSpec": "devices",
    "find_device": "devices",
    "list_devices": "devices",
    "Frame": "microphone",
    "Microphone": "microphone",
    "Pcm": "pcm",
    "StreamResampler": "pcm",
    "resample": "pcm",
    "Player": "player",
    "AudioSpeaker": "speaker",
    "Voice": "voice",
    "VoiceInfo": "voice",
}

__all__ = ["AudioError", *_WHERE]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
