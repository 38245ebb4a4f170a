"""A misbehaving OpenAI chat-completions server for tests, on loopback only.

`FaultServer` runs a stdlib ``ThreadingHTTPServer`` in a thread, bound to 127.0.0.1 on a free
port.  Each test tells it, with `FaultServer.script`, how to answer successive requests (a
`Reply`: a valid answer, a dropped connection, a stall, an HTTP error, a malformed body, ...);
once the script runs out it answers `OK`.  It records every request (headers, JSON body,
arrival time) so tests can count attempts and check what was sent, and it never logs or
stores anything else.

Every handler returns within `MAX_STALL_S`, and closing the server (the ``with`` block or the
test's fixture teardown) wakes stalled handlers, so a test can never hang on it.

Tests normally run with live model calls blocked (tests/conftest.py); `allow_loopback_transport`
lifts that block for one test, only for backends whose ``base_url`` is on 127.0.0.1.  A test
module's fixture is ``yield from serve(monkeypatch)``: both at once, undone at teardown.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsbrief import backends
from newsbrief.backends import Backend

MAX_STALL_S = 5.0

# Saved when this module is imported (at collection, before any test's monkeypatching).
REAL_MAKE_TRANSPORT = backends.make_transport

Answer = Callable[[dict[str, Any]], str]


# The answer schema of each prompt, for questions asked without a response format.
_PROMPT_SCHEMAS = {
    "attribution": "Attribution",
    "claim": "SelfContained",
    "figure": "FigureAnswer",
    "summary": "Summary",
}


def schema_name(body: dict[str, Any]) -> str:
    """The name of the answer schema asked for (``Attribution``, ``FigureAnswer``, ...): the
    response format's, or for a question sent without one, its prompt template's."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_object":  # llama-cpp-python's form: the schema's own title
        return str((fmt.get("schema") or {}).get("title", ""))
    if fmt:
        return str((fmt.get("json_schema") or {}).get("name", ""))
    messages = body.get("messages") or [{}]
    system = str(messages[0].get("content") or "")
    for name, schema in _PROMPT_SCHEMAS.items():
        if system == _system_message(name):
            return schema
    return ""


def _system_message(prompt: str) -> str:
    from newsbrief.prompts import load_prompt

    blanks = dict.fromkeys(("sentence", "number", "article", "claim", "context", "speaker"), "")
    return load_prompt(prompt).render(**blanks)[0]["content"]


def last_user_message(body: dict[str, Any]) -> str:
    """The content of the request's last user message."""
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            return str(message.get("content") or "")
    return ""


def sentence_of(body: dict[str, Any]) -> str:
    """The sentence an attribution or figure question asks about ('' for a summary)."""
    for message in reversed(body.get("messages") or []):
        content = str(message.get("content") or "")
        if message.get("role") == "user" and content.startswith("Sentence: "):
            return content.removeprefix("Sentence: ").split("\nNumber: ")[0]
    return ""


def default_answer(body: dict[str, Any]) -> str:
    """A valid, neutral answer for whichever question the request asks."""
    name = schema_name(body)
    if name == "FigureAnswer":
        return json.dumps({"counts": "x"})
    if name == "Summary":
        return json.dumps({"summary": "A short summary of the article."})
    return json.dumps({"speaker": None, "via": None})


@dataclass(frozen=True)
class Reply:
    """How the server answers one request.

    ``kind``: ok | drop | stall | status | raw | content | empty_choices.
    """

    kind: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    content: str | Answer | None = None
    finish_reason: str = "stop"
    stall_s: float = 2.0
    raw: bytes = b""


OK = Reply("ok")
DROP = Reply("drop")  # accept the connection, then close it without a response
# HTTP 200 with a JSON content type, and a body cut off in the middle: not JSON.
MALFORMED = Reply("raw", raw=b'{"id": "chatcmpl-fault", "choices": [{"index": 0, "mess')
# HTTP 200, JSON, but not a chat completion at all.
NOT_A_COMPLETION = Reply("raw", raw=b'{"hello": "world"}')
# What llama-cpp-python's server (0.3.x) answers a json_schema response format (its body, verbatim
# in substance): HTTP 500, the request validation error naming response_format.
LLAMA_CPP_REFUSAL = Reply(
    "raw",
    status=500,
    raw=json.dumps(
        {
            "error": {
                "message": "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', "
                "'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", "
                "'input': 'json_schema'}",
                "type": "internal_server_error",
                "param": None,
                "code": None,
            }
        }
    ).encode(),
)
EMPTY_CHOICES = Reply("empty_choices")  # HTTP 200, a well-formed completion with no choices


