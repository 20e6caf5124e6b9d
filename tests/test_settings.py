"""Settings: defaults, validation, the TOML file and ``voiceguide config``."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
from rich.console import Console

from voiceguide import settings_cli
from voiceguide.settings import (
    DEFAULTS,
    Settings,
    SettingsError,
    default_config_path,
    load_settings,
    set_setting,
    tomllib,
)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


def test_defaults() -> None:
    s = Settings()
    assert (s.engine, s.model_path, s.voice, s.speech_rate) == ("auto", None, None, 150)
    assert (s.input_device, s.output_device) == (None, None)
    assert (s.level, s.between_exercises, s.pause_on_unclear) == ("standard", "wait", True)
    with pytest.raises(AttributeError):
        s.speech_rate = 200  # type: ignore[misc]


def test_missing_file_gives_defaults_without_warning(config: Path) -> None:
    assert load_settings(config) == (DEFAULTS, None)


def test_path_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEGUIDE_CONFIG_DIR", str(tmp_path / "c"))
    assert default_config_path() == tmp_path / "c" / "config.toml"
    set_setting("level", "gentle")
    assert load_settings()[0].level == "gentle"


def test_set_and_load_round_trip(config: Path, tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    assert set_setting("engine", "Vosk", config).engine == "vosk"
    set_setting("model_path", str(model), config)
    set_setting("voice", "en-gb", config)
    set_setting("speech_rate", "180", config)
    set_setting("input_device", "3", config)
    set_setting("output_device", "USB Headset [hw:1]", config)
    set_setting("level", "full", config)
    set_setting("between_exercises", "auto", config)
    final = set_setting("pause_on_unclear", "off", config)
    expected = Settings(
        engine="vosk", model_path=str(model.resolve()), voice="en-gb", speech_rate=180,
        input_device="3", output_device="USB Headset [hw:1]", level="full",
        between_exercises="auto", pause_on_unclear=False,
    )
    assert final == expected
    assert load_settings(config) == (expected, None)
    table = tomllib.loads(config.read_text())
    assert table["speech_rate"] == 180 and table["pause_on_unclear"] is False
    # "none" clears an optional setting, and it leaves the file
    assert set_setting("voice", "none", config).voice is None
    assert "voice" not in tomllib.loads(config.read_text())


BAD_VALUES = [
    ("engine", "klingon", "whisper"),
    ("speech_rate", "79", "80"),
    ("speech_rate", "301", "300"),
    ("speech_rate", "fast", "words per minute"),
    ("speech_rate", "150.5", "80"),
    ("level", "hard", "gentle"),
    ("between_exercises", "never", "wait"),
    ("pause_on_unclear", "maybe", "true"),
    ("model_path", "/no/such/folder/anywhere", "folder"),
]


@pytest.mark.parametrize(("key", "value", "allowed"), BAD_VALUES)
def test_bad_values_name_the_key(config: Path, key: str, value: str, allowed: str) -> None:
    with pytest.raises(SettingsError) as caught:
        set_setting(key, value, config)
    message = str(caught.value)
    assert key in message and allowed in message
    assert "\n" not in message and message.endswith(".")
    assert not config.exists()  # nothing written


def test_unknown_key(config: Path) -> None:
    with pytest.raises(SettingsError, match="'colour' is not a setting.*speech_rate"):
        set_setting("colour", "blue", config)


@pytest.mark.parametrize(
    "content",
    [b"engine = \n", b"speech_rate = [1, 2\n", b"\xff\xfe not utf-8", b"[engine]\nx=1\n="],
)
def test_a_damaged_file_is_set_aside_with_defaults_and_a_warning(config: Path, content: bytes) -> None:
    config.parent.mkdir(parents=True)
    config.write_bytes(content)
    settings, warning = load_settings(config)
    assert settings == DEFAULTS
    aside = [path for path in config.parent.iterdir() if path.name.startswith("config.toml.broken-")]
    assert len(aside) == 1 and aside[0].read_bytes() == content  # kept whole, never overwritten
    assert not config.exists()
    assert warning is not None and str(config) in warning and aside[0].name in warning and "defaults" in warning
    assert "\n" not in warning
    assert load_settings(config) == (DEFAULTS, None)  # said once


@pytest.mark.parametrize("content", [b"engine = \n", b"\xff\xfe not utf-8"])
def test_set_works_after_a_damaged_file_is_set_aside(config: Path, content: bytes) -> None:
    config.parent.mkdir(parents=True)
    config.write_bytes(content)
    assert set_setting("level", "full", config).level == "full"
    assert load_settings(config) == (Settings(level="full"), None)
    aside = [path for path in config.parent.iterdir() if path.name.startswith("config.toml.broken-")]
    assert [path.read_bytes() for path in aside] == [content]


def test_cli_set_with_a_damaged_file_says_so_once_and_saves(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VOICEGUIDE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_bytes(b"speech_rate = [1, 2\n")
    out = console()
    args = parse(["config", "set", "level", "gentle"])
    assert args.func(args, console=out) == 0
    assert "level = gentle" in out.file.getvalue()  # type: ignore[attr-defined]
    err = capsys.readouterr().err
    assert err.count("config.toml.broken-") == 1 and "moved" in err
    assert load_settings(tmp_path / "config.toml") == (Settings(level="gentle"), None)


def test_folder_instead_of_file(config: Path) -> None:
    config.mkdir(parents=True)
    settings, warning = load_settings(config)
    assert settings == DEFAULTS and warning is not None


def test_bad_values_in_file_fall_back_one_by_one(config: Path) -> None:
    config.parent.mkdir(parents=True)
    config.write_text('level = "gentle"\nspeech_rate = 1000\nengine = 3\ncolour = "red"\n')
    settings, warning = load_settings(config)
    assert settings == Settings(level="gentle")
    assert warning is not None
    assert "speech_rate" in warning and "engine" in warning and "colour" in warning
    # set keeps the other keys of the file
    set_setting("speech_rate", "120", config)
    table = tomllib.loads(config.read_text())
    assert table["level"] == "gentle" and table["colour"] == "red"


# ------------------------------------------------------------------ CLI


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    settings_cli.add_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def console() -> Console:
    return Console(file=io.StringIO(), width=200, color_system=None)


def test_cli_set_then_show(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEGUIDE_CONFIG_DIR", str(tmp_path))
    out = console()
    args = parse(["config", "set", "speech_rate", "170"])
    assert args.func(args, console=out) == 0
    assert "speech_rate = 170" in out.file.getvalue()  # type: ignore[attr-defined]

    out = console()
    args = parse(["config", "show"])
    assert args.func(args, console=out) == 0
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert str(tmp_path / "config.toml") in text
    assert "170" in text and "auto (default)" in text and "80 to 300" in text

    args = parse(["config"])  # bare "config" shows too
    assert args.func(args, console=console()) == 0


def test_cli_set_bad_value(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VOICEGUIDE_CONFIG_DIR", str(tmp_path))
    args = parse(["config", "set", "level", "extreme"])
    assert args.func(args, console=console()) == 2
    assert "level must be one of gentle, standard, full" in capsys.readouterr().err
    assert not (tmp_path / "config.toml").exists()
