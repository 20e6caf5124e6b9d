"""Listening decisions: what becomes an event, on the partial or the final."""

from __future__ import annotations

import numpy as np
import pytest

from voiceguide.audio.microphone import Frame
from voiceguide.events import Heard, Unclear
from voiceguide.grammar import Grammar
from voiceguide.listening import IntentDecider, is_echo
from voiceguide.listening.echo_policy import EchoVerdict
from voiceguide.listening.listener import HUSH_SECONDS, PAUSE_HUSH_MAX_SECONDS, Listener
from voiceguide.recognizers.base import Hypothesis
from voiceguide.understanding import Understanding


@pytest.fixture
def decider() -> IntentDecider:
    return IntentDecider(Grammar.load())


def test_stop_acts_on_the_partial_once_confirmed(decider):
    assert decider.decide(Hypothesis("stop", False, 0.0), now=1.0) is None
    assert decider.poll(1.2) is None
    assert decider.poll(1.26) == Heard("Stop", "stop", 0.0)
    assert decider.poll(1.5) is None
    assert decider.decide(Hypothesis("stop", True, 1.0), now=1.6) is None  # already acted on


def test_a_partial_stop_contradicted_in_time_is_not_acted_on(decider):
    """The beginning of "start" can look like "stop" for a moment."""
    decider.decide(Hypothesis("stop", False, 0.0), now=1.0)
    decider.decide(Hypothesis("start", False, 0.0), now=1.06)
    assert decider.poll(1.2) is None
    assert decider.decide(Hypothesis("start", True, 0.9), now=1.4) == Heard("Start", "start", 0.9)


def test_over_the_coach_only_another_command_contradicts_a_partial_stop(decider):
    """Barge-in: the coach's voice left in the microphone soon empties the partial."""
    decider.decide(Hypothesis("stop", False, 0.0), coach_speaking=True, now=1.0, barge_in=True)
    decider.decide(Hypothesis("", False, 0.0), coach_speaking=True, now=1.08, barge_in=True)
    assert decider.poll(1.09) is None
    assert decider.poll(1.12) == Heard("Stop", "stop", 0.0)
    assert decider.decide(Hypothesis("", True, 0.0), coach_speaking=True, now=1.5, barge_in=True) is None


def test_an_empty_partial_does_not_contradict_a_stop_but_does_a_pain_word(decider):
    decider.decide(Hypothesis("stop", False, 0.0), now=1.0)
    decider.decide(Hypothesis("", False, 0.0), now=1.1)
    assert decider.poll(1.26) == Heard("Stop", "stop", 0.0)
    decider.decide(Hypothesis("", True, 0.0), now=1.6)
    decider.decide(Hypothesis("ow", False, 0.0), now=2.0)
    decider.decide(Hypothesis("", False, 0.0), now=2.1)
    assert decider.poll(2.5) is None


def test_over_the_coach_start_still_contradicts_stop(decider):
    decider.decide(Hypothesis("stop", False, 0.0), coach_speaking=True, now=1.0, barge_in=True)
    decider.decide(Hypothesis("start", False, 0.0), coach_speaking=True, now=1.1, barge_in=True)
    assert decider.poll(1.3) is None


def test_over_the_coach_its_own_words_still_never_act(decider):
    decider.decide(Hypothesis("stop", False, 0.0), coach_speaking=True, echo_text="Stop now, and relax gently.", now=1.0, barge_in=True)
    assert decider.poll(2.0) is None


def test_a_final_before_the_confirmation_is_used_instead(decider):
    decider.decide(Hypothesis("it hurts", False, 0.0), now=1.0)
    assert decider.decide(Hypothesis("it hurts", True, 0.9), now=1.05) == Heard("Pain", "it hurts", 0.9)
    assert decider.poll(2.0) is None


def test_a_partial_stop_that_becomes_pain_acts_again(decider):
    decider.decide(Hypothesis("stop", False, 0.0), now=1.0)
    assert decider.poll(1.3).intent == "Stop"
    assert decider.decide(Hypothesis("stop it hurts", True, 0.9), now=1.5).intent == "Pain"


