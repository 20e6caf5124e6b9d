"""Accuracy of recognizer + grammar + listening decisions, on the generated corpus."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from voiceguide.events import Heard, Unclear
from voiceguide.grammar import SAFETY_INTENTS, Grammar
from voiceguide.listening import IntentDecider
from voiceguide.recognizers.base import Hypothesis
from voiceguide.recognizers.whisper_engine import THREADS_VARIABLE
from voiceguide.routine import load_routine
from voiceguide.understanding import Understanding
from voiceguide.understanding.loading import build_index, exercise_names

from .corpus import SAMPLE_RATE, Condition, Utterance, apply_condition, load_or_synthesise

CHUNK = SAMPLE_RATE // 50  # 20 ms, as the microphone delivers it


@dataclass(frozen=True)
class Outcome:
    utterance: Utterance
    condition: str
    decided: str | None  # the intent acted on, "unclear", or None (nothing)
    text: str
    seconds: float  # decoding time
    audio_seconds: float
    as_own_voice: str | None = None  # a coach line: the decision when the listener knows the coach is saying it


def session_understanding(grammar: Grammar) -> Understanding:
    """The understanding stage a session of the default routine has."""
    from voiceguide.coach.lines import known_lines

    from .understanding import examples_not_held_out

    routine = load_routine()
    lines = known_lines(routine)
    index = build_index(grammar, lines, said=examples_not_held_out())  # the held-out sets stay out of the examples
    return Understanding(grammar, index, topics=exercise_names(routine), coach_lines=lines)


def hear(recognizer, audio: np.ndarray, calls: list[float] | None = None) -> list[tuple[float, Hypothesis | None]]:
    """Feed audio as the microphone would: (seconds of audio fed, hypothesis or None) per chunk, then the flush.

    ``calls`` gets the seconds each call to the recognizer took.
    """
    recognizer.reset()
    pcm = audio.astype("<i2").tobytes()
    step = CHUNK * 2
    hypotheses = []  # (time, hypothesis): time as the microphone would deliver it
    timings = calls if calls is not None else []
    for start in range(0, len(pcm), step):
        began = time.perf_counter()
        hypotheses.append((start / 2 / SAMPLE_RATE, recognizer.accept(pcm[start : start + step])))
        timings.append(time.perf_counter() - began)
    began = time.perf_counter()
    hypotheses.append((len(pcm) / 2 / SAMPLE_RATE, recognizer.flush()))
    timings.append(time.perf_counter() - began)
    return hypotheses


def decide(
    hypotheses: list[tuple[float, Hypothesis | None]], decider: IntentDecider, coach_line: str = ""
) -> tuple[str | None, str]:
    """(decision, final text) for one utterance's hypotheses, as the listener decides.

    ``coach_line``: the coach is saying this line while it is heard (its own voice).
    """
    decided: str | None = None
    final_text = ""
    for now, hypothesis in hypotheses:
        events = []
        if hypothesis is not None:
            events.append(decider.decide(hypothesis, coach_speaking=bool(coach_line), echo_text=coach_line, now=now))
            if hypothesis.final:
                final_text = hypothesis.text
        events.append(decider.poll(now))
        for event in events:
            if isinstance(event, Heard) and (decided is None or decided == "unclear"):
                decided = event.intent
            elif isinstance(event, Unclear) and decided is None:
                decided = "unclear"
    return decided, final_text


def decode(recognizer, decider: IntentDecider, audio: np.ndarray, calls: list[float] | None = None) -> tuple[str | None, str]:
    """Feed audio as the microphone would; return (decision, final text)."""
    return decide(hear(recognizer, audio, calls), decider)


# Each worker process keeps its own recognizer.
_worker: dict = {}


def _init_worker(engine: str, model: str | None, cache: str, threads: int = 1) -> None:
    from voiceguide.recognizers.registry import create_recognizer

    os.environ[THREADS_VARIABLE] = str(threads)  # workers share the cores
    grammar = Grammar.load()
    _worker["new_recognizer"] = partial(
        create_recognizer, engine, grammar.sentences, grammar.safety_sentences, Path(model) if model else None,
        fall_back=False,
    )
    # The app's understanding stage, as in a session; utterances are decided as if said mid-exercise.
    _worker["decider"] = IntentDecider(grammar, understanding=session_understanding(grammar))
    _worker["cache"] = Path(cache)


def _run_session(jobs: list[tuple[int, Utterance, Condition]]) -> list[tuple[int, Outcome]]:
    """One voice in one condition, in order, by a new recognizer (as a new session of the app)."""
    recognizer, decider, cache = _worker["new_recognizer"](), _worker["decider"], _worker["cache"]
    outcomes = []
    for seed, utterance, condition in jobs:
        audio = apply_condition(load_or_synthesise(utterance, cache), condition, seed, cache)
        started = time.perf_counter()
        hypotheses = hear(recognizer, audio)
        seconds = time.perf_counter() - started
        decided, text = decide(hypotheses, decider)
        own = decide(hypotheses, IntentDecider(decider.grammar, understanding=decider.understanding), utterance.text)[0] if utterance.category == "coach" else None
        outcomes.append((seed, Outcome(utterance, condition.name, decided, text, seconds, len(audio) / SAMPLE_RATE, own)))
    return outcomes


def run_accuracy(
    engine: str,
    pairs: Sequence[tuple[Utterance, Condition]],
    cache: Path,
    model: Path | None = None,
    processes: int = 2,
) -> list[Outcome]:
    """Decode every (utterance, condition) in one pool of worker processes, in the order of ``pairs``.

    A person uses the coach in one voice and one room, and the recognizer
    adapts to them (pocketsphinx's cepstral mean, its voice activity
    detector). So each voice's utterances in each condition are decoded as
    one session, in order, by a new recognizer: nothing learnt from another
    voice or room, or from whatever the worker decoded before (when it was,
    the same audio gave figures a few points apart from run to run).
    """
    for utterance in {u for u, _ in pairs}:  # synthesise once, before the workers race for it
        load_or_synthesise(utterance, cache)
    sessions: dict[tuple[str, str], list[tuple[int, Utterance, Condition]]] = defaultdict(list)
    for seed, (utterance, condition) in enumerate(pairs):
        sessions[(utterance.voice, condition.name)].append((seed, utterance, condition))
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, _init_worker, (engine, str(model) if model else None, str(cache))) as pool:
        decoded = pool.map(_run_session, list(sessions.values()), chunksize=1)
    by_seed = dict(pair for session in decoded for pair in session)
    return [by_seed[seed] for seed in range(len(pairs))]


def _time_decodes(jobs: list[tuple[int, Utterance, Condition]]) -> list[tuple[float, float, float]]:
    """(seconds in all calls, seconds in the longest call, CPU seconds) per utterance, decoded in turn."""
    recognizer, decider, cache = _worker["new_recognizer"](), _worker["decider"], _worker["cache"]
    rows = []
    for seed, utterance, condition in jobs:
        audio = apply_condition(load_or_synthesise(utterance, cache), condition, seed, cache)
        calls: list[float] = []
        cpu = time.process_time()
        decode(recognizer, decider, audio, calls)
        rows.append((sum(calls), max(calls), time.process_time() - cpu))
    return rows


def run_timing(
    engine: str, pairs: Sequence[tuple[Utterance, Condition]], cache: Path, model: Path | None = None, threads: int = 2
) -> dict[str, float]:
    """Decoding time per utterance, one utterance after the other in one process with ``threads``, as the app decodes.

    ``longest call`` is the costliest single call to the recognizer in an
    utterance: for Whisper, the final decode the answer waits for.
    """
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, _init_worker, (engine, str(model) if model else None, str(cache), threads)) as pool:
        rows = pool.apply(_time_decodes, ([(seed, u, c) for seed, (u, c) in enumerate(pairs)],))
    audio = [load_or_synthesise(u, cache) for u, _ in pairs]
    seconds = sum(len(a) for a in audio) / SAMPLE_RATE
    total, longest, cpu = (np.array(column) * 1000 for column in zip(*rows))
    return {
        "utterances": len(rows),
        "threads": threads,
        "all calls p50 ms": float(np.percentile(total, 50)),
        "all calls p95 ms": float(np.percentile(total, 95)),
        "longest call p50 ms": float(np.percentile(longest, 50)),
        "longest call p95 ms": float(np.percentile(longest, 95)),
        "CPU p50 ms": float(np.percentile(cpu, 50)),
        "CPU per second of audio, % of a core": float(100 * cpu.sum() / 1000 / seconds),
    }


# The first command of a session: how many commands of a voice the recognizer
# hears before its state is kept (the voice memory), and how the rest fare as
# the first utterance of a new recognizer, from its generic start and from the
# kept state.
LEARNING_COMMANDS = 8


def _first_commands_of(job: tuple[str, list[Utterance]]) -> dict[str, list[bool]]:
    """One voice: each command decoded as a new session's first, from the generic start and from the kept state."""
    _, utterances = job
    new_recognizer, decider, cache = _worker["new_recognizer"], _worker["decider"], _worker["cache"]
    learning = utterances[:: len(utterances) // LEARNING_COMMANDS][:LEARNING_COMMANDS]  # spread over the intents
    tests = [utterance for utterance in utterances if utterance not in learning]
    earlier_session = new_recognizer()
    for utterance in learning:
        decode(earlier_session, decider, load_or_synthesise(utterance, cache))
    kept = earlier_session.adaptation()
    right: dict[str, list[bool]] = {"generic": [], "returning": []}
    for utterance in tests:
        audio = load_or_synthesise(utterance, cache)
        for start, hits in right.items():
            recognizer = new_recognizer()
            if start == "returning":
                recognizer.adapt(kept)
            hits.append(decode(recognizer, decider, audio)[0] == utterance.expected)
    return right


def run_first_commands(
    engine: str, utterances: Sequence[Utterance], cache: Path, model: Path | None = None, processes: int = 2
) -> dict[str, dict[str, float]] | None:
    """Accuracy on a session's first command, per voice and overall: {"generic", "returning", "count"}.

    None for an engine that keeps nothing between sessions.
    """
    by_voice: dict[str, list[Utterance]] = defaultdict(list)
    for utterance in utterances:
        by_voice[utterance.voice].append(utterance)
    jobs = [(voice, items) for voice, items in sorted(by_voice.items()) if len(items) > LEARNING_COMMANDS]
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, _init_worker, (engine, str(model) if model else None, str(cache))) as pool:
        if pool.apply(_keeps_adaptation) is False:
            return None
        rows = pool.map(_first_commands_of, jobs, chunksize=1)
    result: dict[str, dict[str, float]] = {}
    for (voice, _), right in zip(jobs, rows):
        result[voice] = {start: sum(hits) / len(hits) for start, hits in right.items()} | {"count": len(right["generic"])}
    every = {start: [hit for row in rows for hit in row[start]] for start in ("generic", "returning")}
    result["all voices"] = {start: sum(hits) / len(hits) for start, hits in every.items()} | {"count": len(every["generic"])}
    return result


