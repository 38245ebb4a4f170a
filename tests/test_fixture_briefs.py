"""The 12 fixture briefs, replayed, equal their snapshots: a change that alters any brief shows.

Each ``tests/snapshots/<slug>.json`` is the replayed brief's ``model_dump`` (latency aside), as
this code made it from the recorded calls.  A change meant to alter briefs rewrites them with
``NEWSBRIEF_UPDATE_SNAPSHOTS=1 pytest tests/test_fixture_briefs.py`` and the diff shows how.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from .conftest import FIXTURES, replayed

SNAPSHOTS = FIXTURES.parent / "tests" / "snapshots"
SLUGS = sorted(path.stem for path in (FIXTURES / "articles").glob("*.txt"))


def _dumped(slug: str) -> dict[str, Any]:
    dump = replayed(slug).model_dump(mode="json")
    dump["meta"].pop("latency_s")
    return dump


@pytest.mark.parametrize("slug", SLUGS)
def test_replayed_brief_equals_its_snapshot(slug: str) -> None:
    path = SNAPSHOTS / f"{slug}.json"
    dump = _dumped(slug)
    if os.environ.get("NEWSBRIEF_UPDATE_SNAPSHOTS") == "1":
        path.write_text(json.dumps(dump, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert dump == json.loads(path.read_text(encoding="utf-8"))


def test_every_fixture_article_has_a_snapshot() -> None:
    assert sorted(path.stem for path in SNAPSHOTS.glob("*.json")) == SLUGS
