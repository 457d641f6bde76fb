"""A real HTTP server on 127.0.0.1 that speaks enough of the Anthropic Messages API (messages,
count_tokens, Message Batches) and of OpenAI chat completions for the judge tests.

The verdict depends on the example text: ``WRONG`` -> BAD, ``SHAKY`` -> GOOD with a low
helpfulness score, ``MALFORMED`` -> an answer that breaks the schema, else GOOD with all 5s.
``fail(path, broken(shape))`` answers one request with a reply that arrives but cannot be
used (one of ``BROKEN_SHAPES``: cut, mislabelled, not the API's shape, an error page).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_CREDENTIALS = ("authorization", "x-api-key")
# status (0: answer normally), headers, body ("echo": the request's headers; "broken:<shape>":
# a broken version of the normal reply)
Failure = tuple[int, dict[str, str], str]
CUT_HEADER = "x-fake-send-only"  # the handler sends this many bytes of the body, then hangs up
BROKEN_SHAPES = (
    "truncated_json",  # the reply cut in half, labelled application/json
    "truncated_json_as_text",  # the same bytes labelled text/plain
    "wrong_schema",  # valid JSON, but not the API's reply object
    "plain_text",  # a sentence, not JSON
    "html_error_page",  # a proxy's error page, with status 200
    "empty_body",  # status 200 and nothing else
    "error_object",  # status 200 with the API's error object as the body
    "cut_stream",  # the full content-length announced, half the body sent, connection closed
)


def broken(shape: str) -> Failure:
    """A queued answer (for ``FakeLLMServer.fail``) that is the normal reply broken so."""
    if shape not in BROKEN_SHAPES:
        raise ValueError(f"unknown broken shape {shape!r}")
    return (200, {}, f"broken:{shape}")


def default_answer(text: str, criteria: list[str]) -> dict[str, Any] | str:
    """The judge's answer to an example, decided by marker words in its text."""
    if "MALFORMED" in text:
        return {"verdict": "MAYBE", "rationale": "unsure"}  # not GOOD/BAD, no scores
    if "NOTJSON" in text:
        return "I think this example is fine."
    scores = dict.fromkeys(criteria, 5)
    if "WRONG" in text:
        scores["factual_correctness"] = 1
        return {"verdict": "BAD", "scores": scores, "rationale": "The answer is factually wrong."}
    if "SHAKY" in text:
        scores["helpfulness"] = 2
        return {"verdict": "GOOD", "scores": scores, "rationale": "Correct but thin."}
    return {"verdict": "GOOD", "scores": scores, "rationale": "Correct and complete."}


def default_teacher(text: str) -> dict[str, Any]:
    """The teacher's reply: names the last user turn; ``MALFORMED`` -> an empty answer."""
    if "MALFORMED" in text:
        return {"answer": ""}
    question = re.findall(r"<user>\n(.*?)\n</user>", text, flags=re.S)[-1]
    return {"answer": f"Teacher answer to: {question}"}


