"""Properties that hold for any sequence of what the user says and when."""

from __future__ import annotations

import re
from importlib import resources

import yaml
from tests.support.coaching import EXERCISE_LINES, INTENTS, moves, play
from tests.support.driver import Driver, FakeClock
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from voiceguide.coach import Coach, CoachSettings, Halt, Mode, Question, ResumeOffer
from voiceguide.events import CancelTimer, CutSpeech, Record, Say, SetTimer
from voiceguide.history import History, SessionJournal
from voiceguide.coach.plan import StepKind, Where
from voiceguide.routine import Routine, load_routine, parse_routine
from voiceguide.session import resume_offer

LEAVES_PAIN = {"Resume", "Skip"}


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
        ends = accepts_the_end_offer(driver, move)
        mark = len(driver.actions)
        play(driver, [move])
        new = driver.actions[mark:]
        assert not [a for a in new if isinstance(a, Say) and a.kind in EXERCISE_LINES], move
        assert not [a for a in new if isinstance(a, SetTimer)], move
        assert driver.coach.mode is (Mode.ENDED if ends else Mode.HALTED)
        if ends:
            break


def accepts_the_end_offer(driver: Driver, move) -> bool:
    """After a symptom the coach offers to end: a yes (or okay) ends the session."""
    return driver.coach.question is Question.END_OFFER and move in (("hear", "Yes"), ("hear", "Okay"))


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


# ------------------------------------------------- a conversation always right

PROGRESS = re.compile(r"^That's (\d+) of \d+")
LEAVES_PAIN_OR_ENDS = {"Resume", "Skip", "Quit"}


def short_routine() -> Routine:
    """The packaged routine with two repetitions of everything: exercises finish within a random session."""
    data = yaml.safe_load(resources.files("voiceguide.routines").joinpath("back.yaml").read_text())
    for exercise in data["exercises"]:
        for part in exercise["sets"]:
            part["reps"], part["hold"] = 2, 2
    return parse_routine(yaml.safe_dump(data), "short.yaml")


ROUTINES = {"the packaged routine": load_routine(), "two repetitions each": short_routine()}

# A turn: some time passes (lines end, timers fire), then the user says something, or
# waits until the coach waits for them ("settle"). Turns keep exercises going far enough
# to be counted, finished, skipped and hurt in.
turns = st.tuples(
    st.integers(min_value=0, max_value=150),
    st.sampled_from([("hear", intent) for intent in INTENTS] + [("unclear", ""), ("settle", 0)]),
)
BEGINNING = [("settle", 0), ("hear", "Start")]


class Observer:
    """Checks, move by move, what the person on the floor hears and what is written down."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.last_count = 0
        self.repeat_asked = False

    def move(self, move: tuple[str, object]) -> None:
        driver = self.driver
        in_pain = driver.coach.mode is Mode.HALTED and driver.coach.halt is Halt.PAIN
        ends = accepts_the_end_offer(driver, move)
        mark = len(driver.actions)
        if move[0] == "settle":
            driver.settle()
        else:
            play(driver, [move])
        if move == ("hear", "Repeat"):
            self.repeat_asked = True
        new = driver.actions[mark:]
        for action in new:
            if isinstance(action, Say):
                self.heard(action.text)
        if driver.coach.state.needs_professional:  # after a symptom: the offer to end, never to carry on
            invites = [a.text for a in new if isinstance(a, Say) and ("resume" in a.text or "carry on" in a.text)]
            assert not invites, (move, invites)
        if in_pain and not ends and not (move[0] == "hear" and move[1] in LEAVES_PAIN_OR_ENDS):
            assert not [a for a in new if isinstance(a, Record) and a.kind == "rep_done"], move
            assert not [a for a in new if isinstance(a, Say) and a.kind in EXERCISE_LINES], move
            assert not [a for a in new if isinstance(a, SetTimer)], move
            assert driver.coach.mode is Mode.HALTED and driver.coach.halt is Halt.PAIN

    def heard(self, text: str) -> None:
        """A set's announced repetitions go up by one; only an explicit "repeat" may say one again."""
        if text.startswith("We'll do this"):
            self.last_count, self.repeat_asked = 0, False
            return
        counted = PROGRESS.match(text)
        if counted:
            number = int(counted.group(1))
            allowed = {self.last_count + 1} | ({self.last_count} if self.repeat_asked else set())
            assert number in allowed, f"announced {number} after {self.last_count}"
            self.last_count, self.repeat_asked = number, False


def completed_exercises(driver: Driver) -> list[str]:
    """The exercises whose last repetition was done (the plan's last rep_done of each)."""
    coach = driver.coach
    last_reps = {step.where.exercise: step.where for step in coach.plan if step.kind is StepKind.REP_DONE}
    done = []
    for record in driver.kinds("rep_done"):
        where = Where(record.data["exercise_index"], record.data["set"], record.data["rep"], record.data["side"])
        name = coach.routine.exercises[where.exercise].id
        if last_reps[where.exercise] == where and name not in done:
            done.append(name)
    return done


