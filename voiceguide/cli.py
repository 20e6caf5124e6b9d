"""The ``voiceguide`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import history_cli, settings_cli
from .bench import cli as bench_cli
from .recognizers import cli as recognizers_cli
from .recognizers.base import RecognizerError
from .recognizers.registry import CHOICES as ENGINE_CHOICES
from .grammar import Grammar
from .routine import LEVELS, RoutineError, load_routine
from .runner import Runner
from .session import prepare_session
from .text_mode import TextSpeaker, read_typed_lines


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="voiceguide", description="A hands-free voice coach for five back exercises.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    start = commands.add_parser("start", help="start a coached session")
    start.add_argument("--text", action="store_true", help="type instead of speaking; the coach's lines are printed")
    start.add_argument("--speed", type=_positive, default=1.0, help="run every wait this many times faster (demos, tests)")
    start.add_argument("--routine", type=Path, help="your own routine file (YAML)")
    start.add_argument("--level", choices=LEVELS, help="gentle, standard or full: picks within the routine's ranges")
    start.add_argument("--engine", choices=ENGINE_CHOICES, help="speech engine (default: the setting, else auto: whisper, vosk, pocketsphinx)")
    start.add_argument("--model", type=Path, help="a speech model folder (Whisper or vosk)")
    start.add_argument("--input-device", help="microphone: a number or part of a name (see `voiceguide devices`)")
    start.add_argument("--output-device", help="speaker: a number or part of a name")
    start.add_argument("--voice", help="the coach's voice (an espeak-ng voice such as en-us or en-gb+f3)")
    start.add_argument("--rate", type=int, help="speaking rate in words per minute (80 to 300)")
    start.add_argument("--require-audio", action="store_true", help="fail instead of falling back to text when a device is missing")
    start.add_argument("--show-heard", action="store_true", help="print each command heard (to standard error)")
    start.set_defaults(func=cmd_start)

    devices = commands.add_parser("devices", help="list microphones and speakers")
    devices.set_defaults(func=cmd_devices)

    routine = commands.add_parser("routine", help="check a routine file")
    routine_commands = routine.add_subparsers(dest="routine_command", metavar="ACTION", required=True)
    check = routine_commands.add_parser("check", help="validate a routine file")
    check.add_argument("file", type=Path)
    check.set_defaults(func=cmd_routine_check)
    recognizers_cli.add_commands(commands)
    history_cli.add_commands(commands)
    settings_cli.add_commands(commands)
    bench_cli.add_commands(commands)
    return parser


def cmd_start(args: argparse.Namespace) -> int:
    session = prepare_session(args.routine, args.level, _notice)
    try:
        if args.text:
            speaker = TextSpeaker(sys.stdout, speed=args.speed)
            runner = Runner(session.coach, speaker, session.journal, speed=args.speed, notice=_notice)
            read_typed_lines(sys.stdin, Grammar.load(), runner)
            runner.run()
            return 0
        from .hands_free import AudioOptions, run_hands_free

        settings = session.settings
        options = AudioOptions(
            engine=args.engine or settings.engine,
            model=args.model,
            configured_model=Path(settings.model_path) if settings.model_path else None,
            input_device=args.input_device or settings.input_device,
            output_device=args.output_device or settings.output_device,
            voice=args.voice or settings.voice,
            rate_wpm=args.rate or settings.speech_rate,
            require_audio=args.require_audio,
            show_heard=args.show_heard,
        )
        return run_hands_free(session, options, args.speed, _caption, _notice, sys.stdin)
    finally:
        session.close()


def cmd_devices(args: argparse.Namespace) -> int:
    from .audio import AudioError, list_devices

    try:
        devices = list_devices()
    except AudioError as error:
        _notice(str(error))
        return 2
    if not devices:
        print("No audio devices found. Check that a microphone and a speaker are connected (and PulseAudio or PipeWire runs).")
        return 1
    for device in devices:
        roles = [role for role, yes in (("input", device.is_input), ("output", device.is_output)) if yes]
        default = [f"default {role}" for role, yes in (("input", device.is_default_input), ("output", device.is_default_output)) if yes]
        print(f"{device.index:3}  {device.name}  ({', '.join(roles)}{'; ' + ', '.join(default) if default else ''})")
    return 0


def _caption(text: str) -> None:
    try:
        print(text, flush=True)
    except (BrokenPipeError, ValueError):
        pass


def cmd_routine_check(args: argparse.Namespace) -> int:
    routine = load_routine(args.file)
    reps = sum(s.reps.default * max(1, len(s.sides)) for e in routine.exercises for s in e.sets)
    print(f"{args.file}: OK, {len(routine.exercises)} exercises ({', '.join(e.name for e in routine.exercises)}), {reps} repetitions at the standard level.")
    return 0


def _notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except (RoutineError, RecognizerError) as error:
        print(f"voiceguide: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
