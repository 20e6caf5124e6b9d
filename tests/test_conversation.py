"""The conversation a person on the floor hears: counts, summaries, resume offers and wording.

The pure coach, driven with a fake clock (see driver.py); resume offers go
through the real history (SQLite in a temporary folder) as between two runs.
"""

from __future__ import annotations

import re

import pytest
from tests.support.driver import Driver, FakeClock

from voiceguide.coach import Coach, CoachSettings, Mode, ResumeOffer
from voiceguide.events import Record
from voiceguide.history import History, SessionJournal
from voiceguide.coach.plan import StepKind, Where
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


def hold_said(driver: Driver) -> bool:
    """A hold's line is being said: its seconds are counted when it ends."""
    return driver.coach.step.kind is StepKind.HOLD and bool(driver.speaking) and driver.speaking[-1].text.startswith("Hold")


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


# ------------------------------------------------------------ resume offers


def next_start(tmp_path, driver: Driver, interrupted: bool = True) -> Driver:
    """The records of ``driver``'s session in a history file, and the next session's coach offering."""
    tmp_path.mkdir(parents=True, exist_ok=True)
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


# ------------------------------------------------------------- the countdown


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


# ------------------------------------------------------------- the pace


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


# ------------------------------------------------------------- between exercises


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


# ------------------------------------------------------------- symptoms


def turn(driver: Driver, text: str) -> list[str]:
    """What the coach says in answer to ``text``, up to where it waits for the user."""
    mark = len(driver.said)
    driver.say_text(text)
    driver.settle()
    return driver.texts(mark)


@pytest.mark.parametrize(
    "words, named, not_named",
    [
        ("I feel dizzy", "dizzy", "numbness"),
        ("i'm lightheaded", "dizzy", "numbness"),
        ("I feel a bit queasy", "sick", "numbness"),
        ("my leg is numb", "Numbness", "tingling"),
        ("my foot is tingling", "Tingling", "numbness"),
        ("my legs are like jelly", "Weakness", "numbness"),
    ],
)
def test_each_symptom_gets_advice_that_names_it(words, named, not_named):
    driver = started()
    driver.run_until(in_hold)
    said = " ".join(turn(driver, words))
    assert named in said and not_named not in said.lower(), said
    assert "spine professional" in said
    assert driver.kinds("symptom")[0].data["words"] == words.lower()


def test_dizziness_means_lie_still_and_get_help_if_it_does_not_pass():
    driver = started()
    driver.run_until(in_hold)
    said = " ".join(turn(driver, "I feel dizzy"))
    assert "Stop now" in said and "lying down" in said and "keep still" in said and "does not pass, get help" in said
    assert driver.kinds("symptom")[0].data["symptoms"] == ["dizziness"]


def symptom_by_answer(driver: Driver) -> list[str]:
    turn(driver, "stop")
    turn(driver, "yes")  # in pain
    return turn(driver, "yes")  # weakness, tingling or numbness


def symptom_by_words(driver: Driver) -> list[str]:
    return turn(driver, "my leg is numb")


@pytest.mark.parametrize("report", [symptom_by_answer, symptom_by_words], ids=lambda f: f.__name__)
def test_after_a_symptom_the_coach_offers_to_end_and_never_invites_carrying_on(report):
    driver = started()
    driver.run_until(in_hold)
    said = report(driver)
    assert "spine professional immediately" in " ".join(said)
    assert not [line for line in said if "resume" in line or "carry on" in line or "skip" in line], said
    assert said[-1].endswith("Shall I end the session now? Say yes or no.")
    assert "start me again" in " ".join(said)  # how to go on another day
    hint = turn(driver, "next")
    assert not [line for line in hint if "resume" in line or "carry on" in line], hint
    assert driver.coach.mode is Mode.HALTED
    said = turn(driver, "yes")
    assert driver.ended is not None and driver.ended.completed is False
    assert "Okay, we'll end the session here." in said


