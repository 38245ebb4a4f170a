"""Tests for `newsbrief.numbers`: finding number phrases and parsing their values by code."""

from __future__ import annotations

import dataclasses
import itertools
import math
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsbrief.numbers import NumberMention, find_numbers, parse_number

KINDS = {"count", "money", "percent", "measure", "date", "ordinal", "other"}
QUALIFIERS = {None, "approximately", "at_least", "at_most", "more_than", "less_than", "between"}


def one(phrase: str) -> NumberMention:
    """The single mention in ``phrase``; fails if there is not exactly one."""
    mentions = find_numbers(phrase)
    assert len(mentions) == 1, [m.text for m in mentions]
    return mentions[0]


def texts(text: str) -> list[str]:
    return [m.text for m in find_numbers(text)]


# --------------------------------------------------------------------------------------
# Digits, scales, money, percent, measures


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("5,000", 5000.0),
        ("1.5", 1.5),
        ("3,200.75", 3200.75),
        ("0.5", 0.5),
        ("1,234,567", 1234567.0),
        ("12", 12.0),
        ("1.5 million", 1_500_000.0),
        ("25 million", 25_000_000.0),
        ("1.6 billion", 1_600_000_000.0),
        ("51million", 51_000_000.0),
        ("4.4million", 4_400_000.0),
        ("3 trillion", 3e12),
        ("2 dozen", 24.0),
        ("7.2bn", 7_200_000_000.0),
    ],
)
def test_digits_and_scale_words_parse_to_exact_value(phrase: str, value: float) -> None:
    mention = one(phrase)
    assert mention.value == value
    assert mention.kind == "count"
    assert mention.unit is None
    assert mention.text == phrase


def test_decimal_scale_is_exact_not_float_product() -> None:
    # 4.1 * 1e9 in binary floating point is 4099999999.9999995; the parser must not be.
    assert one("4.1 billion").value == 4_100_000_000.0
    assert one("£1.2bn").value == 1_200_000_000.0


@pytest.mark.parametrize(
    ("phrase", "value", "unit"),
    [
        ("$2 billion", 2e9, "USD"),
        ("$1.5 million", 1_500_000.0, "USD"),
        ("$350 million", 350_000_000.0, "USD"),
        ("$500,000", 500_000.0, "USD"),
        ("£300m", 300_000_000.0, "GBP"),
        ("£1.2bn", 1_200_000_000.0, "GBP"),
        ("£87", 87.0, "GBP"),
        ("€40,000", 40_000.0, "EUR"),
        ("€3.5m", 3_500_000.0, "EUR"),
        ("$50k", 50_000.0, "USD"),
        ("US$5", 5.0, "USD"),
        ("USD 40", 40.0, "USD"),
        ("40 USD", 40.0, "USD"),
        ("40 dollars", 40.0, "USD"),
        ("40 U.S. dollars", 40.0, "USD"),
        ("5 Canadian dollars", 5.0, "CAD"),
        ("12 euros", 12.0, "EUR"),
        ("20 pounds sterling", 20.0, "GBP"),
        ("300 yen", 300.0, "JPY"),
        ("2 million Iraqi dinars", 2_000_000.0, "IQD"),
        ("five million dollars", 5_000_000.0, "USD"),
        ("¥1,000", 1000.0, "JPY"),
    ],
)
def test_currency_sets_money_kind_and_iso_unit(phrase: str, value: float, unit: str) -> None:
    mention = one(phrase)
    assert (mention.value, mention.kind, mention.unit) == (value, "money", unit)
    assert mention.text == phrase


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("“Fifty cents does not sound like much,” she said.", "Fifty cents", 0.5),
        ("a 20 cent rise", "20 cent", 0.2),
        ("It costs 75 pence.", "75 pence", 0.75),
    ],
)
def test_cents_and_pence_are_money_in_the_main_unit(sentence: str, text: str, value: float) -> None:
    mention = one(sentence)
    assert mention.text == text
    assert mention.value == pytest.approx(value)
    assert (mention.kind, mention.unit) == (
        "money",
        None,
    )  # which currency, the text says elsewhere


def test_money_text_includes_currency_and_scale_but_not_following_words() -> None:
    mention = one("The plan would cost $150 billion over a decade")
    assert mention.text == "$150 billion"


@pytest.mark.parametrize(
    ("phrase", "value", "unit"),
    [
        ("15 percent", 15.0, "%"),
        ("15%", 15.0, "%"),
        ("15 %", 15.0, "%"),
        ("15 per cent", 15.0, "%"),
        ("14.8 per cent", 14.8, "%"),
        ("2.5 pct", 2.5, "%"),
        (".5 percent", 0.5, "%"),
        ("fifteen percent", 15.0, "%"),
        ("3 percentage points", 3.0, "pp"),
        ("a 5-percent rise", 5.0, "%"),
    ],
)
def test_percent_phrases_have_percent_kind(phrase: str, value: float, unit: str) -> None:
    mention = one(phrase)
    assert (mention.value, mention.kind, mention.unit) == (value, "percent", unit)


@pytest.mark.parametrize(
    ("phrase", "value", "unit"),
    [
        ("4,000 km", 4000.0, "km"),
        ("4,000km", 4000.0, "km"),
        ("12 miles", 12.0, "miles"),
        ("1 mile", 1.0, "miles"),
        ("30 kilograms", 30.0, "kg"),
        ("30kg", 30.0, "kg"),
        ("200 pounds", 200.0, "lb"),
        ("3.5 tonnes", 3.5, "t"),
        ("100 metres", 100.0, "m"),
        ("400m", 400.0, "m"),
        ("60 mph", 60.0, "mph"),
        ("120 km/h", 120.0, "km/h"),
        ("40°C", 40.0, "°C"),
        ("500 square kilometres", 500.0, "km2"),
        ("82 hours", 82.0, "hours"),
        ("eight years", 8.0, "years"),
        ("two weeks", 2.0, "weeks"),
        ("78 days", 78.0, "days"),
        ("90 minutes", 90.0, "minutes"),
        ("1,000 barrels", 1000.0, "barrels"),
        ("600 megawatts", 600.0, "MW"),
    ],
)
def test_unit_after_number_makes_a_measure(phrase: str, value: float, unit: str) -> None:
    mention = one(phrase)
    assert (mention.value, mention.kind, mention.unit) == (value, "measure", unit)
    assert mention.text == phrase


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit"),
    [
        (
            "He was jailed for four years and eight months.",
            "four years and eight months",
            56,
            "months",
        ),
        ("The talks lasted two hours and 30 minutes.", "two hours and 30 minutes", 150, "minutes"),
        ("It took three weeks and two days.", "three weeks and two days", 23, "days"),
    ],
)
def test_a_duration_in_two_units_is_one_measure_in_the_smaller(
    sentence: str, text: str, value: float, unit: str
) -> None:
    mention = one(sentence)
    assert (mention.text, mention.value, mention.kind, mention.unit) == (
        text,
        value,
        "measure",
        unit,
    )


