"""Record and replay of model calls: one readable JSON file per call.

A call's key is the SHA-256 of canonical JSON of everything that decides the answer
(backend, model id, Instructor mode, prompt version, messages, response format or tools,
sampling parameters).  API keys, headers, base URLs and client identity are never part
of a key or a file.  Modes:

- ``off``: no store (the default for users);
- ``record``: every call goes to the model and is written;
- ``replay``: every call is read; a miss raises `FixtureMissError` naming the key and how
  the request differs from the closest recorded one, never a silent live call;
- ``auto``: read when recorded, otherwise call the model and write.

Writes are atomic (temporary file + ``os.replace``), so concurrent recorders of the same
key cannot leave a partial file; a file that does not parse is a `FixtureError`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args

import pydantic_core

from newsbrief.errors import ConfigurationError, FixtureError, FixtureMissError

FixtureMode = Literal["off", "record", "replay", "auto"]
FORMAT_VERSION = 1
ENV_MODE = "NEWSBRIEF_FIXTURES"
ENV_DIR = "NEWSBRIEF_FIXTURES_DIR"


def resolve_mode(mode: str | None) -> FixtureMode:
    """The mode named by the argument, else by ``NEWSBRIEF_FIXTURES``, else ``off``."""
    chosen = (mode or os.environ.get(ENV_MODE) or "off").strip().lower()
    if chosen not in get_args(FixtureMode):
        raise ConfigurationError(
            f"fixture mode {chosen!r} is not one of {', '.join(get_args(FixtureMode))}"
        )
    return cast(FixtureMode, chosen)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no insignificant whitespace, non-ASCII kept as is."""
    return _CANONICAL.encode(value)


# json.dumps with these options builds an encoder per call; one shared encoder is stateless.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_key(request: dict[str, Any]) -> str:
    """The hex SHA-256 of the canonical JSON of a keyed request."""
    return hashlib.sha256(canonical_json(request).encode("utf-8")).hexdigest()


def request_key_of_encoded(fields: dict[str, str]) -> str:
    """`request_key` of a request given as its fields' canonical JSON (``canonical_json``
    of each value): callers can encode a large field that repeats (a schema) only once."""
    body = ",".join(f"{_encoded_name(name)}:{fields[name]}" for name in sorted(fields))
    return hashlib.sha256(f"{{{body}}}".encode()).hexdigest()


class FieldKey:
    """`request_key_of_encoded` as a function of field ``name``'s canonical JSON, every
    other field fixed as given (the SHA-256 of the text before it is computed once).

    `with_prefix` hashes a value given as a prefix that repeats (a prompt's static
    messages) and the rest: the state after a prefix is kept for the last few prefixes.
    Safe to share between threads.
    """

    _PREFIXES = 16

    def __init__(self, fields: dict[str, str], name: str) -> None:
        names = sorted({*fields, name})
        at = names.index(name)
        before = ",".join(f"{_encoded_name(n)}:{fields[n]}" for n in names[:at])
        after = "".join(f",{_encoded_name(n)}:{fields[n]}" for n in names[at + 1 :])
        self._head = hashlib.sha256(
            f"{{{before}{',' if before else ''}{_encoded_name(name)}:".encode()
        )
        self._tail = f"{after}}}".encode()
        self._after_prefix: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, value: str) -> str:
        digest = self._head.copy()
        digest.update(value.encode())
        digest.update(self._tail)
        return digest.hexdigest()

    def with_prefix(self, prefix: str, rest: str) -> str:
        """``self(prefix + rest)``."""
        state = self._after_prefix.get(prefix)
        if state is None:
            state = self._head.copy()
            state.update(prefix.encode())
            with self._lock:
                if len(self._after_prefix) >= self._PREFIXES:
                    del self._after_prefix[next(iter(self._after_prefix))]
                self._after_prefix[prefix] = state
        digest = state.copy()
        digest.update(rest.encode())
        digest.update(self._tail)
        return digest.hexdigest()


@functools.lru_cache(maxsize=64)
def _encoded_name(name: str) -> str:
    return canonical_json(name)


