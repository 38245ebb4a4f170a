"""Tests of locating model-returned phrases in the article with exact offsets."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from newsbrief.spans import Alignment, Located, locate

NBSP = "\u00a0"

ARTICLE = (
    "Harbour strike enters second day\n\n"
    f"ROTTERDAM, March 4 (Reuters) — Dockworkers extended their strike on Tuesday, several "
    f"officials{NBSP}told{NBSP}Reuters.\n\n"
    "“We are not moving until there is a fair offer,” union leader Anouk de Vries said on "
    "Monday.\n\n"
    "The employers’ group said the union’s demands were “unrealistic” and that the port "
    "would lose up to €15 million a day.\n\n"
    "Talks resumed on Wednesday, according to a statement from the minister’s press office. "
    "The minister’s press office declined to give details.\n\n"
    "Queues of ships grew from 14 to 37 vessels – the longest since 2019.\n\n"
    "Iraqi-born crane operator Mustafa al-Kadhimi, 52, said he backed the strike. "
    "Fighters of the Hashd al-Shaabi were not involved.\n\n"
    "🚢 Zoë Ångström, a shipping analyst, said delays could last a week."
)


def span_of(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """Return the (start, end) of the ``occurrence``-th ``needle`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def check(result: Located | None, article: str = ARTICLE) -> Located:
    """Assert a result was found and its text is the article's own characters."""
    assert result is not None
    assert 0 <= result.start < result.end <= len(article)
    assert article[result.start : result.end] == result.text
    return result


# --- exact ------------------------------------------------------------------------------


def test_verbatim_phrase_is_exact_with_offsets() -> None:
    r = check(locate(ARTICLE, "Dockworkers extended their strike"))
    assert r.alignment is Alignment.EXACT
    assert (r.start, r.end) == span_of(ARTICLE, "Dockworkers extended their strike")
    assert not r.ambiguous


def test_alignment_values_are_strings() -> None:
    assert [a.value for a in Alignment] == ["exact", "case", "typography"]
    assert str(Alignment.CASE) == "case"
    assert Alignment("typography") is Alignment.TYPOGRAPHY


def test_surrounding_whitespace_is_stripped() -> None:
    r = check(locate(ARTICLE, "  \n Dockworkers extended\t "))
    assert r.text == "Dockworkers extended"
    assert r.alignment is Alignment.EXACT


def test_trailing_punctuation_is_trimmed_when_not_in_article() -> None:
    r = check(locate(ARTICLE, "Talks resumed on Wednesday;"))
    assert r.text == "Talks resumed on Wednesday"


def test_trailing_period_is_kept_when_in_article() -> None:
    r = check(locate(ARTICLE, "said he backed the strike."))
    assert r.text == "said he backed the strike."
    assert r.alignment is Alignment.EXACT


def test_quotes_are_kept_when_phrase_with_quotes_is_verbatim() -> None:
    r = check(locate(ARTICLE, "“unrealistic”"))
    assert r.text == "“unrealistic”"
    assert r.alignment is Alignment.EXACT


def test_surrounding_quotes_are_stripped_when_not_verbatim() -> None:
    r = check(locate(ARTICLE, '"We are not moving until there is a fair offer."'))
    assert r.text == "We are not moving until there is a fair offer"
    assert r.alignment is Alignment.EXACT


def test_leading_and_trailing_ellipsis_are_stripped() -> None:
    r = check(locate(ARTICLE, "...the longest since 2019…"))
    assert r.text == "the longest since 2019"


def test_first_occurrence_without_hint_is_ambiguous_when_repeated() -> None:
    r = check(locate(ARTICLE, "press office"))
    assert (r.start, r.end) == span_of(ARTICLE, "press office", 0)
    assert r.ambiguous


def test_hint_window_picks_the_occurrence_inside_it() -> None:
    second = span_of(ARTICLE, "The minister’s press office declined to give details.")
    r = check(locate(ARTICLE, "press office", hint=second))
    assert (r.start, r.end) == span_of(ARTICLE, "press office", 1)
    assert not r.ambiguous


def test_hint_outside_any_match_picks_nearest_occurrence() -> None:
    near_second = span_of(ARTICLE, "Queues of ships grew")
    r = check(locate(ARTICLE, "press office", hint=near_second))
    assert (r.start, r.end) == span_of(ARTICLE, "press office", 1)


def test_reversed_hint_is_accepted() -> None:
    start, end = span_of(ARTICLE, "The minister’s press office declined")
    r = check(locate(ARTICLE, "press office", hint=(end, start)))
    assert (r.start, r.end) == span_of(ARTICLE, "press office", 1)


@pytest.mark.parametrize("hint", [(-50, -10), (10**9, 10**9 + 5), ("a", "b"), (1, 2, 3), 7])
def test_invalid_or_out_of_range_hint_is_ignored_safely(hint: object) -> None:
    r = check(locate(ARTICLE, "Dockworkers", hint=hint))  # type: ignore[arg-type]
    assert r.text == "Dockworkers"


def test_whole_word_match_preferred_over_part_of_a_word() -> None:
    article = "Iraqi officials met. Iraq will host the talks."
    r = check(locate(article, "Iraq"), article)
    assert (r.start, r.end) == span_of(article, "Iraq", 1)
    assert not r.ambiguous


def test_part_of_a_word_is_still_an_exact_match_when_nothing_better() -> None:
    article = "Iraqi officials met on Monday."
    r = check(locate(article, "Iraq"), article)
    assert r.text == "Iraq"
    assert r.alignment is Alignment.EXACT


# --- case and typography ----------------------------------------------------------------


def test_case_difference_matches_with_case_alignment() -> None:
    r = check(locate(ARTICLE, "harbour STRIKE enters second day"))
    assert r.alignment is Alignment.CASE
    assert r.text == "Harbour strike enters second day"


def test_case_folding_that_changes_length_keeps_offsets() -> None:
    article = "Flights to İSTANBUL resumed. İstanbul airport reopened."
    r = check(locate(article, "i̇stanbul airport"), article)
    assert r.alignment is Alignment.CASE
    assert r.text == "İstanbul airport"


def test_straight_apostrophe_matches_curly_in_article() -> None:
    r = check(locate(ARTICLE, "the union's demands"))
    assert r.alignment is Alignment.TYPOGRAPHY
    assert r.text == "the union’s demands"


def test_seed_pm_media_office_returns_curly_original(seed_text: str) -> None:
    r = check(locate(seed_text, "the PM's media office"), seed_text)
    assert r.text == "the PM’s media office"
    assert r.alignment is Alignment.TYPOGRAPHY


def test_curly_apostrophe_in_phrase_matches_straight_in_article() -> None:
    article = "The mayor's office said it's closed."
    r = check(locate(article, "the mayor’s office"), article)
    assert r.text == "The mayor's office"
    assert r.alignment is Alignment.TYPOGRAPHY


def test_straight_double_quotes_match_curly_quotes_with_quotes_kept() -> None:
    r = check(locate(ARTICLE, 'demands were "unrealistic" and'))
    assert r.text == "demands were “unrealistic” and"
    assert r.alignment is Alignment.TYPOGRAPHY


def test_plain_space_matches_no_break_spaces() -> None:
    r = check(locate(ARTICLE, "officials told Reuters"))
    assert r.text == f"officials{NBSP}told{NBSP}Reuters"
    assert r.alignment is Alignment.TYPOGRAPHY


def test_hyphen_matches_en_dash() -> None:
    r = check(locate(ARTICLE, "37 vessels - the longest since 2019"))
    assert r.text == "37 vessels – the longest since 2019"
    assert r.alignment is Alignment.TYPOGRAPHY


def test_em_dash_in_phrase_matches_hyphen_in_article() -> None:
    article = "The deal - signed on Friday - ends the dispute."
    r = check(locate(article, "deal — signed on Friday"), article)
    assert r.text == "deal - signed on Friday"


def test_whitespace_run_across_paragraphs_matches_single_space() -> None:
    r = check(locate(ARTICLE, "Harbour strike enters second day ROTTERDAM"))
    assert r.text == "Harbour strike enters second day\n\nROTTERDAM"
    assert r.alignment is Alignment.TYPOGRAPHY


def test_unicode_ellipsis_matches_three_dots() -> None:
    article = "He paused… then spoke about the budget."
    r = check(locate(article, "paused... then spoke"), article)
    assert r.text == "paused… then spoke"


def test_decomposed_accent_in_article_matches_composed_phrase() -> None:
    article = "Analyst Zoe\u0308 A\u030angstro\u0308m spoke."
    r = check(locate(article, "Zoë Ångström"), article)
    assert r.text == "Zoe\u0308 A\u030angstro\u0308m"
    assert r.alignment is Alignment.TYPOGRAPHY


def test_unaccented_phrase_does_not_match_accented_name_at_typography_level() -> None:
    assert locate(ARTICLE, "Zoe Angstrom") is None


def test_zero_width_characters_in_article_are_ignored() -> None:
    article = "The trans\u00adport minister re\u200bsigned."
    r = check(locate(article, "transport minister resigned"), article)
    assert r.text == "trans\u00adport minister re\u200bsigned"


def test_typography_match_respects_hint() -> None:
    second = span_of(ARTICLE, "The minister’s press office declined")
    r = check(locate(ARTICLE, "the minister's press office", hint=second))
    assert (r.start, r.end) == span_of(ARTICLE, "The minister’s press office")
    assert r.alignment is Alignment.TYPOGRAPHY
    assert not r.ambiguous


# --- non-ASCII offsets ------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase", ["Mustafa al-Kadhimi", "Hashd al-Shaabi", "Zoë Ångström", "🚢 Zoë", "€15 million"]
)
def test_non_ascii_phrases_have_code_point_offsets(phrase: str) -> None:
    r = check(locate(ARTICLE, phrase))
    assert (r.start, r.end) == span_of(ARTICLE, phrase)
    assert r.alignment is Alignment.EXACT


def test_phrase_after_emoji_has_code_point_offsets() -> None:
    article = "🚀🚀 Launch delayed 🌧️ by rain, officials said."
    r = check(locate(article, "by rain, officials said"), article)
    assert r.start == article.index("by rain")


def test_hyphenated_name_with_non_breaking_hyphen_in_phrase() -> None:
    r = check(locate(ARTICLE, "Mustafa al\u2011Kadhimi"))
    assert r.text == "Mustafa al-Kadhimi"
    assert r.alignment is Alignment.TYPOGRAPHY


# --- near misses are not found ----------------------------------------------------------


def test_a_phrase_with_a_typo_is_not_found() -> None:
    assert locate(ARTICLE, "Dockworkers extended thier strike on Tuesday") is None
    assert locate(ARTICLE, "We are not moving until there is a fair ofer he said") is None
    assert locate(ARTICLE, "Dockwrkers") is None


def test_a_paraphrase_is_not_found() -> None:
    assert locate(ARTICLE, "Dockworkers prolonged their walkout on Tuesday") is None
    assert locate(ARTICLE, "the ministry said prices will rise sharply next year") is None


def test_a_phrase_with_a_changed_number_or_dropped_negation_is_not_found() -> None:
    assert locate(ARTICLE, "Queues of ships grew from 14 to 47 vessels") is None
    assert locate(ARTICLE, "Fighters of the Hashd al-Shaabi were involved") is None


# --- not found and odd input ------------------------------------------------------------


@pytest.mark.parametrize("phrase", ["", "   ", "\n\t", NBSP, "...", "“”", ".,;:"])
def test_empty_or_punctuation_only_phrase_is_none(phrase: str) -> None:
    assert locate(ARTICLE, phrase) is None


def test_phrase_not_in_article_is_none() -> None:
    assert locate(ARTICLE, "The prime minister resigned") is None
    assert locate(ARTICLE, "Kadhimi resigned in protest over the strike on Friday") is None


def test_empty_article_is_none() -> None:
    assert locate("", "anything at all") is None


@pytest.mark.parametrize("article, phrase", [(None, "x"), (ARTICLE, None), (b"abc", "abc")])
def test_non_string_input_is_none(article: object, phrase: object) -> None:
    assert locate(article, phrase) is None  # type: ignore[arg-type]


def test_phrase_longer_than_article_is_none() -> None:
    assert locate("Short text.", "Short text. " * 20) is None


def test_located_is_frozen() -> None:
    r = check(locate(ARTICLE, "Dockworkers"))
    with pytest.raises(AttributeError):
        r.start = 0  # type: ignore[misc]


# --- properties -------------------------------------------------------------------------


@st.composite
def article_and_substring(draw: st.DrawFn) -> tuple[str, str]:
    article = draw(st.text(min_size=1, max_size=300))
    start = draw(st.integers(0, len(article) - 1))
    end = draw(st.integers(start + 1, len(article)))
    return article, article[start:end]


@given(article_and_substring())
def test_property_any_substring_is_found_exactly(case: tuple[str, str]) -> None:
    article, phrase = case
    assume(any(ch.isalnum() for ch in phrase))
    r = locate(article, phrase)
    assert r is not None
    assert r.alignment is Alignment.EXACT
    assert article[r.start : r.end] == r.text
    assert r.text in phrase


@given(article_and_substring())
def test_property_clean_substring_is_found_verbatim(case: tuple[str, str]) -> None:
    article, phrase = case
    assume(phrase == phrase.strip() and phrase[:1].isalnum() and phrase[-1:].isalnum())
    r = locate(article, phrase)
    assert r is not None
    assert r.text == phrase
    assert r.alignment is Alignment.EXACT


_typeset = st.text(
    alphabet=st.sampled_from([*"abcdeXYZ019 é’“”–—,\n", NBSP]), min_size=1, max_size=120
)
_fold_pairs = st.sampled_from(
    [("’", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"), (NBSP, " "), ("\n", " ")]
)


@given(_typeset, st.data(), st.lists(_fold_pairs, max_size=4), st.booleans())
def test_property_typography_variants_of_a_substring_are_found(
    article: str, data: st.DataObject, swaps: list[tuple[str, str]], upper: bool
) -> None:
    start = data.draw(st.integers(0, len(article) - 1))
    phrase = article[start : data.draw(st.integers(start + 1, len(article)))]
    assume(phrase[:1].isalnum() and phrase[-1:].isalnum())
    variant = phrase
    for typeset, plain in swaps:
        variant = variant.replace(typeset, plain)
    if upper:
        variant = variant.upper()
    r = locate(article, variant)
    assert r is not None
    assert article[r.start : r.end] == r.text


_mixed = st.lists(
    st.sampled_from([*"ab cd.,'\"-’“”–—…", NBSP, "\n", "é", "e\u0301", "İ", "🙂"]),
    max_size=60,
).map("".join)


@given(st.one_of(st.text(max_size=120), _mixed), st.one_of(st.text(max_size=40), _mixed))
def test_property_any_result_is_the_articles_own_text(article: str, phrase: str) -> None:
    r = locate(article, phrase)
    if r is not None:
        assert 0 <= r.start < r.end <= len(article)
        assert article[r.start : r.end] == r.text


@given(
    st.text(max_size=200),
    st.text(max_size=60),
    st.one_of(st.none(), st.tuples(st.integers(-500, 500), st.integers(-500, 500))),
)
def test_property_locate_never_raises(
    article: str, phrase: str, hint: tuple[int, int] | None
) -> None:
    r = locate(article, phrase, hint=hint)
    if r is not None:
        assert article[r.start : r.end] == r.text


@given(st.text(alphabet="ab .,'\u201c\u201d", min_size=1), st.text(alphabet="ab .", min_size=1))
def test_a_single_occurrence_is_found_as_it_was_among_several(article: str, phrase: str) -> None:
    found = locate(article, phrase)
    if found is not None and not found.ambiguous:
        assert article[found.start : found.end] == found.text
        doubled = locate(article + "\n" + article, phrase)
        assert doubled is not None
        assert (doubled.start, doubled.end, doubled.alignment) == (
            found.start,
            found.end,
            found.alignment,
        )
