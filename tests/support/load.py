"""A busy machine for tests: processes that keep every core at work until stopped."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Matrix products: numpy's BLAS threads on every core, as a Whisper decode or a browser would.
_WORK = "import numpy as np\na = np.random.rand(2000, 2000)\nwhile True:\n    a @ a\n"


@contextmanager
def busy_machine(per_core: int = 3) -> Iterator[None]:
    """Keep ``per_core`` working processes per core running inside the ``with`` block."""
    workers = [
        subprocess.Popen([sys.executable, "-c", _WORK], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(per_core * (os.cpu_count() or 1))
    ]
    try:
        yield
    finally:
        for worker in workers:
            worker.kill()
        for worker in workers:
            worker.wait()
