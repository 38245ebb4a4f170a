"""Tests of article loading and sentence splitting (offsets must match the text exactly)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbrief.article import Article, Sentence, load_article, split_sentences
from newsbrief.errors import InputError

NBSP = "\u00a0"


def texts(text: str) -> list[str]:
    """Split ``text`` and check every sentence's offsets before returning the texts."""
    sentences = split_sentences(text)
    for i, s in enumerate(sentences):
        assert s.index == i
        assert text[s.start : s.end] == s.text
    return [s.text for s in sentences]


# --- load_article ------------------------------------------------------------------------


def test_str_is_used_as_is() -> None:
    text = f"Officials said the “plan” – agreed in Brussels – starts in June.{NBSP}"
    assert load_article(text).text == text


def test_bytes_are_decoded_as_utf8() -> None:
    article = load_article("Zoë Ångström met the minister’s envoy.".encode())
    assert article.text == "Zoë Ångström met the minister’s envoy."


def test_utf8_bom_is_dropped() -> None:
    article = load_article(b"\xef\xbb\xbfThe council voted on Monday.")
    assert article.text == "The council voted on Monday."


def test_undecodable_bytes_raise_input_error_with_byte_offset() -> None:
    with pytest.raises(InputError, match="offset 4"):
        load_article(b"Rain\xff fell all night.")


def test_undecodable_byte_offset_counts_the_bom() -> None:
    with pytest.raises(InputError, match="offset 7"):
        load_article(b"\xef\xbb\xbfRain\xfe fell.")


def test_decode_error_is_chained() -> None:
    with pytest.raises(InputError) as info:
        load_article(b"\xc3\x28 broken")
    assert isinstance(info.value.__cause__, UnicodeDecodeError)


def test_windows_line_endings_become_newlines() -> None:
    article = load_article("Headline here\r\n\r\nThe body starts.\r\nMore text.")
    assert article.text == "Headline here\n\nThe body starts.\nMore text."


def test_curly_quotes_dashes_and_no_break_spaces_are_kept() -> None:
    text = f"“We will go,” she said{NBSP}— and the ministry’s aide left…"
    assert load_article(text.encode()).text == text


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t", NBSP * 3, b"", b"  \r\n "])
def test_empty_or_whitespace_article_raises(text: str | bytes) -> None:
    with pytest.raises(InputError, match="article is empty"):
        load_article(text)


@pytest.mark.parametrize("text", ["123 456", "--- *** ---", "2020-01-01 10:00", "🙂🙂"])
def test_article_without_letters_raises(text: str) -> None:
    with pytest.raises(InputError):
        load_article(text)


def test_nul_characters_raise() -> None:
    with pytest.raises(InputError):
        load_article("Binary\x00junk with letters")


def test_non_text_source_raises_input_error() -> None:
    with pytest.raises(InputError):
        load_article(42)  # type: ignore[arg-type]


def test_load_article_splits_sentences() -> None:
    article = load_article("Storm hits coast\n\nWinds reached 120 km/h. Power failed.")
    assert [s.text for s in article.sentences] == [
        "Storm hits coast",
        "Winds reached 120 km/h.",
        "Power failed.",
    ]


def test_seed_article_keeps_no_break_space_after_in_rudaw(seed_text: str) -> None:
    article = load_article(seed_text)
    assert article.text.startswith(f"In Rudaw{NBSP}")
    assert article.sentences[0].text == "In Rudaw"
    assert article.sentences[1].text.startswith("NATO may expand troops")


def test_seed_article_offsets_match(seed_text: str) -> None:
    article = load_article(seed_text)
    assert len(article.sentences) > 10
    for s in article.sentences:
        assert article.text[s.start : s.end] == s.text


# --- sentence_at -------------------------------------------------------------------------


def _article(text: str) -> Article:
    return Article(text=text, sentences=tuple(split_sentences(text)))


def test_sentence_at_finds_containing_sentence() -> None:
    article = _article("First one here. Second one here.")
    second = article.sentences[1]
    assert article.sentence_at(second.start) == second
    assert article.sentence_at(second.end - 1) == second
    assert article.sentence_at(0) == article.sentences[0]


def test_sentence_at_between_sentences_is_none() -> None:
    article = _article("First one here.   Second one here.")
    first = article.sentences[0]
    assert article.sentence_at(first.end) is None
    assert article.sentence_at(first.end + 1) is None


@pytest.mark.parametrize("offset", [-1, -100, 10_000])
def test_sentence_at_out_of_range_is_none(offset: int) -> None:
    assert _article("Only one sentence.").sentence_at(offset) is None


def test_sentence_at_on_empty_article_is_none() -> None:
    assert Article(text="", sentences=()).sentence_at(0) is None


# --- split_sentences ---------------------------------------------------------------------


def test_simple_sentences_split_on_period_question_and_exclamation() -> None:
    assert texts("Prices rose. Why did they rise? Nobody knows!") == [
        "Prices rose.",
        "Why did they rise?",
        "Nobody knows!",
    ]


def test_sentences_are_stripped_of_surrounding_whitespace() -> None:
    text = f"  {NBSP}The vote passed.{NBSP}  It was close.\n"
    assert texts(text) == ["The vote passed.", "It was close."]


