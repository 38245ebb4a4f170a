"""Prefix states on disk (`prefix_cache`): the file format, keys, pruning; no model."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from newsbrief.backends import prefix_cache
from newsbrief.backends.embedded import last_message_start
from newsbrief.backends.prefix_cache import PrefixState


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF" + bytes(60))
    return path


def test_a_saved_state_reads_back_byte_exact(tmp_path: Path) -> None:
    state = PrefixState(tokens=(151644, 8948, 198, 2610), state=bytes(range(256)) * 40)
    prefix_cache.write(tmp_path, "k1", state)

    assert prefix_cache.read(tmp_path, "k1") == state
    assert prefix_cache.read(tmp_path, "k2") is None
    assert [p.name for p in tmp_path.iterdir()] == ["k1.state"]  # no temporary file left


def test_key_changes_with_everything_the_state_depends_on(model_file: Path) -> None:
    base = prefix_cache.key(model=model_file, n_ctx=4096, prefix='[{"role": "system"}]')

    assert base == prefix_cache.key(model=model_file, n_ctx=4096, prefix='[{"role": "system"}]')
    assert base != prefix_cache.key(model=model_file, n_ctx=8192, prefix='[{"role": "system"}]')
    assert base != prefix_cache.key(model=model_file, n_ctx=4096, prefix='[{"role": "user"}]')
    model_file.write_bytes(b"GGUF" + bytes(61))  # another model file at the same path
    assert base != prefix_cache.key(model=model_file, n_ctx=4096, prefix='[{"role": "system"}]')


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-1],  # cut short
        lambda raw: b"something else\n" + raw,  # not a state file
        lambda raw: raw.replace(b'"key": "k1"', b'"key": "k9"'),  # another prefix's state
        lambda raw: raw[: len(prefix_cache.MAGIC)] + b"{not json\n",
        lambda raw: raw[:-1] + b"S",  # a flipped byte in the state
    ],
)
def test_a_damaged_or_foreign_file_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: object
) -> None:
    prefix_cache.write(tmp_path, "k1", PrefixState((1, 2, 3), b"state bytes"))
    path = tmp_path / "k1.state"
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]

    with caplog.at_level(logging.WARNING, logger="newsbrief.backends.prefix_cache"):
        assert prefix_cache.read(tmp_path, "k1") is None
    assert "ignoring prefix state" in caplog.text


def test_only_the_newest_files_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefix_cache, "MAX_FILES", 3)
    for number in range(5):
        prefix_cache.write(tmp_path, f"k{number}", PrefixState((number,), b"x"))
        os.utime(tmp_path / f"k{number}.state", ns=(number * 10**9, number * 10**9))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["k2.state", "k3.state", "k4.state"]


def test_an_unwritable_directory_costs_nothing_but_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")

    prefix_cache.write(blocker / "prefixes", "k1", PrefixState((1,), b"x"))  # no exception

    assert prefix_cache.read(blocker / "prefixes", "k1") is None


@pytest.mark.parametrize(("value", "on"), [("", True), ("on", True), ("off", False), ("0", False)])
def test_files_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, value: str, on: bool) -> None:
    monkeypatch.setenv("NEWSBRIEF_PREFIX_CACHE", value)
    assert prefix_cache.enabled() is on


class _ChatMLTokenizer:
    """Tokenizes the ChatML start marker as one special token, as Qwen's tokenizer does."""

    START = 151644

    def __init__(self, marker_tokens: list[int] | None = None) -> None:
        self.marker_tokens = marker_tokens or [self.START]

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        assert text == b"<|im_start|>" and special and not add_bos
        return self.marker_tokens


def test_thelast_message_starts_at_the_next_to_last_chatml_marker() -> None:
    s = _ChatMLTokenizer.START
    # system, example question, example answer, the question, the answer's header + answer
    tokens = [s, 1, 2, s, 3, 4, s, 5, s, 6, 7, 8, s, 9, 10, 11]

    assert last_message_start(_ChatMLTokenizer(), tokens) == 8


def test_no_cut_for_a_chat_format_without_one_token_markers() -> None:
    s = _ChatMLTokenizer.START
    tokens = [s, 1, s, 2, s, 3]

    assert last_message_start(_ChatMLTokenizer([60, 91, 318]), tokens) is None
    assert last_message_start(_ChatMLTokenizer(), [s, 1, s, 2]) is None  # a prompt of 1 message
