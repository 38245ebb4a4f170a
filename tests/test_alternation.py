"""Grouped alternations match exactly what the plain alternation matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbrief import grounding
from newsbrief.alternation import by_first_letter, trie

FIXTURE_ARTICLES = sorted((Path(__file__).parent.parent / "fixtures" / "articles").glob("*.txt"))

BRANCHES = [
    r"said|says|say|call(?:s|ed|ing)?|critici[sz]\w*|f(?:ou|i)nds?|point(?:s|ed)? out",
    r"rejected the (claim|allegation|report)s?|refuted|not true|potential(ly)?|plans? to",
    r"a[]|]b|a\|b|a\(c|ab|a",  # a class with "]" and "|", escaped "|" and "(", a prefix
]


def _all_matches(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("alternation", BRANCHES)
def test_grouping_keeps_every_branch_and_its_order(alternation: str) -> None:
    plain = re.compile(rf"\b(?:{alternation})")
    grouped = re.compile(rf"\b{by_first_letter(alternation)}")
    text = (
        "He says they said it, then called and criticised; she finds what he found, "
        "points out and pointed out; it was not true, rejected the claims, potentially, "
        "plan to, plans to; a]b a|b a(c ab a"
    )
    assert _all_matches(grouped, text) == _all_matches(plain, text)


@given(st.text(alphabet="abcdeflnoprstuy |]()\\", max_size=40))
def test_grouping_matches_the_plain_alternation_on_any_text(text: str) -> None:
    alternation = BRANCHES[0] + "|" + BRANCHES[2]
    plain = re.compile(rf"(?:{alternation})")
    grouped = re.compile(by_first_letter(alternation))
    assert _all_matches(grouped, text) == _all_matches(plain, text)


def test_a_branch_that_does_not_start_with_a_letter_is_refused() -> None:
    with pytest.raises(ValueError, match="does not start with a letter"):
        by_first_letter(r"said|\w+ed")
    with pytest.raises(ValueError, match="unbalanced"):
        by_first_letter(r"said|(says")
    with pytest.raises(ValueError, match="unterminated"):
        by_first_letter(r"said|s[ay")


def test_a_trie_matches_each_word_and_prefers_the_longest() -> None:
    words = ["say", "says", "said", "sa", "told"]
    pattern = re.compile(rf"(?:{trie(words)})\b")
    for word in words:
        assert pattern.fullmatch(word), word
    assert pattern.match("sayings") is None
    assert pattern.match("says more").group() == "says"


@pytest.mark.parametrize(
    ("grouped", "words"),
    [
        (grounding._ANY_CUE, grounding._CUE_WORDS),
        (
            grounding._DENIALS_OR_HEDGES,
            f"{grounding._DENIAL_WORDS}|{grounding._HEDGE_WORDS}",
        ),
        (grounding._DENIALS, grounding._DENIAL_WORDS),
    ],
    ids=["cues", "denials or hedges", "denials"],
)
def test_the_grouped_cue_patterns_find_what_the_plain_ones_find(
    grouped: re.Pattern[str], words: str
) -> None:
    plain = re.compile(rf"\b(?:{words})\b")
    for path in FIXTURE_ARTICLES:
        text = path.read_text(encoding="utf-8").lower()
        assert _all_matches(grouped, text) == _all_matches(plain, text), path.name