def test_headline_without_period_followed_by_blank_line_is_a_sentence() -> None:
    text = "Council approves new budget amid protests\n\nThe council voted 27-14 on Tuesday."
    assert texts(text) == [
        "Council approves new budget amid protests",
        "The council voted 27-14 on Tuesday.",
    ]


def test_headline_with_single_newline_is_a_sentence() -> None:
    text = "Floods hit northern towns\nRescue teams reached the valley on Sunday."
    assert texts(text) == [
        "Floods hit northern towns",
        "Rescue teams reached the valley on Sunday.",
    ]


def test_headline_with_trailing_semicolon_and_subheadline() -> None:
    text = "Mayor resigns over audit; \nDeputy takes charge after report into spending.\n\nBody."
    assert texts(text) == [
        "Mayor resigns over audit;",
        "Deputy takes charge after report into spending.",
        "Body.",
    ]


def test_blank_line_always_ends_a_sentence() -> None:
    text = "The minister said the talks would continue\n\nand officials agreed."
    assert texts(text) == ["The minister said the talks would continue", "and officials agreed."]


def test_hard_wrapped_line_continuing_in_lowercase_is_joined() -> None:
    text = "The minister said the talks would\ncontinue next week. Officials agreed."
    assert texts(text) == [
        "The minister said the talks would\ncontinue next week.",
        "Officials agreed.",
    ]


def test_line_with_no_break_space_before_newline_is_a_headline() -> None:
    text = f"In Kestrel News{NBSP}\n\nTown hall reopens after fire"
    assert texts(text) == ["In Kestrel News", "Town hall reopens after fire"]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Army sent 300 troops to the region.",
        "She moved to N.Y. last spring with her family.",
        "HARTSVILLE, N.Y., Sept. 26 (UPI) — The rally was cancelled.",
        "The deadline is Sept. 30 for all applicants.",
        "Mr. Okafor and Mrs. Lindqvist met Dr. Haas on Friday.",
        "Gen. Rahimi briefed Sen. Cole, Rep. Diaz and Gov. Patel in private.",
        "The shop on St. Mark's Road closed in Jan. 2020 after the floods.",
        "Talks began at 9 a.m. and ended at 4:30 p.m. on Thursday.",
        "Bellmore Inc. said on Monday that profits fell.",
        "Harwick & Co. Chief Executive Lena Moss resigned.",
        "The bill was listed as No. 5 on the agenda.",
        "The report was written by J. Smith and A. B. Carter for the panel.",
        "Unemployment rose to 4.5 percent, up from 4.1 percent.",
        "Sen. Ana Ruiz (D-N.M.) told reporters she would vote no.",
        "Retired U.S. Air Force Gen. Mark Holt spoke first.",
        "The firm, Eastman Bros. Ltd. of London, denied the claim.",
    ],
)
def test_abbreviations_initials_and_decimals_do_not_split(text: str) -> None:
    assert texts(text) == [text]


def test_initialism_at_sentence_end_splits_before_sentence_starter() -> None:
    text = "The company moved its headquarters to the U.S. The decision surprised staff."
    assert texts(text) == [
        "The company moved its headquarters to the U.S.",
        "The decision surprised staff.",
    ]


def test_time_at_sentence_end_splits_before_sentence_starter() -> None:
    text = "The polls closed at 8 p.m. He conceded an hour later."
    assert texts(text) == ["The polls closed at 8 p.m.", "He conceded an hour later."]


def test_month_abbreviation_followed_by_number_then_sentence_end() -> None:
    text = "Voters go to the polls on Nov. 8. Turnout is expected to be high."
    assert texts(text) == [
        "Voters go to the polls on Nov. 8.",
        "Turnout is expected to be high.",
    ]


def test_sentence_ending_inside_quotes_with_attribution_is_one_sentence() -> None:
    text = "“The mission will expand gradually,” he said."
    assert texts(text) == [text]


def test_quoted_sentence_then_new_sentence_splits_after_closing_quote() -> None:
    assert texts("He said: “We will go.” Then he left.") == [
        "He said: “We will go.”",
        "Then he left.",
    ]


def test_straight_quotes_close_a_sentence_too() -> None:
    assert texts('The mayor said "it is over." Crews left at dawn.') == [
        'The mayor said "it is over."',
        "Crews left at dawn.",
    ]


def test_single_quote_quotation_closes_a_sentence() -> None:
    assert texts("He added: ‘We will not back down.’ The crowd cheered.") == [
        "He added: ‘We will not back down.’",
        "The crowd cheered.",
    ]


def test_quoted_question_with_attribution_is_one_sentence() -> None:
    text = "“Who pays for this?” Okafor asked. “Not us.”"
    assert texts(text) == ["“Who pays for this?” Okafor asked.", "“Not us.”"]


def test_quoted_question_followed_by_lowercase_attribution_is_one_sentence() -> None:
    assert texts("“Is it safe?” she asked reporters.") == ["“Is it safe?” she asked reporters."]


