"""Development decodes kept whole: every hypothesis of every utterance, to re-decide offline in seconds.

The decider and the understanding stage change far more often than what the
recognizer hears. Decoding the development voices once, keeping every
partial and final, lets a change to the decisions be measured on real
hypotheses without decoding again (about 20 minutes on 2 cores, then a
second):

    python -m bench.decodes --out decodes.json              # decode (development only)
    python -m bench.decodes --out commands.json --kinds grammar,natural   # commands too
    python -m bench.decodes --out babble.json --noise babble@10dB  # the same in noise
    python -m bench.decodes --redecide decodes.json [-v]    # the current decisions on them

Only development material: the development paraphrases' stop, pain and
symptom phrasings, the coach's known lines, development room talk, and
(``--kinds``) the grammar's sentences and the development half of the
natural phrasings, by the development voices, clean or in one of the
benchmark's noise conditions (the babble is development room talk by the
development voices). Nothing held out is decoded here.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from voiceguide.coach.lines import known_lines
from voiceguide.grammar import SAFETY_INTENTS, Grammar
from voiceguide.listening import IntentDecider
from voiceguide.recognizers.base import Hypothesis
from voiceguide.routine import load_routine

from .accuracy import _init_worker, _worker, decide, hear, session_understanding
from .corpus import (
    SPEAKERS, Condition, Utterance, apply_condition, command_utterances, conditions, load_or_synthesise, natural_utterances,
)
from .paraphrases import DEVELOPMENT_PARAPHRASES, DEVELOPMENT_ROOM_TALK

CONDITIONS = {condition.name: condition for condition in conditions()}
KINDS = ("safety", "coach", "chitchat", "grammar", "natural")


def development_items(
    safety: int = 340, coach: int = 200, talk: int = 220, seed: int = 11, kinds: tuple[str, ...] = KINDS[:3]
) -> list[Utterance]:
    """Safety phrasings, the coach's lines and room talk, each said once by the development voices in turn;
    and the grammar's sentences (2 per intent, by every voice) and the development natural phrasings."""
    rng = random.Random(seed)
    phrasings = sorted({(text, intent) for _, text, intent in DEVELOPMENT_PARAPHRASES if intent in SAFETY_INTENTS})
    lines = sorted({line for line in known_lines(load_routine()) if len(line.split()) > 1})
    room = sorted(set(DEVELOPMENT_ROOM_TALK))
    chosen = [
        *[(t, i, "safety") for t, i in rng.sample(phrasings, min(safety, len(phrasings)))],
        *[(t, None, "coach") for t in rng.sample(lines, min(coach, len(lines)))],
        *[(t, None, "chitchat") for t in rng.sample(room, min(talk, len(room)))],
    ]
    items = [Utterance(text, intent, category, *SPEAKERS[n % len(SPEAKERS)]) for n, (text, intent, category) in enumerate(chosen)]
    items += command_utterances(Grammar.load(), per_intent=2, pain_phrases=2) + natural_utterances(held_out=False)
    return [item for item in items if item.category in kinds]


def _decode(job: tuple[int, Utterance, Condition]) -> dict:
    seed, utterance, condition = job
    recognizer = _worker.setdefault("recognizer", _worker["new_recognizer"]())
    audio = apply_condition(load_or_synthesise(utterance, _worker["cache"]), condition, seed, _worker["cache"])
    hypotheses = [(now, asdict(h)) for now, h in hear(recognizer, audio) if h is not None]
    return {"utterance": asdict(utterance), "condition": condition.name, "hypotheses": hypotheses}


def decode_all(items: list[Utterance], cache: Path, processes: int, condition: Condition = CONDITIONS["clean"]) -> list[dict]:
    for utterance in items:
        load_or_synthesise(utterance, cache)
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, _init_worker, ("whisper", None, str(cache))) as pool:
        return pool.map(_decode, [(seed, item, condition) for seed, item in enumerate(items)], chunksize=4)


def redecide(decodes: list[dict], verbose: bool = False) -> dict[str, float]:
    """Decide every kept utterance again with the current code: as someone else, and (coach lines) as the coach's voice."""
    grammar = Grammar.load()
    understanding = session_understanding(grammar)
    counts: Counter[str] = Counter()
    for item in decodes:
        utterance = item["utterance"]
        hypotheses = [(now, Hypothesis(**h)) for now, h in item["hypotheses"]]
        decided, _ = decide(hypotheses, IntentDecider(grammar, understanding=understanding))
        category = utterance["category"]
        counts[category] += 1
        if category in ("grammar", "natural"):
            counts[f"{category} right"] += decided == utterance["expected"]
            missed = decided != utterance["expected"]
        elif category == "safety":
            hit = decided in SAFETY_INTENTS
            counts["safety heard"] += hit
            counts["safety stopped or paused"] += hit or decided in ("unclear", "Pause")
            missed = not hit
        else:
            counts[f"{category} false"] += decided not in (None, "unclear")
            missed = decided not in (None, "unclear")
        if category == "coach":
            own, _ = decide(hypotheses, IntentDecider(grammar, understanding=understanding), utterance["text"])
            counts["coach own voice false"] += own not in (None, "unclear")
            if verbose and own not in (None, "unclear"):
                print(f"own      {own!s:8} {utterance['text']!r}")
        if verbose and missed:
            heard = next((h.heard or h.text for _, h in reversed(hypotheses) if h.final), "")
            print(f"{category:8} {decided!s:8} {utterance['text']!r} -> {heard!r}")
    return {
        "safety recall %": 100 * counts["safety heard"] / max(1, counts["safety"]),
        "safety stopped or paused %": 100 * counts["safety stopped or paused"] / max(1, counts["safety"]),
        "coach lines false": counts["coach false"],
        "coach lines as its own voice false": counts["coach own voice false"],
        "room talk false": counts["chitchat false"],
        "grammar commands right %": 100 * counts["grammar right"] / max(1, counts["grammar"]),
        "natural phrasings right %": 100 * counts["natural right"] / max(1, counts["natural"]),
        "utterances": sum(counts[kind] for kind in KINDS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.decodes", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="decode the development items into this JSON file")
    parser.add_argument("--redecide", type=Path, help="decide a file of decodes again with the current code")
    parser.add_argument("--cache", type=Path, default=Path("bench-results/corpus-cache"))
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--kinds", default=",".join(KINDS[:3]), help=f"what to decode, of {','.join(KINDS)}")
    parser.add_argument("--noise", default="clean", choices=sorted(CONDITIONS), help="the condition to decode in")
    parser.add_argument("-v", "--verbose", action="store_true", help="list what was missed or taken falsely")
    args = parser.parse_args()
    if args.out:
        items = development_items(kinds=tuple(args.kinds.split(",")))
        decodes = decode_all(items, args.cache, args.processes, CONDITIONS[args.noise])
        args.out.write_text(json.dumps(decodes))
        print(f"{len(decodes)} utterances decoded into {args.out}")
    if args.redecide:
        for name, value in redecide(json.loads(args.redecide.read_text()), args.verbose).items():
            print(f"{name}: {value:.1f}" if isinstance(value, float) else f"{name}: {value}")


if __name__ == "__main__":
    main()
