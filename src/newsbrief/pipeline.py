"""From article text to a `Brief`: candidates by code, short questions to the model, grounding.

The small embedded model fails at "write the whole brief" but answers short, focused
questions well (measured in DESIGN.md).  So:

1. code splits the article into sentences and finds every number phrase (`numbers`);
2. the model answers one question per body sentence (who said it, via which outlet) and one
   per number (what it counts), each with a static few-shot prefix so llama.cpp reuses its
   cached prompt, and one question for the summary (`questions`: the answer models);
3. each answer is validated against its sentence inside Instructor's loop (a speaker that is
   not in the sentence, or an outlet named as the speaker, is re-asked with the error);
4. code builds sources (`sources`: who is speaking, across sentences), claims and figures
   with exact offsets (`spans`), values parsed from the evidence (`numbers`), kinds, roles,
   vias and modality by the rules of `grounding`; whatever cannot be grounded is dropped
   and listed in ``Brief.issues``.

This module orchestrates: `_Run` holds one brief in the making, and `STAGES` are its steps
in order, each reading what the ones before it found.
"""

from __future__ import annotations

import logging
import re
import time
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from newsbrief import grounding, lexicon
from newsbrief.article import Article, Sentence, load_article
from newsbrief.backends import Backend, resolve_backend
from newsbrief.brief import Brief, Claim, Figure, Issue, Meta, Usage
from newsbrief.errors import InputError, ValidationFailedError
from newsbrief.fixtures import FixtureStore
from newsbrief.llm import CallStats, ModelClient
from newsbrief.numbers import NumberMention, find_numbers
from newsbrief.options import Settings
from newsbrief.prompts import load_prompt, prompt_set_version
from newsbrief.questions import (
    Attribution,
    FigureAnswer,
    SelfContained,
    Summary,
    attribution_checks,
    claim_checks,
    exact_in,
    summary_checks,
)
from newsbrief.sources import SourceRegistry, article_span, quoted_speakers, speaker_offsets

logger = logging.getLogger(__name__)

