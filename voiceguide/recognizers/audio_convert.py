"""WAV files of any common shape → 16 kHz mono int16 PCM, with numpy only.

Reads PCM WAV of 8/16/24/32-bit integers and 32/64-bit floats (also
WAVE_FORMAT_EXTENSIBLE), any sample rate and channel count, then downmixes
and resamples (band-limited, FFT based) to what the recognizers expect.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceguide.recognizers.base import RecognizerError

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
    """Decode a WAV file; raise RecognizerError when it is not one we can read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RecognizerError(f"Cannot read {path}: {error.strerror}; check the file name.") from error
    return decode_wav(data, name=str(path))


def decode_wav(data: bytes, name: str = "input") -> Audio:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise RecognizerError(f"{name} is not a WAV file; give a .wav recording (PCM or float).")
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
        raise RecognizerError(f"{name} is a damaged WAV file (no format or data chunk); record it again.")
    tag, channels, rate, bits = fmt
    if channels < 1 or rate < 1000:
        raise RecognizerError(f"{name} has an invalid WAV header ({channels} channels, {rate} Hz).")
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
    raise RecognizerError(
        f"{name} uses an unsupported WAV encoding (format {tag}, {bits} bits); "
        "convert it to 16-bit PCM."
    )


def to_mono16k(samples: np.ndarray, rate: int) -> np.ndarray:
    """Downmix to mono and resample to 16 kHz; returns int16 samples.

    ``samples`` is float in -1..1 or integer PCM, shape (frames,) or
    (frames, channels).
    """
    signal = np.asarray(samples)
    if np.issubdtype(signal.dtype, np.integer):
        scale = float(np.iinfo(signal.dtype).max) + 1.0
        signal = signal.astype(np.float64) / scale
    signal = signal.astype(np.float64)
    if signal.ndim == 2:
        signal = signal.mean(axis=1)
    signal = resample(signal, rate, TARGET_RATE)
    return np.clip(np.round(signal * 32767.0), -32768, 32767).astype(np.int16)


def resample(signal: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Band-limited resampling of a whole signal via the FFT."""
    if rate == target or signal.size == 0:
        return signal
    length = int(round(signal.size * target / rate))
    if length == 0:
        return np.zeros(0)
    spectrum = np.fft.rfft(signal)
    bins = length // 2 + 1
    if bins <= spectrum.size:
        spectrum = spectrum[:bins]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(bins - spectrum.size, complex)])
    return np.fft.irfft(spectrum, length) * (length / signal.size)


def wav_to_pcm16k(path: Path) -> bytes:
    """A WAV file as 16 kHz mono int16 little-endian bytes."""
    audio = read_wav(path)
    return to_mono16k(audio.samples, audio.rate).astype("<i2").tobytes()
