"""The three systems of the benchmark, each turning one article into a scoreable `Brief`.

* ``newsbrief``: `newsbrief.summarize` against the server (fixtures off: real calls).
* ``newsbrief-embedded``: `newsbrief.summarize` on its default path, the same GGUF file run
  in this process (not a server); shown beside the others, not part of the targets.
* ``langextract``: Google's LangExtract through its OpenAI provider, with a prompt and two
  few-shot examples asking for the same fields (figures, sources, claims).
* ``naive``: one Instructor call with a plain schema of the same fields, no grounding.

LangExtract's and the naive script's answers are mapped into a `Brief` by `_assemble` so
that one evaluator (`newsbrief.evaluate.score_brief`) scores all three. The mapping is
generous and the same for both: evidence is located in the article with newsbrief's own
locator (exact, case, then typography); an item whose evidence cannot be located keeps
an empty span (it can never match gold, and is counted in ``ungrounded``); a figure's value is
the system's own, else newsbrief's number parser reads it from the quoted text; a claim's
source name that is missing from the source list is added to it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

from newsbrief import Brief, Claim, Figure, Meta, Source, Span
from newsbrief.brief import SourceKind
from newsbrief.evaluate import normalize_name
from newsbrief.numbers import parse_number
from newsbrief.spans import locate

MAX_OUTPUT_TOKENS = 800  # per call, for LangExtract (DESIGN.md: uncapped it loops)
NAIVE_MAX_TOKENS = 2000  # the naive script's one call writes the whole brief


# -- token accounting ----------------------------------------------------------------------


@dataclass
class Tally:
    """Usage of every chat completion made through the openai client while counting."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


@contextlib.contextmanager
def counting_usage() -> Iterator[Tally]:
    """Count the ``usage`` of every ``chat.completions.create`` answer (any thread)."""
    from openai.resources.chat.completions import Completions

    tally = Tally()
    original = Completions.create

    def create(self: Completions, *args: Any, **kwargs: Any) -> Any:
        response = original(self, *args, **kwargs)
        usage = getattr(response, "usage", None)
        with tally.lock:
            tally.calls += 1
            if usage is not None:
                tally.prompt_tokens += int(usage.prompt_tokens or 0)
                tally.completion_tokens += int(usage.completion_tokens or 0)
        return response

    Completions.create = create  # type: ignore[method-assign]
    try:
        yield tally
    finally:
        Completions.create = original  # type: ignore[method-assign]


@dataclass
class SystemRun:
    """One system on one article."""

    brief: Brief | None
    wall_s: float
    prompt_tokens: int
    completion_tokens: int
    calls: int
    attempts: int
    ungrounded: int = 0
    error: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)


Runner = Callable[[str, str], SystemRun]


def _timed(work: Callable[[], tuple[Brief, int, int, dict[str, Any]]]) -> SystemRun:
    with counting_usage() as tally:
        started = time.perf_counter()
        try:
            brief, attempts, ungrounded, notes = work()
            error = None
        except Exception as exc:  # a failed system scores zero for the article
            brief, attempts, ungrounded, notes = None, tally.calls, 0, {}
            error = f"{type(exc).__name__}: {exc}"[:500]
        wall = time.perf_counter() - started
    return SystemRun(
        brief=brief,
        wall_s=round(wall, 3),
        prompt_tokens=tally.prompt_tokens,
        completion_tokens=tally.completion_tokens,
        calls=tally.calls,
        attempts=attempts,
        ungrounded=ungrounded,
        error=error,
        notes=notes,
    )


# -- newsbrief -----------------------------------------------------------------------------


def run_newsbrief(text: str, base_url: str, model: str) -> SystemRun:
    import newsbrief

    def work() -> tuple[Brief, int, int, dict[str, Any]]:
        brief = newsbrief.summarize(text, base_url=base_url, model=model, fixtures="off")
        notes = {
            "meta_prompt_tokens": brief.meta.usage.prompt_tokens,
            "meta_completion_tokens": brief.meta.usage.completion_tokens,
            "calls": brief.meta.calls,
            "dropped": len(brief.issues),
        }
        return brief, brief.meta.attempts, 0, notes

    return _timed(work)


