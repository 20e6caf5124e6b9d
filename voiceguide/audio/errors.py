"""The one error type of the audio edges."""

from __future__ import annotations


class AudioError(RuntimeError):
    """An audio device or the speech synthesiser cannot be used.

    The message is one plain sentence that tells the user what to do.
    """