def stall(seconds: float = 2.0) -> Reply:
    """Say nothing for ``seconds`` (past the client's timeout), then close the connection."""
    return Reply("stall", stall_s=min(seconds, MAX_STALL_S))


def status(code: int, retry_after: str | None = None) -> Reply:
    """An HTTP error with an OpenAI-style JSON error body and an optional Retry-After."""
    headers = (("Retry-After", retry_after),) if retry_after is not None else ()
    return Reply("status", status=code, headers=headers)


def answer(content: str | Answer, finish_reason: str = "stop") -> Reply:
    """HTTP 200 with this message content (a string, or a function of the request body)."""
    return Reply("content", content=content, finish_reason=finish_reason)


def truncated(content: str = '{"speaker": "several dipl') -> Reply:
    """Content cut off at ``max_tokens``: ``finish_reason="length"``."""
    return answer(content, finish_reason="length")


@dataclass(frozen=True)
class Request:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]  # names lower-cased
    body: dict[str, Any]
    at: float  # time.monotonic() on arrival

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])


@dataclass
class FaultServer:
    """The server; use it as a context manager (see the module docstring)."""

    answer: Answer = default_answer
    # Refuse OpenAI's {"type": "json_schema"} response format the way llama-cpp-python's
    # server does (HTTP 500 with a request-validation message).
    refuses_json_schema: bool = False
    requests: list[Request] = field(default_factory=list)
    _script: list[Reply] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "the server is not running"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with ``replies``, in order; then `OK`."""
        with self._lock:
            self._script.extend(replies)

    def chat_requests(self) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def start(self) -> FaultServer:
        server = self
        handler = type("Handler", (_Handler,), {"fault_server": server})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        self._stopping.set()  # wakes stalled handlers at once
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=MAX_STALL_S)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._script.pop(0) if self._script else OK

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)


class _Handler(BaseHTTPRequestHandler):
    fault_server: FaultServer
    # HTTP/1.0: one request per connection, so a reply never leaks into the next request.
    protocol_version = "HTTP/1.0"
    timeout = MAX_STALL_S  # a client that stops sending cannot hold a handler longer

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the server must never print or store what it received."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw.decode("utf-8")) if raw else {}
        except ValueError:
            body = {}
        server = self.fault_server
        server._record(
            Request(
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body if isinstance(body, dict) else {},
                at=time.monotonic(),
            )
        )
        fmt = body.get("response_format") if isinstance(body, dict) else None
        if (
            server.refuses_json_schema
            and isinstance(fmt, dict)
            and fmt.get("type") == "json_schema"
        ):
            reply = LLAMA_CPP_REFUSAL
        else:
            reply = server._next_reply()
        # The client may have given up (its timeout) before the reply, as the test intended.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._reply(reply, body if isinstance(body, dict) else {})

    def _reply(self, reply: Reply, body: dict[str, Any]) -> None:
        server = self.fault_server
        if reply.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if reply.kind == "stall":
            server._stopping.wait(reply.stall_s)
            self.close_connection = True
            return
        if reply.kind == "status":
            error = {"error": {"message": f"fault server: HTTP {reply.status}", "type": "fault"}}
            self._send(reply.status, json.dumps(error).encode(), reply.headers)
            return
        if reply.kind == "raw":
            self._send(reply.status, reply.raw)
            return
        choices: list[dict[str, Any]] = []
        if reply.kind != "empty_choices":
            content = reply.content if reply.content is not None else server.answer
            text = content(body) if callable(content) else content
            choices.append(
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": reply.finish_reason,
                }
            )
        completion = {
            "id": "chatcmpl-fault",
            "object": "chat.completion",
            "created": 0,
            "model": str(body.get("model", "test")),
            "choices": choices,
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
        self._send(200, json.dumps(completion).encode())

    def _send(self, code: int, payload: bytes, headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def unused_loopback_url() -> str:
    """A loopback URL with nothing listening on it: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def allow_loopback_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo conftest's block on model calls for this test, for loopback servers only.

    Safe: the real transport is restored only for backends whose ``base_url`` is on
    127.0.0.1 (this fault server, or a port with nothing listening); any other backend,
    including the embedded model, still fails the test.
    """

    def loopback_only(backend: Backend) -> Callable[..., Any]:
        host = urlsplit(backend.base_url or "").hostname
        if host != "127.0.0.1":
            raise AssertionError(f"a fault-server test tried to reach {backend.kind!r}")
        return REAL_MAKE_TRANSPORT(backend)

    monkeypatch.setattr(backends, "make_transport", loopback_only)


def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    """The body of a test module's server fixture: model calls may reach this server only.

    Use as ``yield from serve(monkeypatch)``; the server stops when the test ends.
    """
    allow_loopback_transport(monkeypatch)
    with FaultServer() as server:
        yield server