def test_a_stop_among_filler_acts_on_the_partial(decider):
    """"no no stop" is no sentence of the grammar, but a stop key phrase among filler: it acts before the final."""
    decider.decide(Hypothesis("", False, 0.0, heard="no no stop"), now=1.0)
    event = decider.poll(1.26)
    assert event is not None and event.intent == "Stop"


def test_a_safety_partial_lost_to_a_final_nothing_understood_still_acts(decider):
    """Whisper heard "it hurts", then rewrote it as nonsense: a missed pain costs more than a needless pause."""
    decider.decide(Hypothesis("it hurts", False, 0.0), now=1.0)
    decider.decide(Hypothesis("", False, 0.0, heard="it's very slight"), now=1.05)
    assert decider.poll(1.5) is None
    final = decider.decide(Hypothesis("", True, 0.0, heard="it first right a lot actually", heard_confidence=0.5), now=2.0)
    assert final is not None and final.intent == "Pain" and "then lost" in final.why


def test_a_safety_word_that_was_only_the_start_of_a_longer_one_is_not_brought_back(decider):
    """The partial cut the word off ("... the pain" of "... the painting"); the final heard it whole."""
    decider.decide(Hypothesis("", False, 0.0, heard="we'll carry on with the pain"), now=1.0)
    decider.decide(Hypothesis("", False, 0.0, heard="we'll carry on with the painting"), now=1.05)
    assert decider.poll(1.5) is None
    final = decider.decide(Hypothesis("", True, 0.0, heard="we'll carry on with the painting on sunday", heard_confidence=0.8), now=3.0)
    assert isinstance(final, Unclear)


def test_a_safety_partial_lost_to_a_command_or_over_the_coach_stays_lost(decider):
    decider.decide(Hypothesis("it hurts", False, 0.0), now=1.0)
    decider.decide(Hypothesis("", False, 0.0, heard="it's her"), now=1.05)
    assert decider.decide(Hypothesis("", True, 0.0, heard="what was that"), now=2.0).intent == "Repeat"
    spoken = "Lie on your back with your feet flat on the floor."
    decider.decide(Hypothesis("", False, 0.0, heard="it hurts"), coach_speaking=True, echo_text=spoken, now=3.0)
    decider.decide(Hypothesis("", False, 0.0, heard="it's her"), coach_speaking=True, echo_text=spoken, now=3.05)
    assert decider.decide(Hypothesis("", True, 0.0, heard="it first"), coach_speaking=True, echo_text=spoken, now=4.0) is None


def test_other_commands_wait_for_the_final(decider):
    assert decider.decide(Hypothesis("next", False, 0.0)) is None
    assert decider.decide(Hypothesis("next", True, 0.9)) == Heard("Next", "next", 0.9)


def test_unsure_or_unknown_speech_is_unclear(decider):
    assert decider.decide(Hypothesis("next", True, 0.2)) == Unclear("next")
    assert decider.decide(Hypothesis("", True, 0.0)) == Unclear("")


def test_over_the_coachs_voice_only_safety_that_is_not_its_own_words(decider):
    spoken = "Lie on your back with your feet flat on the floor."
    assert decider.decide(Hypothesis("", True, 0.0), coach_speaking=True, echo_text=spoken) is None
    assert decider.decide(Hypothesis("back", True, 0.99), coach_speaking=True, echo_text=spoken) is None
    assert decider.decide(Hypothesis("next", True, 0.5), coach_speaking=True, echo_text=spoken) is None
    decider.decide(Hypothesis("it hurts", False, 0.0), coach_speaking=True, echo_text=spoken, now=1.0)
    assert decider.poll(1.2).intent == "Pain"
    said = "If anything hurts, say it hurts, or stop."
    decider.decide(Hypothesis("", True, 0.0), now=1.5)
    assert decider.decide(Hypothesis("it hurts", False, 0.0), coach_speaking=True, echo_text=said, now=2.0) is None
    assert decider.poll(3.0) is None


