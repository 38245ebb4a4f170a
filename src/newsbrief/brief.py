"""The public contract: the `Brief` and its parts (pydantic v2).

Every evidence `Span` is an exact slice of `Brief.article`: ``article[start:end] == text``.
`Brief` checks that invariant itself when it is built or loaded, so a brief read back
from JSON is as trustworthy as one fresh from `summarize`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SourceKind = Literal[
    "named_person", "anonymous", "organization", "government_body", "document", "media_outlet"
]
Modality = Literal["asserted", "hedged", "denied"]
FigureKind = Literal["count", "money", "percent", "measure", "date", "ordinal", "other"]
Qualifier = Literal["approximately", "at_least", "at_most", "more_than", "less_than", "between"]
Direction = Literal["up", "down"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Frozen):
    """A verbatim stretch of the article: ``article[start:end] == text``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start or self.end - self.start != len(self.text):
            raise ValueError(f"span [{self.start}, {self.end}) does not fit its text")
        return self


class Source(_Frozen):
    """Who a claim comes from, and through which outlet or channel."""

    id: str
    name: str
    kind: SourceKind
    role: str | None = None
    via: str | None = None
    evidence: list[Span]


class Claim(_Frozen):
    """One statement the article makes; ``source_ids`` empty = the publication's own."""

    id: str
    text: str
    source_ids: list[str] = Field(default_factory=list)
    modality: Modality = "asserted"
    quote: bool = False
    evidence: list[Span]
    figure_ids: list[str] = Field(default_factory=list)


class Figure(_Frozen):
    """A number that matters; ``value`` is parsed by code from ``evidence.text``.

    ``direction`` says which way it moved ("shares rose 3%" -> "up"), read by code from the
    words that govern the number; None for a level, a bound or a plain amount.
    """

    id: str
    value: float
    unit: str | None = None
    counts: str | None = None
    kind: FigureKind = "count"
    qualifier: Qualifier | None = None
    change_from: float | None = None
    lower: float | None = None
    direction: Direction | None = None
    evidence: Span


class Issue(_Frozen):
    """Something dropped or doubtful after validation, and why."""

    item: Literal["claim", "source", "figure", "summary"]
    reason: str
    detail: str | None = None


class Usage(_Frozen):
    """Token counts summed over every model call of one brief."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class Meta(_Frozen):
    """How the brief was made."""

    model: str
    backend: str
    mode: str
    prompt_version: str
    usage: Usage = Usage()
    calls: int = 0
    attempts: int = 0
    fixture_hits: int = 0
    fixture_misses: int = 0
    latency_s: float = 0.0


class Brief(_Frozen):
    """A validated, source-grounded brief of one article."""

    article: str
    summary: str
    claims: list[Claim] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    publisher: str | None = None
    issues: list[Issue] = Field(default_factory=list)
    meta: Meta

    @model_validator(mode="after")
    def _grounded(self) -> Brief:
        for span in self.evidence_spans():
            if self.article[span.start : span.end] != span.text:
                raise ValueError(f"evidence {span.text!r} is not at [{span.start}, {span.end})")
        source_ids = {s.id for s in self.sources}
        figure_ids = {f.id for f in self.figures}
        for claim in self.claims:
            if missing := set(claim.source_ids) - source_ids:
                raise ValueError(f"claim {claim.id} cites unknown sources {sorted(missing)}")
            if missing := set(claim.figure_ids) - figure_ids:
                raise ValueError(f"claim {claim.id} cites unknown figures {sorted(missing)}")
        return self

    def evidence_spans(self) -> list[Span]:
        """Every evidence span of the brief: figures', then claims', then sources'."""
        spans = [f.evidence for f in self.figures]
        for claim in self.claims:
            spans.extend(claim.evidence)
        for source in self.sources:
            spans.extend(source.evidence)
        return spans

    def source(self, source_id: str) -> Source:
        """The source with this id (KeyError if none)."""
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def to_markdown(self) -> str:
        """A readable Markdown rendering."""
        from newsbrief.render import brief_to_markdown

        return brief_to_markdown(self)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def to_html(self, path: str | os.PathLike[str] | None = None) -> str:
        """A self-contained HTML page (no scripts, fonts or URLs); written as UTF-8 to ``path``."""
        from newsbrief.render import brief_to_html

        page = brief_to_html(self, full_page=True)
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def _repr_html_(self) -> str:
        from newsbrief.render import brief_to_html

        return brief_to_html(self)

    def __rich__(self) -> Any:
        from newsbrief.render import brief_to_rich

        return brief_to_rich(self)
