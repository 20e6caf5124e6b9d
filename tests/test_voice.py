"""The coach's natural voice (Piper, en_US-joe-medium), rendered for real, and espeak-ng taking over when it cannot load."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from voiceguide.audio.line_cache import LineCache, LineKey
from voiceguide.audio.natural_voice import NaturalVoice
from voiceguide.audio.piper_voice import MODEL_FILE, VOICE_ID, PiperSynth, find_voice, voice_folder, voice_problem
from voiceguide.audio.voice import Voice
from voiceguide.audio.voice_choice import open_voice

TWO_SENTENCES = "Lie on your back with your knees bent. Tighten your stomach muscles."
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.model  # Piper's voice (and its checksums: 63 MB read)


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


# ------------------------------------------------------------ the disk cache


def test_a_line_is_rendered_once_then_comes_from_the_disk_cache(tmp_path: Path) -> None:
    notices: list[str] = []
    with NaturalVoice(cache_folder=tmp_path / "voice", notice=notices.append) as first:
        assert first.ready("Hold for 5 seconds.") is None  # a miss
        rendered = first.render("Hold for 5 seconds.")
        slower = first.render("Hold for 5 seconds.", rate_multiplier=0.8)
    assert len(list((tmp_path / "voice").glob("*.line"))) == 2  # the pace is part of the key
    assert slower.duration > rendered.duration
    with NaturalVoice(cache_folder=tmp_path / "voice", notice=notices.append) as later:  # a later session
        hit = later.ready("Hold for 5 seconds.")
        assert hit is not None and np.array_equal(hit.samples, rendered.samples)  # Piper is not asked again
        assert later.key("Hold for 5 seconds.") != LineKey("Hold for 5 seconds.", VOICE_ID, 1.0, "piper-tts 0.0")
    assert notices == []


@pytest.mark.parametrize("damage", ["cut short", "changed", "empty"])
def test_a_damaged_cache_file_is_rendered_again(tmp_path: Path, damage: str) -> None:
    with NaturalVoice(cache_folder=tmp_path, notice=pytest.fail) as voice:
        voice.render("Relax.")
        (path,) = tmp_path.glob("*.line")
        data = path.read_bytes()
        path.write_bytes({"cut short": data[: len(data) // 2], "changed": data[:-10] + b"\x01" * 10, "empty": b""}[damage])
    with NaturalVoice(cache_folder=tmp_path, notice=pytest.fail) as voice:
        assert voice.ready("Relax.") is None and not path.exists()  # not played, and removed
        again = voice.render("Relax.")
        assert again.rms() > 500 and LineCache(tmp_path).get(voice.key("Relax.")) is not None


def test_a_cache_folder_that_cannot_be_written_is_one_sentence_and_the_voice_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    notices: list[str] = []
    with NaturalVoice(cache_folder=tmp_path / "a-file" / "voice", notice=notices.append) as voice:
        assert voice.cache is None
        assert voice.render("Relax.").rms() > 500
        voice.prerender(["Relax.", "Hold."])  # nothing to prepare into
        assert voice.wait_prerendered(1)
    assert len(notices) == 1 and "cannot be written" in notices[0] and notices[0].count(". ") == 0


def test_lines_known_in_advance_are_prepared_by_a_worker_with_a_progress_line(tmp_path: Path) -> None:
    lines = ["Relax.", "Hold.", ("Hold.", 0.8), "That's 1 of 10.", "Lower your leg. Back to the middle."]
    notices: list[str] = []
    with NaturalVoice(cache_folder=tmp_path, notice=notices.append) as voice:
        voice.prerender(lines)
        assert voice.wait_prerendered(timeout=300)
        cache = LineCache(tmp_path)
        for line in lines:
            text, rate = (line, 1.0) if isinstance(line, str) else line
            assert cache.get(voice.key(text, rate)) is not None
    assert notices[0].startswith("Preparing the natural voice: 5 lines")
    assert notices[-1].startswith("The natural voice is ready: 5 lines")
    with NaturalVoice(cache_folder=tmp_path, notice=notices.append) as again:  # the next start: nothing to do
        again.prerender(lines)
        assert again.wait_prerendered(1)
    assert len([n for n in notices if "in the background" in n]) == 1


def test_the_worker_runs_only_when_the_cpu_is_otherwise_idle() -> None:
    code = "import os; from voiceguide.audio.prerender import lower_priority; lower_priority(); print(os.sched_getscheduler(0) == os.SCHED_IDLE)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


def test_the_lines_known_in_advance_come_from_the_routine(tmp_path: Path) -> None:
    from voiceguide.coach import Coach, CoachSettings
    from voiceguide.coach.walk import spoken_lines
    from voiceguide.coach.wording import WHY_THE_ROUTINE
    from voiceguide.routine import load_routine

    routine = load_routine(None)
    lines = [text for text, _ in spoken_lines(Coach(routine, settings=CoachSettings()))]
    for exercise in routine.exercises:
        assert any(exercise.name in line for line in lines)  # titles
        assert exercise.purpose in lines
        assert all(any(tip in line for line in lines) for tip in exercise.form)  # answers to "how do I check my form"
    assert {"5", "4", "3", "2", "1", "Relax.", "That's 3 of 10."} <= set(lines)  # counts
    assert "Bring your left knee toward your chest." in lines  # sides
    assert any("contact your spine professional" in line for line in lines)  # safety advice
    assert "When you're ready, say let's begin." in lines  # prompts
    assert WHY_THE_ROUTINE in lines  # "why" asked before beginning
    advice = next(i for i, line in enumerate(lines) if "contact your spine professional" in line)
    assert advice < lines.index(f"Exercise 2 of {len(routine.exercises)}: {routine.exercises[1].name}.")  # safety first
    assert not [line for line in lines if "minute" in line]  # the summary's length of the session is not known


# ------------------------------------------------------------ pace


def test_the_speaking_rate_and_the_pace_map_to_pipers_length_scale_within_bounds() -> None:
    from voiceguide.audio.piper_voice import LENGTH_SCALE_MAX, LENGTH_SCALE_MIN, length_scale
    from voiceguide.coach.pace import PACE_LIMIT, speaking_rate
    from voiceguide.settings import RATE_MAX, RATE_MIN

    assert length_scale(150) == 1.0  # the default rate is the voice's own pace
    assert length_scale(100) == 1.5 and length_scale(200) == 0.75
    scales = [length_scale(wpm * speaking_rate(pace)) for wpm in (RATE_MIN, RATE_MAX) for pace in range(-PACE_LIMIT, PACE_LIMIT + 1)]
    assert min(scales) == LENGTH_SCALE_MIN and max(scales) == LENGTH_SCALE_MAX  # never beyond where it sounds natural
    faster = [length_scale(150 * speaking_rate(pace)) for pace in range(-PACE_LIMIT, PACE_LIMIT + 1)]
    assert faster == sorted(faster, reverse=True) and len(set(faster)) == len(faster)  # each step of pace is heard


def test_slower_and_a_lower_rate_are_heard_as_slower_speech(natural: NaturalVoice) -> None:
    # Piper draws its phoneme durations at random, so one rendering of a line varies by about 10 %:
    # the median of five fresh renderings is compared.
    line = "Bring your right knee toward your chest."
    synth = PiperSynth(find_voice())

    def seconds(scale: float) -> float:
        return statistics.median(synth.render(line, scale).duration for _ in range(5))

    with NaturalVoice(rate_wpm=100) as slow_rate:
        at_100_scale = slow_rate.scale()
    normal, slower, at_100 = seconds(natural.scale()), seconds(natural.scale(0.88**2)), seconds(at_100_scale)  # "slower" twice
    assert slower > normal * 1.08 and at_100 > normal * 1.2, (normal, slower, at_100)


def test_the_natural_voice_can_be_chosen_in_the_settings(tmp_path: Path) -> None:
    env = {**os.environ, "VOICEGUIDE_CONFIG_DIR": str(tmp_path)}
    run = lambda *args: subprocess.run([sys.executable, "-m", "voiceguide", *args], capture_output=True, text=True, env=env, timeout=120)  # noqa: E731
    assert run("config", "set", "voice", "joe").returncode == 0
    assert 'voice = "joe"' in (tmp_path / "config.toml").read_text()
    refused = run("config", "set", "voice", "no-such-voice")
    assert refused.returncode != 0 and "no voice 'no-such-voice'" in refused.stderr and "Traceback" not in refused.stderr
