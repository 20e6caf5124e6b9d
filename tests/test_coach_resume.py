"""Offering back an unfinished session, and how a resumed exercise starts.

The pure coach, driven with a fake clock (tests/support/driver.py); no audio.
"""

from __future__ import annotations

import pytest

from tests.support.coaching import (
    finish_the_routine,
    hold_said,
    in_hold,
    next_start,
    saying,
    skipped_the_hamstring_stretch,
    started,
    summary_of,
    turn,
)
from tests.support.driver import Driver
from voiceguide.coach import ResumeOffer
from voiceguide.coach.plan import Where


# ---------------------------------- resume offers at the start


def test_resume_offer_yes_continues_where_the_user_left_off():
    offer = ResumeOffer(Where(1, 0, 2, "left"))
    driver = Driver.new(resume_offer=offer).begin()
    driver.settle()
    assert "continue where you left off, at knee to chest, left side?" in driver.said[-1].text
    driver.say_text("yes")
    driver.run_until(hold_said)
    assert driver.coach.step.where == Where(1, 0, 2, "left")
    assert driver.texts()[-5:-1] == [  # after a break, the exercise's name and set-up, and the repetition in full
        "Okay, let's continue where you left off.",
        "Exercise 2 of 5: Knee to chest.",
        "Lie on your back with your feet flat on the floor.",
        "Bring your left knee toward your chest. Using your hands, gently pull your leg in until you feel a comfortable stretch.",
    ]


def test_resume_offer_no_starts_from_the_beginning():
    driver = Driver.new(resume_offer=ResumeOffer(Where(3, 0, 1, "right"))).begin()
    driver.settle()
    driver.say_text("no")
    driver.settle()
    driver.say_text("start")
    driver.step()
    assert "Exercise 1 of 5: Pelvic tilt." in driver.texts()


def test_resume_offer_after_a_finished_repetition_goes_on_with_the_next():
    driver = Driver.new(resume_offer=ResumeOffer(Where(1, 0, 3, "left"), done=True)).begin()
    driver.settle()
    assert "at knee to chest?" in driver.said[-1].text  # the both-legs set comes next
    driver.say_text("yes")
    driver.run_until(in_hold)
    assert driver.coach.step.where == Where(1, 1, 1, None)
    assert "Now, after stretching each leg on its own, we do both legs together." in driver.texts()


def test_no_offer_when_nothing_is_left():
    driver = Driver.new(resume_offer=ResumeOffer(Where(4, 0, 10, None), done=True)).begin()
    driver.settle()
    assert driver.said[-1].text == "When you're ready, say let's begin."


# ----------------------------------------------- resume offers


def test_after_pain_and_skip_the_next_start_offers_the_following_exercise_and_says_why(tmp_path):
    driver = started()
    driver.settle()
    driver.say_text("next")  # knee to chest
    driver.run_until(lambda d: in_hold(d) and d.coach.step.where.side == "left")
    driver.say_text("it hurts")
    driver.settle()
    driver.say_text("skip")
    driver.settle()
    offer = next_start(tmp_path, driver).said[-1].text
    assert "pain during knee to chest" in offer and "spine professional" in offer
    assert "lower trunk rotation" in offer and "at knee to chest" not in offer


def test_after_pain_and_end_the_offer_is_the_next_exercise(tmp_path):
    driver = started()
    driver.run_until(lambda d: in_hold(d) and d.coach.step.where.rep == 3)
    driver.say_text("my back hurts")
    driver.settle()
    driver.say_text("end")
    following = next_start(tmp_path, driver, interrupted=False)
    offer = following.said[-1].text
    assert "pain during pelvic tilt" in offer and "go on with the next exercise, knee to chest?" in offer
    following.say_text("yes")
    following.run_until(lambda d: d.speaking and d.speaking[-1].kind == "intro")
    assert following.texts()[-2:] == [
        "Okay, let's go on with knee to chest. Stop at once if anything hurts.",
        "Exercise 2 of 5: Knee to chest.",
    ]


def test_a_skipped_exercise_is_not_where_the_user_left_off(tmp_path):
    driver = started()
    driver.settle()
    driver.say_text("skip")  # leaves out knee to chest, waits before lower trunk rotation
    driver.settle()
    offer = next_start(tmp_path, driver).said[-1].text
    assert "go on with the next exercise, lower trunk rotation?" in offer and "pain" not in offer
    assert "continue where you left off" not in offer