@pytest.mark.parametrize(
    "sentence",
    ["five years and three years", "three years and 2 km", "four years and more than six months"],
)
def test_only_a_larger_unit_then_a_smaller_one_makes_one_duration(sentence: str) -> None:
    assert len(find_numbers(sentence)) == 2


def test_plain_count_has_no_unit_and_text_is_number_only() -> None:
    mention = one("The vote drew 600,000 children into the scheme.")
    assert (mention.text, mention.value, mention.kind, mention.unit) == (
        "600,000",
        600_000.0,
        "count",
        None,
    )


# --------------------------------------------------------------------------------------
# Number words


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("Fourteen rockets struck the base.", "Fourteen", 14.0),
        ("The blast injured nine others.", "nine", 9.0),
        ("It killed one person.", "one", 1.0),
        ("ONE PERSON DIED", "ONE", 1.0),
        ("They held twenty-three prisoners.", "twenty-three", 23.0),
        ("They held twenty three prisoners.", "twenty three", 23.0),
        ("Ten people were hurt.", "Ten", 10.0),
        ("A dozen police cars arrived.", "A dozen", 12.0),
        ("Officers seized two dozen rifles.", "two dozen", 24.0),
        ("Officers seized half a dozen rifles.", "half a dozen", 6.0),
        ("He met a hundred people there.", "a hundred", 100.0),
        ("The fund paid one hundred and five claims.", "one hundred and five", 105.0),
        ("The town has two thousand five hundred residents.", "two thousand five hundred", 2500.0),
        ("It adds nine million extra hours of care.", "nine million", 9_000_000.0),
        ("A million people marched.", "A million", 1_000_000.0),
        ("Half a million people marched.", "Half a million", 500_000.0),
        ("The eleven players left.", "eleven", 11.0),
        ("It hired ninety-nine staff.", "ninety-nine", 99.0),
    ],
)
def test_number_words_are_counts(sentence: str, text: str, value: float) -> None:
    mention = one(sentence)
    assert (mention.text, mention.value, mention.kind) == (text, value, "count")
    assert sentence[mention.start : mention.end] == text


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("Hundreds of people fled.", "Hundreds", 100.0),
        ("thousands of homes lost power", "thousands", 1000.0),
        ("millions of people were trapped", "millions", 1_000_000.0),
        ("Tens of thousands of troops massed.", "Tens of thousands", 10_000.0),
        ("hundreds of thousands of refugees", "hundreds of thousands", 100_000.0),
        ("Dozens of shops closed.", "Dozens", 12.0),
        ("several hundred protesters gathered", "several hundred", 100.0),
        ("a few thousand fans came", "a few thousand", 1000.0),
    ],
)
def test_vague_plurals_are_lower_bounds(sentence: str, text: str, value: float) -> None:
    mention = one(sentence)
    assert (mention.text, mention.value, mention.qualifier) == (text, value, "at_least")


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("Two-thirds of voters agreed.", "Two-thirds", 2 / 3),
        ("a third of the budget", "a third", 1 / 3),
        ("three quarters of the population", "three quarters", 0.75),
        ("half of the students", "half", 0.5),
        ("one-fifth of the land", "one-fifth", 0.2),
    ],
)
def test_fractions_are_other_kind_with_fraction_unit(
    sentence: str, text: str, value: float
) -> None:
    mention = one(sentence)
    assert mention.text == text
    assert mention.value == pytest.approx(value)
    assert (mention.kind, mention.unit) == ("other", "fraction")


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("The drug cut hospital stays by about a third, the trial found.", "about a third"),
        ("Output fell by a quarter.", "a quarter"),
        ("Costs rose by a fifth;", "a fifth"),
    ],
)
def test_a_spaced_fraction_that_ends_a_clause_is_a_fraction(sentence: str, text: str) -> None:
    mention = one(sentence)
    assert mention.text == text
    assert (mention.kind, mention.unit) == ("other", "fraction")


@pytest.mark.parametrize("sentence", ["She won a third term.", "He tried a third time."])
def test_a_third_before_a_noun_stays_an_ordinal(sentence: str) -> None:
    assert one(sentence).kind == "ordinal"


@pytest.mark.parametrize(
    "sentence",
    [
        "Prices were cut in half.",
        "The second half of the match was dull.",
        "She spent half the day waiting.",
    ],
)
def test_half_without_a_clear_fraction_is_not_a_fraction(sentence: str) -> None:
    assert all(m.unit != "fraction" for m in find_numbers(sentence))


def test_a_and_no_one_are_not_numbers() -> None:
    # A sentence parser such as number_parser turns "no one" into "no 1"; we do not.
    assert find_numbers("No one was hurt and someone called a doctor.") == []
    assert find_numbers("a") == []
    assert find_numbers("A man and a woman") == []


# --------------------------------------------------------------------------------------
# "one" as a pronoun or idiom


@pytest.mark.parametrize(
    "sentence",
    [
        "No one expected the result.",
        "no-one could escape",
        "Someone called the police.",
        "Anyone can apply.",
        "Everyone left early.",
        "They blamed one another.",
        "At one point the talks collapsed.",
        "at one time he was mayor",
        "They left one by one.",
        "a one-on-one meeting",
        "a one-time payment",
        "a one-off event",
        "It was the one he delivered on Monday.",
        "It isn't the only one to survive.",
        "One could argue otherwise.",
        "one must wonder why",
        "That is one of the original goals.",
        "It's one of the largest camps.",
        "He backed one warring party or another.",
        "It will happen one way or another.",
        "each one was checked",
        "one's own country",
        "They shouted as one.",
    ],
)
def test_pronoun_and_idiom_one_is_not_a_number(sentence: str) -> None:
    assert [m for m in find_numbers(sentence) if m.value == 1.0] == []


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("One of the injured was a child.", "One"),
        ("killing one person", "one"),
        ("at least one has died", "at least one"),
        ("One in seven residents is an immigrant.", "One"),
        ("a candidate with one overriding message", "one"),
        ("this is one reason he is losing", "one"),
        ("one or more of its members", "one"),
        ("a one-day summit", "one"),
    ],
)
def test_counting_one_is_a_number(sentence: str, text: str) -> None:
    ones = [m for m in find_numbers(sentence) if m.value == 1.0]
    assert [m.text for m in ones] == [text]