class FakeLLMServer:
    """Counts every request by path; ``fail(path, ...)`` queues error answers for a path."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, dict[str, str], Any]] = []
        self.failures: dict[str, list[Failure]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.answer: Callable[[str, list[str]], dict[str, Any] | str] = default_answer
        self.teacher: Callable[[str], dict[str, Any]] = default_teacher
        self.batch_polls_until_done = 2
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def fail(self, path: str, *failures: Failure) -> None:
        with self._lock:
            self.failures.setdefault(path, []).extend(failures)

    def count(self, path: str, method: str = "POST") -> int:
        return sum(1 for m, p, _, _ in self.seen if p == path and m == method)

    def bodies(self, path: str) -> list[Any]:
        return [b for m, p, _, b in self.seen if p == path and m == "POST"]

    # the APIs ----------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: dict[str, str], body: Any) -> tuple:
        with self._lock:
            self.seen.append((method, path, headers, body))
            queued = self.failures.get(path)
            failure = queued.pop(0) if queued else None
        if failure is not None and failure[2].startswith("broken:"):
            return self._broken(failure[2].removeprefix("broken:"), method, path, body)
        if failure is not None and failure[0]:  # status 0: answer this one normally
            status, extra, text = failure
            if text == "echo":  # credentials first, as a careless proxy might print them
                shown = sorted(headers.items(), key=lambda kv: kv[0] not in _CREDENTIALS)
                text = json.dumps({"type": "error", "error": {"message": str(shown)}})
            return status, extra, text.encode() or b'{"type":"error"}'
        return self._normal(method, path, body)

    def _normal(self, method: str, path: str, body: Any) -> tuple:
        if method == "POST" and path == "/v1/messages":
            return 200, {}, json.dumps(self._message(body)).encode()
        if method == "POST" and path == "/v1/messages/count_tokens":
            return 200, {}, json.dumps({"input_tokens": len(json.dumps(body)) // 4}).encode()
        if method == "POST" and path == "/v1/messages/batches":
            return 200, {}, json.dumps(self._create_batch(body)).encode()
        match = re.fullmatch(r"/v1/messages/batches/([\w-]+)(/results)?", path)
        if method == "GET" and match:
            batch = self.batches[match.group(1)]
            if match.group(2):
                lines = [json.dumps(r) for r in batch["results"]]
                return 200, {"content-type": "application/binary"}, "\n".join(lines).encode()
            return 200, {}, json.dumps(self._poll(batch)).encode()
        if method == "POST" and path == "/v1/chat/completions":
            return 200, {}, json.dumps(self._chat(body)).encode()
        if method == "GET" and path == "/v1/models":
            return 200, {}, b'{"object": "list", "data": []}'
        return 404, {}, b'{"error": "not found"}'

    def _broken(self, shape: str, method: str, path: str, body: Any) -> tuple:
        """The normal reply to this request, broken into ``shape``."""
        _, _, good = self._normal(method, path, body)
        half = good[: len(good) // 2]
        if path.startswith("/v1/chat"):
            error = {"error": {"message": "the model is loading", "type": "server_error"}}
        else:
            error = {"type": "error", "error": {"type": "overloaded_error", "message": "Busy"}}
        html = b"<html><head><title>502</title></head><body><h1>Bad Gateway</h1></body></html>"
        replies = {
            "truncated_json": (200, {}, half),
            "truncated_json_as_text": (200, {"content-type": "text/plain"}, half),
            "wrong_schema": (200, {}, b'{"id": "x1", "object": "list", "data": [1, 2]}'),
            "plain_text": (200, {"content-type": "text/plain"}, b"Service is up and running."),
            "html_error_page": (200, {"content-type": "text/html"}, html),
            "empty_body": (200, {}, b""),
            "error_object": (200, {}, json.dumps(error).encode()),
            "cut_stream": (200, {CUT_HEADER: str(len(half))}, good),
        }
        return replies[shape]

    def _reply(self, text: str, schema: dict[str, Any]) -> dict[str, Any] | str:
        if "scores" not in schema["properties"]:
            return self.teacher(text)
        return self.answer(text, list(schema["properties"]["scores"]["properties"]))

    def _message(self, body: dict[str, Any]) -> dict[str, Any]:
        schema = body["tools"][0]["input_schema"]
        answer = self._reply(body["messages"][0]["content"], schema)
        if isinstance(answer, str):
            content = [{"type": "text", "text": answer}]
        else:
            name = body["tool_choice"]["name"]
            content = [{"type": "tool_use", "id": "toolu_1", "name": name, "input": answer}]
        return {
            "id": f"msg_{next(self._ids)}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {
                "input_tokens": 1000,
                "output_tokens": 100,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        }

    def _create_batch(self, body: dict[str, Any]) -> dict[str, Any]:
        batch_id = f"msgbatch_{next(self._ids)}"
        results = [
            {
                "custom_id": item["custom_id"],
                "result": {"type": "succeeded", "message": self._message(item["params"])},
            }
            for item in body["requests"]
        ]
        batch = {"id": batch_id, "polls": 0, "results": results, "size": len(results)}
        self.batches[batch_id] = batch
        return self._batch_object(batch, ended=False)

    def _poll(self, batch: dict[str, Any]) -> dict[str, Any]:
        batch["polls"] += 1
        return self._batch_object(batch, ended=batch["polls"] >= self.batch_polls_until_done)

    def _batch_object(self, batch: dict[str, Any], *, ended: bool) -> dict[str, Any]:
        n = batch["size"]
        return {
            "id": batch["id"],
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {
                "processing": 0 if ended else n,
                "succeeded": n if ended else 0,
                "errored": 0,
                "canceled": 0,
                "expired": 0,
            },
            "created_at": "2026-01-01T00:00:00Z",
            "expires_at": "2026-01-02T00:00:00Z",
            "ended_at": "2026-01-01T00:01:00Z" if ended else None,
            "cancel_initiated_at": None,
            "archived_at": None,
            "results_url": f"{self.url}/v1/messages/batches/{batch['id']}/results"
            if ended
            else None,
        }

    def _chat(self, body: dict[str, Any]) -> dict[str, Any]:
        schema = body["response_format"]["json_schema"]["schema"]
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        answer = self._reply(user, schema)
        content = answer if isinstance(answer, str) else json.dumps(answer)
        return {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 800, "completion_tokens": 60, "total_tokens": 860},
        }


def _handler(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            return None

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = self.path.split("?", 1)[0]
            status, extra, payload = server.handle(method, path, headers, body)
            extra = dict(extra)
            send_only = int(extra.pop(CUT_HEADER, len(payload)))
            self.send_response(status)
            self.send_header("content-type", extra.pop("content-type", "application/json"))
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[:send_only])
            if send_only < len(payload):  # hang up mid-body, as a dropped connection does
                self.wfile.flush()
                self.close_connection = True

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


@contextmanager
def running_server() -> Iterator[FakeLLMServer]:
    server = FakeLLMServer().start()
    try:
        yield server
    finally:
        server.stop()
