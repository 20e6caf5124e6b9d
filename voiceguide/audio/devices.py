"""Finding sound devices by index or name, with plain-sentence errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

import sounddevice as sd

from .errors import AudioError

DeviceSpec = Union[int, str, None]
Kind = Literal["input", "output"]


@dataclass(frozen=True)
class DeviceInfo:
    """One sound device as PortAudio sees it."""

    index: int
    name: str
    host_api: str
    max_input_channels: int
    max_output_channels: int
    default_sample_rate: float
    is_default_input: bool = False
    is_default_output: bool = False

    @property
    def is_input(self) -> bool:
        return self.max_input_channels > 0

    @property
    def is_output(self) -> bool:
        return self.max_output_channels > 0


def _default_index(kind: Kind) -> int:
    try:
        index = sd.default.device[0 if kind == "input" else 1]
        if index is None or index < 0:
            info = sd.query_devices(kind=kind)
            return int(info["index"])
        return int(index)
    except (sd.PortAudioError, ValueError, TypeError):
        return -1


def list_devices() -> list[DeviceInfo]:
    """Every input and output device PortAudio knows of (maybe none)."""
    try:
        raw = sd.query_devices()
        apis = sd.query_hostapis()
    except sd.PortAudioError as exc:
        raise AudioError(f"The sound system could not be queried ({exc}).") from exc
    default_in, default_out = _default_index("input"), _default_index("output")
    return [
        DeviceInfo(
            index=int(d["index"]),
            name=str(d["name"]),
            host_api=str(apis[d["hostapi"]]["name"]),
            max_input_channels=int(d["max_input_channels"]),
            max_output_channels=int(d["max_output_channels"]),
            default_sample_rate=float(d["default_samplerate"]),
            is_default_input=int(d["index"]) == default_in,
            is_default_output=int(d["index"]) == default_out,
        )
        for d in raw
    ]


def find_device(spec: DeviceSpec, kind: Kind) -> DeviceInfo:
    """The device ``spec`` names (index, exact name or part of a name).

    ``None`` means the system's default device of that kind.
    """
    role = "microphone" if kind == "input" else "speaker"
    devices = [d for d in list_devices() if (d.is_input if kind == "input" else d.is_output)]
    if not devices:
        raise AudioError(
            f"No audio {kind} device ({role}) was found: connect one, or check that "
            "the sound server (PulseAudio/PipeWire) is running."
        )
    if spec is None:
        chosen = [d for d in devices if (d.is_default_input if kind == "input" else d.is_default_output)]
        return chosen[0] if chosen else devices[0]
    if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
        index = int(spec)
        for d in devices:
            if d.index == index:
                return d
    else:
        wanted = spec.strip().lower()
        exact = [d for d in devices if d.name.lower() == wanted]
        if exact:
            return exact[0]
        partial = [d for d in devices if wanted in d.name.lower()]
        if len(partial) == 1:
            return partial[0]
        if len(partial) > 1:
            names = ", ".join(repr(d.name) for d in partial)
            raise AudioError(f"The {kind} device name {spec!r} is ambiguous: it matches {names}.")
    names = ", ".join(f"{d.index}: {d.name}" for d in devices)
    raise AudioError(
        f"No audio {kind} device matches {spec!r}; the {kind} devices are: {names} "
        "(see `voiceguide devices`)."
    )
