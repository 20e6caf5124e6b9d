"""How the user's pace ("slower", "faster") changes rests, holds and the speaking rate."""

from __future__ import annotations

import math

from ..routine import Range

PACE_LIMIT = 2  # steps of pace either way from the routine's own
REST_SECONDS = 3.0
PACE_FACTOR = 1.4  # each step slower multiplies rests by this
RATE_FACTOR = 0.88  # ... and the speaking rate by this


def rest_seconds(pace: int) -> float:
    return REST_SECONDS * PACE_FACTOR**-pace


def speaking_rate(pace: int) -> float:
    return RATE_FACTOR**-pace


def hold_seconds(hold: Range, level: str, pace: int) -> int:
    """The level's hold, a quarter of the routine's range longer for each step slower, within the range."""
    stride = max(1, math.ceil((hold.max - hold.min) / 4))
    return hold.clamp(hold.for_level(level) - pace * stride)


def hold_left(length: int, left: int, new_length: int) -> int:
    """The seconds a hold under way goes on for when the pace changes its length to ``new_length``.

    A faster pace shortens what is left (to nothing when the new length has
    already been held); a slower one never lengthens the hold under way, only
    the next ones.
    """
    held = length - left
    return max(0, min(left, new_length - held))
