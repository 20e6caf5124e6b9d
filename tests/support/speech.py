"""Synthesised speech for the tests and the benchmark: espeak-ng, Festival and flite voices."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from voiceguide.audio.wav import decode_wav, to_mono16k

SAMPLE_RATE = 16000
PADDING_SECONDS = 0.6
# Festival's HTS voice: the most natural of the voices here, the usual stand-in for a user.
FESTIVAL_USER = "festival:cmu_us_slt_arctic_hts"


def speech_wav(text: str, voice: str, rate: int = 160) -> bytes:
    """WAV bytes of ``text``: espeak-ng, Festival for a "festival:NAME" voice, flite for "flite:NAME"."""
    kind, _, name = voice.partition(":") if ":" in voice else ("espeak-ng", "", voice)
    program = {"festival": "text2wave", "flite": "flite"}.get(kind, "espeak-ng")
    if shutil.which(program) is None:
        raise RuntimeError(f"the voice {voice} needs {program}: `make test` installs it")
    if kind == "espeak-ng":
        return subprocess.run(["espeak-ng", "-v", name, "-s", str(rate), "--stdout", text], check=True, capture_output=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "speech.wav"
        if kind == "flite":
            command, given = ["flite", "-voice", name, "-t", text, "-o", str(path)], None
        else:
            command, given = ["text2wave", "-eval", f"(voice_{name})", "-o", str(path)], text.encode()
        subprocess.run(command, input=given, check=True, capture_output=True)
        return path.read_bytes()


def synthesise(text: str, voice: str = "en-us", rate: int = 160) -> np.ndarray:
    """Speech at 16 kHz (int16), with ``PADDING_SECONDS`` of silence before and after."""
    audio = decode_wav(speech_wav(text, voice, rate), name=f"speech of {voice}")
    speech = to_mono16k(audio.samples, audio.rate)
    pad = np.zeros(int(PADDING_SECONDS * SAMPLE_RATE), dtype=np.int16)
    return np.concatenate([pad, speech, pad])


def speech_file(text: str, voice: str = "en-us", rate: int = 160, out_dir: str | Path | None = None) -> Path:
    """A WAV file of ``text`` (cached by text, voice and rate), to play into a microphone."""
    folder = Path(out_dir) if out_dir else Path(tempfile.gettempdir()) / "voiceguide-test-speech"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha1(f'{voice}|{rate}|{text}'.encode()).hexdigest()[:16]}.wav"
    if not path.exists():
        tmp = path.with_suffix(".tmp.wav")
        tmp.write_bytes(speech_wav(text, voice, rate))
        tmp.replace(path)
    return path
