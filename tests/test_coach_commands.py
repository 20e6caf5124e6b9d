"""What the user's commands do: moving through the routine, questions, the pace, between exercises.

The pure coach, driven with a fake clock (tests/support/driver.py); no audio.
"""

from __future__ import annotations

import pytest

from tests.support.coaching import at_hold, hold_said, saying, started, state_ready, state_waiting
from tests.support.driver import Driver
from voiceguide.coach import CoachSettings, Halt, Mode, Question
from voiceguide.coach.plan import StepKind, Where
from voiceguide.events import CutSpeech, EndSession


# ---------------------------------------------------- commands


def test_repeat_says_the_instruction_again_in_full_and_restarts_the_hold():
    driver = at_hold(rep=2)
    driver.step()  # "5"
    driver.step()  # "4"
    mark = len(driver.said)
    driver.hear("Repeat")
    driver.run_until(hold_said)
    assert driver.texts(mark) == [
        "As you breathe out, contract your abdominal muscles, push your belly button toward the floor, and flatten your low back.",
        "Hold for 5 seconds.",
    ]
    assert driver.coach.step.where.rep == 2


def test_pause_then_resume_restarts_the_interrupted_hold():
    driver = at_hold(rep=2)
    driver.step()
    actions = driver.hear("Pause")
    assert isinstance(actions[0], CutSpeech) and driver.timer is None
    driver.settle()
    assert driver.coach.mode is Mode.HALTED and driver.coach.halt is Halt.PAUSE
    driver.clock.now += 600
    assert not driver.step()
    mark = len(driver.said)
    driver.hear("Resume")
    driver.run_until(hold_said)
    assert driver.texts(mark) == ["Continuing.", "Hold for 5 seconds."]
    assert driver.coach.step.where.rep == 2


def test_next_ends_a_hold_early():
    driver = at_hold(rep=1)
    driver.hear("Next")
    assert driver.said[-1].text == "Relax."


def test_previous_goes_back_one_exercise():
    driver = at_hold(rep=1, exercise=1)
    driver.hear("Previous")
    driver.run_until(lambda d: d.speaking and d.speaking[-1].kind == "intro")
    assert driver.texts()[-2:] == ["Going back to pelvic tilt.", "Exercise 1 of 5: Pelvic tilt."]


def test_previous_in_the_first_exercise_starts_it_again():
    driver = at_hold(rep=3)
    driver.hear("Previous")
    assert driver.said[-1].text == "This is the first exercise. Starting pelvic tilt again."


def test_skip_leaves_the_exercise_out_and_waits_before_the_next_one():
    driver = at_hold(rep=2)
    driver.hear("Skip")
    driver.settle()
    assert driver.coach.mode is Mode.WAITING
    assert driver.said[-1].text == "Skipping pelvic tilt. Next is knee to chest. Take a moment, and say next when you're ready."
    assert not [say for say in driver.said if say.kind == "intro" and "Knee to chest" in say.text]
    driver.hear("Next")
    driver.step()
    assert "Exercise 2 of 5: Knee to chest." in driver.texts()
    assert driver.kinds("exercise_skipped")[0].data["exercise"] == "pelvic_tilt"
    driver.hear("Quit")
    assert "You did 0 of 5" not in " ".join(driver.texts()[-4:])
    assert driver.kinds("session_end")[0].data["exercises_done"] == []


def test_skip_while_waiting_skips_the_upcoming_exercise():
    driver = state_waiting()
    driver.hear("Skip")
    assert driver.said[-1].text.startswith("Skipping knee to chest. Next is lower trunk rotation.")
    driver.hear("Next")
    driver.step()
    assert "Exercise 3 of 5: Lower trunk rotation." in driver.texts()


def test_why_gives_the_purpose_then_goes_back():
    driver = at_hold(rep=1, exercise=3)
    driver.hear("Why")
    assert driver.said[-1].text == "Hamstring stretch: To decrease tension in the back of your leg and your low back."
    driver.step()
    assert driver.said[-1].text == "Hold for 15 seconds."


def test_status_says_where_the_user_is():
    driver = at_hold(rep=2, exercise=1)
    driver.hear("Status")
    assert driver.said[-1].text == (
        "This is knee to chest, exercise 2 of 5. Repetition 2 of 3, right side. After this comes lower trunk rotation."
    )


def test_slower_and_faster_change_rests_speech_and_holds_within_the_range():
    driver = at_hold(rep=1, exercise=3)  # hamstring: 10 to 20 seconds, 15 by default
    driver.hear("Slower")
    driver.hear("Slower")
    driver.hear("Slower")
    assert driver.said[-1].text == "This is already the slowest pace."
    # The hold under way is never made longer: the next one is.
    driver.run_until(lambda d: d.speaking and d.speaking[-1].text.startswith("Hold for") and d.coach.step.where.side == "left")
    assert driver.speaking[-1].text == "Hold for 20 seconds." and driver.speaking[-1].rate < 0.8
    for _ in range(4):
        driver.hear("Faster")
    driver.run_until(lambda d: d.speaking and d.speaking[-1].text.startswith("Hold for"))
    assert driver.speaking[-1].text == "Hold for 10 seconds." and driver.speaking[-1].rate > 1.2
    driver.run_until(lambda d: d.coach.step.kind is StepKind.REST and d.timer is not None)
    assert driver.timer[0] - driver.clock.now < 3.0