@pytest.mark.parametrize(
    "sentence",
    [
        "The bone was broken.",
        "They lost money often.",
        "Tension rose in Tennessee.",
        "The canine unit and the weight limit.",
        "an oftentimes tenuous seventeenish fiftyfold",
        "Stone, Honey and Lonely",
    ],
)
def test_number_words_inside_other_words_never_match(sentence: str) -> None:
    assert find_numbers(sentence) == []


# --------------------------------------------------------------------------------------
# Qualifiers


@pytest.mark.parametrize(
    ("phrase", "qualifier", "value"),
    [
        ("as many as 5,000", "at_most", 5000.0),
        ("as high as 5,000", "at_most", 5000.0),
        ("as much as $2 billion", "at_most", 2e9),
        ("up to 300", "at_most", 300.0),
        ("at most 12", "at_most", 12.0),
        ("no more than 40", "at_most", 40.0),
        ("a maximum of 10", "at_most", 10.0),
        ("at least 7", "at_least", 7.0),
        ("no fewer than 8", "at_least", 8.0),
        ("no less than 9", "at_least", 9.0),
        ("90-plus", "at_least", 90.0),
        ("50+", "at_least", 50.0),
        ("more than 1,000", "more_than", 1000.0),
        ("more than a million", "more_than", 1_000_000.0),
        ("more than a dozen", "more_than", 12.0),
        ("over 600", "more_than", 600.0),
        ("well over 600", "more_than", 600.0),
        ("just over 600", "more_than", 600.0),
        ("above 3%", "more_than", 3.0),
        ("longer than 72 hours", "more_than", 72.0),
        ("in excess of $5 million", "more_than", 5e6),
        ("fewer than 10", "less_than", 10.0),
        ("less than 5%", "less_than", 5.0),
        ("under 18", "less_than", 18.0),
        ("just under £350 million", "less_than", 350e6),
        ("below 3", "less_than", 3.0),
        ("around 500", "approximately", 500.0),
        ("about 40", "approximately", 40.0),
        ("About 10,000", "approximately", 10_000.0),
        ("approximately 12million", "approximately", 12e6),
        ("roughly 30", "approximately", 30.0),
        ("nearly 900", "approximately", 900.0),
        ("almost four", "approximately", 4.0),
        ("some 300", "approximately", 300.0),
        ("an estimated 4,000", "approximately", 4000.0),
        ("close to 70", "approximately", 70.0),
        ("nearly half", "approximately", 0.5),
    ],
)
def test_qualifier_words_are_parsed_and_included_in_text(
    phrase: str, qualifier: str, value: float
) -> None:
    mention = one(phrase + " of them")
    assert (mention.qualifier, mention.value) == (qualifier, value)
    assert mention.text == phrase


def test_as_many_as_sets_at_most_qualifier() -> None:
    sentence = "NATO may expand its mission in Iraq to as many as 5,000: officials"
    mention = one(sentence)
    assert mention.text == "as many as 5,000"
    assert mention.qualifier == "at_most"
    assert sentence[mention.start : mention.end] == "as many as 5,000"


def test_qualifier_before_currency_sign_is_included() -> None:
    mention = one("for people earning more than £150,000 a year")
    assert (mention.text, mention.kind, mention.unit, mention.qualifier) == (
        "more than £150,000",
        "money",
        "GBP",
        "more_than",
    )


def test_no_more_than_is_at_most_not_more_than() -> None:
    assert one("no more than 40 guests").qualifier == "at_most"
    assert one("not more than 40 guests").qualifier == "at_most"


def test_some_is_a_qualifier_only_before_a_number() -> None:
    assert one("some 300 people").qualifier == "approximately"
    assert find_numbers("some brass neck") == []
    assert find_numbers("some one called") == []


def test_qualifier_must_be_adjacent() -> None:
    mention = one("more than ever, 40 people came")
    assert (mention.text, mention.qualifier) == ("40", None)


# --------------------------------------------------------------------------------------
# Changes


@pytest.mark.parametrize(
    ("sentence", "text", "value", "change_from", "qualifier"),
    [
        (
            "Passenger numbers fell from 61 million journeys in 2019 to 47 million in 2023.",
            "from 61 million journeys in 2019 to 47 million",
            47e6,
            61e6,
            None,
        ),
        (
            "Ships queuing rose from 14 on Monday evening to 37 by midday Tuesday.",
            "from 14 on Monday evening to 37",
            37.0,
            14.0,
            None,
        ),
        (
            "The collection grew from about 1,200 donated books last spring to more than 6,000.",
            "from about 1,200 donated books last spring to more than 6,000",
            6000.0,
            1200.0,
            "more_than",
        ),
        (
            "Attacks rose from 31 in 2021 to 88 last year.",
            "from 31 in 2021 to 88",
            88.0,
            31.0,
            None,
        ),
    ],
)
def test_a_change_may_have_a_few_words_between_its_values(
    sentence: str, text: str, value: float, change_from: float, qualifier: str | None
) -> None:
    mention = find_numbers(sentence)[0]  # the first mention; "in 2023" may follow
    assert mention.text == text
    assert (mention.value, mention.change_from, mention.qualifier) == (
        value,
        change_from,
        qualifier,
    )
    assert sentence[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    "sentence",
    [
        "It moved from 10 schools, and to 5 hospitals.",  # a clause break between them
        "Ages ranged from 18 in Ohio to 25 in Texas.",  # a range word: not a change
        "The 14 ships went from Rotterdam to Hamburg and 3 more followed.",  # no "from" before 14
        "It went from 2 in 2019 and 2020 to 7.",  # "and" between them
        "Cases fell from 40 in the first six weeks of the long outbreak to 12.",  # six words
    ],
)
def test_numbers_far_apart_or_across_a_break_stay_apart(sentence: str) -> None:
    assert all(m.change_from is None for m in find_numbers(sentence))


