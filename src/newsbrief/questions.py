"""The questions the model answers: their answer models, and the checks each answer meets.

An answer model's name, fields, descriptions and docstring make the JSON schema sent to the
model (and so the fixture keys): they change only with a new recording.  Each validator
checks an answer against the text it was asked about (the sentence, the claim and its
context, the article's numbers); Instructor re-asks with the validator's errors.
"""

from __future__ import annotations

import functools
import re
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from newsbrief import grounding, lexicon
from newsbrief.article import split_sentences
from newsbrief.numbers import NumberMention, find_numbers
from newsbrief.spans import Located, locate

T = TypeVar("T", bound=BaseModel)

_WORD = re.compile(r"\w+")
_POSSESSIVE = re.compile(r"\b(\w+)['’]s\b")
_PERSONAL_PRONOUN = re.compile(r"\b(he|she|they)\b", re.IGNORECASE)


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


def _claim_words(text: str) -> list[str]:
    """The words of a rewrite, casefolded.  A name's possessive is the name ("Ferraro's" is
    "ferraro"), so a name from the context may stand for "her" or "its"; after a word in
    lower case ("the study's") the "s" stays a word of its own: a common noun is no name."""
    names = _POSSESSIVE.sub(lambda m: m[1] if m[1][:1].isupper() else m[0], text)
    return _WORD.findall(names.casefold())


def _kept_words(evidence: str) -> list[str]:
    """The words a rewrite of ``evidence`` keeps: all but its reference words.  A possessive
    "'s" is not one: the word it ends may be replaced ("the company's" by "Vantor's")."""
    words = _WORD.findall(_POSSESSIVE.sub(r"\1", evidence).casefold())
    return [w for w in words if w not in lexicon.REFERENCE_WORDS]


def validate_answer(model: type[T], answer: dict[str, Any], checks: dict[str, Any]) -> T:
    """``answer`` validated by ``model`` against ``checks``, as a model's answer is when
    the pipeline asks (`attribution_checks`, `claim_checks`, `summary_checks`).

    Raises pydantic's `ValidationError` with the errors a re-ask would carry.
    """
    return model.model_validate(answer, context=checks)


def attribution_checks(sentence: str) -> dict[str, Any]:
    """What `Attribution` checks an answer about ``sentence`` against."""
    return {"sentence": sentence}


def claim_checks(
    evidence: str, context: str, numbers: list[NumberMention] | None = None
) -> dict[str, Any]:
    """What `SelfContained` checks a rewrite of one claim against; ``numbers`` are the
    evidence's as its article reads them, else they are read from ``evidence`` alone."""
    own_words = _WORD.findall(evidence.casefold())
    return {
        "numbers": number_values(find_numbers(evidence) if numbers is None else numbers),
        "hedged": grounding.modality_of(evidence) == "hedged",
        "kept": _kept_words(evidence),
        "allowed": set(own_words) | set(_WORD.findall(context.casefold())),
        "own_words": set(own_words),
        "sentences": len(split_sentences(evidence)),
    }


def summary_checks(numbers: list[NumberMention]) -> dict[str, Any]:
    """What `Summary` checks a summary against: the article's ``numbers``."""
    return {"numbers": number_values(numbers)}


def number_values(numbers: list[NumberMention]) -> set[float]:
    """Every value the mentions state: each one's value, its change's start, its lower bound."""
    return {v for m in numbers for v in (m.value, m.change_from, m.lower) if v is not None}


class SelfContained(ClaimAnswer):
    # No docstring: the JSON schema sent to the model (and so the fixture keys) stays as is.
    @model_validator(mode="after")
    def _faithful(self, info: ValidationInfo) -> SelfContained:
        """Every word of the claim but its pronouns stays; every word added comes from the
        context, and none says who spoke ("said", "denied"); no sentence is added; numbers
        and hedges survive (checks from `claim_checks`)."""
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
        words = _claim_words(text)
        if missing := [w for w in checks.get("kept", ()) if w not in words]:
            errors.append(f"keep every word of the claim; missing: {', '.join(missing[:5])}")
        allowed = checks.get("allowed", set())
        if added := [w for w in words if w not in allowed]:
            errors.append(f"use only names from the context; not there: {', '.join(added[:5])}")
        own = checks.get("own_words", set())
        if said := [w for w in words if w not in own and w in lexicon.SPEECH_VERBS]:
            errors.append(f"name who the claim is about, not who said it; added: {said[0]!r}")
        if len(split_sentences(text)) > checks.get("sentences", 1):
            errors.append("rewrite the one claim; do not add sentences from the context")
        if errors:
            raise ValueError("; ".join(errors))
        return self


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
        if self.via is not None and (not self.via.strip() or exact_in(sentence, self.via) is None):
            # Not worth a re-ask: a via that is not in the sentence is simply dropped.
            self.via = None
        if self.speaker is not None and not self.speaker.strip():
            self.speaker = None
        if self.speaker and exact_in(sentence, self.speaker) is None:
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


@functools.lru_cache(maxsize=4)
def exact_in(sentence: str, phrase: str) -> Located | None:
    """``locate(sentence, phrase)``, remembered for the last four: an
    attribution's validator checks its speaker and via in the sentence, then the pipeline
    places the same two phrases in the same sentence (`Located` is immutable).  Four hold
    one question's, not a brief's."""
    return locate(sentence, phrase)
