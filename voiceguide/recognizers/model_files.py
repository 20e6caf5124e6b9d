"""What the engines' model lookups share: their interface, where a model was looked for, file checksums, a download progress bar."""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from voiceguide.recognizers.base import RecognizerError


@dataclass(frozen=True)
class ModelLocation:
    """Where a model was looked for, and what was found there."""

    source: str
    path: Path
    problem: str | None  # None when a valid model is there

    @property
    def ok(self) -> bool:
        return self.problem is None


class ModelLookup(Protocol):
    """An engine's model module (``whisper_model``, ``vosk_model``), as the registry uses it.

    Lookup order: the folders the user named (``explicit``: ``--model``; the
    engine's environment variable; ``configured``: the settings' model_path,
    when it holds this kind of model), then the engine's own places. ``env``
    (default: the process's environment), ``home`` (default: the user's home)
    and ``cache`` (default: where :meth:`download_model` puts the model) are
    there for tests to point elsewhere; an engine that looks in no folder
    under ``home`` ignores it.
    """

    DOWNLOAD_HINT: str  # how to get a model, as one clause ("run `voiceguide model download ...`")

    def is_model(self, path: Path) -> bool:
        """Whether a folder looks like this engine's kind of model (before any check of its files)."""
        ...

    def candidate_locations(
        self,
        explicit: Path | None = None,
        configured: Path | None = None,
        *,
        env: Mapping[str, str] | None = None,
        home: Path | None = None,
        cache: Path | None = None,
    ) -> list[ModelLocation]:
        """Every place looked at, in lookup order, with what is wrong there."""
        ...

    def find_model(
        self,
        explicit: Path | None = None,
        configured: Path | None = None,
        *,
        env: Mapping[str, str] | None = None,
        home: Path | None = None,
        cache: Path | None = None,
    ) -> Path | None:
        """The first valid model in lookup order, or None; a folder the user named that is not one is a RecognizerError."""
        ...

    def download_model(self, destination: Path | None = None, *, progress: bool = True) -> Path:
        """Fetch the engine's model into ``destination`` (default: the cache), checked; return its folder."""
        ...


def named_places(
    explicit: Path | None, variable: str, env: Mapping[str, str], configured: Path | None, is_model: Callable[[Path], bool]
) -> list[tuple[str, Path]]:
    """The places the user named, in order: ``--model``, the environment variable, the settings' model_path (if it is this kind)."""
    places: list[tuple[str, Path]] = []
    if explicit is not None:
        places.append(("--model", Path(explicit)))
    if env.get(variable):
        places.append((variable, Path(env[variable])))
    if configured is not None and is_model(Path(configured)):
        places.append(("settings model_path", Path(configured)))
    return places


def first_valid(locations: list[ModelLocation], variable: str, hint: str) -> Path | None:
    """The first valid model; a folder named by ``--model`` or ``variable`` that is not one is an error, not skipped."""
    for location in locations:
        if location.ok:
            return location.path
        if location.source in ("--model", variable):
            raise RecognizerError(f"{location.problem} (given by {location.source}); fix the path or {hint}.")
    return None


def looks_like(path: Path, files: Mapping[str, tuple[int, str]]) -> bool:
    """Whether folder ``path`` looks like the pinned CTranslate2 model of ``files`` (a config, a model.bin of its size), before any checksum is read."""
    model = Path(path) / "model.bin"
    return model.is_file() and model.stat().st_size == files["model.bin"][0] and (Path(path) / "config.json").is_file()


def files_problem(path: Path, files: Mapping[str, tuple[int, str]], model: str) -> str | None:
    """Why folder ``path`` is not the pinned ``model`` (``files``: name → bytes, SHA-256), or None when every file is whole."""
    path = Path(path)
    if not path.exists():
        return f"{path} is not there"
    if not path.is_dir():
        return f"{path} is a file, not a model folder"
    missing = [name for name in files if not (path / name).is_file()]
    if missing:
        return f"{path} is not a complete {model} model (missing {', '.join(missing)})"
    for name, (size, digest) in files.items():
        actual = (path / name).stat().st_size
        if actual != size:
            return f"{path / name} has {actual} bytes instead of {size} (damaged or another model)"
        if sha256_of(path / name) != digest:
            return f"{path / name} does not match the pinned {model} model's checksum (damaged or altered)"
    return None


def package_folder(package: str, folder: str) -> Path | None:
    """``folder`` inside an installed data package (a pinned model or voice wheel), or None when it is not installed."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / folder


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def progress_bar(enabled: bool, total: int | None, label: str) -> Iterator[Callable[[int], None]]:
    """A rich progress bar (or nothing) giving an ``advance(bytes)`` function."""
    if not enabled:
        yield lambda n: None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    ) as progress:
        task = progress.add_task(label.rsplit("/", 1)[-1], total=total)
        yield lambda n: progress.update(task, advance=n)