def test_pace_never_changes_a_fixed_hold():
    driver = at_hold(rep=1)
    driver.hear("Slower")
    driver.run_until(lambda d: d.speaking and d.speaking[-1].text.startswith("Hold for"))
    assert driver.speaking[-1].text == "Hold for 5 seconds."


def test_help_lists_what_can_be_said_here():
    driver = state_waiting()
    driver.hear("Help")
    assert "Say next" in driver.said[-1].text and "skip" in driver.said[-1].text
    driver = at_hold()
    driver.hear("Help")
    assert "how do I check my form" in driver.said[-1].text and "it hurts" in driver.said[-1].text


def test_a_command_that_does_not_fit_gets_a_hint():
    driver = state_ready()
    driver.hear("Previous")
    assert driver.said[-1].kind == "hint" and "say let's begin" in driver.said[-1].text
    driver = at_hold()
    driver.hear("Yes")
    assert driver.said[-1].kind == "hint"


# ---------- the form check and quitting (docs/architecture.md)


def test_form_check_during_pelvic_tilt_then_back_where_the_user_was():
    driver = at_hold(rep=4)
    driver.step()
    actions = driver.say_text("how do I check my form")
    assert isinstance(actions[0], CutSpeech)
    driver.run_until(hold_said)
    answer = " ".join(driver.texts(len(driver.said) - 3))
    for words in ("pinky", "hip bone", "thumb", "lowest rib", "smaller"):
        assert words in answer
    assert driver.said[-1].text == "Hold for 5 seconds."
    assert driver.coach.step.where == Where(0, 0, 4, None)
    driver.run_until(lambda d: d.speaking and d.speaking[-1].text == "That's 4 of 10.")


def test_quit_ends_with_a_summary():
    driver = at_hold(rep=1, exercise=2)
    driver.hear("Quit")
    text = " ".join(driver.texts()[-5:])
    assert "we'll end the session here" in text and "2 of 5 exercises: pelvic tilt and knee to chest" in text
    assert driver.ended == EndSession(completed=False)


GOING_AND_SAYING_WHY = "i'm done for today i've got to pick up the kids"


def test_an_end_said_beside_other_talk_is_asked_about_and_a_yes_ends():
    """It may be said to someone else in the room: the count halts and the coach asks, rather than end the session."""
    driver = at_hold(rep=1, exercise=2)
    driver.say_text(GOING_AND_SAYING_WHY)
    assert driver.ended is None and driver.coach.mode is Mode.HALTED
    assert driver.coach.question is Question.END_CHECK
    driver.settle()
    assert driver.said[-1].text == "Shall I end the session now? Say yes to end it, or no to carry on."
    driver.say_text("yes")
    assert driver.ended == EndSession(completed=False)


def test_a_no_to_ending_after_an_end_said_beside_other_talk_carries_on_where_the_session_was():
    driver = at_hold(rep=1, exercise=2)
    where = driver.coach.step.where
    driver.say_text(GOING_AND_SAYING_WHY)
    driver.settle()
    driver.say_text("no")
    assert driver.ended is None and driver.coach.mode is Mode.RUNNING and driver.coach.question is None
    assert driver.coach.step.where == where
    assert "Continuing." in driver.texts()[-3:]


def test_a_no_to_ending_after_a_stop_stays_stopped():
    driver = at_hold(rep=1, exercise=2)
    driver.say_text("stop")
    driver.say_text("no")  # not in pain
    driver.settle()
    driver.say_text(GOING_AND_SAYING_WHY)
    assert driver.coach.question is Question.END_CHECK and driver.coach.halt is Halt.STOP
    driver.settle()
    driver.say_text("no")
    assert driver.ended is None and driver.coach.mode is Mode.HALTED and driver.coach.halt is Halt.STOP


# ---------------------------------------------------- moving on from a pause


def test_next_while_paused_moves_on_a_step():
    driver = at_hold(rep=2)
    driver.hear("Pause")
    driver.settle()
    driver.hear("Next")
    assert driver.coach.mode is Mode.RUNNING and driver.coach.halt is None
    assert driver.said[-1].text == "Relax."


def test_going_back_while_paused_goes_back_one_exercise():
    driver = at_hold(rep=1, exercise=1)
    driver.hear("Pause")
    driver.settle()
    driver.hear("Previous")
    driver.run_until(lambda d: d.speaking and d.speaking[-1].kind == "intro")
    assert driver.texts()[-2:] == ["Going back to pelvic tilt.", "Exercise 1 of 5: Pelvic tilt."]


def test_next_after_a_stop_between_exercises_starts_the_next_one():
    driver = started()
    driver.settle()  # pelvic tilt done: waiting before knee to chest
    driver.say_text("stop")
    driver.say_text("no")  # not in pain
    driver.settle()
    assert driver.coach.mode is Mode.HALTED
    driver.hear("Next")
    driver.run_until(lambda d: d.speaking and d.speaking[-1].kind == "intro")
    assert driver.said[-1].text == "Exercise 2 of 5: Knee to chest."