def summary_lines(driver: Driver) -> list[str]:
    return [say.text for say in driver.said if say.kind == "summary"]


def names_in(text: str) -> set[str]:
    """"a", "a and b", "a, b and c" as a set of names."""
    return set(re.split(r", | and ", text))


def summary_names(driver: Driver) -> set[str]:
    """The exercises the summary says were done."""
    line = next((text for text in summary_lines(driver) if " exercises: " in text), None)
    return names_in(line.split(" exercises: ", 1)[1].rstrip(".")) if line else set()


def summary_partly(driver: Driver) -> dict[str, tuple[int, int]]:
    """The exercises the summary says were partly done: name → (holds done, holds in all)."""
    line = next((text for text in summary_lines(driver) if text.startswith("You did part of ")), None)
    if line is None:
        return {}
    parts = line[len("You did part of "):].rstrip(".").split("; and part of ")
    found = {}
    for part in parts:
        name, holds = part.split(": ")
        held, in_all = re.fullmatch(r"(\d+) of (\d+) holds", holds).groups()
        found[name] = (int(held), int(in_all))
    return found


def summary_skipped(driver: Driver) -> set[str]:
    line = next((text for text in summary_lines(driver) if text.startswith("You skipped ")), None)
    return names_in(line[len("You skipped "):].rstrip(".")) if line else set()


def holds_done(driver: Driver) -> dict[str, int]:
    """Exercise id → the distinct holds its rep_done records say were done."""
    places: dict[str, set] = {}
    for record in driver.kinds("rep_done"):
        data = record.data
        places.setdefault(data["exercise"], set()).add((data["set"], data["rep"], data["side"]))
    return {name: len(held) for name, held in places.items()}


def skipped_not_begun_again(records: list[Record]) -> set[str]:
    last: dict[tuple[str, str], int] = {}
    for number, record in enumerate(records):
        if record.kind in ("exercise_skipped", "exercise_start") and "exercise" in record.data:
            last[(record.kind, record.data["exercise"])] = number
    return {name for (kind, name), at in last.items() if kind == "exercise_skipped" and at > last.get(("exercise_start", name), -1)}


def offer_after(driver: Driver, routine: Routine) -> ResumeOffer | None:
    """What a real (in-memory) history offers back after this session's records."""
    history = History.open(":memory:")
    journal = SessionJournal(history, routine.name)
    for record in driver.records:
        journal.record(record)
    offer = resume_offer(history.unfinished_session(), routine)
    history.close()
    return offer


def next_start_offer(driver: Driver, routine: Routine) -> str | None:
    """The next session's resume offer, from this session's records written to a real (in-memory) history."""
    offer = offer_after(driver, routine)
    if offer is None:
        return None
    following = Driver(Coach(routine, resume_offer=offer), FakeClock()).begin()
    following.settle()
    return next(say.text for say in following.said if "Do you want to" in say.text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(sorted(ROUTINES)), st.booleans(), st.lists(turns, min_size=1, max_size=40), st.booleans())
def test_a_conversation_is_always_right(routine_name, begins, sequence, input_ends):
    """Any sequence of what the user says and of time passing, ended by "end" or by the end of input."""
    routine = ROUTINES[routine_name]
    driver = Driver.new(routine).begin()
    observer = Observer(driver)
    moves = (BEGINNING if begins else []) + [move for steps, said in sequence for move in (("time", steps), said)]
    for move in moves:
        if driver.ended is not None:
            break
        observer.move(move)
    if driver.ended is None:
        if input_ends:  # Ctrl-D or Ctrl-C: the runner writes this and the session stops
            driver.records.append(Record("interrupted", driver.clock.now, {"reason": "end of input"}))
        else:
            observer.move(("hear", "Quit"))

    done = completed_exercises(driver)
    if driver.ended is not None:
        name_of = {exercise.id: exercise.name.lower() for exercise in routine.exercises}
        assert summary_names(driver) == {name_of[name] for name in done}
        assert driver.kinds("session_end")[0].data["exercises_done"] == done
        # Partly done: begun, with holds done, not finished; with the holds counted right.
        in_all = {name: 0 for name in name_of}
        for step in driver.coach.plan:
            if step.kind is StepKind.REP_DONE:
                in_all[routine.exercises[step.where.exercise].id] += 1
        held = holds_done(driver)
        partly = {name_of[name]: (count, in_all[name]) for name, count in held.items() if name not in done}
        assert summary_partly(driver) == partly
        skipped = {name for record in driver.kinds("exercise_skipped") if (name := record.data.get("exercise"))}
        assert summary_skipped(driver) == {name_of[name] for name in skipped if name not in done and name not in held}
        whole = len(done) == len(routine.exercises)
        assert summary_lines(driver)[0].startswith("Well done. That's the whole routine.") is whole

    if driver.ended is not None and driver.ended.completed:
        return
    offer = next_start_offer(driver, routine)
    if offer is None:
        return
    asked = offer.split("Do you want to", 1)[1]
    offered = next(e for e in routine.exercises if e.name.lower() in asked)
    assert offered.id not in skipped_not_begun_again(driver.records), offer
    painful: dict[str, bool] = {}  # exercise → pain reported there and not finished since
    for record in driver.records:
        name = record.data.get("exercise")
        if record.kind in ("pain", "symptom") and name:
            painful[name] = True
        elif record.kind == "exercise_done" and name in painful:
            painful[name] = False
    still = {name for name, hurts in painful.items() if hurts}
    if still:
        assert "reported pain during" in offer and offered.id not in still, offer
    else:
        assert "reported pain" not in offer, offer


