"""summarize_stream: partial briefs in order, the final brief last, errors in the consumer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

import newsbrief
from newsbrief import pipeline
from newsbrief.brief import Brief
from newsbrief.errors import FixtureMissError, InputError
from newsbrief.options import Settings
from newsbrief.stream import summarize_stream

from .conftest import FIXTURES, SEED

RESPONSES = str(FIXTURES / "responses")
REPLAY: dict[str, Any] = {"fixtures": "replay", "fixtures_dir": RESPONSES}

ProgressHook = Callable[[Brief], None] | None


@pytest.fixture(scope="module")
def seed_brief() -> Brief:
    return newsbrief.summarize(SEED.read_bytes(), **REPLAY)


def partials_of(brief: Brief) -> list[Brief]:
    """What a pipeline would report after each claim: the brief so far."""
    return [
        brief.model_copy(update={"claims": brief.claims[:n], "summary": ""})
        for n in range(1, len(brief.claims) + 1)
    ]


def test_partial_briefs_come_in_order_and_the_final_brief_last(
    monkeypatch: pytest.MonkeyPatch, seed_brief: Brief
) -> None:
    seen_settings: list[Settings] = []

    def fake(
        article: str | bytes, settings: Settings, *, on_progress: ProgressHook = None
    ) -> Brief:
        seen_settings.append(settings)
        assert on_progress is not None
        for partial in partials_of(seed_brief)[:3]:
            on_progress(partial)
        return seed_brief

    monkeypatch.setattr(pipeline, "summarize_article", fake)
    briefs = list(summarize_stream("an article", model="gguf:x.gguf", strict=True))
    assert [len(b.claims) for b in briefs] == [1, 2, 3, len(seed_brief.claims)]
    assert briefs[-1] is seed_brief
    assert seen_settings == [Settings(model="gguf:x.gguf", strict=True)]


def test_an_error_is_raised_in_the_consumer_after_the_partials_before_it(
    monkeypatch: pytest.MonkeyPatch, seed_brief: Brief
) -> None:
    failure = FixtureMissError("no recorded answer", key="abc")

    def fake(
        article: str | bytes, settings: Settings, *, on_progress: ProgressHook = None
    ) -> Brief:
        assert on_progress is not None
        on_progress(partials_of(seed_brief)[0])
        on_progress(partials_of(seed_brief)[1])
        raise failure

    monkeypatch.setattr(pipeline, "summarize_article", fake)
    stream = summarize_stream("an article")
    assert len(next(stream).claims) == 1
    assert len(next(stream).claims) == 2
    with pytest.raises(FixtureMissError) as caught:
        next(stream)
    assert caught.value is failure


def test_work_starts_only_when_the_stream_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake(article: str | bytes, settings: Settings, **hooks: Any) -> Brief:
        calls.append("called")
        raise InputError("article is empty")

    monkeypatch.setattr(pipeline, "summarize_article", fake)
    stream = summarize_stream("")
    time.sleep(0.05)
    assert calls == []
    with pytest.raises(InputError):
        next(stream)


def test_closing_the_stream_early_stops_the_worker_at_its_next_question(
    monkeypatch: pytest.MonkeyPatch, seed_brief: Brief
) -> None:
    questions = 0
    stopped = threading.Event()

    def fake(
        article: str | bytes, settings: Settings, *, on_progress: ProgressHook = None
    ) -> Brief:
        nonlocal questions
        assert on_progress is not None
        try:
            for _ in range(500):
                time.sleep(0.005)  # one question to the model
                questions += 1
                on_progress(seed_brief)
            return seed_brief
        finally:
            stopped.set()

    monkeypatch.setattr(pipeline, "summarize_article", fake)
    for count, _partial in enumerate(summarize_stream("an article"), 1):
        if count == 2:
            break
    assert stopped.wait(5), "the worker kept running after the consumer left"
    assert questions < 200  # of 500: it stopped soon after the consumer left


def test_the_stream_sets_on_progress_itself() -> None:
    with pytest.raises(TypeError):
        summarize_stream("text", on_progress=print)


def test_summarize_stream_is_exported() -> None:
    assert newsbrief.summarize_stream is summarize_stream
    assert "summarize_stream" in newsbrief.__all__


def test_the_real_pipeline_streams_growing_briefs_ending_with_the_full_brief(
    seed_brief: Brief,
) -> None:
    briefs = list(summarize_stream(SEED.read_bytes(), **REPLAY))
    assert len(briefs) >= 2
    final = briefs[-1]
    assert final.model_dump(exclude={"meta"}) == seed_brief.model_dump(exclude={"meta"})
    sizes = [len(b.claims) + len(b.figures) for b in briefs]
    assert sizes == sorted(sizes)
    assert all(b.article == seed_brief.article for b in briefs)