PROMPTS = ("attribution", "claim", "figure", "summary")
SUMMARY_ARTICLE_CHARS = 6000
# One question per sentence and per number: 100,000 characters (a long feature is 30,000)
# is already about 1,500 questions, some 15 minutes on the embedded model.
MAX_ARTICLE_CHARS = 100_000
SUMMARY_MAX_WORDS = 80
# A claim rewrite that fails its checks (a word dropped, a name made up) is not re-asked: on
# the fixture articles re-asking rescued 0 of 16 such rewrites and cost two calls each, and
# a rejected rewrite loses nothing (the claim keeps the article's own words, with an issue).
REWRITE_RETRIES = 0
_SUMMARY_SENTENCE = re.compile(r"\S.*?(?:[.!?…]+[”\"’')\]]*(?=\s|$)|$)", re.DOTALL)
# Chinese, Japanese and Korean characters (a summary drifting into another script).
_CJK = re.compile("[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_TERMINAL = re.compile(r"[.!?…][”\"’')\]]*$")
# A claim that starts with one of these needs its context to stand alone ("it may cut 300
# jobs"); a pronoun later in a claim usually refers back inside the claim itself.
_NEEDS_CONTEXT = re.compile(
    rf"^\W*({'|'.join(lexicon.CONTEXT_PRONOUNS)}|the (?:{'|'.join(lexicon.REFERENCE_NOUNS)}))\b",
    re.IGNORECASE,
)
# A dateline: the place in capitals (and a region), a comma, then the date, the agency in
# brackets and a dash ("SAN LORENZO DEL VALLE, Sept 8 (AFP) -").
_DATELINE_PLACE = re.compile(r"[A-Z][A-Z'’.\- ]*[A-Z](?:,\s+[A-Z][\w'’.\- ]*)?,\s+")
_DATELINE_END = re.compile(r"\s*(?:\([^()\n]{1,40}\))?\s*[-—–]")
# What a number counts is a short noun phrase (the prompt asks for 2-6 words).
COUNTS_MAX_WORDS = 12
COUNTS_MAX_CHARS = 100
_SOURCE_COUNT_MAX = 12  # "two diplomats", "a dozen officials": who spoke, not a figure


@dataclass
class _Run:
    """The state of one brief in the making."""

    article: Article
    client: ModelClient
    stats: CallStats
    strict: bool
    max_retries: int
    version: str
    started: float
    on_progress: Callable[[Brief], None] | None = None
    sources: SourceRegistry = field(init=False)
    claims: list[Claim] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    summary: str = ""
    issues: list[Issue] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sources = SourceRegistry(self.article)

    @cached_property
    def body(self) -> list[Sentence]:
        """`body_sentences` of the article."""
        return body_sentences(self.article)

    @cached_property
    def numbers(self) -> list[NumberMention]:
        """`find_numbers` of the article (figures, the checks of claim rewrites and the
        summary's check read them)."""
        return find_numbers(self.article.text)

    def numbers_in(self, start: int, end: int) -> list[NumberMention]:
        """The article's number mentions that overlap ``[start, end)``."""
        return [m for m in self.numbers if m.start < end and start < m.end]

    def ask(
        self,
        model: type[Any],
        messages: list[dict[str, str]],
        max_tokens: int,
        max_retries: int | None = None,
        context: dict[str, Any] | None = None,
    ) -> Any:
        """The answer, or the `ValidationFailedError` when none validated (unless strict).

        A question's first request goes without a JSON grammar: every prompt's examples fix
        a one-line answer, and free decoding is several times faster on CPU; re-asks carry
        the grammar (see docs/reliability.md).
        """
        retries = self.max_retries if max_retries is None else min(max_retries, self.max_retries)
        try:
            return self.client.ask(
                model,
                messages,
                stats=self.stats,
                max_tokens=max_tokens,
                max_retries=retries,
                constrained=False,
                context=context,
            )
        except ValidationFailedError as exc:
            if self.strict:
                raise
            return exc

    def brief(self) -> Brief:
        """The brief as far as it is made."""
        return Brief(
            article=self.article.text,
            summary=self.summary,
            claims=_link_figures(self.claims, self.figures),
            sources=self.sources.sources(),
            figures=list(self.figures),
            issues=list(self.issues),
            meta=_meta(
                self.client.backend, self.version, self.stats, time.perf_counter() - self.started
            ),
        )

    def progressed(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.brief())


def summarize_article(
    article: str | bytes,
    settings: Settings,
    *,
    on_progress: Callable[[Brief], None] | None = None,
    before_stage: Callable[[int], None] | None = None,
) -> Brief:
    """See `newsbrief.summarize`.

    ``on_progress`` gets a partial brief after each question.  ``before_stage`` is called
    with a stage's number (its index in `STAGES`) before the stage runs: how
    `newsbrief.batch` keeps the articles of a lockstep group at the same stage.
    """
    started = time.perf_counter()
    parsed = load_article(article)
    if len(parsed.text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"article is too long: {len(parsed.text):,} characters; at most "
            f"{MAX_ARTICLE_CHARS:,} (split it into parts)"
        )
    backend = resolve_backend(
        settings.model,
        settings.base_url,
        api_key=settings.api_key,
        timeout_s=settings.timeout_s,
        transport_attempts=settings.transport_attempts,
        retry_wait_s=settings.retry_wait_s,
    )
    store = FixtureStore.from_settings(settings.fixtures, settings.fixtures_dir)
    version = prompt_set_version(PROMPTS)
    client = ModelClient(backend, store, version)
    strict = settings.strict
    run = _Run(
        parsed, client, CallStats(), strict, settings.max_retries, version, started, on_progress
    )
    for number, stage in enumerate(STAGES):
        if before_stage is not None:
            before_stage(number)
        stage(run)
    brief = run.brief()
    if strict and brief.issues:
        errors = [
            f"{i.item}: {i.reason} ({i.detail})" if i.detail else i.reason for i in brief.issues
        ]
        raise ValidationFailedError(
            f"{len(errors)} item(s) could not be grounded: {errors[0]}", draft=brief, errors=errors
        )
    return brief


def _meta(backend: Backend, version: str, stats: CallStats, latency: float) -> Meta:
    return Meta(
        model=backend.model,
        backend=backend.kind,
        mode=backend.mode,
        prompt_version=version,
        usage=Usage(prompt_tokens=stats.prompt_tokens, completion_tokens=stats.completion_tokens),
        calls=stats.questions,
        attempts=stats.attempts,
        fixture_hits=stats.fixture_hits,
        fixture_misses=stats.fixture_misses,
        latency_s=round(latency, 3),
    )


def body_sentences(article: Article) -> list[Sentence]:
    """Sentences worth asking about: complete ones of five words or more (not headlines)."""
    return [s for s in article.sentences if len(s.text.split()) >= 5 and _TERMINAL.search(s.text)]


def _attributions(run: _Run) -> None:
    prompt = load_prompt("attribution")
    last_outlet: str | None = None
    for sentence in run.body:
        if not grounding.has_attribution_cue(sentence.text) or grounding.is_no_comment(
            sentence.text
        ):
            # No word that attributes a statement, or a request for comment left unanswered:
            # the publication's own reporting.  Asking would only invite the model to name
            # the sentence's subject as a speaker.
            _add_claim(run, sentence, (0, len(sentence.text)), None)
            continue
        answer = run.ask(
            Attribution,
            prompt.render(sentence=sentence.text),
            60,
            context=attribution_checks(sentence.text),
        )
        source_index: int | None = None
        content = (0, len(sentence.text))
        if isinstance(answer, ValidationFailedError):
            run.issues.append(
                Issue(item="source", reason="no valid attribution answer", detail=str(answer))
            )
        elif (speaker := speaker_offsets(sentence.text, answer.speaker)) is not None:
            begin, finish = speaker
            why = grounding.not_a_who_phrase(sentence.text, begin, finish)
            if why is None and grounding.inside_reported_content(sentence.text, begin):
                why = "it stands inside what is reported (after 'said that', 'report that')"
            if why is not None:
                run.issues.append(
                    Issue(
                        item="source",
                        reason=f"speaker dropped: {why}",
                        detail=f"{sentence.text[begin:finish]!r} in: {sentence.text}",
                    )
                )
                _add_claim(run, sentence, content, None)
                continue
            span = article_span(run.article, sentence.start + begin, sentence.start + finish)
            via = _via(run, sentence, answer.via, last_outlet)
            if via and not grounding.is_generic_outlet(via):
                last_outlet = via
            source_index = run.sources.resolve(span, via)
            if source_index is None:
                run.issues.append(
                    Issue(
                        item="source",
                        reason="pronoun speaker with no one to refer to",
                        detail=span.text,
                    )
                )
            content = grounding.claim_content(sentence.text, begin, finish)
        _add_claim(run, sentence, content, source_index)


def _via(run: _Run, sentence: Sentence, via: str | None, last_outlet: str | None) -> str | None:
    if not via:
        return None
    where = exact_in(sentence.text, via)
    if where is None or not grounding.routed_via(sentence.text, where.start, where.text):
        run.issues.append(
            Issue(
                item="source",
                reason="via dropped: the sentence does not route the statement through it",
                detail=f"{via!r} in: {sentence.text}",
            )
        )
        return None
    if grounding.is_generic_outlet(where.text) and last_outlet:
        return last_outlet
    return where.text


def _add_claim(
    run: _Run, sentence: Sentence, content: tuple[int, int], source_index: int | None
) -> None:
    """One claim: ``content`` (offsets within the sentence) as evidence, cited source."""
    start, end = sentence.start + content[0], sentence.start + content[1]
    evidence = article_span(run.article, start, end)
    run.claims.append(
        Claim(
            id=f"c{len(run.claims) + 1}",
            text=evidence.text,
            source_ids=[f"s{source_index + 1}"] if source_index is not None else [],
            modality=grounding.modality_of(sentence.text),
            quote=grounding.is_quotation(run.article.text, start, end),
            evidence=[evidence],
        )
    )
    run.progressed()


def _quoted_speakers(run: _Run) -> None:
    """Quoted sentences with no speaker of their own get the speaker of their quotation
    (`sources.quoted_speakers`)."""
    claims = quoted_speakers(run.article, run.claims)
    if claims != run.claims:
        run.claims = claims
        run.progressed()


def _self_contained_claims(run: _Run) -> None:
    """Rewrite claims that lean on their context ("it may cut 300 jobs"); evidence stays."""
    prompt = load_prompt("claim")
    sentences = run.article.sentences
    drafts = run.sources.drafts
    for index, claim in enumerate(run.claims):
        evidence = claim.evidence[0]
        if not _NEEDS_CONTEXT.search(evidence.text):
            continue
        sentence = run.article.sentence_at(evidence.start)
        if sentence is None:
            continue
        before = sentences[sentence.index - 1].text if sentence.index > 0 else ""
        speaker = drafts[int(claim.source_ids[0][1:]) - 1].name if claim.source_ids else ""
        context = f"{before} {sentence.text}".strip()
        # No speaker line: given one, the model put the speaker in for pronouns that stand
        # for someone else ("He was sentenced" -> "The publication sentenced ...").
        messages = prompt.render(context=context, claim=evidence.text)
        answer = run.ask(
            SelfContained,
            messages,
            90,
            max_retries=REWRITE_RETRIES,
            context=claim_checks(
                evidence.text, f"{context} {speaker}", run.numbers_in(evidence.start, evidence.end)
            ),
        )
        if isinstance(answer, ValidationFailedError):
            run.issues.append(
                Issue(
                    item="claim",
                    reason="could not be made self-contained: its text is the article's own",
                    detail=str(answer),
                )
            )
            continue
        run.claims[index] = claim.model_copy(update={"text": " ".join(answer.claim.split())})
        run.progressed()


def _figures(run: _Run) -> None:
    prompt = load_prompt("figure")
    figures = run.figures
    mentions = [m for m in run.numbers if m.kind != "ordinal"]
    # By start: mentions never overlap; nor do sentences, so one holds a mention's start.
    body_starts = {s.start for s in run.body}
    in_body = {
        m.start
        for m in mentions
        if (sentence := run.article.sentence_at(m.start)) is not None
        and sentence.start in body_starts
    }
    body_values = {(m.value, m.kind) for m in mentions if m.start in in_body}
    for mention in mentions:
        if mention.start not in in_body and (mention.value, mention.kind) in body_values:
            continue  # a headline repeating a figure of the body
        if _in_dateline(run.article.text, mention) or _counts_a_source(run, mention):
            continue
        sentence = run.article.sentence_at(mention.start)
        context = sentence.text if sentence is not None else mention.text
        answer = run.ask(FigureAnswer, prompt.render(sentence=context, number=mention.text), 24)
        counts = None
        if isinstance(answer, ValidationFailedError):
            run.issues.append(
                Issue(
                    item="figure", reason="no valid answer for what it counts", detail=str(answer)
                )
            )
        else:
            counts = " ".join(answer.counts.split()) or None
            if counts is not None and (why := _ungrounded_counts(counts)) is not None:
                run.issues.append(
                    Issue(item="figure", reason=f"counts dropped: {why}", detail=counts[:200])
                )
                counts = None
        figures.append(
            Figure(
                id=f"f{len(figures) + 1}",
                value=mention.value,
                unit=mention.unit,
                counts=counts,
                kind=mention.kind,
                qualifier=mention.qualifier,
                change_from=mention.change_from,
                lower=mention.lower,
                direction=mention.direction,
                evidence=article_span(run.article, mention.start, mention.end),
            )
        )
        run.progressed()


def _ungrounded_counts(counts: str) -> str | None:
    """Why ``counts`` cannot stand as what a number counts, or None: it must be a short noun
    phrase, so a run-on answer (or text planted in the article) is not kept as one."""
    if len(counts) > COUNTS_MAX_CHARS or len(counts.split()) > COUNTS_MAX_WORDS:
        return f"longer than {COUNTS_MAX_WORDS} words or {COUNTS_MAX_CHARS} characters"
    return None


def _in_dateline(text: str, mention: NumberMention) -> bool:
    """The date of a dateline ("GENEVA, June 3 (Reuters) -"): when the story was filed."""
    if mention.kind != "date":
        return False
    line_start = text.rfind("\n", 0, mention.start) + 1
    return (
        _DATELINE_PLACE.fullmatch(text, line_start, mention.start) is not None
        and _DATELINE_END.match(text, mention.end) is not None
    )


def _counts_a_source(run: _Run, mention: NumberMention) -> bool:
    """A small count inside an anonymous source's own words ("two people familiar with the
    matter told Reuters"): it says who spoke, which the source records, not what they said.
    A document's words keep theirs ("a trial carried out at six hospitals")."""
    if mention.kind != "count" or mention.value > _SOURCE_COUNT_MAX:
        return False
    return any(
        span.start <= mention.start and mention.end <= span.end
        for draft in run.sources.drafts
        if draft.kind == "anonymous"
        for span in draft.evidence
    )


def _summary(run: _Run) -> None:
    prompt = load_prompt("summary")
    text = run.article.text[:SUMMARY_ARTICLE_CHARS]
    answer = run.ask(Summary, prompt.render(article=text), 160, context=summary_checks(run.numbers))
    if isinstance(answer, ValidationFailedError):
        run.issues.append(Issue(item="summary", reason="no valid summary", detail=str(answer)))
        return
    run.summary = _whole_sentences(str(answer.summary).strip(), run.article.text)


def _whole_sentences(summary: str, article: str) -> str:
    """The summary's leading whole sentences, at most `SUMMARY_MAX_WORDS` words.

    The grammar's length cap can cut the last sentence short, and near that cap the small
    model drifts into another script ("310 millimetres of 雨"): such sentences are dropped
    by code rather than re-asked.
    """
    kept: list[str] = []
    words = 0
    for sentence in _SUMMARY_SENTENCE.findall(summary):
        sentence = sentence.strip()
        foreign = _CJK.search(sentence) is not None and _CJK.search(article) is None
        count = len(sentence.split())
        if (
            not _TERMINAL.search(sentence)
            or foreign
            or (kept and words + count > SUMMARY_MAX_WORDS)
        ):
            break
        kept.append(sentence)
        words += count
    return " ".join(kept)


def _link_figures(claims: list[Claim], figures: list[Figure]) -> list[Claim]:
    """The claims, each citing the figures that stand inside its evidence."""
    by_start = sorted(range(len(figures)), key=lambda i: figures[i].evidence.start)
    starts = [figures[i].evidence.start for i in by_start]
    linked = []
    for claim in claims:
        inside: set[int] = set()
        for span in claim.evidence:
            # The figures that start inside the span, found by bisection: most do not.
            for at in range(bisect_left(starts, span.start), bisect_left(starts, span.end)):
                if figures[by_start[at]].evidence.end <= span.end:
                    inside.add(by_start[at])
        if inside:
            ids = [figures[i].id for i in sorted(inside)]
            claim = claim.model_copy(update={"figure_ids": ids})
        linked.append(claim)
    return linked


# The steps of a brief, in order; each but `_quoted_speakers` asks the model one kind of
# question (one prompt template).
STAGES: tuple[Callable[[_Run], None], ...] = (
    _attributions,
    _quoted_speakers,
    _self_contained_claims,
    _figures,
    _summary,
)
