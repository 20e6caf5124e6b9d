"""How well the understanding stage maps words to intents, on text: no audio, so it isolates understanding from hearing.

Three sets, reported apart:
- held out: :mod:`bench.natural_phrasings` (natural phrasings per intent, in the context
  a person says them; phrasings whose meaning depends on the context), never tuned on;
- development: :mod:`bench.paraphrases`, which the rule's thresholds were chosen on, and which
  are examples of the stage; so also each batch left out of the examples (:mod:`bench.cross_batch`);
- negatives: room talk, half sentences and the coach's own lines, each tried in every
  context the coach can be in (a false command in any one counts).
Each is scored with the grammar alone (its sentences word for word, and safety
words), with key phrases among filler added (no model), and with understanding
by meaning as well (the app), to show what each adds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from voiceguide.coach.lines import known_lines
from voiceguide.grammar import Grammar, normalize
from voiceguide.intents import Context
from voiceguide.routine import load_routine
from voiceguide.understanding import Understanding
from voiceguide.understanding.context import MOVES
from voiceguide.understanding.key_phrases import KeyPhrases
from voiceguide.understanding.loading import build_index, exercise_names
from voiceguide.understanding.phrasings import SaidExamples, packaged_examples

from . import natural_phrasings as held
from . import phrasings
from .cross_batch import LeftOut
from .paraphrases import DEVELOPMENT_PARAPHRASES, DEVELOPMENT_ROOM_TALK

# Where a person says an intent's natural phrasings: answers to a question, "next" between exercises...
SAID_WHILE = {
    "Start": Context.READY, "Yes": Context.QUESTION, "No": Context.QUESTION, "Okay": Context.QUESTION,
    "Resume": Context.HALTED, "Next": Context.BETWEEN, "Previous": Context.BETWEEN,
}
HELD_OUT_CONTEXTS = {
    "question_yes_no": Context.QUESTION, "between_exercises": Context.BETWEEN, "paused": Context.HALTED,
    "halted_after_pain": Context.HALTED, "mid_hold": Context.EXERCISE,
}
DEVELOPMENT = "development paraphrases (tuned on, and examples)"
DEVELOPMENT_ROOM = "development room talk (tuned on, and examples)"
CROSS_BATCH = "development paraphrases, each batch left out of the examples"
CROSS_BATCH_ROOM = "development room talk, each batch left out of the examples"
LIVE_CONTEXTS = [context for context in Context if context is not Context.ENDED]
MOVE_NAMES = {intent.value for intent in MOVES}
SAFETY_NAMES = ("Stop", "Pain", "Symptom")

Labelled = Sequence[tuple[Context, str, str]]


def held_out_commands() -> list[tuple[Context, str, str]]:
    by_intent = [(SAID_WHILE.get(intent, Context.EXERCISE), text, intent) for intent, texts in held.NATURAL_BY_INTENT.items() for text in texts]
    in_context = [(HELD_OUT_CONTEXTS[context], text, intent) for context, text, intent in held.CONTEXT_PHRASINGS]
    return by_intent + in_context


def held_out_texts() -> set[str]:
    """Every held-out phrasing and negative, as text and as speech (normalized)."""
    texts = {t for _, t, _ in held_out_commands()} | set(held.ROOM_TALK) | set(held.HALF_SENTENCES)
    texts |= {t for t, _ in phrasings.PHRASINGS if not phrasings.is_development(t)}
    texts |= {t for t in phrasings.NEGATIVES if not phrasings.is_development(t)}
    return {normalize(t) for t in texts}


def examples_not_held_out() -> SaidExamples:
    """The app's said phrasings less any that is also a held-out one (short common phrasings coincide, a third of
    the held-out commands): so the held-out sets measure phrasings the stage was not given."""
    held_out = held_out_texts()
    said = packaged_examples()
    return SaidExamples(
        tuple(p for p in said.commands if normalize(p.text) not in held_out),
        tuple(t for t in said.room_talk if normalize(t) not in held_out),
    )


def score_commands(understanding: Understanding, labelled: Labelled) -> dict[str, Any]:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    by_context: dict[str, list[bool]] = defaultdict(list)
    wrong = 0
    safety: list[tuple[bool, bool]] = []  # per pain or symptom phrasing: (a safety event, the coach stops or pauses)
    for context, text, intent in labelled:
        got = understanding.understand(text, context).intent
        total[intent] += 1
        right[intent] += got == intent
        wrong += got is not None and got != intent
        by_context[context.value].append(got == intent)
        if intent in ("Pain", "Symptom") and context is Context.EXERCISE:
            # Not understood while an exercise runs, the coach pauses and asks (rule 7); a pause halts too.
            safety.append((got in SAFETY_NAMES, got in SAFETY_NAMES or got in (None, "Pause")))
    return {
        "phrasings": len(labelled),
        "understood %": 100 * sum(right.values()) / max(1, len(labelled)),
        "wrong intent %": 100 * wrong / max(1, len(labelled)),
        "per intent %": {intent: 100 * right[intent] / total[intent] for intent in sorted(total)},
        "per context %": {context: 100 * sum(hits) / len(hits) for context, hits in sorted(by_context.items())},
        "pain and symptoms mid-exercise: safety event %": 100 * sum(a for a, _ in safety) / max(1, len(safety)),
        "pain and symptoms mid-exercise: stopped or paused %": 100 * sum(b for _, b in safety) / max(1, len(safety)),
    }


def score_negatives(understanding: Understanding, texts: Sequence[str]) -> dict[str, Any]:
    tries = [(text, context, understanding.understand(text, context).intent) for text in texts for context in LIVE_CONTEXTS]
    false = [(text, context.value, intent) for text, context, intent in tries if intent is not None]
    return {
        "utterances": len(texts),
        "tries (each in every context)": len(tries),
        "false commands %": 100 * len(false) / max(1, len(tries)),
        "false moves": sum(intent in MOVE_NAMES for _, _, intent in false),
        "false safety": sum(intent in SAFETY_NAMES for _, _, intent in false),
        "examples": false[:12],
    }


def run_understanding() -> dict[str, Any]:
    """The report: each set with the grammar alone and with understanding by meaning."""
    grammar = Grammar.load()
    routine = load_routine()
    coach_lines = known_lines(routine)
    stages = {
        "grammar alone": Understanding(grammar, key_phrases=KeyPhrases.none()),  # its sentences and safety words
        "key phrases": Understanding(grammar, topics=exercise_names(routine)),
        "with understanding": Understanding(
            grammar, build_index(grammar, coach_lines, said=examples_not_held_out()), topics=exercise_names(routine),
            coach_lines=coach_lines,
        ),
    }
    sets = {
        "held-out phrasings": held_out_commands(),
        DEVELOPMENT: [(Context(c), t, i) for c, t, i in DEVELOPMENT_PARAPHRASES],
    }
    negatives = {
        "held-out room talk": list(held.ROOM_TALK),
        "held-out half sentences": list(held.HALF_SENTENCES),
        DEVELOPMENT_ROOM: list(DEVELOPMENT_ROOM_TALK),
        "the coach's own lines, said by someone else": coach_lines,
    }
    report = {
        stage: {
            **{name: score_commands(understanding, labelled) for name, labelled in sets.items()},
            **{name: score_negatives(understanding, texts) for name, texts in negatives.items()},
        }
        for stage, understanding in stages.items()
    }
    # Only understanding by meaning uses the said phrasings as examples: the other stages score the same left out.
    left_out = LeftOut(grammar, coach_lines, exercise_names(routine))
    for stage, scores in report.items():
        scores[CROSS_BATCH] = scores[DEVELOPMENT] if stage != "with understanding" else score_commands(left_out, sets[DEVELOPMENT])
        scores[CROSS_BATCH_ROOM] = (
            scores[DEVELOPMENT_ROOM] if stage != "with understanding" else score_negatives(left_out, negatives[DEVELOPMENT_ROOM])
        )
    return report


def markdown(report: dict[str, Any]) -> str:
    """The report as markdown tables: one row per set, one column per stage."""
    stages = list(report)
    lines = ["| set | " + " | ".join(stages) + " |", "|---|" + "---|" * len(stages)]
    for name in report[stages[0]]:
        cells = []
        for stage in stages:
            row = report[stage][name]
            if "understood %" in row:
                cells.append(f"{row['understood %']:.1f} % understood ({row['wrong intent %']:.1f} % wrong intent)")
            else:
                cells.append(f"{row['false commands %']:.1f} % false, {row['false moves']} moves, {row['false safety']} safety")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    held_out = report[stages[-1]]["held-out phrasings"]
    for key in ("pain and symptoms mid-exercise: safety event %", "pain and symptoms mid-exercise: stopped or paused %"):
        lines += ["", f"Held out, {key.replace(' %', '')}: " + ", ".join(f"{stage} {report[stage]['held-out phrasings'][key]:.1f} %" for stage in stages)]
    lines += ["", "Held out, with understanding, per intent:", "", "| intent | understood |", "|---|---|"]
    lines += [f"| {intent} | {value:.0f} % |" for intent, value in held_out["per intent %"].items()]
    lines += ["", "Per context:", "", "| context | understood |", "|---|---|"]
    lines += [f"| {context} | {value:.0f} % |" for context, value in held_out["per context %"].items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(run_understanding()))
