"""When `EmbeddedModel` saves a prefix state to disk, and what it saves; a fake llama, no model.

The fake turns each message into its chat marker and one token for its text, keeps its
"KV cache" as the list of tokens evaluated, and evaluates only what does not continue it,
as llama-cpp-python does.  llama.cpp's state calls are replaced by (de)serialising that list.
"""

from __future__ import annotations

import ctypes
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsbrief.backends import embedded, prefix_cache

llama_cpp = pytest.importorskip("llama_cpp")

MARK = 151644  # "<|im_start|>"
ANSWER = 7


class _Ctx:
    def __init__(self) -> None:
        self.kv: list[int] = []
        self.refuse = False


class _CtxHandle:
    def __init__(self) -> None:
        self.ctx = _Ctx()

    def kv_cache_seq_rm(self, seq_id: int, p0: int, p1: int) -> bool:
        del self.ctx.kv[p0:]
        return True


class FakeLlama:
    def __init__(self) -> None:
        self._ctx = _CtxHandle()
        self.input_ids = np.zeros(4096, dtype=np.intc)
        self.n_tokens = 0
        self._requires_eval = True
        self.evaluated: list[int] = []

    def n_ctx(self) -> int:
        return 4096

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        assert text == b"<|im_start|>"
        return [MARK]

    def reset(self) -> None:
        self.n_tokens = 0
        self._ctx.ctx.kv = []

    def create_chat_completion_openai_v1(self, messages: list[dict[str, str]], **_: Any) -> str:
        prompt = [t for m in messages for t in (MARK, _token(m))] + [MARK]
        cached = [int(t) for t in self.input_ids[: self.n_tokens]]
        same = 0
        while same < min(len(prompt), len(cached)) and prompt[same] == cached[same]:
            same += 1
        self.evaluated.append(len(prompt) - same)
        tokens = [*prompt, ANSWER]
        self.input_ids[: len(tokens)] = tokens
        self.n_tokens = len(tokens)
        self._ctx.ctx.kv = list(tokens)
        self._requires_eval = False
        return "answer"


def _token(message: dict[str, str]) -> int:
    return 1000 + sum(map(ord, json.dumps(message, sort_keys=True))) % 50000


@pytest.fixture(autouse=True)
def _fake_llama_state(monkeypatch: pytest.MonkeyPatch) -> None:
    def encoded(ctx: _Ctx) -> bytes:
        return json.dumps(ctx.kv).encode()

    def get_data(ctx: _Ctx, buffer: Any, size: int) -> int:
        data = encoded(ctx)
        ctypes.memmove(buffer, data, len(data))
        return len(data)

    def set_data(ctx: _Ctx, buffer: Any, size: int) -> int:
        if ctx.refuse:
            return 0
        ctx.kv = json.loads(bytes(buffer)[:size])
        return size

    monkeypatch.setattr(llama_cpp, "llama_state_get_size", lambda ctx: len(encoded(ctx)))
    monkeypatch.setattr(llama_cpp, "llama_state_get_data", get_data)
    monkeypatch.setattr(llama_cpp, "llama_state_set_data", set_data)
    monkeypatch.delenv("NEWSBRIEF_PREFIX_CACHE", raising=False)


HEAD = [
    {"role": "system", "content": "Say who made the statement."},
    {"role": "user", "content": "Sentence: an example."},
    {"role": "assistant", "content": '{"speaker": "an example"}'},
]


def ask(model: embedded.EmbeddedModel, sentence: str, head: list[dict[str, str]] = HEAD) -> None:
    model.create(messages=[*head, {"role": "user", "content": f"Sentence: {sentence}"}])


def model_at(tmp_path: Path, llama: FakeLlama | None = None) -> embedded.EmbeddedModel:
    gguf = tmp_path / "model.gguf"
    if not gguf.exists():
        gguf.write_bytes(b"GGUF")
    return embedded.EmbeddedModel(path=gguf, llama=llama or FakeLlama(), prefix_dir=tmp_path / "p")


def saved_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "p").glob("*.state"))


def test_a_prefix_is_saved_after_two_different_questions_and_holds_only_its_own_tokens(
    tmp_path: Path,
) -> None:
    model = model_at(tmp_path)
    ask(model, "one")
    ask(model, "one")  # the same question again is not a second question
    assert saved_files(tmp_path) == []

    ask(model, "two")

    (path,) = saved_files(tmp_path)
    saved = prefix_cache.read(path.parent, path.stem)
    assert saved is not None
    head_tokens = [t for m in HEAD for t in (MARK, _token(m))]
    assert list(saved.tokens) == head_tokens
    assert json.loads(saved.state) == head_tokens  # the KV of the head, no question in it
    # The model's own context is as it was: the second question and its answer.
    assert model.llama._ctx.ctx.kv[-3:] == [
        _token({"role": "user", "content": "Sentence: two"}),
        MARK,
        ANSWER,
    ]


def test_a_re_asks_conversation_is_never_saved(tmp_path: Path) -> None:
    model = model_at(tmp_path)
    re_ask_head = [
        *HEAD,
        {"role": "user", "content": "Sentence: the article's sentence."},
        {"role": "assistant", "content": '{"speaker": "Reuters"}'},
    ]
    ask(model, "one")
    ask(model, "Reuters is the outlet, not the speaker.", head=re_ask_head)
    ask(model, "one")

    assert saved_files(tmp_path) == []


def test_a_new_process_restores_the_saved_prefix_and_evaluates_only_its_question(
    tmp_path: Path,
) -> None:
    earlier = model_at(tmp_path)
    ask(earlier, "one")
    ask(earlier, "two")

    later = model_at(tmp_path)
    ask(later, "three")

    assert later.llama.evaluated == [3]  # the question's marker and text, the answer's marker


def test_files_off_keeps_snapshots_in_memory_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBRIEF_PREFIX_CACHE", "off")
    model = model_at(tmp_path)
    ask(model, "one")
    ask(model, "two")

    assert saved_files(tmp_path) == []
    assert model.snapshots  # still kept in memory


def test_a_state_llama_cpp_refuses_is_deleted_and_snapshots_go_on(tmp_path: Path) -> None:
    earlier = model_at(tmp_path)
    ask(earlier, "one")
    ask(earlier, "two")
    later = model_at(tmp_path)
    later.llama._ctx.ctx.refuse = True

    ask(later, "three")

    assert saved_files(tmp_path) == []
    assert later.llama.evaluated == [len(HEAD) * 2 + 3]  # evaluated from scratch
    later.llama._ctx.ctx.refuse = False
    assert later.snapshots_work and later.snapshots  # the answer's snapshot was kept
