"""Score briefs against annotations: how many figures, speakers and claims a brief gets right.

Two annotation layouts are understood (`evaluate_dir` tells them apart):

* **Gold (format A)**: a directory holding ``articles/<slug>.txt`` and ``gold/<slug>.json``
  (``fixtures/`` of this repository; ``fixtures/README.md`` describes the fields).
* **Attributions (format B)**: a directory of ``<name>.txt`` + ``<name>.attributions.json``
  (PolNeAR, e.g. ``/work/shared/articles``).  Articles that only have a
  ``<name>.reference.json`` (a reference summary, no attributions) or no annotation at all
  are skipped, with a note in `EvalReport.notes`.

The evaluator deliberately does not reuse the pipeline's own rules (name splitting,
pronoun lists, ...): it only trusts offsets, numbers and the normalisation below.

Matching rules, format A (`score_brief`)
---------------------------------------

*Locating gold text.*  A gold ``text``/``evidence`` string is located in ``brief.article``
with ``str.find``; when it occurs more than once, every occurrence is a valid location
(a prediction overlapping any of them counts).  A gold string that is not found at all
is counted in ``gold_unlocated`` and can never be matched.

*Figures.*  A predicted `Figure` matches a gold figure when **all** hold:

1. its evidence span shares at least one character with a location of the gold ``text``;
2. ``value`` is equal within a relative tolerance of 1e-6
   (``abs(a - b) <= 1e-6 * max(abs(a), abs(b))``), or, for values below 1 (fractions and
   shares, which annotators write to two decimals: 0.33 for "a third"), within 0.005;
3. ``change_from`` is equal the same way, or is ``None`` on both sides.

Matching is one-to-one and greedy: candidate pairs are taken by decreasing character
overlap (ties by gold order, then predicted order), and each gold and each predicted figure
is used at most once.  ``figures_tp`` = matched pairs, ``figures_fp`` = unmatched predicted,
``figures_fn`` = unmatched gold; precision, recall and F1 follow.  ``figures_counts_rate``
(informational, lenient) is the share of matched figures whose predicted ``counts``
shares at least one content word with the gold ``counts`` (words are ``\\w+`` runs,
casefolded, stop words removed; a missing ``counts`` never agrees).  ``figures_direction_rate``
(informational) is the share of matched figures whose gold has a ``direction`` key ("up",
"down" or null) and whose predicted ``direction`` equals it; golds without the key are left
out (``figures_direction_n`` counts those with it).  ``unit``, ``kind``, ``qualifier`` and
``lower`` are not scored.

*Sources.*  Names are normalised: Unicode NFC, curly apostrophes (U+2019, U+2018, U+02BC)
made straight, casefolded, possessives stripped (``x's`` -> ``x``, ``xs'`` -> ``xs``),
surrounding quotes and punctuation stripped, whitespace (no-break spaces included)
collapsed, one leading ``the``/``a``/``an`` removed.  A predicted `Source` matches a gold
source when the normalised names are equal (an *exact* match) or, when the gold source's
``kind`` is ``named_person``, when one name's tokens are a suffix of the other's
(``Stoltenberg`` / ``Jens Stoltenberg``; a *suffix* match).  Matching is one-to-one and
greedy: exact pairs before suffix pairs, then gold order, then predicted order; so two
predicted ``Figueroa`` sources match one gold ``Melezia Figueroa`` only once, and the
second is a false positive.  Among matched pairs, ``via`` is correct when both are
``None`` or their normalised forms are equal, and ``kind`` is correct when identical.

*Claims (key-claim coverage).*  A gold claim is *evidence-covered* when some predicted
claim's evidence (the union of its spans) covers at least 50% of the gold evidence's
characters at one of its locations.  It is *covered* (attribution-correct) when one such
predicted claim also has the right source:

* gold ``source`` names a gold source S: the claim's ``source_ids`` include a predicted
  source that stands for S: the predicted source matched to S by the one-to-one source
  matching, or a predicted source left unmatched there whose name matches S by the same
  name rules (a duplicate such as a second ``Figueroa``).  A predicted source matched to
  another gold source never stands for S: a wrong speaker is wrong.
* gold ``source`` is ``null`` (the publication's own reporting): the claim's
  ``source_ids`` must be empty.  Attributing the publication's reporting to a speaker is
  wrong; evidence-only coverage still accepts it.

``claims_coverage`` = covered / gold claims; ``claims_evidence_coverage`` =
evidence-covered / gold claims.  Coverage is not one-to-one: one predicted claim may cover
several gold claims (the README's "same evidence, two sources" pairs need two predicted
claims for attribution-correct coverage, one for evidence-only).

Matching rules, format B (`score_attributions`)
----------------------------------------------

The first five ratios are the shared PolNeAR scorer's (``shared/eval/score_attributions.py``,
the script the project is judged by), with its matching rules, so the two cannot drift
apart.  Names are compared as token sets (``[a-z0-9]+`` runs, lower-cased, without
`SCORER_STOP_WORDS`): they *match* when they share at least half of the shorter set.

* ``named_attributions``: annotated attributions with a source and a content whose source
  is not a bare pronoun (`SCORER_PRONOUNS`).  ``speaker_recall``: the share of them whose
  source name matches some brief source's name; ``attribution_recall``: the share where,
  in addition, a claim citing such a source has an evidence span sharing a character with
  the content span.
* ``claim_precision``: of the brief's claims that cite a source, the share with an
  evidence span sharing a character with the content of some annotated attribution whose
  source matches one of the claim's source names (or is a pronoun).
  ``attribution_f1`` is the harmonic mean of attribution recall and claim precision.
* ``source_precision``: brief sources whose name matches some annotated source (a pronoun
  annotation matches nothing, so this is a lower bound).

Span scores in the manner of citron (exact and overlap F1), on offsets alone:

* *source spans*: every evidence span of every brief source, against the source spans of
  every attribution that has a source and a content (pronouns included);
* *content spans*: every evidence span of every claim that cites a source, against those
  attributions' content spans.

A predicted span is *correct* when a gold span has the same offsets once whitespace and
`_EDGE_PUNCT` are trimmed from both ends of both (*exact*), or when they share a character
(*overlap*); a gold span is *found* the same way.  Precision = correct / predicted, recall
= found / gold: ``source_exact_f1``, ``source_overlap_f1``, ``content_exact_f1``,
``content_overlap_f1`` (with ``_precision`` and ``_recall`` beside each).

``pronoun_attributions`` / ``pronoun_sourced``: pronoun-source attributions, and those with
a claim citing any source whose evidence shares a character with the content.

Both formats
------------

``spans_total``/``spans_grounded``/``grounding_rate``: every evidence span of claims,
sources and figures, and how many satisfy ``article[start:end] == text`` (must be 1.0).
Cost: ``attempts``, ``calls``, ``prompt_tokens``, ``completion_tokens``, ``latency_s``
from ``brief.meta``.

Metrics hold counts (ints, plus ``latency_s``) and ratios (floats) derived from them.
A ratio over an empty set takes its best value (1.0; 0.0 for ``unannotated_source_rate``):
the count beside it shows it is vacuous.  ``F1 = 2TP / (2TP + FP + FN)``.
`EvalReport.overall` sums the counts over the articles that did not fail and derives the
ratios again from the sums (micro-averaging).
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from newsbrief.brief import Brief, Claim, Source, Span
from newsbrief.errors import ConfigurationError, NewsbriefError

__all__ = [
    "ArticleScore",
    "EvalReport",
    "evaluate_dir",
    "names_match",
    "normalize_name",
    "overall",
    "score_attributions",
    "score_brief",
    "scorer_names_match",
]

Metrics = dict[str, float | int]

VALUE_TOLERANCE: Final = 1e-6
FRACTION_TOLERANCE: Final = 0.005  # below 1: gold writes "a third" as 0.33
CLAIM_COVER_SHARE: Final = 0.5
FIXTURES_DIR_ENV: Final = "NEWSBRIEF_FIXTURES_DIR"

_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_EDGE_PUNCT: Final = " \t\n\"'\u201c\u201d\u00ab\u00bb()[]{}.,;:!?-\u2013\u2014"
_ARTICLES: Final = frozenset({"the", "a", "an"})
_WORD: Final = re.compile(r"\w+")
# fmt: off
_STOP_WORDS: Final = frozenset((
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "with", "from", "into", "onto",
    "over", "under", "about", "after", "before", "during", "since", "until", "per", "than",
    "and", "or", "nor", "but", "that", "which", "who", "whom", "whose", "this", "these",
    "those", "it", "its", "is", "are", "was", "were", "be", "been", "being", "has", "have",
    "had", "as", "their", "his", "her", "our", "your", "my", "number", "amount", "total",
))
# The shared PolNeAR scorer's own lists (shared/eval/score_attributions.py), kept as it has them.
SCORER_PRONOUNS: Final = frozenset((
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "his", "its", "their",
))
SCORER_STOP_WORDS: Final = frozenset((
    "the", "a", "an", "of", "for", "and", "to", "in", "on", "s", "mr", "ms", "mrs", "dr",
))
# fmt: on
_SPAN_KINDS: Final = ("source", "content")
_SPAN_MATCHES: Final = ("exact", "overlap")

# Ratios `_finish` derives; every other metric is a count, summed by `overall`.
_RATIO_KEYS: Final = frozenset(
    {
        "figures_precision",
        "figures_recall",
        "figures_f1",
        "figures_counts_rate",
        "figures_direction_rate",
        "sources_precision",
        "sources_recall",
        "sources_f1",
        "sources_via_accuracy",
        "sources_kind_accuracy",
        "claims_coverage",
        "claims_evidence_coverage",
        "speaker_recall",
        "attribution_recall",
        "claim_precision",
        "attribution_f1",
        "source_precision",
        "pronoun_sourced_rate",
        "grounding_rate",
        *(
            f"{kind}_{match}_{ratio}"
            for kind in _SPAN_KINDS
            for match in _SPAN_MATCHES
            for ratio in ("precision", "recall", "f1")
        ),
    }
)


@dataclass
class ArticleScore:
    """The scores of one article; ``error`` is set (and metrics empty) when it failed."""

    name: str
    kind: Literal["gold", "attributions"]
    metrics: Metrics = field(default_factory=dict)
    error: str | None = None


@dataclass
class EvalReport:
    """Per-article scores and their micro-average (``overall``)."""

    articles: list[ArticleScore]
    overall: Metrics
    notes: list[str] = field(default_factory=list)

    @property
    def errored(self) -> list[ArticleScore]:
        return [a for a in self.articles if a.error is not None]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, indent: int = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


# -- small helpers ---------------------------------------------------------------------------


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _occurrences(article: str, text: str) -> list[tuple[int, int]]:
    """Every location of ``text`` in ``article`` (first one first), overlapping ones too."""
    if not text:
        return []
    found: list[tuple[int, int]] = []
    at = article.find(text)
    while at != -1:
        found.append((at, at + len(text)))
        at = article.find(text, at + 1)
    return found


def _covered(spans: Iterable[Span], target: tuple[int, int]) -> int:
    """Characters of ``target`` covered by the union of ``spans``."""
    pieces = sorted(
        (max(s.start, target[0]), min(s.end, target[1]))
        for s in spans
        if _overlap((s.start, s.end), target)
    )
    total, reach = 0, target[0]
    for start, end in pieces:
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    largest = max(abs(a), abs(b))
    if largest < 1:
        return abs(a - b) <= FRACTION_TOLERANCE
    return abs(a - b) <= VALUE_TOLERANCE * largest


def _content_words(text: str | None) -> set[str]:
    if not text:
        return set()
    return {w for w in _WORD.findall(text.casefold()) if w not in _STOP_WORDS}


def normalize_name(name: str) -> str:
    """A name in the form names are compared in (see the module docstring)."""
    text = unicodedata.normalize("NFC", name).translate(_APOSTROPHES).casefold()
    text = re.sub(r"(?<=\w)'s\b", "", text)
    text = re.sub(r"(?<=\w)s'(?=\W|$)", "s", text)
    tokens = text.strip(_EDGE_PUNCT).split()
    if len(tokens) > 1 and tokens[0] in _ARTICLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def names_match(gold: str, predicted: str, *, person: bool) -> int:
    """2 for an exact match of normalised names, 1 for a token-suffix match (only when
    ``person``: the gold source is a ``named_person``), 0 for no match."""
    g, p = normalize_name(gold), normalize_name(predicted)
    if not g or not p:
        return 0
    if g == p:
        return 2
    if person:
        gt, pt = g.split(), p.split()
        short, long = (gt, pt) if len(gt) < len(pt) else (pt, gt)
        if long[len(long) - len(short) :] == short:
            return 1
    return 0


def _greedy(candidates: list[tuple[tuple[float, ...], int, int]]) -> dict[int, int]:
    """One-to-one matching: (sort key, gold index, predicted index), best key first.

    Returns predicted index -> gold index."""
    used_gold: set[int] = set()
    matched: dict[int, int] = {}
    for _, g, p in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if g in used_gold or p in matched:
            continue
        used_gold.add(g)
        matched[p] = g
    return matched


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return precision, recall, f1


def _rate(num: int | float, den: int | float, empty: float = 1.0) -> float:
    return float(num) / float(den) if den else empty


def _common(brief: Brief) -> Metrics:
    spans = brief.evidence_spans()
    meta = brief.meta
    return {
        "spans_total": len(spans),
        "spans_grounded": sum(brief.article[s.start : s.end] == s.text for s in spans),
        "attempts": meta.attempts,
        "calls": meta.calls,
        "prompt_tokens": meta.usage.prompt_tokens,
        "completion_tokens": meta.usage.completion_tokens,
        "latency_s": float(meta.latency_s),
    }


def _finish(m: Metrics) -> Metrics:
    """Add the ratios derivable from the counts present in ``m`` (in place; returns it)."""
    if "figures_tp" in m:
        p, r, f = _prf(int(m["figures_tp"]), int(m["figures_fp"]), int(m["figures_fn"]))
        m.update(figures_precision=p, figures_recall=r, figures_f1=f)
        m["figures_counts_rate"] = _rate(m["figures_counts_agree"], m["figures_tp"])
        if "figures_direction_n" in m:
            m["figures_direction_rate"] = _rate(
                m["figures_direction_agree"], m["figures_direction_n"]
            )
    if "sources_tp" in m:
        p, r, f = _prf(int(m["sources_tp"]), int(m["sources_fp"]), int(m["sources_fn"]))
        m.update(sources_precision=p, sources_recall=r, sources_f1=f)
        m["sources_via_accuracy"] = _rate(m["sources_via_correct"], m["sources_tp"])
        m["sources_kind_accuracy"] = _rate(m["sources_kind_correct"], m["sources_tp"])
    if "claims_gold" in m:
        m["claims_coverage"] = _rate(m["claims_covered"], m["claims_gold"])
        m["claims_evidence_coverage"] = _rate(m["claims_evidence_covered"], m["claims_gold"])
    if "named_attributions" in m:
        m["speaker_recall"] = _rate(m["speaker_hits"], m["named_attributions"])
        recall = m["attribution_recall"] = _rate(m["attribution_hits"], m["named_attributions"])
        precision = m["claim_precision"] = _rate(m["claim_precision_hits"], m["attributed_claims"])
        both = recall + precision
        m["attribution_f1"] = 2 * recall * precision / both if both else 0.0
        m["source_precision"] = _rate(m["source_hits"], m["sources_predicted"])
        m["pronoun_sourced_rate"] = _rate(m["pronoun_sourced"], m["pronoun_attributions"])
        for kind in _SPAN_KINDS:
            for match in _SPAN_MATCHES:
                name = f"{kind}_{match}"
                p = m[f"{name}_precision"] = _rate(m[f"{name}_correct"], m[f"{kind}_predicted"])
                r = m[f"{name}_recall"] = _rate(m[f"{name}_found"], m[f"{kind}_gold"])
                m[f"{name}_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    if "spans_total" in m:
        m["grounding_rate"] = _rate(m["spans_grounded"], m["spans_total"])
    return m


# -- format A --------------------------------------------------------------------------------


def _match_sources(brief: Brief, gold_sources: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    candidates: list[tuple[tuple[float, ...], int, int]] = []
    for g, gold in enumerate(gold_sources):
        person = gold.get("kind") == "named_person"
        for p, source in enumerate(brief.sources):
            score = names_match(str(gold["name"]), source.name, person=person)
            if score:
                candidates.append(((-score,), g, p))
    return _greedy(candidates)


def _stands_for(
    p: int, source: Source, g: int, gold: Mapping[str, Any], matched: Mapping[int, int]
) -> bool:
    if p in matched:
        return matched[p] == g
    person = gold.get("kind") == "named_person"
    return names_match(str(gold["name"]), source.name, person=person) > 0


def score_brief(brief: Brief, gold: Mapping[str, Any]) -> Metrics:
    """Score a brief against a format-A gold annotation (pure; see the module docstring)."""
    article = brief.article
    unlocated = 0

    # Figures.
    gold_figures: Sequence[Mapping[str, Any]] = gold.get("figures") or []
    candidates: list[tuple[tuple[float, ...], int, int]] = []
    for g, gf in enumerate(gold_figures):
        where = _occurrences(article, str(gf["text"]))
        unlocated += not where
        for p, figure in enumerate(brief.figures):
            span = (figure.evidence.start, figure.evidence.end)
            shared = max((_overlap(span, loc) for loc in where), default=0)
            if (
                shared
                and _same_number(figure.value, _float(gf.get("value")))
                and _same_number(figure.change_from, _float(gf.get("change_from")))
            ):
                candidates.append(((-shared,), g, p))
    fig_matched = _greedy(candidates)
    counts_agree = sum(
        bool(
            _content_words(brief.figures[p].counts) & _content_words(gold_figures[g].get("counts"))
        )
        for p, g in fig_matched.items()
    )
    with_direction = [(p, g) for p, g in fig_matched.items() if "direction" in gold_figures[g]]
    direction_agree = sum(
        brief.figures[p].direction == gold_figures[g]["direction"] for p, g in with_direction
    )

    # Sources.
    gold_sources: Sequence[Mapping[str, Any]] = gold.get("sources") or []
    src_matched = _match_sources(brief, gold_sources)
    via_correct = kind_correct = 0
    for p, g in src_matched.items():
        predicted, gs = brief.sources[p], gold_sources[g]
        gold_via = gs.get("via")
        if predicted.via is None or gold_via is None:
            via_correct += predicted.via is None and gold_via is None
        else:
            via_correct += normalize_name(predicted.via) == normalize_name(str(gold_via))
        kind_correct += predicted.kind == gs.get("kind")

    # Claims.
    by_name = {str(gs["name"]): g for g, gs in enumerate(gold_sources)}
    source_index = {s.id: p for p, s in enumerate(brief.sources)}
    gold_claims: Sequence[Mapping[str, Any]] = gold.get("claims") or []
    covered = evidence_covered = 0
    for gc in gold_claims:
        where = _occurrences(article, str(gc["evidence"]))
        unlocated += not where
        hits = [
            claim
            for claim in brief.claims
            if any(
                _covered(claim.evidence, loc) >= CLAIM_COVER_SHARE * (loc[1] - loc[0])
                for loc in where
            )
        ]
        evidence_covered += bool(hits)
        covered += any(
            _right_source(
                claim, gc.get("source"), by_name, gold_sources, brief, source_index, src_matched
            )
            for claim in hits
        )

    n_fig_tp, n_src_tp = len(fig_matched), len(src_matched)
    metrics: Metrics = {
        "figures_gold": len(gold_figures),
        "figures_predicted": len(brief.figures),
        "figures_tp": n_fig_tp,
        "figures_fp": len(brief.figures) - n_fig_tp,
        "figures_fn": len(gold_figures) - n_fig_tp,
        "figures_counts_agree": counts_agree,
        "figures_direction_n": len(with_direction),
        "figures_direction_agree": direction_agree,
        "sources_gold": len(gold_sources),
        "sources_predicted": len(brief.sources),
        "sources_tp": n_src_tp,
        "sources_fp": len(brief.sources) - n_src_tp,
        "sources_fn": len(gold_sources) - n_src_tp,
        "sources_via_correct": via_correct,
        "sources_kind_correct": kind_correct,
        "claims_gold": len(gold_claims),
        "claims_covered": covered,
        "claims_evidence_covered": evidence_covered,
        "gold_unlocated": unlocated,
        **_common(brief),
    }
    return _finish(metrics)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _right_source(
    claim: Claim,
    gold_source: Any,
    by_name: Mapping[str, int],
    gold_sources: Sequence[Mapping[str, Any]],
    brief: Brief,
    source_index: Mapping[str, int],
    matched: Mapping[int, int],
) -> bool:
    if gold_source is None:
        return not claim.source_ids
    g = by_name.get(str(gold_source))
    if g is None:  # the gold's claim names a source its sources[] lacks: match by name only
        return any(
            names_match(str(gold_source), brief.source(sid).name, person=False)
            for sid in claim.source_ids
        )
    return any(
        _stands_for(source_index[sid], brief.source(sid), g, gold_sources[g], matched)
        for sid in claim.source_ids
    )


# -- format B --------------------------------------------------------------------------------


def _span_of(value: Mapping[str, Any]) -> tuple[int, int]:
    return int(value["start"]), int(value["end"])


def _scorer_tokens(name: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", name.lower()) if t not in SCORER_STOP_WORDS}


def scorer_names_match(a: str, b: str) -> bool:
    """The shared scorer's name match: the token sets share half of the shorter one."""
    ta, tb = _scorer_tokens(a), _scorer_tokens(b)
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) >= 0.5