def test_next_after_a_stop_and_no_pain_moves_on():
    driver = at_hold(rep=2)
    driver.say_text("stop")
    driver.say_text("no")  # not in pain
    driver.settle()
    driver.hear("Next")
    assert driver.coach.mode is Mode.RUNNING and driver.said[-1].text == "Relax."


@pytest.mark.parametrize("intent", ["Next", "Previous"])
def test_after_pain_next_and_back_do_not_move_the_session(intent):
    """Rule 2: after pain only resume, skip or end go on."""
    driver = at_hold(rep=2, exercise=1)
    driver.hear("Pain")
    driver.settle()
    driver.say_text("no")  # no other symptoms
    driver.settle()
    where = driver.coach.step.where
    driver.hear(intent)
    assert driver.coach.mode is Mode.HALTED and driver.coach.halt is Halt.PAIN
    assert driver.coach.step.where == where and driver.said[-1].kind == "hint"


def test_next_while_asked_whether_in_pain_is_not_taken_as_an_answer():
    driver = at_hold(rep=2)
    driver.say_text("stop")
    driver.settle()
    driver.hear("Next")
    assert driver.coach.mode is Mode.HALTED and driver.coach.question is Question.IN_PAIN


# ---------------------------------------------------- the pace


def at_hamstring_hold(level: str = "full") -> Driver:
    driver = started(settings=CoachSettings(level=level))
    for _ in range(3):
        driver.settle()
        driver.say_text("next")
    driver.run_until(hold_said)
    driver.step()  # the hold's line ends: its seconds start
    return driver


def seconds_until(driver: Driver, text: str) -> float:
    start = driver.clock.now
    driver.run_until(saying(text))
    return driver.clock.now - start


def test_faster_during_a_hold_shortens_what_is_left_of_it():
    driver = at_hamstring_hold()  # 20 s at the full level; one step faster is 17 s
    assert driver.said[-1].text == "Hold for 20 seconds."
    for _ in range(10):
        driver.step()
    assert driver.coach.state.hold.seconds_left == 10
    mark = len(driver.said)
    driver.say_text("faster")
    left = seconds_until(driver, "Lower your leg.")
    assert driver.texts(mark) == ["Okay, I'll go faster.", "Hold for 7 more seconds.", "5", "4", "3", "2", "1", "Lower your leg."]
    assert left == pytest.approx(7, abs=0.5)  # 10 s held, 7 s more: the 17 s of the faster pace
    driver.run_until(hold_said)
    assert driver.speaking[-1].text == "Hold for 17 seconds."  # the next side's hold


def test_faster_after_the_faster_length_has_passed_ends_the_hold():
    driver = at_hamstring_hold()
    driver.run_until(lambda d: d.coach.state.hold.seconds_left == 2)  # 18 of 20 s held
    mark = len(driver.said)
    driver.say_text("faster")
    driver.run_until(saying("Lower your leg."))
    assert driver.texts(mark) == ["Okay, I'll go faster.", "Lower your leg."]


def test_slower_during_a_hold_never_makes_it_longer():
    driver = at_hamstring_hold(level="standard")  # 15 s; one step slower is 18 s
    for _ in range(5):
        driver.step()
    left = driver.coach.state.hold.seconds_left
    mark = len(driver.said)
    driver.say_text("slower")
    assert seconds_until(driver, "Lower your leg.") == pytest.approx(left, abs=0.5)
    assert driver.texts(mark)[:2] == ["Okay, I'll go slower.", f"Hold for {left} more seconds."]
    driver.run_until(hold_said)
    assert driver.speaking[-1].text == "Hold for 18 seconds."  # the next hold is slower


def test_slower_while_a_hold_is_announced_applies_to_the_next_hold():
    driver = started()
    for _ in range(3):
        driver.settle()
        driver.say_text("next")
    driver.run_until(hold_said)
    assert driver.speaking[-1].text == "Hold for 15 seconds."
    mark = len(driver.said)
    driver.say_text("slower")
    driver.run_until(lambda d: d.coach.state.hold.counting)
    assert seconds_until(driver, "Lower your leg.") == pytest.approx(15, abs=0.5)
    assert driver.texts(mark)[:2] == ["Okay, I'll go slower.", "Hold for 15 seconds."]
    driver.run_until(hold_said)
    assert driver.speaking[-1].text == "Hold for 18 seconds."


# ------------------------------------------- between exercises


@pytest.mark.parametrize("before", ["what can I say", "how many left", "why", "how do I check my form", "pause"])
def test_repeat_between_exercises_says_what_comes_next(before):
    driver = started()
    driver.settle()  # pelvic tilt done: waiting for the user before knee to chest
    driver.say_text(before)
    driver.settle()
    driver.say_text("repeat")
    driver.settle()
    assert driver.said[-1].text == "Next is knee to chest. Take a moment, and say next when you're ready."
    assert driver.coach.mode is Mode.WAITING
