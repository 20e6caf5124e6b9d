"""The examples' embeddings, kept in the user cache: embedded once per encoder and set of examples.

all-MiniLM-L6-v2 takes seconds to embed the ~2,000 examples (WordLlama a
fraction of one), so a session reads them back instead. An entry is named
by a hash of the encoder's model files and of the example texts, so another
model or another grammar, routine or wording is another entry; it keeps the
SHA-256 of its vectors, and one that does not match (or does not read) is
embedded again and rewritten. A cache that cannot be written costs the
embedding time at every start, nothing else.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..folders import understanding_cache_folder
from .embedding import Embedder

FORMAT = "1"  # part of every entry's name: raise it when what is stored changes


def entry_path(embedder: Embedder, texts: Sequence[str], folder: Path | None = None) -> Path:
    """Where the embeddings of ``texts`` by ``embedder`` are kept."""
    key = hashlib.sha256("\n".join([FORMAT, embedder.fingerprint, *texts]).encode()).hexdigest()
    return (folder if folder is not None else understanding_cache_folder()) / f"{key[:32]}.npz"


def embedded(embedder: Embedder, texts: Sequence[str], folder: Path | None = None) -> np.ndarray:
    """The embeddings of ``texts``: from the cache when a whole entry is there, else embedded now and kept."""
    path = entry_path(embedder, texts, folder)
    vectors = read_entry(path, len(texts))
    if vectors is None:
        vectors = np.ascontiguousarray(embedder.embed(texts), dtype=np.float32)
        write_entry(path, vectors)
    return vectors


def read_entry(path: Path, count: int) -> np.ndarray | None:
    """The vectors kept at ``path``, or None when there are none, or not ``count`` of them, or they are damaged."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            vectors, digest = stored["vectors"], str(stored["sha256"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    if vectors.dtype != np.float32 or vectors.ndim != 2 or len(vectors) != count:
        return None
    if hashlib.sha256(np.ascontiguousarray(vectors).tobytes()).hexdigest() != digest:
        return None
    return vectors


def write_entry(path: Path, vectors: np.ndarray) -> bool:
    """Keep ``vectors`` at ``path`` (written whole or not at all); False when the cache cannot be written."""
    buffer = io.BytesIO()
    np.savez(buffer, vectors=vectors, sha256=np.array(hashlib.sha256(vectors.tobytes()).hexdigest()))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".writing-", suffix=".npz")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(buffer.getvalue())
        os.replace(name, path)
    except OSError:
        Path(name).unlink(missing_ok=True)
        return False
    return True
