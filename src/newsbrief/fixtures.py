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
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args

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


# What of a chat request decides its answer, besides the backend's identity.
SAMPLING_KEYS = (
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "seed",
    "max_tokens",
    "stop",
    "repeat_penalty",
    "frequency_penalty",
    "presence_penalty",
)
KEYED_REQUEST_KEYS = ("messages", "response_format", "tools", "tool_choice")


def keyed_request(identity: Mapping[str, str], request: Mapping[str, Any]) -> dict[str, Any]:
    """What a call's key is made of: ``identity`` (backend, model, mode, prompt version),
    the request's messages, response format or tools, and its sampling parameters.  Nothing
    else of the request (no API key, URL or client identity) reaches a key or a file."""
    keyed: dict[str, Any] = dict(identity)
    for name in KEYED_REQUEST_KEYS:
        if name in request:
            keyed[name] = request[name]
    keyed["sampling"] = {k: request[k] for k in SAMPLING_KEYS if k in request}
    return keyed


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no insignificant whitespace, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_key(request: dict[str, Any]) -> str:
    """The hex SHA-256 of the canonical JSON of a keyed request."""
    return hashlib.sha256(canonical_json(request).encode("utf-8")).hexdigest()


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

    def load(self, key: str) -> dict[str, Any] | None:
        """The recorded response for ``key``, or None when there is none."""
        path = self.path_for(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise FixtureError(f"cannot read fixture {path}: {exc}") from exc
        try:
            record = json.loads(raw.decode("utf-8"))
            if not isinstance(record, dict) or record.get("key") != key:
                raise ValueError("key field is wrong")
            response = record["response"]
            if not isinstance(response, dict):
                raise ValueError("response field is wrong")
        except (ValueError, KeyError) as exc:
            raise FixtureError(
                f"fixture {path} is corrupt ({exc}); delete it and record again"
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