def run_newsbrief_embedded(text: str, base_url: str, model: str) -> SystemRun:
    """newsbrief's default path: the same GGUF file run in this process, no server."""
    import newsbrief

    del base_url, model  # the embedded model needs neither

    def work() -> tuple[Brief, int, int, dict[str, Any]]:
        brief = newsbrief.summarize(text, fixtures="off")
        return brief, brief.meta.attempts, 0, {"calls": brief.meta.calls}

    run = _timed(work)
    if run.brief is not None:  # in-process calls bypass the openai client: take the meta
        run.prompt_tokens = run.brief.meta.usage.prompt_tokens
        run.completion_tokens = run.brief.meta.usage.completion_tokens
        run.calls = run.brief.meta.attempts
    return run


# -- mapping other systems' answers into a Brief -------------------------------------------


@dataclass
class _Item:
    kind: Literal["figure", "source", "claim"]
    text: str
    span: tuple[int, int] | None = None  # already located by the system itself
    attrs: dict[str, Any] = field(default_factory=dict)


def _span(article: str, item: _Item) -> Span | None:
    if item.span is not None:
        start, end = item.span
        if 0 <= start < end <= len(article):
            return Span(start=start, end=end, text=article[start:end])
    found = locate(article, item.text)
    if found is None:
        return None
    return Span(start=found.start, end=found.end, text=found.text)


def _float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    mention = parse_number(str(value))
    return mention.value if mention is not None else None


_KINDS: tuple[str, ...] = get_args(SourceKind)
_EMPTY = Span(start=0, end=0, text="")


def _assemble(article: str, items: list[_Item], model: str) -> tuple[Brief, int]:
    """A `Brief` of ``items``, and how many of them could not be located in the article."""
    ungrounded = 0
    figures: list[Figure] = []
    sources: list[Source] = []
    by_name: dict[str, str] = {}

    def add_source(name: str, attrs: dict[str, Any], span: Span | None) -> str:
        key = normalize_name(name)
        if key in by_name:
            return by_name[key]
        kind = attrs.get("kind") if attrs.get("kind") in _KINDS else "organization"
        via = attrs.get("via") or None
        role = attrs.get("role") or None
        source_id = f"s{len(sources) + 1}"
        sources.append(
            Source(
                id=source_id,
                name=name,
                kind=kind,
                role=str(role) if role else None,
                via=str(via) if via else None,
                evidence=[span] if span is not None else [],
            )
        )
        by_name[key] = source_id
        return source_id

    for item in items:
        if item.kind == "source" and item.text.strip():
            span = _span(article, item)
            ungrounded += span is None
            add_source(item.text.strip(), item.attrs, span)
    claims: list[Claim] = []
    for item in items:
        span = _span(article, item) if item.text.strip() else None
        if item.kind == "figure":
            value = _float(item.attrs.get("value"))
            parsed = parse_number(item.text)
            if value is None and parsed is not None:
                value = parsed.value
            if value is None:
                ungrounded += 1
                continue
            ungrounded += span is None
            change_from = _float(item.attrs.get("change_from"))
            figures.append(
                Figure(
                    id=f"f{len(figures) + 1}",
                    value=value,
                    change_from=change_from,
                    counts=str(item.attrs.get("counts") or "") or None,
                    evidence=span or _EMPTY,
                )
            )
        elif item.kind == "claim" and item.text.strip():
            ungrounded += span is None
            speaker = item.attrs.get("source")
            source_ids = []
            if isinstance(speaker, str) and speaker.strip() and speaker.lower() != "null":
                source_ids.append(add_source(speaker.strip(), {}, None))
            claims.append(
                Claim(
                    id=f"c{len(claims) + 1}",
                    text=item.text.strip(),
                    source_ids=source_ids,
                    evidence=[span] if span is not None else [],
                )
            )
    brief = Brief(
        article=article,
        summary="",
        claims=claims,
        sources=sources,
        figures=figures,
        meta=Meta(model=model, backend="openai", mode="bench", prompt_version="bench"),
    )
    return brief, ungrounded


