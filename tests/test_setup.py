"""Setting up and running voiceguide as the README says, and tests that leave nothing behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).parent.parent
README = (REPOSITORY / "README.md").read_text()


def readme_section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


@pytest.mark.subprocess
def test_the_readme_says_how_to_put_the_command_on_the_path_and_it_works(tmp_path):
    """The documented command, run in a clone where `make run` made .venv, gives a `voiceguide` on PATH."""
    quick_start = readme_section("Quick start")
    commands = [line for block in re.findall(r"```sh\n(.*?)```", quick_start, re.S) for line in block.splitlines() if "~/.local/bin" in line]
    assert commands, "the quick start has no command that puts voiceguide on PATH"
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / ".venv").symlink_to(Path(sys.executable).parent.parent)  # the virtual environment `make run` makes
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    for command in commands:
        done = subprocess.run(["bash", "-c", command.split("#")[0]], cwd=clone, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    on_path = subprocess.run(["bash", "-c", "voiceguide --version"], env={**env, "PATH": f"{home}/.local/bin:/usr/bin:/bin"},
                             capture_output=True, text=True, timeout=60)
    assert on_path.returncode == 0 and on_path.stdout.startswith("voiceguide "), on_path.stderr


@pytest.mark.subprocess
def test_a_bare_debian_gets_python3_venv():
    make = subprocess.run(["make", "-n", "-C", str(REPOSITORY), "system-run", "system-test"], capture_output=True, text=True, timeout=60)
    assert make.returncode == 0, make.stderr
    package_lines = [line for line in make.stdout.splitlines() if "ensure-system-packages.sh" in line]
    assert len(package_lines) == 2 and all(" python3-venv" in f" {line} " for line in package_lines)
    assert "python3-venv" in readme_section("Quick start")


def test_the_tests_run_in_a_temporary_home(users_home):
    home = Path(os.environ["HOME"])
    assert home != users_home and home.is_relative_to(tempfile.gettempdir())
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "MPLCONFIGDIR"):
        assert Path(os.environ[name]).is_relative_to(home), name


@pytest.mark.audio
def test_sound_server_clients_keep_their_cookie_with_the_server(pulse, tmp_path):
    """pactl, paplay and PortAudio's ALSA plugin write a cookie under HOME unless told where it lives."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**pulse.env, "HOME": str(home)}
    env.pop("XDG_CONFIG_HOME", None)
    subprocess.run(["pactl", "info"], env=env, capture_output=True, check=True, timeout=30)
    query = "import sounddevice; print(len(sounddevice.query_devices()))"
    done = subprocess.run([sys.executable, "-c", query], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and int(done.stdout) > 0, done.stderr
    assert [path.relative_to(home) for path in home.rglob("*")] == []


def test_pip_install_gets_every_package_of_the_app_and_nothing_else():
    import tomllib

    listed = set(tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(path.parent.relative_to(REPOSITORY).parts)
        for path in (REPOSITORY / "voiceguide").rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    assert found | {"voiceguide.grammars"} == listed  # the grammar folder is installed as voiceguide.grammars
    assert not {name for name in listed if name.startswith(("bench", "tests"))}
