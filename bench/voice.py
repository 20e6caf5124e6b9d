"""The natural voice's numbers: Piper's load and render times, start to first spoken word, the stop cut while it renders.

``python -m bench.voice`` (add ``--trials N``). Render times are taken in
this process; the rest through the real audio path, as bench/latency.py
does: the `voiceguide` command on a private PulseAudio server. "Cold" is a
voice cache folder of its own, empty: the first start, when the lines are
rendered as they are needed and the worker prepares the rest at idle
priority. "Warm" is a folder holding every line known in advance.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from tests.support.coach_process import CoachProcess
from tests.support.pulse import PulseServer, environment

from .latency import cut_trial

SENTENCES = [
    "Relax.",
    "Hold for 5 seconds.",
    "Lie on your back with your knees bent and your feet flat on the floor.",
    "As you breathe out, contract your abdominal muscles, push your belly button toward the floor, and flatten your low back.",
]


def render_times(rounds: int) -> dict:
    """Load time, and each sentence's render time and real-time factor (one thread, as the session renders)."""
    from voiceguide.audio.piper_voice import PiperSynth, find_voice

    started = time.monotonic()
    synth = PiperSynth(find_voice(), threads=1)
    loaded = time.monotonic() - started
    rows = []
    for text in SENTENCES:
        times, duration = [], 0.0
        for _ in range(rounds):
            t = time.monotonic()
            duration = synth.render(text, 1.0).duration
            times.append(time.monotonic() - t)
        median = statistics.median(times)
        rows.append({"text": text, "audio_s": round(duration, 2), "render_s": round(median, 3), "rtf": round(median / duration, 3)})
    return {"load_s": round(loaded, 2), "sentences": rows}


def first_word(pulse: PulseServer, cache: Path) -> float:
    """Seconds from starting `voiceguide start` to its first line being heard."""
    with tempfile.TemporaryDirectory() as folder, environment({"VOICEGUIDE_CACHE_DIR": str(cache)}):
        coach = CoachProcess(pulse, Path(folder), "--speed", "4", engine="whisper")
        try:
            heard, _ = coach.expect("Hello", 60)
            return heard - coach.started
        finally:
            coach.kill()


def prepare(cache: Path) -> int:
    """Fill the voice cache under ``cache`` (as $VOICEGUIDE_CACHE_DIR) with every line known in advance,
    rendered here at normal priority (the worker takes as long as the CPU is otherwise busy); the number of lines."""
    from voiceguide.audio.natural_voice import NaturalVoice
    from voiceguide.coach import Coach, CoachSettings
    from voiceguide.folders import voice_cache_folder
    from voiceguide.coach.walk import spoken_lines
    from voiceguide.routine import load_routine

    lines = spoken_lines(Coach(load_routine(None), settings=CoachSettings()))
    with environment({"VOICEGUIDE_CACHE_DIR": str(cache)}):
        folder = voice_cache_folder()
    with NaturalVoice(rate_wpm=150, cache_folder=folder, threads=1) as voice:
        for text, rate in lines:
            voice.render(text, rate)
    return len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.voice", description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--skip-render", action="store_true", help="leave out the render times")
    parser.add_argument("--out", type=Path, default=None, help="write the results here (JSON)")
    args = parser.parse_args()
    results: dict = {"render": render_times(args.trials)} if not args.skip_render else {}
    print(json.dumps(results.get("render"), indent=1), flush=True)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as scratch:
        pulse = PulseServer.start()
        try:
            cold = [first_word(pulse, Path(scratch) / f"cold-{n}") for n in range(args.trials)]
            cuts = []
            for n in range(args.trials):  # "stop" while the worker renders and lines stream as they are needed
                with environment({"VOICEGUIDE_CACHE_DIR": str(Path(scratch) / f"cut-{n}")}):
                    cuts.append(cut_trial(pulse, "whisper", "stop", "Stopped.", rng))
        finally:
            pulse.stop()
        warm_cache = Path(scratch) / "warm"
        started = time.monotonic()
        results["lines prepared for the warm cache"] = prepare(warm_cache)
        results["preparing them, one thread, normal priority (s)"] = round(time.monotonic() - started, 1)
        pulse = PulseServer.start()
        try:
            warm = [first_word(pulse, warm_cache) for _ in range(args.trials)]
            with environment({"VOICEGUIDE_CACHE_DIR": str(warm_cache)}):
                warm_cuts = [cut_trial(pulse, "whisper", "stop", "Stopped.", rng) for _ in range(args.trials)]
        finally:
            pulse.stop()
    ms = [r["ms"] for r in cuts if r["ok"]]
    warm_ms = [r["ms"] for r in warm_cuts if r["ok"]]
    results.update({
        "first word, cold cache (s)": sorted(round(x, 2) for x in cold),
        "first word, warm cache (s)": sorted(round(x, 2) for x in warm),
        "stop cut while rendering (ms)": sorted(round(x) for x in ms),
        "stop cut while rendering, recognised": f"{len(ms)} of {len(cuts)}",
        "stop cut, warm cache (ms)": sorted(round(x) for x in warm_ms),
        "stop cut trials, cold then warm": cuts + warm_cuts,  # with why a trial was not recognised
    })
    for key in ("first word, cold cache (s)", "first word, warm cache (s)", "stop cut while rendering (ms)", "stop cut, warm cache (ms)"):
        values = results[key]
        print(f"{key}: median {statistics.median(values) if values else float('nan')}, all {values}", flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
