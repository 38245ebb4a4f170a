"""Finding a phrase the model returned inside the article, as exact character offsets.

Rules:

* Offsets are Python ``str`` indices (code points) into the article, and the span returned is
  always the article's own characters: ``located.text == article[start:end]``.
* The phrase is stripped of whitespace, surrounding straight/curly quotes and ellipses, and
  trailing ``.,;:`` before matching; the untrimmed phrase is tried first, so quotes that are
  really in the article are kept.  A phrase without a letter or digit finds nothing.
* Levels, tried in order, the first that matches wins: ``EXACT`` (verbatim substring),
  ``CASE`` (equal ignoring case), ``TYPOGRAPHY`` (equal after folding curly/straight quotes
  and apostrophes, dashes, every whitespace run incl. U+00A0 to one space, case, compatibility
  forms such as ligatures and composed/decomposed accents; zero-width characters and soft
  hyphens are ignored) and ``FUZZY`` (near-verbatim, scored with rapidfuzz).
* Among several matches at one level: one inside the ``hint`` window wins, then one on word
  boundaries (``Iraq`` alone over ``Iraq`` in ``Iraqi``), then the nearest to the window, then
  the first.  ``ambiguous`` is set when more than one match ties on all of these but position.
* ``FUZZY`` works on the typography-folded texts and is used only for phrases of at least 12
  characters.  It aligns the phrase with ``fuzz.partial_ratio_alignment`` in the hint window
  first and then in the whole article, snaps the span to word boundaries and grows or shrinks
  it by whole words while the ratio improves.  The span is accepted only if the ``fuzz.ratio``
  of the folded phrase and span reaches the threshold, their lengths differ by at most 25%,
  and they contain the same numbers and the same number of negations (a phrase saying
  "50,000" or "not" never grounds on a span saying "5,000" or lacking "not").  ``score`` is
  that ratio; ``ambiguous`` is set if another span elsewhere scores as well.
* Odd input (non-strings, empty phrase, invalid hint or threshold) gives ``None`` or is
  ignored; :func:`locate` never raises.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from rapidfuzz import fuzz

__all__ = ["Alignment", "Located", "locate"]

MIN_FUZZY_CHARS = 12
"""Phrases shorter than this (after folding) must match exactly or up to typography."""

MAX_FUZZY_LENGTH_CHANGE = 0.25
"""A fuzzy span may be at most this fraction longer or shorter than the phrase."""

# Straight, curly, low-9 and angle quotation marks.
_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a"
_TRIM_LEFT = re.compile(rf"\A(?:[\s{_QUOTES}\u2026]|\.\.\.)+")
_TRIM_RIGHT = re.compile(rf"[\s{_QUOTES}.,;:\u2026]+\Z")
_HAS_ALNUM = re.compile(r"[^\W_]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATION = re.compile(r"\b(?:not|no|never|nor|none|nobody|nothing|neither|without)\b|n't\b")
_SPAN_EDGE = " ,;:\"'"

_TYPOGRAPHY: dict[str, str] = {
    # single quotes, apostrophes, primes and accents used as apostrophes
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035`\u00b4\u02bc", "'"),
    # double quotes, double primes, guillemets
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb", '"'),
    # hyphens, dashes, minus signs
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d", "-"),
    "\u2026": "...",  # ellipsis
}
_IGNORED = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


class Alignment(StrEnum):
    """How closely the located span matches the phrase."""

    EXACT = "exact"
    CASE = "case"
    TYPOGRAPHY = "typography"
    FUZZY = "fuzzy"


@dataclass(frozen=True, slots=True)
class Located:
    """A span of the article: ``text == article[start:end]``, always the article's own text."""

    start: int
    end: int
    text: str
    alignment: Alignment
    score: float
    ambiguous: bool


class _Folded(NamedTuple):
    """A folded text and, for each of its characters, the index of the original character."""

    text: str
    origin: Sequence[int]


