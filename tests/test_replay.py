"""End to end on recorded calls of the embedded model: offline, deterministic, seconds."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from pathlib import Path

import pytest

import newsbrief
from newsbrief.brief import Brief

from .conftest import FIXTURES

ARTICLES = sorted((FIXTURES / "articles").glob("*.txt"))


@pytest.fixture(scope="module")
def seed_brief() -> Brief:
    text = (FIXTURES / "articles" / "rudaw-nato-iraq.txt").read_text(encoding="utf-8")
    return newsbrief.summarize(text, fixtures="replay", fixtures_dir=str(FIXTURES / "responses"))


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_every_fixture_article_replays_offline_with_verbatim_evidence(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    brief = newsbrief.summarize(text, fixtures="replay", fixtures_dir=str(FIXTURES / "responses"))
    assert brief.meta.fixture_misses == 0
    assert brief.meta.fixture_hits == brief.meta.attempts >= brief.meta.calls > 0
    assert brief.claims and brief.figures
    for span in brief.evidence_spans():
        assert text[span.start : span.end] == span.text


def test_seed_expansion_is_attributed_to_several_diplomats_via_reuters(seed_brief: Brief) -> None:
    expansion = next(c for c in seed_brief.claims if "from 500 to as high as 5,000" in c.text)
    assert expansion.modality == "hedged"
    (source,) = (seed_brief.source(sid) for sid in expansion.source_ids)
    assert (source.name, source.kind, source.via) == ("several diplomats", "anonymous", "Reuters")
    assert all(s.name != "Reuters" for s in seed_brief.sources)


def test_seed_told_the_agency_resolves_to_reuters(seed_brief: Brief) -> None:
    source = next(s for s in seed_brief.sources if s.name == "senior officials and diplomats")
    assert (source.kind, source.via) == ("anonymous", "Reuters")


def test_seed_named_and_anonymous_speakers(seed_brief: Brief) -> None:
    by_name = {s.name: s for s in seed_brief.sources}
    stoltenberg = by_name["Jens Stoltenberg"]
    assert (stoltenberg.kind, stoltenberg.role) == ("named_person", "NATO Secretary-General")
    spokesperson = by_name["a spokesperson for the US-led coalition"]
    assert (spokesperson.kind, spokesperson.via) == ("anonymous", "Rudaw")
    assert by_name["a statement from the PM’s media office"].kind == "document"
    quote = next(c for c in seed_brief.claims if c.text.startswith("The mission will expand"))
    assert quote.quote and quote.source_ids == [stoltenberg.id]


def test_seed_figures_have_code_parsed_values(seed_brief: Brief) -> None:
    got = {
        (f.evidence.text, f.value, f.qualifier, f.change_from, f.kind) for f in seed_brief.figures
    }
    assert {
        ("from 500 to as high as 5,000", 5000, "at_most", 500, "count"),
        ("Fourteen", 14, None, None, "count"),
        ("one", 1, None, None, "count"),
        ("nine", 9, None, None, "count"),
        ("2018", 2018, None, None, "date"),
        ("January 2020", 2020, None, None, "date"),
        ("around 500", 500, "approximately", None, "count"),
    } <= got


def test_brief_round_trips_through_json(seed_brief: Brief) -> None:
    again = Brief.model_validate_json(seed_brief.model_dump_json())
    assert again == seed_brief


def test_async_twin_gives_the_same_brief(seed_brief: Brief) -> None:
    text = seed_brief.article
    brief = asyncio.run(
        newsbrief.asummarize(text, fixtures="replay", fixtures_dir=str(FIXTURES / "responses"))
    )
    assert brief.model_dump(exclude={"meta"}) == seed_brief.model_dump(exclude={"meta"})


def test_replay_miss_is_a_typed_error_naming_the_key() -> None:
    with pytest.raises(
        newsbrief.FixtureMissError, match=r"no recorded response for key [0-9a-f]{64}"
    ):
        newsbrief.summarize(
            "Officials said on Friday that the bridge will reopen in May after repairs.",
            fixtures="replay",
            fixtures_dir=str(FIXTURES / "responses"),
        )


def test_markdown_lists_every_section(seed_brief: Brief) -> None:
    markdown = seed_brief.to_markdown()
    for heading in ("## Summary", "## Claims", "## Sources", "## Figures"):
        assert heading in markdown
    assert "several diplomats" in markdown


def test_eval_of_fixture_articles_in_replay_is_fully_grounded() -> None:
    from newsbrief.evaluate import evaluate_dir

    report = evaluate_dir(FIXTURES)
    assert not report.errored
    assert report.overall["articles_scored"] == len(ARTICLES)
    assert report.overall["grounding_rate"] == 1.0
    assert report.overall["spans_total"] > 100


def test_progress_hook_sees_the_brief_grow(seed_brief: Brief) -> None:
    from newsbrief.options import Settings
    from newsbrief.pipeline import summarize_article

    partials: list[Brief] = []
    settings = Settings(fixtures="replay", fixtures_dir=FIXTURES / "responses")
    final = summarize_article(seed_brief.article, settings, on_progress=partials.append)
    # one per sentence and per number, plus one per claim made self-contained
    assert len(partials) >= len(final.claims) + len(final.figures)
    sizes = [len(p.claims) + len(p.figures) for p in partials]
    assert sizes == sorted(sizes) and sizes[-1] == len(final.claims) + len(final.figures)
    assert partials[-1].claims == final.claims and not partials[-1].summary


def test_a_handled_give_up_prints_nothing_to_a_program_that_has_not_configured_logging() -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "import newsbrief\n"
        f"fixtures = Path({str(FIXTURES)!r})\n"
        "text = (fixtures / 'articles' / 'bakery-owner-fraud-sentenced.txt').read_text()\n"
        "where = fixtures / 'responses'\n"
        "brief = newsbrief.summarize(text, fixtures='replay', fixtures_dir=where)\n"
        "sys.stdout.write(str(sum(issue.item == 'claim' for issue in brief.issues)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert int(done.stdout) > 0, "a rewrite was given up"
    assert done.stderr == ""


def test_a_handled_give_up_is_logged_at_debug_by_newsbrief(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="newsbrief")
    text = (FIXTURES / "articles" / "bakery-owner-fraud-sentenced.txt").read_text("utf-8")
    brief = newsbrief.summarize(text, fixtures="replay", fixtures_dir=FIXTURES / "responses")
    assert any(issue.item == "claim" for issue in brief.issues), "a rewrite was given up"
    given_up = [r for r in caplog.records if r.name == "newsbrief.llm" and "given up" in r.message]
    assert given_up and all(r.levelno == logging.DEBUG for r in given_up)
