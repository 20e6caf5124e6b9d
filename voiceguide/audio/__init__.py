"""The audio edges: text to PCM, PCM to the speaker, the microphone to frames.

:class:`AudioSpeaker` is the first two together as the runner's speaker. No
dialogue logic lives here.
"""

from .devices import DeviceInfo, DeviceSpec, find_device, list_devices
from .errors import AudioError
from .microphone import Frame, Microphone
from .pcm import Pcm, StreamResampler, resample
from .player import Player
from .speaker import AudioSpeaker
from .voice import Voice, VoiceInfo

__all__ = [
    "AudioError",
    "AudioSpeaker",
    "DeviceInfo",
    "DeviceSpec",
    "Frame",
    "Microphone",
    "Pcm",
    "Player",
    "StreamResampler",
    "Voice",
    "VoiceInfo",
    "find_device",
    "list_devices",
    "resample",
]
