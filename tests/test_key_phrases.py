"""Key phrases with filler around them: phrasings nobody listed understood without any model, room talk rejected.

Pure text, the real grammar file. The phrasings are the developers' own,
never the benchmark's held-out ones (bench/natural_phrasings.py).
"""

from __future__ import annotations

import pytest

from voiceguide.grammar import Grammar
from voiceguide.intents import Context, Intent
from voiceguide.understanding import Understanding
from voiceguide.understanding.context import MOVES
from voiceguide.understanding.key_phrases import KeyPhrases, Vocabulary, spelt_out

MOVE_NAMES = frozenset(intent.value for intent in MOVES)


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return Understanding(Grammar.load())  # no embedding model: the grammar and its key phrases only


def test_contractions_are_spelt_out():
    assert spelt_out("Let's not, I can't. What's that? My foot's numb") == [
        "let", "us", "not", "i", "can", "not", "what", "is", "that", "my", "foot", "is", "numb",
    ]


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "could you maybe go over that again for me", "Repeat"),
        (Context.EXERCISE, "that's a bit brisk for me", "Slower"),
        (Context.EXERCISE, "go easy on the counting please", "Slower"),
        (Context.EXERCISE, "you're a bit slow today", "Faster"),
        (Context.READY, "how does this gadget work", "Help"),
        (Context.HALTED, "okay pick it up from where we stopped", "Resume"),
        (Context.EXERCISE, "scrap that one", "Skip"),
        (Context.EXERCISE, "all done here, so what's next", "Next"),  # done and what's next share only next
        (Context.EXERCISE, "so what's next", "Status"),
        (Context.BETWEEN, "how much time have we got left", "Status"),
        (Context.EXERCISE, "could you speak a touch quicker", "Faster"),
        (Context.EXERCISE, "i lost the thread, can we go back to it", "Previous"),
        (Context.EXERCISE, "not so blinking quick", "Slower"),
        (Context.EXERCISE, "where did we get up to", "Status"),
        (Context.EXERCISE, "what will this one target", "Why"),
        (Context.QUESTION, "i reckon not", "No"),
        (Context.EXERCISE, "sorry coach I didn't catch what you said", "Repeat"),
        (Context.EXERCISE, "I think I've had enough for today", "Quit"),
        (Context.EXERCISE, "okay I think we should wrap it up", "Quit"),
        (Context.EXERCISE, "how long is left on this one", "Status"),
        (Context.EXERCISE, "are we nearly done", "Status"),
        (Context.BETWEEN, "um can we move on now please", "Next"),
        (Context.BETWEEN, "let's go back one exercise", "Previous"),
        (Context.EXERCISE, "can I just skip this one today", "Skip"),
        (Context.EXERCISE, "I'd rather not do this one", "Skip"),
        (Context.EXERCISE, "I need a short break", "Pause"),
        (Context.EXERCISE, "please stop immediately", "Stop"),
        (Context.EXERCISE, "how can I tell if I'm doing this right", "Form"),
        (Context.EXERCISE, "what is this one good for", "Why"),
        (Context.EXERCISE, "could you take it a bit more slowly", "Slower"),
        (Context.EXERCISE, "let's pick up the pace a bit", "Faster"),
        (Context.EXERCISE, "what commands can I use", "Help"),
        (Context.READY, "okay coach let's get this started", "Start"),
        (Context.HALTED, "alright let's get back to it", "Resume"),
        (Context.QUESTION, "I'm afraid I am", "Yes"),
        (Context.QUESTION, "nope I'm alright", "No"),
        (Context.QUESTION, "yeah I'm fine", "Okay"),
        (Context.EXERCISE, "I'm not okay", "Pain"),
        (Context.EXERCISE, "i can't hold it any longer", "Pain"),  # mid-hold: the coach stops and asks, as for "i can't do this"
        (Context.EXERCISE, "oh I cannot keep this up anymore", "Pain"),
        (Context.EXERCISE, "my fingers feel funny", "Symptom"),
        (Context.EXERCISE, "could you ease up on the counting pet", "Slower"),
        (Context.EXERCISE, "crikey can you lower the tempo a touch", "Slower"),
        (Context.READY, "i've got no idea how to work this", "Help"),
        (Context.EXERCISE, "so what's this one in aid of", "Why"),
        (Context.EXERCISE, "are we about half way", "Status"),
        (Context.EXERCISE, "where should i feel it in my hamstring", "Form"),
        (Context.EXERCISE, "do i keep my feet flat", "Form"),
        (Context.QUESTION, "sorry what was the question", "Repeat"),
        (Context.HALTED, "i'm not carrying on today", "Quit"),
        (Context.EXERCISE, "hang fire a moment", "Pause"),
        (Context.HALTED, "sorry about the wait you can carry on now", "Resume"),
        (Context.HALTED, "the door's shut we can keep going", "Resume"),
        (Context.HALTED, "right pick it up from where we were", "Resume"),
        (Context.EXERCISE, "my knee's not up to this one can we skip it", "Skip"),  # a request after a clause: a move too
        (Context.EXERCISE, "could you slow the counting a touch", "Slower"),
        (Context.EXERCISE, "you're dragging it bump the pace up", "Faster"),
        (Context.EXERCISE, "what's the rationale behind this one", "Why"),
        (Context.EXERCISE, "sorry can you read that last step again", "Repeat"),
        (Context.EXERCISE, "good morning coach allow me a second", "Pause"),
    ],
)
def test_a_key_phrase_among_filler_is_its_intent(understanding, context, words, intent):
    assert understanding.grammar.parse(words) is None  # not one of the grammar's sentences
    understood = understanding.understand(words, context)
    assert understood.intent == intent, understood.why
    assert understood.why.startswith("the key phrase")