def _scorer_pronoun(text: str) -> bool:
    return text.strip().lower() in SCORER_PRONOUNS


def _trimmed(article: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (article[start].isspace() or article[start] in _EDGE_PUNCT):
        start += 1
    while end > start and (article[end - 1].isspace() or article[end - 1] in _EDGE_PUNCT):
        end -= 1
    return start, end


def _span_counts(
    article: str, kind: str, predicted: list[tuple[int, int]], gold: list[tuple[int, int]]
) -> Metrics:
    """Citron-style counts for one kind of span: exact (trimmed offsets equal) and overlap."""
    exact_gold = {_trimmed(article, *g) for g in gold}
    exact_predicted = {_trimmed(article, *p) for p in predicted}
    return {
        f"{kind}_predicted": len(predicted),
        f"{kind}_gold": len(gold),
        f"{kind}_exact_correct": sum(_trimmed(article, *p) in exact_gold for p in predicted),
        f"{kind}_exact_found": sum(_trimmed(article, *g) in exact_predicted for g in gold),
        f"{kind}_overlap_correct": sum(any(_overlap(p, g) for g in gold) for p in predicted),
        f"{kind}_overlap_found": sum(any(_overlap(p, g) for p in predicted) for g in gold),
    }


def score_attributions(brief: Brief, annotations: Mapping[str, Any]) -> Metrics:
    """Score a brief against PolNeAR-style attributions (pure; see the module docstring).

    Span offsets in ``annotations`` must index ``brief.article`` (ValueError otherwise)."""
    article = brief.article
    records: Sequence[Mapping[str, Any]] = annotations.get("attributions") or []
    for record in records:
        for part in ("source", "cue", "content"):
            span = record.get(part)
            if span is not None and article[span["start"] : span["end"]] != span["text"]:
                raise ValueError(f"annotated {part} {span['text']!r} is not at its offsets")

    sourced = [r for r in records if r.get("source") and r.get("content")]
    named = [r for r in sourced if not _scorer_pronoun(str(r["source"]["text"]))]
    attributed = [c for c in brief.claims if c.source_ids]

    def sources_named(text: str) -> set[str]:
        return {s.id for s in brief.sources if scorer_names_match(s.name, text)}

    def cites_over(claim: Claim, ids: set[str], content: tuple[int, int]) -> bool:
        return bool(ids & set(claim.source_ids)) and any(
            _overlap((span.start, span.end), content) > 0 for span in claim.evidence
        )

    speaker_hits = attribution_hits = 0
    for record in named:
        ids = sources_named(str(record["source"]["text"]))
        if ids:
            speaker_hits += 1
            content = _span_of(record["content"])
            attribution_hits += any(cites_over(c, ids, content) for c in brief.claims)

    names = {s.id: s.name for s in brief.sources}
    precision_hits = 0
    for claim in attributed:
        cited = [names[i] for i in claim.source_ids if i in names]
        precision_hits += any(
            any(
                _overlap((span.start, span.end), _span_of(r["content"])) > 0
                for span in claim.evidence
            )
            and (
                _scorer_pronoun(str(r["source"]["text"]))
                or any(scorer_names_match(n, str(r["source"]["text"])) for n in cited)
            )
            for r in sourced
        )
    gold_names = [str(r["source"]["text"]) for r in records if r.get("source")]
    source_hits = sum(any(scorer_names_match(s.name, g) for g in gold_names) for s in brief.sources)
    all_ids = {s.id for s in brief.sources}
    pronouns = [r for r in sourced if _scorer_pronoun(str(r["source"]["text"]))]
    pronoun_sourced = sum(
        any(cites_over(c, all_ids, _span_of(r["content"])) for c in brief.claims) for r in pronouns
    )
    metrics: Metrics = {
        "attributions_total": len(records),
        "attributions_unsourced": len(records) - len(sourced),
        "named_attributions": len(named),
        "speaker_hits": speaker_hits,
        "attribution_hits": attribution_hits,
        "attributed_claims": len(attributed),
        "claim_precision_hits": precision_hits,
        "sources_predicted": len(brief.sources),
        "source_hits": source_hits,
        "pronoun_attributions": len(pronouns),
        "pronoun_sourced": pronoun_sourced,
        **_span_counts(
            article,
            "source",
            [(e.start, e.end) for s in brief.sources for e in s.evidence],
            [_span_of(r["source"]) for r in sourced],
        ),
        **_span_counts(
            article,
            "content",
            [(e.start, e.end) for c in attributed for e in c.evidence],
            [_span_of(r["content"]) for r in sourced],
        ),
        **_common(brief),
    }
    return _finish(metrics)


# -- running over a directory ----------------------------------------------------------------


def _loader_offsets(raw: str, article: str) -> list[int] | None:
    """Map offsets of ``raw`` (the file as decoded) to ``article`` (as the loader kept it:
    leading BOM dropped, ``\\r\\n`` -> ``\\n``); None when that does not produce ``article``."""
    mapping: list[int] = []
    kept: list[str] = []
    for i, char in enumerate(raw):
        mapping.append(len(kept))
        if (i == 0 and char == "\ufeff") or (char == "\r" and raw[i + 1 : i + 2] == "\n"):
            continue
        kept.append(char)
    mapping.append(len(kept))
    return mapping if "".join(kept) == article else None


def _remap(annotations: dict[str, Any], raw: str, article: str) -> dict[str, Any]:
    if raw == article:
        return annotations
    mapping = _loader_offsets(raw, article)
    if mapping is None:
        raise ValueError("the article the brief holds differs from the file beyond BOM/CRLF")
    records = []
    for record in annotations.get("attributions") or []:
        moved = dict(record)
        for part in ("source", "cue", "content"):
            span = record.get(part)
            if span is not None:
                start, end = mapping[span["start"]], mapping[span["end"]]
                moved[part] = {"start": start, "end": end, "text": article[start:end]}
        records.append(moved)
    return {**annotations, "attributions": records}


def overall(scores: Sequence[ArticleScore]) -> Metrics:
    """Micro-average: counts summed over articles without an error, ratios from the sums."""
    ok = [s for s in scores if s.error is None]
    total: Metrics = {
        "articles": len(scores),
        "articles_scored": len(ok),
        "articles_errored": len(scores) - len(ok),
    }
    for score in ok:
        for key, value in score.metrics.items():
            if key not in _RATIO_KEYS:
                total[key] = total.get(key, 0) + value
    return _finish(total)


def _layout(directory: Path) -> Literal["gold", "attributions"]:
    if (directory / "articles").is_dir() and (directory / "gold").is_dir():
        return "gold"
    if any(directory.glob("*.attributions.json")):
        return "attributions"
    raise ConfigurationError(
        f"{directory} holds neither articles/ + gold/ nor *.txt + *.attributions.json"
    )


def _read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} is not a JSON object")
    return data