def locate(
    article: str,
    phrase: str,
    *,
    hint: tuple[int, int] | None = None,
    fuzzy_threshold: float = 90.0,
    allow_fuzzy: bool = True,
) -> Located | None:
    """Find ``phrase`` in ``article``; return the span or ``None`` (see the module rules).

    ``hint`` is a ``(start, end)`` window of the article where the phrase is expected (e.g. the
    sentence the model pointed at); ``fuzzy_threshold`` is the minimum rapidfuzz ratio (0-100).
    """
    if not isinstance(article, str) or not isinstance(phrase, str) or not article:
        return None
    raw = phrase.strip()
    if raw[:1].isalnum() and raw[-1:].isalnum():
        core = raw  # nothing to trim: the usual case, without the two regex passes
    else:
        core = _TRIM_RIGHT.sub("", _TRIM_LEFT.sub("", raw, count=1))
    if not _HAS_ALNUM.search(core):
        return None
    forms = (raw, core) if raw != core else (core,)
    window = _window(hint, len(article))

    for form in forms:
        spans = [(i, i + len(form)) for i in _find_all(article, form)]
        if spans:
            return _best(article, spans, window, Alignment.EXACT)

    lowered = _fold_case(article)
    for form in forms:
        spans = _folded_spans(lowered, form.lower())
        if spans:
            return _best(article, spans, window, Alignment.CASE)

    folded = _fold_typography(article)
    for form in forms:
        spans = _folded_spans(folded, _fold_typography(form).text.strip())
        if spans:
            return _best(article, spans, window, Alignment.TYPOGRAPHY)

    needle = _fold_typography(core).text.strip()
    if not allow_fuzzy or len(needle) < MIN_FUZZY_CHARS:
        return None
    return _fuzzy(article, folded, needle, window, _threshold(fuzzy_threshold))


def _window(hint: object, length: int) -> tuple[int, int] | None:
    """Return ``hint`` as an ordered window clamped to the article, or ``None`` if invalid."""
    if not isinstance(hint, (tuple, list)) or len(hint) != 2:
        return None
    if not all(isinstance(x, int) for x in hint):
        return None
    lo, hi = sorted((int(hint[0]), int(hint[1])))
    return max(0, min(lo, length)), max(0, min(hi, length))


def _threshold(value: object) -> float:
    """Return ``value`` clamped to 0-100, or the default 90 if it is not a number."""
    if not isinstance(value, (int, float)) or math.isnan(value):
        return 90.0
    return min(100.0, max(0.0, float(value)))


def _find_all(haystack: str, needle: str) -> list[int]:
    """Return the start of every (possibly overlapping) occurrence of ``needle``."""
    starts: list[int] = []
    i = haystack.find(needle)
    while i >= 0:
        starts.append(i)
        i = haystack.find(needle, i + 1)
    return starts


def _folded_spans(folded: _Folded, needle: str) -> list[tuple[int, int]]:
    """Map occurrences of ``needle`` in ``folded`` to original spans on character boundaries."""
    if not needle:
        return []
    origin = folded.origin
    size = len(folded.text)
    spans: list[tuple[int, int]] = []
    for fs in _find_all(folded.text, needle):
        fe = fs + len(needle)
        if fs > 0 and origin[fs - 1] == origin[fs]:
            continue  # starts inside the folding of one original character
        if fe < size and origin[fe] == origin[fe - 1]:
            continue  # ends inside the folding of one original character
        spans.append((origin[fs], origin[fe - 1] + 1))
    return spans