# ------------------------------------------------- the pace and the hold under way

pace_moves = st.lists(
    st.one_of(st.sampled_from([("hear", "Slower"), ("hear", "Faster")]), st.integers(1, 8).map(lambda n: ("time", n))),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 4), st.sampled_from(["gentle", "standard", "full"]), st.integers(0, 1), pace_moves)
def test_pace_changes_never_lengthen_the_hold_under_way(exercise, level, rep, moves):
    """However often the pace changes during a hold, it is never held longer than its line said."""
    driver = Driver(Coach(load_routine(), CoachSettings(level=level)), FakeClock()).begin()
    driver.settle()
    driver.hear("Start")
    for _ in range(exercise):
        driver.settle()
        driver.hear("Next")
    holds = 0
    while True:  # the hold's line of the (rep+1)th hold of the exercise
        driver.run_until(lambda d: d.coach.step.kind is StepKind.HOLD and d.speaking and d.speaking[-1].text.startswith("Hold"))
        if holds == rep:
            break
        holds += 1
        driver.run_until(lambda d: d.coach.step.kind is not StepKind.HOLD)
    said = driver.speaking[-1].text
    length = int(re.search(r"\d+", said).group()) if said != "Hold." else driver.coach.state.hold.length
    hold_step = driver.coach.state.cursor
    counted = 0

    def tick() -> bool:
        nonlocal counted
        if driver.coach.state.cursor != hold_step:
            return False
        if not driver.speaking and driver.timer is not None:
            counted += 1  # a second of the hold goes by
        return driver.step()

    for kind, value in moves:
        if driver.coach.state.cursor != hold_step:
            break
        if kind == "hear":
            driver.hear(value)
        else:
            for _ in range(value):
                if not tick():
                    break
    while tick():
        pass
    assert counted <= length, (said, counted)


# ------------------------------------------------- a session that continues another


def play_session(driver: Driver, moves, input_ends: bool) -> None:
    """Random turns, then the end: "end", or the end of input (the runner writes "interrupted")."""
    for move in moves:
        if driver.ended is not None:
            return
        if move[0] == "settle":
            driver.settle()
        else:
            play(driver, [move])
    if driver.ended is None:
        if input_ends:
            driver.records.append(Record("interrupted", driver.clock.now, {"reason": "end of input"}))
        else:
            play(driver, [("hear", "Quit")])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(turns, min_size=1, max_size=30), st.booleans(), st.lists(turns, max_size=30))
def test_a_resumed_session_counts_what_both_sessions_did(first_turns, input_ends, second_turns):
    """The summary of a session that took the offer to continue says what the two sessions did together."""
    routine = ROUTINES["two repetitions each"]
    first = Driver.new(routine).begin()
    play_session(first, BEGINNING + [move for steps, said in first_turns for move in (("time", steps), said)], input_ends)
    if first.ended is not None and first.ended.completed:
        return
    offer = offer_after(first, routine)
    if offer is None:
        return
    event("a session continued another")
    second = Driver(Coach(routine, resume_offer=offer), FakeClock()).begin()
    second.settle()
    second.hear("Yes")
    play_session(second, [move for steps, said in second_turns for move in (("time", steps), said)], input_ends=False)
    assert second.ended is not None

    name_of = {exercise.id: exercise.name.lower() for exercise in routine.exercises}
    done = set(completed_exercises(first)) | set(completed_exercises(second))
    assert summary_names(second) == {name_of[name] for name in done}
    held: dict[str, set] = {}
    for driver in (first, second):
        for record in driver.kinds("rep_done"):
            data = record.data
            held.setdefault(data["exercise"], set()).add((data["set"], data["rep"], data["side"]))
    in_all = {name: 0 for name in name_of}
    for step in second.coach.plan:
        if step.kind is StepKind.REP_DONE:
            in_all[routine.exercises[step.where.exercise].id] += 1
    assert summary_partly(second) == {name_of[n]: (len(h), in_all[n]) for n, h in held.items() if n not in done}
    skipped = {r.data["exercise"] for d in (first, second) for r in d.kinds("exercise_skipped") if "exercise" in r.data}
    assert summary_skipped(second) == {name_of[n] for n in skipped if n not in done and n not in held}
    assert summary_lines(second)[0].startswith("Well done. That's the whole routine.") is (len(done) == len(name_of))
