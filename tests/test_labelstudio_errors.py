"""A Label Studio server that echoes the credential in its error: the CLI prints one line with
the key (and the access token the SDK swapped it for) scrubbed, literally and without a
traceback. The server is a small local HTTP server, not Label Studio."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from curate.cli.main import app
from curate.runs.runner import run_pipeline
from tests.conftest import chat, write_jsonl

cli = CliRunner()


def a_jwt(token_type: str) -> str:
    claims = {"token_type": token_type, "exp": int(time.time()) + 3600, "jti": secrets.token_hex(8)}
    return jwt.encode(claims, "a-signing-key-for-tests-only-32-bytes-long", algorithm="HS256")


class EchoingServer(ThreadingHTTPServer):
    """Refuses every API call, quoting the request's Authorization header back in the body."""

    def __init__(self, style: str, access_token: str = "") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.style = style  # json | html | refresh_page
        self.access_token = access_token

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: EchoingServer

    def log_message(self, *args: object) -> None:
        return None

    def _send(self, status: int, content_type: str, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length).decode() if length else ""
        if self.path.startswith("/api/token/refresh"):
            if self.server.style == "refresh_page":
                return self._send(502, "text/html", f"<html><body>Bad gateway {sent}</body></html>")
            return self._send(
                200, "application/json", json.dumps({"access": self.server.access_token})
            )
        credential = self.headers.get("Authorization", "")
        if self.server.style == "html":
            page = f"<html><body><h1>Server Error</h1><pre>Authorization: {credential}</pre>"
            return self._send(500, "text/html", page + "</body></html>")
        detail = f"Invalid credential '{credential}' for {self.path}"
        return self._send(401, "application/json", json.dumps({"detail": detail}))

    do_GET = do_POST = do_PATCH = _answer


@contextmanager
def echoing_server(style: str, access_token: str = "") -> Iterator[EchoingServer]:
    server = EchoingServer(style, access_token)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "d.jsonl", [chat(f"Question {i}?", f"Answer {i}.") for i in range(5)])
    (tmp_path / "pipeline.yaml").write_text("name: ls\ninputs: [d.jsonl]\nstages: [validate]\n")
    return run_pipeline(tmp_path / "pipeline.yaml").run_dir


def push(run_dir: Path, url: str, key: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LABEL_STUDIO_URL", url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", key)
    return cli.invoke(app, ["labelstudio", "push", str(run_dir), "--project", "review"])


@pytest.mark.parametrize("style", ["json", "html"])
def test_a_legacy_key_echoed_in_an_error_is_printed_scrubbed(run_dir, monkeypatch, style):
    key = secrets.token_hex(20)
    with echoing_server(style) as server:
        result = push(run_dir, server.url, key, monkeypatch)
    assert result.exit_code == 2, result.output
    assert key not in result.output
    assert "Token [redacted]" in result.output  # printed literally, not eaten as markup
    assert "Traceback" not in result.output and result.output.count("error:") == 1


def test_a_refresh_token_and_its_access_token_are_both_scrubbed(run_dir, monkeypatch):
    refresh, access = a_jwt("refresh"), a_jwt("access")
    with echoing_server("json", access_token=access) as server:
        result = push(run_dir, server.url, refresh, monkeypatch)
    assert result.exit_code == 2, result.output
    assert refresh not in result.output and access not in result.output
    assert "Bearer [redacted]" in result.output


def test_a_token_refresh_answered_by_a_proxy_page_is_one_line(run_dir, monkeypatch):
    refresh = a_jwt("refresh")
    with echoing_server("refresh_page") as server:
        result = push(run_dir, server.url, refresh, monkeypatch)
    assert result.exit_code == 2, result.output
    assert "not JSON" in result.output and refresh not in result.output
    assert "Traceback" not in result.output
