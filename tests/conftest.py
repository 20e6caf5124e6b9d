"""Shared fixtures: the private PulseAudio server for the real-audio tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from audio_fixtures import pulse, pulse_server  # noqa: E402,F401
