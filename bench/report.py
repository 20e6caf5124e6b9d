"""Benchmark results as JSON, a markdown table and a plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TARGETS = {
    "command_clean": 0.98,
    "command_10db": 0.95,
    "pain_recall": 0.995,
    "false_commands": 0.01,
    "cut_p95_ms": 250,
    "answer_p95_ms": 600,
    "idle_cpu_percent": 15,
    "first_word_seconds": 3,
}


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def headline(engine_report: dict[str, Any]) -> dict[str, float]:
    """The numbers the targets are about, for one engine."""
    commands = engine_report["commands"]
    clean = commands.get("clean", {}).get("grammar", float("nan"))
    at_10 = mean(v["grammar"] for k, v in commands.items() if k.endswith("@10dB") and "grammar" in v)
    natural = commands.get("clean", {}).get("natural", float("nan"))
    pain = min(engine_report["pain_recall"].values()) if engine_report["pain_recall"] else float("nan")
    pain_safe = min(engine_report["pain_safe"].values()) if engine_report["pain_safe"] else float("nan")
    negatives = [rate for per in engine_report["false_commands"].values() for rate in per.values()]
    return {
        "command_clean": clean,
        "command_10db": at_10,
        "natural_clean": natural,
        "pain_recall_worst": pain,
        "pain_stopped_or_paused_worst": pain_safe,
        "false_commands_worst": max(negatives) if negatives else float("nan"),
        "false_moves_worst": max(engine_report.get("false_moves", {}).values(), default=float("nan")),
        "false_own_voice_worst": max(engine_report.get("false_own_voice", {}).values(), default=float("nan")),
        "false_commands_clean_coach": engine_report["false_commands"].get("clean", {}).get("coach", float("nan")),
        "real_time_factor": engine_report["real_time_factor"],
    }


def _pct(value: float) -> str:
    return "n/a" if value != value else f"{100 * value:.1f} %"


def _status(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**not met**")


def _target_rows(h: dict[str, float]) -> list[tuple[str, str, float, bool | None]]:
    """(what, target, measured, met) for the accuracy targets."""
    return [
        ("command accuracy, clean", "≥ 98 %", h["command_clean"], h["command_clean"] >= 0.98),
        ("command accuracy, 10 dB SNR (mean of 4 noises)", "≥ 95 %", h["command_10db"], h["command_10db"] >= 0.95),
        ("natural phrasings written without the grammar, clean", "", h["natural_clean"], None),
        ("pain recall, worst condition", "≥ 99.5 %", h["pain_recall_worst"], h["pain_recall_worst"] >= 0.995),
        ("pain phrase stopped or paused, worst condition", "", h["pain_stopped_or_paused_worst"], None),
        ("false commands on coach lines and chit-chat, worst condition", "≤ 1 %", h["false_commands_worst"], h["false_commands_worst"] <= 0.01),
        ("... of them a command other than stop or pain (it moves the session on), worst condition", "", h["false_moves_worst"], None),
        ("the coach's lines acted on while the listener knows the coach is saying them, worst condition", "≤ 1 %", h["false_own_voice_worst"], h["false_own_voice_worst"] <= 0.01),
    ]


def _engine_markdown(engine: str, report: dict[str, Any]) -> list[str]:
    sets = report.get("voice_sets") or {"all voices": report}
    heads = {name: headline(summary) for name, summary in sets.items()}
    names = list(sets)
    lines = [
        f"**{engine}** ({report['counts']['utterances']} decoded utterances, real-time factor {report['real_time_factor']:.2f})",
        "",
        "| what | target | " + " | ".join(f"{name} voices" for name in names) + " | |",
        "|---|---|" + "---|" * len(names) + "---|",
    ]
    judged = names[-1]  # the held-out voices when there are any: nothing was tuned on them
    for index, (what, target, _, _) in enumerate(_target_rows(heads[judged])):
        values = [_pct(_target_rows(heads[name])[index][2]) for name in names]
        met = _target_rows(heads[judged])[index][3]
        status = "" if met is None else f"{_status(met)} ({judged})"
        lines.append(f"| {what} | {target} | " + " | ".join(values) + f" | {status} |")
    timing = report.get("decode_time")
    if timing:
        lines.append(
            f"| decoding time per utterance, p50 / p95 ({timing['threads']} threads) | | "
            f"all calls {timing['all calls p50 ms']:.0f} / {timing['all calls p95 ms']:.0f} ms; "
            f"final decode {timing['longest call p50 ms']:.0f} / {timing['longest call p95 ms']:.0f} ms; "
            f"CPU {timing['CPU per second of audio, % of a core']:.0f} % of a core per second of audio"
            + " |" * len(names) + " |"
        )
    lines.append("")
    first = report.get("first_command")
    if first:
        lines += [
            "A session's first command (clean): the recognizer starting from its generic state, and from the state kept after "
            "a few commands of the same voice in an earlier session (a returning user).",
            "",
            "| voice | generic start | returning user | commands |",
            "|---|---|---|---|",
        ]
        for voice, row in first.items():
            lines.append(f"| {voice} | {_pct(row['generic'])} | {_pct(row['returning'])} | {row['count']:.0f} |")
        lines.append("")
    if report.get("by_voice"):
        lines += ["| voice (clean speech) | commands | pain recall |", "|---|---|---|"]
        for voice, row in report["by_voice"].items():
            lines.append(f"| {voice} | {_pct(row['commands'])} | {_pct(row['pain_recall'])} |")
        lines.append("")
    for name, summary in sets.items():
        lines += [
            f"{name} voices, by condition:",
            "",
            "| condition | commands | natural | pain recall | false commands (coach / chit-chat) |",
            "|---|---|---|---|---|",
        ]
        for condition, c in summary["commands"].items():
            f = summary["false_commands"].get(condition, {})
            lines.append(
                f"| {condition} | {_pct(c.get('grammar', float('nan')))} | {_pct(c.get('natural', float('nan')))} | "
                f"{_pct(summary['pain_recall'].get(condition, float('nan')))} | {_pct(f.get('coach', float('nan')))} / {_pct(f.get('chitchat', float('nan')))} |"
            )
        lines.append("")
    return lines


def markdown(results: dict[str, Any]) -> str:
    lines = [f"Benchmark of {results.get('started', '')} on {results.get('machine', '')}.", ""]
    if results.get("understanding"):
        from .understanding import markdown as understanding_markdown

        lines += ["**Understanding, on text** (no audio: what the stage makes of the words themselves)", ""]
        lines += [understanding_markdown(results["understanding"])]
    for engine, report in results.get("accuracy", {}).items():
        lines += _engine_markdown(engine, report)
    for engine, latency in (results.get("latency") or {}).items():
        if not latency:
            continue
        lines += [f"**{engine}: latency, through the real audio path** (virtual PulseAudio devices)", "", "| what | target | p50 | p95 | trials |", "|---|---|---|---|---|"]
        for name, row in latency.items():
            target = "≤ 250 ms" if row.get("kind") == "cut" else "≤ 600 ms"
            lines.append(f"| {name} | {target} (p95) | {row['p50_ms']:.0f} ms | {row['p95_ms']:.0f} ms | {row['trials']} |")
        lines.append("")
    for engine, cost in (results.get("cost") or {}).items():
        if not cost:
            continue
        lines += [f"**{engine}: cost**", "", "| what | target | measured |", "|---|---|---|"]
        for name, row in cost.items():
            lines.append(f"| {name} | {row.get('target', '')} | {row['value']} |")
        lines.append("")
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4))
    for engine, full in results.get("accuracy", {}).items():
        report = full.get("voice_sets", {}).get("held-out", full)  # the voices nothing was tuned on
        commands = report["commands"]
        points = [(float("inf"), commands["clean"]["grammar"])] if "clean" in commands else []
        snrs = sorted({float(k.split("@")[1][:-2]) for k in commands if "@" in k}, reverse=True)
        for snr in snrs:
            values = [v["grammar"] for k, v in commands.items() if k.endswith(f"@{snr:g}dB") and "grammar" in v]
            points.append((snr, mean(values)))
        labels = ["clean" if x == float("inf") else f"{x:g} dB" for x, _ in points]
        axis.plot(labels, [100 * y for _, y in points], marker="o", label=f"{engine}: commands")
        pain = report["pain_recall"]
        pain_points = [pain.get("clean", float("nan"))] + [
            mean(v for k, v in pain.items() if k.endswith(f"@{snr:g}dB")) for snr in snrs
        ]
        axis.plot(labels, [100 * y for y in pain_points], marker="s", linestyle="--", label=f"{engine}: pain recall")
    axis.axhline(98, color="grey", linewidth=0.8, linestyle=":")
    axis.axhline(95, color="grey", linewidth=0.8, linestyle=":")
    axis.set_ylabel("%")
    axis.set_xlabel("signal-to-noise ratio (mean over white, pink, brown and babble noise)")
    axis.set_title("voiceguide: accuracy against noise")
    axis.set_ylim(0, 101)
    axis.legend(loc="lower left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write(results: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, indent=2, default=str))
    (folder / "results.md").write_text(markdown(results))
    if results.get("accuracy"):
        plot(results, folder / "accuracy.png")
