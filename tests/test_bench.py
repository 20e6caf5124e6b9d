"""The benchmark, end to end on a tiny corpus: real espeak-ng speech, real
pocketsphinx, results written as JSON, markdown and a PNG plot."""

from __future__ import annotations

import io
import json
import math
import shutil

import pytest

from bench import corpus
from bench.accuracy import (
    LEARNING_COMMANDS,
    decode,
    run_accuracy,
    run_first_commands,
)
from bench.cli import COMPARE, QUICK, build_parser, build_corpus, coach_session_lines
from voiceguide.grammar import Grammar
from voiceguide.listening import IntentDecider
from voiceguide.recognizers.registry import create_recognizer

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


def test_coach_session_lines_cover_a_whole_session() -> None:
    lines = coach_session_lines()
    text = " ".join(lines).lower()
    assert "doctor's approval" in text  # the disclaimer
    for exercise in ("pelvic tilt", "knee to chest", "lower trunk rotation", "hamstring stretch", "bridge"):
        assert exercise in text
    assert "pinky" in text  # the form check was asked for
    assert "are you in pain" in text  # the stop question
    assert "spine professional" in text  # the pain advice


def test_quick_corpus_is_small_and_has_every_kind() -> None:
    commands, negatives = build_corpus(QUICK)
    assert 10 <= len(commands) <= 40 and 2 <= len(negatives) <= 10
    assert {u.category for u in negatives} == {"coach", "chitchat"}
    assert {"Stop", "Pain"} <= {u.expected for u in commands}


def test_the_compare_corpus_is_the_held_out_half_only() -> None:
    from bench import phrasings

    commands, negatives = build_corpus(COMPARE)
    assert {corpus.voice_set(u.voice) for u in commands + negatives} == {"held-out"}
    assert not any(phrasings.is_development(u.text) for u in commands + negatives if u.category == "natural")
    assert {"coach", "chitchat"} == {u.category for u in negatives} and {"Stop", "Pain"} <= {u.expected for u in commands}