# -- the naive Instructor script -----------------------------------------------------------


class NaiveFigure(BaseModel):
    text: str = Field(description="the number exactly as written in the article")
    value: float = Field(description="the number as a plain number, e.g. 5000 for '5,000'")
    change_from: float | None = Field(
        default=None, description="for a change 'from X to Y', X (value is Y)"
    )
    counts: str = Field(description="what the number counts or measures")


class NaiveSource(BaseModel):
    name: str = Field(description="who a claim comes from, as named in the article")
    kind: Literal[
        "named_person", "anonymous", "organization", "government_body", "document", "media_outlet"
    ]
    role: str | None = Field(default=None, description="title or role, if given")
    via: str | None = Field(
        default=None, description="the news outlet the source spoke to, e.g. 'told Reuters'"
    )


class NaiveClaim(BaseModel):
    text: str = Field(description="one atomic statement the article makes")
    evidence: str = Field(description="the sentence of the article it comes from, verbatim")
    source: str | None = Field(
        default=None, description="name of the source it comes from; null if the article's own"
    )


class NaiveBrief(BaseModel):
    summary: str = Field(description="two sentences at most")
    claims: list[NaiveClaim]
    sources: list[NaiveSource]
    figures: list[NaiveFigure]


NAIVE_SYSTEM = (
    "You turn a news article into a brief: a short summary; the claims the article makes "
    "(atomic statements, with hedges such as 'may' kept), each with its verbatim evidence and "
    "its source; the sources (who each claim comes from, and the outlet they spoke to); and "
    "every number that matters, normalised, with what it counts."
)


def run_naive(text: str, base_url: str, model: str) -> SystemRun:
    import instructor
    from openai import OpenAI

    def work() -> tuple[Brief, int, int, dict[str, Any]]:
        # Mode.JSON: llama-cpp-python's server refuses JSON_SCHEMA's response format, and
        # JSON mode (json_object + the schema in the system prompt) is what a script falls
        # back to.
        client = instructor.from_openai(
            OpenAI(base_url=base_url, api_key="not-needed"), mode=instructor.Mode.JSON
        )
        attempts = 0

        def count(*_: Any) -> None:
            nonlocal attempts
            attempts += 1

        client.on("completion:kwargs", count)
        answer = client.chat.completions.create(
            model=model,
            response_model=NaiveBrief,
            messages=[
                {"role": "system", "content": NAIVE_SYSTEM},
                {"role": "user", "content": text},
            ],
            max_tokens=NAIVE_MAX_TOKENS,
            temperature=0.0,
            max_retries=1,
        )
        items = [_Item("figure", f.text, attrs=f.model_dump()) for f in answer.figures]
        items += [_Item("source", s.name, attrs=s.model_dump()) for s in answer.sources]
        items += [_Item("claim", c.evidence, attrs=c.model_dump()) for c in answer.claims]
        brief, ungrounded = _assemble(text, items, model)
        brief = brief.model_copy(update={"summary": answer.summary})
        return brief, attempts, ungrounded, {}

    return _timed(work)


# -- LangExtract ---------------------------------------------------------------------------

LX_PROMPT = """\
Extract, in order of appearance, using exact text from the article:
- figure: every number that matters (with its qualifier words, e.g. "as many as 5,000");
  attributes: value (the plain number), change_from (for "from X to Y": X; else empty),
  counts (what the number counts).
- source: every person, group, organisation or document a statement comes from, as named;
  attributes: kind (named_person, anonymous, organization, government_body, document,
  media_outlet), role (title, if any), via (the news outlet they spoke to, if any).
- claim: every statement the article makes, as its exact words; attributes: source (the
  name of the source it comes from, or empty for the article's own reporting).
A news outlet that is only told something ("told Reuters") is a via, never a source."""