@pytest.mark.parametrize(
    "words",
    [
        "mind the step", "next week is busy", "the next train is at ten", "don't stop the car here",
        "she skipped school today", "go and get your shoes on", "did you see the match last night",
        "hold on to the rail tightly", "can you", "I think I",
        "turn left at the lights", "the thing about next", "ready in five",
    ],
)
def test_one_word_that_is_neither_key_phrase_nor_filler_and_nothing_is_understood(understanding, words):
    for context in Context:
        understood = understanding.understand(words, context)
        assert understood.intent is None, (context, understood)


@pytest.mark.parametrize(
    ("words", "meanings"),
    [
        ("carry on then", {Context.BETWEEN: "Next", Context.HALTED: "Resume", Context.EXERCISE: "Resume"}),
        ("yes let's move on", {Context.BETWEEN: "Next", Context.QUESTION: "Yes"}),
        ("that's correct", {Context.QUESTION: "Yes", Context.EXERCISE: "Form"}),
        ("let's get going again", {Context.HALTED: "Resume", Context.READY: "Start"}),
        ("not now thanks", {Context.QUESTION: "No", Context.EXERCISE: None}),
        ("I don't want to skip", {Context.QUESTION: "No", Context.EXERCISE: None, Context.BETWEEN: None}),
    ],
)
def test_the_context_settles_what_a_key_phrase_means(understanding, words, meanings):
    for context, intent in meanings.items():
        assert understanding.understand(words, context).intent == intent, (words, context)


def test_a_pause_before_something_else_asked_for_is_a_hesitation(understanding):
    assert understanding.understand("wait, go back to the one before", Context.EXERCISE).intent == "Previous"
    assert understanding.understand("hold on, what's this one for", Context.BETWEEN).intent == "Why"
    assert understanding.understand("hang on hang on", Context.EXERCISE).intent == "Pause"


@pytest.mark.parametrize("context", [Context.READY, Context.BETWEEN])
def test_a_pause_asked_for_while_the_coach_waits_anyway_is_understood(understanding, context):
    """The coach answers it ("I'm waiting for you anyway. Take your time…"), better than "I couldn't make that out"."""
    assert understanding.understand("hang on give me a minute", context).intent == "Pause"


def test_a_move_never_comes_from_a_phrase_that_cannot_move_now(understanding):
    # Nothing to go back to before the session has begun; after a pause, "next" only in the grammar's words
    # ("done" or "finished" there may be an end, and "the next one is at six" said on the phone).
    assert understanding.understand("can we go back one please", Context.READY).intent is None
    assert understanding.understand("um move on", Context.HALTED).intent is None


@pytest.mark.parametrize(
    ("words", "intent"),
    [
        ("take me back to the exercise before", "Previous"),
        ("could we return to the previous stretch", "Previous"),
        ("carry on then", "Resume"),  # going on, after a pause, is going on from there
    ],
)
def test_after_a_pause_going_back_may_be_asked_for_in_any_words(understanding, words, intent):
    """The coach goes back from a pause or a stop (not from pain: it says what can be said there)."""
    assert understanding.understand(words, Context.HALTED).intent == intent


def test_safety_comes_first_among_several_key_phrases(understanding):
    understood = understanding.understand("wait I'm not okay", Context.EXERCISE)
    assert understood.intent == "Pain", understood.why


def test_words_heard_unsurely_are_no_command_unless_they_are_safety(understanding):
    assert understanding.understand("can we move on", Context.BETWEEN, sound=0.2).intent is None
    assert understanding.understand("I'm not okay", Context.EXERCISE, sound=0.2).intent == "Pain"


def test_a_word_may_be_filler_in_one_reading_and_part_of_a_phrase_in_another():
    phrases = KeyPhrases([("Start", "let us go"), ("Previous", "go back"), ("Previous", "back one")], Vocabulary(filler=["let", "us", "go", "one"]))
    readings = {tuple(phrase for phrase, _ in found.phrases) for found in phrases.splits("let's go back one")}
    assert readings == {("let us go", "back one"), ("go back",), ("back one",)}


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "hang on my phone's ringing", "Pause"),
        (Context.EXERCISE, "one more time please I wasn't listening", "Repeat"),
        (Context.EXERCISE, "can we go a bit slower I'm still getting into position", "Slower"),
        (Context.HALTED, "sorry that was the doorbell let's carry on", "Resume"),
        (Context.EXERCISE, "the kettle's boiling hold on", "Pause"),  # asking for a moment after the clause
        (Context.EXERCISE, "sorry my dog is barking bear with me", "Pause"),
    ],
)
def test_a_command_beside_a_clause_of_its_own_is_understood(understanding, context, words, intent):
    understood = understanding.understand(words, context)
    assert understood.intent == intent, understood.why
    assert "beside" in understood.why


