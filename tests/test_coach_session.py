"""A session as the person on the floor hears it: its shape, the counting, the countdown, the wording, the summary.

The pure coach, driven with a fake clock (tests/support/driver.py); no audio.
"""

from __future__ import annotations

import re

import pytest

from tests.support.coaching import (
    at_hold,
    counts,
    finish_the_routine,
    hold_said,
    in_hold,
    saying,
    skipped_the_hamstring_stretch,
    started,
    state_waiting,
    summary_of,
    turn,
    whole_session,
)
from tests.support.driver import Driver, FakeClock
from voiceguide.coach import Coach, CoachSettings, Mode
from voiceguide.coach.plan import StepKind
from voiceguide.events import EndSession, Record
from voiceguide.history import History, SessionJournal
from voiceguide.routine import load_routine
from voiceguide.session import prepare_session


TILT_FULL = "As you breathe out, contract your abdominal muscles, push your belly button toward the floor, and flatten your low back."


# ------------------------------------------- the session shape


def test_start_gives_the_disclaimer_and_waits():
    driver = Driver.new().begin()
    driver.settle()
    text = " ".join(driver.texts())
    assert "doctor's approval" in text and "it hurts" in text and "say let's begin" in text
    assert driver.coach.mode is Mode.READY and driver.timer is None
    driver.clock.now += 3600
    assert not driver.step()


def test_an_exercise_is_named_explained_held_and_counted():
    driver = started()
    driver.run_until(lambda d: d.coach.step.where.rep == 3)
    text = driver.texts()
    assert text[text.index("Exercise 1 of 5: Pelvic tilt.") + 1] == "To strengthen your abdominal muscles and stretch your low back."
    assert "Lie on your back." in text
    assert "We'll do this 10 times, holding for 5 seconds each time." in text
    hold = text.index("Hold for 5 seconds.")
    assert text[hold + 1: hold + 7] == ["5", "4", "3", "2", "1", "Relax."]
    assert "That's 1 of 10." in text and "That's 2 of 10." in text


def test_a_hold_lasts_its_seconds():
    driver = at_hold()
    start = driver.clock.now
    driver.run_until(lambda d: d.speaking and d.speaking[-1].text == "Relax.")
    assert driver.clock.now - start == pytest.approx(5, abs=0.01)


def test_sides_are_counted():
    driver = at_hold(rep=1, exercise=1)
    driver.run_until(lambda d: d.coach.step.where.rep == 2)
    text = driver.texts()
    assert "Bring your right knee toward your chest." in text and "Bring your left knee toward your chest." in text
    assert "That's 1 of 3 on each side." in text
    rep_done = driver.kinds("rep_done")
    assert [(r.data["side"], r.data["rep"]) for r in rep_done[-2:]] == [("right", 1), ("left", 1)]


def test_between_exercises_it_waits_for_the_user():
    driver = state_waiting()
    assert driver.coach.mode is Mode.WAITING
    assert "Next is knee to chest" in driver.said[-1].text
    driver.clock.now += 3600
    assert not driver.step()
    driver.hear("Next")
    driver.step()
    assert "Exercise 2 of 5: Knee to chest." in driver.texts()


def test_a_whole_session_to_the_summary():
    driver = started()
    for _ in range(4):
        driver.settle()
        assert driver.coach.mode is Mode.WAITING
        driver.hear("Next")
    driver.settle()
    assert driver.ended == EndSession(completed=True)
    text = driver.texts()
    for number, name in enumerate(["Pelvic tilt", "Knee to chest", "Lower trunk rotation", "Hamstring stretch", "Bridge"], 1):
        assert f"Exercise {number} of 5: {name}." in text
    summary = " ".join(text[-4:])
    assert "5 of 5 exercises" in summary and "minutes" in summary and "consistency" in summary
    assert len(driver.kinds("rep_done")) == 10 + 6 + 3 + 10 + 6 + 10
    assert driver.kinds("session_end")[0].data["completed"] is True


# ------------------------------------------ levels and waiting


def test_levels_pick_inside_the_ranges():
    for level, reps in (("gentle", 3), ("standard", 3), ("full", 5)):
        driver = Driver.new(settings=CoachSettings(level=level)).begin()
        driver.settle()
        driver.hear("Start")
        driver.settle()
        driver.hear("Next")
        driver.run_until(lambda d: d.speaking and "We'll do this" in d.speaking[-1].text)
        assert driver.speaking[-1].text.startswith(f"We'll do this {reps} times on each side")


