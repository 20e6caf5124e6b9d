"""pytest fixtures for real-audio tests (import them from conftest.py).

``pulse_server`` (session) starts a private PulseAudio server with the
virtual devices of :mod:`pulse`, points this process's environment at it and
re-initialises PortAudio so sounddevice sees it; everything is undone at the
end of the session. If PulseAudio truly cannot start, the tests that use it
are skipped with the reason - or fail, when ``VOICEGUIDE_REQUIRE_AUDIO=1``
(or ``CI``) says the machine must have it.

``pulse`` (per test) is the same server, with the default sink and source
put back after the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .pulse import MIC_SOURCE, SPEAKER, PulseServer, PulseUnavailable, environment, reinit_portaudio


def _audio_required() -> bool:
    flag = os.environ.get("VOICEGUIDE_REQUIRE_AUDIO", os.environ.get("CI", ""))
    return flag.strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def pulse_server() -> Iterator[PulseServer]:
    try:
        server = PulseServer.start()
    except PulseUnavailable as exc:
        message = f"PulseAudio cannot start here: {exc}"
        if _audio_required():
            pytest.fail(message)
        pytest.skip(message)
    try:
        with environment(server.client_env):
            reinit_portaudio()
            yield server
    finally:
        server.stop()
        reinit_portaudio()


@pytest.fixture
def pulse(pulse_server: PulseServer) -> Iterator[PulseServer]:
    yield pulse_server
    pulse_server.pactl("set-default-sink", SPEAKER)
    pulse_server.pactl("set-default-source", MIC_SOURCE)
