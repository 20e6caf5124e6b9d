"""A Hugging Face hub on loopback serving one model repository, for download tests.

It answers the requests the hub client makes: the repository's file list at
a revision (``/api/models/{repo}/tree/{rev}``, or ``/revision/{rev}``) and each
file (``/{repo}/resolve/{rev}/{file}``, HEAD for its metadata, GET for its bytes).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serve_repo(repo: str, revision: str, files: Mapping[str, bytes]) -> Iterator[tuple[str, list[str]]]:
    """Serve ``files`` as ``repo`` at ``revision``; yields (endpoint URL, request log)."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _file(self) -> tuple[str, bytes] | None:
            prefix = f"/{repo}/resolve/"
            if not self.path.startswith(prefix):
                return None
            rest = self.path[len(prefix) :].split("?")[0]
            _, _, name = rest.partition("/")
            return (name, files[name]) if name in files else None

        def _headers_for(self, name: str, data: bytes) -> None:
            etag = hashlib.sha256(data).hexdigest()
            self.send_header("X-Repo-Commit", revision)
            self.send_header("ETag", f'"{etag}"')
            self.send_header("X-Linked-Etag", f'"{etag}"')
            self.send_header("X-Linked-Size", str(len(data)))
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Type", "application/octet-stream")

        def do_HEAD(self) -> None:  # noqa: N802
            requests.append(f"HEAD {self.path}")
            self._send_file(with_body=False)

        def _send_file(self, with_body: bool) -> None:
            found = self._file()
            if found is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self._headers_for(*found)
            self.end_headers()
            if with_body:
                self.wfile.write(found[1])

        def do_GET(self) -> None:  # noqa: N802
            requests.append(f"GET {self.path}")
            route = self.path.split("?")[0]
            if route.startswith(f"/api/models/{repo}/tree/"):
                body = json.dumps(
                    [
                        {"type": "file", "path": name, "size": len(data), "oid": hashlib.sha1(data).hexdigest(),
                         "lfs": {"oid": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}}
                        for name, data in files.items()
                    ]
                ).encode()
            elif route.startswith(f"/api/models/{repo}"):
                body = json.dumps(
                    {"id": repo, "sha": revision, "siblings": [{"rfilename": name} for name in files]}
                ).encode()
            else:
                body = b""
            if body:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self._send_file(with_body=True)

    with on_loopback(Handler) as url:
        yield url, requests


@contextmanager
def on_loopback(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 answering with ``handler``, in a thread; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
