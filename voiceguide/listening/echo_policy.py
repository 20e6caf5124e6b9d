"""What counts as the coach's own voice, which must never act as a command.

Two checks on what the recognizer made of the cleaned frames (the frames
that hold only the canceller's residue are marked before it,
:mod:`.residue`): an utterance heard while the coach spoke that still sounds
like the speaker is the coach's voice, wholly or in part
(:class:`EchoPolicy`); and a word the coach was saying is not the user's
(:func:`is_echo`).

The policy's collaborators are Protocols, not the audio classes: the decider
imports this module and loads no audio library, and the canceller's module
does not come back here.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..grammar import SAFETY_INTENTS, Grammar, Parsed, normalize
from ..recognizers.base import Hypothesis
from .echo_measures import echo_correlation, residual_db


class HeardFrame(Protocol):
    """A microphone frame (:class:`voiceguide.audio.microphone.Frame`)."""

    @property
    def samples(self) -> np.ndarray: ...  # int16 mono

    @property
    def time(self) -> float: ...  # when its first sample was heard


class SpokenLines(Protocol):
    """Which lines the coach said, and when (:class:`voiceguide.audio.speaker.AudioSpeaker`)."""

    def spoken_between(self, start: float, end: float) -> list[str]: ...


class PlayedAudio(Protocol):
    """What the speaker played, sample by sample (:class:`.echo_canceller.SpeakerReference`)."""

    def echo_source(self, start: float, length: int) -> tuple[np.ndarray, float]: ...


class CancellerState(Protocol):
    """What the policy reads of the echo canceller (:class:`.echo_canceller.EchoCanceller`)."""

    @property
    def hears_speaker(self) -> bool: ...  # it has found the coach's voice in the microphone

    @property
    def delay(self) -> float: ...  # seconds from the speaker to the microphone, as last found


# An utterance heard while the coach spoke (see EchoPolicy):
ECHO_TAIL_SECONDS = 0.5  # the room (and the recognizer) still hears a line this long after it ends
UTTERANCE_LEAD_SECONDS = 1.0  # a first partial comes this long after its speech began, at most
ECHO_WINDOW_FRAMES = 30  # 0.6 s of the microphone: about one short command...
ECHO_HISTORY_FRAMES = 75  # ...the last of it that holds sound, in the last 1.5 s (a final comes after a silence)
SOUND_DB = 20.0  # a frame this far below the loudest of those 1.5 s is the silence after the sound
CANCELLED_DB = -12.0  # the canceller left less than this of what was heard: only the coach's voice
ECHO_LIKELY = 0.3  # from this correlation on, the coach's voice is in what was heard: its words do not count
ECHO_ONLY = 0.9  # from this one on, nothing but the coach's voice was heard: nothing counts...
ECHO_LEFT = 0.2  # ...unless what the canceller left correlates less than this: someone spoke over the coach
UNCANCELLED_DB = -3.0  # the canceller took out less than this: it found no coach's voice to take out
REPEAT_MIN_WORDS = 5  # words heard that are this many of the coach's own words, or more, are its voice...
REPEAT_OTHER_SHARE = 0.25  # ...with at most this share of other words, and none of them a command
OVER_THE_COACH_MIN_WORDS = 2  # a safety phrase among at least this many of the coach's words was said over its voice


@dataclass(frozen=True)
class EchoVerdict:
    """What :class:`EchoPolicy` makes of one hypothesis."""

    coach_lines: tuple[str, ...] = ()  # what the coach was saying that may be in it: those words are not the user's
    own_voice: bool = False  # nothing but the coach's voice was heard: the hypothesis counts for nothing
    barge_in: bool = False  # the coach is talking, and someone else too
    score: float | None = None  # how much the microphone sounded like the coach (0..1), when measured
    residual_db: float | None = None  # how much of what was heard the canceller left (dB), when measured

    @property
    def coach_words(self) -> str:
        return " ".join(self.coach_lines)


class EchoPolicy:
    """Whether a hypothesis heard while the coach spoke is its voice, wholly or in part.

    Only a hypothesis that could act is measured, on the last 0.6 s of the
    microphone: if the canceller left no more than ``CANCELLED_DB`` of it, or
    it correlates with what the speaker played at ``ECHO_ONLY`` or more, it is
    only the coach's voice; at ``ECHO_LIKELY`` or more, the coach's words in it
    do not count. When the canceller has never found the coach's voice in the
    microphone (headphones) and took nothing out, what was heard is someone
    else's: a correlation between two voices is then chance, and a groan over
    the count must still reach the coach.
    """

    def __init__(
        self, grammar: Grammar, speaker: SpokenLines, reference: PlayedAudio, canceller: CancellerState | None
    ) -> None:
        self.grammar = grammar
        self.speaker = speaker  # which lines the coach said, and when
        self.reference = reference  # what the speaker played, sample by sample
        self.canceller = canceller  # None: the frames reach the recognizer as heard
        self._recent: deque[tuple[HeardFrame, HeardFrame]] = deque(maxlen=ECHO_HISTORY_FRAMES)  # (heard, cleaned)
        self._utterance_start: float | None = None

    def hear(self, heard: HeardFrame, cleaned: HeardFrame) -> None:
        """Keep a microphone frame, as heard and as it left the canceller."""
        self._recent.append((heard, cleaned))

    def judge(self, hypothesis: Hypothesis, heard_at: float, now: float) -> EchoVerdict:
        """The verdict on ``hypothesis``, given with the frame heard at ``heard_at``."""
        if self._utterance_start is None:
            self._utterance_start = heard_at - UTTERANCE_LEAD_SECONDS
        playing = tuple(self.speaker.spoken_between(self._utterance_start - ECHO_TAIL_SECONDS - self._lag(), now))
        verdict = self._judge(hypothesis, playing)
        if hypothesis.final:  # the utterance is over, the coach's own or not: the next one starts afresh
            self._utterance_start = None
        return verdict

    def _judge(self, hypothesis: Hypothesis, playing: tuple[str, ...]) -> EchoVerdict:
        if not playing:
            return EchoVerdict(playing)
        over = said_over_the_coach(hypothesis.heard or hypothesis.text, " ".join(playing), self.grammar)
        could_act = (
            hypothesis.final
            or self.grammar.parse(hypothesis.text) is not None
            or self.grammar.safety_word(hypothesis.heard)
            or over is not None
        )
        if not could_act:
            return EchoVerdict(playing)
        left = self._residual_db()
        if over is not None:  # the user's stop or pain among the coach's words, whatever the sound says
            return EchoVerdict(playing, barge_in=True, residual_db=left)
        score = self._echo_score(left)
        if score is None:
            return EchoVerdict(barge_in=True, score=0.0, residual_db=left)
        # Under load the sound server's underruns break the echo's alignment, and a line heard word
        # for word correlated at 0.1-0.2: a run of the coach's own words is its voice whatever the sound says.
        repeated = repeats_the_coach(hypothesis.heard or hypothesis.text, " ".join(playing), self.grammar)
        if (score >= ECHO_ONLY and not self._safety_over_the_echo(hypothesis, playing)) or (repeated and hypothesis.final):
            return EchoVerdict(playing, own_voice=True, score=score, residual_db=left)
        heard_coach = playing if score >= ECHO_LIKELY or repeated else ()
        return EchoVerdict(heard_coach, barge_in=True, score=score, residual_db=left)

    def someone_over_the_coach(self, now: float, seconds: float) -> bool:
        """Whether the last ``seconds`` of the microphone were heard while the coach spoke, and by their sound
        alone (no words yet) are not only its voice: someone spoke over it."""
        if not self.speaker.spoken_between(now - seconds - self._lag(), now):
            return False
        score = self._echo_score(self._residual_db())
        # A word said over a louder echo: the microphone is the coach's, what the canceller left is not.
        return score is None or score < ECHO_ONLY or self._correlation(cleaned=True) < ECHO_LEFT

    def _lag(self) -> float:
        """The coach's voice reaches the microphone the canceller's delay after it was played (on a busy
        machine, with the sound server's underruns, a second and more): its lines count that much longer."""
        return max(0.0, self.canceller.delay) if self.canceller is not None else 0.0

    def _echo_score(self, left: float | None) -> float | None:
        """How much the last sound was the coach's voice (0..1), ``left`` dB of it left by the canceller; None when
        the canceller has never found the coach's voice in the microphone (headphones) and took nothing out of it:
        the sound is someone else's."""
        if self.canceller is not None and not self.canceller.hears_speaker and left is not None and left > UNCANCELLED_DB:
            return None
        return 1.0 if left is not None and left <= CANCELLED_DB else self._correlation()

    def _safety_over_the_echo(self, hypothesis: Hypothesis, playing: tuple[str, ...]) -> bool:
        """A stop or pain phrase in none of the coach's words, heard where the canceller took the coach's
        voice out: in a room the echo is louder than a short "stop" said over it, and the microphone as a
        whole correlated with the speaker at 0.92-0.95, but what the canceller left at 0.07-0.12."""
        text = hypothesis.heard or hypothesis.text
        parsed = self.grammar.parse(hypothesis.text) if hypothesis.text else None
        safety = (parsed is not None and parsed.intent in SAFETY_INTENTS) or self.grammar.safety_word(text) is not None
        words, others = _not_the_coachs(text, " ".join(playing))
        return safety and bool(words) and len(others) == len(words) and self._correlation(cleaned=True) < ECHO_LEFT

    def _residual_db(self) -> float | None:
        """How much of the last 0.6 s of sound the canceller left, or None without a canceller."""
        window = self._window()
        if self.canceller is None or not window:
            return None
        heard = np.concatenate([raw.samples for raw, _ in window])
        cleaned = np.concatenate([clean.samples for _, clean in window])
        return residual_db(heard, cleaned)

    def _correlation(self, cleaned: bool = False) -> float:
        """How much the last 0.6 s of sound in the microphone (or, ``cleaned``, what the canceller
        left of it) sounds like what the speaker played (0..1)."""
        window = self._window()
        if not window:
            return 0.0
        heard = np.concatenate([(clean if cleaned else raw).samples for raw, clean in window])
        # Around the delay the canceller last found the echo at (it drifts on a busy machine).
        start = window[0][0].time - (self.canceller.delay if self.canceller is not None else 0.0)
        output, output_start = self.reference.echo_source(start, len(heard))
        return echo_correlation(heard, start, output, output_start)

    def _window(self) -> list[tuple[HeardFrame, HeardFrame]]:
        """The 0.6 s of the microphone that end with its last sound: a final is given after the
        silence that ended its utterance, and that silence alone correlates with nothing."""
        recent = list(self._recent)
        if not recent:
            return []
        levels = [10 * np.log10(np.mean(raw.samples.astype(np.float64) ** 2) + 1.0) for raw, _ in recent]
        loudest = max(levels)
        last = max(i for i, level in enumerate(levels) if level >= loudest - SOUND_DB)
        return recent[max(0, last + 1 - ECHO_WINDOW_FRAMES) : last + 1]


def is_echo(heard: str, spoken: str) -> bool:
    """True when every word heard is (the start of, or starts) a word the coach was saying."""
    spoken_words = set(normalize(spoken).split())
    return bool(spoken_words) and all(
        any(word.startswith(said) or said.startswith(word) for said in spoken_words) for word in heard.split()
    )


def said_over_the_coach(heard: str, spoken: str, grammar: Grammar) -> Parsed | None:
    """A stop, pain or symptom phrase among the coach's own words, as heard when the user speaks over
    a voice the canceller has not (yet) taken out: "do not push too hard your low back gets stopped"
    while the coach said "Do not push too hard. Your low back gets..." is a stop. None otherwise."""
    words, others = _not_the_coachs(heard, spoken)
    if not others or len(words) - len(others) < OVER_THE_COACH_MIN_WORDS:
        return None
    rest = " ".join(others)
    parsed = grammar.parse(rest)
    if parsed is None:
        found = grammar.safety_word(rest)
        parsed = None if found is None else Parsed(found[0], rest)
    return parsed if parsed is not None and parsed.intent in SAFETY_INTENTS else None


def _not_the_coachs(heard: str, spoken: str) -> tuple[list[str], list[str]]:
    """The words heard, and those of them the coach was not saying."""
    words = normalize(heard).split()
    said = set(normalize(spoken).split())
    return words, [word for word in words if not any(_same_word(word, s) for s in said)]


def _same_word(heard: str, said: str) -> bool:
    """A word heard is a word said, without its contraction ("we" for "we've"), or (both of three
    letters or more) the start of one, or starts one ("resum" for "resume")."""
    if heard.split("'")[0] == said.split("'")[0]:
        return True
    return min(len(heard), len(said)) >= 3 and (heard.startswith(said) or said.startswith(heard))


def repeats_the_coach(heard: str, spoken: str, grammar: Grammar) -> bool:
    """True when ``heard`` is a run of the coach's words (``spoken``): five or more, nearly all of them
    the coach's, and the few others no command or safety word ("raise your hips slowly stop" is not)."""
    words, others = _not_the_coachs(heard, spoken)
    if len(words) < REPEAT_MIN_WORDS or not normalize(spoken):
        return False
    if len(others) > REPEAT_OTHER_SHARE * len(words):
        return False
    rest = " ".join(others)
    return not rest or (grammar.parse(rest) is None and grammar.safety_word(rest) is None)
