"""The packaged routine is the seed's, and bad routine files get one clear sentence."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml

from voiceguide.routine import HOLD_SECONDS, REPETITIONS, RoutineError, load_routine, parse_routine


@pytest.fixture(scope="module")
def routine():
    return load_routine()


def test_five_exercises_in_the_seeds_order(routine):
    assert [e.name for e in routine.exercises] == [
        "Pelvic tilt",
        "Knee to chest",
        "Lower trunk rotation",
        "Hamstring stretch",
        "Bridge",
    ]


def test_purposes_come_from_the_seed(routine):
    purposes = {e.id: e.purpose for e in routine.exercises}
    assert "abdominal muscles" in purposes["pelvic_tilt"] and "low back" in purposes["pelvic_tilt"]
    assert "pressure on the nerves" in purposes["knee_to_chest"]
    assert "mobility" in purposes["lower_trunk_rotation"] and "flexibility" in purposes["lower_trunk_rotation"]
    assert "back of your leg" in purposes["hamstring_stretch"]
    assert "stabilize your spine" in purposes["bridge"]


def test_holds_reps_and_sides_keep_the_seeds_ranges(routine):
    by_id = {e.id: e for e in routine.exercises}
    tilt = by_id["pelvic_tilt"].sets[0]
    assert (tilt.reps.min, tilt.reps.max, tilt.hold.default) == (10, 10, 5)
    each_leg, both_legs = by_id["knee_to_chest"].sets
    assert each_leg.sides == ("right", "left") and not both_legs.sides
    for part in (each_leg, both_legs):
        assert (part.reps.min, part.reps.max) == (3, 5) and part.reps.min <= part.reps.default <= part.reps.max
        assert part.hold.default == 10
    rotation = by_id["lower_trunk_rotation"].sets[0]
    assert rotation.sides and (rotation.hold.min, rotation.hold.max) == (3, 5) and rotation.reps.max == 10
    hamstring = by_id["hamstring_stretch"].sets[0]
    assert hamstring.sides == ("right", "left") and hamstring.reps.default == 3
    assert (hamstring.hold.min, hamstring.hold.max) == (10, 20) and 10 <= hamstring.hold.default <= 20
    bridge = by_id["bridge"].sets[0]
    assert (bridge.hold.min, bridge.hold.max, bridge.reps.default) == (3, 5, 10)


def test_pelvic_tilt_form_check_is_the_seeds(routine):
    form = " ".join(routine.exercises[0].form).lower()
    for words in ("pinky", "hip bone", "thumb", "lowest rib", "smaller"):
        assert words in form


def test_every_exercise_has_form_cues_from_its_steps(routine):
    text = {e.id: " ".join(e.form).lower() for e in routine.exercises}
    assert "comfortable stretch" in text["knee_to_chest"]
    assert "abdominal" in text["lower_trunk_rotation"]
    assert "towel" in text["hamstring_stretch"] and "hands" in text["hamstring_stretch"]
    assert "glutes" in text["bridge"]


def test_safety_advice_is_the_seeds(routine):
    safety = routine.safety
    assert "doctor's approval" in safety.disclaimer
    for symptom in ("weakness", "tingling", "numbness"):
        assert symptom in safety.pain_advice
    assert "spine professional" in safety.pain_advice and "spine professional" in safety.symptom_advice
    assert "push too hard" in safety.do_not_push and "form and consistency" in safety.do_not_push
    assert "consistency" in safety.consistency


def packaged() -> dict:
    return yaml.safe_load(resources.files("voiceguide.routines").joinpath("back.yaml").read_text())


def broken(change) -> str:
    data = packaged()
    change(data)
    return yaml.safe_dump(data)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: d["exercises"][1]["sets"][0].pop("hold"), ["exercise 'knee_to_chest'", "set 1", "'hold'"]),
        (lambda d: d["exercises"][0]["sets"][0].update(reps={"min": 5, "max": 3, "default": 4}), ["exercise 'pelvic_tilt'", "'reps'", "min <= default <= max"]),
        (lambda d: d["exercises"][2].update(name=""), ["exercise 'lower_trunk_rotation'", "'name'"]),
        (lambda d: d["exercises"][3].pop("id"), ["exercise 4", "'id'"]),
        (lambda d: d["exercises"][4]["sets"][0].update(hold={"min": 3, "max": 5, "default": "five"}), ["exercise 'bridge'", "'hold.default'"]),
        (lambda d: d["exercises"][0].update(form=[]), ["exercise 'pelvic_tilt'", "'form'"]),
        (lambda d: d["exercises"][0]["sets"][0].update(steps=["Bring your {side} knee up."]), ["exercise 'pelvic_tilt'", "{side}"]),
        (lambda d: d["exercises"][1].update(id="pelvic_tilt"), ["'pelvic_tilt'", "more than one"]),
        (lambda d: d["safety"].update(pain_advice=""), ["safety", "'pain_advice'"]),
        (lambda d: d.update(exercises=[]), ["'exercises'"]),
        (lambda d: d["exercises"][0]["sets"][0].update(repetitions=3), ["exercise 'pelvic_tilt'", "'repetitions'"]),
    ],
)
def test_a_bad_routine_names_file_exercise_and_field(change, words):
    with pytest.raises(RoutineError) as raised:
        parse_routine(broken(change), "my-routine.yaml")
    message = str(raised.value)
    assert message.startswith("my-routine.yaml: ")
    for word in words:
        assert word in message
    assert "\n" not in message


@pytest.mark.parametrize("sides", [["up", "down"], ["right", "right"], ["left", "Right "], ["right"], "right"])
def test_sides_are_right_and_left(sides):
    with pytest.raises(RoutineError) as raised:
        parse_routine(broken(lambda d: d["exercises"][1]["sets"][0].update(sides=sides)), "my-routine.yaml")
    assert "exercise 'knee_to_chest', set 1: field 'sides' must be" in str(raised.value)
    assert "[right, left]" in str(raised.value)


def test_either_order_of_sides_is_a_routine():
    for sides in (["left", "right"], ["right", "left"]):
        routine = parse_routine(broken(lambda d: d["exercises"][1]["sets"][0].update(sides=sides)), "mine.yaml")
        assert routine.exercises[1].sets[0].sides == tuple(sides)


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "- a\n- b\n", "just words\n"])
def test_an_empty_or_shapeless_file_says_what_a_routine_is(text):
    with pytest.raises(RoutineError) as raised:
        parse_routine(text, "my-routine.yaml")
    message = str(raised.value)
    assert message.startswith("my-routine.yaml: ") and "the file:" not in message
    assert "name" in message and "exercises" in message and "back.yaml" in message


def test_a_folder_is_not_a_routine_file(tmp_path):
    with pytest.raises(RoutineError) as raised:
        load_routine(tmp_path)
    assert str(raised.value) == f"{tmp_path}: this is a folder; name a routine file (YAML) in it."


def test_not_yaml_says_where(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nexercises: [\n  - id: a\n    name: : :\n")
    with pytest.raises(RoutineError, match=r"bad.yaml: not valid YAML at line \d+"):
        load_routine(bad)


def test_missing_file_is_one_sentence(tmp_path):
    with pytest.raises(RoutineError, match="no such routine file"):
        load_routine(tmp_path / "nope.yaml")


def voiceguide(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("voiceguide")), *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)


@pytest.mark.subprocess
def test_routine_check_command(tmp_path):
    good = tmp_path / "mine.yaml"
    data = packaged()
    data["exercises"] = [data["exercises"][4], data["exercises"][0]]
    good.write_text(yaml.safe_dump(data))
    result = voiceguide("routine", "check", str(good))
    assert result.returncode == 0, result.stderr
    assert "2 exercises" in result.stdout and "Bridge, Pelvic tilt" in result.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text(broken(lambda d: d["exercises"][1]["sets"][0].pop("steps")))
    result = voiceguide("routine", "check", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "exercise 'knee_to_chest'" in result.stderr and "'steps'" in result.stderr


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: d["exercises"][1]["sets"][0].update(steps=["Bring your {sdie} knee toward your chest."]), ["exercise 'knee_to_chest', set 1", "'steps'", "{sdie}"]),
        (lambda d: d["exercises"][1]["sets"][0].update(cue="Knee up, {name}."), ["exercise 'knee_to_chest', set 1", "'cue'", "{name}"]),
        (lambda d: d["exercises"][0].update(purpose="To hold for {hold} seconds."), ["exercise 'pelvic_tilt'", "'purpose'", "{hold}"]),
        (lambda d: d["safety"].update(disclaimer="Ask your {doctor} first."), ["safety", "'disclaimer'", "{doctor}"]),
        (lambda d: d["exercises"][1]["sets"][1].update(release="Lower your {side} leg."), ["exercise 'knee_to_chest', set 2", "'release'", "{side}", "no 'sides'"]),
        (lambda d: d["exercises"][1]["sets"][0].update(intro="Start with your {side} leg."), ["exercise 'knee_to_chest', set 1", "'intro'", "{side}"]),
    ],
)
def test_an_unknown_placeholder_is_an_error_not_words_said_aloud(change, words):
    with pytest.raises(RoutineError) as raised:
        parse_routine(broken(change), "my-routine.yaml")
    for word in words:
        assert word in str(raised.value)


@pytest.mark.parametrize(
    "field, value, part",
    [
        ("hold", 5000, "hold"),  # a plain number is blamed as the field the file has, not a part it lacks
        ("hold", 0, "hold"),
        ("hold", {"min": 5, "max": 90, "default": 10}, "hold.max"),
        ("reps", 0, "reps"),
        ("reps", 100, "reps"),
        ("reps", {"min": 3, "max": 5, "default": 31}, "reps.default"),
    ],
)
def test_holds_and_repetitions_have_sane_bounds(field, value, part):
    with pytest.raises(RoutineError) as raised:
        parse_routine(broken(lambda d: d["exercises"][4]["sets"][0].update({field: value})), "my-routine.yaml")
    low, high = HOLD_SECONDS if field == "hold" else REPETITIONS
    unit = "seconds" if field == "hold" else "repetitions"
    assert f"'{part}' must be a whole number of {unit} from {low} to {high}" in str(raised.value)


def test_the_bounds_are_allowed_and_written_in_the_readme():
    routine = parse_routine(broken(lambda d: d["exercises"][4]["sets"][0].update(hold=HOLD_SECONDS[1], reps=REPETITIONS[1])), "mine.yaml")
    assert (routine.exercises[4].sets[0].hold.max, routine.exercises[4].sets[0].reps.max) == (HOLD_SECONDS[1], REPETITIONS[1])
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme[readme.index("### Your own routine") :]
    assert f"{HOLD_SECONDS[0]} to {HOLD_SECONDS[1]} seconds" in section
    assert f"{REPETITIONS[0]} to {REPETITIONS[1]} repetitions" in section


def test_a_routine_without_safety_gets_the_seeds_safety_texts():
    seed = load_routine().safety
    data = packaged()
    data.pop("safety")
    assert parse_routine(yaml.safe_dump(data), "mine.yaml").safety == seed
    data["safety"] = {"disclaimer": "Ask your physiotherapist, and get your doctor's approval before you start."}
    safety = parse_routine(yaml.safe_dump(data), "mine.yaml").safety
    assert safety.disclaimer.startswith("Ask your physiotherapist")
    assert (safety.pain_advice, safety.symptom_question) == (seed.pain_advice, seed.symptom_question)