def _fold_case(text: str) -> _Folded:
    """Lowercase ``text``, keeping the map to original indices."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return _Folded(lowered, range(len(text)))
    origin: list[int] = []
    for i, ch in enumerate(text):
        origin.extend([i] * len(ch.lower()))
    return _Folded(lowered, origin)


def _fold_typography(text: str) -> _Folded:
    """Fold quotes, dashes, whitespace runs, compatibility forms and case; keep the index map."""
    parts: list[str] = []
    origin: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space:
                parts.append(" ")
                origin.append(i)
                in_space = True
            continue
        if ch in _IGNORED:
            continue
        in_space = False
        if ch.isascii():
            rep = ch.lower() if ch != "`" else "'"
        else:
            rep = _TYPOGRAPHY.get(ch) or unicodedata.normalize("NFKD", ch).lower()
        parts.append(rep)
        if len(rep) == 1:
            origin.append(i)
        else:
            origin.extend([i] * len(rep))
    return _Folded("".join(parts), origin)


def _is_word(ch: str) -> bool:
    """Tell whether ``ch`` belongs to a word (letters, digits, combining marks)."""
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _word_bounded(text: str, start: int, end: int) -> bool:
    """Tell whether ``text[start:end]`` neither starts nor ends inside a word."""
    left = start == 0 or not (_is_word(text[start - 1]) and _is_word(text[start]))
    right = end >= len(text) or not (_is_word(text[end - 1]) and _is_word(text[end]))
    return left and right


def _best(
    article: str,
    spans: list[tuple[int, int]],
    window: tuple[int, int] | None,
    alignment: Alignment,
) -> Located:
    """Pick the best of several equally aligned spans (see the module rules)."""
    if len(spans) == 1:
        start, end = spans[0]
        return Located(start, end, article[start:end], alignment, 100.0, False)

    def rank(span: tuple[int, int]) -> tuple[bool, bool, int]:
        start, end = span
        if window is None:
            return (True, not _word_bounded(article, start, end), 0)
        inside = window[0] <= start and end <= window[1]
        distance = max(window[0] - end, start - window[1], 0)
        return (not inside, not _word_bounded(article, start, end), distance)

    ranked = sorted((rank(span), span) for span in spans)
    best_rank, (start, end) = ranked[0]
    ambiguous = len(ranked) > 1 and ranked[1][0] == best_rank
    return Located(start, end, article[start:end], alignment, 100.0, ambiguous)


def _fuzzy(
    article: str,
    folded: _Folded,
    needle: str,
    window: tuple[int, int] | None,
    threshold: float,
) -> Located | None:
    """Find a near-verbatim span of ``needle`` in the folded article, hint window first."""
    if len(needle) > len(folded.text) * (1 + MAX_FUZZY_LENGTH_CHANGE):
        return None
    scopes: list[tuple[int, int]] = []
    if window is not None:
        margin = len(needle) // 4
        lo = max(0, bisect_left(folded.origin, window[0]) - margin)
        hi = min(len(folded.text), bisect_left(folded.origin, window[1]) + margin)
        if hi - lo >= len(needle) * (1 - MAX_FUZZY_LENGTH_CHANGE):
            scopes.append((lo, hi))
    scopes.append((0, len(folded.text)))
    for lo, hi in scopes:
        found = _fuzzy_in(folded.text, needle, lo, hi, threshold)
        if found is None:
            continue
        fs, fe, score = found
        before = _fuzzy_in(folded.text, needle, lo, fs, score)
        after = _fuzzy_in(folded.text, needle, fe, hi, score)
        ambiguous = any(other is not None and other[2] >= score for other in (before, after))
        start, end = folded.origin[fs], folded.origin[fe - 1] + 1
        return Located(start, end, article[start:end], Alignment.FUZZY, score, ambiguous)
    return None


def _fuzzy_in(
    text: str, needle: str, lo: int, hi: int, threshold: float
) -> tuple[int, int, float] | None:
    """Return the best acceptable fuzzy span of ``needle`` in ``text[lo:hi]`` and its score."""
    if hi - lo < len(needle) * (1 - MAX_FUZZY_LENGTH_CHANGE):
        return None
    # A fixed-width window can cut the real span short; search looser, judge after snapping.
    cutoff = max(0.0, threshold - 15.0)
    alignment = fuzz.partial_ratio_alignment(needle, text[lo:hi], score_cutoff=cutoff)
    if alignment is None:
        return None
    best: tuple[float, int, int, int] | None = None
    for snapped in _snaps(text, lo + alignment.dest_start, lo + alignment.dest_end, lo, hi):
        fs, fe = _climb(text, needle, snapped, lo, hi)
        span = text[fs:fe]
        score = fuzz.ratio(needle, span)
        if not _acceptable(needle, span, score, threshold):
            continue
        candidate = (score, -abs(len(span) - len(needle)), fs, fe)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        return None
    return best[2], best[3], best[0]


def _snaps(text: str, fs: int, fe: int, lo: int, hi: int) -> set[tuple[int, int]]:
    """Return ``[fs, fe)`` grown or shrunk to word boundaries at each end, edges trimmed."""
    starts = {fs}
    if lo < fs < hi and _is_word(text[fs - 1]) and _is_word(text[fs]):
        grown = fs
        while grown > lo and _is_word(text[grown - 1]):
            grown -= 1
        shrunk = fs
        while shrunk < fe and _is_word(text[shrunk]):
            shrunk += 1
        starts = {grown, shrunk}
    ends = {fe}
    if lo < fe < hi and _is_word(text[fe - 1]) and _is_word(text[fe]):
        grown = fe
        while grown < hi and _is_word(text[grown]):
            grown += 1
        shrunk = fe
        while shrunk > fs and _is_word(text[shrunk - 1]):
            shrunk -= 1
        ends = {grown, shrunk}
    spans: set[tuple[int, int]] = set()
    for s in starts:
        for e in ends:
            while s < e and text[s] in _SPAN_EDGE:
                s += 1
            while e > s and text[e - 1] in _SPAN_EDGE:
                e -= 1
            if s < e:
                spans.add((s, e))
    return spans


def _climb(text: str, needle: str, span: tuple[int, int], lo: int, hi: int) -> tuple[int, int]:
    """Move either end of ``span`` a word at a time while the ratio to ``needle`` improves.

    A fixed-width alignment misses the end of a span with insertions (``a really — a really
    outrageous tweet``) or runs into the next word after deletions.
    """
    s, e = span
    score = fuzz.ratio(needle, text[s:e])
    for _ in range(8):
        moves = [
            (_word_start_before(text, s, lo), e),
            (_word_start_after(text, s, e), e),
            (s, _word_end_after(text, e, hi)),
            (s, _word_end_before(text, e, s)),
        ]
        best = max(moves, key=lambda m: fuzz.ratio(needle, text[m[0] : m[1]]))
        best_score = fuzz.ratio(needle, text[best[0] : best[1]])
        if best_score <= score or best[0] >= best[1]:
            break
        (s, e), score = best, best_score
    return s, e


def _word_start_before(text: str, i: int, lo: int) -> int:
    """Return the start of the word before position ``i`` (not before ``lo``)."""
    while i > lo and not _is_word(text[i - 1]):
        i -= 1
    while i > lo and _is_word(text[i - 1]):
        i -= 1
    return i


def _word_start_after(text: str, i: int, end: int) -> int:
    """Return the start of the word after the one at ``i`` (not after ``end``)."""
    while i < end and _is_word(text[i]):
        i += 1
    while i < end and not _is_word(text[i]):
        i += 1
    return i


def _word_end_after(text: str, i: int, hi: int) -> int:
    """Return the end of the word after position ``i`` (not after ``hi``)."""
    while i < hi and not _is_word(text[i]):
        i += 1
    while i < hi and _is_word(text[i]):
        i += 1
    return i


def _word_end_before(text: str, i: int, start: int) -> int:
    """Return the end of the word before the one ending at ``i`` (not before ``start``)."""
    while i > start and _is_word(text[i - 1]):
        i -= 1
    while i > start and not _is_word(text[i - 1]):
        i -= 1
    return i


def _acceptable(needle: str, span: str, score: float, threshold: float) -> bool:
    """Apply the fuzzy acceptance rules: score, length change, numbers, negations."""
    if score < threshold or not _HAS_ALNUM.search(span):
        return False
    if abs(len(span) - len(needle)) > MAX_FUZZY_LENGTH_CHANGE * len(needle):
        return False
    if _numbers(needle) != _numbers(span):
        return False
    return len(_NEGATION.findall(needle)) == len(_NEGATION.findall(span))


def _numbers(text: str) -> list[str]:
    """Return the numbers in ``text``, thousands separators removed."""
    return [n.replace(",", "") for n in _NUMBER.findall(text)]
