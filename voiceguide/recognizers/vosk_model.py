"""Finding, checking and downloading a vosk model (English: vosk-model-small-en-us).

Lookup order (first valid model wins):

1. an explicit directory (``--model DIR``),
2. ``$VOICEGUIDE_VOSK_MODEL``,
3. the app's user cache: ``<user cache>/voiceguide/models/<MODEL_NAME>``,
4. vosk's own model folders, as vosk itself searches them:
   ``$VOSK_MODEL_PATH``, ``/usr/share/vosk``, ``~/AppData/Local/vosk``,
   ``~/.cache/vosk`` (each holding ``vosk-model-*en-us*`` directories).

A download goes to a temporary file, is checked for size and SHA-256,
unpacked into a temporary directory next to the destination and renamed
into place in one step, so an interrupted download never leaves a model
that would later be loaded half.
"""

from __future__ import annotations

import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Mapping
from pathlib import Path

from voiceguide.folders import model_cache_folder
from voiceguide.recognizers.base import RecognizerError
from voiceguide.recognizers.model_files import ModelLocation, first_valid, named_places, progress_bar, sha256_of

MODEL_NAME = "vosk-model-small-en-us-0.15"
MODEL_BASE_URL = "https://alphacephei.com/vosk/models/"
MODEL_URL = f"{MODEL_BASE_URL}{MODEL_NAME}.zip"
# Published archive, as recorded independently by several projects.
MODEL_SIZE = 41_205_931
MODEL_SHA256 = "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"

ENV_MODEL = "VOICEGUIDE_VOSK_MODEL"
ENV_URL = "VOICEGUIDE_MODEL_URL"
ENV_VOSK_PATH = "VOSK_MODEL_PATH"

# Files without which vosk cannot load a model (relative to the model dir).
REQUIRED_FILES = ("am/final.mdl", "conf/mfcc.conf", "conf/model.conf")
# One of these decoding graphs must be there: static HCLG or lookahead HCLr+Gr.
GRAPH_FILES = (("graph/HCLG.fst",), ("graph/HCLr.fst", "graph/Gr.fst"))


def default_model_dir() -> Path:
    """Where ``model download`` puts the model: the app's user cache."""
    return model_cache_folder() / MODEL_NAME