def evaluate_dir(
    directory: Path,
    *,
    fixtures: str = "replay",
    model: str | None = None,
    base_url: str | None = None,
    fixtures_dir: str | Path | None = None,
    progress: bool = False,
) -> EvalReport:
    """Summarize every annotated article of ``directory`` and score it.

    A `NewsbriefError` (e.g. `FixtureMissError` in replay mode), an unreadable article or
    an unreadable annotation is recorded in that article's `ArticleScore.error`; the other
    articles still run.  Raises `ConfigurationError` when the layout is not recognised.
    For the gold layout, recorded calls are looked up in ``<directory>/responses`` unless
    ``fixtures_dir`` or ``NEWSBRIEF_FIXTURES_DIR`` says otherwise.
    """
    import newsbrief

    directory = Path(directory)
    kind = _layout(directory)
    if kind == "gold" and fixtures_dir is None and not os.environ.get(FIXTURES_DIR_ENV):
        fixtures_dir = directory / "responses"  # fixtures/ holds responses/ beside gold/
    notes: list[str] = []
    jobs: list[tuple[str, Path, Path]] = []  # name, article, annotation
    if kind == "gold":
        golds = sorted((directory / "gold").glob("*.json"))
        for gold_path in golds:
            jobs.append(
                (gold_path.stem, directory / "articles" / f"{gold_path.stem}.txt", gold_path)
            )
        with_gold = {g.stem for g in golds}
        for text_path in sorted((directory / "articles").glob("*.txt")):
            if text_path.stem not in with_gold:
                notes.append(f"{text_path.name}: no gold/{text_path.stem}.json, skipped")
    else:
        for text_path in sorted(directory.glob("*.txt")):
            name = text_path.stem
            annotation = directory / f"{name}.attributions.json"
            if annotation.is_file():
                jobs.append((name, text_path, annotation))
            elif (directory / f"{name}.reference.json").is_file():
                notes.append(
                    f"{text_path.name}: reference summary only (no attribution annotations),"
                    " skipped"
                )
            else:
                notes.append(f"{text_path.name}: no annotations, skipped")

    scores: list[ArticleScore] = []
    for number, (name, text_path, annotation_path) in enumerate(jobs, 1):
        if progress:
            sys.stderr.write(f"[{number}/{len(jobs)}] {name}\n")
            sys.stderr.flush()
        try:
            raw_bytes = text_path.read_bytes()
            annotations = _read_json(annotation_path)
            brief = newsbrief.summarize(
                raw_bytes,
                model=model,
                base_url=base_url,
                fixtures=fixtures,
                fixtures_dir=None if fixtures_dir is None else str(fixtures_dir),
            )
            if kind == "gold":
                metrics = score_brief(brief, annotations)
            else:
                raw = raw_bytes.decode("utf-8")
                metrics = score_attributions(brief, _remap(annotations, raw, brief.article))
        except (NewsbriefError, OSError, ValueError, KeyError, TypeError) as exc:
            scores.append(ArticleScore(name, kind, {}, f"{type(exc).__name__}: {exc}"))
            if progress:
                sys.stderr.write(f"    error: {type(exc).__name__}: {exc}\n")
            continue
        scores.append(ArticleScore(name, kind, metrics, None))
    return EvalReport(articles=scores, overall=overall(scores), notes=notes)