def _keeps_adaptation() -> bool:
    return _worker["new_recognizer"]().adaptation() is not None


@dataclass
class AccuracyReport:
    engine: str
    commands: dict[str, dict[str, float]] = field(default_factory=dict)  # condition -> category -> accuracy
    pain_recall: dict[str, float] = field(default_factory=dict)  # condition -> recall
    pain_safe: dict[str, float] = field(default_factory=dict)  # condition -> stopped or paused
    false_commands: dict[str, dict[str, float]] = field(default_factory=dict)  # condition -> category -> rate
    false_moves: dict[str, float] = field(default_factory=dict)  # condition -> negatives taken for a non-safety command
    false_own_voice: dict[str, float] = field(default_factory=dict)  # condition -> coach lines acted on while the coach says them
    false_pauses: dict[str, float] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)  # expected -> decided -> count
    by_voice: dict[str, dict[str, float]] = field(default_factory=dict)  # voice -> {commands, pain_recall}, clean
    real_time_factor: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    misses: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def summarise(engine: str, outcomes: Sequence[Outcome]) -> AccuracyReport:
    report = AccuracyReport(engine)
    by_condition: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_condition[outcome.condition].append(outcome)
    confusion: dict[str, Counter] = defaultdict(Counter)
    for condition, items in by_condition.items():
        report.commands[condition] = {}
        for category in ("grammar", "natural"):
            positives = [o for o in items if o.utterance.category == category]
            if positives:
                right = sum(o.decided == o.utterance.expected for o in positives)
                report.commands[condition][category] = right / len(positives)
        pain = [o for o in items if o.utterance.expected in ("Pain", "Symptom")]
        if pain:
            report.pain_recall[condition] = sum(o.decided in SAFETY_INTENTS for o in pain) / len(pain)
            report.pain_safe[condition] = sum(o.decided in SAFETY_INTENTS or o.decided == "unclear" for o in pain) / len(pain)
        report.false_commands[condition] = {}
        negatives = [o for o in items if o.utterance.expected is None]
        for category in ("coach", "chitchat"):
            group = [o for o in negatives if o.utterance.category == category]
            if group:
                report.false_commands[condition][category] = sum(o.decided not in (None, "unclear") for o in group) / len(group)
        own = [o for o in negatives if o.utterance.category == "coach"]
        if own:
            report.false_own_voice[condition] = sum(o.as_own_voice not in (None, "unclear") for o in own) / len(own)
        if negatives:
            # A false stop or pain costs a pause and a question; a false
            # "next" or "skip" moves the session on by itself.
            report.false_moves[condition] = sum(o.decided not in (None, "unclear", *SAFETY_INTENTS) for o in negatives) / len(negatives)
            report.false_pauses[condition] = sum(o.decided == "unclear" for o in negatives) / len(negatives)
        for o in items:
            confusion[o.utterance.expected or "(none)"][o.decided or "(nothing)"] += 1
            wrong = o.decided != o.utterance.expected if o.utterance.expected else o.decided not in (None, "unclear")
            if wrong and len(report.misses) < 400:
                report.misses.append({"condition": condition, "said": o.utterance.text, "voice": o.utterance.voice, "expected": str(o.utterance.expected), "decided": str(o.decided), "heard": o.text})
    report.confusion = {k: dict(v) for k, v in sorted(confusion.items())}
    clean = by_condition.get("clean", [])
    for voice in sorted({o.utterance.voice for o in clean}):
        mine = [o for o in clean if o.utterance.voice == voice and o.utterance.category == "grammar"]
        pain = [o for o in mine if o.utterance.expected in ("Pain", "Symptom")]
        if mine:
            report.by_voice[voice] = {
                "commands": sum(o.decided == o.utterance.expected for o in mine) / len(mine),
                "pain_recall": sum(o.decided in SAFETY_INTENTS for o in pain) / len(pain) if pain else float("nan"),
            }
    audio = sum(o.audio_seconds for o in outcomes)
    report.real_time_factor = sum(o.seconds for o in outcomes) / audio if audio else 0.0
    report.counts = {"utterances": len(outcomes), "conditions": len(by_condition)}
    return report
