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

from voiceguide.grammar import Grammar
from voiceguide.recognizers.audio_convert import wav_to_pcm16k
from voiceguide.recognizers.base import ENGINES, Recognizer, RecognizerError, create_recognizer
from voiceguide.recognizers import models

CHUNK_BYTES = 3200  # 0.1 s of 16 kHz int16: feed files as a microphone would


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    transcribe = subparsers.add_parser("transcribe", help="recognise commands in WAV files")
    transcribe.add_argument("--engine", choices=ENGINES, default="auto")
    transcribe.add_argument("--model", type=Path, default=None, help="vosk model directory")
    transcribe.add_argument("files", nargs="+", type=Path, metavar="FILE.wav")
    transcribe.set_defaults(func=transcribe_command)

    model = subparsers.add_parser("model", help="the vosk speech model")
    model_commands = model.add_subparsers(dest="model_command", required=True)
    status = model_commands.add_parser("status", help="where the model is and which engine runs")
    status.add_argument("--model", type=Path, default=None)
    status.set_defaults(func=model_status_command)
    download = model_commands.add_parser("download", help=f"download {models.MODEL_NAME}")
    download.add_argument("--url", default=None, help="archive URL (default: official, or $VOICEGUIDE_MODEL_URL)")
    download.add_argument("--dest", type=Path, default=None, help="target directory (default: user cache)")
    download.set_defaults(func=model_download_command)


def transcribe_file(recognizer: Recognizer, path: Path) -> tuple[str, float]:
    """The text and confidence of every final in ``path`` (joined), as streamed."""
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
    confidence = min((h.confidence for h in spoken), default=0.0)
    return text, confidence


def transcribe_command(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    grammar = Grammar.load()
    try:
        recognizer = create_recognizer(args.engine, grammar, args.model, notify=lambda m: print(m, file=err))
    except RecognizerError as error:
        print(f"error: {error.message}", file=err)
        return 2
    status = 0
    for path in args.files:
        try:
            text, confidence = transcribe_file(recognizer, path)
        except RecognizerError as error:
            print(f"error: {error.message}", file=err)
            status = 1
            continue
        parsed = grammar.parse(text) if text else None
        line = {
            "file": str(path),
            "text": text,
            "intent": parsed.intent if parsed else None,
            "confidence": round(confidence, 3),
            "engine": recognizer.name,
        }
        print(json.dumps(line, ensure_ascii=False), file=out, flush=True)
    return status


def model_status_command(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    try:
        found = models.find_model(getattr(args, "model", None))
        error = None
    except RecognizerError as problem:
        found, error = None, problem.message
    for location in models.candidate_locations(getattr(args, "model", None)):
        state = "ok" if location.ok else location.problem
        print(f"{location.source}: {location.path} ({state})", file=out)
    if error:
        print(f"error: {error}", file=out)
        return 2
    if found is not None:
        print(f"vosk model: {found}", file=out)
        print("engine auto: vosk", file=out)
    else:
        print("vosk model: none found; run `voiceguide model download`", file=out)
        print("engine auto: pocketsphinx (its English model ships with it)", file=out)
    return 0


def model_download_command(args: argparse.Namespace, err: TextIO = sys.stderr) -> int:
    dest = args.dest or models.default_model_dir()
    try:
        path = models.download_model(dest, url=args.url)
    except RecognizerError as error:
        print(f"error: {error.message}", file=err)
        return 1
    print(f"vosk model ready in {path}", file=err)
    return 0