@pytest.mark.parametrize(
    "words",
    [
        "why did you leave the gate open",  # the question goes on: no command ends before "you"
        "how long are you staying at your sister's",
        "next I'm going to the shop",  # a move is never taken beside a clause
        "yes I can hear you now",  # nor an answer
        "hold on to the rail",  # "hold on" with an object is no request for a moment
    ],
)
def test_room_talk_is_no_command_beside_a_clause(understanding, words):
    for context in Context:
        assert understanding.understand(words, context).intent is None, (words, context)


@pytest.mark.parametrize(
    "words",
    ["are you ready to go in five minutes", "are you done now", "um were you ready to go back"],
)
def test_a_question_about_someone_else_never_moves(understanding, words):
    for context in Context:
        understood = understanding.understand(words, context)
        assert understood.intent is None or understood.intent not in MOVE_NAMES | {"Quit"}, (context, understood)


@pytest.mark.parametrize(
    ("words", "intent"),
    [
        ("could you count faster on the next one", "Faster"),
        ("before the next one i need a breather", "Pause"),
        ("on the next one", None),
        ("go on to the next one", "Next"),  # "on to the next" is a key phrase of its own, not "next" after "on the"
    ],
)
def test_a_key_phrase_after_a_qualifier_names_a_time(understanding, words, intent):
    """"Faster on the next one" asks for a faster pace, not to move on (between exercises next is expected)."""
    assert understanding.understand(words, Context.BETWEEN).intent == intent


@pytest.mark.parametrize("words", ["is it all right if i", "would you mind if we"])
def test_a_condition_without_its_verb_is_half_a_sentence(understanding, words):
    assert understanding.understand(words, Context.EXERCISE).why == "half a sentence"


def test_a_term_of_address_ends_a_command_before_a_clause(understanding):
    understood = understanding.understand("slow it down a touch dear i'm not a spring chicken", Context.EXERCISE)
    assert understood.intent == "Slower" and "beside" in understood.why


def test_a_question_to_the_coach_may_still_ask_for_something(understanding):
    assert understanding.understand("are you going to repeat that", Context.EXERCISE).intent == "Repeat"
    assert understanding.understand("are you ready, let's begin", Context.READY).intent == "Start"


def test_hesitations_are_left_out_before_matching(understanding):
    assert understanding.understand("um what does this er actually do", Context.EXERCISE).intent == "Why"


@pytest.mark.parametrize(
    "words", ["could you pass me the", "skip to the", "can we go back and", "let's move on to my", "and then the next"]
)
def test_half_a_sentence_means_nothing(understanding, words):
    for context in Context:
        understood = understanding.understand(words, context)
        assert understood.intent is None and understood.why == "half a sentence", (context, understood)


def test_a_stranded_word_at_the_end_is_no_half_sentence(understanding):
    assert understanding.understand("where are we up to", Context.EXERCISE).intent == "Status"


def test_left_is_a_side_unless_something_is_left(understanding):
    assert understanding.understand("now the left side", Context.EXERCISE).intent is None
    assert understanding.understand("how many have I got left", Context.EXERCISE).intent == "Status"


def test_a_misspelt_kind_of_word_in_the_grammar_file_is_named():
    with pytest.raises(ValueError, match="key_phrase_words has no fillers; it has about_someone, acknowledgements, clause_starts"):
        Vocabulary.from_data({"fillers": ["um"]}, "grammars/xx.yaml")


def test_the_routines_own_words_are_filler(understanding):
    assert understanding.understand("can we skip the bridge today", Context.EXERCISE).intent is None  # "bridge": not filler
    with_routine = Understanding(understanding.grammar, topics=["bridge"])
    assert with_routine.understand("can we skip the bridge today", Context.EXERCISE).intent == "Skip"


def test_an_exercise_named_is_this_to_key_phrases(understanding):
    """Key phrases say "what is this one for"; people name the exercise instead."""
    with_routine = Understanding(understanding.grammar, topics=["knee to chest", "hamstring stretch"])
    for words in ("so what is the knee to chest exercise for", "what does that hamstring stretch actually do"):
        assert understanding.understand(words, Context.BETWEEN).intent is None
        assert with_routine.understand(words, Context.BETWEEN).intent == "Why"
    assert with_routine.understand("the hamstring stretch", Context.BETWEEN).intent is None


@pytest.mark.parametrize(
    ("context", "intent"), [(Context.READY, "Start"), (Context.BETWEEN, "Next"), (Context.HALTED, "Resume")]
)
def test_going_on_is_named_as_it_is_in_the_context(understanding, context, intent):
    """The coach goes on alike for "start", "next", "continue" before the first exercise and between two."""
    assert understanding.understand("keep going", context).intent == intent  # a sentence of the grammar (Resume)
    assert understanding.understand("alright let's keep going then", context).intent == intent  # key phrases