def test_no_wait_between_exercises_when_set():
    driver = Driver.new(settings=CoachSettings(wait_between_exercises=False)).begin()
    driver.settle()
    driver.hear("Start")
    driver.settle()
    assert driver.ended == EndSession(completed=True)


# --------------------------------------- counting and position


def pain_no_resume(driver: Driver) -> None:
    driver.say_text("it hurts")
    driver.settle()
    driver.say_text("no")
    driver.settle()
    driver.say_text("resume")


def stop_no_continue(driver: Driver) -> None:
    driver.say_text("stop")
    driver.settle()
    driver.say_text("no")
    driver.settle()
    driver.say_text("continue")


def unclear_yes(driver: Driver) -> None:
    driver.unclear("mmm")
    driver.settle()
    driver.say_text("yes")


def repeat(driver: Driver) -> None:
    driver.say_text("repeat")


def pause_resume(driver: Driver) -> None:
    driver.say_text("pause")
    driver.settle()
    driver.say_text("continue")


def form_question(driver: Driver) -> None:
    driver.say_text("how do I check my form")


INTERRUPTIONS = [pain_no_resume, stop_no_continue, unclear_yes, repeat, pause_resume, form_question]


@pytest.mark.parametrize("moment", ["while the count is said", "in the rest after it"])
@pytest.mark.parametrize("interruption", INTERRUPTIONS, ids=lambda f: f.__name__)
def test_a_finished_repetition_is_not_done_or_counted_again(interruption, moment):
    driver = started()
    driver.run_until(saying("That's 2 of 10."))
    if moment == "in the rest after it":
        driver.step()
        assert driver.coach.step.kind is StepKind.REST and driver.timer is not None
    interruption(driver)
    driver.run_until(saying("That's 3 of 10."))
    assert counts(driver) == [1, 2, 3]
    assert [r.data["rep"] for r in driver.kinds("rep_done")] == [1, 2, 3]


@pytest.mark.parametrize("interruption", [pain_no_resume, stop_no_continue, unclear_yes, repeat, pause_resume])
def test_an_interrupted_hold_is_done_again_and_counted_once(interruption):
    driver = started()
    driver.run_until(lambda d: in_hold(d) and d.coach.step.where.rep == 2)
    driver.step()  # "5"
    driver.step()  # "4"
    interruption(driver)
    driver.run_until(hold_said)
    assert driver.coach.step.where.rep == 2 and driver.said[-1].text == "Hold for 5 seconds."
    driver.run_until(saying("That's 3 of 10."))
    assert counts(driver) == [1, 2, 3]
    assert [r.data["rep"] for r in driver.kinds("rep_done")] == [1, 2, 3]


def test_repeat_after_a_count_says_the_next_repetition_in_full():
    driver = started()
    driver.run_until(saying("That's 2 of 10."))
    mark = len(driver.said)
    driver.say_text("repeat")
    driver.run_until(hold_said)
    assert driver.texts(mark) == [TILT_FULL, "Hold for 5 seconds."]
    assert driver.coach.step.where.rep == 3


def test_after_pain_the_repetition_starts_again_in_full():
    driver = started()
    driver.run_until(lambda d: in_hold(d) and d.coach.step.where.rep == 4)
    pain_no_resume(driver)
    driver.run_until(hold_said)
    assert driver.texts()[-3:] == ["Okay, let's carry on gently. Stop at once if it hurts again.", TILT_FULL, "Hold for 5 seconds."]


def test_the_summary_keeps_an_exercise_done_before_going_back(tmp_path):
    driver = started()
    driver.settle()  # pelvic tilt done
    driver.say_text("next")
    driver.run_until(in_hold)
    driver.say_text("previous")
    driver.run_until(in_hold)
    driver.say_text("end")
    summary = " ".join(driver.texts()[-5:])
    assert "You did 1 of 5 exercises: pelvic tilt" in summary and "no exercises" not in summary
    assert driver.kinds("session_end")[0].data["exercises_done"] == ["pelvic_tilt"]
    history = History.open(tmp_path / "history.sqlite3")
    journal = SessionJournal(history, driver.coach.routine.name)
    for record in driver.records:
        journal.record(record)
    assert history.recent_sessions(1)[0].exercises_done == 1
    history.close()


