"""From recognizer hypotheses to the coach's events: what counts as heard.

Pure decisions, no audio: the hands-free listener and the benchmark both use
this, so the benchmark measures exactly what the app does.

- "stop", pain and symptoms act on the partial hypothesis as soon as it
  parses whole, without waiting for the end-of-utterance silence;
- other commands act on the final hypothesis, and need more confidence,
  never when the closed search found them in half a sentence ("go back to the");
- speech that is not a command ("[unk]", or too unsure) becomes ``Unclear``
  (the coach pauses and asks), unless it is the coach's own voice;
- what the engine heard in its own words, when its sentence is not the
  grammar's, goes to the understanding stage (:mod:`voiceguide.understanding`):
  "can we move on" between exercises is next, "my foot is numb" a symptom;
- while the coach speaks, other commands need more confidence still, and
  nothing made only of the words the coach is saying acts (:func:`.is_echo`);
- one of the coach's known lines said again (someone reading it out, its
  voice heard late) is nothing, nor are its first words in a partial
  (:mod:`voiceguide.understanding.coach_lines`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..events import Heard, Unclear
from ..grammar import SAFETY_INTENTS, Grammar, Parsed, normalize
from ..intents import Context, Intent
from ..recognizers.base import Hypothesis
from ..understanding import Understanding
from ..understanding.context import MOVES, named_in
from .echo_policy import is_echo, repeats_the_coach, said_over_the_coach


@dataclass(frozen=True)
class Thresholds:
    command: float = 0.45  # confidence a non-safety command needs
    safety: float = 0.15  # ... and stop / pain: a false stop costs a pause only
    during_speech: float = 0.7  # a non-safety command while the coach speaks
    sure_partial: float = 0.5  # a partial this confident needs no confirming (engines that score partials)
    understood_during_speech: float = 0.9  # words outside the grammar, understood by meaning, while the coach speaks


# How long a partial stop or pain phrase must stand uncontradicted before it acts
# (shorter over the coach's voice). "stop" waits longest, as the start of "start"
# looks like it, and an empty partial does not contradict it; the measurements
# behind these numbers are in docs/listening.md.
CONFIRM_SECONDS = {"Stop": 0.25, "Pain": 0.12, "Symptom": 0.12}
BARGE_IN_CONFIRM_SECONDS = 0.11
KEPT_OVER_EMPTY_GUESSES = frozenset({"Stop"})
_NOT_OVER_THE_COACH = frozenset(intent.value for intent in MOVES | {Intent.QUIT})


class IntentDecider:
    """Turns one utterance's hypotheses into at most one event per intent.

    A partial "stop" or pain phrase is acted on once no later partial has
    contradicted it for its ``CONFIRM_SECONDS``: call :meth:`poll` as time
    goes by.
    """

    def __init__(
        self,
        grammar: Grammar,
        thresholds: Thresholds | None = None,
        understanding: Understanding | None = None,
        context: Callable[[], Context] = lambda: Context.EXERCISE,
    ) -> None:
        self.grammar = grammar
        self.thresholds = thresholds or Thresholds()
        self.understanding = understanding or Understanding(grammar)
        self.context = context  # what the coach is waiting for now
        self.why = ""  # why the last final was decided as it was, for --show-heard
        self._acted: str | None = None  # the safety intent a partial already sent
        self._pending: tuple[Heard, float] | None = None  # a partial waiting to be confirmed
        self._contradicted: Heard | None = None  # a safety partial a later partial contradicted, this utterance

    def decide(
        self,
        hearing: Hypothesis,
        coach_speaking: bool = False,
        echo_text: str = "",
        now: float = 0.0,
        barge_in: bool = False,
    ) -> Heard | Unclear | None:
        """The event to post for this hypothesis, or None.

        ``echo_text`` is what the coach said while this was heard: a
        hypothesis made only of those words is taken for the coach's voice.
        ``barge_in``: the coach is talking, and this is not its voice.
        """
        event = self._decide(hearing, coach_speaking, echo_text, now, barge_in)
        if hearing.final:
            self._acted = None
        return event

    @property
    def waiting(self) -> bool:
        """A partial stop or pain phrase is waiting to be confirmed."""
        return self._pending is not None

    def poll(self, now: float) -> Heard | None:
        """The partial safety phrase whose confirmation time has passed, if any."""
        if self._pending is None or now < self._pending[1]:
            return None
        event, _ = self._pending
        self._pending = None
        self._acted = event.intent
        return event

    def _decide(
        self, hearing: Hypothesis, coach_speaking: bool, echo_text: str, now: float, barge_in: bool
    ) -> Heard | Unclear | None:
        line = self._coach_says(hearing)
        if line is not None:  # the coach's own line, from someone else or late: its "it hurts" is not the user's
            if hearing.final:
                self._pending = self._contradicted = None
                self.why = f"the coach's own line {line!r}"
            elif self._pending is not None:  # as any words that are no safety phrase, it contradicts one pending
                self._contradicted, self._pending = self._pending[0], None
            return None
        text = normalize(hearing.text)
        parsed = self.grammar.parse(text) if text else None
        intent = parsed.intent if parsed else None
        echo = bool(text) and is_echo(text, echo_text)
        why = "a sentence of the grammar"
        if intent is None or (echo and intent in SAFETY_INTENTS):
            # Rule: a pain or symptom word is never lost to the grammar, unless the coach was saying it.
            found = self.grammar.safety_word(hearing.heard or text)
            if found is not None and not is_echo(found[1], echo_text):
                intent, text, echo = found[0], normalize(hearing.heard or text), False
                why = f"the safety word {found[1]!r}"
        if intent is None and not hearing.final and hearing.heard:
            part = self.understanding.safety_in_part(hearing.heard, self.context())
            if part is not None and not is_echo(part.heard, echo_text):
                intent, text, echo, why = part.intent, part.heard, False, part.why
        if intent is None and echo_text and hearing.heard:
            over = said_over_the_coach(hearing.heard, echo_text, self.grammar)
            if over is not None:
                intent, text, echo = over.intent, over.text, False
                why = f"{over.text!r} said over the coach's words"
        if not hearing.final:
            if intent in SAFETY_INTENTS and not echo and intent != self._acted:
                sure = hearing.confidence >= self.thresholds.sure_partial  # the engine vouches for this partial
                if sure or self._pending is None or self._pending[0].intent != intent:
                    # Otherwise the partial must stand a moment uncontradicted; a false stop costs only a pause.
                    wait = 0.0 if sure else BARGE_IN_CONFIRM_SECONDS if barge_in else CONFIRM_SECONDS[intent]
                    self._pending = (Heard(intent, text, hearing.confidence, f"{why}, in a partial"), now + wait)
            elif text or self._pending is None or self._pending[0].intent not in KEPT_OVER_EMPTY_GUESSES:
                if self._pending is not None:
                    self._contradicted = self._pending[0]
                self._pending = None  # contradicted
            return None
        self._pending = None
        contradicted, self._contradicted = self._contradicted, None
        event = self._decide_final(hearing, intent, text, parsed, echo, why, coach_speaking, echo_text)
        if contradicted is not None and isinstance(event, Unclear) and self._acted is None:
            # A safety phrase heard in a partial, then lost, and the final unclear (the coach silent, nothing
            # understood): a missed "it hurts" costs more than a needless pause. Not when the final shows its
            # last word was only the start of a longer one ("... with the pain" of "... with the painting").
            if not _word_went_on(contradicted.text, hearing.heard):
                return replace(contradicted, why=f"{contradicted.why}, then lost; nothing else understood")
        return event

    def _trails_off(self, heard: str, sentence: str) -> bool:
        """Whether the words heard, more than the grammar's sentence has, stop where no sentence ends
        (one word misheard, "and" for "end", is the search's to correct)."""
        words = normalize(heard)
        return len(words.split()) > len(sentence.split()) and self.understanding.key_phrases.unfinished(words)

    def _coach_says(self, hearing: Hypothesis) -> str | None:
        """The coach's line the words heard say again, or (a partial) may be beginning to; None when they are the user's."""
        if not hearing.heard:
            return None
        line = self.understanding.coach_line(hearing.heard)
        if line is None and not hearing.final and self.understanding.coach_lines.may_begin(hearing.heard):
            heard = normalize(hearing.heard)
            return heard if self.grammar.parse(heard) is None else None
        return line

    def _decide_final(
        self, hearing: Hypothesis, intent: str | None, text: str, parsed: Parsed | None, echo: bool, why: str,
        coach_speaking: bool, echo_text: str,
    ) -> Heard | Unclear | None:
        """The event for a final hypothesis, from what :meth:`_decide` made of its words."""
        self.why = ""
        if intent is None and hearing.heard:
            understood = self._understood(hearing, coach_speaking, echo_text)
            if understood is not None:
                return None if understood.intent == self._acted else understood
        if intent is None:
            return None if coach_speaking or echo_text else Unclear(text or normalize(hearing.heard), self.why)
        if intent == self._acted:
            return None  # already acted on the partial
        if echo:
            return None
        if intent not in SAFETY_INTENTS and parsed is not None and self._trails_off(hearing.heard, text):
            # "go back to the": the closed search found a command in half a sentence
            self.why = f"{normalize(hearing.heard)!r} is half a sentence"
            return None if coach_speaking else Unclear(normalize(hearing.heard), self.why)
        if intent in SAFETY_INTENTS:
            if parsed is None or parsed.intent != intent or hearing.confidence >= self.thresholds.safety:
                return Heard(intent, text, hearing.confidence, why)
            return None if coach_speaking else Unclear(text)
        needed = self.thresholds.during_speech if coach_speaking else self.thresholds.command
        if hearing.confidence >= needed:
            return Heard(named_in(intent, self.context(), text), text, hearing.confidence, why)
        return None if coach_speaking else Unclear(text)

    def _understood(self, hearing: Hypothesis, coach_speaking: bool, echo_text: str) -> Heard | None:
        """Words outside the grammar, understood by meaning in the coach's context; stricter over the coach's voice."""
        understood = self.understanding.understand(hearing.heard, self.context(), hearing.heard_confidence)
        self.why = understood.why
        if understood.intent is None or is_echo(understood.heard, echo_text):
            return None
        found = self.grammar.safety_word(understood.heard) if understood.intent in SAFETY_INTENTS else None
        if found is not None and is_echo(found[1], echo_text) and repeats_the_coach(understood.heard, echo_text, self.grammar):
            return None  # the coach's own line, one word misheard: its "it hurts" is not the user's
        if coach_speaking and understood.intent not in SAFETY_INTENTS:
            # Over the coach's voice, words outside the grammar may pause, repeat or ask; never move on or end.
            if understood.confidence < self.thresholds.understood_during_speech or understood.intent in _NOT_OVER_THE_COACH:
                return None
        return Heard(understood.intent, understood.heard, understood.confidence, understood.why, understood.confirm)


def _word_went_on(partial: str, final: str) -> bool:
    """Whether ``final`` says ``partial`` again with its last word longer: the partial cut that word off."""
    said, heard = normalize(partial).split(), normalize(final).split()
    if not said or len(heard) < len(said) or heard[: len(said) - 1] != said[:-1]:
        return False
    last, went_on = said[-1], heard[len(said) - 1]
    return went_on != last and went_on.startswith(last)
