"""Context snapshots of prompt prefixes kept on disk, so a new process skips their prefill.

Each of newsbrief's question kinds opens with the same instructions and few-shot examples
(200-500 tokens).  `embedded.EmbeddedModel` keeps llama.cpp's context after that prefix in
memory; this module keeps it in files, so the next process (a CLI run, a test session)
restores it instead of evaluating it again (bench/cold_start.py measures the gain).

A file holds the KV cache of the prefix's tokens and nothing after them: no article text.
Its name is a hash of everything the state depends on (llama-cpp-python's version, the model
file, the context size, the prefix), and its header repeats that key; a file that does not
match, or whose state fails its SHA-256 (llama.cpp would read damaged bytes as a state),
is ignored.  Writes go through a temporary file renamed into place, so processes
sharing the directory never read half a file.  At most `MAX_FILES` are kept (the oldest
go first).  ``NEWSBRIEF_PREFIX_CACHE=off`` turns the files off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

MAGIC = b"newsbrief-prefix 1\n"
MAX_FILES = 32  # ~10-20 MB each
SUFFIX = ".state"


@dataclass(frozen=True)
class PrefixState:
    """llama.cpp's context state after ``tokens`` (the prefix's tokens, nothing after)."""

    tokens: tuple[int, ...]
    state: bytes


def enabled() -> bool:
    """Whether prefix states may be kept on disk (``NEWSBRIEF_PREFIX_CACHE`` is not off)."""
    return os.environ.get("NEWSBRIEF_PREFIX_CACHE", "").strip().lower() not in {"0", "off", "no"}


def key(*, model: Path, n_ctx: int, prefix: str) -> str:
    """The file key of ``prefix`` on ``model``: what the saved state depends on."""
    import llama_cpp

    stat = model.stat()
    identity = {
        "llama_cpp": llama_cpp.__version__,
        "model": [str(model), stat.st_size, stat.st_mtime_ns],
        "n_ctx": n_ctx,
        "prefix": prefix,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def read(directory: Path, file_key: str) -> PrefixState | None:
    """The state saved under ``file_key``, or None (no file, or one that does not match)."""
    path = _path(directory, file_key)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        logger.debug("cannot read prefix state %s: %s", path, exc)
        return None
    try:
        if not raw.startswith(MAGIC):
            raise ValueError("not a prefix state file")
        end = raw.index(b"\n", len(MAGIC))
        header = json.loads(raw[len(MAGIC) : end])
        if header["key"] != file_key:
            raise ValueError("its key is another prefix's")
        tokens = tuple(int(token) for token in header["tokens"])
        state = raw[end + 1 :]
        if len(state) != header["size"]:
            raise ValueError(f"{len(state)} state bytes, header says {header['size']}")
        if hashlib.sha256(state).hexdigest() != header["sha256"]:
            raise ValueError("its state does not match its checksum")
    except (ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring prefix state %s: %s", path, exc)
        return None
    return PrefixState(tokens, state)


def write(directory: Path, file_key: str, prefix: PrefixState) -> None:
    """Save ``prefix`` under ``file_key`` (atomically); failures are logged, not raised."""
    header = {
        "key": file_key,
        "size": len(prefix.state),
        "sha256": hashlib.sha256(prefix.state).hexdigest(),
        "tokens": list(prefix.tokens),
    }
    target = _path(directory, file_key)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".writing.", dir=directory)
    except OSError as exc:
        logger.debug("cannot write prefix states to %s: %s", directory, exc)
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + json.dumps(header).encode() + b"\n")
            out.write(prefix.state)
        os.replace(tmp_name, target)
    except OSError as exc:
        logger.debug("cannot write prefix state %s: %s", target, exc)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
    _prune(directory)


def discard(directory: Path, file_key: str) -> None:
    """Remove the state saved under ``file_key`` (one llama.cpp would not take)."""
    with contextlib.suppress(OSError):
        _path(directory, file_key).unlink()


def _path(directory: Path, file_key: str) -> Path:
    return directory / f"{file_key}{SUFFIX}"


def _prune(directory: Path) -> None:
    """Keep the `MAX_FILES` most recently written states."""
    try:
        files = sorted(directory.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime_ns)
    except OSError:
        return
    for old in files[:-MAX_FILES]:
        with contextlib.suppress(OSError):
            old.unlink()
