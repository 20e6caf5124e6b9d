"""The audio edges: text to PCM, PCM to the speaker, the microphone to frames.

No dialogue logic lives here; the runner wires these to the coach.
"""

from .devices import DeviceInfo, DeviceSpec, find_device, list_devices
from .errors import AudioError
from .microphone import Frame, Microphone
from .pcm import Pcm, StreamResampler, resample
from .player import Player
from .voice import Voice, VoiceInfo

__all__ = [
    "AudioError",
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
