"""The audio edges: text to PCM, PCM to the speaker, the microphone to frames.

No dialogue logic lives here; :class:`AudioSpeaker` is the first two as the
runner's speaker.
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