def test_from_to_as_high_as_is_a_change_with_at_most_qualifier() -> None:
    sentence = "The mission could grow from 500 to as high as 5,000, diplomats said."
    mention = one(sentence)
    assert mention.text == "from 500 to as high as 5,000"
    assert (mention.value, mention.change_from, mention.qualifier) == (5000.0, 500.0, "at_most")
    assert mention.lower is None
    assert sentence[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    ("sentence", "text", "value", "change_from", "kind", "unit"),
    [
        ("Inflation rose from 3% to 5%.", "from 3% to 5%", 5.0, 3.0, "percent", "%"),
        ("Turnout increased to 12 from 9.", "to 12 from 9", 12.0, 9.0, "count", None),
        (
            "Costs grew from $10 million to $12 million.",
            "from $10 million to $12 million",
            12e6,
            10e6,
            "money",
            "USD",
        ),
        ("Rates went from 3 to 5 percent.", "from 3 to 5 percent", 5.0, 3.0, "percent", "%"),
        (
            "Spending fell from $12 to $10 million.",
            "from $12 to $10 million",
            10e6,
            12e6,
            "money",
            "USD",
        ),
        ("It fell from 500 to 5 million.", "from 500 to 5 million", 5e6, 500.0, "count", None),
        ("Jobless rate hit 7.5%, up from 6.1%.", "7.5%, up from 6.1%", 7.5, 6.1, "percent", "%"),
        ("Sales were 40, down from 55.", "40, down from 55", 40.0, 55.0, "count", None),
        ("The force grew from five to ten.", "from five to ten", 10.0, 5.0, "count", None),
        (
            "Viewers rose from five to ten million.",
            "from five to ten million",
            10e6,
            5e6,
            "count",
            None,
        ),
    ],
)
def test_changes_record_old_and_new_value(
    sentence: str, text: str, value: float, change_from: float, kind: str, unit: str | None
) -> None:
    mention = one(sentence)
    assert mention.text == text
    assert (mention.value, mention.change_from, mention.kind, mention.unit) == (
        value,
        change_from,
        kind,
        unit,
    )
    assert mention.lower is None


def test_change_keeps_qualifier_of_new_value_up_to() -> None:
    mention = one("expanding from 500 up to 5,000 troops")
    assert (mention.text, mention.change_from, mention.qualifier) == (
        "from 500 up to 5,000",
        500.0,
        "at_most",
    )


# --------------------------------------------------------------------------------------
# Ranges


@pytest.mark.parametrize(
    ("sentence", "text", "lower", "value", "kind", "unit"),
    [
        ("between 40 and 50 people", "between 40 and 50", 40.0, 50.0, "count", None),
        ("40 to 50 people", "40 to 50", 40.0, 50.0, "count", None),
        ("a crowd of 40-50", "40-50", 40.0, 50.0, "count", None),
        ("a crowd of 40\u201350", "40\u201350", 40.0, 50.0, "count", None),
        ("30 to 40 percent of voters", "30 to 40 percent", 30.0, 40.0, "percent", "%"),
        ("40-50% of voters", "40-50%", 40.0, 50.0, "percent", "%"),
        ("3-4 days", "3-4 days", 3.0, 4.0, "measure", "days"),
        ("$10-$20 a ticket", "$10-$20", 10.0, 20.0, "money", "USD"),
        (
            "between $1 and $2 billion",
            "between $1 and $2 billion",
            1e9,
            2e9,
            "money",
            "USD",
        ),
        (
            "investing $500,000 to more than $1 million",
            "$500,000 to more than $1 million",
            500_000.0,
            1e6,
            "money",
            "USD",
        ),
        ("ages 55 to 65", "55 to 65", 55.0, 65.0, "count", None),
        ("ranging from 18 to 25 years", "from 18 to 25 years", 18.0, 25.0, "measure", "years"),
        ("1,000-2,000 people", "1,000-2,000", 1000.0, 2000.0, "count", None),
    ],
)
def test_ranges_have_lower_and_upper_and_between_qualifier(
    sentence: str, text: str, lower: float, value: float, kind: str, unit: str | None
) -> None:
    mention = one(sentence)
    assert mention.text == text
    assert (mention.lower, mention.value, mention.qualifier) == (lower, value, "between")
    assert (mention.kind, mention.unit) == (kind, unit)
    assert mention.change_from is None


def test_descending_pairs_are_scores_not_ranges() -> None:
    mentions = find_numbers("They won 5 to 3 on Sunday.")
    assert len(mentions) == 2
    assert all(m.qualifier is None and m.lower is None for m in mentions)


@pytest.mark.parametrize(
    "sentence",
    [
        "The panel voted 19-15.",
        "The tie ended 1-1 after extra time.",
        "The hosts led 3\u20130 at the break.",
        "The game was tied at 77-77 with a minute left.",
    ],
)
def test_dashed_scores_and_tallies_are_not_figures(sentence: str) -> None:
    assert find_numbers(sentence) == []


def test_range_needs_compatible_units() -> None:
    mentions = find_numbers("It ran 5 km to 10 miles")
    assert [m.text for m in mentions] == ["5 km", "10 miles"]


# --------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("The mission was set up in 2018.", "2018", 2018.0),
        ("Prices have risen since 2016.", "2016", 2016.0),
        ("a January 2020 airstrike", "January 2020", 2020.0),
        ("HEMPSTEAD, N.Y., Sept. 26, 2016 (UPI)", "Sept. 26, 2016", 2016.0),
        ("the 2016 election", "2016", 2016.0),
        ("by 2060, the share will grow", "2060", 2060.0),
        ("The 1951 Refugee Convention", "1951", 1951.0),
        ("in the 1990s", "1990s", 1990.0),
        ("in the 1990's", "1990's", 1990.0),
        ("back in the '90s", "'90s", 1990.0),
        ("back in the \u201990s", "\u201990s", 1990.0),
        ("by mid-2016", "mid-2016", 2016.0),
        ("published 2016-09-26", "2016-09-26", 2016.0),
        ("on 26 September 2016", "26 September 2016", 2016.0),
        ("in December of 2007", "December of 2007", 2007.0),
        ("around 2010, prices fell", "around 2010", 2010.0),
        ("in 1800", "1800", 1800.0),
        ("by 2100", "2100", 2100.0),
    ],
)
def test_years_are_dates_never_counts(sentence: str, text: str, value: float) -> None:
    mention = one(sentence)
    assert (mention.text, mention.value, mention.kind) == (text, value, "date")


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("FLINT, Mich., Oct. 4 (UPI)", "Oct. 4", 4.0),
        ("takes over on Jan. 1.", "Jan. 1", 1.0),
        ("the vote on Nov. 8", "Nov. 8", 8.0),
        ("expire on September 30th", "September 30th", 30.0),
        ("on 26 September", "26 September", 26.0),
        ("on the 3rd of March", "3rd of March", 3.0),
        # every abbreviation takes a dot ("Jun." and "Jul." as well as "Jan.")
        ("opened on Jun. 5 in Paris", "Jun. 5", 5.0),
        ("by Jul. 14", "Jul. 14", 14.0),
        ("from Sep 27", "Sep 27", 27.0),
    ],
)
def test_day_month_without_year_is_a_date_valued_by_day(
    sentence: str, text: str, value: float
) -> None:
    mention = one(sentence)
    assert (mention.text, mention.value, mention.kind) == (text, value, "date")


