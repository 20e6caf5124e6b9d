"""The conversation a person on the floor hears: counts, summaries, resume offers and wording.

The pure coach, driven with a fake clock (see driver.py); resume offers go
through the real history (SQLite in a temporary folder) as between two runs.
"""

from __future__ import annotations

import re

import pytest
from tests.support.driver import Driver, FakeClock

from voiceguide.coach import Coach, CoachSettings, Mode
from voiceguide.events import Record
from voiceguide.history import History, SessionJournal
from voiceguide.coach.plan import StepKind
from voiceguide.routine import load_routine
from voiceguide.session import prepare_session, resume_offer

PROGRESS = re.compile(r"^That's (\d+) of (\d+)")
TILT_FULL = "As you breathe out, contract your abdominal muscles, push your belly button toward the floor, and flatten your low back."


def started(**kwargs) -> Driver:
    driver = Driver.new(**kwargs).begin()
    driver.settle()
    driver.hear("Start")
    return driver


def in_hold(driver: Driver) -> bool:
    return driver.coach.step.kind is StepKind.HOLD and driver.coach.state.hold.counting


def saying(text: str):
    return lambda d: bool(d.speaking) and d.speaking[-1].text == text


def counts(driver: Driver) -> list[int]:
    return [int(m.group(1)) for say in driver.said if (m := PROGRESS.match(say.text))]


def whole_session(**kwargs) -> Driver:
    driver = started(**kwargs)
    for _ in range(4):
        driver.settle()
        driver.hear("Next")
    driver.settle()
    return driver


# ------------------------------------------------------- counting and position


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
    driver.step()  # "4"
    interruption(driver)
    driver.run_until(in_hold)
    assert driver.coach.step.where.rep == 2 and driver.said[-1].text == "Hold for 5 seconds."
    driver.run_until(saying("That's 3 of 10."))
    assert counts(driver) == [1, 2, 3]
    assert [r.data["rep"] for r in driver.kinds("rep_done")] == [1, 2, 3]


def test_repeat_after_a_count_says_the_next_repetition_in_full():
    driver = started()
    driver.run_until(saying("That's 2 of 10."))
    mark = len(driver.said)
    driver.say_text("repeat")
    driver.run_until(in_hold)
    assert driver.texts(mark) == [TILT_FULL, "Hold for 5 seconds."]
    assert driver.coach.step.where.rep == 3


def test_after_pain_the_repetition_starts_again_in_full():
    driver = started()
    driver.run_until(lambda d: in_hold(d) and d.coach.step.where.rep == 4)
    pain_no_resume(driver)
    driver.run_until(in_hold)
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


# ------------------------------------------------------------ resume offers


def next_start(tmp_path, driver: Driver, interrupted: bool = True) -> Driver:
    """The records of ``driver``'s session in a history file, and the next session's coach offering."""
    history = History.open(tmp_path / "history.sqlite3")
    journal = SessionJournal(history, driver.coach.routine.name)
    for record in driver.records:
        journal.record(record)
    if interrupted:
        journal.record(Record("interrupted", driver.clock.now, {"reason": "end of input"}))
    offer = resume_offer(history.unfinished_session(), driver.coach.routine)
    history.close()
    following = Driver.new(resume_offer=offer).begin()
    following.settle()
    return following


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


# ------------------------------------------------------------- the wording


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
    driver = Driver(Coach(load_routine(), FakeClock(), returning=returning), FakeClock()).begin()
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
