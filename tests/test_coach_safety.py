"""Stop, pain, symptoms and speech the coach cannot place: cut at once, advice, never going on alone; what is written down.

The pure coach, driven with a fake clock (tests/support/driver.py); no audio.
"""

from __future__ import annotations

import pytest

from tests.support.coaching import (
    EXERCISE_LINES,
    at_hold,
    hold_said,
    in_hold,
    started,
    state_pain,
    state_pain_answered,
    state_stopped,
    turn,
)
from tests.support.driver import Driver
from voiceguide.coach import CoachSettings, Halt, Mode, Question
from voiceguide.events import CancelTimer, CutSpeech, EndSession
from voiceguide.history import History, SessionJournal


TILT_FULL = "As you breathe out, contract your abdominal muscles, push your belly button toward the floor, and flatten your low back."


# ----------- stop, pain and the unclear (docs/architecture.md)


@pytest.mark.parametrize("words", ["stop", "it hurts"])
def test_stop_and_pain_mid_hold_cut_at_once_and_never_resume_alone(words):
    driver = at_hold(rep=3, exercise=1)
    driver.step()
    assert driver.timer is not None
    actions = driver.say_text(words)
    assert actions[:2] == [CutSpeech(), CancelTimer()]
    assert driver.timer is None and driver.coach.mode is Mode.HALTED
    driver.settle()
    safety = " ".join(driver.texts()[-3:])
    if words == "stop":
        assert "Are you in pain?" in safety
        driver.say_text("yes")
        driver.settle()
        safety = " ".join(driver.texts()[-3:])
    assert "Stop now, and relax gently." in safety and "spine professional" in safety
    assert "weakness, tingling or numbness" in safety
    mark = len(driver.said)
    driver.clock.now += 24 * 3600
    assert not driver.step()
    for intent in ("Next", "Start", "Previous", "Yes", "Okay", "Pause"):
        # "yes" to the symptom question brings the offer to end; "okay" then takes it.
        ends = driver.coach.question is Question.END_OFFER and intent in ("Yes", "Okay")
        driver.hear(intent)
        driver.settle()
        assert driver.coach.mode is (Mode.ENDED if ends else Mode.HALTED), intent
        if ends:
            break
    assert not [say for say in driver.said[mark:] if say.kind in EXERCISE_LINES]
    assert driver.ended == EndSession(completed=False)


def test_a_pain_report_is_recorded_with_where_and_words():
    driver = at_hold(rep=2, exercise=1)
    driver.say_text("my back hurts")
    pain = driver.kinds("pain")[0]
    assert pain.data["exercise"] == "knee_to_chest" and pain.data["side"] == "right" and pain.data["rep"] == 2
    assert pain.data["words"] == "my back hurts"
    assert pain.at == driver.clock.now


def test_after_pain_resume_starts_the_repetition_again_gently():
    driver = state_pain_answered()
    mark = len(driver.said)
    driver.hear("Resume")
    driver.run_until(hold_said)
    assert driver.texts(mark) == [
        "Okay, let's carry on gently. Stop at once if it hurts again.",
        "As you breathe out, contract your abdominal muscles, push your belly button toward the floor, and flatten your low back.",
        "Hold for 5 seconds.",
    ]


def test_after_pain_skip_waits_before_the_next_exercise():
    driver = state_pain_answered()
    driver.hear("Skip")
    driver.settle()
    assert driver.coach.mode is Mode.WAITING and "Next is knee to chest" in driver.said[-1].text


def test_symptoms_get_the_spine_professional_advice_and_are_recorded():
    driver = at_hold()
    driver.say_text("my leg is numb")
    driver.settle()
    assert "contact your spine professional immediately" in " ".join(driver.texts()[-3:])
    assert driver.kinds("symptom")[0].data["words"] == "my leg is numb"
    driver = state_pain()
    driver.hear("Yes", "yes")
    assert "spine professional" in driver.said[-1].text
    assert len(driver.kinds("symptom")) == 1


def test_stop_then_no_pain_then_continue():
    driver = state_stopped()
    driver.say_text("no")
    driver.settle()
    assert "Say continue" in driver.said[-1].text
    driver.say_text("continue")
    driver.run_until(in_hold)
    assert driver.coach.mode is Mode.RUNNING


def test_unclear_speech_pauses_the_count_and_asks():
    driver = at_hold(rep=2)
    actions = driver.unclear("mmm aah")
    assert isinstance(actions[0], CutSpeech) and driver.timer is None
    assert "Is everything all right?" in driver.said[-1].text
    driver.hear("No")
    assert driver.coach.halt is Halt.PAIN
    driver = at_hold(rep=2)
    driver.unclear()
    driver.hear("Yes")
    driver.run_until(in_hold)
    assert driver.coach.step.where.rep == 2


@pytest.mark.parametrize("words", ["okay i'm doing it", "alright then"])
def test_an_acknowledgement_mid_hold_lets_the_count_go_on(words):
    """Only speech no intent matches pauses the count: a nod in words is understood, and let pass."""
    driver = at_hold(rep=2)
    assert driver.say_text(words) == []
    assert driver.coach.mode is Mode.RUNNING and driver.timer is not None


def test_unclear_speech_can_be_ignored_by_setting():
    driver = Driver.new(settings=CoachSettings(pause_on_unclear=False)).begin()
    driver.settle()
    driver.hear("Start")
    driver.run_until(in_hold)
    assert not driver.unclear()
    assert driver.coach.mode is Mode.RUNNING and driver.timer is not None


@pytest.mark.parametrize("what", ["microphone", "speaker"])
def test_a_lost_device_pauses_the_count(what):
    from voiceguide.events import DeviceLost

    driver = at_hold(rep=2)
    driver.handle(DeviceLost(what, "gone"))
    assert driver.coach.mode is Mode.HALTED and driver.timer is None
    assert driver.said[-1].kind == "safety" and driver.kinds("device_lost")[0].data["what"] == what
    driver.hear("Resume")
    driver.run_until(in_hold)
    assert driver.coach.step.where.rep == 2


# ---------------------------------------------------- symptoms


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


def test_pain_and_a_symptom_in_one_breath_get_the_symptoms_advice_not_a_question_about_it():
    driver = started()
    driver.run_until(in_hold)
    said = " ".join(turn(driver, "ow it hurts and my leg is tingling"))
    assert "Tingling" in said and "spine professional" in said
    assert "Do you also feel" not in said and driver.coach.question is Question.END_OFFER
    assert driver.kinds("symptom") and not driver.kinds("pain")


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


# --------------------------------------------- the pain record


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
