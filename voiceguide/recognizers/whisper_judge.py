"""Whether a decoded utterance is taken for its grammar sentence: a judge fitted for each Whisper model.

The confidence is a logistic function of the grammar sentence's mean log
probability per token and its agreement with the free transcript, fitted on
the development voices for each model (``python -m bench.fit_judge``,
docs/whisper-engine.md): a model's log probabilities are on its own scale, so
a judge fitted for tiny.en rejects what base hears well. A safety sentence
needs less confidence than a command: a false "it hurts" costs a question, a
missed one more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import SequenceMatcher

from voiceguide.recognizers.whisper_decoder import Decoded


@dataclass(frozen=True)
class JudgeFit:
    """One model's fitted judge: the logistic function's weights and the two thresholds."""

    weight_log_prob: float
    weight_agreement: float
    bias: float
    accept: float  # a command
    accept_safety: float  # stop, pain or a symptom


# Each model's judge. base's command threshold is the lowest (in steps of 0.025) that
# takes no more development negatives for a command than tiny.en's 0.8 does on the same
# utterances (1 of 316); the safety threshold stays where it barely matters.
JUDGES: dict[str, JudgeFit] = {
    "tiny.en": JudgeFit(weight_log_prob=1.88, weight_agreement=2.085, bias=3.254, accept=0.8, accept_safety=0.35),
    "base": JudgeFit(weight_log_prob=0.771, weight_agreement=4.576, bias=-0.292, accept=0.875, accept_safety=0.35),
}


@dataclass(frozen=True)
class Judgement:
    """How far a decoded utterance is trusted to be its grammar sentence."""

    accepted: bool
    confidence: float  # 0..1


def agreement(sentence: str, free_text: str) -> float:
    """How alike the grammar sentence and the free transcript are, 0..1 (character alignment)."""
    return SequenceMatcher(None, sentence, free_text).ratio() if sentence or free_text else 1.0


def confidence(fit: JudgeFit, per_token: float, agreeing: float) -> float:
    """The fitted probability that the sentence is what was said."""
    z = fit.weight_log_prob * per_token + fit.weight_agreement * agreeing + fit.bias
    return 1.0 / (1.0 + math.exp(-z))


def judge(decoded: Decoded, safety: bool, fit: JudgeFit) -> Judgement:
    """Whether to take ``decoded`` for its grammar sentence; ``safety`` when that sentence is stop, pain or a symptom."""
    if decoded.sentence is None or decoded.tokens == 0:
        return Judgement(False, 0.0)
    sure = confidence(fit, decoded.log_prob / decoded.tokens, agreement(decoded.sentence, decoded.free_text))
    return Judgement(sure >= (fit.accept_safety if safety else fit.accept), sure)
