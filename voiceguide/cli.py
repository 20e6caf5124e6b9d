"""The ``voiceguide`` command.

Every problem a user can cause is one line, ``voiceguide: ...`` (see
:mod:`voiceguide.errors`): mistakes in the arguments as well as a bad routine
file, setting, voice or device.
"""

from __future__ import annotations

import argparse
import re
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__, history_cli, settings_cli
from .errors import EXIT_USAGE, UserError, print_error
from .grammar import Grammar
from .recognizers import cli as recognizers_cli
from .recognizers.base import RecognizerError
from .recognizers.registry import CHOICES as ENGINE_CHOICES
from .routine import LEVELS, RoutineError, load_routine
from .runner import Runner
from .session import prepare_session
from .settings import RATE_MAX, RATE_MIN, RATE_RULE, SettingsError, parse_speech_rate
from .text_mode import TextSpeaker, read_typed_lines

# argparse's own messages name the Python type that refused a value; say what is wanted instead.
_TYPE_WORDS = {"int": "a whole number", "float": "a number"}


class Parser(argparse.ArgumentParser):
    """argparse with the one error style: a single ``voiceguide: ...`` line that says what to do."""

    def error(self, message: str) -> NoReturn:
        print_error(f"{_plain(message)}; see `{self.prog} --help`.")
        raise SystemExit(EXIT_USAGE)


def _plain(message: str) -> str:
    """argparse's message without its internal words ("argument", a type function's name)."""
    invalid = re.search(r"invalid (\S+) value: (.+)$", message)
    if invalid:
        wanted = _TYPE_WORDS.get(invalid.group(1))
        problem = f"must be {wanted}, not {invalid.group(2)}" if wanted else f"{invalid.group(2)} is not a valid value"
        message = message[: invalid.start()] + problem
    argument = re.match(r"argument ([^:]+): (.*)$", message)
    if argument:
        name, rest = argument.groups()
        message = f"{name} {rest}" if rest.startswith("must ") else f"{name}: {rest}"
    return message


SPEED_MAX = 1000  # a whole routine in a few seconds; faster is no rehearsal of anything


def speed(text: str) -> float:
    """``--speed``: how many times faster every wait runs (above 0, at most SPEED_MAX)."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= SPEED_MAX:  # also refuses inf and nan
        raise argparse.ArgumentTypeError(f"must be a number above 0 and at most {SPEED_MAX}, such as 2 or 0.5, not {text!r}")
    return value


def rate(text: str) -> int:
    """``--rate``: the same bounds as the speech_rate setting."""
    try:
        return parse_speech_rate(text)
    except SettingsError:
        raise argparse.ArgumentTypeError(f"{RATE_RULE}, not {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="voiceguide", description="A hands-free voice coach for five back exercises.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_start(commands)
    devices = commands.add_parser("devices", help="list microphones and speakers")
    devices.set_defaults(func=cmd_devices)
    voices = commands.add_parser("voices", help="list the voices the coach can speak with (for --voice)")
    voices.set_defaults(func=cmd_voices)
    _add_routine(commands)
    recognizers_cli.add_commands(commands)
    history_cli.add_commands(commands)
    settings_cli.add_commands(commands)
    _fill_descriptions(parser)
    return parser


def _add_start(commands: argparse._SubParsersAction) -> None:
    start = commands.add_parser(
        "start", help="start a coached session",
        description="Start a coached session: hands-free with the microphone and speaker, or typed with --text.",
    )
    start.add_argument("--text", action="store_true", help="type instead of speaking; the coach's lines are printed")
    start.add_argument("--speed", type=speed, default=1.0, help=f"run every wait this many times faster, up to {SPEED_MAX} (demos, tests; such a session is marked sped up in the history and left out of its statistics)")
    start.add_argument("--routine", type=Path, metavar="FILE", help="your own routine file (YAML)")
    start.add_argument("--level", choices=LEVELS, help="gentle, standard or full: picks within the routine's ranges")
    start.add_argument("--engine", choices=ENGINE_CHOICES, help="speech engine (default: the setting, else auto: whisper, then vosk, then pocketsphinx)")
    start.add_argument("--model", type=Path, metavar="FOLDER", help="a speech model folder (Whisper or vosk)")
    start.add_argument("--input-device", metavar="DEVICE", help="microphone: a number or part of a name (see `voiceguide devices`)")
    start.add_argument("--output-device", metavar="DEVICE", help="speaker: a number or part of a name")
    start.add_argument("--voice", help="the coach's voice: joe (the natural voice, the default) or an espeak-ng voice such as en-gb (see `voiceguide voices`)")
    start.add_argument("--rate", type=rate, metavar="WPM", help=f"speaking rate in words per minute ({RATE_MIN} to {RATE_MAX})")
    start.add_argument("--require-audio", action="store_true", help="fail instead of falling back to text when a device is missing")
    start.add_argument("--show-heard", action="store_true", help="print each command heard (to standard error)")
    start.set_defaults(func=cmd_start)


def _add_routine(commands: argparse._SubParsersAction) -> None:
    routine = commands.add_parser(
        "routine", help="check a routine file",
        description="Work with routine files: `voiceguide routine check FILE` says whether a file can be used.",
    )
    routine_commands = routine.add_subparsers(dest="routine_command", metavar="ACTION", required=True)
    check = routine_commands.add_parser("check", help="check that a routine file can be used, or say what to fix")
    check.add_argument("file", type=Path, metavar="FILE", help="the routine file (YAML) to check")
    check.set_defaults(func=cmd_routine_check)


def _fill_descriptions(parser: argparse.ArgumentParser) -> None:
    """Every subcommand's --help opens with a description: its own, else its one-line help."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help for choice in action._choices_actions}
        for name, subparser in action.choices.items():
            summary = helps.get(name)
            if subparser.description is None and summary:
                subparser.description = f"{summary[0].upper()}{summary[1:]}."
            _fill_descriptions(subparser)