def lx_examples() -> list[Any]:
    import langextract as lx

    first = (
        "Up to 300 workers could lose their jobs at the Kelsey Mills plant, two people "
        "familiar with the plan told Reuters. Chief executive Dana Whitlock said output fell "
        "from 12,000 tonnes to 9,500 tonnes last year."
    )
    second = (
        "Fourteen schools will close for a week, the education ministry said in a statement. "
        "About a third of pupils travel by bus, according to a survey by the regional board."
    )
    e = lx.data.Extraction
    return [
        lx.data.ExampleData(
            text=first,
            extractions=[
                e("figure", "Up to 300",
                  attributes={"value": "300", "change_from": "", "counts": "jobs at risk"}),
                e("claim", "Up to 300 workers could lose their jobs at the Kelsey Mills plant",
                  attributes={"source": "two people familiar with the plan"}),
                e("source", "two people familiar with the plan",
                  attributes={"kind": "anonymous", "role": "", "via": "Reuters"}),
                e("source", "Dana Whitlock",
                  attributes={"kind": "named_person", "role": "Chief executive", "via": ""}),
                e("claim", "output fell from 12,000 tonnes to 9,500 tonnes last year",
                  attributes={"source": "Dana Whitlock"}),
                e("figure", "from 12,000 tonnes to 9,500 tonnes",
                  attributes={"value": "9500", "change_from": "12000",
                              "counts": "plant output in tonnes"}),
            ],
        ),
        lx.data.ExampleData(
            text=second,
            extractions=[
                e("figure", "Fourteen",
                  attributes={"value": "14", "change_from": "", "counts": "schools closing"}),
                e("claim", "Fourteen schools will close for a week",
                  attributes={"source": "the education ministry"}),
                e("source", "the education ministry",
                  attributes={"kind": "government_body", "role": "", "via": ""}),
                e("figure", "About a third",
                  attributes={"value": "0.33", "change_from": "",
                              "counts": "share of pupils travelling by bus"}),
                e("claim", "About a third of pupils travel by bus",
                  attributes={"source": "a survey by the regional board"}),
                e("source", "a survey by the regional board",
                  attributes={"kind": "document", "role": "", "via": ""}),
            ],
        ),
    ]  # fmt: skip


def run_langextract(text: str, base_url: str, model: str) -> SystemRun:
    import langextract as lx
    from langextract.providers.openai import OpenAILanguageModel

    def work() -> tuple[Brief, int, int, dict[str, Any]]:
        language_model = OpenAILanguageModel(
            model_id=model,
            base_url=base_url,
            api_key="not-needed",
            temperature=0.0,
            max_workers=1,
            max_output_tokens=MAX_OUTPUT_TOKENS,
        )
        result = lx.extract(
            text,
            prompt_description=LX_PROMPT,
            examples=lx_examples(),
            model=language_model,
            max_char_buffer=2000,
            show_progress=False,
            fence_output=False,
        )
        documents = result if isinstance(result, list) else [result]
        items: list[_Item] = []
        unaligned = 0
        for document in documents:
            for extraction in document.extractions or []:
                kind = extraction.extraction_class
                if kind not in ("figure", "source", "claim"):
                    continue
                interval = extraction.char_interval
                span = None
                if interval is not None and interval.start_pos is not None:
                    span = (int(interval.start_pos), int(interval.end_pos or 0))
                else:
                    unaligned += 1
                items.append(
                    _Item(kind, extraction.extraction_text, span, dict(extraction.attributes or {}))
                )
        brief, ungrounded = _assemble(text, items, model)
        return brief, 0, ungrounded, {"unaligned": unaligned, "extractions": len(items)}

    run = _timed(work)
    run.attempts = run.calls
    return run


SYSTEMS: dict[str, Callable[[str, str, str], SystemRun]] = {
    "newsbrief": run_newsbrief,
    "newsbrief-embedded": run_newsbrief_embedded,
    "langextract": run_langextract,
    "naive": run_naive,
}
