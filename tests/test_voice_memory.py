"""What the recognizer learnt of a voice, kept between sessions (voiceguide.voice_memory)."""

from __future__ import annotations

import json

import pytest

from voiceguide.grammar import Grammar
from voiceguide.folders import DATA_DIR_ENV
from voiceguide.recognizers.pocketsphinx_engine import PocketsphinxRecognizer
from voiceguide.voice_memory import FILE_NAME, RecognizerMemory, VoiceMemory

# Two cepstral means pocketsphinx could have learnt (13 values each).
MEAN_A = "41.5,2.5,-1.25,0.5,-2.0,0.75,0.0,0.0,0.0,0.0,0.0,0.0,0.125"
MEAN_B = "45.0,1.5,-2.5,1.0,-4.0,0.5,0.25,0.0,0.0,0.0,0.0,0.0,0.0"


@pytest.fixture
def sphinx() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer(Grammar.load().sentences)


def values(mean: str) -> list[float]:
    return [float(v) for v in mean.split(",")]


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


@pytest.mark.model
def test_a_recognizer_starts_from_its_kept_state_and_keeps_what_it_learns(tmp_path, sphinx) -> None:
    notices: list[str] = []
    memory = VoiceMemory(tmp_path / FILE_NAME)
    first = RecognizerMemory(memory, sphinx, "mic", notices.append)
    generic = sphinx.adaptation()
    assert not first.recall() and sphinx.adaptation() == generic  # nothing kept yet
    assert sphinx.adapt(MEAN_A)  # it learnt the voice during the session
    first.keep()
    later = PocketsphinxRecognizer(Grammar.load().sentences)
    assert RecognizerMemory(memory, later, "mic", notices.append).recall()
    assert values(later.adaptation()) == values(MEAN_A)
    on_other_mic = PocketsphinxRecognizer(Grammar.load().sentences)
    assert not RecognizerMemory(memory, on_other_mic, "other mic", notices.append).recall()
    assert on_other_mic.adaptation() == generic
    assert notices == []


@pytest.mark.model
def test_a_state_the_engine_refuses_leaves_it_at_its_start(tmp_path, sphinx) -> None:
    memory = VoiceMemory(tmp_path / FILE_NAME)
    memory.keep("pocketsphinx", "mic", "40,3")  # not a mean of this model
    generic = sphinx.adaptation()
    assert not RecognizerMemory(memory, sphinx, "mic", print).recall()
    assert sphinx.adaptation() == generic


def test_an_engine_that_keeps_nothing_writes_nothing(tmp_path, korean_model) -> None:
    from voiceguide.recognizers.vosk_engine import VoskRecognizer

    vosk = VoskRecognizer(korean_model, ["안녕하세요"])
    RecognizerMemory(VoiceMemory(tmp_path / FILE_NAME), vosk, "mic", print).keep()
    assert not (tmp_path / FILE_NAME).exists()


@pytest.mark.model
def test_a_file_that_cannot_be_written_is_said_once(tmp_path, sphinx) -> None:
    blocker = tmp_path / "not a folder"
    blocker.write_text("a file where the data folder should be")
    notices: list[str] = []
    memory = RecognizerMemory(VoiceMemory(blocker / FILE_NAME), sphinx, "mic", notices.append)
    memory.keep()
    assert sphinx.adapt(MEAN_B)  # it learnt more: kept again, still not said again
    memory.keep()
    assert len(notices) == 1
    assert str(blocker / FILE_NAME) in notices[0] and "afresh" in notices[0]
