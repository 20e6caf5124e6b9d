"""The understanding stage: words outside the grammar understood in context, room talk rejected.

The real embedding model (WordLlama's, from its wheel) and the real grammar; no audio.
The phrasings here are the issue's examples and the developers' own, never the
benchmark's held-out ones (bench/natural_phrasings.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voiceguide.coach.lines import known_lines
from voiceguide.events import Heard, Unclear
from voiceguide.grammar import Grammar, normalize
from voiceguide.intents import Context
from voiceguide.listening import IntentDecider
from voiceguide.recognizers.base import Hypothesis
from voiceguide.routine import load_routine
from voiceguide.text_mode import typed_event
from voiceguide.understanding import Understanding
from voiceguide.understanding.embedding import EmbeddingError, WordLlamaEmbedder
from voiceguide.understanding.loading import NO_MODEL, NO_PHRASINGS, build_index, load_understanding
from voiceguide.understanding.examples import sentences_of
from voiceguide.understanding.phrasings import PhrasingsError, SaidExamples, packaged_examples, read_phrasings


@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return Grammar.load()


@pytest.fixture(scope="module")
def understanding(grammar) -> Understanding:
    return Understanding(grammar, build_index(grammar, known_lines(load_routine())))


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "I think I've had enough for today", "Quit"),
        (Context.EXERCISE, "how long is left on this one", "Status"),
        (Context.BETWEEN, "can we move on", "Next"),
        (Context.EXERCISE, "why are we doing this one", "Why"),
        (Context.EXERCISE, "please stop immediately", "Stop"),
        (Context.EXERCISE, "I need to stop right now", "Stop"),
        (Context.EXERCISE, "my lower back is aching", "Pain"),
        (Context.EXERCISE, "ooh my ankle went numb", "Symptom"),
        (Context.EXERCISE, "my knee hurts a bit", "Pain"),
        (Context.QUESTION, "not now", "No"),
    ],
)
@pytest.mark.model
def test_words_the_grammar_lacks_are_understood(understanding, context, words, intent):
    assert understanding.grammar.parse(words) is None  # not one of the grammar's sentences
    understood = understanding.understand(words, context)
    assert understood.intent == intent, understood.why


@pytest.mark.parametrize(
    ("words", "intent"),
    [
        ("my back is throbbing", "Pain"),
        ("I think I pulled something", "Pain"),
        ("there's a stabbing feeling in my hip", "Pain"),
        ("my leg just gave way", "Pain"),
        ("I feel a bit queasy", "Symptom"),
        ("the room is spinning", "Symptom"),
        ("I think I'm going to pass out", "Symptom"),
        ("something doesn't feel right to me", "Pain"),
        ("I think something's wrong", "Pain"),
        ("hang on I can't breathe properly", "Stop"),
        ("my chest feels tight", "Stop"),
        ("I can't get my breath", "Stop"),
        ("my left foot has gone to sleep", "Symptom"),
        ("I'm feeling a bit sick", "Symptom"),
        ("my back feels like it's on fire", "Pain"),
    ],
)
@pytest.mark.model
def test_pain_symptom_and_breathing_words_are_safety_events_in_every_context(understanding, words, intent):
    for context in Context:
        assert understanding.understand(words, context).intent == intent, (context, words)


@pytest.mark.parametrize(
    "words",
    [
        "did you feed the cat", "I'll call you back later", "the next bus leaves at six",
        "stop by the bakery on your way", "can you", "I think I", "so the thing is",
        "where did I leave the remote", "repeat after me", "hold the door please",
    ],
)
@pytest.mark.model
def test_room_talk_and_half_sentences_are_no_command_in_any_context(understanding, words):
    for context in Context:
        understood = understanding.understand(words, context)
        assert understood.intent is None, (context, understood)
        assert understood.why  # every decision says why


@pytest.mark.model
def test_the_coachs_own_lines_said_by_someone_else_move_nothing(understanding):
    for line in known_lines(load_routine()):
        for context in (Context.EXERCISE, Context.BETWEEN, Context.READY):
            understood = understanding.understand(line, context)
            assert understood.intent not in ("Next", "Previous", "Skip", "Start"), (line, context, understood)


@pytest.mark.model
def test_an_answer_means_something_only_when_a_question_is_open(understanding):
    assert understanding.understand("not now", Context.QUESTION).intent == "No"
    assert understanding.understand("not now", Context.EXERCISE).intent is None
    assert understanding.understand("yes i am actually", Context.QUESTION).intent == "Yes"


@pytest.mark.model
def test_what_cannot_happen_in_a_context_is_not_understood(understanding):
    # Going back or skipping before anything has begun means nothing.
    assert understanding.understand("can we redo the last exercise please", Context.READY).intent is None


@pytest.mark.model
def test_a_grammar_sentence_heard_word_for_word_is_never_rejected(grammar, understanding):
    """Whatever the engine's own judge made of it (a model it was not fitted for): the words are a sentence."""
    decider = IntentDecider(grammar, understanding=understanding, context=lambda: Context.BETWEEN)
    rejected_by_the_judge = Hypothesis("", final=True, confidence=0.1, heard="next please", heard_confidence=0.8)
    assert decider.decide(rejected_by_the_judge) == Heard("Next", "next please", 1.0)


