"""The speaker with the natural voice on the private PulseAudio server: lines streamed sentence by sentence, cut at once."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

from tests.support.coach_process import quiet_from
from tests.support.pulse import PulseServer
from voiceguide.audio import AudioSpeaker, Pcm, Player
from voiceguide.audio.natural_voice import NaturalVoice
from voiceguide.events import Say

pytestmark = [pytest.mark.audio, pytest.mark.model]  # the sound server, and Piper's voice

LONG = (
    "Lie on your back with your knees bent and your feet flat on the floor. "
    "Tighten your stomach muscles and press your lower back into the floor. "
    "Breathe out slowly while you hold the position. "
    "Then relax, and let your back rest on the floor again."
)


class TimedVoice(NaturalVoice):
    """The natural voice, noting when each sentence of a line has been rendered."""

    def __init__(self) -> None:
        super().__init__(rate_wpm=150)
        self.rendered: list[float] = []
        self.niceness: set[int] = set()

    def stream(self, text: str, rate_multiplier: float = 1.0) -> Iterator[Pcm]:
        self.niceness.add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        for pcm in super().stream(text, rate_multiplier):
            self.rendered.append(time.monotonic())
            yield pcm


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


@pytest.fixture
def speaker(pulse: PulseServer) -> Iterator[tuple[AudioSpeaker, TimedVoice, list[tuple[float, str]], list[int]]]:
    voice = TimedVoice()
    captions: list[tuple[float, str]] = []
    errors: list[object] = []
    speaker = AudioSpeaker(voice, Player(), lambda text: captions.append((time.monotonic(), text)), errors.append)
    yield speaker, voice, captions, errors
    speaker.cut()
    speaker.close()
    assert errors == []


def test_a_line_not_rendered_yet_starts_with_its_first_sentence(pulse: PulseServer, speaker) -> None:
    speaker, voice, captions, _ = speaker
    done: list[int] = []
    with pulse.record_speaker() as recorder:
        said = time.monotonic()
        speaker.say(Say(1, LONG), done.append)
        returned = time.monotonic()
        assert not speaker.idle()  # the line is under way even before a sample is rendered
        assert wait_for(lambda: done, 60)
        recording = recorder.stop()
    assert returned - said < 0.05  # the runner never waits for the synthesiser
    assert len(voice.rendered) == 4  # one part per sentence
    assert [text for _, text in captions] == [LONG]
    assert captions[0][0] < voice.rendered[-1]  # heard before the last sentence was rendered
    heard = recording.loud_times(300)
    assert heard[0] < voice.rendered[-1]
    assert heard[-1] - heard[0] > 8.0  # the whole line, every sentence
    assert done == [1] and wait_for(speaker.idle, 1)
    assert voice.niceness == {os.getpriority(os.PRIO_PROCESS, 0) + 5}  # rendered below the listener's priority


def test_lines_are_heard_in_order_whether_rendered_or_ready(speaker) -> None:
    speaker, voice, captions, _ = speaker
    voice.render("Relax.")  # ready
    done: list[int] = []
    speaker.say(Say(1, "Lower your leg. Then bring your other knee toward your chest."), done.append)
    speaker.say(Say(2, "Relax."), done.append)
    speaker.say(Say(3, "Now the left side."), done.append)
    assert wait_for(lambda: len(done) == 3, 60)
    assert done == [1, 2, 3]
    assert [text for _, text in captions] == [
        "Lower your leg. Then bring your other knee toward your chest.", "Relax.", "Now the left side."
    ]


def test_a_cut_while_rendering_drops_the_rest_of_the_line(pulse: PulseServer, speaker) -> None:
    speaker, voice, captions, _ = speaker
    voice.render("Stopped. Are you in pain? Say yes or no.")  # the answer to a stop is ready
    done: list[int] = []
    with pulse.record_speaker() as recorder:
        speaker.say(Say(1, LONG), done.append)
        assert wait_for(lambda: captions, 30)  # the first sentence plays, the rest is being rendered
        time.sleep(0.3)
        cut_at = time.monotonic()
        speaker.cut()
        assert wait_for(speaker.idle, 0.1)
        speaker.say(Say(2, "Stopped. Are you in pain? Say yes or no."), done.append)
        assert wait_for(lambda: done, 30)
        answered = captions[-1][0]
        time.sleep(1.0)
        recording = recorder.stop()
    assert done == [2]  # the cut line never finishes
    assert [text for _, text in captions] == [LONG, "Stopped. Are you in pain? Say yes or no."]
    assert recording.rms(cut_at - 0.3, cut_at) > 500, (captions, cut_at, recording.start_time, recording.loud_times(300)[:3], recording.loud_times(300)[-3:])  # it was speaking
    quiet = quiet_from(recording, answered)  # silent from then until the answer: nothing more of the cut line
    assert quiet - cut_at < 0.15  # silent at once (the player alone: under 0.1 s, tests/test_audio.py; here under load too)
    assert answered - cut_at < 0.3  # the ready answer does not wait for the sentence being rendered
    assert not speaker.player.is_speaking
    threading.Event().wait(0.5)
    assert not speaker.player.is_speaking  # the sentences rendered after the cut are never played
