"""The fixture store under concurrent recorders and readers, and with damaged files.

Eight spawned processes record and replay the same keys and their own keys at once through
`FixtureStore`; every load must return a whole record (never a partial or mixed one), and
no temporary file may be left behind.  A damaged file is a `FixtureError`, never a crash.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import random
import time
from pathlib import Path
from typing import Any

import pytest

from newsbrief.errors import FixtureError
from newsbrief.fixtures import FixtureStore, request_key

WORKERS = 8
ROUNDS = 12
OWN_KEYS = 3
SHARED_KEYS = [request_key({"shared": i}) for i in range(3)]


def own_keys(worker: int) -> list[str]:
    return [request_key({"worker": worker, "key": i}) for i in range(OWN_KEYS)]


def make_response(key: str, writer: int, round_: int) -> dict[str, Any]:
    """A response of 1-200 KB whose digest shows whether it arrived whole."""
    size = random.randint(1_000, 200_000)
    payload = f"{writer}:{round_}:" + "“quoted” — " * (size // 12)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return {"key": key, "writer": writer, "round": round_, "payload": payload, "digest": digest}


def check_response(key: str, response: dict[str, Any]) -> None:
    assert response["key"] == key, f"{key}: holds the record of {response['key']}"
    payload = response["payload"]
    assert hashlib.sha256(payload.encode("utf-8")).hexdigest() == response["digest"], (
        f"{key}: partial or mixed record"
    )


def record_and_replay(directory: str, worker: int) -> int:
    """One process: write shared and own keys, read everything, ROUNDS times; loads done."""
    store = FixtureStore(Path(directory), "auto")
    everyone = SHARED_KEYS + [k for w in range(WORKERS) for k in own_keys(w)]
    loads = 0
    for round_ in range(ROUNDS):
        for key in SHARED_KEYS + own_keys(worker):
            store.save(key, {"key": key}, make_response(key, worker, round_))
        for key in random.sample(everyone, len(everyone)):
            response = store.load(key)
            if response is not None:  # another worker's key, not written yet
                check_response(key, response)
                loads += 1
    return loads


def test_eight_processes_recording_and_replaying_never_see_a_partial_file(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        loads = pool.starmap(record_and_replay, [(str(tmp_path), w) for w in range(WORKERS)])
    assert time.monotonic() - started < 15
    # Each worker read at least its own and the shared keys, every round.
    assert all(n >= ROUNDS * (len(SHARED_KEYS) + OWN_KEYS) for n in loads)
    files = sorted(tmp_path.iterdir())
    assert not [p.name for p in files if p.suffix != ".json"], "temporary files left behind"
    assert len(files) == len(SHARED_KEYS) + WORKERS * OWN_KEYS
    store = FixtureStore(tmp_path, "replay")
    for path in files:
        response = store.load(path.stem)
        assert response is not None
        check_response(path.stem, response)


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[FixtureStore, str, bytes]:
    store = FixtureStore(tmp_path, "replay")
    key = request_key({"messages": [{"role": "user", "content": "Sentence: ..."}]})
    store.save(key, {"key": key}, make_response(key, 0, 0))
    return store, key, store.path_for(key).read_bytes()


@pytest.mark.parametrize("keep", [0, 1, 100, 0.5, -2], ids=str)
def test_truncated_fixture_is_a_fixture_error_naming_the_file(
    recorded: tuple[FixtureStore, str, bytes], keep: float
) -> None:
    store, key, data = recorded
    cut = int(len(data) * keep) if isinstance(keep, float) else keep
    store.path_for(key).write_bytes(data[:cut])
    with pytest.raises(FixtureError, match=r"is corrupt .*delete it and record again") as caught:
        store.load(key)
    assert str(store.path_for(key)) in str(caught.value)


@pytest.mark.parametrize(
    "damage",
    [
        lambda record: {**record, "key": "0" * 64},  # another call's record under this name
        lambda record: {k: v for k, v in record.items() if k != "response"},
        lambda record: {**record, "response": ["not", "an", "object"]},
        lambda record: ["not", "an", "object"],
    ],
    ids=["wrong key", "no response", "response not an object", "record not an object"],
)
def test_damaged_fixture_is_a_fixture_error(
    recorded: tuple[FixtureStore, str, bytes], damage: Any
) -> None:
    store, key, data = recorded
    store.path_for(key).write_text(json.dumps(damage(json.loads(data))), encoding="utf-8")
    with pytest.raises(FixtureError, match="is corrupt"):
        store.load(key)


def test_fixture_that_is_not_utf8_is_a_fixture_error(
    recorded: tuple[FixtureStore, str, bytes],
) -> None:
    store, key, data = recorded
    store.path_for(key).write_bytes(data.replace("“".encode(), b"\x93", 1))
    with pytest.raises(FixtureError, match="is corrupt"):
        store.load(key)