def test_the_coachs_own_safety_word_among_its_other_words_never_acts(decider):
    """Its line heard nearly word for word, one word misheard: "hurts" is still the coach's, not the user's."""
    said = "Say help at any time. If anything hurts, say it hurts, or stop, and I will stop at once."
    heard = "say help at any time if anything could say it hurts or stop and i will stop at once"
    assert decider.decide(Hypothesis("", True, 0.0, heard=heard), coach_speaking=True, echo_text=said) is None
    assert decider.decide(Hypothesis("", True, 0.0, heard="my back hurts"), coach_speaking=True, echo_text=said).intent == "Pain"
    assert decider.decide(Hypothesis("", True, 0.0, heard="ouch my knee"), coach_speaking=True, echo_text=said).intent == "Pain"


def test_is_echo():
    assert is_echo("stop", "Stop now, and relax gently.")
    assert is_echo("it hurt", "If anything hurts, say it hurts.")
    assert not is_echo("stop it hurts", "Stop now, and relax gently.")


class CoachTalking:
    """An echo policy for which the coach is saying ``line`` (and the microphone holds someone else)."""

    def __init__(self, line: str) -> None:
        self.line = line

    def hear(self, heard: Frame, cleaned: Frame) -> None:
        pass

    def judge(self, hypothesis: Hypothesis, heard_at: float, now: float) -> EchoVerdict:
        return EchoVerdict((self.line,) if self.line else (), barge_in=bool(self.line), score=0.1)

    def someone_over_the_coach(self, now: float, seconds: float) -> bool:
        return bool(self.line)


class Pausing:
    """A recognizer whose speech pauses at each frame: the pause is told of, then decoded as ``hypothesis``."""

    def __init__(self, hypothesis: Hypothesis | None = None, seconds: float = 0.5, log: list | None = None) -> None:
        self.hypothesis, self.seconds, self.log = hypothesis, seconds, log
        self.hook = None

    def on_pause(self, hook) -> None:
        self.hook = hook

    def accept(self, pcm: bytes, echo_only: bool = False) -> Hypothesis | None:
        self.hook(self.seconds)
        self.log.append("decoded")
        return self.hypothesis


class NoCanceller:
    def pull(self) -> None:
        pass


def hear_a_pause(decider, coach_line: str, hypothesis: Hypothesis, seconds: float = 0.5) -> tuple[list, list]:
    """What the listener did, in order, with one frame at which the speech paused: (hushes and the decode, events)."""
    log, posted = [], []
    recognizer = Pausing(hypothesis, seconds, log)
    decider = IntentDecider(decider.grammar, understanding=decider.understanding)  # nothing left of an earlier pause
    listener = Listener(None, None, NoCanceller(), recognizer, CoachTalking(coach_line), decider, posted.append,
                        hush=lambda seconds: log.append(seconds))
    listener.hear(Frame(np.zeros(320, np.int16), 16000, 1.0, 0))
    return log, posted