@pytest.mark.model
def test_words_heard_unsurely_are_unclear_not_a_command(grammar, understanding):
    decider = IntentDecider(grammar, understanding=understanding, context=lambda: Context.BETWEEN)
    event = decider.decide(Hypothesis("", final=True, confidence=0.1, heard="next please", heard_confidence=0.1))
    assert event == Unclear("next please")
    assert "unsurely" in decider.why


@pytest.mark.model
def test_the_decider_understands_in_the_coachs_context(grammar, understanding):
    context = [Context.QUESTION]
    decider = IntentDecider(grammar, understanding=understanding, context=lambda: context[0])
    assert decider.decide(Hypothesis("", True, 0.0, heard="not now")) == Heard("No", "not now", 0.9)
    context[0] = Context.EXERCISE
    assert isinstance(decider.decide(Hypothesis("", True, 0.0, heard="not now")), Unclear)


@pytest.mark.model
def test_over_the_coachs_voice_only_a_clear_match_acts(grammar, understanding):
    decider = IntentDecider(grammar, understanding=understanding, context=lambda: Context.EXERCISE)
    heard = Hypothesis("", True, 0.0, heard="how long is left on this one")
    assert decider.decide(heard, coach_speaking=True).intent == "Status"  # a key phrase among filler: clear
    vaguer = Hypothesis("", True, 0.0, heard="what is this one good for then")
    assert decider.decide(vaguer, coach_speaking=True).intent == "Why"


@pytest.mark.model
def test_over_the_coachs_voice_words_outside_the_grammar_never_move_or_end_the_session(grammar, understanding):
    """Barge-in words the grammar lacks may pause, repeat or ask; moving on or ending waits until the coach is quiet."""
    decider = IntentDecider(grammar, understanding=understanding, context=lambda: Context.BETWEEN)
    for words, intent in (("I think I've had enough for today", "Quit"), ("um can we move on now", "Next")):
        heard = Hypothesis("", True, 0.0, heard=words)
        assert decider.decide(heard, coach_speaking=True) is None
        assert decider.decide(heard).intent == intent


@pytest.mark.model
def test_typed_lines_go_through_the_same_understanding(understanding):
    """Issue 21.1: a pain or symptom word counts in a typed sentence the grammar does not know."""
    assert typed_event(understanding, Context.EXERCISE, "ooh my ankle went numb").intent == "Symptom"
    assert typed_event(understanding, Context.EXERCISE, "my knee hurts a bit").intent == "Pain"
    assert typed_event(understanding, Context.BETWEEN, "can we move on").intent == "Next"
    assert typed_event(understanding, Context.EXERCISE, "did you feed the cat") == Unclear("did you feed the cat")