def cmd_start(args: argparse.Namespace) -> int:
    _check_start_options(args)
    session = prepare_session(args.routine, args.level, _notice, speed=args.speed)
    try:
        if args.text:
            speaker = TextSpeaker(sys.stdout, speed=args.speed)
            runner = Runner(session.coach, speaker, session.journal, speed=args.speed, notice=_notice)
            read_typed_lines(sys.stdin, session.understanding(Grammar.load(), _notice), runner)
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


def _check_start_options(args: argparse.Namespace) -> None:
    """A voice or device named on the command line must exist (the settings are checked when set).

    Text mode uses no sound device, so a device it would not open is not checked.
    """
    from .availability import check_setting

    keys = ("voice",) if args.text else ("voice", "input_device", "output_device")
    for key in keys:
        check_setting(key, getattr(args, key))


def cmd_devices(args: argparse.Namespace) -> int:
    from .audio import AudioError, list_devices

    try:
        devices = list_devices()
    except AudioError as error:
        raise UserError(str(error)) from None
    if not devices:
        raise UserError("no audio devices were found; check that a microphone and a speaker are connected (and PulseAudio or PipeWire runs).")
    for device in devices:
        roles = [role for role, yes in (("input", device.is_input), ("output", device.is_output)) if yes]
        default = [f"default {role}" for role, yes in (("input", device.is_default_input), ("output", device.is_default_output)) if yes]
        print(f"{device.index:3}  {device.name}  ({', '.join(roles)}{'; ' + ', '.join(default) if default else ''})")
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    from .audio import AudioError
    from .audio.voice_choice import all_voices

    try:
        voices = all_voices()
    except AudioError as error:
        raise UserError(str(error)) from None
    for number, (info, problem) in enumerate(voices):
        languages = ", ".join(info.languages)
        note = "  [default]" if number == 0 and problem is None else f"  [cannot be used: {problem}]" if problem else ""
        print(f"{info.id}  {info.name}{f'  ({languages})' if languages else ''}{note}")
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
        return EXIT_USAGE
    try:
        return args.func(args)
    except (UserError, RoutineError, RecognizerError, SettingsError) as error:
        print_error(str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`voiceguide voices | head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's own flush at exit must not fail
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
