"""summarize_many / asummarize_many: order kept, per-item errors, Ctrl-C returns what is done."""

from __future__ import annotations

import _thread
import asyncio
import signal
import subprocess
import sys
import threading
import time
import types
from collections.abc import Callable
from typing import Any

import pytest

import newsbrief
from newsbrief import batch, pipeline
from newsbrief.batch import BatchResult, asummarize_many, summarize_many
from newsbrief.brief import Brief
from newsbrief.errors import (
    ConfigurationError,
    FixtureMissError,
    InputError,
    NewsbriefError,
)
from newsbrief.options import Settings

from .conftest import FIXTURES

RESPONSES = str(FIXTURES / "responses")
ARTICLES = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "articles").glob("*.txt"))]
REPLAY: dict[str, Any] = {"fixtures": "replay", "fixtures_dir": RESPONSES}
UNRECORDED = (
    "Harbour pilots in the fictional port of Quellmouth walked out on Tuesday, the union said.\n"
)

_real_summarize = newsbrief.summarize


def twenty_with_poison(poisoned: int, poison: str) -> list[str]:
    texts = [ARTICLES[i % len(ARTICLES)] for i in range(20)]
    texts[poisoned] = poison
    return texts


def install(monkeypatch: pytest.MonkeyPatch, fake: Callable[..., Brief]) -> None:
    """``fake(article)`` stands in for the pipeline each article of a batch runs."""

    def summarize_article(article: str, settings: Settings, **hooks: Any) -> Brief:
        return fake(article)

    monkeypatch.setattr(pipeline, "summarize_article", summarize_article)


@pytest.fixture(scope="module")
def seed_brief() -> Brief:
    return _real_summarize(ARTICLES[0], **REPLAY)


def test_every_fixture_article_gets_its_brief_in_input_order() -> None:
    results = summarize_many(ARTICLES, **REPLAY)
    assert [r.index for r in results] == list(range(len(ARTICLES)))
    assert all(r.ok and r.error is None for r in results)
    assert [r.brief.article for r in results if r.brief] == ARTICLES


@pytest.mark.parametrize("concurrency", [1, 4])
def test_one_poisoned_item_among_twenty_keeps_the_other_nineteen(concurrency: int) -> None:
    texts = twenty_with_poison(7, UNRECORDED)
    results = summarize_many(texts, concurrency=concurrency, **REPLAY)
    assert len(results) == 20
    poisoned = results[7]
    assert not poisoned.ok and poisoned.brief is None and not poisoned.cancelled
    assert isinstance(poisoned.error, FixtureMissError)
    others = [r for r in results if r.index != 7]
    assert all(r.ok for r in others)
    assert [r.brief.article for r in others if r.brief] == [
        t for i, t in enumerate(texts) if i != 7
    ]


def test_an_empty_article_carries_its_input_error() -> None:
    results = summarize_many([ARTICLES[0], "  \n", ARTICLES[1]], **REPLAY)
    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, InputError)
    assert str(results[1].error) == "article is empty"


def test_an_unexpected_exception_is_wrapped_with_its_cause(
    monkeypatch: pytest.MonkeyPatch, seed_brief: Brief
) -> None:
    def fake(article: str, **options: Any) -> Brief:
        if article == "boom":
            raise ZeroDivisionError("division by zero")
        return seed_brief

    install(monkeypatch, fake)
    results = summarize_many(["a", "boom", "c"])
    error = results[1].error
    assert type(error) is NewsbriefError
    assert "ZeroDivisionError" in str(error)
    assert isinstance(error.__cause__, ZeroDivisionError)
    assert results[0].ok and results[2].ok


