"""llama-cpp-python's OpenAI-compatible server on loopback, and the model's raw speed.

The server serves the embedded model (the same GGUF file newsbrief runs in-process) to all
three systems of the benchmark, so they differ only in what they ask.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any

logger = logging.getLogger("bench.server")

MODEL_ALIAS = "qwen2.5-coder-1.5b-instruct-q4"
N_CTX = 8192
# Qwen2.5's end-of-text and end-of-turn tokens: banned while measuring decode speed so the
# model writes exactly max_tokens.
_QWEN_EOS = (151643, 151645)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def llama_server(model_path: Path, log_path: Path) -> Iterator[str]:
    """Start ``python -m llama_cpp.server`` on 127.0.0.1; yield its ``/v1`` base URL.

    ``--logits_all false``: the server's default keeps the logits of every prompt token
    (for ``echo`` log-probabilities, which no system here asks for), and computing them
    made every prefill ~15% slower for all systems alike.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model_path),
        "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", str(N_CTX),
        "--n_threads", str(os.cpu_count() or 2),
        "--logits_all", "false",
    ]  # fmt: skip
    with serving(command, f"http://127.0.0.1:{port}/v1", log_path) as base_url:
        yield base_url


@contextlib.contextmanager
def serving(command: list[str], base_url: str, log_path: Path) -> Iterator[str]:
    """Run ``command``, a server that answers ``GET {base_url}/models``, until the block
    ends; yield ``base_url`` once it answers.  The server never outlives the block: on
    an exception, Ctrl-C, or SIGTERM (a CI timeout, ``kill``), it is stopped too."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log, _sigterm_as_exit():
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(base_url, process, log_path)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Within the block, SIGTERM raises SystemExit(143) so that ``finally`` clauses run
    (Python's default for SIGTERM ends the process without them).  A second SIGTERM is
    ignored until the block ends, so the cleanup is not cut short.  Only the main thread
    can set signal handlers; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _wait_ready(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited ({process.returncode}); see {log_path}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base_url}/models", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"llama_cpp.server did not answer within 180 s; see {log_path}")


def post(base_url: str, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """POST JSON; return the decoded answer and the wall seconds it took."""
    request = urllib.request.Request(
        f"{base_url}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer, time.perf_counter() - started


@dataclass(frozen=True)
class RawSpeed:
    """Tokens per second of the served model on this machine, measured in this run."""

    prefill_tokens: int
    prefill_tps: float
    decode_tokens: int
    decode_tps: float
    grammar_decode_tokens: int
    grammar_decode_tps: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _filler(seed: int, words: int) -> str:
    # A prompt no earlier request shares a prefix with (llama.cpp reuses cached prefixes).
    vocabulary = "river harbour council figure budget minister report station village court"
    pool = vocabulary.split()
    return " ".join(
        f"{pool[(seed * 7 + i * 3) % len(pool)]}{(seed + i) % 97}" for i in range(words)
    )


def measure_raw_speed(base_url: str, *, seed: int) -> RawSpeed:
    """Prefill and decode speed, without and with a JSON-schema grammar.

    * prefill: a fresh ~1,000-token prompt, one token out;
    * decode: a fresh short prompt, end-of-text banned, 256 tokens out, minus the time the
      same (now cached) prompt takes with one token out;
    * grammar decode: the same with a JSON schema response format on chat completions.
    """
    body = {"model": MODEL_ALIAS, "temperature": 0.0}
    answer, seconds = post(
        base_url, "/completions", {**body, "prompt": _filler(seed, 600), "max_tokens": 1}
    )
    prefill_tokens = int(answer["usage"]["prompt_tokens"])
    prefill_tps = prefill_tokens / seconds

    prompt = f"Numbers {_filler(seed + 1, 12)}: 1, 2, 3,"
    ban = {str(token): -100.0 for token in _QWEN_EOS}
    answer, decode_s = post(
        base_url,
        "/completions",
        {**body, "prompt": prompt, "max_tokens": 256, "logit_bias": ban},
    )
    decode_tokens = int(answer["usage"]["completion_tokens"])
    _, overhead_s = post(base_url, "/completions", {**body, "prompt": prompt, "max_tokens": 1})
    decode_tps = (decode_tokens - 1) / max(decode_s - overhead_s, 1e-6)

    schema = {
        "type": "object",
        # minItems keeps the model writing long enough to time (it stops at ~25 tokens else)
        "properties": {"items": {"type": "array", "items": {"type": "string"}, "minItems": 40}},
        "required": ["items"],
    }
    messages = [
        {
            "role": "user",
            "content": f"List 60 short English words, one per item. ({_filler(seed + 2, 6)})",
        }
    ]
    chat = {**body, "messages": messages}
    answer, grammar_s = post(
        base_url,
        "/chat/completions",
        {
            **chat,
            "max_tokens": 256,
            "response_format": {"type": "json_object", "schema": schema},
        },
    )
    grammar_tokens = int(answer["usage"]["completion_tokens"])
    _, overhead_s = post(base_url, "/chat/completions", {**chat, "max_tokens": 1})
    grammar_tps = (grammar_tokens - 1) / max(grammar_s - overhead_s, 1e-6)
    return RawSpeed(
        prefill_tokens=prefill_tokens,
        prefill_tps=round(prefill_tps, 2),
        decode_tokens=decode_tokens,
        decode_tps=round(decode_tps, 2),
        grammar_decode_tokens=grammar_tokens,
        grammar_decode_tps=round(grammar_tps, 2),
    )
