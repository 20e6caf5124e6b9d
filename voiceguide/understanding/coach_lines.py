"""The coach's own lines, heard from someone else or late from the coach: no command is in them.

"If anything hurts, say it hurts, or stop" holds two safety words, and a
person reading the routine aloud, a radio, or the tail of the coach's voice
after its line has ended would make it a pain report. Words heard that are
mostly one run of one of the coach's known lines, in its order, are that
line, not the user's. People speak of themselves ("my back hurts") and the
coach of them ("your back"), so a user's report is rarely such a run; a
command or safety word besides the run is still heard ("... slowly, stop").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..grammar import normalize

WHOLE_LINE_WORDS = 4  # a whole line this long, heard word for word, is the coach's ("are you in pain")
READ_OUT_WORDS = 7  # words heard, at least, for them to be part of a coach's line read out...
READ_OUT_RUN = 5  # ...with this many in one unbroken run of the line...
READ_OUT_OTHER_SHARE = 0.25  # ...and at most this share of the words heard not the line's, in its order
BEGUN_RUN = 4  # a partial this long that is one unbroken run of a line may be its start: wait for more


@dataclass(frozen=True)
class CoachLines:
    """The coach's known lines as words, to tell a line said again from the user's own words."""

    lines: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, texts: Iterable[str]) -> CoachLines:
        return cls(tuple(dict.fromkeys(words for text in texts if (words := tuple(normalize(text).split())))))

    def read_out(self, heard: str, is_command: Callable[[str], bool]) -> str | None:
        """The coach's line that ``heard`` is (mostly, in order) a run of, or None.

        ``is_command``: whether words are a command or a safety word; one among
        the words not the line's makes them the user's ("raise your hips slowly stop").
        """
        words = normalize(heard).split()
        if len(words) >= WHOLE_LINE_WORDS and tuple(words) in self.lines:
            return " ".join(words)
        if len(words) < READ_OUT_WORDS:
            return None
        for line in self._sharing(words, READ_OUT_RUN):
            blocks = SequenceMatcher(None, words, line, autojunk=False).get_matching_blocks()
            if max(block.size for block in blocks) < READ_OUT_RUN:
                continue
            kept = {at for block in blocks for at in range(block.a, block.a + block.size)}
            others = [word for at, word in enumerate(words) if at not in kept]
            if len(others) <= READ_OUT_OTHER_SHARE * len(words) and not (others and is_command(" ".join(others))):
                return " ".join(line)
        return None

    def may_begin(self, heard: str) -> bool:
        """Whether a partial ``heard`` is so far one unbroken run of a line ("say help at any time if anything hurts"),
        its last word maybe cut off ("do you also feel any weak", of "weakness")."""
        words = normalize(heard).split()
        if len(words) < BEGUN_RUN:
            return False
        *whole, last = words
        return any(
            tuple(line[at : at + len(whole)]) == tuple(whole) and line[at + len(whole)].startswith(last)
            for line in self._sharing(whole, len(whole))
            for at in range(len(line) - len(whole))
        )

    def _sharing(self, words: list[str], least: int) -> Iterable[tuple[str, ...]]:
        """The lines that share at least ``least`` distinct words with ``words``: the only ones that can match."""
        heard = set(words)
        need = min(least, len(heard))
        return (line for line in self.lines if len(heard.intersection(line)) >= need)