def test_an_exercise_skipped_then_done_counts_as_done():
    driver = started()
    driver.run_until(in_hold)
    driver.say_text("skip")
    driver.settle()
    driver.say_text("previous")  # back to pelvic tilt, done in full this time
    driver.settle()
    driver.say_text("end")
    assert "You did 1 of 5 exercises: pelvic tilt" in " ".join(driver.texts()[-5:])


def test_skip_waits_for_the_user_like_every_other_change_of_exercise():
    driver = started()
    driver.run_until(in_hold)
    driver.say_text("skip")
    driver.settle()
    assert driver.coach.mode is Mode.WAITING and driver.timer is None
    assert "Next is knee to chest" in driver.said[-1].text and driver.said[-1].text.endswith("say next when you're ready.")
    assert "Exercise 2 of 5: Knee to chest." not in driver.texts()
    driver.clock.now += 3600
    assert not driver.step()


def test_skip_goes_straight_on_when_the_setting_says_so():
    driver = started(settings=CoachSettings(wait_between_exercises=False))
    driver.run_until(in_hold)
    driver.say_text("skip")
    driver.run_until(lambda d: d.speaking and d.speaking[-1].kind == "intro")
    assert driver.texts()[-2:] == ["Skipping pelvic tilt.", "Exercise 2 of 5: Knee to chest."]


# ------------------------------------------------- the wording


def test_sides_are_said_as_a_person_would_once_per_change():
    text = whole_session().texts()
    assert not [line for line in text if "one side" in line.replace("one side and then the other", "") or "side side" in line]
    assert "While contracting your abdominal muscles, rotate your knees to your left." in text
    assert "Contract your abdominal muscles, and rotate your knees to your right." in text
    sides = re.compile(r"\b(left|right)\b")
    for before, after in zip(text, text[1:]):
        named = sides.search(before), sides.search(after)
        assert not (named[0] and named[1] and named[0].group(1) == named[1].group(1)), (before, after)
    assert not [line for line in text if line.startswith(("Now your", "Now to the", "Now the"))]


def test_only_a_sets_first_repetition_says_how_long_to_hold():
    text = whole_session().texts()
    holds = [line for line in text if line.startswith("Hold")]
    assert len(holds) == 10 + 6 + 3 + 10 + 6 + 10
    assert len([line for line in holds if line != "Hold."]) == 1 + 2 + 1 + 2 + 2 + 1
    first = text.index("Hold for 5 seconds.")
    assert text[first - 1] == TILT_FULL and "Hold for 5 seconds." not in text[first + 1 : text.index("That's 10 of 10.")]


def test_well_done_is_said_once_at_the_end():
    text = whole_session().texts()
    ending = text[len(text) - text[::-1].index("That's 10 of 10.") :]  # after the bridge's last count
    assert ending[0] == "Well done. That's the whole routine."
    assert sum("Well done" in line for line in ending) == 1
    assert "That's bridge finished." not in text


def test_no_after_a_pain_report_answers_the_question_asked():
    driver = started()
    driver.run_until(in_hold)
    driver.say_text("it hurts")
    driver.settle()
    assert driver.said[-1].text == "Do you also feel any weakness, tingling or numbness?"
    driver.say_text("no")
    answer = driver.said[-1].text
    assert answer.startswith("Okay, no other symptoms.") and not answer.startswith("Good")


def test_the_pelvic_tilt_form_check_is_offered_once_and_nothing_else_is_promised():
    driver = Driver.new().begin()
    driver.settle()
    driver.say_text("how do I check my form")
    assert "form tips with each exercise" not in driver.said[-1].text
    text = whole_session().texts()
    assert not [line for line in text if "form tips" in line]
    tips = [i for i, line in enumerate(text) if "pinky finger on your hip bone" in line]
    assert len(tips) == 1 and tips[0] < text.index("Hold for 5 seconds.")
    assert "the space between your pinky and thumb should get smaller" in text[tips[0] + 1]


def welcome(returning: bool) -> list[str]:
    driver = Driver(Coach(load_routine(), returning=returning), FakeClock()).begin()
    driver.settle()
    return driver.texts()


def test_a_returning_user_gets_a_short_welcome_and_the_disclaimer():
    first, again = welcome(False), welcome(True)
    assert any("doctor's approval" in line for line in again)
    assert again[0] == "Welcome back." and "Say help at any time" in " ".join(again)
    assert again[-1] == first[-1] == "When you're ready, say let's begin."
    assert len(" ".join(again).split()) < len(" ".join(first).split()) * 0.65


