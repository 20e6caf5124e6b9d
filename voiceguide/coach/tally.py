"""What a session really did, for its summary and its record: done, partly done, skipped, and where it hurt.

A session that continues an earlier one (an accepted resume offer) counts
what the earlier one did too: it is carried in the offer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .plan import Step, StepKind
from .state import CoachState


@dataclass(frozen=True)
class Tally:
    done: tuple[int, ...]  # exercises finished, here or in the session continued
    partly: tuple[tuple[int, int, int], ...]  # (exercise, holds done, holds in all) for one begun and not finished
    skipped: tuple[int, ...]  # left out, with no hold done
    pain_in: tuple[int, ...]  # exercises where pain or a symptom was reported in this session
    earlier_pain_in: tuple[int, ...]  # ... in the session continued, and not finished since
    resumed: bool  # this session continues an earlier one
    count: int  # exercises in the routine

    @property
    def whole_routine(self) -> bool:
        return len(self.done) == self.count


def tally(plan: Sequence[Step], state: CoachState, count: int) -> Tally:
    earlier = state.resumed
    done = set(state.done_exercises) | set(earlier.exercises_done if earlier else ())
    holds = state.holds_done | set(earlier.holds if earlier else ())
    skipped = set(state.skipped_exercises) | set(earlier.exercises_skipped if earlier else ())
    in_all: dict[int, int] = {}
    for step in plan:
        if step.kind is StepKind.REP_DONE:
            in_all[step.where.exercise] = in_all.get(step.where.exercise, 0) + 1
    held = {exercise: sum(1 for where in holds if where.exercise == exercise) for exercise in range(count)}
    partly = tuple((e, held[e], in_all.get(e, 0)) for e in range(count) if e not in done and held[e])
    return Tally(
        done=tuple(sorted(done)),
        partly=partly,
        skipped=tuple(e for e in sorted(skipped) if e not in done and not held[e]),
        pain_in=tuple(dict.fromkeys(state.pain_in)),
        earlier_pain_in=tuple(e for e in (earlier.pain_in if earlier else ()) if e not in state.done_exercises),
        resumed=earlier is not None,
        count=count,
    )