def test_keyboard_interrupt_on_item_k_returns_the_finished_items(
    monkeypatch: pytest.MonkeyPatch, seed_brief: Brief
) -> None:
    started: list[int] = []

    def fake(article: str, **options: Any) -> Brief:
        started.append(int(article))
        if article == "5":
            raise KeyboardInterrupt
        return seed_brief

    install(monkeypatch, fake)
    results = summarize_many([str(i) for i in range(10)], concurrency=1)
    assert len(results) == 10
    assert all(r.ok for r in results[:5])
    for result in results[5:]:
        assert result.cancelled and not result.ok and result.brief is None
        assert type(result.error) is NewsbriefError
        assert str(result.error).startswith("cancelled")
        assert isinstance(result.error.__cause__, KeyboardInterrupt)
    assert started == [0, 1, 2, 3, 4, 5]  # nothing was scheduled after the interrupt


def test_ctrl_c_in_the_caller_returns_at_once_and_abandons_the_running_item(
    monkeypatch: pytest.MonkeyPatch, seed_brief: Brief
) -> None:
    # A process started with SIGINT ignored (a background job of a non-interactive shell, as
    # a CI runner may start it) has no Python SIGINT handler, and interrupt_main() is then a
    # no-op: give this test the handler an interactive Python has.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    release = threading.Event()

    def fake(article: str, **options: Any) -> Brief:
        if article == "3":
            _thread.interrupt_main()  # what Ctrl-C does: KeyboardInterrupt in the main thread
            release.wait(10)  # a long model call that Ctrl-C cannot stop
        return seed_brief

    install(monkeypatch, fake)
    began = time.monotonic()
    try:
        results = summarize_many([str(i) for i in range(8)], concurrency=1)
    finally:
        release.set()
        signal.signal(signal.SIGINT, previous)
    assert time.monotonic() - began < 5
    assert [r.ok for r in results] == [True] * 3 + [False] * 5
    assert all(r.cancelled for r in results[3:])


def test_order_is_kept_with_concurrency_4_when_items_finish_out_of_order(
    monkeypatch: pytest.MonkeyPatch, seed_brief: Brief
) -> None:
    lock = threading.Lock()
    running = peak = 0
    finished: list[int] = []

    def fake(article: str, **options: Any) -> Brief:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02 * (12 - int(article)))  # early items are the slow ones
        with lock:
            running -= 1
            finished.append(int(article))
        return seed_brief.model_copy(update={"summary": article})

    install(monkeypatch, fake)
    results = summarize_many([str(i) for i in range(12)], concurrency=4)
    assert [r.brief.summary for r in results if r.brief] == [str(i) for i in range(12)]
    assert finished != sorted(finished)  # they really did finish out of order
    assert peak == 4


def test_local_backends_run_one_at_a_time_and_remote_ones_four() -> None:
    assert batch.default_concurrency(Settings()) == 1
    assert batch.default_concurrency(Settings(model="embedded")) == 1
    assert batch.default_concurrency(Settings(base_url="http://127.0.0.1:9/v1", model="q")) == 4
    assert batch.default_concurrency(Settings(model="openai/gpt-4o-mini", api_key="sk-x")) == 4
    # Not resolvable: every item will report the ConfigurationError itself.
    assert batch.default_concurrency(Settings(model="qwen-please")) == 1


def test_a_misspelt_option_or_bad_concurrency_fails_before_any_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fake(article: str, **options: Any) -> Brief:
        raise AssertionError("no item may run")

    with pytest.raises(TypeError):
        summarize_many(["a"], fixture="replay")
    install(monkeypatch, fake)
    bad_values: list[Any] = [0, -1, True, 1.5]
    for bad in bad_values:
        with pytest.raises(ConfigurationError):
            summarize_many(["a"], concurrency=bad)


def test_a_configuration_error_is_reported_by_every_item() -> None:
    results = summarize_many(["one article.", "another."], model="qwen-please")
    assert all(isinstance(r.error, ConfigurationError) for r in results)


def test_no_articles_no_results() -> None:
    assert summarize_many([], progress=True) == []


def test_a_generator_of_bytes_is_accepted() -> None:
    results = summarize_many((a.encode() for a in ARTICLES[:2]), **REPLAY)
    assert [r.brief.article for r in results if r.brief] == ARTICLES[:2]


