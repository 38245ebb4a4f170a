"""From article text to a `Brief`: candidates by code, short questions to the model, grounding.

The small embedded model fails at "write the whole brief" but answers short, focused
questions well (measured in DESIGN.md).  So:

1. code splits the article into sentences and finds every number phrase (`numbers`);
2. the model answers one question per body sentence (who said it, via which outlet) and one
   per number (what it counts), each with a static few-shot prefix so llama.cpp reuses its
   cached prompt, and one question for the summary;
3. each answer is validated against its sentence inside Instructor's loop (a speaker that is
   not in the sentence, or an outlet named as the speaker, is re-asked with the error);
4. code builds sources, claims and figures with exact offsets (`spans`), values parsed
   from the evidence (`numbers`), kinds, roles, vias and modality by the rules of
   `grounding`; whatever cannot be grounded is dropped and listed in ``Brief.issues``.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from bisect import bisect_left
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from newsbrief import grounding
from newsbrief.article import Article, Sentence, load_article, split_sentences
from newsbrief.backends import Backend, resolve_backend
from newsbrief.brief import Brief, Claim, Figure, Issue, Meta, Source, Span, Usage
from newsbrief.errors import InputError, ValidationFailedError
from newsbrief.fixtures import FixtureStore
from newsbrief.llm import CallStats, ModelClient
from newsbrief.numbers import NumberMention, find_numbers
from newsbrief.prompts import RenderedQuestion, load_prompt, prompt_set_version
from newsbrief.spans import Located, locate

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
    r"^\W*(he|she|it|they|his|her|its|their|the (?:company|alliance|group|agency|ministry|"
    r"government|firm|party|organi[sz]ation|court|council|military|union|club|campaign|"
    r"country|city|department|committee|bank|board))\b",
    re.IGNORECASE,
)
_REFERENCE_WORDS = frozenset(
    [
        "he",
        "she",
        "it",
        "they",
        "him",
        "her",
        "his",
        "its",
        "their",
        "them",
        "the",
        "company",
        "alliance",
        "group",
        "agency",
        "ministry",
        "government",
        "firm",
        "party",
        "organisation",
        "organization",
        "court",
        "council",
        "military",
        "union",
        "club",
        "campaign",
        "country",
        "city",
        "department",
        "committee",
        "bank",
        "board",
    ]
)
_WORD = re.compile(r"\w+")
# A dateline: the place in capitals (and a region), a comma, then the date, the agency in
# brackets and a dash ("SAN LORENZO DEL VALLE, Sept 8 (AFP) -").
_DATELINE_PLACE = re.compile(r"[A-Z][A-Z'’.\- ]*[A-Z](?:,\s+[A-Z][\w'’.\- ]*)?,\s+")
_DATELINE_END = re.compile(r"\s*(?:\([^()\n]{1,40}\))?\s*[-—–]")
_SOURCE_COUNT_MAX = 12  # "two diplomats", "a dozen officials": who spoke, not a figure
_HONORIFIC = re.compile(r"^(Mr|Mrs|Ms|Dr)\.?\s+")
_PERSONAL_PRONOUN = re.compile(r"\b(he|she|they)\b", re.IGNORECASE)
_SPEECH_VERB = re.compile(rf"(?:{grounding.SPEECH_VERBS})", re.IGNORECASE)


class AttributionAnswer(BaseModel):
    """Who made the statement in one sentence, and through which outlet."""

    speaker: str | None = Field(
        description="who made the statement, copied word for word from the sentence, or null"
    )
    via: str | None = Field(
        description="the news outlet the statement was given to, copied from the sentence, or null"
    )


class ClaimAnswer(BaseModel):
    """One claim, made self-contained."""

    claim: str = Field(
        description="the claim with pronouns replaced by names; every other word kept",
        max_length=500,
    )


def _claim_checks(
    evidence: str, context: str, numbers: list[NumberMention] | None = None
) -> dict[str, Any]:
    """What `SelfContained` checks a rewrite of one claim against; ``numbers`` are the
    evidence's as its article reads them, else they are read from ``evidence`` alone."""
    own_words = _WORD.findall(evidence.casefold())
    return {
        "numbers": _values(find_numbers(evidence) if numbers is None else numbers),
        "hedged": grounding.modality_of(evidence) == "hedged",
        "kept": [w for w in own_words if w not in _REFERENCE_WORDS],
        "allowed": set(own_words) | set(_WORD.findall(context.casefold())),
        "own_words": set(own_words),
        "sentences": len(split_sentences(evidence)),
    }


