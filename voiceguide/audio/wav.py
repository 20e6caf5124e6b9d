"""WAV files: reading any common shape, and writing 16-bit mono.

Reads PCM WAV of 8/16/24/32-bit integers and 32/64-bit floats (also
WAVE_FORMAT_EXTENSIBLE), any sample rate and channel count; downmixes and
resamples (:func:`voiceguide.audio.pcm.resample`, the same as the live audio)
to what the recognizers expect.
"""

from __future__ import annotations

import struct
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import AudioError
from .pcm import Pcm, resample_float, to_int16

TARGET_RATE = 16000

_PCM = 1
_FLOAT = 3
_EXTENSIBLE = 0xFFFE


@dataclass(frozen=True)
class Audio:
    """Decoded audio: float32 samples in -1..1, shape (frames, channels)."""

    samples: np.ndarray
    rate: int

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def duration(self) -> float:
        return self.samples.shape[0] / self.rate


def read_wav(path: Path) -> Audio:
    """Decode a WAV file; raise AudioError when it is not one we can read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AudioError(f"Cannot read {path}: {error.strerror}; check the file name.") from error
    return decode_wav(data, name=str(path))


def decode_wav(data: bytes, name: str = "input") -> Audio:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError(f"{name} is not a WAV file; give a .wav recording (PCM or float).")
    fmt: tuple[int, int, int, int] | None = None
    payload: bytes | None = None
    offset = 12
    while offset + 8 <= len(data):
        chunk_id = data[offset : offset + 4]
        (size,) = struct.unpack_from("<I", data, offset + 4)
        body = data[offset + 8 : offset + 8 + size]
        if chunk_id == b"fmt " and len(body) >= 16:
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
            if tag == _EXTENSIBLE and len(body) >= 26:
                (tag,) = struct.unpack_from("<H", body, 24)
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            payload = body
        offset += 8 + size + (size & 1)
    if fmt is None or payload is None:
        raise AudioError(f"{name} is a damaged WAV file (no format or data chunk); record it again.")
    tag, channels, rate, bits = fmt
    if channels < 1 or rate < 1000:
        raise AudioError(f"{name} has an invalid WAV header ({channels} channels, {rate} Hz).")
    samples = _decode_samples(payload, tag, bits, name)
    frames = len(samples) // channels
    return Audio(samples[: frames * channels].reshape(frames, channels), rate)


def _decode_samples(payload: bytes, tag: int, bits: int, name: str) -> np.ndarray:
    width = bits // 8
    payload = payload[: len(payload) - len(payload) % max(width, 1)]
    if tag == _PCM and bits == 8:
        return (np.frombuffer(payload, np.uint8).astype(np.float32) - 128.0) / 128.0
    if tag == _PCM and bits == 16:
        return np.frombuffer(payload, "<i2").astype(np.float32) / 32768.0
    if tag == _PCM and bits == 24:
        raw = np.frombuffer(payload, np.uint8).reshape(-1, 3).astype(np.int32)
        value = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        return value.astype(np.float32) / float(1 << 23)
    if tag == _PCM and bits == 32:
        return (np.frombuffer(payload, "<i4").astype(np.float64) / 2147483648.0).astype(np.float32)
    if tag == _FLOAT and bits in (32, 64):
        return np.frombuffer(payload, "<f4" if bits == 32 else "<f8").astype(np.float32)
    raise AudioError(
        f"{name} uses an unsupported WAV encoding (format {tag}, {bits} bits); "
        "convert it to 16-bit PCM."
    )


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Float or integer samples, shape (frames,) or (frames, channels), as mono int16."""
    return to_int16(_mono_float(samples) * 32767.0)


def to_mono16k(samples: np.ndarray, rate: int) -> np.ndarray:
    """Downmix to mono and resample to 16 kHz; returns int16 samples."""
    return to_int16(resample_float(_mono_float(samples), rate, TARGET_RATE) * 32767.0)


def _mono_float(samples: np.ndarray) -> np.ndarray:
    signal = np.asarray(samples)
    if np.issubdtype(signal.dtype, np.integer):
        signal = signal.astype(np.float64) / (float(np.iinfo(signal.dtype).max) + 1.0)
    signal = signal.astype(np.float64)
    return signal.mean(axis=1) if signal.ndim == 2 else signal


def read_pcm(path: Path) -> Pcm:
    """A WAV file as mono 16-bit PCM at its own rate."""
    audio = read_wav(path)
    return Pcm(to_mono(audio.samples), audio.rate)


def wav_to_pcm16k(path: Path) -> bytes:
    """A WAV file as 16 kHz mono int16 little-endian bytes."""
    audio = read_wav(path)
    return to_mono16k(audio.samples, audio.rate).astype("<i2").tobytes()


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    """Write mono int16 samples as a 16-bit WAV file."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return Path(path)