def test_pain_between_exercises_is_the_exercise_just_done(tmp_path):
    driver = started()
    driver.settle()  # waiting before knee to chest
    driver.say_text("ouch")
    assert driver.kinds("pain")[0].data["exercise"] == "pelvic_tilt"
    driver.settle()
    driver.say_text("end")
    offer = next_start(tmp_path, driver, interrupted=False).said[-1].text
    assert "pain during pelvic tilt" in offer and "knee to chest?" in offer


# ------------------------------------------ a resumed exercise


@pytest.mark.parametrize(
    "where, done, lines",
    [
        (Where(4, 0, 3, None), False, [
            "Exercise 5 of 5: Bridge.",
            "Lie on your back with your knees bent, your feet flat on the floor, and your arms by your sides.",
            "Slowly raise your hips off the floor while contracting your glutes and your hamstrings.",
        ]),
        (Where(1, 0, 2, "left"), False, [
            "Exercise 2 of 5: Knee to chest.",
            "Lie on your back with your feet flat on the floor.",
            "Bring your left knee toward your chest. Using your hands, gently pull your leg in until you feel a comfortable stretch.",
        ]),
        (Where(1, 0, 3, "left"), True, [
            "Exercise 2 of 5: Knee to chest.",
            "Lie on your back with your feet flat on the floor.",
            "Now, after stretching each leg on its own, we do both legs together.",
        ]),
    ],
)
def test_a_resumed_exercise_starts_with_its_name_and_set_up_then_the_repetition(where, done, lines):
    driver = Driver.new(resume_offer=ResumeOffer(where, done=done)).begin()
    driver.settle()
    mark = len(driver.said)
    driver.say_text("yes")
    driver.run_until(hold_said)
    said = driver.texts(mark)
    assert said[0] == "Okay, let's continue where you left off."
    assert said[1 : 1 + len(lines)] == lines
    assert driver.coach.step.where == (where if not done else Where(1, 1, 1, None))


# --------------------------------- a resumed session's summary


def test_a_resumed_session_counts_what_the_earlier_one_did(tmp_path):
    driver = skipped_the_hamstring_stretch()
    driver.settle()
    driver.say_text("next")  # bridge
    driver.run_until(saying("That's 4 of 10."))
    driver.say_text("end")
    following = next_start(tmp_path, driver, interrupted=False)
    assert "continue where you left off, at bridge?" in following.said[-1].text
    following.say_text("yes")
    finish_the_routine(following)
    summary = summary_of(following)
    assert "whole routine" not in summary and "That's the end of the routine." in summary
    assert "4 of 5 exercises: pelvic tilt, knee to chest, lower trunk rotation and bridge" in summary
    assert "You skipped hamstring stretch." in summary


def test_a_resumed_session_that_finishes_everything_is_the_whole_routine(tmp_path):
    driver = started()
    for _ in range(3):
        driver.settle()
        driver.say_text("next")
    driver.run_until(lambda d: in_hold(d) and d.coach.step.where.rep == 2)  # hamstring stretch
    driver.say_text("end")
    following = next_start(tmp_path, driver, interrupted=False)
    following.say_text("yes")
    finish_the_routine(following)
    summary = summary_of(following)
    assert summary.startswith("Well done. That's the whole routine.") and "5 of 5 exercises" in summary


def test_the_offer_does_not_name_pain_in_an_exercise_finished_after_it(tmp_path):
    driver = started()
    driver.settle()
    driver.say_text("next")
    driver.settle()
    driver.say_text("next")  # lower trunk rotation
    driver.run_until(in_hold)
    turn(driver, "it hurts")
    turn(driver, "no")
    driver.say_text("resume")
    driver.settle()  # lower trunk rotation finished
    driver.say_text("next")  # hamstring stretch
    driver.run_until(in_hold)
    driver.say_text("end")
    offer = next_start(tmp_path, driver, interrupted=False).said[-1].text
    assert "lower trunk rotation" not in offer and "at hamstring stretch" in offer


def test_pain_carried_from_a_resumed_session_is_offered_until_that_exercise_is_done(tmp_path):
    driver = started()
    driver.settle()
    driver.say_text("next")  # knee to chest
    driver.run_until(in_hold)
    turn(driver, "it hurts")
    turn(driver, "no")
    driver.say_text("end")
    second = next_start(tmp_path / "1", driver, interrupted=False)
    assert "pain during knee to chest" in second.said[-1].text
    second.say_text("yes")  # lower trunk rotation
    second.run_until(in_hold)
    second.say_text("end")
    summary = summary_of(second)
    assert "Last time you reported pain during knee to chest." in summary
    third = next_start(tmp_path / "2", second, interrupted=False).said[-1].text
    assert "pain during knee to chest" in third and "at lower trunk rotation" in third