def test_no_to_ending_after_a_symptom_rests_and_resume_needs_asking():
    driver = started()
    driver.run_until(in_hold)
    symptom_by_words(driver)
    said = turn(driver, "no")
    assert not [line for line in said if "resume" in line or "carry on" in line], said
    assert "end" in said[-1] and driver.coach.mode is Mode.HALTED and driver.ended is None
    driver.clock.now += 3600
    assert not driver.step()
    said = turn(driver, "resume")  # asked for explicitly: carries on gently
    assert said[:2] == ["Okay, let's carry on gently. Stop at once if it hurts again.", TILT_FULL]


def test_every_symptom_word_of_the_grammar_names_a_symptom():
    from voiceguide.coach.symptoms import symptoms_named
    from voiceguide.grammar import Grammar

    words = Grammar.load().safety_words["Symptom"]
    assert words and [word for word in words if not symptoms_named(word)] == []


# ------------------------------------------------------------- the pain record


def written_down(tmp_path, driver: Driver) -> History:
    history = History.open(tmp_path / "history.sqlite3")
    journal = SessionJournal(history, driver.coach.routine.name)
    for record in driver.records:
        journal.record(record)
    return history


def test_the_pain_record_keeps_the_words_and_the_answers_as_answers(tmp_path, monkeypatch):
    from rich.console import Console

    from voiceguide import history_cli
    from voiceguide.cli import build_parser

    driver = started()
    driver.run_until(in_hold)
    turn(driver, "stop")
    turn(driver, "yes")  # are you in pain?
    turn(driver, "yes")  # weakness, tingling or numbness?
    turn(driver, "no")  # shall I end the session now?
    driver.say_text("resume")
    driver.run_until(in_hold)
    turn(driver, "my back hurts")
    turn(driver, "no")  # no other symptoms
    history = written_down(tmp_path, driver)
    reports = history.pain_reports()
    assert [(r.kind, r.words, r.answer) for r in reports] == [("pain", "", "yes"), ("symptom", "", "yes"), ("pain", "my back hurts", "")]
    assert reports[0].question == "Are you in pain?" and "numbness" in reports[1].question
    answers = [e.data for e in history.events() if e.kind == "answer"]
    assert [(a["answer"], a["question"]) for a in answers] == [("no", "Shall I end the session now?"), ("no", "Do you also feel any weakness, tingling or numbness?")]
    history.close()
    monkeypatch.setenv("VOICEGUIDE_DATA_DIR", str(tmp_path))
    out = Console(file=__import__("io").StringIO(), width=200, color_system=None)
    assert history_cli.run_history(build_parser().parse_args(["history"]), console=out) == 0
    table = " ".join(out.file.getvalue().split())
    assert 'pain: answered "yes" (Pelvic tilt); symptom: answered "yes" (Pelvic tilt); "my back hurts" (Pelvic tilt)' in table


# ------------------------------------------------------------- a resumed exercise


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


# ------------------------------------------------------------- what the summary says


def summary_of(driver: Driver) -> str:
    return " ".join(say.text for say in driver.said if say.kind == "summary")


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


def finish_the_routine(driver: Driver) -> None:
    while driver.ended is None:
        driver.settle()
        if driver.ended is None:
            driver.say_text("next")


def skipped_the_hamstring_stretch() -> Driver:
    """A session that did three exercises and skipped the fourth in its first hold."""
    driver = started()
    for _ in range(3):
        driver.settle()
        driver.say_text("next")
    driver.run_until(in_hold)  # hamstring stretch
    driver.say_text("skip")
    return driver


def test_reaching_the_end_with_an_exercise_skipped_is_not_the_whole_routine():
    driver = skipped_the_hamstring_stretch()
    finish_the_routine(driver)
    summary = summary_of(driver)
    assert "whole routine" not in summary and "That's the end of the routine." in summary
    assert "You did 4 of 5 exercises" in summary and "You skipped hamstring stretch." in summary


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