@pytest.mark.parametrize(
    ("sentence", "kind", "value"),
    [
        ("more than 2000 people", "count", 2000.0),
        ("nearly 2000 people", "count", 2000.0),
        ("2,018 people", "count", 2018.0),
        ("1799 people", "count", 1799.0),
        ("2101 people", "count", 2101.0),
        ("2020 miles", "measure", 2020.0),
        ("$2016", "money", 2016.0),
    ],
)
def test_year_like_numbers_with_quantity_cues_are_not_dates(
    sentence: str, kind: str, value: float
) -> None:
    mention = one(sentence)
    assert (mention.kind, mention.value) == (kind, value)


def test_lowercase_may_and_march_are_not_months() -> None:
    mention = one("NATO may 5,000 more send")
    assert (mention.text, mention.kind) == ("5,000", "count")
    assert one("They march 12 miles").kind == "measure"


def test_year_ranges_are_date_ranges() -> None:
    mention = one("growth between 2010 and 2050 is expected")
    assert (mention.kind, mention.lower, mention.value, mention.qualifier) == (
        "date",
        2010.0,
        2050.0,
        "between",
    )
    mention = one("from 2010 to 2020 the town grew")
    assert (mention.kind, mention.lower, mention.value, mention.change_from) == (
        "date",
        2010.0,
        2020.0,
        None,
    )
    mention = one("the 2016-17 season")
    assert (mention.text, mention.lower, mention.value) == ("2016-17", 2016.0, 2017.0)


def test_invalid_day_falls_back_to_a_count() -> None:
    mention = one("Sept. 45 delegates")
    assert (mention.text, mention.kind) == ("45", "count")


# --------------------------------------------------------------------------------------
# Ordinals and times


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("the first debate", "first", 1.0),
        ("the second committee hearing", "second", 2.0),
        ("a second term", "second", 2.0),
        ("North Korea's fifth missile test", "fifth", 5.0),
        ("our fourth secretary", "fourth", 4.0),
        ("the twenty-first century", "twenty-first", 21.0),
        ("the 3rd battalion", "3rd", 3.0),
        ("the 21st century", "21st", 21.0),
        ("his 5th Amendment rights", "5th", 5.0),
        ("the 101st Airborne", "101st", 101.0),
        ("the twelfth night", "twelfth", 12.0),
    ],
)
def test_ordinals_have_ordinal_kind(sentence: str, text: str, value: float) -> None:
    mention = one(sentence)
    assert (mention.text, mention.value, mention.kind) == (text, value, "ordinal")


@pytest.mark.parametrize(
    "sentence",
    [
        "At first nobody noticed.",
        "The former first lady spoke.",
        "first and foremost, security",
        "They tried to second-guess the FBI.",
        "in a split second",
        "He saw it first-hand.",
    ],
)
def test_idiomatic_first_and_second_are_not_ordinals(sentence: str) -> None:
    assert find_numbers(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("at 10:30 on Monday", "10:30", 10.5),
        ("at 5 p.m. local time", "5 p.m.", 17.0),
        ("at 5:30 p.m.", "5:30 p.m.", 17.5),
        ("at 5pm", "5pm", 17.0),
        ("at 9 AM", "9 AM", 9.0),
        ("at 12 a.m.", "12 a.m.", 0.0),
        ("at 12 p.m.", "12 p.m.", 12.0),
    ],
)
def test_times_of_day_are_other_in_decimal_hours(sentence: str, text: str, value: float) -> None:
    mention = one(sentence)
    assert (mention.text, mention.value, mention.kind) == (text, value, "other")


# --------------------------------------------------------------------------------------
# Compounds, names and codes


@pytest.mark.parametrize(
    ("sentence", "text", "value", "kind", "unit"),
    [
        ("a 15-year-old student", "15", 15.0, "measure", "years"),
        ("a 4-month-old baby", "4", 4.0, "measure", "months"),
        ("a 5,000-strong force", "5,000", 5000.0, "count", None),
        ("a two-day summit", "two", 2.0, "measure", "days"),
        ("a five-story building", "five", 5.0, "count", None),
        ("a 52-count complaint", "52", 52.0, "count", None),
        ("a 10-mile walk", "10", 10.0, "measure", "miles"),
        ("a $5-million deal", "$5-million", 5e6, "money", "USD"),
        ("a twenty-three-year-old", "twenty-three", 23.0, "measure", "years"),
    ],
)
def test_hyphenated_compound_gives_the_number_part(
    sentence: str, text: str, value: float, kind: str, unit: str | None
) -> None:
    mention = one(sentence)
    assert (mention.text, mention.value, mention.kind, mention.unit) == (text, value, kind, unit)


def test_suspended_hyphen_compound_counts_each_number() -> None:
    mentions = find_numbers("childcare for three- and four-year-olds")
    assert [(m.text, m.value) for m in mentions] == [("three", 3.0), ("four", 4.0)]


@pytest.mark.parametrize(
    "sentence",
    [
        "amid the COVID-19 pandemic",
        "amid the Covid\u201119 pandemic",
        "an F-16 crashed",
        "the G7 summit",
        "leaders of the G-20",
        "the EB-5 program",
        "an H-1B visa",
        "the 5G network",
        "a 3-D printer",
        "the 9/11 plotter",
        "open 24/7",
        "under Article 21 of the charter",
        "along Route 66",
        "Chapter 11 protection",
        "Resolution 2231 was adopted",
        "the No. 2 official",
        "the number one issue",
        "the #1 seller",
        "aboard Air Force One",
        "a Boeing 737 jet",
        "MH17 was shot down",
        "a 401k plan",
    ],
)
def test_names_codes_and_labels_are_not_figures(sentence: str) -> None:
    assert find_numbers(sentence) == []


# --------------------------------------------------------------------------------------
# Whole passages


def test_passage_in_wire_style_finds_every_figure_in_order() -> None:
    text = (
        "Eleven drones struck an airfield near Mosul on Friday evening, killing one guard "
        "and wounding seven others, officials said. The alliance has kept around 800 "
        "advisers there since 2019 and may raise that number from 800 to as many as "
        "3,000 by next summer. No one claimed the attack, the 12th this year."
    )
    got = [(m.text, m.value, m.kind, m.qualifier, m.change_from) for m in find_numbers(text)]
    assert got == [
        ("Eleven", 11.0, "count", None, None),
        ("one", 1.0, "count", None, None),
        ("seven", 7.0, "count", None, None),
        ("around 800", 800.0, "count", "approximately", None),
        ("2019", 2019.0, "date", None, None),
        ("from 800 to as many as 3,000", 3000.0, "count", "at_most", 800.0),
        ("12th", 12.0, "ordinal", None, None),
    ]


