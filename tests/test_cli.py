"""The command line: --version, help for everything, one error style, checked settings."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from voiceguide.cli import build_parser, main
from voiceguide.settings import RATE_MAX, RATE_MIN, RATE_RULE, default_config_path, load_settings

VOICEGUIDE = str(Path(sys.executable).with_name("voiceguide"))
# `transcribe` and `model` live in voiceguide/recognizers/cli.py, which the speech
# engine registry rewrites; their arguments' help is checked with that work.
@pytest.fixture
def own_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VOICEGUIDE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)  # files named in the arguments land here
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a session started by mistake ends at once
    return tmp_path


def run(argv: list[str]) -> int:
    """``main(argv)``'s exit code, whether it returns it or exits with it."""
    try:
        return main(argv)
    except SystemExit as exit:
        return int(exit.code or 0)


@pytest.mark.subprocess
def test_version_is_the_packages():
    result = subprocess.run([VOICEGUIDE, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"voiceguide {version('voiceguide')}"


def subcommands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield path + (name,), subparser
                yield from subcommands(subparser, path + (name,))


def test_every_subcommand_has_a_description_and_every_argument_help():
    found = list(subcommands(build_parser()))
    assert {"start", "devices", "voices", "routine", "history", "config"} <= {path[0] for path, _ in found}
    for path, parser in found:
        assert parser.description, f"voiceguide {' '.join(path)} has no description"
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            assert action.help, f"voiceguide {' '.join(path)}: {action.dest} has no help"


BAD_INVOCATIONS = [
    ["start", "--speed", "abc"],
    ["start", "--speed", "0"],
    ["start", "--speed", "1e9"],
    ["start", "--speed", "1001"],
    ["start", "--speed", "inf"],
    ["start", "--speed", "nan"],
    ["start", "--rate", "5"],
    ["start", "--level", "extreme"],
    ["start", "--text", "--speed", "100", "--routine", "missing.yaml"],
    ["start", "--text", "--speed", "100", "--voice", "vulcan"],
    ["start", "--speed", "100", "--input-device", "99"],
    ["history", "--limit", "x"],
    ["history", "--output", "sessions.csv"],
    ["history", "--plot", "h.jpg"],
    ["config", "set", "colour", "red"],
    ["config", "set", "level", "extreme"],
    ["config", "set", "speech_rate", "5"],
    ["config", "set", "voice", "vulcan"],
    ["config", "set", "input_device", "99"],
    ["routine", "check", "missing.yaml"],
    ["routine"],
    ["nonsense"],
]


@pytest.mark.parametrize("argv", BAD_INVOCATIONS, ids=" ".join)
def test_every_error_is_one_line_in_one_style(argv, own_folders, capsys):
    assert run(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("voiceguide: "), captured.err
    for internal in ("usage:", "Traceback", "_positive", "invalid int", "argument ", "Error"):
        assert internal not in captured.err


def test_the_rate_has_the_same_bounds_on_the_command_line_and_in_the_settings(own_folders, capsys):
    parser = build_parser()
    assert parser.parse_args(["start", "--rate", str(RATE_MIN)]).rate == RATE_MIN
    assert parser.parse_args(["start", "--rate", str(RATE_MAX)]).rate == RATE_MAX
    for value in (RATE_MIN - 1, RATE_MAX + 1, 5):
        assert run(["start", "--text", "--speed", "100", "--rate", str(value)]) == 2
        assert RATE_RULE in capsys.readouterr().err
        assert run(["config", "set", "speech_rate", str(value)]) == 2
        assert RATE_RULE in capsys.readouterr().err
    start = next(p for path, p in subcommands(parser) if path == ("start",))
    rate_help = next(a.help for a in start._actions if a.dest == "rate")
    assert f"{RATE_MIN} to {RATE_MAX}" in rate_help


def test_a_voice_is_checked_when_it_is_set(own_folders, capsys):
    assert run(["config", "set", "voice", "vulcan"]) == 2
    assert "vulcan" in capsys.readouterr().err
    assert load_settings(default_config_path())[0].voice is None and not default_config_path().exists()
    assert run(["config", "set", "voice", "en-us"]) == 0
    assert load_settings(default_config_path())[0].voice == "en-us"


def test_a_missing_input_device_is_one_sentence_and_not_saved(own_folders, capsys):
    assert run(["config", "set", "input_device", "99"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("voiceguide: No audio input device") and error.count("\n") == 1
    assert not default_config_path().exists()


@pytest.mark.model
def test_text_mode_does_not_check_the_sound_devices(own_folders, capsys):
    assert run(["start", "--text", "--speed", "100", "--input-device", "99", "--output-device", "98"]) == 0
    captured = capsys.readouterr()
    assert "audio" not in captured.err and "Input ended" in captured.err, captured.err


@pytest.mark.audio
def test_an_existing_input_device_is_saved(pulse, tmp_path):
    env = {**pulse.env, "VOICEGUIDE_CONFIG_DIR": str(tmp_path)}
    devices = subprocess.run([VOICEGUIDE, "devices"], capture_output=True, text=True, timeout=60, env=env)
    assert devices.returncode == 0 and "pulse" in devices.stdout, devices.stderr
    result = subprocess.run([VOICEGUIDE, "config", "set", "input_device", "pulse"], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert 'input_device = "pulse"' in (tmp_path / "config.toml").read_text()
    missing = subprocess.run([VOICEGUIDE, "config", "set", "output_device", "99"], capture_output=True, text=True,
                             timeout=60, env=env)
    assert missing.returncode == 2 and missing.stderr.startswith("voiceguide: No audio output device matches '99'")
    assert "pulse" in missing.stderr and "Traceback" not in missing.stderr


@pytest.mark.subprocess
def test_errors_from_the_installed_command_are_one_line():
    result = subprocess.run([VOICEGUIDE, "start", "--speed", "abc"], capture_output=True, text=True, timeout=60,
                            env={**os.environ})
    assert result.returncode == 2
    assert result.stderr == ("voiceguide: --speed must be a number above 0 and at most 1000, such as 2 or 0.5, "
                             "not 'abc'; see `voiceguide start --help`.\n")


def test_the_speed_is_bounded_to_a_thousand():
    parser = build_parser()
    assert parser.parse_args(["start", "--speed", "1000"]).speed == 1000
    assert parser.parse_args(["start", "--speed", "0.5"]).speed == 0.5


@pytest.mark.subprocess
def test_without_a_speaker_the_notice_says_what_the_session_uses(tmp_path):
    env = {
        "PULSE_SERVER": f"unix:{tmp_path}/nothing-here", "VOICEGUIDE_DATA_DIR": str(tmp_path / "d"),
        "VOICEGUIDE_CONFIG_DIR": str(tmp_path / "c"), "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run([VOICEGUIDE, "start", "--engine", "pocketsphinx", "--speed", "50"], env=env, input="end\n",
                            capture_output=True, text=True, timeout=60)
    if "No audio output device" not in result.stderr:
        pytest.skip("this machine has a speaker of its own")
    assert result.returncode == 0 and "Take care." in result.stdout
    notice = next(line for line in result.stderr.splitlines() if "No audio output device" in line)
    assert notice.endswith("This session uses neither the microphone nor a speaker: type what you would say, "
                           "one line at a time; what I say is shown here.")


@pytest.mark.subprocess
def test_a_listing_piped_into_a_reader_that_stops_early_ends_quietly():
    import subprocess
    import sys

    listing = subprocess.Popen([sys.executable, "-m", "voiceguide", "voices"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    listing.stdout.readline()  # `voiceguide voices | head -1`
    listing.stdout.close()
    assert listing.wait(timeout=60) == 0
    assert b"Traceback" not in listing.stderr.read()
