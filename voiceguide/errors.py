"""How every command reports a problem the user can fix: one line on standard error.

The style is ``voiceguide: <one sentence that says what to do>``, with no
traceback and no internal names. A command function either raises
:class:`UserError` (``voiceguide.cli.main`` prints it and exits with 2) or
calls :func:`print_error` itself and returns its exit code.
"""

from __future__ import annotations

import sys
from typing import TextIO

PROGRAM = "voiceguide"
EXIT_USAGE = 2  # a mistake in what the user asked for (argparse uses 2 as well)


class UserError(Exception):
    """A problem the user can fix; the message is one sentence that says how."""


def print_error(message: str, stream: TextIO | None = None) -> None:
    """Print ``voiceguide: message`` on standard error (or ``stream``)."""
    text = " ".join(message.split())
    if not text.startswith(f"{PROGRAM}: "):
        text = f"{PROGRAM}: {text}"
    print(text, file=stream or sys.stderr, flush=True)