def test_multi_sentence_quotation_splits_inside_the_quote() -> None:
    text = "“We are ready. We have always been ready,” the coach said."
    assert texts(text) == ["“We are ready.", "We have always been ready,” the coach said."]


def test_question_and_exclamation_end_sentences() -> None:
    assert texts("Is the bridge safe? Engineers say yes! Repairs start soon.") == [
        "Is the bridge safe?",
        "Engineers say yes!",
        "Repairs start soon.",
    ]


def test_ellipsis_followed_by_capital_ends_a_sentence() -> None:
    assert texts("The crowd waited... Nobody came.") == ["The crowd waited...", "Nobody came."]


def test_unicode_ellipsis_followed_by_capital_ends_a_sentence() -> None:
    assert texts("The crowd waited… Nobody came.") == ["The crowd waited…", "Nobody came."]


def test_ellipsis_followed_by_lowercase_does_not_split() -> None:
    text = "The plan was to wait ... and then to strike at night."
    assert texts(text) == [text]


def test_no_break_space_after_period_still_splits() -> None:
    assert texts(f"The vote passed.{NBSP}Critics objected.") == [
        "The vote passed.",
        "Critics objected.",
    ]


def test_sentence_ending_in_closing_parenthesis() -> None:
    assert texts("(The vote was 19-15.) Democrats objected.") == [
        "(The vote was 19-15.)",
        "Democrats objected.",
    ]


def test_number_after_sentence_end_starts_a_new_sentence() -> None:
    assert texts("Sales fell in 2019. 2020 was worse.") == [
        "Sales fell in 2019.",
        "2020 was worse.",
    ]


def test_title_never_ends_a_sentence_even_before_a_capital() -> None:
    assert texts("Rescuers found Mr. Hale alive. He was taken to hospital.") == [
        "Rescuers found Mr. Hale alive.",
        "He was taken to hospital.",
    ]


def test_no_without_number_is_an_ordinary_word() -> None:
    assert texts("Voters said No. The measure failed.") == [
        "Voters said No.",
        "The measure failed.",
    ]


def test_segment_without_letters_or_digits_is_not_a_sentence() -> None:
    assert texts("First part ends.\n\n* * *\n\nSecond part begins.") == [
        "First part ends.",
        "Second part begins.",
    ]


def test_text_without_terminal_punctuation_is_one_sentence() -> None:
    assert texts("a fragment with no ending") == ["a fragment with no ending"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", NBSP])
def test_empty_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


def test_windows_line_endings_in_raw_text_are_whitespace() -> None:
    assert texts("Headline\r\n\r\nBody one. Body two.\r\n") == [
        "Headline",
        "Body one.",
        "Body two.",
    ]


def test_non_ascii_names_and_emoji_keep_code_point_offsets() -> None:
    text = "🚀 Zoë Ångström won. Hashd al-Shaabi fighters withdrew."
    assert texts(text) == ["🚀 Zoë Ångström won.", "Hashd al-Shaabi fighters withdrew."]


def test_news_paragraphs_in_wire_style() -> None:
    text = (
        "Port strike enters second day\n\n"
        "ROTTERDAM, March 4 (Reuters) — Dockworkers extended their strike on Tuesday, "
        "the union said.\n\n"
        "“We are not moving,” union leader Anouk de Vries told reporters. "
        "“Not until there is a fair offer.”\n\n"
        "The employers’ group said the demands were “unrealistic.”"
    )
    assert texts(text) == [
        "Port strike enters second day",
        "ROTTERDAM, March 4 (Reuters) — Dockworkers extended their strike on Tuesday, "
        "the union said.",
        "“We are not moving,” union leader Anouk de Vries told reporters.",
        "“Not until there is a fair offer.”",
        "The employers’ group said the demands were “unrealistic.”",
    ]


def test_sentence_is_a_frozen_value() -> None:
    s = Sentence(index=0, start=0, end=3, text="Hi.")
    with pytest.raises(AttributeError):
        s.start = 1  # type: ignore[misc]


# --- properties --------------------------------------------------------------------------

_news_alphabet = st.sampled_from(
    [*"abcXYZ019 .,;:!?'\"()-\n…“”‘’—é", NBSP, "U.S.", "Mr.", "Sept.", "\r\n", "🙂"]
)
_news_text = st.lists(_news_alphabet, max_size=80).map("".join)


@given(st.one_of(st.text(max_size=200), _news_text))
def test_property_sentences_match_text_and_cover_all_content(text: str) -> None:
    sentences = split_sentences(text)
    covered = [False] * len(text)
    previous_end = 0
    for i, s in enumerate(sentences):
        assert s.index == i
        assert previous_end <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert not s.text[0].isspace()
        assert not s.text[-1].isspace()
        previous_end = s.end
        for j in range(s.start, s.end):
            covered[j] = True
    for j, ch in enumerate(text):
        if ch.isalnum():
            assert covered[j], f"character {ch!r} at {j} is in no sentence"


@given(_news_text)
def test_property_sentence_at_finds_each_sentence(text: str) -> None:
    article = _article(text)
    for s in article.sentences:
        assert article.sentence_at(s.start) == s
        assert article.sentence_at(s.end - 1) == s
