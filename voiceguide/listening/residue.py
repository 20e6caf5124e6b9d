"""Which frames out of the echo canceller hold nothing but its residue of the coach's voice.

The canceller (:mod:`.echo_canceller`) marks such frames ``echo_only`` for
the recognizer, which would otherwise hear even a faint residue as speech.
"""

from __future__ import annotations

import statistics
from collections import deque

# A frame out of the canceller that is only its residue (see ResidueDetector):
RESIDUE_MARGIN_DB = 15.0  # a frame this much above the residue's usual level holds another voice
RESIDUE_HISTORY_FRAMES = 150  # the usual level: the median over the last 150 frames (3 s) the coach spoke
RESIDUE_MIN_FRAMES = 10  # fewer frames than this tell nothing yet
RESIDUE_LEARNT_DB = -25.0  # the residue is told apart only once it is usually this far below the coach
ROOM_TAIL_FRAMES = 12  # the coach's voice lingers in the room (and the filter) this long: 0.24 s
COACH_QUIET_DB = 50.0  # a played level below this (RMS about 300) is the coach being quiet


class ResidueDetector:
    """Tells the frames in which the echo canceller left nothing but residue.

    A recognizer hears even a faint residue of the coach's voice as speech,
    so such frames are marked for it. The residue follows the coach's level,
    some decibels down: a frame well above the usual gap holds someone else's
    voice, and until the canceller has learnt the room nothing is residue.
    """

    def __init__(self) -> None:
        self._gaps: deque[float] = deque(maxlen=RESIDUE_HISTORY_FRAMES)  # cleaned level minus the coach's, in dB
        self._played: deque[float] = deque(maxlen=ROOM_TAIL_FRAMES)

    def only_residue(self, cleaned_db: float, played_db: float) -> bool:
        """True when a frame out of the canceller, at ``cleaned_db`` (:func:`.level_db`),
        is only what is left of the speaker's output lined up with it, at ``played_db``."""
        self._played.append(played_db)
        coach = max(self._played)
        if coach < COACH_QUIET_DB:
            return False  # the coach is quiet: whatever is heard is someone else
        gap = cleaned_db - coach
        self._gaps.append(gap)
        if len(self._gaps) < RESIDUE_MIN_FRAMES:
            return False
        usual = statistics.median(self._gaps)
        if usual > RESIDUE_LEARNT_DB:
            return False  # the canceller is still learning the room: a voice would look like residue
        return gap <= usual + RESIDUE_MARGIN_DB