def test_passage_with_ages_money_and_percentages() -> None:
    text = (
        "The two brothers, both 19, and a 22-year-old cousin were charged on Monday. "
        "Prosecutors say the group moved $2.4 million, about 30 per cent of it abroad, "
        "between March 2014 and 2016."
    )
    got = [(m.text, m.value, m.kind, m.unit) for m in find_numbers(text)]
    assert got == [
        ("two", 2.0, "count", None),
        ("19", 19.0, "count", None),
        ("22", 22.0, "measure", "years"),
        ("$2.4 million", 2_400_000.0, "money", "USD"),
        ("about 30 per cent", 30.0, "percent", "%"),
        ("March 2014", 2014.0, "date", None),
        ("2016", 2016.0, "date", None),
    ]


def test_mentions_are_sorted_and_disjoint_in_a_busy_sentence() -> None:
    text = (
        "Between 40 and 50 people, up to 300 children, 15% of staff, £1.2bn, 4,000 km and "
        "the 1990s: from 3% to 5%, 19-15, 10:30, Sept. 26, 2016, twenty-first, hundreds."
    )
    mentions = find_numbers(text)
    assert len(mentions) == 11  # "19-15" is a tally, not a figure
    for first, second in itertools.pairwise(mentions):
        assert first.end <= second.start


# --------------------------------------------------------------------------------------
# Offsets: the text is never normalised


def test_offsets_survive_curly_quotes_nbsp_and_en_dashes() -> None:
    text = (
        "\u201cWe expect\u00a0about\u00a05,000 \u2013 maybe 6,000,\u201d"
        " he said \u2018in 2018\u2019."
    )
    mentions = find_numbers(text)
    assert [m.text for m in mentions] == ["about\u00a05,000", "6,000", "2018"]
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_en_dash_range_keeps_its_dash_in_text() -> None:
    text = "between 1990\u20132000 the town doubled"
    mention = one(text)
    assert mention.text == "1990\u20132000"
    assert text[mention.start : mention.end] == mention.text


def test_non_ascii_text_before_a_number_shifts_offsets_exactly() -> None:
    prefix = "Ärzte in Erbil \u062a\u0642\u0631\u064a\u0631 \U0001f4f0 \u201cquote\u201d\u00a0"
    base = find_numbers("as many as 5,000 troops")[0]
    shifted = find_numbers(prefix + "as many as 5,000 troops")[0]
    assert shifted.start == base.start + len(prefix)
    assert shifted.text == base.text == "as many as 5,000"


# --------------------------------------------------------------------------------------
# parse_number and the dataclass


def test_parse_number_returns_first_mention_with_offsets_relative_to_phrase() -> None:
    mention = parse_number("  from 500 to as high as 5,000 troops")
    assert mention is not None
    assert (mention.start, mention.end) == (2, 30)
    assert (mention.value, mention.change_from, mention.qualifier) == (5000.0, 500.0, "at_most")


@pytest.mark.parametrize("phrase", ["", "no numbers here", "no one", "COVID-19", "   "])
def test_parse_number_returns_none_without_a_number(phrase: str) -> None:
    assert parse_number(phrase) is None


def test_parse_number_parses_a_single_phrase() -> None:
    mention = parse_number("15 per cent")
    assert mention == NumberMention(
        start=0,
        end=11,
        text="15 per cent",
        value=15.0,
        qualifier=None,
        change_from=None,
        lower=None,
        kind="percent",
        unit="%",
    )


def test_number_mention_is_frozen() -> None:
    mention = one("5 people")
    with pytest.raises(dataclasses.FrozenInstanceError):
        mention.value = 6.0  # type: ignore[misc]


def test_numbers_too_large_for_a_float_are_dropped() -> None:
    assert find_numbers("9" * 400) == []
    assert one("9" * 300).value == float("9" * 300)


def test_find_numbers_is_deterministic_and_pure() -> None:
    text = "Fourteen rockets, around 500 troops and $2 billion in 2018."
    assert find_numbers(text) == find_numbers(text)


# --------------------------------------------------------------------------------------
# Properties

NUMBER_PHRASES = [
    "5,000",
    "1.5 million",
    "$2 billion",
    "£300m",
    "15 percent",
    "as many as 5,000",
    "from 500 to as high as 5,000",
    "between 40 and 50",
    "40-50",
    "Fourteen",
    "twenty-three",
    "a dozen",
    "hundreds",
    "in 2018",
    "Sept. 26, 2016",
    "the 1990s",
    "21st",
    "5 p.m.",
    "a 15-year-old",
    "COVID-19",
    "one",
    "no one",
    "two-thirds",
    "3,200.75",
    "4,000 km",
    "90-plus",
]
FILLER = st.text(
    alphabet=st.sampled_from(
        [
            *"abcdefgh xyz,.;:-()'\"%$£€/0123456789",
            *("\u00a0", "\u2013", "\u2014", "\u201c", "\u201d", "\u2019", "é", "\u4e2d", "\n"),
        ]
    ),
    max_size=12,
)


def _check_invariants(text: str, mentions: list[NumberMention]) -> None:
    previous_end = 0
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.start >= previous_end
        previous_end = m.end
        assert math.isfinite(m.value)
        assert m.kind in KINDS
        assert m.qualifier in QUALIFIERS
        if m.lower is not None:
            assert m.qualifier == "between"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(FILLER, st.sampled_from(NUMBER_PHRASES)), max_size=8), FILLER)