def test_someone_speaking_over_the_coach_hushes_it_before_the_pause_is_decoded(decider):
    """A decode takes 80 ms, and twice that on a busy machine: the coach is hushed before it, then cut by a
    stop, or let go on at once when the pause's words are no stop or pain and may not yet be one."""
    line = "Hold for 10 seconds."
    log, posted = hear_a_pause(decider, line, Hypothesis("stop", False, 0.95, "stop"))
    assert log == [HUSH_SECONDS, "decoded"] and posted == [Heard("Stop", "stop", 0.95, "a sentence of the grammar")]
    log, posted = hear_a_pause(decider, line, Hypothesis("next", False, 0.9, "next"))
    assert log == [HUSH_SECONDS, "decoded", 0.0] and posted == []
    log, _ = hear_a_pause(decider, line, Hypothesis("start", False, 0.9, "start", maybe="stop"))
    assert log == [HUSH_SECONDS, "decoded"]  # it may yet be a stop: hushed until the word is over
    log, _ = hear_a_pause(decider, line, Hypothesis("ow", False, 0.0, "ow"))
    assert log == [HUSH_SECONDS, "decoded"]  # a pain word waiting to be confirmed
    log, _ = hear_a_pause(decider, line, None)
    assert log == [HUSH_SECONDS, "decoded", 0.0]
    log, _ = hear_a_pause(decider, "", Hypothesis("stop", False, 0.95, "stop"))
    assert log == ["decoded"]  # the coach is quiet (or it is only its voice): nothing to hush
    log, _ = hear_a_pause(decider, line, Hypothesis("next", False, 0.9, "next"), seconds=PAUSE_HUSH_MAX_SECONDS + 0.5)
    assert log == ["decoded"]  # talk over the coach does not stutter it at every breath


@pytest.mark.parametrize("coach_line", ["Hold for 10 seconds.", ""])
def test_show_heard_tells_why_a_final_was_not_acted_on(decider, coach_line):
    posted, shown = [], []
    listener = Listener(None, None, None, Pausing(), CoachTalking(coach_line), decider, posted.append, show=shown.append)
    listener._consider(Hypothesis("next", True, 0.5), heard_at=1.0)  # too unsure over the coach's voice
    if coach_line:
        assert posted == [] and shown == ["ignored: 'next' (confidence 0.50, said while the coach spoke, echo 0.10)"]
    else:  # the coach is quiet: the command acts, and is shown as heard
        assert posted == [Heard("Next", "next", 0.5)] and shown[0].startswith("heard: Next ('next', confidence 0.50, final")


def test_a_word_that_may_yet_be_stop_hushes_the_coach_until_it_is_over(decider):
    """At a "stop"'s closure Whisper hears "start" and says it may yet be "stop": the coach is hushed at once;
    a stop then cuts it (the hush is not lifted), anything else lets it go on. The coach quiet: nothing to hush."""
    hushes: list[float] = []
    listener = Listener(None, None, None, Pausing(), CoachTalking("Hold for 10 seconds."), decider, [].append, hush=hushes.append)
    listener._consider(Hypothesis("start", False, 0.9, "start", maybe="stop"), heard_at=1.0)
    assert hushes == [HUSH_SECONDS]
    listener._consider(Hypothesis("start", False, 0.9, "start", maybe="stop"), heard_at=1.1)
    assert hushes == [HUSH_SECONDS]  # once an utterance
    listener._consider(Hypothesis("stop", True, 0.95, "stop"), heard_at=1.2)
    assert hushes == [HUSH_SECONDS]  # the stop cuts the coach: no going on first
    listener._consider(Hypothesis("start", False, 0.9, "start", maybe="stop"), heard_at=2.0)
    listener._consider(Hypothesis("start", True, 0.9, "start"), heard_at=2.3)
    assert hushes == [HUSH_SECONDS, HUSH_SECONDS, 0.0]  # a "start" after all: the coach goes on
    quiet: list[float] = []
    listener = Listener(None, None, None, Pausing(), CoachTalking(""), decider, [].append, hush=quiet.append)
    listener._consider(Hypothesis("start", False, 0.9, "start", maybe="stop"), heard_at=1.0)
    listener._consider(Hypothesis("start", True, 0.9, "start"), heard_at=1.3)
    assert quiet == []


def test_a_hush_no_final_lifted_is_over_when_the_coach_goes_on_by_itself(decider):
    """An utterance that ends as a click has no final to lift its hush: the player goes on after HUSH_SECONDS,
    and so must the listener's notion of it, or no later word could ever hush the coach again."""
    now = [1.0]
    hushes: list[float] = []
    listener = Listener(None, None, None, Pausing(), CoachTalking("Hold for 10 seconds."), decider, [].append,
                        hush=hushes.append, clock=lambda: now[0])
    listener._consider(Hypothesis("start", False, 0.9, "start", maybe="stop"), heard_at=1.0)
    now[0] += HUSH_SECONDS + 0.1  # no final came
    listener._consider(Hypothesis("start", False, 0.9, "start", maybe="stop"), heard_at=now[0])
    assert hushes == [HUSH_SECONDS, HUSH_SECONDS]


