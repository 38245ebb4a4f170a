from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsbrief.errors import ConfigurationError, FixtureError, FixtureMissError
from newsbrief.fixtures import (
    FieldKey,
    FixtureStore,
    _response_as_saved,
    canonical_json,
    request_key,
    request_key_of_encoded,
    resolve_mode,
)

REQUEST = {
    "backend": "embedded",
    "model": "m",
    "mode": "json_schema",
    "prompt_version": "attribution@1",
    "messages": [{"role": "user", "content": "Sentence: “Quoted” — dash"}],
    "sampling": {"temperature": 0.0, "seed": 0, "max_tokens": 60},
}
RESPONSE = {"id": "x", "choices": [], "object": "chat.completion", "created": 0, "model": "m"}


def test_key_of_encoded_fields_is_the_key_of_the_request() -> None:
    schema = {"type": "json_schema", "json_schema": {"name": "A", "schema": {"é": [1, None]}}}
    request = {**REQUEST, "response_format": schema}
    encoded = {name: canonical_json(value) for name, value in request.items()}
    assert request_key_of_encoded(encoded) == request_key(request)


@pytest.mark.parametrize("name", ["messages", "aaa", "zzz"])
def test_field_key_is_the_key_of_the_request(name: str) -> None:
    fields = {field: canonical_json(value) for field, value in REQUEST.items() if field != name}
    key_of = FieldKey(fields, name)
    for value in (["a", "é"], {"k": None}, "x"):
        encoded = {**fields, name: canonical_json(value)}
        assert key_of(canonical_json(value)) == request_key_of_encoded(encoded)
        assert key_of(canonical_json(value)) == request_key({**REQUEST, name: value})


def test_key_with_a_saved_prefix_is_the_key_of_the_whole_value() -> None:
    fields = {field: canonical_json(value) for field, value in REQUEST.items() if field != "m"}
    key_of = FieldKey(fields, "m")
    prefixes = [f"[{i}é," for i in range(40)]  # more than the prefixes it keeps
    for _ in range(2):
        for prefix in prefixes:
            for rest in ("1]", '"x"]'):
                assert key_of.with_prefix(prefix, rest) == key_of(prefix + rest)
    assert key_of.with_prefix("", "[]") == key_of("[]")


def test_key_of_a_rendered_question_is_the_key_of_its_messages() -> None:
    from newsbrief.llm import encoded_messages, messages_key
    from newsbrief.prompts import RenderedQuestion, load_prompt

    fields = {f: canonical_json(v) for f, v in REQUEST.items() if f != "messages"}
    key_of = FieldKey(fields, "messages")
    for name, values in (
        ("figure", {"sentence": "Seven died.", "number": "Seven"}),
        ("summary", {"article": "“Quoted”\nline"}),
    ):
        prompt = load_prompt(name)
        question = prompt.render_question(**values)
        assert isinstance(question, RenderedQuestion)
        expected = request_key({**REQUEST, "messages": prompt.render(**values)})
        assert messages_key(key_of, question) == expected
        assert messages_key(key_of, prompt.render(**values)) == expected
        assert key_of(encoded_messages(question)) == expected
    alone = RenderedQuestion((), "user", "q")
    assert messages_key(key_of, alone) == request_key(
        {**REQUEST, "messages": [{"role": "user", "content": "q"}]}
    )


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


def test_fast_path_reads_every_recorded_fixture_as_a_full_parse_does() -> None:
    files = sorted((Path(__file__).parents[1] / "fixtures" / "responses").glob("*.json"))
    assert files
    for path in files:
        raw = path.read_bytes()
        assert _response_as_saved(raw, path.stem) == json.loads(raw)["response"], path.name


def test_recording_larger_than_one_read_loads_whole(tmp_path: Path) -> None:
    store = FixtureStore(tmp_path, "replay")
    key = request_key(REQUEST)
    response = {**RESPONSE, "choices": [{"message": {"content": "é" * 150_000}}]}
    store.save(key, REQUEST, response)
    assert store.path_for(key).stat().st_size > 3 * 65_536
    assert store.load(key) == response


def test_fast_path_gives_way_to_a_full_parse_when_text_follows_the_response(
    tmp_path: Path,
) -> None:
    store = FixtureStore(tmp_path, "replay")
    key = request_key(REQUEST)
    path = store.save(key, REQUEST, RESPONSE)
    raw = path.read_bytes()
    edited = raw.rstrip()[:-1] + b', "zzz": 1\n}\n'  # a member after "response"
    assert _response_as_saved(edited, key) is None
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


@pytest.mark.parametrize(
    "messages",
    [
        [],
        [{"role": "user", "content": "only one"}],
        [{"role": "system", "content": "é “x”\n"}, {"role": "user", "content": "q\\u"}],
        [{"role": "system", "content": "s", "name": "n"}, {"role": "user", "content": "q"}],
        [{"role": "system", "content": ["a", "list"]}, {"role": "user", "content": "q"}],
        [{"content": "no role"}, {"role": "user", "content": "q"}],
        [{"role": "system", "content": "s"}, {"role": "user", "content": "q\x00", "name": "n"}],
        [{"role": "system", "content": "s"}, {"role": "user", "content": ["x", {"é": 1}]}],
    ],
)
def test_encoded_messages_are_the_canonical_json_of_any_messages(messages: Any) -> None:
    from newsbrief.llm import encoded_messages

    assert encoded_messages(messages) == canonical_json(messages)
    assert encoded_messages(messages) == canonical_json(messages)  # from the cache