def test_the_async_twin_keeps_order_and_captures_the_poisoned_item() -> None:
    texts = twenty_with_poison(12, "")
    results = asyncio.run(asummarize_many(texts, concurrency=4, **REPLAY))
    assert [r.index for r in results] == list(range(20))
    assert isinstance(results[12].error, InputError)
    assert all(r.ok for r in results if r.index != 12)
    assert [r.brief.article for r in results if r.brief] == [
        t for i, t in enumerate(texts) if i != 12
    ]


def test_the_async_twin_returns_the_finished_items_on_keyboard_interrupt(
    monkeypatch: pytest.MonkeyPatch, seed_brief: Brief
) -> None:
    def fake(article: str, **options: Any) -> Brief:
        if article == "2":
            raise KeyboardInterrupt
        return seed_brief

    install(monkeypatch, fake)
    results = asyncio.run(asummarize_many([str(i) for i in range(6)], concurrency=1))
    assert [r.ok for r in results] == [True, True, False, False, False, False]
    assert all(r.cancelled for r in results[2:])


def test_cancelling_the_async_twin_abandons_running_items_and_reraises(
    monkeypatch: pytest.MonkeyPatch, seed_brief: Brief
) -> None:
    release = threading.Event()
    calls: list[str] = []

    def fake(article: str, **options: Any) -> Brief:
        calls.append(article)
        release.wait(10)
        return seed_brief

    async def main() -> None:
        task = asyncio.create_task(asummarize_many(["a", "b", "c", "d"], concurrency=2))
        await asyncio.sleep(0.2)
        task.cancel()
        await task

    install(monkeypatch, fake)
    began = time.monotonic()
    try:
        with pytest.raises(asyncio.CancelledError):
            asyncio.run(main())
    finally:
        release.set()
    assert time.monotonic() - began < 5  # asyncio.run did not wait for the abandoned threads
    assert sorted(calls) == ["a", "b"]


def test_progress_bar_goes_to_stderr_when_forced(capsys: pytest.CaptureFixture[str]) -> None:
    summarize_many(ARTICLES[:2], progress=True, **REPLAY)
    captured = capsys.readouterr()
    assert "summarizing" in captured.err and "2/2" in captured.err
    assert captured.out == ""


def test_progress_bar_is_off_by_default_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    summarize_many(ARTICLES[:2], **REPLAY)
    assert capsys.readouterr().err == ""


def test_progress_is_on_by_default_in_a_notebook_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_ipython = types.ModuleType("IPython")
    shell = types.SimpleNamespace(kernel=object())
    fake_ipython.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    assert batch.show_progress_by_default()
    # A plain IPython terminal has no kernel: only a terminal stderr would turn it on.
    fake_ipython.get_ipython = lambda: types.SimpleNamespace()  # type: ignore[attr-defined]
    monkeypatch.setattr(batch, "_stderr_is_terminal", lambda: False)
    assert not batch.show_progress_by_default()


def test_a_batch_result_holds_a_brief_or_an_error(seed_brief: Brief) -> None:
    with pytest.raises(ValueError):
        BatchResult(0)
    with pytest.raises(ValueError):
        BatchResult(0, brief=seed_brief, error=NewsbriefError("x"))
    ok = BatchResult(3, brief=seed_brief)
    assert ok.ok and repr(ok) == "BatchResult(index=3, ok=True)"
    failed = BatchResult(4, error=InputError("article is empty"))
    assert not failed.ok and "InputError" in repr(failed)
    with pytest.raises(AttributeError):
        ok.index = 5  # type: ignore[misc]


def test_batch_api_is_exported_lazily() -> None:
    code = (
        "import sys, newsbrief\n"
        "assert 'rich' not in sys.modules and 'pydantic' not in sys.modules\n"
        "from newsbrief import summarize_many, asummarize_many, BatchResult, summarize_stream\n"
        "assert 'rich' not in sys.modules and 'pydantic' not in sys.modules, sorted(sys.modules)\n"
        "assert {'summarize_many', 'asummarize_many', 'BatchResult'} <= set(newsbrief.__all__)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