def test_offsets_slice_original_text_for_random_text(
    parts: list[tuple[str, str]], tail: str
) -> None:
    text = "".join(filler + phrase for filler, phrase in parts) + tail
    _check_invariants(text, find_numbers(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_offsets_slice_original_text_for_arbitrary_unicode(text: str) -> None:
    _check_invariants(text, find_numbers(text))


NON_ASCII_PREFIX = st.text(
    alphabet=st.sampled_from(
        ["é", "ü", "ß", "\u4e2d", "\u6587", "\u0639", "\U0001f4f0", "\u201c", "\u201d", " "]
    ),
    max_size=20,
).map(lambda s: s + "\u00a0")


@settings(max_examples=200, deadline=None)
@given(NON_ASCII_PREFIX, st.sampled_from(NUMBER_PHRASES))
def test_non_ascii_prefix_shifts_every_mention_by_its_length(prefix: str, phrase: str) -> None:
    base = find_numbers(phrase)
    shifted = find_numbers(prefix + phrase)
    assert len(shifted) == len(base)
    for b, s in zip(base, shifted, strict=True):
        assert (s.start, s.end) == (b.start + len(prefix), b.end + len(prefix))
        assert dataclasses.replace(s, start=b.start, end=b.end) == b


_ONES_WORDS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEEN_WORDS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"]
_TEEN_WORDS += ["seventeen", "eighteen", "nineteen"]
_TENS_WORDS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty"]
_TENS_WORDS += ["ninety"]


def _spell_below_1000(n: int, joiner: str, use_and: bool) -> str:
    words: list[str] = []
    if n >= 100:
        words += [_ONES_WORDS[n // 100], "hundred"]
        n %= 100
        if n and use_and:
            words.append("and")
    if n >= 20:
        tens = _TENS_WORDS[n // 10]
        words.append(tens + joiner + _ONES_WORDS[n % 10] if n % 10 else tens)
    elif n >= 10:
        words.append(_TEEN_WORDS[n - 10])
    elif n:
        words.append(_ONES_WORDS[n])
    return " ".join(words)


def _spell(n: int, joiner: str, use_and: bool) -> str:
    parts: list[str] = []
    for scale_value, scale_word in ((10**6, "million"), (10**3, "thousand"), (1, "")):
        chunk = (n // scale_value) % 1000
        if chunk:
            spelled = _spell_below_1000(chunk, joiner, use_and)
            parts.append(f"{spelled} {scale_word}".strip())
    return " ".join(parts)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=999_999_999), st.sampled_from(["-", " "]), st.booleans())
def test_spelled_out_integers_parse_to_their_value(n: int, joiner: str, use_and: bool) -> None:
    spelled = _spell(n, joiner, use_and)
    mention = parse_number(f"They counted {spelled} ballots.")
    assert mention is not None
    assert mention.text == spelled
    assert mention.value == float(n)
    assert mention.kind == "count"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_digits_with_thousands_separators_parse_exactly(n: int) -> None:
    written = f"{n:,}"
    assume(not (1800 <= n <= 2100 and "," not in written))
    mention = one(f"There were {written} cases.")
    assert (mention.text, mention.value, mention.kind) == (written, float(n), "count")


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2),
    st.sampled_from([("million", 10**6), ("billion", 10**9), ("bn", 10**9)]),
)
def test_currency_with_scale_is_exact(amount: Decimal, scale: tuple[str, int]) -> None:
    word, factor = scale
    written = f"${amount}{' ' if len(word) > 2 else ''}{word}"
    mention = one(f"The deal is worth {written} in total.")
    assert mention.text == written
    assert mention.value == float(amount * factor)
    assert (mention.kind, mention.unit) == ("money", "USD")


# --------------------------------------------------------------------------------------
# Direction: which way a number moved


@pytest.mark.parametrize(
    ("sentence", "text", "direction"),
    [
        ("Shares in the miner rose 4% on Tuesday.", "4%", "up"),
        ("The bakery's sales climbed by about 12 percent last year.", "about 12 percent", "up"),
        ("Ticket prices were down 40 cents from the spring.", "40 cents", "down"),
        ("The carrier cut 1,200 jobs in the spring.", "1,200", "down"),
        ("The regulator lost as much as 3% of its budget.", "as much as 3%", "down"),
        ("The council will grow its reserves by 8% next year.", "8%", "up"),
        ("The mill cut its workforce by 300 this year.", "300", "down"),
        ("The union raised its demand by 2 percent.", "2 percent", "up"),
        ("The lake can dip down to 4 degrees in winter.", "4 degrees", "down"),
        ("The bond index slipped a further 0.3% on Friday.", "0.3%", "down"),
    ],
)
def test_direction_word_before_the_number_sets_direction(
    sentence: str, text: str, direction: str
) -> None:
    mention = next(m for m in find_numbers(sentence) if m.text == text)
    assert mention.direction == direction


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("The charity raised $4 million for the clinic.", "$4 million"),  # an amount, not a move
        ("Fares will be up to €3 on the night bus.", "up to €3"),  # a bound
        ("Unemployment fell to 5% in March.", "5%"),  # a level
        ("Inflation rose to 3.1 percent.", "3.1 percent"),
        ("The queue came down to 12 people by noon.", "12"),
        ("The striker added a 30-yard goal late on.", "30"),
        ("About 400 people attended the meeting.", "About 400"),
    ],
)
def test_level_bound_or_amount_has_no_direction(sentence: str, text: str) -> None:
    mention = next(m for m in find_numbers(sentence) if m.text == text)
    assert mention.direction is None


def test_amount_after_direction_verb_then_level_are_two_mentions() -> None:
    found = find_numbers("The harbour index gained 1.4 percent to 2,318.50 on Monday.")
    assert [(m.text, m.value, m.direction) for m in found] == [
        ("1.4 percent", 1.4, "up"),
        ("2,318.50", 2318.5, None),
    ]
    found = find_numbers("Exports increased by $2.5 billion to $88.1 billion.")
    assert [(m.value, m.direction, m.qualifier) for m in found] == [
        (2.5e9, "up", None),
        (8.81e10, None, None),
    ]


def test_bare_range_after_direction_verb_stays_a_range() -> None:
    mention = one("Night temperatures dropped by 2 to 3 degrees.")
    assert (mention.lower, mention.value, mention.qualifier) == (2.0, 3.0, "between")
    assert mention.direction == "down"


def test_or_continuation_and_ellipsis_inherit_the_direction() -> None:
    found = find_numbers("The FTSE lost 85 points, or 1.1%, and the DAX 0.4%.")
    assert [m.direction for m in found][:2] == ["down", "down"]
    found = find_numbers("Profit rose 9% and revenue by 4%.")
    assert [m.direction for m in found] == ["up", "up"]


def test_change_from_values_gives_direction() -> None:
    assert one("The fare went from €2.10 to €2.60.").direction == "up"
    assert one("Membership went from 900 to 450.").direction == "down"
    assert one("Prices ranged from 10 to 20 euros.").direction is None


# --------------------------------------------------------------------------------------
# Forms seen in wire copy: glued units, currency prefixes, signs, labels, clocks


