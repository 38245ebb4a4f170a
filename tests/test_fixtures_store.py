from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbrief.errors import ConfigurationError, FixtureError, FixtureMissError
from newsbrief.fixtures import FixtureStore, request_key, resolve_mode

REQUEST = {
    "backend": "embedded",
    "model": "m",
    "mode": "json_schema",
    "prompt_version": "attribution@1",
    "messages": [{"role": "user", "content": "Sentence: “Quoted” — dash"}],
    "sampling": {"temperature": 0.0, "seed": 0, "max_tokens": 60},
}
RESPONSE = {"id": "x", "choices": [], "object": "chat.completion", "created": 0, "model": "m"}


def test_key_is_independent_of_dict_order() -> None:
    reordered = dict(reversed(list(REQUEST.items())))
    assert request_key(reordered) == request_key(REQUEST)


@pytest.mark.parametrize(
    "change",
    [
        {"sampling": {"temperature": 0.7, "seed": 0, "max_tokens": 60}},
        {"sampling": {"temperature": 0.0, "seed": 1, "max_tokens": 60}},
        {"prompt_version": "attribution@2"},
        {"model": "other"},
        {"messages": [{"role": "user", "content": 'Sentence: "Quoted" - dash'}]},
    ],
)
def test_key_changes_with_everything_that_decides_the_answer(change: dict[str, object]) -> None:
    assert request_key({**REQUEST, **change}) != request_key(REQUEST)


def test_saved_call_replays_byte_exact(tmp_path: Path) -> None:
    store = FixtureStore(tmp_path, "record")
    key = request_key(REQUEST)
    store.save(key, REQUEST, RESPONSE)
    assert FixtureStore(tmp_path, "replay").load(key) == RESPONSE
    on_disk = json.loads(store.path_for(key).read_text(encoding="utf-8"))
    assert on_disk["request"]["messages"][0]["content"] == "Sentence: “Quoted” — dash"
    assert not list(tmp_path.glob(".*.tmp")), "temporary files must not be left behind"


def test_missing_call_is_none_and_miss_names_key_and_changed_field(tmp_path: Path) -> None:
    store = FixtureStore(tmp_path, "replay")
    store.save(request_key(REQUEST), REQUEST, RESPONSE)
    changed = {**REQUEST, "sampling": {"temperature": 0.5, "seed": 0, "max_tokens": 60}}
    key = request_key(changed)
    assert store.load(key) is None
    error = store.miss(key, changed)
    assert isinstance(error, FixtureMissError)
    assert error.key == key and key in str(error)
    assert "sampling" in str(error) and "messages" not in str(error)


@pytest.mark.parametrize("content", [b"{not json", b'{"key": "wrong", "response": {}}', b"\xff"])
def test_corrupt_or_truncated_file_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    store = FixtureStore(tmp_path, "replay")
    key = request_key(REQUEST)
    store.path_for(key).write_bytes(content)
    with pytest.raises(FixtureError, match="corrupt"):
        store.load(key)


def test_truncated_or_mislabelled_saved_file_is_a_clear_error(tmp_path: Path) -> None:
    store = FixtureStore(tmp_path, "replay")
    key = request_key(REQUEST)
    store.save(key, REQUEST, RESPONSE)
    saved = store.path_for(key).read_bytes()
    store.path_for(key).write_bytes(saved[:-12])
    with pytest.raises(FixtureError, match="corrupt"):
        store.load(key)
    other = request_key({**REQUEST, "model": "other"})
    store.path_for(other).write_bytes(saved)
    with pytest.raises(FixtureError, match="corrupt"):
        store.load(other)


def test_file_in_another_json_layout_still_loads(tmp_path: Path) -> None:
    store = FixtureStore(tmp_path, "replay")
    key = request_key(REQUEST)
    record = {"response": RESPONSE, "request": REQUEST, "key": key, "format": 1}
    store.path_for(key).write_text(json.dumps(record), encoding="utf-8")
    assert store.load(key) == RESPONSE


def test_every_recorded_fixture_is_named_by_the_key_of_its_request_and_loads() -> None:
    responses = Path(__file__).parents[1] / "fixtures" / "responses"
    files = sorted(responses.glob("*.json"))
    assert files
    store = FixtureStore(responses, "replay")
    for path in files:
        record = json.loads(path.read_bytes())
        assert request_key(record["request"]) == path.stem == record["key"], path.name
        assert store.load(path.stem) == record["response"], path.name


def test_recording_larger_than_one_read_loads_whole(tmp_path: Path) -> None:
    store = FixtureStore(tmp_path, "replay")
    key = request_key(REQUEST)
    response = {**RESPONSE, "choices": [{"message": {"content": "é" * 150_000}}]}
    store.save(key, REQUEST, response)
    assert store.path_for(key).stat().st_size > 3 * 65_536
    assert store.load(key) == response


def test_a_record_with_a_member_after_its_response_still_loads(tmp_path: Path) -> None:
    store = FixtureStore(tmp_path, "replay")
    key = request_key(REQUEST)
    path = store.save(key, REQUEST, RESPONSE)
    raw = path.read_bytes()
    edited = raw.rstrip()[:-1] + b', "zzz": 1\n}\n'  # a member after "response"
    path.write_bytes(edited)
    assert store.load(key) == RESPONSE


def test_mode_comes_from_argument_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBRIEF_FIXTURES", "auto")
    assert resolve_mode(None) == "auto"
    assert resolve_mode("record") == "record"
    monkeypatch.delenv("NEWSBRIEF_FIXTURES")
    assert resolve_mode(None) == "off"
    assert FixtureStore.from_settings(None, None) is None


def test_unknown_mode_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="playback"):
        resolve_mode("playback")