@pytest.mark.model
def test_a_damaged_embedding_model_is_never_loaded(tmp_path):
    import wordllama

    copy = tmp_path / "wordllama"
    shutil.copytree(Path(wordllama.__file__).parent, copy)
    weights = copy / "weights" / "l2_supercat_256.safetensors"
    weights.write_bytes(weights.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(EmbeddingError, match="damaged"):
        WordLlamaEmbedder(copy)
    weights.unlink()
    with pytest.raises(EmbeddingError, match="missing"):
        WordLlamaEmbedder(copy)


def test_without_the_model_one_line_and_the_grammar_alone_goes_on(grammar):
    notices: list[str] = []

    def broken() -> WordLlamaEmbedder:
        raise EmbeddingError("the wordllama package does not load (No module named 'wordllama')")

    understanding = load_understanding(grammar, [], notices.append, background=False, embedder=broken)
    assert notices == [NO_MODEL.format(why="the wordllama package does not load (No module named 'wordllama')")]
    assert understanding.understand("next please", Context.BETWEEN).intent == "Next"
    assert understanding.understand("my foot went numb", Context.EXERCISE).intent == "Symptom"
    assert understanding.understand("can we move on", Context.BETWEEN).intent == "Next"  # a key phrase: no model needed
    assert understanding.understand("no i'm not in any bother", Context.QUESTION).intent is None  # by meaning only


# ------------------------------------------------ phrasings people said, as examples


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "which bit of my hand goes where", "Form"),
        (Context.HALTED, "how much remains of the session", "Status"),
        (Context.READY, "what are these exercises supposed to do for me", "Why"),
        (Context.EXERCISE, "which way should i rotate first", "Form"),
    ],
)
@pytest.mark.model
def test_words_near_a_phrasing_someone_said_are_understood_by_it(grammar, understanding, context, words, intent):
    said = {phrasing.text for phrasing in packaged_examples().commands}
    assert words not in said and grammar.parse(words) is None
    understood = understanding.understand(words, context)
    assert understood.intent == intent and understood.why.startswith("like "), understood.why
    lines = known_lines(load_routine())
    grammar_only = Understanding(grammar, build_index(grammar, lines, said=SaidExamples((), ())), coach_lines=lines)
    assert grammar_only.understand(words, context).intent is None  # the said phrasings are what understood it


@pytest.mark.model
def test_the_benchmark_gives_the_stage_no_held_out_phrasing_as_an_example(grammar):
    from bench.understanding import examples_not_held_out, held_out_texts

    said, kept = packaged_examples(), examples_not_held_out()
    held_out = held_out_texts()
    assert len(said.commands) > 4000 and len(said.room_talk) > 1500 and len(held_out) > 500
    assert any(normalize(p.text) in held_out for p in said.commands)  # common phrasings coincide: why this exists
    lines = known_lines(load_routine())
    index = build_index(grammar, lines, said=kept)
    the_grammars_own = {*grammar.sentences, *grammar.not_commands, *sentences_of(lines)}
    assert not held_out & ({*index.texts, *index.others} - the_grammars_own)


@pytest.mark.model
def test_a_damaged_phrasings_file_is_one_sentence(grammar):
    assert read_phrasings("# a note\nbetween\tcan we move on\tNext\n")[0].text == "can we move on"
    with pytest.raises(PhrasingsError, match="line 2 is not"):
        read_phrasings("# a note\nbetween\tcan we move on\n")
    with pytest.raises(PhrasingsError, match="known context and intent"):
        read_phrasings("somewhere\tcan we move on\tNext\n")
    with pytest.raises(PhrasingsError, match="cannot be read"):
        packaged_examples("xx")  # no such files

    def damaged() -> SaidExamples:
        raise PhrasingsError("grammars/en_phrasings.tsv line 3 is not ...")

    notices: list[str] = []
    understanding = load_understanding(grammar, [], notices.append, background=False, said=damaged)
    assert notices == [NO_PHRASINGS.format(why="grammars/en_phrasings.tsv line 3 is not ...")]
    assert understanding.index is not None  # by meaning goes on, with the grammar's sentences
    assert understanding.understand("what is the purpose of this exercise", Context.EXERCISE).intent == "Why"


