"""User settings in ``config.toml`` in the app's config folder (or a path passed in).

Each setting is defined once, as a field of :class:`Settings` (a pydantic
dataclass): its type, its rule (what it may be, and how a string from the
command line or a TOML value is read) and its default. Read with tomllib,
written with tomli-w. Loading never fails: a damaged file is set aside as
``config.toml.broken-<timestamp>`` and the defaults are used, an unreadable
one gives the defaults, a bad value gives that setting's default, each with
a one-sentence warning. ``set_setting`` validates and raises
:class:`SettingsError` with one sentence naming the key and what is allowed.
Optional text settings are cleared with the value ``none`` (or an empty
string); they are then left out of the file (TOML has no null).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import tomli_w
from pydantic import ConfigDict, GetCoreSchemaHandler, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass as pydantic_dataclass
from pydantic_core import PydanticCustomError, core_schema

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


# ------------------------------------------------------------ the rules


@dataclass(frozen=True)
class _Rule:
    """What a setting may be: ``allowed``, as ``voiceguide config`` lists it, and ``parse``, which reads a
    string from the command line or a TOML value and raises :func:`_refused` for anything else. Our own
    parsing rather than pydantic's coercion, so yes/off, none, case, a device index given as a number,
    and a bool that is not a number, are read as they always were."""

    allowed: str
    parse: Callable[[Any], Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.parse)


def _refused(rule: str, value: Any) -> PydanticCustomError:
    """A value a rule does not take; the setting's name goes before it (see :func:`_sentence`)."""
    return PydanticCustomError("setting", f"{rule}, not {value!r}")


def _choice(*choices: str) -> _Rule:
    """One of a few words, in any case."""

    def parse(value: Any) -> str:
        text = value.strip().lower() if isinstance(value, str) else None
        if text not in choices:
            raise _refused(f"must be one of {', '.join(choices)}", value)
        return text

    return _Rule(", ".join(choices), parse)


def _optional_text(what: str) -> _Rule:
    """Some text, or none (``none`` or an empty string); a number is taken as text (a device index)."""

    def parse(value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise _refused(f"must be {what} or none", value)
        text = value.strip()
        return None if text.lower() in ("", "none") else text

    return _Rule(f"{what}, or none", parse)


def _model_folder() -> _Rule:
    """An existing folder, kept as its resolved path, or none."""
    text_rule = _optional_text("a model folder")

    def parse(value: Any) -> str | None:
        text = text_rule.parse(value)
        if text is None:
            return None
        folder = Path(text).expanduser()
        if not folder.is_dir():
            raise PydanticCustomError(
                "setting", f"must be an existing folder holding a speech model (or none), and {text!r} is not one"
            )
        return str(folder.resolve())

    return _Rule(text_rule.allowed, parse)


def _rate(value: Any) -> int:
    """Words per minute, a whole number from RATE_MIN to RATE_MAX."""
    rate: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        rate = value
    elif isinstance(value, str) and value.strip().isdigit():
        rate = int(value.strip())
    if rate is None or not RATE_MIN <= rate <= RATE_MAX:
        raise _refused(RATE_RULE, value)
    return rate


def _flag(value: Any) -> bool:
    """True or false, also as yes/no, on/off, 1/0."""
    if isinstance(value, bool):
        return value
    text = value.strip().lower() if isinstance(value, str) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _refused("must be true or false (yes/no, on/off)", value)


_SpeechRate = Annotated[int, _Rule(f"{RATE_MIN} to {RATE_MAX} words per minute", _rate)]
_Device = Annotated[str | None, _optional_text("a device name or number")]


# ------------------------------------------------------------ the settings


@pydantic_dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Settings:
    """The user's settings, each defined here once: its type, its rule (what it may be) and its default."""

    engine: Annotated[str, _choice(*ENGINE_CHOICES)] = "auto"  # auto or an engine of the registry
    model_path: Annotated[str | None, _model_folder()] = None  # a recognizer model folder
    # joe (Piper's natural voice) or a pyttsx3/espeak-ng voice id or name; None: the natural voice
    voice: Annotated[str | None, _optional_text("a voice name or id")] = None
    speech_rate: _SpeechRate = 150
    input_device: _Device = None  # sounddevice name or index
    output_device: _Device = None
    level: Annotated[str, _choice("gentle", "standard", "full")] = "standard"
    between_exercises: Annotated[str, _choice("wait", "auto")] = "wait"
    pause_on_unclear: Annotated[bool, _Rule("true, false", _flag)] = True


DEFAULTS = Settings()
# What each setting may be, for `voiceguide config` (read from the fields' rules).
ALLOWED: dict[str, str] = {
    name: next(rule.allowed for rule in field.metadata if isinstance(rule, _Rule))
    for name, field in Settings.__pydantic_fields__.items()
}
_TABLE = TypeAdapter(Settings)  # a whole file's table at once
_SPEECH_RATE = TypeAdapter(_SpeechRate)


def _sentence(error: ValidationError, name: str = "") -> SettingsError:
    """The one sentence for the first value refused: '<setting> <what it must be>, not <value>.'"""
    first = error.errors()[0]
    return SettingsError(f"{name or first['loc'][0]} {first['msg']}.")


def default_config_path() -> Path:
    return config_folder() / FILE_NAME


def parse_speech_rate(value: Any, name: str = "speech_rate") -> int:
    """A speaking rate in words per minute, RATE_MIN to RATE_MAX (the setting and ``--rate`` alike)."""
    try:
        return _SPEECH_RATE.validate_python(value)
    except ValidationError as error:
        raise _sentence(error, name) from None


def parse_value(key: str, value: Any) -> Any:
    """The validated value of ``key`` (a string from the CLI or a TOML value)."""
    if key not in ALLOWED:
        raise SettingsError(f"{key!r} is not a setting; the settings are {', '.join(ALLOWED)}.")
    try:
        return getattr(_TABLE.validate_python({key: value}), key)
    except ValidationError as error:
        raise _sentence(error) from None


def _from_table(table: dict[str, Any]) -> tuple[Settings, list[str]]:
    """The settings a file's table gives, and its keys left at their defaults (bad or unknown), in file order."""
    try:
        return _TABLE.validate_python(table), []
    except ValidationError as error:
        refused = {problem["loc"][0] for problem in error.errors()}
    kept = {key: value for key, value in table.items() if key not in refused}
    return _TABLE.validate_python(kept), [key for key in table if key in refused]


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
    settings, problems = _from_table(table)
    if not problems:
        return settings, None
    return settings, (
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