@pytest.mark.model
def test_quick_bench_writes_sane_results(tmp_path) -> None:
    parser = build_parser()
    out_dir = tmp_path / "results"
    args = parser.parse_args(["--quick", "--engine", "pocketsphinx", "--skip-latency", "--out", str(out_dir)])
    out, err = io.StringIO(), io.StringIO()
    assert args.func(args, out=out, err=err) == 0

    results = json.loads((out_dir / "results.json").read_text())
    report = results["accuracy"]["pocketsphinx"]
    assert report["counts"]["utterances"] == results["corpus"]["decodes_per_engine"] > 20
    assert set(report["commands"]) == {"clean", "white@10dB", "pink@10dB", "brown@10dB", "babble@10dB"}
    numbers = [v for per in report["commands"].values() for v in per.values()]
    numbers += list(report["pain_recall"].values()) + list(report["pain_safe"].values())
    numbers += [v for per in report["false_commands"].values() for v in per.values()]
    assert numbers and all(0.0 <= v <= 1.0 for v in numbers)
    assert report["commands"]["clean"]["grammar"] >= 0.3  # clean speech is mostly understood
    assert 0.0 < report["real_time_factor"] < 1.0  # faster than real time
    assert not math.isnan(report["pain_safe"]["clean"])
    for condition, moves in report["false_moves"].items():  # a part of the false commands
        assert 0.0 <= moves <= max(report["false_commands"][condition].values())
    first = report["first_command"]  # a session's first command: the quick corpus has one voice
    assert set(first) == {"en-us", "all voices"}
    assert first["en-us"]["count"] == first["all voices"]["count"] == len(
        [u for u in build_corpus(QUICK)[0] if u.category == "grammar"]) - LEARNING_COMMANDS
    assert all(0.0 <= first["en-us"][start] <= 1.0 for start in ("generic", "returning"))

    markdown = (out_dir / "results.md").read_text()
    assert "| command accuracy, clean | ≥ 98 % |" in markdown and "| clean |" in markdown
    assert "a command other than stop or pain" in markdown
    assert "| all voices |" in markdown and "returning user" in markdown
    assert markdown.strip() in out.getvalue()
    assert (out_dir / "accuracy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "latency" not in results


@pytest.mark.subprocess
def test_cached_speech_is_made_by_todays_synthesis(tmp_path, monkeypatch) -> None:
    # Audio cached by an older synthesise() must not be read as today's: the
    # cache's names carry the synthesis version.

    utterance = corpus.Utterance("stop", "Stop", "grammar", "en-us", 150)
    made = corpus.load_or_synthesise(utterance, tmp_path)
    assert (made == corpus.synthesise("stop", "en-us", 150)).all()
    stale = tmp_path / f"{utterance.key}.npy"
    monkeypatch.setattr(corpus, "SYNTHESIS_VERSION", corpus.SYNTHESIS_VERSION + 1)
    assert not (tmp_path / f"{utterance.key}.npy").exists()  # a new version does not find the old file
    assert stale.exists()


@pytest.mark.model
@pytest.mark.subprocess
def test_each_voice_is_decoded_as_a_session_of_its_own(tmp_path) -> None:
    # A person uses the coach in one voice and one room: what the recognizer
    # learns of them (pocketsphinx's cepstral mean, what its voice activity
    # detector learns of the noise) must come from their own utterances, not
    # from another voice or room decoded just before.
    grammar = Grammar.load()
    said = corpus.command_utterances(grammar, 3, 8)
    mine = [u for u in said if u.voice == "en-us"][:40]
    other = [u for u in said if u.voice == "en-gb-scotland+f2"][:40]
    named = {condition.name: condition for condition in corpus.conditions()}
    loud, room = named["brown@5dB"], named["white@20dB"]
    pairs = [(u, loud) for u in mine[:20]] + [(u, room) for pair in zip(mine, other) for u in pair]
    outcomes = run_accuracy("pocketsphinx", pairs, tmp_path, processes=1)  # one worker: session after session
    assert [(o.utterance, o.condition) for o in outcomes] == [(u, c.name) for u, c in pairs]  # in the order given

    recognizer = create_recognizer("pocketsphinx", grammar.sentences)  # a new session: this voice in this room alone
    decider = IntentDecider(grammar)
    seeds = [seed for seed, (u, c) in enumerate(pairs) if c == room and u.voice == "en-us"]
    alone = [decode(recognizer, decider, corpus.apply_condition(corpus.load_or_synthesise(pairs[seed][0], tmp_path), room, seed, tmp_path))
             for seed in seeds]
    assert [(outcomes[seed].decided, outcomes[seed].text) for seed in seeds] == alone
    assert sum(decided == u.expected for (decided, _), u in zip(alone, mine)) >= 10  # not a comparison of empty decodes: a quarter or more heard right


@pytest.mark.model
@pytest.mark.subprocess
def test_a_sessions_first_command_is_decoded_by_a_new_recognizer(tmp_path) -> None:
    # The first command of a session is the first thing a new recognizer
    # hears: from its generic start, or from the state an earlier session of
    # the same voice kept (the voice memory). Nothing the worker decoded
    # before may reach it.
    grammar = Grammar.load()
    said = [u for u in corpus.command_utterances(grammar, 2, 4) if u.voice == "en-us"]
    first = run_first_commands("pocketsphinx", said, tmp_path, processes=1)

    decider = IntentDecider(grammar)
    learning = said[:: len(said) // LEARNING_COMMANDS][:LEARNING_COMMANDS]
    earlier_session = create_recognizer("pocketsphinx", grammar.sentences)
    for utterance in learning:
        decode(earlier_session, decider, corpus.load_or_synthesise(utterance, tmp_path))
    kept = earlier_session.adaptation()
    right = {"generic": 0, "returning": 0}
    tests = [u for u in said if u not in learning]
    for utterance in tests:
        for start in right:
            recognizer = create_recognizer("pocketsphinx", grammar.sentences)
            if start == "returning":
                assert recognizer.adapt(kept)
            right[start] += decode(recognizer, decider, corpus.load_or_synthesise(utterance, tmp_path))[0] == utterance.expected
    assert first["en-us"] == {"generic": right["generic"] / len(tests), "returning": right["returning"] / len(tests), "count": len(tests)}
    assert right["returning"] > right["generic"]  # the kept state helps: the comparison is not of empty decodes


@pytest.mark.model
def test_the_understanding_report_compares_the_grammar_alone_with_understanding() -> None:
    from bench.understanding import markdown, run_understanding

    report = run_understanding()
    alone, understood = report["grammar alone"], report["with understanding"]
    held_out = "held-out phrasings"
    assert understood[held_out]["understood %"] > alone[held_out]["understood %"] + 15
    assert understood[held_out]["phrasings"] == 440
    assert set(understood[held_out]["per intent %"]) >= {"Next", "Stop", "Pain", "Yes"}
    for negatives in ("held-out room talk", "held-out half sentences", "the coach's own lines, said by someone else"):
        assert understood[negatives]["false moves"] == 0, understood[negatives]["examples"]
    # A pain phrase the stage does not place still stops or pauses the coach (rule 7).
    assert understood[held_out]["pain and symptoms mid-exercise: stopped or paused %"] == 100.0
    assert "| held-out phrasings |" in markdown(report)


def test_the_judges_fit_recovers_a_known_logistic_rule() -> None:
    import numpy as np

    from bench.fit_judge import fit_logistic

    rng = np.random.default_rng(0)
    features = rng.normal(size=(4000, 2))
    weights = np.array([1.5, -2.0, 0.5])  # two features, then the bias
    right = rng.random(4000) < 1 / (1 + np.exp(-(features @ weights[:2] + weights[2])))
    assert np.allclose(fit_logistic(features, right.astype(float)), weights, atol=0.2)


@pytest.mark.model  # the app's understanding stage embeds its examples
def test_development_decodes_are_development_only_and_redecided_with_the_current_code() -> None:
    from bench.decodes import development_items, redecide
    from bench.natural_phrasings import ROOM_TALK
    from bench.corpus import CHIT_CHAT, HELD_OUT_SPEAKERS, SPEAKERS
    from bench.decodes import CONDITIONS

    items = development_items(safety=20, coach=10, talk=10)
    assert {u.category for u in items} == {"safety", "coach", "chitchat"}
    # the noise they may be decoded in: its babble is development room talk by the development voices
    assert {"clean", "babble@10dB", "pink@10dB"} <= set(CONDITIONS)
    assert not set(CHIT_CHAT) & set(ROOM_TALK) and set(SPEAKERS).isdisjoint(HELD_OUT_SPEAKERS)
    assert not {u.voice for u in items} & {voice for voice, _ in HELD_OUT_SPEAKERS}
    assert not {u.text for u in items} & set(ROOM_TALK)

    def kept(text, category, intent, heard):
        partial = {"text": "", "final": False, "confidence": 0.0, "heard": heard.split()[0]}
        final = {"text": "", "final": True, "confidence": 0.0, "heard": heard, "heard_confidence": 0.8}
        utterance = {"text": text, "expected": intent, "category": category, "voice": "en-us", "rate": 165}
        return {"utterance": utterance, "hypotheses": [[0.3, partial], [1.0, final]]}

    figures = redecide([
        kept("ouch my knee", "safety", "Pain", "ouch my knee"),
        kept("my hip is numb", "safety", "Symptom", "the kettle is on"),  # misheard: missed
        kept("to relieve back pain", "coach", None, "to relieve back pain by reducing pressure on the nerves in your low back"),
        kept("skip to the good bit", "chitchat", None, "skip to the good bit"),
    ])
    assert figures["safety recall %"] == 50.0
    assert figures["coach lines false"] == 0  # the coach's own line, said again
    assert figures["utterances"] == 4
