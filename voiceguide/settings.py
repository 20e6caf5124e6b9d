"""User settings in ``config.toml`` in the app's config folder (or a path passed in).

Read with tomllib, written with tomli-w. Loading never fails: a damaged
file is set aside as ``config.toml.broken-<timestamp>`` and the defaults are
used, an unreadable one gives the defaults, a bad value gives that setting's
default, each with a one-sentence warning. ``set_setting`` validates and raises
:class:`SettingsError` with one sentence naming the key and what is allowed.
Optional text settings are cleared with the value ``none`` (or an empty
string); they are then left out of the file (TOML has no null).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from .files import set_aside, write_atomically
from .folders import config_folder
from .recognizers.registry import CHOICES as ENGINE_CHOICES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FILE_NAME = "config.toml"
RATE_MIN, RATE_MAX = 80, 300
RATE_RULE = f"must be a whole number of words per minute from {RATE_MIN} to {RATE_MAX}"
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_HEADER = "# voiceguide settings: change them with `voiceguide config set KEY VALUE`.\n"


class SettingsError(ValueError):
    """A setting name or value that is not allowed (one clear sentence)."""


@dataclass(frozen=True)
class Settings:
    engine: str = "auto"  # auto or an engine of the registry
    model_path: str | None = None  # a recognizer model folder
    voice: str | None = None  # joe (Piper's natural voice) or a pyttsx3/espeak-ng voice id or name; None: the natural voice
    speech_rate: int = 150  # words per minute, 80-300
    input_device: str | None = None  # sounddevice name or index
    output_device: str | None = None
    level: str = "standard"  # gentle | standard | full
    between_exercises: str = "wait"  # wait | auto
    pause_on_unclear: bool = True


DEFAULTS = Settings()


def default_config_path() -> Path:
    return config_folder() / FILE_NAME


# ------------------------------------------------------------ validation


def _choice(key: str, allowed: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower() if isinstance(value, str) else None
        if text not in allowed:
            raise SettingsError(
                f"{key} must be one of {', '.join(allowed)}, not {value!r}."
            )
        return text

    return parse


def _optional_text(key: str, what: str) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # a device index
        if not isinstance(value, str):
            raise SettingsError(f"{key} must be {what} or none, not {value!r}.")
        text = value.strip()
        return None if text.lower() in ("", "none") else text

    return parse


def _model_path(value: Any) -> str | None:
    text = _optional_text("model_path", "a model folder")(value)
    if text is None:
        return None
    folder = Path(text).expanduser()
    if not folder.is_dir():
        raise SettingsError(
            f"model_path must be an existing folder holding a speech model (or none), "
            f"and {text!r} is not one."
        )
    return str(folder.resolve())


def parse_speech_rate(value: Any, name: str = "speech_rate") -> int:
    """A speaking rate in words per minute, RATE_MIN to RATE_MAX (the setting and ``--rate`` alike)."""
    rate: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        rate = value
    elif isinstance(value, str) and value.strip().isdigit():
        rate = int(value.strip())
    if rate is None or not RATE_MIN <= rate <= RATE_MAX:
        raise SettingsError(f"{name} {RATE_RULE}, not {value!r}.")
    return rate


def _flag(key: str) -> Callable[[Any], bool]:
    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = value.strip().lower() if isinstance(value, str) else None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise SettingsError(f"{key} must be true or false (yes/no, on/off), not {value!r}.")

    return parse


PARSERS: dict[str, Callable[[Any], Any]] = {
    "engine": _choice("engine", ENGINE_CHOICES),
    "model_path": _model_path,
    "voice": _optional_text("voice", "a voice name or id"),
    "speech_rate": parse_speech_rate,
    "input_device": _optional_text("input_device", "a device name or number"),
    "output_device": _optional_text("output_device", "a device name or number"),
    "level": _choice("level", ("gentle", "standard", "full")),
    "between_exercises": _choice("between_exercises", ("wait", "auto")),
    "pause_on_unclear": _flag("pause_on_unclear"),
}

ALLOWED: dict[str, str] = {
    "engine": ", ".join(ENGINE_CHOICES),
    "model_path": "a model folder, or none",
    "voice": "a voice name or id, or none",
    "speech_rate": f"{RATE_MIN} to {RATE_MAX} words per minute",
    "input_device": "a device name or number, or none",
    "output_device": "a device name or number, or none",
    "level": "gentle, standard, full",
    "between_exercises": "wait, auto",
    "pause_on_unclear": "true, false",
}

assert set(PARSERS) == {f.name for f in fields(Settings)} == set(ALLOWED)


def parse_value(key: str, value: Any) -> Any:
    """The validated value of ``key`` (a string from the CLI or a TOML value)."""
    parser = PARSERS.get(key)
    if parser is None:
        raise SettingsError(
            f"{key!r} is not a setting; the settings are {', '.join(PARSERS)}."
        )
    return parser(value)


# ------------------------------------------------------------- the file


def _read_table(path: Path) -> dict[str, Any]:
    """The file's table ({} if missing); raise OSError/ValueError if unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    return tomllib.loads(raw.decode("utf-8"))


def _read_or_set_aside(file: Path) -> tuple[dict[str, Any], str | None]:
    """The file's table and a warning; a damaged file is set aside (as the history's is), so it
    is kept for the user and the defaults are used. Raises OSError when it cannot be read at all
    (a folder, no permission)."""
    try:
        return _read_table(file), None
    except ValueError as error:  # not TOML, or not UTF-8
        try:
            moved = set_aside(file)
        except OSError as move_error:
            raise OSError(f"{error}; it cannot be moved aside ({move_error.strerror or move_error})") from error
        return {}, (
            f"The settings file {file} was damaged ({error}); it was moved to {moved.name} "
            "and the defaults are used."
        )


def load_settings(path: str | os.PathLike[str] | None = None) -> tuple[Settings, str | None]:
    """The settings and, if something in the file was wrong, one warning sentence."""
    file = Path(path) if path is not None else default_config_path()
    try:
        table, warning = _read_or_set_aside(file)
    except OSError as error:
        reason = error.strerror or error
        return DEFAULTS, f"The settings file {file} cannot be read ({reason}); using the defaults."
    if warning:
        return DEFAULTS, warning
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in table.items():
        try:
            values[key] = parse_value(key, value)
        except SettingsError:
            problems.append(key)
    if not problems:
        return replace(DEFAULTS, **values), None
    return replace(DEFAULTS, **values), (
        f"The settings file {file} has bad or unknown settings "
        f"({', '.join(problems)}); the defaults are used for them."
    )


def set_setting(
    key: str, value_str: str, path: str | os.PathLike[str] | None = None
) -> Settings:
    """Validate ``key = value_str``, save it, and return the new settings."""
    file = Path(path) if path is not None else default_config_path()
    value = parse_value(key, value_str)
    try:
        table, _ = _read_or_set_aside(file)  # a damaged file is set aside: `config set` starts a new one
    except OSError as error:
        raise SettingsError(
            f"The settings file {file} cannot be read ({error.strerror or error}); fix or delete it first."
        ) from error
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value
    _write_atomically(file, _HEADER + tomli_w.dumps(table))
    settings, _ = load_settings(file)
    return settings


def _write_atomically(file: Path, text: str) -> None:
    try:
        write_atomically(file, text)
    except OSError as error:
        raise SettingsError(
            f"The settings file {file} cannot be written ({error.strerror or error})."
        ) from error
