"""Small file helpers shared by the settings and the voice memory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(file: Path, text: str) -> None:
    """Write ``text`` to ``file`` so that a reader sees the old file or the new one, never half of one.

    Raises OSError (the folder cannot be made, the disk is full...).
    """
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{file.name}-", dir=file.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
