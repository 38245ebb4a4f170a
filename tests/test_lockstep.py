"""summarize_many(lockstep=True): a group's articles go stage by stage, article after article
within a stage, so a server that caches one prompt prefix reads each prompt once per group."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from typing import Any

import pytest

import newsbrief
from newsbrief import batch, llm
from newsbrief.batch import asummarize_many, summarize_many
from newsbrief.errors import ConfigurationError, FixtureMissError, InputError, NewsbriefError

from .conftest import FIXTURES

RESPONSES = str(FIXTURES / "responses")
ARTICLES = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "articles").glob("*.txt"))]
REPLAY: dict[str, Any] = {"fixtures": "replay", "fixtures_dir": RESPONSES}
UNRECORDED = (
    "Harbour pilots in the fictional port of Quellmouth walked out on Tuesday, the union said.\n"
)
# The answer model of each question kind, in the order of the pipeline's stages.
KIND_ORDER = ["Attribution", "SelfContained", "FigureAnswer", "Summary"]


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every question as it reaches the model client: its kind (answer model) and the input
    index of its article (the batch's worker threads are named after it)."""
    seen: list[tuple[str, int]] = []
    lock = threading.Lock()
    real_ask = llm.ModelClient.ask

    def ask(self: llm.ModelClient, response_model: type[Any], messages: Any, **kw: Any) -> Any:
        name = threading.current_thread().name
        index = int(name.rsplit("-", 1)[1]) if name.startswith("newsbrief-batch-") else -1
        with lock:
            seen.append((response_model.__name__, index))
        time.sleep(0.001)  # let the other threads run between questions
        return real_ask(self, response_model, messages, **kw)

    monkeypatch.setattr(llm.ModelClient, "ask", ask)
    return seen


def _returns_to_an_earlier_kind(asked: list[tuple[str, int]]) -> int:
    """How often a question is of a kind that comes before the previous question's."""
    ranks = [KIND_ORDER.index(kind) for kind, _ in asked]
    return sum(1 for before, after in itertools.pairwise(ranks) if after < before)


def test_lockstep_asks_group_by_group_kind_by_kind_article_by_article(
    asked: list[tuple[str, int]],
) -> None:
    results = summarize_many(ARTICLES[:8], concurrency=4, lockstep=True, **REPLAY)
    assert all(r.ok for r in results)
    order = [(index // 4, KIND_ORDER.index(kind), index) for kind, index in asked]
    assert order == sorted(order)
    assert {kind for kind, _ in asked} == set(KIND_ORDER)
    assert {index for _, index in asked} == set(range(8))


def test_without_lockstep_the_kinds_of_a_batch_interleave(asked: list[tuple[str, int]]) -> None:
    results = summarize_many(ARTICLES[:8], concurrency=4, lockstep=False, **REPLAY)
    assert all(r.ok for r in results)
    assert _returns_to_an_earlier_kind(asked) > 1


def test_lockstep_briefs_equal_the_ones_made_alone() -> None:
    alone = [newsbrief.summarize(text, **REPLAY) for text in ARTICLES[:4]]
    together = summarize_many(ARTICLES[:4], concurrency=4, lockstep=True, **REPLAY)
    for single, result in zip(alone, together, strict=True):
        assert result.brief is not None
        assert result.brief.model_dump(exclude={"meta"}) == single.model_dump(exclude={"meta"})


def test_an_article_that_fails_in_a_group_does_not_hold_the_others_back() -> None:
    texts = [ARTICLES[0], UNRECORDED, "  \n", ARTICLES[1]]
    results = summarize_many(texts, concurrency=4, lockstep=True, **REPLAY)
    assert [r.ok for r in results] == [True, False, False, True]
    assert isinstance(results[1].error, FixtureMissError)  # fails at its first question
    assert isinstance(results[2].error, InputError)  # fails before any question


def test_asummarize_many_runs_in_lockstep_too(asked: list[tuple[str, int]]) -> None:
    results = asyncio.run(asummarize_many(ARTICLES[:3], concurrency=3, lockstep=True, **REPLAY))
    assert all(r.ok for r in results)
    order = [(KIND_ORDER.index(kind), index) for kind, index in asked]
    assert order == sorted(order)


def test_lockstep_is_off_unless_asked_for() -> None:
    assert not batch.schedule(8, 4, False).lockstep
    assert batch.schedule(8, 4, True).lockstep
    assert not batch.schedule(8, 1, True).lockstep  # one article at a time: nothing to align


def test_lockstep_must_be_a_bool() -> None:
    with pytest.raises(ConfigurationError, match="lockstep"):
        summarize_many(ARTICLES[:2], lockstep="yes", **REPLAY)  # type: ignore[arg-type]


def _reaching(gate: batch.StageGate, index: int, stage: int) -> threading.Event:
    """Article ``index`` reaching ``stage`` in a thread: the event is set once it may go on."""
    passed = threading.Event()

    def reach() -> None:
        gate.reach(index, stage)
        passed.set()

    threading.Thread(target=reach, daemon=True).start()
    return passed


def test_a_gate_holds_an_article_until_the_group_reaches_the_stage() -> None:
    gate = batch.StageGate([0, 1])
    ahead = _reaching(gate, 0, 1)
    gate.reach(1, 0)
    assert not ahead.wait(0.05)  # article 1 is still at stage 0
    gate.leave(1)  # done (or failed): nobody waits for it
    assert ahead.wait(2)


def test_within_a_stage_an_article_waits_for_the_one_before_it() -> None:
    gate = batch.StageGate([0, 1])
    second = _reaching(gate, 1, 0)
    gate.reach(0, 0)  # the first article's turn: the second has reached the stage too
    assert not second.wait(0.05)  # the first is running stage 0
    gate.leave(0)
    assert second.wait(2)


def test_abandoning_a_gate_releases_every_held_article() -> None:
    gate = batch.StageGate([0, 1])
    errors: list[BaseException] = []

    def held() -> None:
        try:
            gate.reach(0, 2)
        except NewsbriefError as exc:
            errors.append(exc)

    worker = threading.Thread(target=held, daemon=True)
    worker.start()
    time.sleep(0.05)
    gate.abandon()
    worker.join(2)
    assert not worker.is_alive()
    assert len(errors) == 1 and "cancelled" in str(errors[0])
