"""``voiceguide history``: past sessions as a table, an export or a plot."""

from __future__ import annotations

import argparse
import math
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .errors import EXIT_USAGE, print_error
from .history import History, PainReport, SessionSummary, WeekCount, local_date

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# What --plot writes, by the file's extension: matplotlib's format names.
PLOT_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def add_commands(subparsers: Any) -> None:
    """Add ``history`` to an argparse subparsers object (``args.func(args) -> int``)."""
    parser = subparsers.add_parser(
        "history",
        help="show past sessions, export them for a clinician, or plot them",
        description="Show past sessions; --export writes them all as CSV or JSON, "
        "--plot draws sessions per week and pain reports over time.",
    )
    parser.add_argument("--limit", type=_count, default=10, help="sessions to show (10)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--export", choices=("csv", "json"), help="export every session")
    action.add_argument(
        "--plot", type=Path, metavar="FILE",
        help="write a chart of sessions per week and pain reports; .png, .svg or .pdf",
    )
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE",
        help="file for --export (standard output when left out)",
    )
    parser.set_defaults(func=run_history)


def _count(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def run_history(
    args: argparse.Namespace,
    console: Console | None = None,
    errors: Console | None = None,
    today: date | None = None,
) -> int:
    """Carry out ``voiceguide history``; return the exit code."""
    console = console or Console()
    errors = errors or Console(stderr=True)
    if args.output is not None and args.export is None:
        print_error("--output goes with --export: add --export csv or --export json.", errors.file)
        return EXIT_USAGE
    with History.open() as history:
        if history.path is None:  # nothing to read: say why, once, instead of "no sessions yet"
            print_error(f"the history cannot be read: {history.problem}.", errors.file)
            return 1
        if history.warning:
            errors.print(f"[yellow]{escape(history.warning)}[/yellow]", highlight=False)
        if args.export:
            return _export(history, args.export, args.output, errors)
        if args.plot:
            return plot_history(history, args.plot, errors)
        show_history(history, console, limit=args.limit, today=today)
    return 0


# ----------------------------------------------------------------- table


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _result(session: SessionSummary) -> Text:
    if session.completed:
        result = Text("completed", style="green")
    elif session.ended_at is None:
        result = Text("never ended", style="yellow")
    else:
        result = Text("stopped early", style="yellow")
    if session.sped_up:  # a rehearsal with --speed: not counted in the streak, the weeks or the chart
        result.append(f"\nsped up ×{session.speed:g}", style="dim")
    return result


def _pain_cell(reports: list[PainReport]) -> Text:
    if not reports:
        return Text("none", style="dim")
    parts = []
    for report in reports:
        where = f" ({report.exercise_name})" if report.exercise_name else ""
        if report.words:
            words = f'"{report.words}"'
        elif report.answer:
            words = f'{report.kind}: answered "{report.answer}"'
        else:
            words = report.kind
        parts.append(f"{words}{where}")
    return Text("; ".join(parts), style="bold red")


def session_table(history: History, limit: int = 10) -> Table:
    """The recent sessions; fits an 80-column terminal, only the pain reports' words wrap."""
    table = Table(title="Recent sessions", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Duration", no_wrap=True)
    table.add_column("Exercises", no_wrap=True)
    table.add_column("Result", no_wrap=True)
    table.add_column("Pain reports", min_width=12, overflow="fold")
    for session in history.recent_sessions(limit):
        started = datetime.fromtimestamp(session.started_at)
        done = str(session.exercises_done)
        if session.exercises_skipped:
            done += f"\n+{session.exercises_skipped} skipped"
        reports = history.pain_reports(session_id=session.id) if session.pain_reports else []
        table.add_row(
            started.strftime("%a %d %b %Y %H:%M"),
            _duration(session.duration),
            done,
            _result(session),
            _pain_cell(reports),
            style="on grey11" if reports else None,
        )
    return table


def _weeks_line(weeks: list[WeekCount]) -> str:
    shown = ", ".join(f"{w.week_start:%d %b}: {w.sessions}" for w in weeks)
    average = sum(w.sessions for w in weeks) / len(weeks) if weeks else 0.0
    return f"Sessions per week: {average:.1f} on average over the last {len(weeks)} weeks ({shown})"


def show_history(
    history: History, console: Console, limit: int = 10, today: date | None = None
) -> None:
    today = today or date.today()
    if not history.recent_sessions(1):
        console.print("No sessions yet. Start one with [bold]voiceguide start[/bold].")
        return
    console.print(session_table(history, limit))
    streak = history.streak_days(today)
    console.print(f"Current streak: [bold]{streak}[/bold] day{'s' if streak != 1 else ''}")
    console.print(_weeks_line(history.sessions_per_week(today, weeks=4)), highlight=False)


# ---------------------------------------------------------------- export


def _export(history: History, fmt: str, output: Path | None, errors: Console) -> int:
    if output is None:
        history.export(fmt, sys.stdout)  # type: ignore[arg-type]
        return 0
    try:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = history.export(fmt, out)  # type: ignore[arg-type]
    except OSError as error:
        print_error(f"cannot write {output} ({error.strerror or error}); choose another file.", errors.file)
        return 1
    errors.print(escape(f"Exported {count} events to {output}."), highlight=False)
    return 0


# ------------------------------------------------------------------ plot


def plot_history(history: History, output: Path, errors: Console) -> int:
    """Sessions per week and pain reports over time, in the format the file's extension names."""
    fmt = PLOT_FORMATS.get(output.suffix.lower())
    if fmt is None:
        print_error(f"--plot writes PNG, SVG or PDF: name the file .png, .svg or .pdf, not {output.name}.", errors.file)
        return EXIT_USAGE
    try:
        figure = history_figure(history)
    except ImportError:
        print_error("--plot needs matplotlib: pip install matplotlib.", errors.file)
        return 1
    try:
        figure.savefig(output, format=fmt, dpi=100)
    except OSError as error:
        print_error(f"cannot write {output} ({error.strerror or error}); choose another file.", errors.file)
        return 1
    errors.print(escape(f"Wrote {output}."), highlight=False)
    return 0


def history_figure(history: History, today: date | None = None) -> Figure:
    """The chart: sessions per week above, pain and symptom reports per day below (matplotlib, no pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 6), layout="constrained")
    FigureCanvasAgg(figure)  # no pyplot: no global state, no GUI backend
    top, bottom = figure.subplots(2, 1)  # not sharing x: weeks above, days below, each with its own ticks
    _draw_sessions(top, history.sessions_per_week(today))
    _draw_pain(bottom, history.pain_reports(real_only=True))
    for axes in (top, bottom):
        axes.tick_params(axis="x", labelrotation=30, labelbottom=True)
    return figure


def _draw_sessions(axes: Axes, weeks: list[WeekCount]) -> None:
    axes.set_title("Sessions per week (Monday to Sunday)")
    axes.set_xlabel("Week starting")
    axes.set_ylabel("Sessions")
    if not weeks:
        axes.text(0.5, 0.5, "no sessions yet", ha="center", va="center", transform=axes.transAxes)
        return
    from matplotlib.dates import MO, DateFormatter, WeekdayLocator

    starts = [w.week_start for w in weeks]
    axes.bar(starts, [w.sessions for w in weeks], width=6, align="edge", label="started", color="#9ecae1")
    axes.bar(starts, [w.completed for w in weeks], width=6, align="edge", label="completed", color="#3182bd")
    # Ticks on Mondays only (about a dozen at most), and a margin around the weeks, so one
    # week reads as one bar for that week, not as a block over seven daily ticks.
    axes.xaxis.set_major_locator(WeekdayLocator(byweekday=MO, interval=max(1, math.ceil(len(weeks) / 12))))
    axes.xaxis.set_major_formatter(DateFormatter("%d %b %Y"))
    axes.set_xlim(starts[0] - timedelta(days=4), starts[-1] + timedelta(days=10))
    axes.legend(loc="upper left")
    axes.yaxis.get_major_locator().set_params(integer=True)


def _draw_pain(axes: Axes, reports: list[PainReport]) -> None:
    axes.set_title("Pain and symptom reports per day")
    axes.set_xlabel("Day")
    axes.set_ylabel("Reports")
    pain_by_day: dict[date, int] = {}
    for report in reports:
        day = local_date(report.at)
        pain_by_day[day] = pain_by_day.get(day, 0) + 1
    if not pain_by_day:
        axes.text(0.5, 0.5, "no pain reported", ha="center", va="center", transform=axes.transAxes)
        return
    from matplotlib.dates import DateFormatter, DayLocator

    days = sorted(pain_by_day)
    axes.bar(days, [pain_by_day[d] for d in days], width=0.8, color="#de2d26")
    # Ticks on whole days (about a dozen at most), and a margin, so one day is one bar, not hours.
    span = (days[-1] - days[0]).days + 1
    axes.xaxis.set_major_locator(DayLocator(interval=max(1, math.ceil(span / 12))))
    axes.xaxis.set_major_formatter(DateFormatter("%d %b %Y"))
    axes.set_xlim(days[0] - timedelta(days=2), days[-1] + timedelta(days=2))
    axes.yaxis.get_major_locator().set_params(integer=True)