def vosk_model_dirs(env: Mapping[str, str] | None = None, home: Path | None = None) -> list[Path]:
    """vosk's own model folders, in vosk's order (see ``vosk.MODEL_DIRS``)."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    dirs = [Path(env[ENV_VOSK_PATH])] if env.get(ENV_VOSK_PATH) else []
    return [*dirs, Path("/usr/share/vosk"), home / "AppData/Local/vosk", home / ".cache/vosk"]


DOWNLOAD_HINT = "run `voiceguide model download --engine vosk`"


def is_model(path: Path) -> bool:
    """Whether a folder looks like a vosk model (before any check of its files)."""
    return (Path(path) / "am").is_dir() or (Path(path) / "conf" / "model.conf").is_file()


def model_problem(path: Path) -> str | None:
    """Why ``path`` is not a usable vosk model, or None when it looks complete."""
    if not path.exists():
        return f"{path} is not there"
    if not path.is_dir():
        return f"{path} is a file, not a model folder"
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if not any(all((path / f).is_file() for f in graph) for graph in GRAPH_FILES):
        missing.append("graph/HCLG.fst (or graph/HCLr.fst + graph/Gr.fst)")
    empty = [name for name in REQUIRED_FILES if (path / name).is_file() and (path / name).stat().st_size == 0]
    if missing:
        return f"{path} is not a complete vosk model (missing {', '.join(missing)})"
    if empty:
        return f"{path} is a damaged vosk model (empty {', '.join(empty)})"
    return None


def validate_model(path: Path) -> Path:
    """Return ``path`` if it holds a complete model, else raise RecognizerError."""
    problem = model_problem(Path(path))
    if problem is not None:
        raise RecognizerError(
            f"{problem}; {DOWNLOAD_HINT} or pass --model with a full model directory."
        )
    return Path(path)


def candidate_locations(
    explicit: Path | None = None,
    configured: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    cache: Path | None = None,
) -> list[ModelLocation]:
    """Every place looked at, in lookup order, with what is wrong there (:class:`.ModelLookup`).

    ``configured`` (the settings file's model_path) counts only when it holds a vosk model.
    """
    env = os.environ if env is None else env
    places = named_places(explicit, ENV_MODEL, env, configured, is_model)
    places.append(("user cache", cache if cache is not None else default_model_dir()))
    for folder in vosk_model_dirs(env, home):
        if folder.is_dir():
            for child in sorted(folder.iterdir()):
                if child.name.startswith("vosk-model") and "en-us" in child.name:
                    places.append((f"vosk folder {folder}", child))
    return [ModelLocation(source, path, model_problem(path)) for source, path in places]


def find_model(
    explicit: Path | None = None,
    configured: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    cache: Path | None = None,
) -> Path | None:
    """The first complete model in lookup order, or None.

    An explicit directory or ``$VOICEGUIDE_VOSK_MODEL`` that is not a valid
    model is an error (the user asked for it), not something to skip.
    """
    return first_valid(candidate_locations(explicit, configured, env=env, home=home, cache=cache), ENV_MODEL, DOWNLOAD_HINT)


def model_url(url: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The archive URL: ``url``, else ``$VOICEGUIDE_MODEL_URL``, else the default.

    The environment variable may be a full ``.zip`` URL or a base URL
    (ending in ``/``) under which ``<MODEL_NAME>.zip`` lives.
    """
    env = os.environ if env is None else env
    chosen = url or env.get(ENV_URL) or MODEL_URL
    return chosen + f"{MODEL_NAME}.zip" if chosen.endswith("/") else chosen


def download_model(
    destination: Path | None = None,
    url: str | None = None,
    expected_size: int | None = MODEL_SIZE,
    sha256: str | None = MODEL_SHA256,
    progress: bool = True,
    timeout: float = 30.0,
) -> Path:
    """Download, verify and unpack a model zip into ``destination``; return it.

    ``url`` defaults to ``$VOICEGUIDE_MODEL_URL`` or the official archive
    (a mirror serves the same file, so the default size and checksum still
    apply); ``expected_size``/``sha256`` of None skip that check. Nothing
    is at ``destination`` until the whole model is verified and unpacked.
    """
    dest_dir = Path(destination) if destination is not None else default_model_dir()
    source = model_url(url)
    if dest_dir.exists() and model_problem(dest_dir) is None:
        return dest_dir
    dest_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{dest_dir.name}.", dir=dest_dir.parent) as work:
        archive = Path(work) / "model.zip"
        _fetch(source, archive, expected_size, progress, timeout)
        _verify(archive, expected_size, sha256, source)
        unpacked = _unpack(archive, Path(work) / "unpacked", source)
        problem = model_problem(unpacked)
        if problem is not None:
            raise RecognizerError(
                f"The archive from {source} does not hold a vosk model ({problem}); check the URL."
            )
        if dest_dir.exists():  # a damaged model: replace it
            shutil.rmtree(dest_dir)
        os.replace(unpacked, dest_dir)
    return dest_dir


def _fetch(url: str, target: Path, expected_size: int | None, progress: bool, timeout: float) -> None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:
            total = int(response.headers.get("Content-Length") or expected_size or 0) or None
            with progress_bar(progress, total, url) as advance:
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    advance(len(chunk))
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise RecognizerError(
            f"Could not download the model from {url} ({reason}); "
            "check the network or pass --model DIR with a model you copied here."
        ) from error


def _verify(archive: Path, expected_size: int | None, sha256: str | None, url: str) -> None:
    size = archive.stat().st_size
    if expected_size is not None and size != expected_size:
        raise RecognizerError(
            f"The download from {url} has {size} bytes instead of {expected_size} "
            "(interrupted or changed); run `voiceguide model download` again."
        )
    if sha256 is not None:
        digest = sha256_of(archive)
        if digest != sha256.lower():
            raise RecognizerError(
                f"The download from {url} failed its checksum (got {digest}); "
                "run `voiceguide model download` again or check the URL."
            )


def _unpack(archive: Path, target: Path, url: str) -> Path:
    """Extract safely; return the model root (the zip's single top folder, if any)."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            root = target.resolve()
            for member in bundle.namelist():
                if not (root / member).resolve().is_relative_to(root):
                    raise RecognizerError(f"The archive from {url} has an unsafe path {member!r}; check the URL.")
            bundle.extractall(target)
    except zipfile.BadZipFile as error:
        raise RecognizerError(f"The download from {url} is not a zip archive; check the URL.") from error
    entries = [p for p in target.iterdir() if not p.name.startswith("__MACOSX")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return target
