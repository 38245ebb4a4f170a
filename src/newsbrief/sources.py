"""Who is speaking, across sentences: a brief's sources and the references to them.

A `SourceRegistry` holds the sources found so far in one `Article`; `SourceRegistry.resolve`
turns a speaker phrase into one of them by rules a reader can check: "he" or "she" is the
person named last before it (a source already found, or someone the text introduced without
quoting him), "the statement" after "a statement from the ministry's press office" is that
source again, "the company" is the company named last, "MedLink" alone is "MedLink Systems"
named before, "Figueroa" is "Melezia Figueroa".  `quoted_speakers` gives a quoted sentence
with no speaker of its own the speaker of its quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from newsbrief import grounding, lexicon
from newsbrief.article import Article
from newsbrief.brief import Claim, Source, Span
from newsbrief.questions import exact_in

_HONORIFIC = re.compile(rf"^({'|'.join(lexicon.HONORIFICS)})\.?\s+")


def article_span(article: Article, start: int, end: int) -> Span:
    """The `Span` of ``article`` from ``start`` to ``end``."""
    return Span(start=start, end=end, text=article.text[start:end])


@dataclass
class SourceDraft:
    """A source as found so far: every span of the article that names it, in order found."""

    name: str
    kind: grounding.SourceKind
    role: str | None
    via: str | None
    evidence: list[Span] = field(default_factory=list)


@dataclass
class SourceRegistry:
    """The sources of one article, in the order they were found (source ``i`` is
    ``drafts[i]``, id ``s{i + 1}`` in the brief)."""

    article: Article
    drafts: list[SourceDraft] = field(default_factory=list)

    @cached_property
    def name_runs(self) -> list[grounding.NameRun]:
        """`grounding.name_runs` of the article (people and companies both)."""
        return grounding.name_runs(self.article.text)

    @cached_property
    def companies(self) -> list[tuple[int, int]]:
        """`grounding.company_mentions` of the article."""
        return grounding.company_mentions(self.article.text, self.name_runs)

    @cached_property
    def people(self) -> list[tuple[int, int]]:
        """`grounding.person_mentions` of the article."""
        return grounding.person_mentions(self.article.text, self.name_runs)

    def sources(self) -> list[Source]:
        """The brief's sources, ``s1`` first."""
        return [
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

    def resolve(self, span: Span, via: str | None) -> int | None:
        """The index of the source ``span`` names (adding it if new), resolving references;
        None for a pronoun with no one before it to refer to."""
        drafts = self.drafts
        phrase = span.text
        if grounding.is_pronoun(phrase):
            wanted_person = phrase.casefold() in grounding.PERSON_PRONOUNS
            if wanted_person and (index := self.person_before(span.start)) is not None:
                drafts[index].evidence.append(span)
                return index
            for index in range(len(drafts) - 1, -1, -1):
                if (drafts[index].kind == "named_person") == wanted_person:
                    drafts[index].evidence.append(span)
                    return index
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
        if not same and (named_as := self.company_named(name, span.start)) is not None:
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
        drafts.append(SourceDraft(name=name, kind=kind, role=role, via=via, evidence=evidence))
        return len(drafts) - 1

    def company_named(self, phrase: str, offset: int) -> Span | None:
        """Where the company ``phrase`` stands for is named before ``offset``: the last company
        named, for "the company"; the company whose name it begins, for a capitalised word
        alone ("MedLink" after "MedLink Systems")."""
        text = self.article.text
        description = grounding.is_company_description(phrase)
        if not description and (len(phrase.split()) != 1 or not phrase[:1].isupper()):
            return None  # the article's companies are looked up only for these two forms
        named = [(start, end) for start, end in self.companies if end <= offset]
        if not description:
            named = [(start, end) for start, end in named if text[start:end].split()[0] == phrase]
        return article_span(self.article, *named[-1]) if named else None

    def person_before(self, offset: int) -> int | None:
        """The person "he" or "she" at ``offset`` refers to: whoever was named last before it,
        a person source already found or a person the text introduced without quoting
        (`grounding.person_mentions`: "Tadhg Ó Murchú, 81, taught ..."), added as a source."""
        drafts = self.drafts
        named = [
            (span.start, index)
            for index, draft in enumerate(drafts)
            if draft.kind == "named_person"
            for span in draft.evidence
            if span.start < offset
        ]
        last_source = max(named, default=None)
        introduced = [m for m in self.people if m[0] < offset]
        # By sentence: in "Trump said praise from President Vladimir Putin ...", the speaker
        # is who the next "he" most likely is, not the person named after him.
        if introduced and (
            last_source is None
            or self._sentence_index(introduced[-1][0]) > self._sentence_index(last_source[0])
        ):
            start, end = introduced[-1]
            span = article_span(self.article, start, end)
            for index, draft in enumerate(drafts):
                if _same_source(draft, span.text, "named_person"):
                    draft.evidence.append(span)
                    return index
            drafts.append(SourceDraft(span.text, "named_person", None, None, evidence=[span]))
            return len(drafts) - 1
        return last_source[1] if last_source is not None else None

    def _sentence_index(self, offset: int) -> int:
        sentence = self.article.sentence_at(offset)
        return sentence.index if sentence is not None else -1


def _same_source(draft: SourceDraft, name: str, kind: str) -> bool:
    if draft.name.casefold() == name.casefold():
        return True
    if kind == "named_person" and draft.kind == "named_person":
        # "Figueroa" after "Melezia Figueroa": a short form of a name already seen.
        known = draft.name.split()
        given = name.split()
        return len(given) < len(known) and known[-len(given) :] == given
    return False


def speaker_offsets(sentence: str, speaker: str | None) -> tuple[int, int] | None:
    """Where the statement's speaker stands in the sentence, by the rules of `grounding`.

    "..., according to X.": X, whatever the model said.  A name gets its title prefixed.
    """
    according = grounding.according_to_source(sentence)
    if according is not None:
        return according
    if not speaker:
        return None
    where = exact_in(sentence, speaker)
    if where is None:
        return None
    start = grounding.skip_conjunction(sentence, where.start, where.end)
    return grounding.extend_with_title(sentence, start, where.end), where.end


def quoted_speakers(article: Article, claims: list[Claim]) -> list[Claim]:
    """``claims``, the quoted sentences with no speaker of their own given the speaker of
    their quotation.

    Two rules of news writing, applied within a paragraph: a sentence that opens a
    quotation the next sentence closes shares that sentence's speaker ("“I didn't see it.
    I heard it,” she said."), and a sentence that is a quotation from end to end continues
    the quoted speaker of the sentence before ("“...,” she said. “Our patience is not
    unlimited.”").  The claim's evidence stays the quoted sentence; the source is cited,
    not found again in it.
    """
    claims = list(claims)
    sentences = article.sentences
    claim_of: dict[int, int] = {}
    for number, claim in enumerate(claims):
        sentence = article.sentence_at(claim.evidence[0].start)
        if sentence is not None:
            claim_of.setdefault(sentence.index, number)
    for index, number in sorted(claim_of.items()):
        claim = claims[number]
        text = sentences[index].text
        if claim.source_ids:
            continue
        opens = text.lstrip().startswith(grounding.OPENING_QUOTES) and grounding.quote_left_open(
            text
        )
        speaker_of = _closing_sentence(article, index, claim_of) if opens else None
        continued = opens or grounding.is_whole_quotation(text)
        if speaker_of is None and continued and index > 0 and _same_paragraph(article, index):
            # No attribution after the quotation: it goes on from a quoted speaker before it.
            quoted = any(mark in sentences[index - 1].text for mark in grounding.QUOTE_MARKS)
            speaker_of = claim_of.get(index - 1) if quoted else None
        if speaker_of is not None and (source_ids := claims[speaker_of].source_ids):
            claims[number] = claim.model_copy(update={"source_ids": list(source_ids)})
    return claims


def _same_paragraph(article: Article, index: int) -> bool:
    """Whether sentence ``index`` follows sentence ``index - 1`` on the same line."""
    before, sentence = article.sentences[index - 1], article.sentences[index]
    return "\n" not in article.text[before.end : sentence.start]


def _closing_sentence(article: Article, index: int, claim_of: dict[int, int]) -> int | None:
    """The claim (``claim_of`` its sentence) of the sentence that closes the quotation
    sentence ``index`` opens and names its speaker after it ("... here,” Clinton said.");
    None when there is none."""
    sentences = article.sentences
    for later in range(index + 1, len(sentences)):
        if not _same_paragraph(article, later):
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