def test_the_decider_names_a_grammar_sentence_as_it_is_in_the_context():
    from voiceguide.listening import IntentDecider
    from voiceguide.recognizers.base import Hypothesis

    grammar = Grammar.load()
    context = [Context.BETWEEN]
    decider = IntentDecider(grammar, context=lambda: context[0])
    assert decider.decide(Hypothesis("keep going", True, 0.9)).intent == "Next"
    context[0] = Context.HALTED
    assert decider.decide(Hypothesis("keep going", True, 0.9)).intent == "Resume"
    context[0] = Context.EXERCISE
    assert decider.decide(Hypothesis("keep going", True, 0.9)).intent == "Resume"


@pytest.mark.parametrize("words", ["hold on 1 sec", "give me a couple of minutes", "can I have 30 seconds", "wait five seconds please"])
def test_numbers_and_lengths_of_time_as_whisper_writes_them(understanding, words):
    assert understanding.understand(words, Context.EXERCISE).intent == "Pause"


def test_words_typed_or_heard_without_their_apostrophe(understanding):
    assert understanding.understand("lets do the next one", Context.BETWEEN).intent == "Next"
    assert understanding.understand("im done for today", Context.EXERCISE).intent == "Quit"
    assert understanding.understand("dont stop the car", Context.EXERCISE).intent is None


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("it doesn't hurt", None),
        ("no pain now", None),
        ("not really sore", None),
        ("there's no real pain", None),
        ("no it hurts", "Pain"),  # the "no" answers the question, the pain is there
        ("not too sore", "Pain"),  # some soreness
        ("it doesn't hurt but my foot is numb", "Symptom"),
        ("it hurts and my foot's gone numb", "Symptom"),  # a symptom beside pain: its advice, not a question about it
        ("sharp pain with pins and needles down my leg", "Symptom"),
        ("it's not feeling right", "Pain"),  # the negation is the safety phrase itself
        ("i feel a bit sick", "Symptom"),  # the tenth blind batch's one safety miss
        ("i'm not in any pain", None),  # a few words between the denial and the pain word
        ("i haven't got any pain", None),
        ("nothing hurts", None),
        ("it no longer aches", None),
        ("my back is pain free", None),  # denied after it
        ("the soreness has gone", None),
        ("it's never hurt like this before", "Pain"),  # "never" and "without" deny nothing
        ("i can't bend without pain", "Pain"),
        ("not sure but it hurts", "Pain"),  # a clause of its own between them
    ],
)
def test_a_pain_word_denied_before_or_after_it_is_no_safety_word(words, found):
    grammar = Grammar.load()
    result = grammar.safety_word(words)
    assert (result[0] if result else None) == found
    assert grammar.denies_safety(words) is (found is None)


@pytest.mark.parametrize(
    ("words", "intent"),
    [
        ("no it doesn't hurt", "No"),
        ("it doesn't hurt any more", "Okay"),
        ("i don't have any pain", "Okay"),
        ("honestly nothing hurts at the moment", "Okay"),  # no key phrase: the denial alone answers
        ("i'm not in pain", "Okay"),
        ("no, it hurts", "Pain"),
    ],
)
def test_an_answer_that_denies_pain_is_an_answer(understanding, words, intent):
    """"Are you in pain?" "No, it doesn't hurt": a no, not a pain event; "nothing hurts" an okay."""
    assert understanding.understand(words, Context.QUESTION).intent == intent


def test_a_request_quoted_after_a_clause_moves_nothing(understanding):
    assert understanding.understand("when you're ready say let's begin", Context.READY).intent is None
    assert understanding.understand("and then she said can we go back", Context.BETWEEN).intent is None


def test_a_denied_pain_word_is_no_command_outside_a_question(understanding):
    assert understanding.understand("it's not painful", Context.EXERCISE).intent is None
    assert understanding.understand("it's not painful", Context.QUESTION).intent == "Okay"


