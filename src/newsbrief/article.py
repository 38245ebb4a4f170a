"""Loading an article and splitting it into sentences with exact character offsets.

Rules:

* The article text is the text evidence is grounded against, so it is kept as the user sees
  it.  The only change :func:`load_article` makes is turning Windows line endings ``"\\r\\n"``
  into ``"\\n"``; curly quotes, dashes, no-break spaces and everything else stay.  Bytes are
  decoded as UTF-8 (a leading UTF-8 BOM is dropped); undecodable bytes, NUL characters, empty
  or whitespace-only text and text without a single letter raise :class:`InputError`.
* Offsets are Python ``str`` indices (code points) into :attr:`Article.text`, and for every
  sentence ``text[start:end] == sentence.text``.
* A sentence is stripped of surrounding whitespace (including U+00A0): it starts at its first
  non-space character and ends after its closing punctuation and closing quotes/brackets.
* Boundaries: a blank line always ends a sentence; so does a line break after a line with no
  terminal punctuation (a headline), unless the next line starts with a lowercase letter (a
  hard-wrapped line).  Otherwise ``.``, ``!``, ``?``, ``...`` or ``…`` (plus closing quotes or
  brackets) followed by whitespace end a sentence, except when the next word starts with a
  lowercase letter (``“Go,” he said`` / ``“Why?” she asked``), when a quoted question or
  exclamation is followed by a short attribution (``“Why?” Graham asked.``), after a title
  (``Mr.``, ``Dr.``, ``Sen.``, ...), after a month or ``No.`` followed by a number
  (``Sept. 26``, ``No. 5``), and after an initial, an initialism or another abbreviation
  (``J. Smith``, ``U.S.``, ``a.m.``, ``Inc.``) unless the next word is one that typically
  opens a sentence (``The``, ``He``, ``But``, ...).  Decimals (``1.5``) never split: no space
  follows the dot.
* A segment without any letter or digit (a ``* * *`` separator) is not a sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from newsbrief.errors import InputError
from newsbrief.lexicon import MONTH_ABBREVIATIONS, QUOTE_VERBS

__all__ = ["Article", "Sentence", "load_article", "split_sentences"]

_BOM = b"\xef\xbb\xbf"

# Terminal punctuation, then any closing quotes/brackets, then whitespace or the end.
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
_OPENERS = "\"'\u201c\u2018\u00ab(["
_END = re.compile(rf"(?:\.\.\.|\u2026|[.!?])[.!?\u2026]*[{re.escape(_CLOSERS)}]*(?=\s|\Z)")
# Terminal punctuation closing a line (a line without it is a headline).
_LINE_END = re.compile(rf"(?:\.\.\.|\u2026|[.!?])[.!?\u2026]*[{re.escape(_CLOSERS)}]*\Z")
# Initialisms with inner dots ("U.S", "a.m", "R-S.C") and single-letter initials ("J").
_INITIALISM = re.compile(r"(?:\A|(?<=-))(?:[^\W\d_]\.)*[^\W\d_]\Z")
_FIRST_WORD = re.compile(r"[^\W_]+")
_CLAUSE_END = re.compile(r"[.!?…,;:“\"]")
_HAS_ALNUM = re.compile(r"[^\W_]")

# fmt: off
# Titles before a name: a dot after them never ends a sentence.
_TITLES = frozenset((
    "Mr", "Mrs", "Ms", "Messrs", "Mmes", "Dr", "Drs", "Prof", "Rev", "Fr", "Hon", "Pres", "Gen",
    "Gens", "Sen", "Sens", "Rep", "Reps", "Gov", "Govs", "Lt", "Col", "Capt", "Cmdr", "Cdr", "Sgt",
    "Cpl", "Pvt", "Adm", "Maj", "Brig", "Supt", "Atty", "Insp", "Det", "Amb", "Msgr", "Mme", "Mlle"
))
# Abbreviations usually followed by a number (lowercased): split only if no digit follows.
_NUMERIC = frozenset((
    *(month.lower() for month in MONTH_ABBREVIATIONS), "no", "nos", "vol", "vols", "art", "arts",
    "fig", "figs", "p", "pp", "ch", "sec", "para"
))
# Other abbreviations, case-sensitive: split only if the next word typically opens a sentence.
_ABBREVIATIONS = frozenset((
    "Inc", "Co", "Corp", "Ltd", "LLC", "Bros", "Jr", "Sr", "St", "Mt", "Ft", "Ave", "Blvd", "Rd",
    "Hwy", "Dept", "Univ", "Assn", "Govt", "Intl", "Natl", "Ph.D", "etc", "vs", "al", "approx",
    "est", "ca", "cf", "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill",
    "Ind", "Kan", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev",
    "Okla", "Ore", "Pa", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo"
))
# Capitalised words that almost always open a sentence rather than continue a name.
_STARTERS = frozenset((
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This", "That", "These",
    "Those", "There", "Then", "But", "And", "Or", "So", "Yet", "In", "On", "At", "For", "As",
    "After", "Before", "When", "While", "If", "Although", "Though", "Since", "Because", "His",
    "Her", "Its", "Their", "Our", "My", "Your", "Some", "Many", "Most", "Such", "Both", "Each",
    "All", "Any", "Still", "Meanwhile", "However", "Now", "Today", "Yesterday", "Tomorrow", "Last",
    "Earlier", "Later", "What", "Who", "Why", "How", "Where", "Asked", "Instead", "Also",
    "Despite", "During", "Under", "Over", "Officials", "Police", "Other", "Others", "One",
    "Another", "Several"
))
# fmt: on


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``text == article[start:end]``; ``index`` is 0-based."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Article:
    """The text evidence is grounded against, and its sentences in order."""

    text: str
    sentences: tuple[Sentence, ...]

    def sentence_at(self, offset: int) -> Sentence | None:
        """Return the sentence with ``start <= offset < end``, or ``None`` between sentences."""
        i = bisect_right(self.sentences, offset, key=lambda s: s.start) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None


def load_article(source: str | bytes) -> Article:
    """Build an :class:`Article` from text or UTF-8 bytes; raise :class:`InputError` if unusable.

    ``"\\r\\n"`` becomes ``"\\n"``; nothing else in the text is changed.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        skip = len(_BOM) if data.startswith(_BOM) else 0
        try:
            text = data[skip:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"article is not valid UTF-8: undecodable byte at offset {exc.start + skip}"
            ) from exc
    elif isinstance(source, str):
        text = source
    else:
        raise InputError(f"article must be str or bytes, not {type(source).__name__}")
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise InputError("article is empty")
    if "\x00" in text:
        raise InputError("article contains NUL characters: it is not text")
    if not any(ch.isalpha() for ch in text):
        raise InputError("article has no letters: it is not text")
    return Article(text=text, sentences=tuple(split_sentences(text)))


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with offsets into ``text`` (see the module rules)."""
    sentences: list[Sentence] = []
    for block_start, block_end in _blocks(text):
        cut = block_start
        for m in _END.finditer(text, block_start, block_end):
            if m.end() < block_end and _is_boundary(text, m, block_end):
                _emit(text, cut, m.end(), sentences)
                cut = m.end()
        _emit(text, cut, block_end, sentences)
    return sentences


def _blocks(text: str) -> list[tuple[int, int]]:
    """Cut ``text`` at blank lines and at line breaks that end a headline-like line."""
    blocks: list[tuple[int, int]] = []
    start = 0
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl < 0:
            break
        line = text[pos:nl].rstrip()
        nxt = nl + 1
        next_nl = text.find("\n", nxt)
        next_line = text[nxt : next_nl if next_nl >= 0 else n]
        cut = False
        if not line.strip() or not next_line.strip():
            cut = True  # this or the next line is blank
        elif not _LINE_END.search(line):
            following = next_line.lstrip()
            cut = not following[:1].islower()
        if cut:
            blocks.append((start, nl))
            start = nxt
        pos = nxt
    blocks.append((start, n))
    return blocks


def _is_boundary(text: str, m: re.Match[str], block_end: int) -> bool:
    """Decide whether the terminal punctuation matched by ``m`` ends a sentence."""
    nxt = m.end()
    while nxt < block_end and text[nxt].isspace():
        nxt += 1
    if nxt >= block_end:
        return True
    first = text[nxt]
    if first.islower():
        return False
    punct = m.group()
    bare = punct.rstrip(_CLOSERS)
    if bare != ".":
        # "!", "?", ellipsis: only a lowercase word or an attribution (“Why?” Graham asked.)
        quoted = bare[-1] in "?!" and bare != punct
        return not (quoted and _attribution_follows(text, nxt, block_end))
    token = _token_before(text, m.start())
    if not token:
        return True
    if token in _TITLES:
        return False
    if token.lower() in _NUMERIC:
        return not first.isdigit()
    if token in _ABBREVIATIONS or _INITIALISM.search(token):
        word = _FIRST_WORD.match(text, nxt)
        if word is None:
            return True  # an opening quote or bracket follows
        return word.group() in _STARTERS
    return True


def _attribution_follows(text: str, start: int, block_end: int) -> bool:
    """Tell whether a short speaker attribution (``Graham asked.``) starts at ``start``."""
    stop = _CLAUSE_END.search(text, start, block_end)
    words = _FIRST_WORD.findall(text, start, stop.start() if stop else block_end)
    return len(words) <= 8 and any(w.lower() in QUOTE_VERBS for w in words)


def _token_before(text: str, end: int) -> str:
    """Return the word ending at ``end`` (at most 40 characters) without opening quotes."""
    i = end
    while i > 0 and end - i < 40 and not text[i - 1].isspace():
        i -= 1
    return text[i:end].lstrip(_OPENERS)


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    """Append ``text[start:end]`` stripped of whitespace as a sentence if it has content."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    chunk = text[start:end]
    if _HAS_ALNUM.search(chunk):
        out.append(Sentence(index=len(out), start=start, end=end, text=chunk))
