"""What the recognizer learnt of a voice, kept between sessions (voiceguide.voice_memory)."""

from __future__ import annotations

import json

from voiceguide.history import DATA_DIR_ENV
from voiceguide.recognizers.base import Hypothesis, Recognizer
from voiceguide.voice_memory import FILE_NAME, RecognizerMemory, VoiceMemory


class LearningRecognizer(Recognizer):
    """A recognizer whose only behaviour is its kept state (no audio involved)."""

    name = "learning"

    def __init__(self, state: str = "generic") -> None:
        self.state = state

    def accept(self, pcm: bytes, echo_only: bool = False) -> Hypothesis | None:
        return None

    def flush(self) -> Hypothesis | None:
        return None

    def reset(self) -> None:
        pass

    def adaptation(self) -> str:
        return self.state

    def adapt(self, state: str) -> bool:
        if not state.startswith("mean "):
            return False
        self.state = state
        return True


def test_the_default_file_is_in_the_data_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert VoiceMemory.default().path == tmp_path / FILE_NAME


def test_a_state_is_kept_per_engine_and_microphone(tmp_path) -> None:
    memory = VoiceMemory(tmp_path / "data" / FILE_NAME)
    assert memory.recall("pocketsphinx", "USB mic") is None
    memory.keep("pocketsphinx", "USB mic", "mean 1")
    memory.keep("pocketsphinx", "laptop mic", "mean 2")
    memory.keep("pocketsphinx", "USB mic", "mean 3")
    again = VoiceMemory(tmp_path / "data" / FILE_NAME)  # a later session
    assert again.recall("pocketsphinx", "USB mic") == "mean 3"
    assert again.recall("pocketsphinx", "laptop mic") == "mean 2"
    assert again.recall("vosk", "USB mic") is None
    assert [p.name for p in (tmp_path / "data").iterdir()] == [FILE_NAME]  # no temporary file left


def test_a_damaged_file_is_forgotten_not_fatal(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    for damage in ("{not json", "[1, 2]", json.dumps({"pocketsphinx | mic": {"state": 7}}), json.dumps({"pocketsphinx | mic": "x"})):
        path.write_text(damage)
        memory = VoiceMemory(path)
        assert memory.recall("pocketsphinx", "mic") is None
        memory.keep("pocketsphinx", "mic", "mean 4")
        assert memory.recall("pocketsphinx", "mic") == "mean 4"


def test_a_recognizer_starts_from_its_kept_state_and_keeps_what_it_learns(tmp_path) -> None:
    notices: list[str] = []
    memory = VoiceMemory(tmp_path / FILE_NAME)
    first = RecognizerMemory(memory, LearningRecognizer(), "mic", notices.append)
    assert not first.recall()  # nothing kept yet
    first.recognizer.state = "mean 5"  # it learnt the voice during the session
    first.keep()
    later = RecognizerMemory(memory, LearningRecognizer(), "mic", notices.append)
    assert later.recall() and later.recognizer.state == "mean 5"
    other_mic = RecognizerMemory(memory, LearningRecognizer(), "other mic", notices.append)
    assert not other_mic.recall() and other_mic.recognizer.state == "generic"
    assert notices == []


def test_a_state_the_engine_refuses_leaves_it_at_its_start(tmp_path) -> None:
    memory = VoiceMemory(tmp_path / FILE_NAME)
    memory.keep("learning", "mic", "something else")
    recognizer = LearningRecognizer()
    assert not RecognizerMemory(memory, recognizer, "mic", print).recall()
    assert recognizer.state == "generic"


def test_an_engine_that_keeps_nothing_writes_nothing(tmp_path) -> None:
    class Forgetful(LearningRecognizer):
        def adaptation(self) -> None:
            return None

    RecognizerMemory(VoiceMemory(tmp_path / FILE_NAME), Forgetful(), "mic", print).keep()
    assert not (tmp_path / FILE_NAME).exists()


def test_a_file_that_cannot_be_written_is_said_once(tmp_path) -> None:
    blocker = tmp_path / "not a folder"
    blocker.write_text("a file where the data folder should be")
    notices: list[str] = []
    memory = RecognizerMemory(VoiceMemory(blocker / FILE_NAME), LearningRecognizer("mean 6"), "mic", notices.append)
    memory.keep()
    memory.keep()
    assert len(notices) == 1
    assert str(blocker / FILE_NAME) in notices[0] and "afresh" in notices[0]