@dataclass(frozen=True)
class FixtureStore:
    """A directory of recorded calls, used in one mode."""

    directory: Path
    mode: FixtureMode

    @classmethod
    def from_settings(
        cls, mode: str | None, directory: str | os.PathLike[str] | None
    ) -> FixtureStore | None:
        """The store chosen by arguments or environment, or None for mode ``off``."""
        resolved = resolve_mode(mode)
        if resolved == "off":
            return None
        where = directory or os.environ.get(ENV_DIR) or Path("fixtures") / "responses"
        return cls(Path(where), resolved)

    @property
    def reads(self) -> bool:
        return self.mode in ("replay", "auto")

    @property
    def writes(self) -> bool:
        return self.mode in ("record", "auto")

    def path_for(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    @functools.cached_property
    def _file_prefix(self) -> str:
        return os.path.join(self.directory, "")

    def load(self, key: str) -> dict[str, Any] | None:
        """The recorded response for ``key``, or None when there is none."""
        where = f"{self._file_prefix}{key}.json"
        try:
            raw = _read_bytes(where)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise FixtureError(f"cannot read fixture {where}: {exc}") from exc
        try:
            response = _response_as_saved(raw, key)
            if response is None:
                record = json.loads(raw.decode("utf-8"))
                response = record["response"]
                if record.get("key") != key:
                    raise ValueError("key field is wrong")
            if not isinstance(response, dict):
                raise ValueError("response field is wrong")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise FixtureError(
                f"fixture {where} is corrupt ({exc}); delete it and record again"
            ) from exc
        return cast(dict[str, Any], response)

    def save(self, key: str, request: dict[str, Any], response: dict[str, Any]) -> Path:
        """Write one call atomically; returns the file's path."""
        record = {
            "format": FORMAT_VERSION,
            "key": key,
            "request": request,
            "response": response,
        }
        data = json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        path = self.path_for(key)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:12]}.", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise FixtureError(f"cannot write fixture {path}: {exc}") from exc
        return path

    def miss(self, key: str, request: dict[str, Any]) -> FixtureMissError:
        """The error for a replay miss, saying how the request differs from the nearest."""
        nearest = self._nearest(request)
        if nearest is None:
            hint = f"no recorded calls in {self.directory}"
        else:
            name, changed = nearest
            hint = f"nearest recorded call {name} differs in: {', '.join(changed)}"
        return FixtureMissError(
            f"no recorded response for key {key} in replay mode ({hint}); "
            f"record it with NEWSBRIEF_FIXTURES=record",
            key=key,
        )

    def _nearest(self, request: dict[str, Any]) -> tuple[str, list[str]] | None:
        best: tuple[str, list[str]] | None = None
        for path in sorted(self.directory.glob("*.json")):
            try:
                other = json.loads(path.read_text(encoding="utf-8"))["request"]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            changed = _changed_fields(request, other)
            if best is None or len(changed) < len(best[1]):
                best = (path.name, changed)
        return best


def _read_bytes(path: str) -> bytes:
    """The whole file, in one ``read`` call for a file that does not grow meanwhile.

    Replay reads ~30 small files per brief; ``open(...).read()`` builds a file object and
    reads until an empty read, about twice the cost of these three system calls.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        chunks = [os.read(fd, _READ_SIZE)]
        while len(chunks[-1]) == _READ_SIZE:  # a short read is the end of a regular file
            chunks.append(os.read(fd, _READ_SIZE))
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
_READ_SIZE = 1 << 16  # recordings are 1-10 KB
_HEAD = f'{{\n "format": {FORMAT_VERSION},\n "key": "'.encode()
_RESPONSE_MEMBER = b'\n "response": '


def _response_as_saved(raw: bytes, key: str) -> Any | None:
    """The response of a file laid out as `FixtureStore.save` writes it, else None.

    Replay's fast path: only the response is decoded, not the request (3/4 of the file).
    The layout makes this exact: sorted keys put "key" second and "response" last, and with
    ``indent=1`` only top-level members start a line with one space (strings never hold a
    raw newline), so the response is the text between that member and the closing brace.
    It is parsed by pydantic-core's JSON parser (already loaded with pydantic; ~1.6x the
    standard library's speed on these files), which rejects anything after the value.
    Anything else returns None and the caller parses the whole file.
    """
    if not (raw.startswith(_HEAD) and raw.startswith(f'{key}",\n'.encode(), len(_HEAD))):
        return None
    at = raw.rfind(_RESPONSE_MEMBER)
    if at < 0:
        return None
    body = raw[at + len(_RESPONSE_MEMBER) :].rstrip()
    if not body.endswith(b"}"):
        return None
    try:
        return pydantic_core.from_json(body[:-1])
    except ValueError:  # not JSON, or text after the response's value
        return None


def _changed_fields(new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    changed: list[str] = []
    for name in sorted(set(new) | set(old)):
        if name == "messages" and isinstance(new.get(name), list):
            changed.extend(_changed_messages(new[name], old.get(name)))
        elif canonical_json(new.get(name)) != canonical_json(old.get(name)):
            changed.append(name)
    return changed


def _changed_messages(new: list[Any], old: Any) -> list[str]:
    if not isinstance(old, list):
        return ["messages"]
    changed = [
        f"messages[{i}]"
        for i in range(max(len(new), len(old)))
        if i >= len(new) or i >= len(old) or canonical_json(new[i]) != canonical_json(old[i])
    ]
    return changed
