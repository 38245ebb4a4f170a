"""Tests run offline: replayed model calls only, unless a test is marked ``live``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .scripted import ScriptedModel, scripted_model

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "articles" / "rudaw-nato-iraq.txt"


@pytest.fixture(autouse=True)
def _no_live_model_calls(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Block every real model call unless the test is marked ``live``."""
    for name in ("NEWSBRIEF_MODEL", "NEWSBRIEF_BASE_URL", "NEWSBRIEF_FIXTURES_DIR"):
        monkeypatch.delenv(name, raising=False)
    if request.node.get_closest_marker("live") is None:
        monkeypatch.setenv("NEWSBRIEF_FIXTURES", "replay")

        def refuse(backend: Any) -> Any:
            raise AssertionError("a test tried to reach a real model; mark it live")

        monkeypatch.setattr("newsbrief.backends.make_transport", refuse)
    yield


def replayed(slug: str) -> Any:
    """The brief of fixture article ``slug``, replayed from the recorded calls."""
    import newsbrief

    text = (FIXTURES / "articles" / f"{slug}.txt").read_text(encoding="utf-8")
    return newsbrief.summarize(text, fixtures="replay", fixtures_dir=FIXTURES / "responses")


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedModel]:
    """A model whose answers the test scripts (`tests.scripted`); the only model it may reach."""
    yield from scripted_model(monkeypatch)