@pytest.fixture
def knowing_its_lines() -> IntentDecider:
    grammar = Grammar.load()
    lines = [
        "Say help at any time. If anything hurts, say it hurts, or stop, and I will stop at once.",
        "To relieve back pain by reducing pressure on the nerves in your low back.",
    ]
    return IntentDecider(grammar, understanding=Understanding(grammar, coach_lines=lines))


def test_a_coach_line_said_by_someone_else_is_not_the_users_pain(knowing_its_lines):
    """The coach silent, its line heard (read out, or its voice late), partial by partial: nothing acts."""
    decider = knowing_its_lines
    words = "say help at any time if anything hurts say it hurts or stop and i will stop at once".split()
    events = []
    for count in range(1, len(words) + 1):
        events.append(decider.decide(Hypothesis("", False, 0.0, heard=" ".join(words[:count])), now=count * 0.3))
        events.append(decider.poll(count * 0.3 + 0.29))
    events.append(decider.decide(Hypothesis("", True, 0.0, heard=" ".join(words), heard_confidence=0.8), now=6.0))
    assert [event for event in events if event is not None] == []
    assert "the coach's own line" in decider.why
    heard = "to relieve back pain by reducing pressure on the nerves in your lower back"  # one word misheard
    assert decider.decide(Hypothesis("", True, 0.0, heard=heard, heard_confidence=0.8), now=7.0) is None


@pytest.mark.parametrize(
    ("heard", "intent"),
    [
        ("it hurts", "Pain"),
        ("my back hurts", "Pain"),
        ("back pain by reducing pressure on the nerves stop", "Pain"),  # a stop besides the line: the user speaks
        ("ouch the pain in my low back", "Pain"),
    ],
)
def test_the_users_own_words_beside_the_coachs_lines_still_act(knowing_its_lines, heard, intent):
    decider = knowing_its_lines
    event = decider.decide(Hypothesis("", True, 0.0, heard=heard, heard_confidence=0.8))
    assert event is not None and event.intent == intent


def test_a_coach_lines_word_cut_off_in_a_partial_still_waits_for_the_final():
    """"do you also feel any weak…" (of "weakness"): "weak" is a symptom word, but the words so far begin the
    coach's question; a whole short line heard word for word is the coach's too."""
    grammar = Grammar.load()
    lines = ["Do you also feel any weakness, tingling or numbness?", "Are you in pain?"]
    decider = IntentDecider(grammar, understanding=Understanding(grammar, coach_lines=lines))
    assert decider.decide(Hypothesis("", False, 0.0, heard="do you also feel any weak"), now=1.0) is None
    assert decider.poll(1.5) is None
    assert decider.decide(Hypothesis("", True, 0.0, heard="are you in pain", heard_confidence=0.9), now=2.0) is None
    assert decider.decide(Hypothesis("", True, 0.0, heard="i feel weak", heard_confidence=0.9), now=3.0).intent == "Symptom"


def test_a_grammar_sentence_found_in_half_a_sentence_is_not_acted_on(decider):
    """The closed search made "go back" of "go back to the": half a sentence means nothing, as typed."""
    half = decider.decide(Hypothesis("go back", True, 0.9, heard="go back to the", heard_confidence=0.8))
    assert isinstance(half, Unclear) and "half a sentence" in half.why
    assert decider.decide(Hypothesis("go back", True, 0.9, heard="go back", heard_confidence=0.8)).intent == "Previous"
    assert decider.decide(Hypothesis("stop", True, 0.9, heard="stop and", heard_confidence=0.8)).intent == "Stop"