def test_the_session_knows_a_returning_user(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VOICEGUIDE_CONFIG_DIR", str(tmp_path / "config"))
    session = prepare_session(None, None, notice=lambda message: None)
    assert session.coach.returning is False
    session.journal.record(Record("session_start", 1000.0, {}))
    session.journal.record(Record("exercise_start", 1010.0, {"exercise": "pelvic_tilt"}))  # a session with something done
    session.close()
    again = prepare_session(None, None, notice=lambda message: None)
    assert again.coach.returning is True
    again.close()


def test_pain_before_the_session_starts_offers_no_skip():
    driver = Driver.new().begin()
    driver.settle()
    driver.say_text("it hurts")
    driver.settle()
    assert "exercise" not in driver.kinds("pain")[0].data  # no exercise had begun
    driver.say_text("no")
    assert "skip" not in driver.said[-1].text and "say resume" in driver.said[-1].text
    driver.say_text("skip")
    assert driver.said[-1].text.startswith("We haven't started yet.") and not driver.kinds("exercise_skipped")
    driver.say_text("resume")
    driver.settle()
    assert driver.said[-1].text == "When you're ready, say let's begin." and driver.coach.mode is Mode.READY


# ----------------------------------------------- the countdown


def hold_counts(driver: Driver, hold_line: str, after: str) -> list[str]:
    """What is said from a hold's line up to the line after the hold."""
    text = driver.texts()
    start = text.index(hold_line)
    return text[start + 1 : text.index(after, start)]


def test_a_short_hold_counts_every_second_from_its_length():
    driver = started()
    driver.run_until(saying("That's 1 of 10."))
    assert hold_counts(driver, "Hold for 5 seconds.", "Relax.") == ["5", "4", "3", "2", "1"]
    driver = started()
    driver.settle()
    driver.say_text("next")  # knee to chest: 10 s holds
    driver.run_until(saying("Lower your leg."))
    assert hold_counts(driver, "Hold for 10 seconds.", "Lower your leg.") == [str(n) for n in range(10, 0, -1)]


def test_a_long_hold_says_halfway_and_counts_its_last_five_seconds():
    driver = started()
    for _ in range(3):
        driver.settle()
        driver.say_text("next")  # to the hamstring stretch: 15 s holds
    driver.run_until(saying("Lower your leg."))
    assert hold_counts(driver, "Hold for 15 seconds.", "Lower your leg.") == ["Halfway.", "5", "4", "3", "2", "1"]


def test_each_count_starts_its_second():
    driver = started()
    driver.run_until(saying("Hold for 5 seconds."))
    mark = len(driver.said)
    driver.step()  # the hold's line ends: its seconds start
    start = driver.clock.now
    times = {}
    while driver.said[-1].text != "Relax.":
        before = len(driver.said)
        driver.step()
        for say in driver.said[before:]:
            times[say.text] = driver.clock.now - start
    for say in driver.said[mark:]:
        times.setdefault(say.text, 0.0)
    assert [round(times[str(n)]) for n in (5, 4, 3, 2, 1)] == [0, 1, 2, 3, 4]
    assert round(times["Relax."]) == 5


# --------------------------------------- what the summary says


def test_a_partly_done_exercise_is_in_the_summary_with_its_holds():
    driver = started()
    driver.run_until(saying("That's 6 of 10."))
    driver.say_text("end")
    summary = summary_of(driver)
    assert "no exercises" not in summary and "You did part of pelvic tilt: 6 of 10 holds." in summary
    assert driver.kinds("session_end")[0].data["partly_done"] == {"pelvic_tilt": [6, 10]}


def test_the_summary_names_what_was_skipped_and_where_pain_was_reported():
    driver = started()
    driver.settle()
    driver.say_text("skip")  # knee to chest
    driver.settle()
    driver.say_text("next")  # lower trunk rotation
    driver.run_until(in_hold)
    turn(driver, "it hurts")
    turn(driver, "no")
    driver.say_text("end")
    summary = summary_of(driver)
    assert "You did 1 of 5 exercises: pelvic tilt." in summary
    assert "You skipped knee to chest." in summary
    assert "You reported pain once, during lower trunk rotation." in summary


def test_reaching_the_end_with_an_exercise_skipped_is_not_the_whole_routine():
    driver = skipped_the_hamstring_stretch()
    finish_the_routine(driver)
    summary = summary_of(driver)
    assert "whole routine" not in summary and "That's the end of the routine." in summary
    assert "You did 4 of 5 exercises" in summary and "You skipped hamstring stretch." in summary
