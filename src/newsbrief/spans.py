"""Finding a phrase the model returned inside the article, as exact character offsets.

Rules:

* Offsets are Python ``str`` indices (code points) into the article, and the span returned is
  always the article's own characters: ``located.text == article[start:end]``.
* The phrase is stripped of whitespace, surrounding straight/curly quotes and ellipses, and
  trailing ``.,;:`` before matching; the untrimmed phrase is tried first, so quotes that are
  really in the article are kept.  A phrase without a letter or digit finds nothing.
* Levels, tried in order, the first that matches wins: ``EXACT`` (verbatim substring),
  ``CASE`` (equal ignoring case) and ``TYPOGRAPHY`` (equal after folding curly/straight
  quotes and apostrophes, dashes, every whitespace run incl. U+00A0 to one space, case,
  compatibility forms such as ligatures and composed/decomposed accents; zero-width
  characters and soft hyphens are ignored).  A phrase that matches at none of them, a
  paraphrase or a typo, is not found: evidence is the article's own words.
* Among several matches at one level: one inside the ``hint`` window wins, then one on word
  boundaries (``Iraq`` alone over ``Iraq`` in ``Iraqi``), then the nearest to the window, then
  the first.  ``ambiguous`` is set when more than one match ties on all of these but position.
* Odd input (non-strings, empty phrase, invalid hint) gives ``None`` or is ignored;
  :func:`locate` never raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

__all__ = ["Alignment", "Located", "locate"]

# Straight, curly, low-9 and angle quotation marks.
_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a"
_TRIM_LEFT = re.compile(rf"\A(?:[\s{_QUOTES}\u2026]|\.\.\.)+")
_TRIM_RIGHT = re.compile(rf"[\s{_QUOTES}.,;:\u2026]+\Z")
_HAS_ALNUM = re.compile(r"[^\W_]")

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


@dataclass(frozen=True, slots=True)
class Located:
    """A span of the article: ``text == article[start:end]``, always the article's own text."""

    start: int
    end: int
    text: str
    alignment: Alignment
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
) -> Located | None:
    """Find ``phrase`` in ``article``; return the span or ``None`` (see the module rules).

    ``hint`` is a ``(start, end)`` window of the article where the phrase is expected (e.g. the
    sentence the model pointed at).
    """
    if not isinstance(article, str) or not isinstance(phrase, str) or not article:
        return None
    raw = phrase.strip()
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
    return None


def _window(hint: object, length: int) -> tuple[int, int] | None:
    """Return ``hint`` as an ordered window clamped to the article, or ``None`` if invalid."""
    if not isinstance(hint, (tuple, list)) or len(hint) != 2:
        return None
    if not all(isinstance(x, int) for x in hint):
        return None
    lo, hi = sorted((int(hint[0]), int(hint[1])))
    return max(0, min(lo, length)), max(0, min(hi, length))


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
        rep = _TYPOGRAPHY.get(ch) or unicodedata.normalize("NFKD", ch).lower()
        parts.append(rep)
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
        return Located(start, end, article[start:end], alignment, False)

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
    return Located(start, end, article[start:end], alignment, ambiguous)
