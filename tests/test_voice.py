"""The coach's natural voice (Piper, en_US-joe-medium), rendered for real, and espeak-ng taking over when it cannot load."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voiceguide.audio.natural_voice import NaturalVoice
from voiceguide.audio.piper_voice import MODEL_FILE, VOICE_ID, voice_folder, voice_problem
from voiceguide.audio.voice import Voice
from voiceguide.audio.voice_choice import open_voice

TWO_SENTENCES = "Lie on your back with your knees bent. Tighten your stomach muscles."
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def natural() -> NaturalVoice:
    with NaturalVoice(rate_wpm=150) as voice:
        yield voice


def test_the_natural_voice_speaks_a_line_sentence_by_sentence(natural: NaturalVoice) -> None:
    assert natural.ready(TWO_SENTENCES) is None  # nothing rendered yet
    parts = list(natural.stream(TWO_SENTENCES))
    assert len(parts) == 2  # one chunk per sentence: playback can start with the first
    assert all(p.sample_rate == 22050 and p.rms() > 500 for p in parts)
    assert 1.0 < parts[0].duration < 4.0 and 1.0 < parts[1].duration < 4.0
    whole = natural.ready(TWO_SENTENCES)  # kept once all of it was rendered
    assert whole is not None and whole.duration == pytest.approx(sum(p.duration for p in parts))
    assert natural.render("Relax.").duration < 1.5


def test_the_natural_voice_is_the_default_and_its_names_choose_it(natural: NaturalVoice) -> None:
    notices: list[str] = []
    for name in (None, "joe", VOICE_ID):
        with open_voice(name, 150, notices.append) as voice:
            assert isinstance(voice, NaturalVoice) and voice.backend == "piper"
    with open_voice("en-gb", 150, notices.append) as voice:  # any other name is an espeak-ng voice
        assert isinstance(voice, Voice) and voice.voice == "gmw/en"
    assert notices == []


def test_the_pinned_voice_files_pass_their_checksums_and_a_changed_byte_does_not(tmp_path: Path) -> None:
    folder = voice_folder()
    assert folder is not None and voice_problem(folder) is None
    damaged = _package_copy(tmp_path)
    with (damaged / MODEL_FILE).open("r+b") as model:  # same size, one byte changed
        model.seek(1_000_000)
        byte = model.read(1)
        model.seek(1_000_000)
        model.write(bytes([byte[0] ^ 0xFF]))
    assert "checksum" in (voice_problem(damaged) or "")


FALLBACK = """
from voiceguide.audio.voice_choice import open_voice
voice = open_voice(None, 150, lambda line: print("notice:", line))
print("backend:", voice.backend, round(voice.render("Hold it there.").rms()))
"""


@pytest.mark.parametrize("damage", ["changed", "missing"])
def test_a_damaged_or_missing_voice_is_one_sentence_and_espeak_speaks(tmp_path: Path, damage: str) -> None:
    data = _package_copy(tmp_path)
    if damage == "changed":
        with (data / MODEL_FILE).open("r+b") as model:
            model.seek(5_000)
            model.write(b"\0" * 64)
    else:
        (data / MODEL_FILE).unlink()
    # The damaged copy of the package comes first on the path, as if it were the one installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", FALLBACK], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-800:]
    notices = [line for line in done.stdout.splitlines() if line.startswith("notice:")]
    assert len(notices) == 1 and notices[0].count(". ") == 0, notices  # one sentence
    assert ("checksum" if damage == "changed" else "is missing") in notices[0]
    assert "espeak-ng" in notices[0] and "Traceback" not in done.stderr
    backend, level = done.stdout.split("backend:")[1].split()
    assert backend == "pyttsx3" and int(level) > 500


def test_voices_lists_the_natural_voice_first_then_english(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "voiceguide", "voices"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()
    assert rows[0].startswith(f"{VOICE_ID}  ") and rows[0].endswith("[default]")
    english = [i for i, row in enumerate(rows) if "(en" in row]
    assert english == list(range(len(english))) and len(english) > 5  # English first, the natural voice among them
    assert any(row.startswith("gmw/de ") for row in rows[len(english):])


def _package_copy(tmp_path: Path) -> Path:
    """A copy of the installed voice package under ``tmp_path``; returns its data folder."""
    folder = voice_folder()
    assert folder is not None
    package = tmp_path / folder.parent.name
    shutil.copytree(folder.parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    return package / "data"