class SelfContained(ClaimAnswer):
    # No docstring: the JSON schema sent to the model (and so the fixture keys) stays as is.
    @model_validator(mode="after")
    def _faithful(self, info: ValidationInfo) -> SelfContained:
        """Every word of the claim but its pronouns stays; every word added comes from the
        context, and none says who spoke ("said", "denied"); no sentence is added; numbers
        and hedges survive (checks from `_claim_checks`)."""
        checks = info.context or {}
        text = self.claim.strip()
        errors = []
        if not text:
            errors.append("the claim is empty")
        if pronoun := _PERSONAL_PRONOUN.search(text):
            errors.append(f"{pronoun.group()!r} is still in the claim: use the name instead")
        invented = [m.text for m in find_numbers(text) if m.value not in checks.get("numbers", ())]
        if invented:
            errors.append(f"the numbers {invented} are not in the claim: keep its numbers")
        if checks.get("hedged") and grounding.modality_of(text) != "hedged":
            errors.append("keep the claim's hedge words (may, could, as many as, ...)")
        words = _WORD.findall(text.casefold())
        if missing := [w for w in checks.get("kept", ()) if w not in words]:
            errors.append(f"keep every word of the claim; missing: {', '.join(missing[:5])}")
        allowed = checks.get("allowed", set())
        if added := [w for w in words if w not in allowed]:
            errors.append(f"use only names from the context; not there: {', '.join(added[:5])}")
        own = checks.get("own_words", set())
        if said := [w for w in words if w not in own and _SPEECH_VERB.fullmatch(w)]:
            errors.append(f"name who the claim is about, not who said it; added: {said[0]!r}")
        if len(split_sentences(text)) > checks.get("sentences", 1):
            errors.append("rewrite the one claim; do not add sentences from the context")
        if errors:
            raise ValueError("; ".join(errors))
        return self


def _values(numbers: list[NumberMention]) -> set[float]:
    return {v for m in numbers for v in (m.value, m.change_from, m.lower) if v is not None}


class FigureAnswer(BaseModel):
    """What one number counts."""

    counts: str = Field(description="what the number counts, a short noun phrase (2-6 words)")


class SummaryAnswer(BaseModel):
    """The brief's summary."""

    summary: str = Field(description="at most two sentences and 50 words", max_length=500)


class Attribution(AttributionAnswer):
    # No docstring: the JSON schema sent to the model (and so the fixture keys) stays as is.
    @model_validator(mode="after")
    def _grounded_in_sentence(self, info: ValidationInfo) -> Attribution:
        """The speaker and the via are copied from the sentence (``checks["sentence"]``)."""
        sentence = str((info.context or {}).get("sentence", ""))
        errors = []
        if self.via is not None and (not self.via.strip() or _exact_in(sentence, self.via) is None):
            # Not worth a re-ask: a via that is not in the sentence is simply dropped.
            self.via = None
        if self.speaker is not None and not self.speaker.strip():
            self.speaker = None
        if self.speaker and _exact_in(sentence, self.speaker) is None:
            errors.append(f"speaker {self.speaker!r} is not in the sentence: copy it word for word")
        if self.speaker and self.via and self.speaker.strip() == self.via.strip():
            errors.append(
                f"{self.speaker!r} is the outlet the statement was given to, not the speaker"
            )
        if self.speaker and grounding.is_outlet(self.speaker):
            told = re.search(rf"\btold\s+{re.escape(self.speaker.strip())}", sentence)
            if told:
                errors.append(
                    f"{self.speaker!r} was told the statement: the speaker is who told it"
                )
        if errors:
            raise ValueError("; ".join(errors))
        return self


class Summary(SummaryAnswer):
    # No docstring: the JSON schema sent to the model (and so the fixture keys) stays as is.
    @model_validator(mode="after")
    def _numbers_from_article(self, info: ValidationInfo) -> Summary:
        """Every number of the summary is one of the article's (``checks["numbers"]``)."""
        text = self.summary.strip()
        if not text:
            raise ValueError("the summary is empty")
        known = (info.context or {}).get("numbers", set())
        invented = [m.text for m in find_numbers(text) if m.value not in known]
        if invented:
            raise ValueError(
                f"the numbers {invented} are not in the article: use the article's numbers"
            )
        return self


