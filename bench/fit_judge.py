"""``python -m bench.fit_judge --engine whisper-base``: fit a Whisper model's judge on the development half only.

The development voices (``corpus.SPEAKERS``) say a sample of the grammar,
the development half of the natural phrasings, the coach's lines and the
development room talk, clean and in the four 10 dB noises (a rotating
quarter each). Each utterance is decoded whole by the model; its best grammar
sentence is labelled right when its intent is the one said (never, for a
negative). A logistic regression of "right" on the sentence's mean log
probability per token and its agreement with the free transcript gives the
judge's weights (:mod:`voiceguide.recognizers.whisper_judge`). The held-out
voices and phrasings are never decoded here.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from voiceguide.grammar import SAFETY_INTENTS, Grammar
from voiceguide.recognizers.whisper_engine import THREADS_VARIABLE
from voiceguide.recognizers.whisper_judge import JudgeFit, agreement, confidence

from . import corpus
from .cli import DEFAULT_OUT, _pairs, coach_session_lines

THRESHOLDS = (0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Sample:
    """One decoded development utterance: the judge's two inputs, and what the sentence was."""

    per_token: float
    agreement: float
    right: bool  # the sentence's intent is the one said
    safety: bool  # the sentence is stop, pain or a symptom
    negative: bool  # nothing was meant for the coach
    grammar_command: bool  # a grammar sentence said clean
    said: str
    sentence: str
    heard: str


_worker: dict = {}


def _init(engine: str, cache: str) -> None:
    from voiceguide.recognizers import registry
    from voiceguide.recognizers.whisper_decoder import WhisperTranscriber

    os.environ[THREADS_VARIABLE] = "1"
    grammar = Grammar.load()
    _worker["decoder"] = WhisperTranscriber(registry.usable(registry.engine(engine)), grammar.sentences, threads=1)
    _worker["grammar"], _worker["cache"] = grammar, Path(cache)


def _decode(job: tuple[int, corpus.Utterance, corpus.Condition]) -> Sample | None:
    seed, utterance, condition = job
    grammar, cache = _worker["grammar"], _worker["cache"]
    audio = corpus.apply_condition(corpus.load_or_synthesise(utterance, cache), condition, seed, cache)
    decoded = _worker["decoder"].decode(audio)
    if decoded.sentence is None or decoded.tokens == 0:
        return None
    parsed = grammar.parse(decoded.sentence)
    intent = parsed.intent if parsed else None
    return Sample(
        decoded.log_prob / decoded.tokens, agreement(decoded.sentence, decoded.free_text),
        intent is not None and intent == utterance.expected, intent in SAFETY_INTENTS, utterance.expected is None,
        utterance.category == "grammar" and condition.noise is None, utterance.text, decoded.sentence, decoded.free_text,
    )


def development_pairs() -> list[tuple[corpus.Utterance, corpus.Condition]]:
    """The development utterances, clean and in the 10 dB noises (a rotating quarter each)."""
    grammar = Grammar.load()
    commands = corpus.command_utterances(grammar, 3, 8) + corpus.natural_utterances()
    negatives = corpus.negative_utterances(coach_session_lines())
    conditions = corpus.conditions((10,))
    return _pairs(commands, conditions, 4) + _pairs(negatives, conditions, 4)


def decode_all(engine: str, cache: Path, processes: int) -> list[Sample]:
    pairs = development_pairs()
    for utterance in {u for u, _ in pairs}:
        corpus.load_or_synthesise(utterance, cache)
    jobs = [(seed, u, c) for seed, (u, c) in enumerate(pairs)]
    with multiprocessing.get_context("spawn").Pool(processes, _init, (engine, str(cache))) as pool:
        return [s for s in pool.map(_decode, jobs, chunksize=8) if s is not None]


def fit_logistic(features: np.ndarray, labels: np.ndarray, steps: int = 50) -> np.ndarray:
    """Weights (one per feature, then the bias) maximising the likelihood, by Newton's method."""
    x = np.column_stack([features, np.ones(len(features))])
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + 1e-6 * np.eye(len(w))
        w += np.linalg.solve(hessian, x.T @ (labels - p))
    return w


def trade_off(samples: Sequence[Sample], fit: JudgeFit) -> list[dict[str, float]]:
    """Per command threshold: grammar commands kept (right and accepted), and negatives taken for a move."""
    negatives = [s for s in samples if s.negative]
    commands = [s for s in samples if s.grammar_command]
    rows = []
    for threshold in THRESHOLDS:
        def accepted(s: Sample) -> bool:
            return confidence(fit, s.per_token, s.agreement) >= (fit.accept_safety if s.safety else threshold)

        rows.append({
            "threshold": threshold,
            "clean grammar commands right and accepted": sum(s.right and accepted(s) for s in commands) / max(1, len(commands)),
            "false moves on negatives": sum(accepted(s) and not s.safety for s in negatives) / max(1, len(negatives)),
        })
    return rows


def fit(samples: Sequence[Sample], accept: float = 0.8, accept_safety: float = 0.35) -> dict:
    """The fitted judge and how it does on the samples it was fitted on."""
    features = np.array([[s.per_token, s.agreement] for s in samples])
    labels = np.array([s.right for s in samples], float)
    w_log_prob, w_agreement, bias = (round(float(v), 3) for v in fit_logistic(features, labels))
    judge = JudgeFit(w_log_prob, w_agreement, bias, accept, accept_safety)
    kept = np.array([confidence(judge, s.per_token, s.agreement) >= 0.5 for s in samples])
    right = labels.astype(bool)
    return {
        "judge": asdict(judge),
        "samples": len(samples),
        "right sentences": int(right.sum()),
        "accuracy at 0.5": float(np.mean(kept == right)),
        "right sentences kept at 0.5": float(kept[right].mean()),
        "wrong ones kept at 0.5": float(kept[~right].mean()),
        "trade-off": trade_off(samples, judge),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fit_judge", description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="whisper-base", help="a Whisper engine of the registry")
    parser.add_argument("--cache", type=Path, default=DEFAULT_OUT / "corpus-cache")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--out", type=Path, default=None, help="write the samples and the fit as JSON here")
    args = parser.parse_args(argv)
    samples = decode_all(args.engine, args.cache, args.processes)
    result = fit(samples)
    print(json.dumps({k: v for k, v in result.items()}, indent=2))
    if args.out is not None:
        args.out.write_text(json.dumps({"fit": result, "samples": [asdict(s) for s in samples]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
