"""The coach, the pure dialogue state machine, with a fake clock and no audio."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tests.support.driver import Driver

from voiceguide.coach import CoachSettings, Halt, Mode, Question, ResumeOffer
from voiceguide.events import CancelTimer, CutSpeech, EndSession, Say
from voiceguide.coach.plan import StepKind, Where

ALL_INTENTS = [
    "Start", "Next", "Previous", "Repeat", "Pause", "Resume", "Skip", "Stop", "Quit", "Pain",
    "Symptom", "Form", "Why", "Status", "Slower", "Faster", "Help", "Yes", "No", "Okay",
]
EXERCISE_LINES = {"instruction", "count", "progress", "intro"}


def in_hold(driver: Driver) -> bool:
    return driver.coach.step.kind is StepKind.HOLD and driver.coach.state.hold.counting


def hold_said(driver: Driver) -> bool:
    """A hold's line is being said: its seconds are counted when it ends."""
    return driver.coach.step.kind is StepKind.HOLD and bool(driver.speaking) and driver.speaking[-1].text.startswith("Hold")


def started() -> Driver:
    driver = Driver.new().begin()
    driver.settle()
    driver.hear("Start")
    return driver


def at_hold(rep: int = 1, exercise: int = 0) -> Driver:
    driver = started()
    if exercise:
        for _ in range(exercise):
            driver.settle()
            driver.hear("Next")
    driver.run_until(lambda d: in_hold(d) and d.coach.step.where.rep == rep)
    return driver


# -------------------------------------------------------------- the states

def state_ready_speaking():
    return Driver.new().begin()


def state_ready():
    driver = Driver.new().begin()
    driver.settle()
    return driver


def state_running_instruction():
    driver = started()
    driver.run_until(lambda d: d.speaking and d.speaking[-1].kind == "instruction")
    return driver


def state_hold():
    return at_hold(rep=2)


def state_rest():
    driver = started()
    driver.run_until(lambda d: d.coach.step.kind is StepKind.REST and not d.speaking)
    return driver


def state_waiting():
    driver = started()
    driver.settle()
    return driver


def state_paused():
    driver = at_hold()
    driver.hear("Pause")
    driver.settle()
    return driver


def state_stopped():
    driver = at_hold()
    driver.hear("Stop")
    driver.settle()
    return driver


def state_pain():
    driver = at_hold()
    driver.hear("Pain", "it hurts")
    driver.settle()
    return driver


def state_pain_answered():
    driver = state_pain()
    driver.hear("No")
    driver.settle()
    return driver


def state_checking():
    driver = at_hold()
    driver.unclear()
    driver.settle()
    return driver


def state_last_exercise():
    return at_hold(rep=3, exercise=4)


STATES = {
    name[len("state_"):]: builder for name, builder in dict(globals()).items() if name.startswith("state_")
}


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("intent", ALL_INTENTS)
def test_every_intent_in_every_state_answers(state, intent):
    driver = STATES[state]()
    actions = driver.hear(intent)
    said = [a for a in actions if isinstance(a, Say)]
    acknowledgement = intent == "Okay" and driver.coach.mode is Mode.RUNNING and not said
    assert said or acknowledgement, f"silence after {intent} in {state}"
    if intent in ("Stop", "Pain", "Symptom"):
        assert isinstance(actions[0], CutSpeech) and isinstance(actions[1], CancelTimer)
    driver.settle()  # and nothing breaks afterwards


@pytest.mark.parametrize("state", sorted(STATES))
def test_unclear_speech_in_every_state_answers(state):
    driver = STATES[state]()
    running = driver.coach.mode is Mode.RUNNING
    actions = driver.unclear("the cat sat")
    assert any(isinstance(a, Say) for a in actions)
    if running:
        assert driver.coach.mode is Mode.HALTED and driver.coach.question is Question.ALL_RIGHT


def test_after_the_end_nothing_happens():
    driver = state_waiting()
    driver.hear("Quit")
    assert driver.ended == EndSession(completed=False)
    assert driver.hear("Next") == [] and driver.hear("Pain") == []


# -------------------------------------------------------- the session shape

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


# ------------------------------------------------------------ commands

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


# ------------------------------------- the scenarios of docs/architecture.md

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


def test_unclear_speech_can_be_ignored_by_setting():
    driver = Driver.new(settings=CoachSettings(pause_on_unclear=False)).begin()
    driver.settle()
    driver.hear("Start")
    driver.run_until(in_hold)
    assert not driver.unclear()
    assert driver.coach.mode is Mode.RUNNING and driver.timer is not None


def test_quit_ends_with_a_summary():
    driver = at_hold(rep=1, exercise=2)
    driver.hear("Quit")
    text = " ".join(driver.texts()[-5:])
    assert "we'll end the session here" in text and "2 of 5 exercises: pelvic tilt and knee to chest" in text
    assert driver.ended == EndSession(completed=False)


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


@pytest.mark.parametrize("what", ["microphone", "speaker"])
def test_a_lost_device_pauses_the_count(what):
    from voiceguide.events import DeviceLost

    driver = at_hold(rep=2)
    driver.apply(driver.coach.handle(DeviceLost(what, "gone")))
    assert driver.coach.mode is Mode.HALTED and driver.timer is None
    assert driver.said[-1].kind == "safety" and driver.kinds("device_lost")[0].data["what"] == what
    driver.hear("Resume")
    driver.run_until(in_hold)
    assert driver.coach.step.where.rep == 2


def test_the_coach_imports_no_audio_recognizer_or_voice():
    code = "import sys, voiceguide.coach; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    edges = ("voiceguide.audio", "voiceguide.recognizers", "sounddevice", "pyttsx3", "vosk", "pocketsphinx", "faster_whisper")
    assert [name for name in loaded if name.startswith(edges)] == []