@dataclass
class _SourceDraft:
    name: str
    kind: grounding.SourceKind
    role: str | None
    via: str | None
    evidence: list[Span] = field(default_factory=list)


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
    drafts: list[_SourceDraft] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    summary: str = ""
    issues: list[Issue] = field(default_factory=list)
    _people: list[tuple[int, int]] | None = None
    _body: list[Sentence] | None = None
    _companies: list[tuple[int, int]] | None = None
    _name_runs: list[grounding.NameRun] | None = None
    _numbers: list[NumberMention] | None = None

    def companies(self) -> list[tuple[int, int]]:
        """`grounding.company_mentions` of the article, found on first use."""
        if self._companies is None:
            self._companies = grounding.company_mentions(self.article.text, self.name_runs())
        return self._companies

    def name_runs(self) -> list[grounding.NameRun]:
        """`grounding.name_runs` of the article (people and companies both), on first use."""
        if self._name_runs is None:
            self._name_runs = grounding.name_runs(self.article.text)
        return self._name_runs

    def body(self) -> list[Sentence]:
        """`body_sentences` of the article, found on first use."""
        if self._body is None:
            self._body = body_sentences(self.article)
        return self._body

    def numbers(self) -> list[NumberMention]:
        """`find_numbers` of the article, found on first use (figures, the checks of claim
        rewrites and the summary's check read them)."""
        if self._numbers is None:
            self._numbers = find_numbers(self.article.text)
        return self._numbers

    def numbers_in(self, start: int, end: int) -> list[NumberMention]:
        """The article's number mentions that overlap ``[start, end)``."""
        return [m for m in self.numbers() if m.start < end and start < m.end]

    def people(self) -> list[tuple[int, int]]:
        """`grounding.person_mentions` of the article, found on first use."""
        if self._people is None:
            self._people = grounding.person_mentions(self.article.text, self.name_runs())
        return self._people

    def ask(
        self,
        model: type[Any],
        messages: list[dict[str, str]] | RenderedQuestion,
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
        sources = [
            Source(
                id=f"s{i + 1}",
                name=d.name,
                kind=d.kind,
                role=d.role,
                via=d.via,
                evidence=list(d.evidence),
            )
            for i, d in enumerate(self.drafts)
        ]
        return Brief(
            article=self.article.text,
            summary=self.summary,
            claims=_link_figures(self.claims, self.figures),
            sources=sources,
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
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    fixtures: str | None = None,
    fixtures_dir: str | None = None,
    strict: bool = False,
    max_retries: int = 2,
    timeout_s: float = 120.0,
    transport_attempts: int = 4,
    retry_wait_s: float | None = None,
    on_progress: Callable[[Brief], None] | None = None,
) -> Brief:
    """See `newsbrief.summarize`; ``on_progress`` gets a partial brief after each question."""
    started = time.perf_counter()
    parsed = load_article(article)
    if len(parsed.text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"article is too long: {len(parsed.text):,} characters; at most "
            f"{MAX_ARTICLE_CHARS:,} (split it into parts)"
        )
    backend = resolve_backend(
        model,
        base_url,
        api_key=api_key,
        timeout_s=timeout_s,
        transport_attempts=transport_attempts,
        retry_wait_s=retry_wait_s,
    )
    store = FixtureStore.from_settings(fixtures, fixtures_dir)
    version = prompt_set_version(PROMPTS)
    client = ModelClient(backend, store, version)
    run = _Run(parsed, client, CallStats(), strict, max_retries, version, started, on_progress)
    gate = stage_gate.get()
    for number, stage in enumerate(STAGES):
        if gate is not None:
            gate(number)
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


# Called with a stage's number before the stage runs: how `newsbrief.batch` keeps the
# articles of a group at the same stage (see `summarize_many`'s ``lockstep``).  None, the
# default, runs every stage at once.
stage_gate: ContextVar[Callable[[int], None] | None] = ContextVar(
    "newsbrief_stage_gate", default=None
)


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


def _span(article: Article, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=article.text[start:end])


def _attributions(run: _Run) -> None:
    prompt = load_prompt("attribution")
    drafts = run.drafts
    last_outlet: str | None = None
    for sentence in run.body():
        if not grounding.has_attribution_cue(sentence.text):
            # No word that attributes a statement: the publication's own reporting.  Asking
            # would only invite the model to name the sentence's subject as a speaker.
            _add_claim(run, sentence, (0, len(sentence.text)), None)
            continue
        answer = run.ask(
            Attribution,
            prompt.render_question(sentence=sentence.text),
            60,
            context={"sentence": sentence.text},
        )
        source_index: int | None = None
        content = (0, len(sentence.text))
        if isinstance(answer, ValidationFailedError):
            run.issues.append(
                Issue(item="source", reason="no valid attribution answer", detail=str(answer))
            )
        elif (speaker := _speaker_offsets(sentence.text, answer.speaker)) is not None:
            begin, finish = speaker
            if grounding.inside_reported_content(sentence.text, begin):
                run.issues.append(
                    Issue(
                        item="source",
                        reason="speaker dropped: it stands inside what is reported "
                        "(after 'said that', 'report that')",
                        detail=f"{sentence.text[begin:finish]!r} in: {sentence.text}",
                    )
                )
                _add_claim(run, sentence, content, None)
                continue
            span = _span(run.article, sentence.start + begin, sentence.start + finish)
            via = _via(run, sentence, answer.via, last_outlet)
            if via and not grounding.is_generic_outlet(via):
                last_outlet = via
            source_index = _resolve_source(run, drafts, span, via)
            content = grounding.claim_content(sentence.text, begin, finish)
        _add_claim(run, sentence, content, source_index)


def _quoted_speakers(run: _Run) -> None:
    """Quoted sentences with no speaker of their own get the speaker of their quotation.

    Two rules of news writing, applied within a paragraph: a sentence that opens a
    quotation the next sentence closes shares that sentence's speaker ("“I didn't see it.
    I heard it,” she said."), and a sentence that is a quotation from end to end continues
    the quoted speaker of the sentence before ("“...,” she said. “Our patience is not
    unlimited.”").  The claim's evidence stays the quoted sentence; the source is cited,
    not found again in it.
    """
    sentences = run.article.sentences
    claim_of: dict[int, int] = {}
    for number, claim in enumerate(run.claims):
        sentence = run.article.sentence_at(claim.evidence[0].start)
        if sentence is not None:
            claim_of.setdefault(sentence.index, number)
    changed = False
    for index, number in sorted(claim_of.items()):
        claim = run.claims[number]
        text = sentences[index].text
        if claim.source_ids:
            continue
        opens = text.lstrip().startswith(grounding.OPENING_QUOTES) and grounding.quote_left_open(
            text
        )
        speaker_of = _closing_sentence(run, index, claim_of) if opens else None
        continued = opens or grounding.is_whole_quotation(text)
        if speaker_of is None and continued and index > 0 and _same_paragraph(run, index):
            # No attribution after the quotation: it goes on from a quoted speaker before it.
            quoted = any(mark in sentences[index - 1].text for mark in grounding.QUOTE_MARKS)
            speaker_of = claim_of.get(index - 1) if quoted else None
        if speaker_of is not None and (source_ids := run.claims[speaker_of].source_ids):
            run.claims[number] = claim.model_copy(update={"source_ids": list(source_ids)})
            changed = True
    if changed:
        run.progressed()


def _same_paragraph(run: _Run, index: int) -> bool:
    """Whether sentence ``index`` follows sentence ``index - 1`` on the same line."""
    before, sentence = run.article.sentences[index - 1], run.article.sentences[index]
    return "\n" not in run.article.text[before.end : sentence.start]


def _closing_sentence(run: _Run, index: int, claim_of: dict[int, int]) -> int | None:
    """The claim (``claim_of`` its sentence) of the sentence that closes the quotation
    sentence ``index`` opens and names its speaker after it ("... here,” Clinton said.");
    None when there is none."""
    sentences = run.article.sentences
    for later in range(index + 1, len(sentences)):
        if not _same_paragraph(run, later):
            return None
        marks = [ch for ch in sentences[later].text if ch in grounding.QUOTE_MARKS]
        if not marks:
            continue  # the quotation goes on
        if marks[0] == "“":
            return None  # another quotation opens: the first was never closed
        text = sentences[later].text
        after = text[max(text.rfind("”"), text.rfind('"')) + 1 :]
        if not any(ch.isalpha() for ch in after):
            return None  # no "..., she said" after it: whoever answered is inside the quote
        return claim_of.get(later)
    return None


def _add_claim(
    run: _Run, sentence: Sentence, content: tuple[int, int], source_index: int | None
) -> None:
    """One claim: ``content`` (offsets within the sentence) as evidence, cited source."""
    start, end = sentence.start + content[0], sentence.start + content[1]
    evidence = _span(run.article, start, end)
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


def _self_contained_claims(run: _Run) -> None:
    """Rewrite claims that lean on their context ("it may cut 300 jobs"); evidence stays."""
    prompt = load_prompt("claim")
    sentences = run.article.sentences
    for index, claim in enumerate(run.claims):
        evidence = claim.evidence[0]
        if not _NEEDS_CONTEXT.search(evidence.text):
            continue
        sentence = run.article.sentence_at(evidence.start)
        if sentence is None:
            continue
        before = sentences[sentence.index - 1].text if sentence.index > 0 else ""
        speaker = run.drafts[int(claim.source_ids[0][1:]) - 1].name if claim.source_ids else ""
        context = f"{before} {sentence.text}".strip()
        # No speaker line: given one, the model put the speaker in for pronouns that stand
        # for someone else ("He was sentenced" -> "The publication sentenced ...").
        messages = prompt.render_question(context=context, claim=evidence.text)
        answer = run.ask(
            SelfContained,
            messages,
            90,
            max_retries=REWRITE_RETRIES,
            context=_claim_checks(
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


@functools.lru_cache(maxsize=4)
def _exact_in(sentence: str, phrase: str) -> Located | None:
    """``locate(sentence, phrase, allow_fuzzy=False)``, remembered for the last four: an
    attribution's validator checks its speaker and via in the sentence, then the pipeline
    places the same two phrases in the same sentence (`Located` is immutable).  Four hold
    one question's, not a brief's."""
    return locate(sentence, phrase, allow_fuzzy=False)


def _speaker_offsets(sentence: str, speaker: str | None) -> tuple[int, int] | None:
    """Where the statement's speaker stands in the sentence, by the rules of `grounding`.

    "..., according to X.": X, whatever the model said.  A name gets its title prefixed.
    """
    according = grounding.according_to_source(sentence)
    if according is not None:
        return according
    if not speaker:
        return None
    where = _exact_in(sentence, speaker)
    if where is None:
        return None
    return grounding.extend_with_title(sentence, where.start, where.end), where.end


def _via(run: _Run, sentence: Sentence, via: str | None, last_outlet: str | None) -> str | None:
    if not via:
        return None
    where = _exact_in(sentence.text, via)
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


def _resolve_source(
    run: _Run, drafts: list[_SourceDraft], span: Span, via: str | None
) -> int | None:
    """The index of the source ``span`` names (adding it if new), resolving references."""
    phrase = span.text
    if grounding.is_pronoun(phrase):
        wanted_person = phrase.casefold() in grounding.PERSON_PRONOUNS
        if wanted_person and (index := _person_before(run, drafts, span.start)) is not None:
            drafts[index].evidence.append(span)
            return index
        for index in range(len(drafts) - 1, -1, -1):
            if (drafts[index].kind == "named_person") == wanted_person:
                drafts[index].evidence.append(span)
                return index
        run.issues.append(
            Issue(item="source", reason="pronoun speaker with no one to refer to", detail=phrase)
        )
        return None
    phrase = " ".join(phrase.split())  # a name, not evidence: no-break spaces become spaces
    kind = grounding.classify_source(phrase)
    name, role = grounding.split_role(phrase) if kind == "named_person" else (phrase, None)
    name = _HONORIFIC.sub("", name)
    same = [index for index, draft in enumerate(drafts) if _same_source(draft, name, kind)]
    if not same and kind != "named_person":
        # "the statement" after "a statement from the ministry's press office": the latest.
        same = [i for i, d in enumerate(drafts) if grounding.refers_back_to(name, d.name)][-1:]
    named_as = None
    if not same and (named_as := _company_named(run, name, span.start)) is not None:
        name, kind, role = named_as.text, "organization", None
        same = [index for index, draft in enumerate(drafts) if _same_source(draft, name, kind)]
    for index in same[:1]:
        draft = drafts[index]
        if named_as is not None and named_as not in draft.evidence:
            draft.evidence.append(named_as)
        draft.evidence.append(span)
        if via and not draft.via:
            draft.via = via
        if role and not draft.role:
            draft.role = role
        return index
    evidence = [named_as, span] if named_as is not None else [span]
    drafts.append(_SourceDraft(name=name, kind=kind, role=role, via=via, evidence=evidence))
    return len(drafts) - 1


def _company_named(run: _Run, phrase: str, offset: int) -> Span | None:
    """Where the company ``phrase`` stands for is named before ``offset``: the last company
    named, for "the company"; the company whose name it begins, for a capitalised word
    alone ("MedLink" after "MedLink Systems")."""
    text = run.article.text
    description = grounding.is_company_description(phrase)
    if not description and (len(phrase.split()) != 1 or not phrase[:1].isupper()):
        return None  # the article's companies are looked up only for these two forms
    named = [(start, end) for start, end in run.companies() if end <= offset]
    if not description:
        named = [(start, end) for start, end in named if text[start:end].split()[0] == phrase]
    return _span(run.article, *named[-1]) if named else None


def _person_before(run: _Run, drafts: list[_SourceDraft], offset: int) -> int | None:
    """The person "he" or "she" at ``offset`` refers to: whoever was named last before it,
    a person source already found or a person the text introduced without quoting
    (`grounding.person_mentions`: "Tadhg Ó Murchú, 81, taught ..."), added as a source."""
    named = [
        (span.start, index)
        for index, draft in enumerate(drafts)
        if draft.kind == "named_person"
        for span in draft.evidence
        if span.start < offset
    ]
    last_source = max(named, default=None)
    introduced = [m for m in run.people() if m[0] < offset]
    # By sentence: in "Trump said praise from President Vladimir Putin ...", the speaker
    # is who the next "he" most likely is, not the person named after him.
    if introduced and (
        last_source is None
        or _sentence_index(run, introduced[-1][0]) > _sentence_index(run, last_source[0])
    ):
        start, end = introduced[-1]
        span = _span(run.article, start, end)
        for index, draft in enumerate(drafts):
            if _same_source(draft, span.text, "named_person"):
                draft.evidence.append(span)
                return index
        drafts.append(_SourceDraft(span.text, "named_person", None, None, evidence=[span]))
        return len(drafts) - 1
    return last_source[1] if last_source is not None else None


def _sentence_index(run: _Run, offset: int) -> int:
    sentence = run.article.sentence_at(offset)
    return sentence.index if sentence is not None else -1


def _same_source(draft: _SourceDraft, name: str, kind: str) -> bool:
    if draft.name.casefold() == name.casefold():
        return True
    if kind == "named_person" and draft.kind == "named_person":
        # "Figueroa" after "Melezia Figueroa": a short form of a name already seen.
        known = draft.name.split()
        given = name.split()
        return len(given) < len(known) and known[-len(given) :] == given
    return False


def _figures(run: _Run) -> None:
    prompt = load_prompt("figure")
    figures = run.figures
    mentions = [m for m in run.numbers() if m.kind != "ordinal"]
    body = run.body()
    # By start: mentions never overlap; nor do sentences, so one holds a mention's start.
    body_starts = {s.start for s in body}
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
        answer = run.ask(
            FigureAnswer, prompt.render_question(sentence=context, number=mention.text), 24
        )
        counts = None
        if isinstance(answer, ValidationFailedError):
            run.issues.append(
                Issue(
                    item="figure", reason="no valid answer for what it counts", detail=str(answer)
                )
            )
        else:
            counts = answer.counts.strip() or None
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
                evidence=_span(run.article, mention.start, mention.end),
            )
        )
        run.progressed()


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
        for draft in run.drafts
        if draft.kind == "anonymous"
        for span in draft.evidence
    )


def _summary(run: _Run) -> None:
    prompt = load_prompt("summary")
    text = run.article.text[:SUMMARY_ARTICLE_CHARS]
    numbers = _values(run.numbers())
    answer = run.ask(
        Summary, prompt.render_question(article=text), 160, context={"numbers": numbers}
    )
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
