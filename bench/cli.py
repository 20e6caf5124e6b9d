"""``python -m bench`` (``make bench``): how well the engines hear, on a generated corpus.

``build_parser()`` makes the command line; ``bench_command`` runs it and
returns an exit code. ``run_bench(...)`` does the work and returns the
results dict (also written as JSON, markdown and a PNG plot).

The corpus: commands from the grammar and natural phrasings (said by several
espeak-ng voices), every line the coach says in a whole session (collected
by walking :class:`voiceguide.coach.Coach` through one with a fake clock),
and chit-chat; clean, and mixed with white, pink, brown and babble noise at
20, 10 and 5 dB SNR (negatives: clean and 10 dB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from voiceguide.recognizers.registry import CHOICES

ENGINE_CHOICES = (*CHOICES, "all")
DEFAULT_OUT = Path("bench-results")


@dataclass(frozen=True)
class CorpusSize:
    """How much of the corpus to decode."""

    per_intent: int  # grammar sentences per intent (each said by every speaker)
    pain_phrases: int  # ... for Pain and Symptom
    natural: bool  # the natural phrasings outside the grammar
    coach_lines: int | None  # at most this many coach lines (None: all)
    chitchat: int | None
    snrs: tuple[float, ...]  # noisy conditions for commands
    negative_snrs: tuple[float, ...]  # noisy conditions for negatives
    speakers: int | None = None  # only the first N development speakers for commands (None: all)
    noisy_share: int = 1  # each noisy condition decodes every Nth utterance (rotating offset)
    held_out: bool = True  # the held-out voices and phrasings too
    development: bool = True  # the development voices and phrasings
    timing_utterances: int = 150  # decoded one after another to time them


# All commands clean, a rotating quarter of them in each of the 12 noisy
# conditions; all negatives clean, a rotating quarter in each 10 dB noise;
# for the development voices and the held-out ones.
FULL = CorpusSize(per_intent=3, pain_phrases=8, natural=True, coach_lines=None, chitchat=None,
                  snrs=(20, 10, 5), negative_snrs=(10,), noisy_share=4)
QUICK = CorpusSize(per_intent=1, pain_phrases=2, natural=False, coach_lines=4, chitchat=2,
                   snrs=(10,), negative_snrs=(), speakers=1, held_out=False, timing_utterances=10)
# Two engines side by side on a busy machine: the held-out voices and phrasings only, one
# grammar sentence per intent (two of pain's), 40 coach lines, clean and a rotating quarter in each 10 dB noise.
COMPARE = CorpusSize(per_intent=1, pain_phrases=2, natural=True, coach_lines=40, chitchat=None,
                     snrs=(10,), negative_snrs=(10,), noisy_share=4, development=False, timing_utterances=30)
HELD_OUT_SEED = 11  # the held-out voices say another sample of the grammar's sentences


def build_parser() -> argparse.ArgumentParser:
    bench = argparse.ArgumentParser(
        prog="python -m bench", description="Measure how well the speech engines hear, on a generated corpus."
    )
    bench.add_argument("--engine", choices=ENGINE_CHOICES, default="all",
                       help="which engine(s); all = every engine that can run here with a model")
    bench.add_argument("--quick", action="store_true", help="a small corpus (under a minute)")
    bench.add_argument("--compare", action="store_true",
                       help="held-out voices and phrasings only, clean and 10 dB, a smaller grammar sample (engines side by side)")
    bench.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for results.json, results.md, accuracy.png")
    bench.add_argument("--skip-latency", action="store_true", help="measure accuracy only")
    bench.add_argument("--skip-accuracy", action="store_true",
                       help="measure latency and cost only, keeping the accuracy results already in OUT")
    bench.add_argument("--cache", type=Path, default=None, help="synthesised speech cache (default: OUT/corpus-cache)")
    bench.add_argument("--processes", type=int, default=None, help="decoding processes (default: CPU count)")
    bench.set_defaults(func=bench_command)
    return bench


def bench_command(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from voiceguide.recognizers.base import RecognizerError

    try:
        results = run_bench(
            engine=args.engine,
            quick=args.quick,
            size=COMPARE if getattr(args, "compare", False) else None,
            out_dir=args.out,
            skip_latency=args.skip_latency,
            skip_accuracy=args.skip_accuracy,
            cache=getattr(args, "cache", None),
            processes=getattr(args, "processes", None),
            log=err,
        )
    except RecognizerError as error:
        print(error.message, file=err)
        return 1
    from . import report

    print(report.markdown(results), file=out)
    print(f"Results written to {args.out}/ (results.json, results.md, accuracy.png).", file=err)
    return 0


# ------------------------------------------------------------ coach lines


def coach_session_lines() -> list[str]:
    """Every line the coach says in a whole session, in order.

    Walks the real coach with the tests' fake-clock driver: the user says
    "let's begin", then "next" whenever the coach waits, and along the way
    asks for form, the reason, the status and help, pauses and resumes, says
    something unclear and answers the check, so every kind of line the coach
    has is collected; then a short second session for the pain path.
    """
    from tests.support.driver import Driver

    session = Driver.new().begin()
    session.settle()
    session.hear("Help")
    session.settle()
    session.hear("Start")
    for _ in range(6):  # a few steps into the first exercise: the questions a user asks
        session.step()
    for intent in ("Form", "Why", "Status", "Slower", "Faster", "Repeat"):
        session.hear(intent)
        for _ in range(3):
            session.step()
    session.hear("Pause")
    session.settle()
    session.hear("Resume")
    for _ in range(4):
        session.step()
    session.unclear()
    session.settle()
    session.hear("Okay")
    for _ in range(4):
        session.step()
    for intent in ("Stop", "No", "Resume"):
        session.hear(intent)
        session.settle()
    while session.ended is None:
        session.hear("Next")
        session.settle()
    pain = Driver.new().begin()
    pain.settle()
    pain.hear("Start")
    for _ in range(8):
        pain.step()
    for intent, text in (("Pain", "it hurts"), ("Yes", ""), ("Quit", "")):
        pain.hear(intent, text)
        pain.settle()
    return session.texts() + pain.texts()


# --------------------------------------------------------------- the run


def engines_for(choice: str, notify=lambda message: None) -> list[tuple[str, Path | None]]:
    """(engine, model or None) for each engine to measure."""
    from voiceguide.recognizers import registry

    if choice == "all":
        found = registry.available()
        for engine in registry.ENGINES:
            if engine.name not in {e.name for e, _ in found}:
                notify(f"Not benchmarking {engine.name}: it cannot run here or has no model.")
        return [(engine.name, model) for engine, model in found]
    engines = [registry.engine(choice)] if choice != "auto" else [registry.available()[0][0]]
    return [(engine.name, registry.usable(engine)) for engine in engines]


def build_corpus(size: CorpusSize):
    """(commands, negatives) utterances for ``size``."""
    from voiceguide.grammar import Grammar

    from . import corpus

    grammar = Grammar.load()
    lines = coach_session_lines()
    commands, negatives = [], []
    if size.development:
        commands = corpus.command_utterances(grammar, size.per_intent, size.pain_phrases)
        if size.speakers is not None:
            keep = {voice for voice, _ in corpus.SPEAKERS[: size.speakers]}
            commands = [u for u in commands if u.voice in keep]
        if size.natural:
            commands += corpus.natural_utterances()
        negatives = corpus.negative_utterances(lines)
    if size.held_out:
        commands += corpus.command_utterances(
            grammar, size.per_intent, size.pain_phrases, HELD_OUT_SEED, corpus.HELD_OUT_SPEAKERS
        )
        if size.natural:
            commands += corpus.natural_utterances(held_out=True)
        negatives += corpus.negative_utterances(lines, held_out=True)
    coach = [u for u in negatives if u.category == "coach"]
    chat = [u for u in negatives if u.category == "chitchat"]
    if size.coach_lines is not None:
        coach = _spread(coach, size.coach_lines)
    if size.chitchat is not None:
        chat = chat[: size.chitchat]
    return commands, coach + chat


def _spread(items: list, count: int) -> list:
    """``count`` items spread evenly over ``items``."""
    if count >= len(items):
        return items
    return [items[round(i * (len(items) - 1) / max(1, count - 1))] for i in range(count)]


def run_bench(
    engine: str = "all",
    quick: bool = False,
    out_dir: Path = DEFAULT_OUT,
    skip_latency: bool = False,
    skip_accuracy: bool = False,
    cache: Path | None = None,
    processes: int | None = None,
    size: CorpusSize | None = None,
    log: TextIO | None = None,
) -> dict[str, Any]:
    """Run the benchmark, write results to ``out_dir``, return the results dict."""
    from . import accuracy, corpus, report

    def say(message: str) -> None:
        if log is not None:
            print(message, file=log, flush=True)

    out_dir = Path(out_dir)
    cache = Path(cache) if cache else out_dir / "corpus-cache"
    size = size or (QUICK if quick else FULL)
    processes = processes or os.cpu_count() or 2
    started = time.perf_counter()
    results: dict[str, Any] = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "quick": quick,
        "held-out only": not size.development,
        "accuracy": {},
    }
    from . import understanding

    say("understanding: the natural phrasings as text, with the grammar alone and by meaning...")
    results["understanding"] = understanding.run_understanding()
    commands, negatives = build_corpus(size)
    command_conditions = corpus.conditions(size.snrs)
    negative_conditions = corpus.conditions(size.negative_snrs)
    results["corpus"] = {
        "commands": len(commands),
        "negatives": len(negatives),
        "command_conditions": [c.name for c in command_conditions],
        "negative_conditions": [c.name for c in negative_conditions],
    }
    pairs = _pairs(commands, command_conditions, size.noisy_share)
    negative_share = max(1, len(negative_conditions) - 1) if size.noisy_share > 1 else 1
    pairs += _pairs(negatives, negative_conditions, negative_share)
    results["corpus"]["decodes_per_engine"] = len(pairs)
    earlier = out_dir / "results.json"
    if skip_accuracy and earlier.exists():  # a run in two halves gives one report
        results["accuracy"] = json.loads(earlier.read_text()).get("accuracy", {})
    for name, model in [] if skip_accuracy else engines_for(engine, say):
        say(f"{name}: decoding {len(pairs)} utterances ({len(commands)} commands, {len(negatives)} negatives, "
            f"{len(command_conditions)} conditions)...")
        t0 = time.perf_counter()
        outcomes = accuracy.run_accuracy(name, pairs, cache, model, processes)
        summary = accuracy.summarise(name, outcomes).to_dict()
        summary["voice_sets"] = {
            voices: accuracy.summarise(name, mine).to_dict()
            for voices in corpus.VOICE_SETS
            if (mine := [o for o in outcomes if corpus.voice_set(o.utterance.voice) == voices])
        }
        say(f"{name}: a session's first command, from the generic start and from a kept state...")
        clean_commands = [u for u in commands if u.category == "grammar"]
        summary["first_command"] = accuracy.run_first_commands(name, clean_commands, cache, model, processes)
        say(f"{name}: decoding time, one utterance after another on 2 threads...")
        summary["decode_time"] = accuracy.run_timing(name, _spread(pairs, size.timing_utterances), cache, model)
        summary["seconds"] = round(time.perf_counter() - t0, 1)
        results["accuracy"][name] = summary
        say(f"{name}: done in {summary['seconds']} s.")
    if not skip_latency:
        results["latency"], results["cost"] = {}, {}
        for name, _ in engines_for(engine):
            found = _latency(out_dir, quick, say, name)
            results["latency"][name], results["cost"][name] = found.get("latency", {}), found.get("cost", {})
    results["seconds"] = round(time.perf_counter() - started, 1)
    report.write(results, out_dir)
    return results


def _pairs(utterances: list, conditions: list, share: int) -> list:
    """(utterance, condition): all utterances clean, every ``share``-th in each noisy condition."""
    pairs = []
    noisy = 0
    for condition in conditions:
        if condition.noise is None or share <= 1:
            pairs += [(u, condition) for u in utterances]
        else:
            pairs += [(u, condition) for u in utterances[noisy % share :: share]]
            noisy += 1
    return pairs


def _latency(out_dir: Path, quick: bool, say, engine: str) -> dict[str, Any]:
    from . import latency

    say(f"{engine}: latency and cost through the real audio path...")
    found = latency.run_latency(out_dir, quick, engine) or {}
    return {key: found[key] for key in ("latency", "cost") if key in found}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