@pytest.mark.parametrize("words", ["how do i", "why do we", "so should i be", "and which exercise is"])
def test_a_question_cut_off_before_its_verb_means_nothing(understanding, words):
    understood = understanding.understand(words, Context.EXERCISE)
    assert understood.intent is None and understood.why == "half a sentence"


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.HALTED, "ready when you are", "Resume"),
        (Context.EXERCISE, "ease off the pace a bit would you", "Slower"),
        (Context.BETWEEN, "so how should my arms be", "Form"),  # a question may end in "be"
    ],
)
def test_a_finished_sentence_ending_like_a_question_is_no_half_sentence(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent



@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "go back no sorry next", "Next"),
        (Context.BETWEEN, "um next no no i mean go back", "Previous"),
        (Context.QUESTION, "no wait yes", "Yes"),
        (Context.EXERCISE, "stop no sorry next", "Stop"),  # a stop said is a stop: safety comes first
    ],
)
def test_what_is_said_instead_after_a_correction_is_what_is_meant(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


def test_a_no_in_a_sentence_is_no_correction(understanding):
    """The coach's own question read out by someone else: "or no to start from the beginning" is no start."""
    assert understanding.key_phrases.corrected("say yes to continue where you left off or no to start from the beginning") is None
    assert understanding.key_phrases.corrected("go back no sorry next") == ("go back", "next")


def test_swearing_carries_no_meaning(understanding):
    assert understanding.understand("shut up and stop a second damn it", Context.EXERCISE).intent in ("Stop", "Pause")
    assert understanding.understand("this bloody thing is too fast", Context.EXERCISE).intent == "Slower"


def test_no_key_phrase_holds_a_hesitation():
    """Hesitations are left out before matching, so one inside a key phrase shortened it to another:
    "awfully slow" was the key phrase "slow" (a Faster), "see ya" the key phrase "see" (a Quit)."""
    grammar = Grammar.load()
    vocabulary = Vocabulary.from_data(grammar.key_phrase_words, grammar.source)
    hesitations = {word for text in vocabulary.hesitations for word in spelt_out(text)}
    assert [phrase for _, phrase in grammar.key_phrase_samples if hesitations & set(spelt_out(phrase))] == []


@pytest.mark.parametrize(
    "words",
    [
        "gotcha", "roger that", "mm i see", "yep understood", "ok ok", "alright", "right okay", "okay i understand",
        "okay i'm doing it", "alright then", "sure thing", "okay okay okay", "yep here we go",  # among filler only
    ],
)
def test_an_acknowledgement_mid_exercise_is_an_okay_the_coach_lets_pass(understanding, words):
    """Unclear speech mid-hold pauses the coach to check on the user; "gotcha" should not."""
    assert understanding.understand(words, Context.EXERCISE).intent == "Okay"


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "okay okay next one", "Next"),  # an acknowledgement first is still filler
        (Context.EXERCISE, "cool can you say that again", "Repeat"),
        (Context.EXERCISE, "it doesn't hurt any more", None),  # words about pain mid-hold are never let pass
        (Context.BETWEEN, "gotcha", None),  # where nothing is asked, as before: only mid-exercise
        (Context.EXERCISE, "is it okay if i", None),  # a question begun, not an acknowledgement
        (Context.EXERCISE, "okay my knee feels funny", "Symptom"),
        (Context.BETWEEN, "okay i'm doing it", None),
        (Context.EXERCISE, "just get on with it yeah", None),  # asks for something: faster or on, not a nod
    ],
)
def test_an_acknowledgement_is_taken_only_when_nothing_else_is_meant(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize(("words", "intent"), [("ja", "Yes"), ("nee thanks", "No"), ("tak", "Yes"), ("hindi po", "No")])
def test_a_yes_or_no_in_the_speakers_first_language_answers(understanding, words, intent):
    assert understanding.understand(words, Context.QUESTION).intent == intent


def test_the_coachs_own_lines_said_again_are_no_command_but_commands_they_quote_still_are():
    from voiceguide.coach.lines import known_lines
    from voiceguide.routine import load_routine

    grammar = Grammar.load()
    understanding = Understanding(grammar, coach_lines=known_lines(load_routine()))
    for line in ("say help at any time if anything hurts say it hurts or stop and i will stop at once",
                 "if you feel dizzy faint or sick stay lying down and keep still"):
        understood = understanding.understand(line, Context.EXERCISE)
        assert understood.intent is None and understood.why.startswith("the coach's own line")
    assert understanding.understand("kindly move to the next exercise", Context.BETWEEN).intent == "Next"
    assert understanding.understand("stop", Context.EXERCISE).intent == "Stop"
    assert understanding.understand("i feel dizzy and a bit sick", Context.EXERCISE).intent == "Symptom"


def test_british_you_what_is_a_repeat_only_on_its_own(understanding):
    """"You what?" asks again; "I'll tell you what" is an idiom that asks nothing."""
    assert understanding.understand("you what", Context.EXERCISE).intent == "Repeat"
    assert understanding.understand("i'll tell you what", Context.EXERCISE).intent is None
    assert understanding.understand("wait till i tell you what", Context.BETWEEN).intent is None


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "am i doin this right", "Form"),  # a dropped g
        (Context.READY, "alright let's get goin'", "Start"),
        (Context.EXERCISE, "stooop", "Stop"),  # a word drawn out
        (Context.EXERCISE, "pleeease slow down", "Slower"),
        (Context.EXERCISE, "my back's killin me", "Pain"),
    ],
)
def test_words_spelt_as_said_are_read_as_the_grammar_spells_them(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


def test_only_words_the_grammar_lacks_are_respelt():
    from voiceguide.understanding.spelling import Spelling

    spelling = Spelling({"going", "so", "please", "mmm", "begin", "pain"})
    assert spelling.standard("goin' sooo pleeease mmm begin pain") == "going so please mmm begin pain"
    assert spelling.standard("cousin noooon") == "cousin noooon"  # nothing it knows fits: left as said


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "p p pause please", "Pause"),  # the start of a word said before it
        (Context.EXERCISE, "st st stop", "Stop"),
        (Context.EXERCISE, "sl slower", "Slower"),
        (Context.QUESTION, "y yes", "Yes"),
        (Context.EXERCISE, "can you can you say that again", "Repeat"),  # a run of words said twice
        (Context.EXERCISE, "can we um stop for a a second", "Pause"),  # one word said twice
        (Context.BETWEEN, "i'm done for for today", "Quit"),
    ],
)
def test_a_stammer_is_read_as_the_words_meant(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


def test_a_stammer_leaves_out_only_starts_of_words_and_runs_said_twice():
    from voiceguide.understanding.spelling import Spelling

    known = {"no", "not", "yet", "on", "one", "leg", "okay", "do", "you", "know", "the", "next"}
    spelling = Spelling(known, said_twice={"no"})
    assert spelling.standard("o o okay ne ne next") == "okay next"  # a letter, or no word it knows
    assert spelling.standard("do you do you know") == "do you know"
    assert spelling.standard("no not yet") == "no not yet"  # a word it knows is no start of the next
    assert spelling.standard("on one leg") == "on one leg"
    assert spelling.standard("no no the the next") == "no no the next"  # one word twice: meant only if the grammar says it so


def test_an_acknowledgement_is_one_of_its_words_or_phrases_among_filler_only():
    phrases = KeyPhrases([("Next", "next")], Vocabulary(filler=["i", "am", "on", "it", "right"], acknowledgements=["okay", "all right"]))
    assert phrases.acknowledgement("okay i'm on it") and phrases.acknowledgement("all right")
    assert not phrases.acknowledgement("right")  # a word of a phrase is not the phrase
    assert not phrases.acknowledgement("okay next")  # a key phrase is not filler
    assert not phrases.acknowledgement("okay the kettle")  # nor is a word it does not know
    assert not phrases.acknowledgement("is it okay")  # a question


def test_the_words_the_grammar_says_twice_are_kept_twice():
    from voiceguide.understanding.spelling import Spelling

    spelling = Spelling.of(Grammar.load())
    assert spelling.standard("no no") == "no no" and spelling.standard("stop stop stop") == "stop stop stop"
    assert spelling.standard("wait wait i need to get the the door") == "wait i need to get the door"


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "sorry coach i don't understand", "Repeat"),
        (Context.EXERCISE, "we're done today", "Quit"),
        (Context.HALTED, "that's all i've got in me", "Quit"),
        (Context.EXERCISE, "nice and slow please", "Slower"),
        (Context.BETWEEN, "oops take us back", "Previous"),
        (Context.QUESTION, "alrighty", "Okay"),
    ],
)
def test_more_everyday_ways_to_say_a_command(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize("words", ["so can we um", "mate could we just"])
def test_a_request_trailing_off_is_half_a_sentence(understanding, words):
    understood = understanding.understand(words, Context.BETWEEN)
    assert understood.intent is None and "half a sentence" in understood.why


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "how much longer is this going to take honey", "Status"),
        (Context.EXERCISE, "come on faster man", "Faster"),
        (Context.READY, "sugar what am i supposed to say", "Help"),
    ],
)
def test_a_term_of_address_carries_no_command(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize("context", [Context.READY, Context.BETWEEN, Context.EXERCISE, Context.HALTED, Context.QUESTION])
def test_see_you_with_a_time_of_day_is_no_goodbye_to_the_coach(understanding, context):
    assert understanding.understand("okay sweetheart i'll see you at six", context).intent is None
    assert understanding.understand("right see you tomorrow then", context).intent == "Quit"


@pytest.mark.parametrize("words", ["next exercise please", "okay next exercise", "move on to the next exercise"])
def test_the_next_exercise_is_next_between_exercises_and_leaves_the_one_under_way(understanding, words):
    """Between exercises "next exercise" starts the one announced; skipping it would leave it out."""
    assert understanding.understand(words, Context.BETWEEN).intent == "Next"
    assert understanding.understand(words, Context.EXERCISE).intent == "Skip"
    assert understanding.understand("next please", Context.EXERCISE).intent == "Next"  # a step on, as before


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.BETWEEN, "take us back tae the one before", "Previous"),  # Scots
        (Context.EXERCISE, "weh yuh seh", "Repeat"),  # Jamaican: "what you say"
        (Context.READY, "mek we start", "Start"),
        (Context.BETWEEN, "gwaan to di next one", "Next"),
        (Context.EXERCISE, "slow down pls", "Slower"),  # typed as said
        (Context.EXERCISE, "whit's this one for", "Why"),  # a dialect's word with a contraction
        (Context.EXERCISE, "can ye go a wee bit slower", "Slower"),
        (Context.EXERCISE, "slow doon please", "Slower"),
        (Context.BETWEEN, "gie this one a miss", "Skip"),
        (Context.EXERCISE, "stop the ting", "Stop"),
        (Context.EXERCISE, "how many mair", "Status"),
        (Context.BETWEEN, "wha's this one for", "Why"),
    ],
)
def test_a_dialects_words_are_read_as_the_grammar_spells_them(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


def test_every_spelling_in_the_grammar_file_is_of_a_word_the_grammar_lacks():
    """A spelling of a word the grammar knows would never be used: the file must not promise one."""
    from voiceguide.understanding.spelling import Spelling

    grammar = Grammar.load()
    spelling = Spelling.of(grammar)
    assert grammar.spellings
    assert {word: spelling.standard(word) for word in grammar.spellings} == grammar.spellings


@pytest.mark.parametrize("words", ["go back to", "can we move on to", "so we go over to"])
@pytest.mark.parametrize("context", [Context.BETWEEN, Context.EXERCISE])
def test_a_way_to_go_with_nowhere_named_is_half_a_sentence(understanding, context, words):
    assert understanding.understand(words, context).intent is None
    assert understanding.understand("where did we get up to", Context.EXERCISE).intent == "Status"


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "i wonder if you could say that again", "Repeat"),  # a hedge
        (Context.BETWEEN, "perfect next one please", "Next"),  # praise
        (Context.EXERCISE, "could i make a quick break", "Pause"),  # "make a break", as German and Polish say it
        (Context.BETWEEN, "i think that's quite enough for one day", "Quit"),
        (Context.EXERCISE, "fair enough", "Okay"),
        (Context.EXERCISE, "how many remain", "Status"),
        (Context.EXERCISE, "what's this one do", "Why"),
        (Context.EXERCISE, "is my foot in a good position", "Form"),
        (Context.EXERCISE, "it's like electricity running down my leg", "Pain"),  # as "an electric shock" is
        (Context.QUESTION, "oh by all means", "Yes"),
        (Context.EXERCISE, "slow up a bit", "Slower"),
        (Context.HALTED, "pick it up where we stopped", "Resume"),
    ],
)
def test_more_ways_people_say_what_they_mean(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.BETWEEN, "nah take me back one", "Previous"),  # with no question open, a bare no only leads in
        (Context.EXERCISE, "no i would rather skip this one", "Skip"),
        (Context.HALTED, "nope i am done for today", "Quit"),
        (Context.QUESTION, "nah skip it", "No"),  # asked, it answers
        (Context.BETWEEN, "next no no go back", "Previous"),  # a correction still
        (Context.EXERCISE, "i don't think i did it properly", None),  # a no of more words means what it says
    ],
)
def test_a_bare_no_before_a_command_only_leads_into_it(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize(
    ("context", "words", "confirm"),
    [
        (Context.EXERCISE, "i'm done for today i've got to pick up the kids", True),  # beside a clause: asked about
        (Context.HALTED, "switch it off i'm done", True),
        (Context.EXERCISE, "let's call it a day I said to him", True),  # room talk, maybe: a question, not the end
        (Context.BETWEEN, "that's enough for today", False),  # alone: it ends
        (Context.BETWEEN, "goodbye", False),
    ],
)
def test_an_end_said_beside_a_clause_of_its_own_is_asked_about_first(understanding, context, words, confirm):
    understood = understanding.understand(words, context)
    assert (understood.intent, understood.confirm) == ("Quit", confirm)

def test_a_sentence_ending_in_used_to_be_is_finished(understanding):
    words = "could you go a little slower for me i'm not as quick as i used to be"
    assert understanding.understand(words, Context.EXERCISE).intent == "Slower"
    assert understanding.understand("is it okay if i", Context.EXERCISE).intent is None  # still half a sentence


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "hang on it's the door", "Pause"),  # a clause of its own may begin "it" or "that"
        (Context.EXERCISE, "wait a sec that's my phone", "Pause"),
        (Context.EXERCISE, "stop that right now you two", "Stop"),  # a one-word verb's object, as before
        (Context.EXERCISE, "could you tell me what the point of this one is", "Why"),  # a question within a sentence
        (Context.EXERCISE, "which leg goes first", "Form"),
        (Context.EXERCISE, "should my feet be apart", "Form"),
        (Context.BETWEEN, "what's the next one good for", "Why"),
    ],
)
def test_reasons_and_questions_within_a_sentence(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize("words", ["so the next one is", "and what is", "how long is"])
def test_a_sentence_cut_off_at_its_verb_is_still_half_a_sentence(understanding, words):
    assert understanding.understand(words, Context.EXERCISE).intent is None


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.BETWEEN, "go back to the last one i wasn't ready", "Previous"),  # a move, then why
        (Context.EXERCISE, "can we leave this one out my knee won't let me", "Skip"),
        (Context.EXERCISE, "skip please my knee won't let me", None),  # one word of command is not enough
        (Context.BETWEEN, "next i'm going to the shop", None),  # one word of command: room talk, maybe
        (Context.BETWEEN, "pass i'm full", None),
        (Context.BETWEEN, "and then she said can we go back", None),  # quoted
        (Context.READY, "are you ready to go out at six", None),  # about someone else
    ],
)
def test_a_move_beside_a_reason_of_its_own_needs_more_than_one_word_of_command(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize(
    ("words", "intent"),
    [
        ("slow it please", "Slower"),  # by meaning, "slow" and "fast" sit close: the words must say which
        ("less speed please", "Slower"),
        ("that's too speedy", "Slower"),
        ("a gentler pace please", "Slower"),
        ("could you stretch out the count", "Slower"),
        ("can you pause longer between reps", "Slower"),
        ("shorter holds please", "Faster"),
        ("speed the count up a bit", "Faster"),
    ],
)
def test_a_pace_is_asked_for_in_words_of_its_own(understanding, words, intent):
    assert understanding.understand(words, Context.EXERCISE).intent == intent


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.READY, "i'm in position now", "Start"),  # in place: ready to begin
        (Context.READY, "i'm on the floor doing my back stuff", None),  # said on the phone, maybe
        (Context.READY, "i'm lying down ready", "Start"),
        (Context.READY, "time to start", "Start"),
        (Context.READY, "let's do the exercises", "Start"),
        (Context.HALTED, "okay let's do it", "Resume"),
        (Context.EXERCISE, "i've finished that one", "Next"),
        (Context.BETWEEN, "ready for another one", "Next"),
    ],
)
def test_saying_one_is_ready_or_done_goes_on(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.BETWEEN, "return to the prior stretch", "Previous"),  # formal words
        (Context.EXERCISE, "please reiterate that last step", "Repeat"),
        (Context.EXERCISE, "how should i verify my position", "Form"),
        (Context.BETWEEN, "let's finish the training for today", "Quit"),
        (Context.HALTED, "what are the things i can say", "Help"),
        (Context.EXERCISE, "run it back", "Repeat"),  # slang
        (Context.READY, "fire it up", "Start"),
        (Context.EXERCISE, "i'm finished with this one", "Next"),
        (Context.BETWEEN, "that's done and dusted", "Next"),
        (Context.EXERCISE, "just out of curiosity how many are left", "Status"),  # asides that carry nothing
        (Context.EXERCISE, "ooh slow down a bit", "Slower"),
        (Context.BETWEEN, "you know what let's skip this one", "Skip"),
        (Context.BETWEEN, "jump on past this one", "Skip"),
    ],
)
def test_formal_words_slang_and_asides(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize(
    ("words", "intent"),
    [
        ("whoa", "Stop"),
        ("whoa whoa", "Stop"),
        ("whoa stop", "Stop"),
        ("whoa not so quick", "Slower"),  # surprise before what is asked
        ("whoa whoa ease up on the count", "Slower"),
        ("whoa hang on a sec", "Pause"),
    ],
)
def test_whoa_alone_is_a_stop_and_before_other_words_only_surprise(understanding, words, intent):
    assert understanding.understand(words, Context.EXERCISE).intent == intent


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.EXERCISE, "could we stop a moment", "Pause"),  # a stop for a moment is a pause
        (Context.EXERCISE, "give me two ticks", "Pause"),
        (Context.EXERCISE, "would you mind waiting a sec", "Pause"),
        (Context.HALTED, "okay start it back up", "Resume"),
        (Context.BETWEEN, "let's end the whole session", "Quit"),
        (Context.BETWEEN, "that'll do for us today", "Quit"),
        (Context.EXERCISE, "give us the next", "Next"),
        (Context.EXERCISE, "can i have a longer rest", "Slower"),
        (Context.EXERCISE, "dial it back a bit", "Slower"),
        (Context.EXERCISE, "i'm not able to keep up", "Slower"),
        (Context.EXERCISE, "leave more time between the reps", "Slower"),
        (Context.EXERCISE, "could we take it a little easier", "Slower"),
        (Context.EXERCISE, "no need for such long rests", "Faster"),
        (Context.EXERCISE, "quit dragging it out", "Faster"),
        (Context.BETWEEN, "how come we do this one", "Why"),
        (Context.BETWEEN, "explain the reasoning please", "Why"),
        (Context.BETWEEN, "what has this got to do with my back", "Why"),
        (Context.EXERCISE, "yeah okay", "Okay"),
        (Context.QUESTION, "very good", "Okay"),
    ],
)
def test_a_pause_a_pace_an_end_and_a_reason_in_more_words(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize(
    ("context", "words", "intent"),
    [
        (Context.HALTED, "okay keep it rolling", "Resume"),
        (Context.HALTED, "right back into it", "Resume"),
        (Context.HALTED, "you can start up again", "Resume"),
        (Context.EXERCISE, "please stop for a little while", "Pause"),
        (Context.EXERCISE, "slow and steady please", "Slower"),
        (Context.EXERCISE, "could the breaks be a little longer", "Slower"),
        (Context.EXERCISE, "why are you counting so fast", "Slower"),  # a complaint, not a question
        (Context.EXERCISE, "give me more time between each one", "Slower"),
        (Context.EXERCISE, "shorter rest please", "Faster"),
        (Context.EXERCISE, "eish that's too quick", "Slower"),
        (Context.BETWEEN, "what's the deal with this one", "Why"),
        (Context.EXERCISE, "what is this one strengthening", "Why"),
    ],
)
def test_going_on_the_pace_and_reasons_in_everyday_words(understanding, context, words, intent):
    assert understanding.understand(words, context).intent == intent


@pytest.mark.parametrize("words", ["i'm ready to", "okay let's carry", "so my back is kind of"])
@pytest.mark.parametrize("context", [Context.READY, Context.BETWEEN, Context.HALTED, Context.EXERCISE])
def test_a_request_stopping_before_its_verb_or_word_is_half_a_sentence(understanding, context, words):
    assert understanding.understand(words, context).intent is None