@pytest.mark.parametrize(
    ("phrase", "value", "kind", "unit"),
    [
        ("a 512GB model", 512.0, "measure", "GB"),
        ("a 2.4GHz chip", 2.4, "measure", "GHz"),
        ("a 100Mbps line", 100.0, "measure", "Mbps"),
        ("a 5000mAh battery", 5000.0, "measure", "mAh"),
        ("a 250mg dose", 250.0, "measure", "mg"),
        ("a 400bhp engine", 400.0, "measure", "bhp"),
        ("a 300 hp engine", 300.0, "measure", "hp"),
        ("a 45m2 flat", 45.0, "measure", "m2"),
        ("a high of 31C on Sunday", 31.0, "measure", "°C"),
        ("lows of -4C overnight", -4.0, "measure", "°C"),
        ("a 600 sq m unit", 600.0, "measure", "m2"),
        ("sales fell 3pc", 3.0, "percent", "%"),
        ("margins of 2.5 pc", 2.5, "percent", "%"),
        ("the 1.4m tonnes shipped", 1_400_000.0, "measure", "t"),
        ("2.1M streams", 2_100_000.0, "count", None),
        ("a 400m race", 400.0, "measure", "m"),
        ("4 hundred million people", 400_000_000.0, "count", None),
        ("a mass of 5.97×10^24 kilograms", 5.97e24, "measure", "kg"),
        ("a wavelength of 6.5 x 10−7 metres", 6.5e-7, "measure", "m"),
    ],
)
def test_glued_units_scales_and_powers_of_ten(
    phrase: str, value: float, kind: str, unit: str | None
) -> None:
    mention = one(phrase)
    assert mention.value == pytest.approx(value)
    assert (mention.kind, mention.unit) == (kind, unit)


@pytest.mark.parametrize(
    ("phrase", "value", "unit"),
    [
        ("priced at RM450,000", 450_000.0, "MYR"),
        ("profit of HK $2.1 billion", 2.1e9, "HKD"),
        ("a fee of US $40", 40.0, "USD"),
        ("a bid of C $6 a share", 6.0, "CAD"),
        ("raised S$12 million", 12e6, "SGD"),
        ("worth R$3 billion", 3e9, "BRL"),
    ],
)
def test_currency_prefixes_set_the_currency(phrase: str, value: float, unit: str) -> None:
    mention = one(phrase)
    assert (mention.value, mention.kind, mention.unit) == (value, "money", unit)


def test_negative_numbers_and_minus() -> None:
    assert one("Nights reach minus 40 degrees.").value == -40.0
    assert one("Nights reach minus-40 degrees.").value == -40.0
    assert one("Nights reach minus-40 degrees.").direction is None  # a level
    found = find_numbers("Close: FTSE -0.8% DAX +1.2%")
    assert [(m.value, m.direction) for m in found] == [(-0.8, "down"), (1.2, "up")]


def test_sub_prefix_is_less_than() -> None:
    mention = one("demand for sub-200 sq m shops")
    assert (mention.value, mention.qualifier, mention.unit) == (200.0, "less_than", "m2")


@pytest.mark.parametrize("symbol", ["~", "\u2248 "])
def test_tilde_means_about(symbol: str) -> None:
    mention = one(f"a crowd of {symbol}300 fans")
    assert (mention.value, mention.qualifier) == (300.0, "approximately")


@pytest.mark.parametrize(
    "sentence",
    [
        "Shares in the S&P 500 were flat.",
        "The Stoxx 50 and the FTSE 100 opened late.",
        "It joined the Fortune 500 list.",
        "The series went to Game 7.",
        "A category 4 storm is due.",
        "The airline grounded its 737 Max jets.",
        "The iPhone 15 Pro and 15 Pro Max ship today.",
        "The office at 21 Quay Street is closed.",
        "Units 4-6 Mill Lane were sold.",
    ],
)
def test_names_and_addresses_are_not_figures(sentence: str) -> None:
    assert find_numbers(sentence) == []


def test_four_digits_and_a_time_zone_are_a_clock_time() -> None:
    mention = one("The order took effect at 0930 GMT on Friday.")
    assert (mention.value, mention.kind, mention.unit) == (9.5, "other", None)
    assert one("The mill made 1930 tonnes.").value == 1930.0


def test_conversion_in_brackets_takes_the_qualifier_and_direction() -> None:
    found = find_numbers("The birds fly more than 200 kilometres (124 miles) a day.")
    assert [(m.value, m.qualifier) for m in found] == [(200.0, "more_than"), (124.0, "more_than")]
    found = find_numbers("Water levels fell 2 metres (6.6 feet).")
    assert [m.direction for m in found] == ["down", "down"]
    found = find_numbers("It sold 45 million pesos ($2.4 million) of bonds.")
    assert [m.qualifier for m in found] == [None, None]


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("sixty-two hundred thousand", 6_200_000.0),
        ("a hundred and twelve", 112.0),
        ("two million three hundred thousand", 2_300_000.0),
        ("nine hundred billion", 9e11),
    ],
)
def test_worded_numbers_sum_their_groups(phrase: str, value: float) -> None:
    assert one(phrase).value == value


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("The 9 Supreme Court justices heard it.", "9", 9.0),
        ("A $5 fee applies.", "$5", 5.0),
        ("Profit at 3M rose.", None, None),
        ("The club signed 3 Premier League players.", "3", 3.0),
    ],
)
def test_new_rules_leave_ordinary_phrasings_alone(
    sentence: str, text: str | None, value: float | None
) -> None:
    found = find_numbers(sentence)
    if text is None:
        assert found == []
    else:
        assert [(m.text, m.value) for m in found] == [(text, value)]
        assert found[0].unit in (None, "USD")


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Pensioners make up about 30 percent of riders.", "about 30 percent"),
        ("The party hopes to pick up three seats.", "three"),
        ("Unemployment has fallen below 4 percent.", "below 4 percent"),
        ("The index rose above 9,000 for the first time.", "above 9,000"),
        ("Profits grew from 2015 to 2019.", "from 2015 to 2019"),
    ],
)
def test_phrasal_up_level_crossings_and_dates_have_no_direction(sentence: str, text: str) -> None:
    mention = next(m for m in find_numbers(sentence) if m.text == text)
    assert mention.direction is None


def test_closing_up_is_still_a_move() -> None:
    assert one("The index ended up 0.4% on Friday.").direction == "up"


@pytest.mark.parametrize(
    ("sentence", "text", "lower", "value"),
    [
        ("Walls rose between A.D. 900 and 1150.", "between A.D. 900 and 1150", 900.0, 1150.0),
        ("Between 1550 and 1850 the river froze often.", "Between 1550 and 1850", 1550.0, 1850.0),
    ],
)
def test_years_outside_the_usual_span_pair_as_a_date_range(
    sentence: str, text: str, lower: float, value: float
) -> None:
    mention = one(sentence)
    assert (mention.text, mention.kind, mention.lower, mention.value) == (
        text,
        "date",
        lower,
        value,
    )


def test_an_era_makes_a_year() -> None:
    assert (one("The city fell in 410 AD.").kind, one("It was built in AD 79.").text) == (
        "date",
        "AD 79",
    )
    assert one("It dates from 350 BC.").kind == "date"
    assert one("The hall seats 1,200 people.").kind == "count"
