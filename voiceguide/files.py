"""Small file helpers shared by the settings, the history and the voice memory."""

from __future__ import annotations

import os
import tempfile
import time
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


def set_aside(path: Path, companions: tuple[str, ...] = ()) -> Path:
    """Rename a damaged ``path`` to ``<name>.broken-<timestamp>`` (and each ``path + suffix``
    of ``companions`` alike), so it is kept for the user but no longer used; return the new name.

    Raises OSError.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    number = 1
    while target.exists():
        target = path.with_name(f"{path.name}.broken-{stamp}-{number}")
        number += 1
    os.replace(path, target)
    for suffix in companions:
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{target}{suffix}"))
    return target
