"""Rendered lines on disk, so that later sessions never wait for the synthesiser.

One file per line, named by the SHA-256 of what the audio depends on: the
text, the voice, the pace (Piper's length scale) and the synthesiser's
version. A file holds a small header (sample rate, sample count, the
SHA-256 of the samples) and the samples; one that does not check out is
removed and the line rendered again. Files are written whole or not at all
(written aside, then renamed), so a worker rendering into the same folder,
or a killed session, never leaves half a line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .pcm import Pcm

log = logging.getLogger(__name__)

MAGIC = b"VGLINE1\0"
_HEADER = struct.Struct("<8sIQ32s")  # magic, sample rate, sample count, SHA-256 of the samples


@dataclass(frozen=True)
class LineKey:
    """What a rendered line depends on."""

    text: str
    voice: str
    scale: float
    version: str

    @property
    def digest(self) -> str:
        spec = json.dumps([self.text.strip(), self.voice, f"{self.scale:.3f}", self.version])
        return hashlib.sha256(spec.encode("utf-8")).hexdigest()


class CacheUnwritable(OSError):
    """The cache folder cannot be made or written."""


class LineCache:
    """A folder of rendered lines; :class:`CacheUnwritable` from the constructor when it cannot be written."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            probe = tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe-", delete=True)
            probe.close()
        except OSError as error:
            raise CacheUnwritable(error.errno, error.strerror or str(error), str(self.folder)) from error

    def path(self, key: LineKey) -> Path:
        return self.folder / f"{key.digest}.line"

    def __contains__(self, key: LineKey) -> bool:
        return self.path(key).is_file()

    def get(self, key: LineKey) -> Pcm | None:
        """The line, or None when it is not there or not whole (a damaged file is removed)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        pcm = _decode(data)
        if pcm is None:
            log.warning("the cached line %s is damaged; it will be rendered again", path.name)
            path.unlink(missing_ok=True)
        return pcm

    def put(self, key: LineKey, pcm: Pcm) -> None:
        """Store the line; raises OSError when the folder cannot be written."""
        samples = pcm.samples.astype("<i2").tobytes()
        header = _HEADER.pack(MAGIC, pcm.sample_rate, len(pcm.samples), hashlib.sha256(samples).digest())
        handle, temporary = tempfile.mkstemp(prefix=".line-", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(header + samples)
            os.replace(temporary, self.path(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _decode(data: bytes) -> Pcm | None:
    if len(data) < _HEADER.size:
        return None
    magic, rate, count, digest = _HEADER.unpack_from(data)
    samples = data[_HEADER.size :]
    if magic != MAGIC or rate <= 0 or len(samples) != 2 * count or hashlib.sha256(samples).digest() != digest:
        return None
    return Pcm(np.frombuffer(samples, dtype="<i2"), rate)