# ------------------------------------------------ the coach's context, on the pure coach


def test_the_coach_says_what_it_is_waiting_for():
    from tests.support.driver import Driver

    driver = Driver.new().begin()
    driver.settle()
    assert driver.coach.context is Context.READY
    driver.hear("Start")
    assert driver.coach.context is Context.EXERCISE
    driver.hear("Stop")  # "Stopped. Are you in pain?"
    assert driver.coach.context is Context.QUESTION
    driver.hear("No")
    assert driver.coach.context is Context.HALTED
    driver.hear("Resume")
    assert driver.coach.context is Context.EXERCISE
    driver.hear("Skip")
    assert driver.coach.context is Context.BETWEEN


@pytest.mark.model
def test_what_is_said_means_what_the_coach_is_waiting_for(understanding):
    """ "not now" answers a question with no; the same words mid-exercise are no command."""
    from tests.support.driver import Driver

    driver = Driver.new().begin()
    driver.settle()
    driver.hear("Start")
    for _ in range(40):
        driver.step()
    mid_exercise = typed_event(understanding, driver.coach.context, "not now")
    assert isinstance(mid_exercise, Unclear)
    driver.hear("Stop")
    answer = typed_event(understanding, driver.coach.context, "not now")
    assert answer.intent == "No"
    before = len(driver.said)
    driver.handle(answer)
    assert any("no pain" in line.lower() for line in driver.texts(before)), driver.texts()[-3:]


@pytest.mark.model
def test_the_history_keeps_the_words_heard_and_why_they_were_taken(understanding):
    from tests.support.driver import Driver
    from voiceguide.coach.plan import StepKind

    driver = Driver.new().begin()
    driver.settle()
    driver.hear("Start")
    driver.run_until(lambda d: d.coach.step.kind is StepKind.HOLD and d.coach.state.hold.counting)
    event = typed_event(understanding, driver.coach.context, "my back is throbbing")
    driver.handle(event)
    assert driver.kinds("pain")[0].data["words"] == "my back is throbbing"
    assert driver.kinds("pain")[0].data["why"] == "the safety word 'throbbing'"


@pytest.mark.model
def test_my_back_is_the_body_not_a_way_to_go(understanding):
    """Groaning "oh my back" must never take the user to the previous exercise (by meaning, "back" is near)."""
    for words in ("my back", "oh my back", "my back is"):
        for context in (Context.EXERCISE, Context.BETWEEN):
            assert understanding.understand(words, context).intent != "Previous", words


@pytest.mark.model
def test_a_denied_pain_word_is_no_pain_by_meaning_either(understanding):
    """The sentence embedding does not see a "not": "this doesn't hurt at all" was like "this hurt" (0.77)."""
    assert understanding.understand("this doesn't hurt at all", Context.EXERCISE).intent is None
    assert understanding.understand("this doesn't hurt at all", Context.QUESTION).intent == "Okay"
    assert understanding.understand("it's never hurt like this", Context.EXERCISE).intent == "Pain"


@pytest.mark.model
def test_key_phrases_that_disagree_never_move_through_the_routine(understanding):
    """Told to a child: "go on" (next), "skip" and "play" (resume) disagree; between exercises it was a Next."""
    for context in Context:
        assert understanding.understand("go on then skip along and play", context).intent not in ("Next", "Previous", "Skip", "Start")
