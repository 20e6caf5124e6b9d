"""The ``voiceguide`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import history_cli, settings_cli
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
    start.set_defaults(func=cmd_start)

    routine = commands.add_parser("routine", help="check a routine file")
    routine_commands = routine.add_subparsers(dest="routine_command", metavar="ACTION", required=True)
    check = routine_commands.add_parser("check", help="validate a routine file")
    check.add_argument("file", type=Path)
    check.set_defaults(func=cmd_routine_check)
    history_cli.add_commands(commands)
    settings_cli.add_commands(commands)
    return parser


def cmd_start(args: argparse.Namespace) -> int:
    session = prepare_session(args.routine, args.level, _notice)
    try:
        speaker = TextSpeaker(sys.stdout, speed=args.speed)
        runner = Runner(session.coach, speaker, session.journal, speed=args.speed, notice=_notice)
        read_typed_lines(sys.stdin, Grammar.load(), runner)
        runner.run()
    finally:
        session.close()
    return 0


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
    except RoutineError as error:
        print(f"voiceguide: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
