"""The HTML rendering: evidence highlighted in place, everything escaped, nothing external."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

import pytest

import newsbrief
from newsbrief.brief import Brief, Claim, Figure, Issue, Meta, Source, Span
from newsbrief.render import brief_to_html, describe_figure

from .conftest import FIXTURES

ARTICLES = sorted((FIXTURES / "articles").glob("*.txt"))
META = Meta(model="test-model", backend="replay", mode="json_schema", prompt_version="t@1")


def _replayed(path: Path) -> Brief:
    text = path.read_text(encoding="utf-8")
    return newsbrief.summarize(text, fixtures="replay", fixtures_dir=str(FIXTURES / "responses"))


@pytest.fixture(scope="module")
def seed_brief() -> Brief:
    return _replayed(FIXTURES / "articles" / "rudaw-nato-iraq.txt")


def _span(article: str, phrase: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = article.index(phrase, start + 1)
    return Span(start=start, end=start + len(phrase), text=phrase)


def _article_inner(page: str) -> str:
    """The markup of the highlighted article: only spans inside, so no nested </div>."""
    match = re.search(r'<div class="nbb-text">(.*?)</div>', page, re.DOTALL)
    assert match is not None
    return match.group(1)


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


class _Coverage(HTMLParser):
    """Which highlighted items ((kind, id) pairs) cover each character of the article."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.covering: list[frozenset[tuple[str, str]]] = []
        self.stacks: list[tuple[tuple[str, str], ...]] = []
        self.titles: dict[tuple[str, str], str] = {}
        self.keys: dict[tuple[str, str], str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag == "span"
        attributes = dict(attrs)
        kind = (attributes["class"] or "").split()[0].removeprefix("nbb-")
        item = (kind, attributes["data-label"] or "")
        self.stack.append(item)
        self.titles[item] = attributes["title"] or ""
        self.keys[item] = attributes["data-k"] or ""

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.covering.extend([frozenset(self.stack)] * len(data))
        self.stacks.extend([tuple(self.stack)] * len(data))


def _coverage(page: str) -> _Coverage:
    parser = _Coverage()
    parser.feed(_article_inner(page))
    parser.close()
    assert parser.stack == []
    return parser


def _evidence(brief: Brief) -> list[tuple[tuple[str, str], Span]]:
    spans = [(("claim", c.id), s) for c in brief.claims for s in c.evidence]
    spans += [(("source", s.id), e) for s in brief.sources for e in s.evidence]
    return spans + [(("figure", f.id), f.evidence) for f in brief.figures]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += attrs


def _hostile_brief() -> Brief:
    article = (
        'Leak: <script>alert(1)</script> & "friends" said O\'Brien.\n\n'
        "Officials said 3 <b>rockets</b> hit & missed, R&D said.\n"
    )
    return Brief(
        article=article,
        summary="A <i>summary</i> & more </style><script>alert(2)</script>",
        claims=[
            Claim(
                id='c1"><script>alert(3)</script>',
                text="<img src=x onerror=alert(4)> & co",
                source_ids=["s'1"],
                modality="hedged",
                evidence=[_span(article, '<script>alert(1)</script> & "friends"')],
                figure_ids=[],
            )
        ],
        sources=[
            Source(
                id="s'1",
                name='O\'Brien "the <boss>"',
                kind="named_person",
                role="</td></tr></table>",
                via='Reuters" onmouseover="alert(5)',
                evidence=[_span(article, "O'Brien")],
            )
        ],
        figures=[
            Figure(
                id="f1",
                value=3,
                counts="<rockets> & 'shells'",
                evidence=_span(article, "3 <b>rockets</b>"),
            )
        ],
        issues=[Issue(item="claim", reason="dropped <why>", detail="</ul><script>x</script>")],
        meta=Meta(model="<model>", backend="b&b", mode="m", prompt_version='"v"'),
    )


def _crossing_brief() -> Brief:
    # The claim and the source cross (neither contains the other); the figure nests in both.
    article = "Before. NATO may send up to 5,000 troops, diplomats said on Monday. After."
    claim = _span(article, "NATO may send up to 5,000 troops, diplomats")
    source = _span(article, "5,000 troops, diplomats said on Monday")
    figure = _span(article, "5,000")
    return Brief(
        article=article,
        summary="s",
        claims=[Claim(id="c1", text=claim.text, source_ids=["s1"], evidence=[claim])],
        sources=[Source(id="s1", name="diplomats", kind="anonymous", evidence=[source])],
        figures=[Figure(id="f1", value=5000, evidence=figure)],
        meta=META,
    )


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_article_text_survives_highlighting_exactly(path: Path) -> None:
    brief = _replayed(path)
    assert _plain(_article_inner(brief_to_html(brief))) == brief.article


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_every_evidence_span_lies_inside_its_highlighted_element(path: Path) -> None:
    brief = _replayed(path)
    coverage = _coverage(brief_to_html(brief))
    assert len(coverage.covering) == len(brief.article)
    for item, span in _evidence(brief):
        assert span.text
        assert all(item in coverage.covering[i] for i in range(span.start, span.end)), (item, span)


def test_highlighted_items_are_only_those_with_evidence_there(seed_brief: Brief) -> None:
    coverage = _coverage(brief_to_html(seed_brief))
    expected: list[set[tuple[str, str]]] = [set() for _ in seed_brief.article]
    for item, span in _evidence(seed_brief):
        for i in range(span.start, span.end):
            expected[i].add(item)
    assert [set(c) for c in coverage.covering] == expected


def test_span_titles_name_their_item(seed_brief: Brief) -> None:
    titles = _coverage(brief_to_html(seed_brief)).titles
    assert titles[("source", "s1")] == "s1 · several diplomats · anonymous · via Reuters"
    assert titles[("figure", "f2")] == "f2 · 14 · rockets hit"
    assert titles[("claim", "c1")] == "c1 · hedged · several diplomats"


def test_seed_page_shows_summary_tables_issues_and_meta(seed_brief: Brief) -> None:
    page = brief_to_html(seed_brief)
    assert html.escape(seed_brief.summary) in page
    for heading in ("Claims", "Sources", "Figures", f"Issues · {len(seed_brief.issues)}"):
        assert f'<div class="nbb-h">{heading}</div>' in page
    # "5,000 (at most; changed from 500)"; "▲ 5,000 (up; ...)" once the pipeline passes the
    # mention's direction to the figure.
    assert re.search(r"<td>(\u25b2 )?5,000 \((up; )?at most; changed from 500\)</td>", page)
    assert "<td>several diplomats</td><td>anonymous</td><td></td><td>Reuters</td>" in page
    assert "via dropped: the sentence does not route the statement through it" in page
    meta = seed_brief.meta
    assert f"{meta.calls} questions, {meta.attempts} attempts" in page
    assert f"{meta.usage.prompt_tokens}+{meta.usage.completion_tokens} tokens" in page


def test_every_table_row_is_linked_to_its_spans_by_css(seed_brief: Brief) -> None:
    page = brief_to_html(seed_brief)
    scope = re.search(r'<div class="nbb (nbb-[0-9a-f]{12})">', page)
    assert scope is not None
    coverage = _coverage(page)
    for item, key in coverage.keys.items():
        assert f'<tr data-k="{key}"' in page, item
        assert f'.{scope.group(1)}:has(tr[data-k="{key}"]:is(:hover,:focus))' in page


def test_crossing_spans_are_split_without_losing_or_repeating_text() -> None:
    brief = _crossing_brief()
    page = brief_to_html(brief)
    inner = _article_inner(page)
    assert _plain(inner) == brief.article
    coverage = _coverage(page)
    for item, span in _evidence(brief):
        assert all(item in coverage.covering[i] for i in range(span.start, span.end))
    # The source starts inside the claim and outlives it: closed and reopened, once.
    source_key = coverage.keys[("source", "s1")]
    assert inner.count(f'data-k="{source_key}"') == 2
    assert inner.count('data-label="c1"') == 1
    assert inner.count('data-label="f1"') == 1
    f1 = brief.figures[0].evidence
    assert {coverage.stacks[i] for i in range(f1.start, f1.end)} == {
        (("claim", "c1"), ("source", "s1"), ("figure", "f1"))
    }
    # Only the piece that reaches the claim's end carries its trailing label.
    assert inner.count('class="nbb-claim nbb-first nbb-last"') == 1


def test_hostile_article_and_names_are_escaped() -> None:
    brief = _hostile_brief()
    page = brief_to_html(brief, full_page=True)
    for raw in ("<script>alert", "<img", "<b>rockets", "<boss>", "</style><script>", "<model>"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;" in page
    assert "O&#x27;Brien &quot;the &lt;boss&gt;&quot;" in page
    assert "Reuters&quot; onmouseover=&quot;alert(5)" in page
    assert _plain(_article_inner(page)) == brief.article
    tags = _Tags()
    tags.feed(page)
    allowed = {"html", "head", "meta", "title", "style", "body", "div", "p", "span", "b"}
    assert tags.tags <= allowed | {"table", "thead", "tbody", "tr", "th", "td", "ul", "li"}
    names = {name for name, _ in tags.attributes}
    assert names <= {"class", "style", "title", "data-k", "data-label", "tabindex"} | {
        "lang",
        "charset",
        "name",
        "content",
    }


def test_model_given_ids_never_reach_the_stylesheet() -> None:
    page = brief_to_html(_hostile_brief())
    styles = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    assert len(styles) == 1
    assert "c1" not in styles[0] and "s'1" not in styles[0] and "<" not in styles[0]
    assert set(re.findall(r'data-k="([^"]*)"', page)) == {"k0", "k1", "k2"}


def test_output_is_deterministic_and_scoped_per_brief(seed_brief: Brief) -> None:
    page = brief_to_html(seed_brief)
    assert brief_to_html(seed_brief) == page
    reloaded = Brief.model_validate_json(seed_brief.model_dump_json())
    assert brief_to_html(reloaded) == page
    scope = re.findall(r'<div class="nbb (nbb-[0-9a-f]{12})">', page)
    slower = seed_brief.model_copy(
        update={"meta": seed_brief.meta.model_copy(update={"calls": 99})}
    )
    assert re.findall(r'<div class="nbb (nbb-[0-9a-f]{12})">', brief_to_html(slower)) == scope
    other = _replayed(FIXTURES / "articles" / "hospital-data-breach.txt")
    assert scope[0] not in brief_to_html(other)


def test_nothing_refers_to_an_external_resource(seed_brief: Brief) -> None:
    for page in (brief_to_html(seed_brief), seed_brief.to_html()):
        lowered = page.lower()
        for reference in ("http://", "https://", "<link", "src=", "url(", "@import", "<script"):
            assert reference not in lowered


def test_to_html_writes_a_full_utf8_page(seed_brief: Brief, tmp_path: Path) -> None:
    target = tmp_path / "brief.html"
    page = seed_brief.to_html(target)
    assert target.read_text(encoding="utf-8") == page
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert brief_to_html(seed_brief) in page
    assert "several diplomats" in page
    assert seed_brief.to_html(str(tmp_path / "again.html")) == page


def test_jupyter_repr_is_the_html_fragment(seed_brief: Brief) -> None:
    fragment = seed_brief._repr_html_()
    assert fragment == brief_to_html(seed_brief)
    assert fragment.startswith('<div class="nbb ') and "<html" not in fragment


def test_brief_without_items_renders_the_plain_article() -> None:
    article = "Nothing to see & nothing said.\n"
    brief = Brief(article=article, summary="", meta=META)
    page = brief_to_html(brief)
    assert _article_inner(page) == "Nothing to see &amp; nothing said.\n"
    assert page.count('<p class="nbb-none">none</p>') == 3
    assert ":has(" not in page


def test_figures_nest_inside_their_claims_with_layered_styles(seed_brief: Brief) -> None:
    page = brief_to_html(seed_brief)
    coverage = _coverage(page)
    f1 = seed_brief.figures[0].evidence
    assert {coverage.stacks[i] for i in range(f1.start, f1.end)} == {
        (("claim", "c1"), ("figure", "f1"))
    }
    assert ".nbb .nbb-claim{background:" in page
    assert ".nbb .nbb-source{text-decoration:underline" in page
    assert ".nbb .nbb-figure{font-weight:700;border:" in page


def _moved_brief(direction: Literal["up", "down"] | None) -> Brief:
    article = "Fares rose 4% on Monday."
    return Brief(
        article=article,
        summary="s",
        figures=[
            Figure(
                id="f1",
                value=4,
                unit="%",
                kind="percent",
                direction=direction,
                evidence=_span(article, "4%"),
            )
        ],
        meta=META,
    )


def test_figure_direction_is_shown_beside_its_value_in_every_view() -> None:
    brief = _moved_brief("up")
    assert describe_figure(brief.figures[0]) == "\u25b2 4 % (up)"
    assert "\u25b2 4 % (up)" in brief.to_markdown()
    assert "\u25b2 4 % (up)" in brief_to_html(brief)
    down = describe_figure(_moved_brief("down").figures[0])
    assert down == "\u25bc 4 % (down)"
    assert describe_figure(_moved_brief(None).figures[0]) == "4 %"
