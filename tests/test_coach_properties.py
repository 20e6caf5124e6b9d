"""Properties that hold for any sequence of what the user says and when."""

from __future__ import annotations

from driver import Driver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voiceguide.coach import Mode
from voiceguide.events import CancelTimer, CutSpeech, Say, SetTimer

INTENTS = [
    "Start", "Next", "Previous", "Repeat", "Pause", "Resume", "Skip", "Stop", "Quit", "Pain",
    "Symptom", "Form", "Why", "Status", "Slower", "Faster", "Help", "Yes", "No", "Okay",
]
EXERCISE_LINES = {"instruction", "count", "progress", "intro"}
LEAVES_PAIN = {"Resume", "Skip"}

moves = st.one_of(
    st.sampled_from(INTENTS).map(lambda intent: ("hear", intent)),
    st.just(("unclear", "")),
    st.integers(min_value=1, max_value=40).map(lambda n: ("time", n)),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(moves, min_size=1, max_size=40), st.lists(moves, max_size=25))
def test_after_pain_no_exercise_goes_on_until_resume_or_skip(before, after):
    driver = Driver.new().begin()
    play(driver, before)
    if driver.ended is not None:
        return
    actions = driver.hear("Pain", "it hurts")
    assert actions[:2] == [CutSpeech(), CancelTimer()]
    assert [say.kind for say in driver.speaking] == ["safety"] and driver.timer is None
    for move in after:
        if move == ("hear", "Quit"):
            break
        if move[0] == "hear" and move[1] in LEAVES_PAIN:
            break
        mark = len(driver.actions)
        play(driver, [move])
        new = driver.actions[mark:]
        assert not [a for a in new if isinstance(a, Say) and a.kind in EXERCISE_LINES], move
        assert not [a for a in new if isinstance(a, SetTimer)], move
        assert driver.coach.mode is Mode.HALTED


@settings(max_examples=200, deadline=None)
@given(st.lists(moves, min_size=1, max_size=60))
def test_stop_and_pain_always_cut_first_and_the_coach_never_breaks(sequence):
    driver = Driver.new().begin()
    for move in sequence:
        if move[0] == "hear" and move[1] in ("Stop", "Pain", "Symptom") and driver.ended is None:
            actions = driver.hear(move[1])
            assert actions[:2] == [CutSpeech(), CancelTimer()]
            assert driver.coach.mode is Mode.HALTED
        else:
            play(driver, [move])
    assert driver.ended is None or driver.coach.mode is Mode.ENDED


def play(driver: Driver, sequence) -> None:
    for kind, value in sequence:
        if driver.ended is not None:
            return
        if kind == "hear":
            driver.hear(value)
        elif kind == "unclear":
            driver.unclear()
        else:
            for _ in range(value):
                if not driver.step():
                    break
