"""Whether the voice and the sound devices a user names are there.

Checked where the user names them (``voiceguide config set`` and the options
of ``voiceguide start``), so a typo is one sentence at once instead of a
surprise when a session starts. The rules are the ones the session uses:
the voice as the session picks it (the natural voice's names, or a pyttsx3 /
espeak-ng voice as :class:`voiceguide.audio.Voice` resolves it), a device as :func:`voiceguide.audio.find_device` finds it
in sounddevice's list.
"""

from __future__ import annotations

from typing import Any, Literal

from .settings import SettingsError


def check_voice(name: str) -> None:
    """Raise SettingsError (one sentence) unless the synthesiser has the voice ``name``."""
    from .audio import AudioError, Voice
    from .audio.piper_voice import is_piper_name

    if is_piper_name(name):  # the natural voice: if it cannot load, the session says so and espeak-ng speaks
        return
    try:
        with Voice(voice=name):
            pass
    except AudioError as error:
        raise SettingsError(str(error)) from None


def check_device(spec: str, kind: Literal["input", "output"]) -> None:
    """Raise SettingsError (one sentence) unless an ``input`` or ``output`` device matches ``spec``."""
    from .audio import AudioError, find_device

    try:
        find_device(spec, kind)
    except AudioError as error:
        raise SettingsError(str(error)) from None


def check_setting(key: str, value: Any) -> None:
    """Check a validated setting's value against this machine (a voice or a device); others pass."""
    if value is None:
        return
    if key == "voice":
        check_voice(str(value))
    elif key == "input_device":
        check_device(str(value), "input")
    elif key == "output_device":
        check_device(str(value), "output")
