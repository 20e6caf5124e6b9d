"""The shape of the code and of the tests: no import cycle, the coach imports no edge, the fast tier stays fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.import_graph import find_cycle, import_graph
from tests.support.tiers import FAST_TIER, FastTierGuard

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "voiceguide"


def test_the_cycle_finder_finds_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .a import A\n")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub.b import B\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("def f():\n    from ..a import A\n")
    assert find_cycle(import_graph(package)) == ["pkg.a", "pkg.sub.b", "pkg.a"]
    (package / "a.py").write_text("")
    (package / "sub" / "b.py").write_text("from pkg import a\n")  # importing pkg.sub.b runs pkg/__init__: no edge of its own
    assert find_cycle(import_graph(package)) is None


def test_no_import_cycle_in_the_package() -> None:
    """Not even under TYPE_CHECKING: the coach's handlers see it through its Dialogue protocol."""
    assert find_cycle(import_graph(PACKAGE)) is None


def test_make_test_fast_selects_the_fast_tier() -> None:
    assert f"FAST_TESTS := {FAST_TIER}\n" in (ROOT / "Makefile").read_text()


def test_a_fast_test_may_not_start_a_program(fast_tier_guard: FastTierGuard) -> None:
    with pytest.raises(RuntimeError, match="mark it @pytest.mark.subprocess"):
        subprocess.run(["true"], check=True)
    assert len(fast_tier_guard.refused) == 1
    fast_tier_guard.refused.clear()  # refused as it should be: the test does not fail for it


def test_a_fast_test_may_not_load_a_model(fast_tier_guard: FastTierGuard) -> None:
    from voiceguide.understanding.embedding import WordLlamaEmbedder

    with pytest.raises(RuntimeError, match="mark it @pytest.mark.model"):
        WordLlamaEmbedder()
    fast_tier_guard.refused.clear()


@pytest.mark.subprocess
def test_the_coach_imports_no_audio_recognizer_or_voice():
    code = "import sys, voiceguide.coach; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    edges = ("voiceguide.audio", "voiceguide.recognizers", "sounddevice", "pyttsx3", "vosk", "pocketsphinx", "faster_whisper")
    assert [name for name in loaded if name.startswith(edges)] == []
