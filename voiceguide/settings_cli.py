"""``voiceguide config show`` and ``voiceguide config set KEY VALUE``."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .availability import check_setting
from .errors import EXIT_USAGE, print_error
from .settings import (
    ALLOWED,
    DEFAULTS,
    SettingsError,
    default_config_path,
    load_settings,
    parse_value,
    set_setting,
)


def add_commands(subparsers: Any) -> None:
    """Add ``config`` to an argparse subparsers object (``args.func(args) -> int``)."""
    parser = subparsers.add_parser(
        "config", help="show or change the settings",
        description="Show the settings (config show) or change one (config set KEY VALUE).",
    )
    parser.set_defaults(func=run_show)
    commands = parser.add_subparsers(dest="config_command", metavar="{show,set}")
    show = commands.add_parser(
        "show", help="show every setting and the file it lives in",
        description="Show every setting, its value, what it may be, and the file it lives in.",
    )
    show.set_defaults(func=run_show)
    change = commands.add_parser(
        "set", help="change one setting",
        description="Change one setting: " + "; ".join(f"{k}: {v}" for k, v in ALLOWED.items()),
    )
    change.add_argument("key", metavar="KEY", help="the setting: " + ", ".join(ALLOWED))
    change.add_argument("value", metavar="VALUE", help="its new value (none clears a voice, device or model folder)")
    change.set_defaults(func=run_set)


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run_show(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console()
    path = default_config_path()
    settings, warning = load_settings(path)
    if warning:
        Console(stderr=True).print(f"[yellow]{escape(warning)}[/yellow]", highlight=False)
    table = Table(title=escape(f"Settings ({path})"), title_justify="left")
    table.add_column("Setting")
    table.add_column("Value")
    table.add_column("Allowed", style="dim")
    defaults = asdict(DEFAULTS)
    for key, value in asdict(settings).items():
        shown = escape(_shown(value))
        if value == defaults[key]:
            shown += " [dim](default)[/dim]"
        else:
            shown = f"[bold]{shown}[/bold]"
        table.add_row(key, shown, ALLOWED[key])
    console.print(table)
    if not path.exists():
        console.print("No settings file yet: every setting has its default.")
    return 0


def run_set(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console()
    path = default_config_path()
    _, warning = load_settings(path)  # a damaged file is set aside now, and said once
    if warning:
        Console(stderr=True).print(f"[yellow]{escape(warning)}[/yellow]", highlight=False)
    try:
        check_setting(args.key, parse_value(args.key, args.value))  # the voice or device must be there
        settings = set_setting(args.key, args.value, path)
    except SettingsError as error:
        print_error(str(error))
        return EXIT_USAGE
    value = _shown(getattr(settings, args.key))
    console.print(f"{args.key} = {value} (saved in {path})", highlight=False)
    return 0
