"""Where the app keeps its files: one data, one config and one cache folder.

Each follows the platform's convention (platformdirs). The data folder holds
the history and the voice memory, the config folder the settings, the cache
folder the recognizer models downloaded on request, the voice's rendered
lines and the understanding stage's embedded examples. The data and config
folders, and the voice's and the understanding's caches, can be
moved with an environment variable, so that a test or a benchmark run keeps
its files apart from the user's.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "voiceguide"
DATA_DIR_ENV = "VOICEGUIDE_DATA_DIR"
CONFIG_DIR_ENV = "VOICEGUIDE_CONFIG_DIR"
CACHE_DIR_ENV = "VOICEGUIDE_CACHE_DIR"


def data_folder() -> Path:
    """The user data folder (``$VOICEGUIDE_DATA_DIR`` overrides it)."""
    return Path(os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir(APP_NAME))


def config_folder() -> Path:
    """The user config folder (``$VOICEGUIDE_CONFIG_DIR`` overrides it)."""
    return Path(os.environ.get(CONFIG_DIR_ENV) or platformdirs.user_config_dir(APP_NAME))


def model_cache_folder() -> Path:
    """Where downloaded recognizer models go, each in a folder of its own."""
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "models"


def voice_cache_folder() -> Path:
    """Where the natural voice's rendered lines are kept (``$VOICEGUIDE_CACHE_DIR`` overrides the user cache)."""
    return Path(os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir(APP_NAME)) / "voice"


def understanding_cache_folder() -> Path:
    """Where the understanding stage keeps its examples' embeddings (``$VOICEGUIDE_CACHE_DIR`` overrides the user cache)."""
    return Path(os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir(APP_NAME)) / "understanding"
